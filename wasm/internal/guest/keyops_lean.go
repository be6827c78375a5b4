//go:build jwtwasm_lean

package guest

import (
	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// keyOp answers every operation that signs, makes or converts keys with
// core.CodeUnsupported: the verify-only module leaves them out.
func (g *Guest) keyOp(op abi.Op, _ []byte) []byte {
	return errResult(core.Errorf(core.CodeUnsupported,
		"operation %d (%s) is not in the verify-only module: load the full module, jwtwasm.wasm", op, opName(op)))
}

func opName(op abi.Op) string {
	switch op {
	case abi.OpSign:
		return "sign"
	case abi.OpSignerNew:
		return "signer_new"
	case abi.OpSignerFree:
		return "signer_free"
	case abi.OpKeygen:
		return "keygen"
	case abi.OpConvertKeys:
		return "convert_keys"
	}
	return "unknown"
}
