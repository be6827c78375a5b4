package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTokenInput: no token at all is an input error that says where it
// looked, and a token pasted with its "Bearer " prefix verifies.
func TestTokenInput(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	empty := writeFile(t, f.dir, "empty.jwt", []byte("\n"))
	for _, tt := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"verify empty stdin", "", append(f.verify(), "-"), "no token on standard input"},
		{"verify blank stdin", " \n", append(f.verify(), "-"), "no token on standard input"},
		{"inspect empty stdin", "", []string{"inspect", "-"}, "no token on standard input"},
		{"jws verify empty stdin", "", []string{"jws", "verify", "--jwks", f.keys.public, "--alg", "ES256", "-"}, "no token on standard input"},
		{"empty file", "", append(f.verify(), empty), `"` + empty + `" holds no token`},
		{"bare Bearer", "Bearer \n", append(f.verify(), "-"), "no token on standard input"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg := wantExit(t, jw(t, tt.stdin, tt.args...), exitUsage, "invalid_argument")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
		})
	}
	for _, in := range []string{"Bearer " + f.token, "bearer  " + f.token + "\n", "BEARER " + f.token} {
		wantExit(t, jw(t, in, append(f.verify(), "-")...), exitOK, "")
	}
	wantExit(t, jw(t, "", append(f.verify(), "Bearer "+f.token)...), exitOK, "")
	wantExit(t, jw(t, "", "inspect", "Bearer "+f.token), exitOK, "")
}

// TestSecretFileRefusals: an HMAC secret file that is empty, or that holds
// a key document, is refused by name (RFC 8725 §3.1: a public key used as
// an HMAC secret lets its holders forge tokens).
func TestSecretFileRefusals(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	dir := t.TempDir()
	pemKey := filepath.Join(dir, "public.pem")
	mustRun(t, "", "keygen", "-o", filepath.Join(dir, "key.pem"), "--pub", pemKey)
	jwk := filepath.Join(dir, "public.jwk")
	mustRun(t, "", "keygen", "--format", "jwk", "-o", filepath.Join(dir, "key.jwk"), "--pub", jwk)
	for _, tt := range []struct {
		name, file, want string
	}{
		{"empty", writeFile(t, dir, "empty.bin", nil), "is empty"},
		{"PEM public key", pemKey, "holds a PEM key"},
		{"JWK", jwk, "holds a JWK"},
		{"JWKS", f.keys.public, "holds a JWKS"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, args := range [][]string{
				{"sign", "--secret-file", tt.file, "--alg", "HS256"},
				{"verify", "--secret-file", tt.file, "--alg", "HS256", f.token},
			} {
				msg := wantExit(t, jw(t, "", args...), exitUsage, "invalid_key")
				if !strings.Contains(msg, tt.want) || !strings.Contains(msg, tt.file) {
					t.Errorf("%s: message %q does not contain %q and the file name", args[0], msg, tt.want)
				}
			}
		})
	}
}

// TestMissingExpHint: a token without exp is refused with a hint naming
// --allow-no-exp, and only then.
func TestMissingExpHint(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	noExp := sign(t, f.keys, "--now", t0, "--no-exp", "--iss", "https://issuer.example", "--aud", "api")
	r := jw(t, "", append(f.verify(), noExp)...)
	wantExit(t, r, exitRejected, "missing_claim")
	if h := strings.Join(hints(r.stderr), "\n"); !strings.Contains(h, "--allow-no-exp") {
		t.Errorf("no hint naming --allow-no-exp:\n%s", r.stderr)
	}
	wantExit(t, jw(t, "", append(f.verify("--allow-no-exp"), noExp)...), exitOK, "")
	// Another missing claim with exp present: no --allow-no-exp hint.
	r = jw(t, "", append(f.verify("--required", "tenant"), f.token)...)
	wantExit(t, r, exitRejected, "missing_claim")
	if h := strings.Join(hints(r.stderr), "\n"); strings.Contains(h, "--allow-no-exp") {
		t.Errorf("hint names --allow-no-exp for a token that has exp:\n%s", r.stderr)
	}
	// --max-age and no iat.
	noIAT := sign(t, f.keys, "--now", t0, "--no-iat", "--iss", "https://issuer.example", "--aud", "api")
	r = jw(t, "", append(f.verify("--max-age", "1h"), noIAT)...)
	wantExit(t, r, exitRejected, "missing_claim")
	if h := strings.Join(hints(r.stderr), "\n"); !strings.Contains(h, "--max-age") || strings.Contains(h, "--allow-no-exp") {
		t.Errorf("hints for a token without iat under --max-age:\n%s", r.stderr)
	}
}

// TestRSAUnder1024 pins that a 512-bit RSA key with --allow-weak-keys is a
// clear weak_key error, not "internal" (crypto/rsa refuses it whatever the
// flag says) nor a bad signature on every token.
func TestRSAUnder1024(t *testing.T) {
	t.Parallel()
	key := filepath.Join("testdata", "rsa512.pem")
	token := craft(`{"alg":"RS256","typ":"JWT"}`, `{"exp":1893459600}`, strings.Repeat("x", 64))
	for _, args := range [][]string{
		{"sign", "--key", key, "--allow-weak-keys", "--now", t0},
		{"verify", "--key", key, "--alg", "RS256", "--allow-weak-keys", "--now", at(time.Minute), token},
		{"jws", "sign", "--key", key, "--allow-weak-keys", "-"},
		{"jws", "verify", "--key", key, "--alg", "RS256", "--allow-weak-keys", token},
	} {
		msg := wantExit(t, jw(t, "payload", args...), exitUsage, "weak_key")
		if !strings.Contains(msg, "512 bits") || !strings.Contains(msg, "1024") {
			t.Errorf("%s: message %q", strings.Join(args, " "), msg)
		}
	}
}
