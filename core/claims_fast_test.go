package core

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"unicode/utf8"
)

// claimFastPathSeeds are values of "aud" and of the date claims, each of
// which the fast paths either read or hand to encoding/json and strconv.
var claimFastPathSeeds = []string{
	`"api"`, `""`, `"a\"b"`, `"\u0061pi"`, `"ümlaut"`,
	`[]`, `[ ]`, `["a"]`, `["a","b"]`, ` [ "a" , "b" ] `, `["a\nb"]`, `["a",1]`, `[["a"]]`, `[null]`, `{}`, `null`, `true`,
	`0`, `-0`, `1`, `-1`, `1795500000`, `1795500000.5`, `1e9`, `1E+9`, `123456789012345`, `1234567890123456`, `9007199254740993`, `00`, `-`, `01`,
}

func TestClaimFastPaths(t *testing.T) {
	for _, s := range claimFastPathSeeds {
		checkClaimFastPaths(t, []byte(s))
	}
	// The cases the fast paths exist for must take them.
	for _, s := range []string{`"api"`, `["a","b"]`, `[]`} {
		if _, ok := plainStrings([]byte(s)); !ok {
			t.Errorf("plainStrings(%s) fell back to encoding/json", s)
		}
	}
	for _, s := range []string{`1795500000`, `-1`, `0`} {
		if _, ok := plainSeconds([]byte(s)); !ok {
			t.Errorf("plainSeconds(%s) fell back to strconv", s)
		}
	}
}

// FuzzClaimFastPaths holds the hand-written readers of "aud" and of
// NumericDate to encoding/json and strconv on every JSON value they accept.
func FuzzClaimFastPaths(f *testing.F) {
	for _, s := range claimFastPathSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkClaimFastPaths)
}

func checkClaimFastPaths(t *testing.T, raw []byte) {
	t.Helper()
	// Both readers only ever see values that the JSON parser validated
	// (UTF-8 included) and that start and end with their own characters.
	if !json.Valid(raw) || !utf8.Valid(raw) {
		return
	}
	var v any
	json.Unmarshal(raw, &v)
	raw = bytes.TrimSpace(raw)
	if list, ok := plainStrings(raw); ok {
		var want []string
		switch x := v.(type) {
		case string:
			want = []string{x}
		case []any:
			want = []string{}
			for _, e := range x {
				s, isString := e.(string)
				if !isString {
					t.Fatalf("plainStrings(%s) = %q, but it holds %T", raw, list, e)
				}
				want = append(want, s)
			}
		default:
			t.Fatalf("plainStrings(%s) = %q, but it is %T", raw, list, v)
		}
		if !reflect.DeepEqual(list, want) {
			t.Fatalf("plainStrings(%s) = %q, encoding/json reads %q", raw, list, want)
		}
	}
	if sec, ok := plainSeconds(raw); ok {
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || float64(sec) != f {
			t.Fatalf("plainSeconds(%s) = %d, strconv reads %v (%v)", raw, sec, f, err)
		}
	}
}
