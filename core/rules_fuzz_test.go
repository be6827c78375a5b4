package core

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseRule feeds the access rule language whatever text: never a
// panic; a refused rule is CodeInvalidArgument; an accepted one checks any
// claims set without panicking and answers nil or CodeForbidden.
func FuzzParseRule(f *testing.F) {
	files, _ := filepath.Glob("testdata/fuzz/rules/*.txt")
	if len(files) == 0 {
		f.Fatal("no seed rules in testdata/fuzz/rules/*.txt")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data), `{"role":"admin","scope":"read:orders write:orders","realm_access":{"roles":["admin"]},"n":3,"b":true}`)
	}
	f.Fuzz(func(t *testing.T, rule, claims string) {
		r, err := ParseRule(rule)
		if err != nil {
			if !errors.Is(err, CodeInvalidArgument) {
				t.Fatalf("ParseRule(%q) = %v, want invalid_argument", rule, err)
			}
			return
		}
		c, err := ParseClaims([]byte(claims))
		if err != nil {
			return
		}
		if err := r.Check(c); err != nil && !errors.Is(err, CodeForbidden) {
			t.Fatalf("Check(%q) = %v, want nil or forbidden", rule, err)
		}
	})
}
