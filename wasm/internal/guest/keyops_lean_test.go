//go:build jwtwasm_lean

package guest

import (
	"testing"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// TestLeanKeyOpsUnsupported: in the verify-only module, every operation
// that signs, makes or converts keys answers unsupported and names the
// full module, whatever its request; the others still work.
func TestLeanKeyOpsUnsupported(t *testing.T) {
	g := New()
	ops := []abi.Op{abi.OpSign, abi.OpSignerNew, abi.OpSignerFree, abi.OpKeygen, abi.OpConvertKeys}
	for _, op := range ops {
		for _, req := range []string{`{}`, `{"type":"EC"}`, `not json`, ``} {
			want(t, split(t, g.Call(op, []byte(req))), core.CodeUnsupported, "load the full module, jwtwasm.wasm", nil)
		}
	}
	jwks := `{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0","kid":"s"}]}`
	var h abi.HandleResult
	want(t, call(t, g, abi.OpVerifierNew, abi.VerifierRequest{KeysRequest: abi.KeysRequest{Keys: jwks}, Policy: abi.Policy{Algorithms: []string{"HS256"}}}), abi.StatusOK, "", &h)
	var th abi.ThumbprintResult
	want(t, call(t, g, abi.OpThumbprint, abi.KeysRequest{Keys: jwks}), abi.StatusOK, "", &th)
	want(t, call(t, g, abi.OpInspect, abi.InspectRequest{Token: "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"}), abi.StatusOK, "", nil)
}
