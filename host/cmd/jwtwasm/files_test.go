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
