package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestStrippedModule(t *testing.T) {
	err := run(new(bytes.Buffer), "../../../wasm/blob/jwtwasm.wasm", "../../testdata/tokens.json", "RS256", defaultMatch, 1)
	if err == nil || !strings.Contains(err.Error(), "--names") {
		t.Errorf("the committed (stripped) module: %v, want an error that says to build it with --names", err)
	}
}

func TestBadArguments(t *testing.T) {
	for _, tt := range []struct {
		alg, match string
		n          int
		want       string
	}{
		{"RS256", defaultMatch, 0, "at least one"},
		{"RS256", "(", 1, "-match"},
		{"XX999", defaultMatch, 1, `no entry "XX999"`},
	} {
		err := run(new(bytes.Buffer), "../../../wasm/blob/jwtwasm.wasm", "../../testdata/tokens.json", tt.alg, tt.match, tt.n)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%s, %q, %d) = %v, want an error naming %q", tt.alg, tt.match, tt.n, err, tt.want)
		}
	}
}

// TestProfile builds the module with its names and profiles a few
// verifications: every default stage must show up, once per verification
// (base64 three times: header, signature, payload).
func TestProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the module: not in -short")
	}
	module := filepath.Join(t.TempDir(), "names.wasm")
	if out, err := exec.Command("bash", "../../../scripts/build-wasm.sh", "--names", module).CombinedOutput(); err != nil {
		t.Fatalf("build-wasm.sh --names: %v\n%s", err, out)
	}
	var out bytes.Buffer
	if err := run(&out, module, "../../testdata/tokens.json", "ES256", defaultMatch, 20); err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct{ calls, name string }{
		{"1.00", "core.splitCompact"},
		{"1.00", "core.parseHeader"},
		{"1.00", "core.parseClaimsInto"},
		{"1.00", "core.checkSignature"},
		{"1.00", "core.__Verifier_.VerifyAt"},
		{"1.00", "guest.__Guest_.VerifyInput"}, // the host's Verify: jwtwasm_verify_input
		{"3.00", "encoding_base64.__Encoding_.Decode"},
	} {
		if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(row.calls) + `\s+\S+\s+\S*` + regexp.QuoteMeta(row.name) + `\s*$`).MatchString(out.String()) {
			t.Errorf("no row with %s calls of %s in\n%s", row.calls, row.name, out.String())
		}
	}
}
