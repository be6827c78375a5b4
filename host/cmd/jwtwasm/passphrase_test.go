package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPassphraseEnvIgnoredWithoutPEM: an exported JWTWASM_PASSPHRASE
// applies only where a PEM private key is written or read; everywhere else
// it is ignored. Not parallel: it sets the environment.
func TestPassphraseEnvIgnoredWithoutPEM(t *testing.T) {
	t.Setenv(passphraseEnv, "correct horse battery staple")
	dir := t.TempDir()
	set := filepath.Join(dir, "signing.jwks")
	mustRun(t, "", "keygen", "--format", "jwks", "-o", set)
	if k := parseJWKS(t, readFile(t, set)).Keys[0]; k["d"] == nil {
		t.Errorf("keygen --format jwks wrote no private key: %v", k)
	}
	mustRun(t, "", "keygen", "--format", "jwk", "-o", filepath.Join(dir, "key.jwk"), "--pub", filepath.Join(dir, "pub.jwk"))
	mustRun(t, "", "keygen", "--type", "oct", "-o", filepath.Join(dir, "secret.jwk"))
	mustRun(t, "", "thumbprint", set)
	mustRun(t, "", "sign", "--key", set)
}

// TestPassphraseFileNotApplying: an explicit --passphrase-file where no
// PEM is written or read is refused as a flag that does nothing.
func TestPassphraseFileNotApplying(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	pass := writeFile(t, dir, "pass.txt", []byte("correct horse battery staple\n"))
	secret := writeFile(t, dir, "secret.bin", []byte(strings.Repeat("s", 32)))
	token := sign(t, k)
	for _, args := range [][]string{
		{"keygen", "--format", "jwks", "--passphrase-file", pass},
		{"keygen", "--format", "jwk", "--passphrase-file", pass},
		{"keygen", "--type", "oct", "--passphrase-file", pass},
		{"thumbprint", "--passphrase-file", pass, k.signing},
		{"sign", "--key", k.signing, "--passphrase-file", pass},
		{"sign", "--secret-file", secret, "--alg", "HS256", "--passphrase-file", pass},
		{"verify", "--jwks", k.public, "--alg", "ES256", "--passphrase-file", pass, token},
		{"verify", "--jwks", "https://issuer.example/jwks.json", "--alg", "ES256", "--passphrase-file", pass, token},
		{"jwks", "public", "--passphrase-file", pass, k.signing},
		{"inspect", "--key", k.public, "--passphrase-file", pass, token},
	} {
		msg := wantExit(t, jw(t, "", args...), exitUsage, "invalid_argument")
		if !strings.Contains(msg, "--passphrase-file does not apply") {
			t.Errorf("%q: message %q", args, msg)
		}
	}
}
