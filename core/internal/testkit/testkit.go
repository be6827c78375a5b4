// Package testkit holds the helpers that more than one of jwtwasm's test
// packages needs: where the Wycheproof vectors are, and how to spoil a
// token's signature. It is imported by tests only, and imports nothing but
// the standard library, so that package core's own tests may use it.
//
// # Two copies, one text
//
// Go lets a package under internal/ be imported only from the tree rooted
// at internal's parent, and the module has no top-level internal/ (its
// layout is fixed), so no one placement reaches both core's tests and the
// host's. This file is therefore kept twice, word for word:
// core/internal/testkit for core and its internal packages, and
// host/internal/testkit for the host and its command. A test of
// host/internal/testkit fails if the two differ, so the rule below is
// written once and changed once. bench and wasm are trees of their own:
// bench keeps its own flipSignatureByte, and the guest's test spoils a
// token inside the module's buffer, in place.
package testkit

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// EnvWycheproofDir names the environment variable that, when set, is the
// directory of Wycheproof's JSON files, in place of the default: the
// directory shared/testdata/wycheproof beside the module's root, where CI
// puts it.
const EnvWycheproofDir = "JWTWASM_WYCHEPROOF_DIR"

// WycheproofDir returns the directory of the Wycheproof vectors. If it is
// missing, the test fails when the environment variable CI is set (in CI,
// a missing corpus is a broken set-up, never a pass) and is skipped
// otherwise; either way the message names the path looked at.
func WycheproofDir(t testing.TB) string {
	t.Helper()
	dir, err := wycheproofDir()
	if err == nil {
		return dir
	}
	const how = "they sit in ../shared/testdata/wycheproof beside the repository, or set " + EnvWycheproofDir
	if os.Getenv("CI") != "" {
		t.Fatalf("Wycheproof vectors not found at %s (%v): CI must have them; %s", dir, err, how)
	}
	t.Skipf("Wycheproof vectors not found at %s (%v); %s", dir, err, how)
	return ""
}

// wycheproofDir is the lookup: EnvWycheproofDir if set, else
// ../shared/testdata/wycheproof from the directory that holds go.mod,
// found by walking up from the working directory (a test runs in its
// package's directory, at any depth).
func wycheproofDir() (string, error) {
	if dir := os.Getenv(EnvWycheproofDir); dir != "" {
		return dir, statDir(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for root := wd; ; {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			dir := filepath.Join(root, "..", "shared", "testdata", "wycheproof")
			return dir, statDir(dir)
		}
		parent := filepath.Dir(root)
		if parent == root {
			return wd, errors.New("no go.mod above the working directory")
		}
		root = parent
	}
}

func statDir(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil && !fi.IsDir() {
		err = errors.New("not a directory")
	}
	return err
}

// FlipSignatureBit returns token with the low bit of byte i of its decoded
// signature flipped, re-encoded canonically: a token whose signature can no
// longer verify, whatever the algorithm. i is taken modulo the signature's
// length, and a negative i counts from the end. Flipping a decoded bit,
// rather than overwriting a character, never leaves the token as it was
// (ECDSA signatures are random: a fixed "AA" at the end once left about one
// token in 256 unchanged).
func FlipSignatureBit(t testing.TB, token string, i int) string {
	t.Helper()
	dot := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[dot+1:])
	if dot < 0 || err != nil || len(sig) == 0 {
		t.Fatalf("FlipSignatureBit: %q has no signature to flip (%v)", token, err)
	}
	n := len(sig)
	sig[(i%n+n)%n] ^= 0x01
	return WithSignature(token, sig)
}

// WithSignature returns token with its signature replaced by sig.
func WithSignature(token string, sig []byte) string {
	return token[:strings.LastIndexByte(token, '.')+1] + base64.RawURLEncoding.EncodeToString(sig)
}
