package guest

import (
	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/core/ops"
)

// The operations without state are core/ops's, wrapped in the ABI's JSON.

func inspect(r *abi.InspectRequest) []byte { return answer(ops.Inspect(r)) }
func keygen(r *abi.KeygenRequest) []byte   { return answer(ops.Keygen(r)) }
func convert(r *abi.ConvertRequest) []byte { return answer(ops.Convert(r)) }
func thumbprint(r *abi.KeysRequest) []byte { return answer(ops.Thumbprint(r)) }

// answer encodes an operation's result, or its error.
func answer[T any](res *T, err error) []byte {
	if err != nil {
		return errResult(err)
	}
	return okResult(res)
}
