package jsonobj

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
		{"nested duplicate", `{"a":{"x":1,"x":2}}`, nil, ErrDuplicate},
		{"nested duplicate by escape", `{"a":{"x":1,"\u0078":2}}`, nil, ErrDuplicate},
		{"duplicate in an object in an array", `{"a":[1,{"x":1},{"y":1,"y":2}]}`, nil, ErrDuplicate},
		{"duplicate deep down", `{"a":{"b":[[{"c":{"d":1,"e":2,"d":3}}]]}}`, nil, ErrDuplicate},
		{"duplicate after many names", `{"a":{` + manyMembers(40) + `,"m7":0}}`, nil, ErrDuplicate},
		{"many distinct names", `{"a":{` + manyMembers(40) + `}}`, []string{"a"}, nil},
		{"same name in sibling objects", `{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}`, []string{"a", "b", "c"}, nil},
		{"same name at two depths", `{"x":{"x":{"x":1}}}`, []string{"x"}, nil},
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

// manyMembers returns n members "m0":0, "m1":0, ... for an object.
func manyMembers(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf(`"m%d":0`, i))
	}
	return strings.Join(parts, ",")
}

// TestDuplicatePath checks that a duplicate is named by its JSON Pointer
// (RFC 6901), at any depth.
func TestDuplicatePath(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`{"alg":"a","alg":"b"}`, `"/alg"`},
		{`{"a":{"x":1,"x":2}}`, `"/a/x"`},
		{`{"a":{"x":1,"\u0078":2}}`, `"/a/x"`},
		{`{"a":[1,{"x":1},{"y":1,"y":2}]}`, `"/a/2/y"`},
		{`{"a":{"b":[[{"c":{"d":1,"e":2,"d":3}}]]}}`, `"/a/b/0/0/c/d"`},
		{`{"realm_access":{"roles":["user"],"roles":["admin"]}}`, `"/realm_access/roles"`},
		{`{"a/b":{"c~d":{"x":1,"x":2}}}`, `"/a~1b/c~0d/x"`},
		{`{"a":{` + manyMembers(40) + `,"m39":0}}`, `"/a/m39"`},
		{`{"a":1,"a":{"x":1,"x":2}}`, `"/a"`},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in), Limits{MaxDepth: 8, MaxValues: 100})
		if !errors.Is(err, ErrDuplicate) || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want %v naming %s", tt.in, err, ErrDuplicate, tt.want)
		}
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
// (duplicates, limits), and on each member's name and raw value. Where it
// is stricter about duplicates, it must agree with firstDuplicate, a
// reference built on encoding/json's token stream, on whether the document
// has one and where the first is.
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
		if stdErr != nil || !(err == nil || errors.Is(err, ErrDuplicate)) {
			return // no reference: not JSON, or refused for a limit first
		}
		dup, found := firstDuplicate(data)
		switch {
		case err == nil && found:
			t.Fatalf("Parse accepted a duplicate at %q: %q", dup, data)
		case err != nil && !found:
			t.Fatalf("Parse reported %v, encoding/json finds no duplicate: %q", err, data)
		case err != nil && !strings.HasSuffix(err.Error(), fmt.Sprintf("%q", dup)):
			t.Fatalf("Parse reported %v, encoding/json finds the first duplicate at %q: %q", err, dup, data)
		}
	})
}

// firstDuplicate walks a valid JSON document with encoding/json's tokens
// and returns the JSON Pointer of the first member whose name repeats an
// earlier one of the same object, in document order.
func firstDuplicate(data []byte) (string, bool) {
	type level struct {
		names map[string]bool // nil for an array
		index int             // the next element of an array
		key   string          // the member whose value comes next
		isKey bool            // an object expects a name next
	}
	var stack []*level
	var path []string // the names and indices to the current value
	dec := json.NewDecoder(bytes.NewReader(data))
	// enter records that a value starts: in an object its member name is
	// on the path, in an array its index.
	enter := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.names == nil {
			path = append(path, strconv.Itoa(top.index))
			top.index++
		} else {
			path = append(path, top.key)
			top.isKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		if len(stack) > 0 {
			if top := stack[len(stack)-1]; top.names != nil && top.isKey {
				if name, ok := tok.(string); ok {
					if top.names[name] {
						return (&dupError{path: reverse(append(slices.Clone(path), name))}).pointer(), true
					}
					top.names[name] = true
					top.key, top.isKey = name, false
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			enter()
			l := &level{isKey: true}
			if tok == json.Delim('{') {
				l.names = map[string]bool{}
			}
			stack = append(stack, l)
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
		default:
			enter()
			path = path[:len(path)-1]
		}
	}
}

// reverse returns s reversed: dupError keeps its path innermost first.
func reverse(s []string) []string {
	slices.Reverse(s)
	return s
}
