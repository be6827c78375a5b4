package core

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitCompact(t *testing.T) {
	t.Parallel()
	sig := b64.EncodeToString([]byte{1, 2, 3})
	tests := []struct {
		name    string
		token   string
		want    Code
		message string // part of the error message
	}{
		{"ok", "eyJhbGciOiJFUzI1NiJ9.e30." + sig, 0, ""},
		{"empty payload is a JWS matter", "eyJhbGciOiJFUzI1NiJ9.." + sig, 0, ""},
		{"no dot", "abc", CodeMalformed, "1 parts"},
		{"one dot", "a.b", CodeMalformed, "2 parts"},
		{"four parts", "a.b.c.d", CodeMalformed, "4 parts"},
		{"five parts", "a.b.c.d.e", CodeMalformed, "encrypted JWE"},
		{"six parts", "a.b.c.d.e.f", CodeMalformed, "6 parts"},
		{"empty header", ".e30." + sig, CodeMalformed, "header is empty"},
		{"bad character in header", "eyJhbGciOiJFUzI1NiJ9!.e30." + sig, CodeMalformed, "header has a character"},
		{"bad character in payload", "eyJhbGciOiJFUzI1NiJ9.e3+0." + sig, CodeMalformed, "payload has a character"},
		{"bad character in signature", "eyJhbGciOiJFUzI1NiJ9.e30.AQ/D", CodeMalformed, "signature has a character"},
		{"impossible header length", "eyJhbGciOiJFUzI1NiJ9a.e30." + sig, CodeMalformed, "header is not canonical"},
		{"non-canonical signature", "eyJhbGciOiJFUzI1NiJ9.e30.AQJ", CodeMalformed, "signature is not canonical"},
		{"header not an object", b64.EncodeToString([]byte(`"x"`)) + ".e30." + sig, CodeMalformed, "token header"},
		{"typ not a string", b64.EncodeToString([]byte(`{"alg":"ES256","typ":1}`)) + ".e30." + sig, CodeMalformed, `header "typ" must be a string`},
		{"cty not a string", b64.EncodeToString([]byte(`{"alg":"ES256","cty":null}`)) + ".e30." + sig, CodeMalformed, `header "cty" must be a string`},
		{"crit of numbers", b64.EncodeToString([]byte(`{"alg":"ES256","crit":[1]}`)) + ".e30." + sig, CodeMalformed, `"crit" must be a non-empty array`},
		{"zip", b64.EncodeToString([]byte(`{"alg":"ES256","zip":"DEF"}`)) + ".e30." + sig, CodeMalformed, `"zip"`},
		{"bad escape in kid", b64.EncodeToString([]byte(`{"alg":"ES256","kid":"\ud800"}`)) + ".e30." + sig, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var h Header
			_, sig, err := splitCompact(tt.token, &h, nil)
			checkErr(t, err, tt.want)
			if err != nil {
				if sig != nil {
					t.Error("parts with an error")
				}
				if !strings.Contains(MessageOf(err), tt.message) {
					t.Errorf("message %q lacks %q", MessageOf(err), tt.message)
				}
				return
			}
			if string(sig) != "\x01\x02\x03" {
				t.Errorf("signature = %x", sig)
			}
		})
	}
}

func TestHeaderAccessors(t *testing.T) {
	t.Parallel()
	hj := `{"alg":"ES256","kid":"k\u0031","typ":"at+jwt","cty":"JWT","crit":["x"],"x":{"y":1}}`
	var h Header
	c, _, err := splitCompact(b64.EncodeToString([]byte(hj))+".e30.", &h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h.Algorithm != "ES256" || h.KeyID != "k1" || h.Type != "at+jwt" || h.ContentType != "JWT" || !reflect.DeepEqual(h.Critical, []string{"x"}) {
		t.Errorf("header = %+v", h)
	}
	if string(h.JSON()) != hj {
		t.Errorf("JSON() = %s", h.JSON())
	}
	if want := []string{"alg", "kid", "typ", "cty", "crit", "x"}; !reflect.DeepEqual(h.Names(), want) {
		t.Errorf("Names() = %q, want %q", h.Names(), want)
	}
	if v, ok := h.Get("x"); !ok || string(v) != `{"y":1}` {
		t.Errorf("Get(x) = %s, %v", v, ok)
	}
	if _, ok := h.Get("y"); ok {
		t.Error("Get(y) found a nested member")
	}
	if c.signingInput != b64.EncodeToString([]byte(hj))+".e30" || c.payloadB64 != "e30" {
		t.Errorf("signing input %q, payload %q", c.signingInput, c.payloadB64)
	}
}
