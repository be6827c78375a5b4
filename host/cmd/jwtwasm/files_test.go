package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeygenSameFile: -o and --pub naming one file is refused before
// anything is written, however the names are spelled, --force or not.
func TestKeygenSameFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := filepath.Join(dir, "same.pem")
	for _, args := range [][]string{
		{"keygen", "-o", key, "--pub", key},
		{"keygen", "-o", key, "--pub", filepath.Join(dir, ".", "same.pem")},
		{"keygen", "-o", key, "--pub", key, "--force"},
	} {
		msg := wantExit(t, jw(t, "", args...), exitUsage, "invalid_argument")
		if !strings.Contains(msg, "same file") {
			t.Errorf("%q: message %q", args, msg)
		}
		if _, err := os.Stat(key); err == nil {
			t.Fatalf("%q wrote %s", args, key)
		}
	}
	// An existing key named twice, with --force: the key stays.
	mustRun(t, "", "keygen", "-o", key)
	before := readFile(t, key)
	link := filepath.Join(dir, "link.pem")
	if err := os.Link(key, link); err != nil {
		t.Fatal(err)
	}
	wantExit(t, jw(t, "", "keygen", "-o", key, "--pub", link, "--force"), exitUsage, "invalid_argument")
	if !bytes.Equal(readFile(t, key), before) {
		t.Error("the private key changed")
	}
}

// TestKeygenWritesBothOrNeither: when one of the two files cannot be
// written, neither appears, and no temporary file is left behind.
func TestKeygenWritesBothOrNeither(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pub := filepath.Join(dir, "key.pub")
	bad := filepath.Join(dir, "no", "such", "dir", "key.pem")
	wantExit(t, jw(t, "", "keygen", "-o", bad, "--pub", pub), exitUsage, "invalid_argument")
	wantExit(t, jw(t, "", "keygen", "-o", filepath.Join(dir, "key.pem"), "--pub", bad), exitUsage, "invalid_argument")
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("a failed keygen left %q", names)
	}
}

// TestRotateOutput: rotate replaces its input in place, -o naming the
// input is the same, and another existing -o file needs --force.
func TestRotateOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	mustRun(t, "", "jwks", "rotate", "-o", filepath.Join(dir, ".", "signing.jwks"), k.signing)
	if parseJWKS(t, readFile(t, k.signing)).Keys[0]["kid"] == k.kid {
		t.Error("rotate -o INPUT did not rotate the input")
	}
	before := readFile(t, k.public)
	r := jw(t, "", "jwks", "rotate", "-o", k.public, k.signing)
	wantExit(t, r, exitUsage, "invalid_argument")
	if !bytes.Equal(readFile(t, k.public), before) {
		t.Error("a refused rotate replaced the -o file")
	}
	mustRun(t, "", "jwks", "rotate", "-o", k.public, "--force", k.signing)
}

// TestOutputFlag: -o FILE on the commands that print a token, a report or
// a payload writes it there (mode 0600) instead of stdout, may replace a
// file of its own kind, and never replaces a key file without --force.
func TestOutputFlag(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	payload := writeFile(t, dir, "payload.bin", []byte("hello"))

	for _, tt := range []struct {
		name string
		args []string
		want string // in the file
	}{
		{"sign", []string{"sign", "--key", f.keys.signing, "--sub", "bob"}, "."},
		{"verify", append(f.verify(), f.token), `"sub": "alice"`},
		{"verify json", append(f.verify("--json"), f.token), `"valid": true`},
		{"inspect", []string{"inspect", f.token}, "Findings"},
		{"thumbprint", []string{"thumbprint", f.keys.public}, f.keys.kid},
		{"jws sign", []string{"jws", "sign", "--key", f.keys.signing, payload}, "."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := p(strings.ReplaceAll(tt.name, " ", "-") + ".out")
			for range 2 { // the second run replaces the first file
				r := jw(t, "", append(tt.args, "-o", out)...)
				wantExit(t, r, exitOK, "")
				if r.stdout != "" {
					t.Errorf("stdout with -o: %q", r.stdout)
				}
			}
			if got := string(readFile(t, out)); !strings.Contains(got, tt.want) {
				t.Errorf("file holds %q, want %q in it", got, tt.want)
			}
			if m := fileMode(t, out); m != 0o600 {
				t.Errorf("mode %o, want 600", m)
			}
		})
	}

	// jws verify writes the payload bytes.
	jws := p("payload.jws")
	mustRun(t, "", "jws", "sign", "--key", f.keys.signing, payload, "-o", jws)
	mustRun(t, "", "jws", "verify", "--jwks", f.keys.public, "--alg", "ES256", jws, "-o", p("payload.out"))
	if got := string(readFile(t, p("payload.out"))); got != "hello" {
		t.Errorf("jws verify -o wrote %q", got)
	}

	// A rejected token writes nothing, unless --json reports it.
	wantExit(t, jw(t, "", append(f.verify("--iss", "other"), f.token, "-o", p("rejected.json"))...), exitRejected, "bad_issuer")
	if _, err := os.Stat(p("rejected.json")); err == nil {
		t.Error("a rejected verify wrote -o")
	}
	if r := jw(t, "", append(f.verify("--iss", "other", "--json"), f.token, "-o", p("rejected.json"))...); r.code != exitRejected || r.stdout != "" {
		t.Errorf("verify --json -o of a rejected token: %v", r)
	}
	if got := string(readFile(t, p("rejected.json"))); !strings.Contains(got, "bad_issuer") {
		t.Errorf("--json report: %q", got)
	}

	// A key file is never replaced without --force.
	key := p("key.jwks")
	mustRun(t, "", "keygen", "--format", "jwks", "-o", key)
	before := readFile(t, key)
	r := jw(t, "", "sign", "--key", key, "-o", key)
	if msg := wantExit(t, r, exitUsage, "invalid_argument"); !strings.Contains(msg, "holds a key") {
		t.Errorf("message %q", msg)
	}
	if !bytes.Equal(readFile(t, key), before) {
		t.Fatal("sign -o replaced a key file")
	}
	wantExit(t, jw(t, "", "thumbprint", f.keys.public, "-o", f.keys.public), exitUsage, "invalid_argument")
	mustRun(t, "", "sign", "--key", key, "-o", key, "--force")
	// --force without -o does nothing, so it is refused.
	wantExit(t, jw(t, "", "sign", "--key", f.keys.signing, "--force"), exitUsage, "invalid_argument")
}
