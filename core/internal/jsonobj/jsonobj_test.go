package jsonobj

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testLimits = Limits{MaxDepth: 8, MaxValues: 50}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // member names
		wantErr error
	}{
		{"empty object", `{}`, nil, nil},
		{"spaces", " \t\r\n{ \"a\" : 1 } \n", []string{"a"}, nil},
		{"members", `{"alg":"RS256","kid":"k1","n":[1,2,{"x":null}],"t":true,"f":false,"e":-1.5e+3}`,
			[]string{"alg", "kid", "n", "t", "f", "e"}, nil},
		{"escaped name", `{"al\u0067":"x"}`, []string{"alg"}, nil},
		{"duplicate", `{"alg":"a","alg":"b"}`, nil, ErrDuplicate},
		{"duplicate by escape", `{"alg":"a","\u0061lg":"b"}`, nil, ErrDuplicate},
		{"nested duplicates allowed", `{"a":{"x":1,"x":2}}`, []string{"a"}, nil},
		{"array", `[1]`, nil, ErrNotObject},
		{"string", `"x"`, nil, ErrNotObject},
		{"empty", ``, nil, ErrNotObject},
		{"trailing", `{} {}`, nil, ErrSyntax},
		{"trailing comma", `{"a":1,}`, nil, ErrSyntax},
		{"missing colon", `{"a" 1}`, nil, ErrSyntax},
		{"unquoted name", `{a:1}`, nil, ErrSyntax},
		{"single quotes", `{'a':1}`, nil, ErrSyntax},
		{"leading zero", `{"a":01}`, nil, ErrSyntax},
		{"bare minus", `{"a":-}`, nil, ErrSyntax},
		{"bad fraction", `{"a":1.}`, nil, ErrSyntax},
		{"bad exponent", `{"a":1e}`, nil, ErrSyntax},
		{"nan", `{"a":NaN}`, nil, ErrSyntax},
		{"control char", "{\"a\":\"x\ny\"}", nil, ErrSyntax},
		{"bad escape", `{"a":"\x"}`, nil, ErrSyntax},
		{"short unicode escape", `{"a":"\u12"}`, nil, ErrSyntax},
		{"unterminated string", `{"a":"x`, nil, ErrSyntax},
		{"unterminated object", `{"a":1`, nil, ErrSyntax},
		{"unterminated array", `{"a":[1,2`, nil, ErrSyntax},
		{"invalid utf8", "{\"a\":\"\xff\"}", nil, ErrSyntax},
		{"truncated literal", `{"a":tru}`, nil, ErrSyntax},
		{"depth at limit", `{"a":[[[[[[[1]]]]]]]}`, []string{"a"}, nil},
		{"depth over limit", `{"a":[[[[[[[[1]]]]]]]]}`, nil, ErrTooDeep},
		{"values over limit", `{"a":[` + strings.Repeat("1,", 50) + `1]}`, nil, ErrTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := Parse([]byte(tt.in), testLimits)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			var names []string
			for _, m := range obj {
				names = append(names, m.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("names = %v, want %v", names, tt.want)
			}
		})
	}
}

func TestValuesAreRaw(t *testing.T) {
	obj, err := Parse([]byte(`{"a" : [1, {"b":2}] ,"c":"d"}`), testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := obj.Get("a"); string(v) != `[1, {"b":2}]` {
		t.Errorf("a = %s", v)
	}
	if v, _ := obj.Get("c"); string(v) != `"d"` {
		t.Errorf("c = %s", v)
	}
	if _, ok := obj.Get("z"); ok {
		t.Error("Get of an absent member reported it present")
	}
}

func seeds(t testing.TB) [][]byte {
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) == 0 {
		t.Fatal("no seed files in testdata/*.json")
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzParse checks that Parse never panics and agrees with encoding/json on
// what is a valid object, except where Parse is stricter by design
// (duplicates, limits), and on each member's name and raw value.
func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := Parse(data, Limits{MaxDepth: 64, MaxValues: 10000})
		var v map[string]json.RawMessage
		stdErr := json.Unmarshal(data, &v)
		switch {
		case err == nil && stdErr != nil:
			t.Fatalf("Parse accepted what encoding/json refuses (%v): %q", stdErr, data)
		case err == nil && len(obj) != len(v):
			t.Fatalf("Parse found %d members, encoding/json %d: %q", len(obj), len(v), data)
		case err != nil && stdErr == nil && errors.Is(err, ErrSyntax) && !strings.Contains(err.Error(), "UTF-8"):
			t.Fatalf("Parse refused what encoding/json accepts (%v): %q", err, data)
		case err != nil && stdErr == nil && errors.Is(err, ErrNotObject) && v != nil:
			t.Fatalf("Parse said not an object: %q", data)
		}
		for _, m := range obj {
			if want, ok := v[m.Name]; !ok || !bytes.Equal(m.Value, want) {
				t.Fatalf("member %q = %q, encoding/json has %q (present %v): %q", m.Name, m.Value, want, ok, data)
			}
		}
	})
}
