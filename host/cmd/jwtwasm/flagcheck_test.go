package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jwtwasm/jwtwasm/core"
)

// TestIgnoredFlagsRefused: a flag that the other flags make do nothing is
// an error, not silently dropped.
func TestIgnoredFlagsRefused(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"keygen", "--format", "jwk", "--pem-format", "pkcs8"}, "--pem-format does not apply"},
		{[]string{"keygen", "--type", "rsa", "--format", "jwks", "--pem-format", "pkcs1"}, "--pem-format does not apply"},
		{[]string{"keygen", "--force"}, "--force does not apply"},
		{[]string{"keygen", "--type", "ed25519", "--bits", "2048"}, "--bits does not apply"},
		{[]string{"keygen", "--type", "ec", "--bits", "3072"}, "--bits does not apply"},
		{[]string{"keygen", "--alg", "ES256", "--bits", "3072"}, "--bits does not apply"},
		{[]string{"keygen", "--type", "rsa", "--curve", "P-384"}, "--curve does not apply"},
		{[]string{"keygen", "--type", "oct", "--curve", "P-256"}, "--curve does not apply"},
		{[]string{"sign", "--key", f.keys.signing, "--exp", "1h", "--no-exp"}, "contradict"},
		{[]string{"sign", "--key", f.keys.signing, "--iat", "-1m", "--no-iat"}, "contradict"},
		{[]string{"sign", "--key", f.keys.signing, "--jti", "x", "--no-jti"}, "contradict"},
		{append(f.verify("--timeout", "5s"), f.token), "--timeout does not apply"},
		{append(f.verify("--allow-http"), f.token), "--allow-http does not apply"},
		{[]string{"jws", "verify", "--jwks", f.keys.public, "--alg", "ES256", "--timeout", "5s", f.token}, "--timeout does not apply"},
		{[]string{"inspect", "--passphrase-file", filepath.Join(dir, "pass"), f.token}, "--passphrase-file does not apply"},
		{[]string{"jwks", "public", "--force", f.keys.signing}, "--force does not apply"},
		{[]string{"jwks", "merge", "--force", f.keys.public}, "--force does not apply"},
		{[]string{"jwks", "rotate", "--force", f.keys.signing}, "--force does not apply"},
		{[]string{"jwks", "retire", "--force", f.keys.signing, "x"}, "--force does not apply"},
	} {
		t.Run(strings.Join(tt.args[:2], " "), func(t *testing.T) {
			r := jw(t, "", tt.args...)
			msg := wantExit(t, r, exitUsage, "invalid_argument")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("%q: message %q does not contain %q", tt.args, msg, tt.want)
			}
		})
	}
	// The combinations that do apply still work.
	mustRun(t, "", "keygen", "--type", "rsa", "--bits", "2048", "--pem-format", "pkcs1", "-o", out, "--force")
	mustRun(t, "", "keygen", "--type", "oct", "--bits", "384")
	mustRun(t, "", "keygen", "--curve", "P-384")
}

// TestMaxSize: --max-size must be positive, and is capped at the module's
// per-call limit so that both engines take the same values.
func TestMaxSize(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	for _, tt := range []struct {
		size, want string
	}{
		{"0", "want a positive number"},
		{"-1", "want a positive number"},
		{"999999999", "over the limit of 4194304 bytes"},
		{strconv.Itoa(core.MaxTokenSizeLimit + 1), "over the limit"},
	} {
		for _, args := range [][]string{
			append(f.verify("--max-size", tt.size), f.token),
			{"jws", "verify", "--jwks", f.keys.public, "--alg", "ES256", "--max-size", tt.size, f.token},
		} {
			msg := wantExit(t, jw(t, "", args...), exitUsage, "invalid_argument")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("--max-size %s: message %q does not contain %q", tt.size, msg, tt.want)
			}
		}
	}
	wantExit(t, jw(t, "", append(f.verify("--max-size", strconv.Itoa(core.MaxTokenSizeLimit)), f.token)...), exitOK, "")
	wantExit(t, jw(t, "", append(f.verify("--max-size", "10"), f.token)...), exitRejected, "too_large")
}
