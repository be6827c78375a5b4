package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestPackageOf(t *testing.T) {
	for _, tt := range []struct{ symbol, want string }{
		{"main.main", "main"},
		{"crypto_internal_fips140_bigmod.__Nat_.Exp", "crypto_internal_fips140_bigmod"},
		{"fmt.__pp_.doPrintf", "fmt"},
		{"runtime.gc_helper", "runtime"},
		{"github.com_lestrrat_go_jwx_v2_jwk.ParseKey", "github.com_lestrrat_go_jwx_v2_jwk"},
		{"golang.org_x_crypto_cryptobyte.__String_.ReadASN1", "golang.org_x_crypto_cryptobyte"},
		{"vendor_golang.org_x_crypto_cryptobyte.__String_.Skip", "vendor_golang.org_x_crypto_cryptobyte"},
		{"type_.eq.runtime._panic", "type_"},
		{"wasm_export_run", "wasm_export_run"},
		{"", "(unnamed)"},
	} {
		if got := packageOf(tt.symbol); got != tt.want {
			t.Errorf("packageOf(%q) = %q, want %q", tt.symbol, got, tt.want)
		}
	}
}

// tiny is a module with one imported and two defined functions, named in
// a name section: enough to check the parse and the report.
func tiny() []byte { return tinyModule(true) }

func tinyModule(names bool) []byte {
	var b bytes.Buffer
	b.WriteString("\x00asm\x01\x00\x00\x00")
	section := func(id byte, body string) {
		b.WriteByte(id)
		b.WriteByte(byte(len(body)))
		b.WriteString(body)
	}
	section(1, "\x01\x60\x00\x00")                      // one type: () -> ()
	section(2, "\x01\x01m\x01f\x00\x00")                // import m.f, a function
	section(3, "\x02\x00\x00")                          // two functions of type 0
	section(10, "\x02\x02\x00\x0b\x04\x00\x01\x01\x0b") // bodies of 2 and 4 bytes
	if names {
		section(0, "\x04name\x01\x0d\x02\x01\x06a.one_\x02\x02b.") // names of functions 1 and 2
	}
	return b.Bytes()
}

func TestReport(t *testing.T) {
	var out strings.Builder
	if err := report(&out, tiny(), 10); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"code", "a  ", "b  "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	m, err := parse(tiny())
	if err != nil {
		t.Fatal(err)
	}
	if m.imports != 1 || len(m.bodies) != 2 || len(m.bodies[0]) != 2 || len(m.bodies[1]) != 4 || m.names[1] != "a.one_" {
		t.Errorf("parsed %+v", m)
	}
}

func TestParseErrors(t *testing.T) {
	good := tiny()
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not wasm":  []byte("\x7fELF\x02\x01\x01\x00"),
		"truncated": good[:len(good)-3],
		"no names":  good[:len(good)-len("\x00\x11\x04name\x01\x0b\x02\x01\x06a.one_\x02\x02b.")],
	} {
		var out strings.Builder
		if err := report(&out, data, 10); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
