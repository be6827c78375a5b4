package abi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
)

var verifyResultSeeds = []string{
	`{"header":{"alg":"RS256","kid":"k1"},"claims":{"sub":"u","aud":["a","b"]},"kid":"k1","key_index":0}`,
	`{"header":{"alg":"ES256"},"claims":{},"kid":"","key_index":3}`,
	`{"header":{"alg":"ES256"},"claims":{},"kid":"a\"b\u00e9","key_index":1,"later":"member"}`,
	`{"header":{},"Header":{"a":1},"claims":{},"key_index":0}`,
	` { "key_index" : 2 , "kid" : "x" , "claims" : { "a" : [ 1 ] } , "header" : { "alg" : "EdDSA" } } `,
}

func TestParseVerifyResult(t *testing.T) {
	for _, s := range verifyResultSeeds {
		got, err := ParseVerifyResult([]byte(s))
		if err != nil {
			t.Errorf("ParseVerifyResult(%s): %v", s, err)
			continue
		}
		checkAgainstEncodingJSON(t, []byte(s), got)
	}
	bad := []struct{ body, want string }{
		{``, "not a JSON object"},
		{`[]`, "not a JSON object"},
		{`{"header":{"alg":"RS256"},"claims":{}}`, `no "key_index"`},
		{`{"header":{"alg":"RS256"},"key_index":0}`, `no "claims"`},
		{`{"claims":{},"key_index":0}`, `no "header"`},
		{`{"header":"x","claims":{},"key_index":0}`, `"header": not a JSON object`},
		{`{"header":{},"claims":[],"key_index":0}`, `"claims": not a JSON object`},
		{`{"header":{},"claims":{},"kid":1,"key_index":0}`, `"kid" is not a string`},
		{`{"header":{},"claims":{},"key_index":1.5}`, `"key_index"`},
		{`{"header":{},"claims":{},"key_index":0,"key_index":1}`, "duplicate"},
		{`{"header":{},"claims":{},"key_index":0}x`, "invalid JSON"},
		{`{"header":{},"claims":{"x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `},"key_index":0}`, "nested too deeply"},
	}
	for _, tt := range bad {
		if _, err := ParseVerifyResult([]byte(tt.body)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseVerifyResult(%s) error = %v, want one naming %q", tt.body, err, tt.want)
		}
	}
}

// FuzzParseVerifyResult holds ParseVerifyResult to encoding/json on every
// body it accepts.
func FuzzParseVerifyResult(f *testing.F) {
	for _, s := range verifyResultSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, err := ParseVerifyResult(body); err == nil {
			checkAgainstEncodingJSON(t, body, got)
		}
	})
}

func checkAgainstEncodingJSON(t *testing.T, body []byte, got *VerifyResult) {
	t.Helper()
	// encoding/json also fills a field from a member whose name differs
	// only in case ("Header"); the ABI's names are exact, so such bodies
	// differ by design.
	obj, _ := jsonobj.Parse(body, resultLimits)
	for _, m := range obj {
		for _, name := range []string{"header", "claims", "kid", "key_index"} {
			if m.Name != name && strings.EqualFold(m.Name, name) {
				return
			}
		}
	}
	var want VerifyResult
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("ParseVerifyResult accepted %q, which encoding/json refuses: %v", body, err)
	}
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("ParseVerifyResult(%q) = %+v, encoding/json reads %+v", body, *got, want)
	}
}
