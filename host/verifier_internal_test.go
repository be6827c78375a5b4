package host

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// TestVerifiedLayout feeds the reader of ExportVerifyInput's binary
// results what a broken or hostile module could return: every bad layout
// is an internal error, never a panic or a token.
func TestVerifiedLayout(t *testing.T) {
	v := &wasmVerifier{keys: []*core.Key{testKey(t, "ec-p256.pem")}}
	layout := func(index, hlen uint32, body string) []byte {
		b := []byte{abi.StatusOK}
		b = binary.LittleEndian.AppendUint32(b, index)
		b = binary.LittleEndian.AppendUint32(b, hlen)
		return append(b, body...)
	}
	header, claims := `{"alg":"ES256"}`, `{"sub":"a"}`
	tok, verdict, err := v.result(layout(0, uint32(len(header)), header+claims))
	if err != nil || verdict != nil || tok.Header.Algorithm != "ES256" || tok.Claims.Subject != "a" || tok.Key != v.keys[0] {
		t.Fatalf("a good result: %v, %v, %+v", err, verdict, tok)
	}
	for _, c := range []struct {
		name string
		res  []byte
		msg  string
	}{
		{"shorter than the layout", []byte{abi.StatusOK, 0, 0}, "shorter than its layout"},
		{"header past the end", layout(0, 1000, header+claims), "a header of 1000 bytes"},
		{"header length wraps", layout(0, 0xffffffff, header+claims), "a header of 4294967295 bytes"},
		{"key index out of range", layout(1, uint32(len(header)), header+claims), "named key 1 of a set of 1"},
		{"key index negative as int32", layout(0xffffffff, uint32(len(header)), header+claims), "named key"},
		{"header not JSON", layout(0, 3, "abc"+claims), "bad header"},
		{"claims not an object", layout(0, uint32(len(header)), header+"[1]"), "bad claims"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok, verdict, err := v.result(c.res)
			if tok != nil || verdict != nil || !errors.Is(err, core.CodeInternal) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %v, %v, %v; want an internal error saying %q", tok, verdict, err, c.msg)
			}
		})
	}
}
