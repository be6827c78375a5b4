package guest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// FuzzCall feeds the ABI's request decoding whatever bytes, under every
// operation: never a panic, and always a result of the documented layout,
// a known status byte and a JSON body.
func FuzzCall(f *testing.F) {
	files, _ := filepath.Glob("testdata/requests/*.json")
	if len(files) == 0 {
		f.Fatal("no seed requests in testdata/requests/*.json")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for op := abi.Op(0); op <= 12; op++ {
			f.Add(int32(op), data)
		}
	}
	f.Fuzz(func(t *testing.T, op int32, req []byte) {
		if abi.Op(op) == abi.OpKeygen {
			return // key generation by random request would only measure RSA
		}
		g := New()
		out := g.Call(abi.Op(op), req)
		if len(out) == 0 {
			t.Fatal("empty result")
		}
		if out[0] != abi.StatusOK {
			if _, known := core.ParseCode(core.Code(out[0]).String()); !known {
				t.Fatalf("unknown status %d", out[0])
			}
			if core.Code(out[0]) == core.CodeInternal {
				t.Fatalf("internal error for op %d request %q: %s", op, req, out[1:])
			}
		}
		if !json.Valid(out[1:]) {
			t.Fatalf("body is not JSON: %q", out[1:])
		}
	})
}
