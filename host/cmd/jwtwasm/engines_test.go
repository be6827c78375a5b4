package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEngines runs the same commands on the native engine and in the
// WebAssembly module and requires the same exit status, the same stdout and
// the same stderr, byte for byte. Outputs that are random by design
// (signatures, generated keys) are checked across engines instead: what
// one engine makes, the other reads.
func TestEngines(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the WebAssembly module")
	}
	dir := t.TempDir()
	mk := func(name string, args ...string) keyFiles {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		return newSigningSet(t, d, args...)
	}
	ec := mk("ec", "--alg", "ES256")
	ed := mk("ed", "--type", "ed25519")
	rsa := sharedRSA(t)
	secret := writeFile(t, dir, "secret.bin", []byte("0123456789abcdef0123456789abcdef"))
	garbage := writeFile(t, dir, "garbage.txt", []byte("not a key at all\n"))
	empty := writeFile(t, dir, "empty.pem", nil)

	signWith := func(k keyFiles, args ...string) string {
		return sign(t, k, append([]string{"--engine", "native", "--now", t0, "--iss", "https://issuer.example", "--aud", "api", "--jti", "fixed"}, args...)...)
	}
	tokEC := signWith(ec, "--claims", `{"role":"admin","scope":"read write","password":"x"}`)
	tokED := signWith(ed, "--exp", "48h")
	tokRSA := signWith(rsa, "--alg", "PS256")
	tokHS := strings.TrimSpace(mustRun(t, "", "sign", "--engine", "native", "--secret-file", secret, "--alg", "HS256", "--now", t0))
	parts := strings.Split(tokEC, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"role":"root"}`)) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."

	verifyEC := []string{"verify", "--jwks", ec.public, "--alg", "ES256", "--iss", "https://issuer.example", "--aud", "api"}
	cases := [][]string{
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), tokEC),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "--json", tokEC),
		append(append([]string{}, verifyEC...), "--now", at(2*time.Hour), tokEC),
		append(append([]string{}, verifyEC...), "--now", at(2*time.Hour), "--json", tokEC),
		append(append([]string{}, verifyEC...), "--now", at(-time.Hour), tokEC),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "--require", "role=admin", "--require", "scope~write", tokEC),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "--require", "role=root", "--json", tokEC),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), tampered),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), none),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "--max-size", "100", tokEC),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "not.a.token"),
		{"verify", "--jwks", ec.public, "--alg", "RS256", "--now", at(time.Minute), tokEC},
		{"verify", "--jwks", rsa.public, "--alg", "ES256", "--now", at(time.Minute), tokEC},
		{"verify", "--jwks", ed.public, "--alg", "ES256,EdDSA", "--now", at(time.Minute), tokEC},
		{"verify", "--jwks", ed.public, "--alg", "EdDSA", "--now", at(time.Minute), "--max-age", "1s", tokED},
		{"verify", "--jwks", rsa.public, "--alg", "PS256", "--now", at(time.Minute), "--aud", "other", tokRSA},
		{"verify", "--jwks", rsa.signing, "--alg", "PS256", "--now", at(time.Minute), tokRSA},
		{"verify", "--jwks", rsa.signing, "--alg", "PS256", "--now", at(time.Minute), "--crypto", "fast", tokRSA},
		{"verify", "--jwks", rsa.signing, "--alg", "PS256", "--now", at(time.Minute), "--crypto", "stdlib", tokRSA},
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "--crypto", "fast", tampered),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "--crypto", "turbo", tokEC),
		{"verify", "--secret-file", secret, "--alg", "HS256", "--now", at(time.Minute), tokHS},
		{"verify", "--secret-file", secret, "--alg", "HS256,RS256", "--now", at(time.Minute), tokHS},
		{"verify", "--key", garbage, "--alg", "ES256", tokEC},
		// The four disagreements a new user's trial found: an empty key
		// file, an empty JWKS, and the largest --max-size.
		{"verify", "--key", empty, "--alg", "ES256", tokEC},
		{"verify", "--jwks", empty, "--alg", "ES256", tokEC},
		{"verify", "--jwks", writeFile(t, dir, "nokeys.jwks", []byte(`{"keys":[]}`)), "--alg", "ES256", tokEC},
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "--max-size", "999999999", tokEC),
		append(append([]string{}, verifyEC...), "--now", at(time.Minute), "--max-size", "4194304", tokEC),
		{"thumbprint", empty},
		{"inspect", "--key", empty, tokEC},
		{"inspect", "--now", at(time.Minute), tokEC},
		{"inspect", "--now", at(time.Minute), "--json", tokED},
		{"inspect", "--now", at(time.Minute), "--key", rsa.public, tokRSA},
		{"inspect", "--now", at(time.Minute), none},
		{"inspect", "--now", at(time.Minute), "garbage.garbage.garbage"},
		{"inspect", "--key", garbage, tokEC},
		{"thumbprint", ec.public},
		{"thumbprint", rsa.signing},
		{"thumbprint", garbage},
		{"sign", "--key", ec.public, "--now", t0},
		{"sign", "--key", ec.signing, "--alg", "RS256", "--now", t0},
		{"sign", "--secret-file", writeFile(t, dir, "short.bin", []byte("too short")), "--alg", "HS256"},
		{"keygen", "--type", "ec", "--curve", "P-192"},
		{"keygen", "--type", "rsa", "--bits", "1024"},
		{"keygen", "--type", "oct", "--format", "pem"},
		{"keygen", "--alg", "XS256"},
	}
	for _, args := range cases {
		name := strings.Join(args, " ")
		name = strings.ReplaceAll(name, dir+string(filepath.Separator), "")
		if len(name) > 100 {
			name = name[:100]
		}
		t.Run(name, func(t *testing.T) {
			native := jw(t, "", append([]string{args[0], "--engine", "native"}, args[1:]...)...)
			wasm := jw(t, "", append([]string{args[0], "--engine", "wasm"}, args[1:]...)...)
			if native.code != wasm.code || native.stdout != wasm.stdout || native.stderr != wasm.stderr {
				t.Errorf("engines differ:\nnative: %s\nwasm:   %s", native, wasm)
			}
		})
	}

	if wasmRuntime == nil {
		t.Fatal("the wasm engine never started: the comparison compared native with itself")
	}

	// What one engine signs or generates, the other verifies or reads.
	t.Run("cross", func(t *testing.T) {
		for _, pair := range [][2]string{{"wasm", "native"}, {"native", "wasm"}} {
			by, check := pair[0], pair[1]
			tok := sign(t, ec, "--engine", by, "--now", t0, "--iss", "https://issuer.example", "--aud", "api")
			mustRun(t, "", append(append([]string{}, verifyEC...), "--engine", check, "--now", at(time.Minute), tok)...)
			key := filepath.Join(dir, "gen-"+by+".pem")
			r := jw(t, "", "keygen", "--engine", by, "--type", "ed25519", "-o", key)
			wantExit(t, r, exitOK, "")
			got := strings.TrimSpace(mustRun(t, "", "thumbprint", "--engine", check, key))
			if !strings.Contains(r.stderr, got) {
				t.Errorf("keygen --engine %s reported %q; thumbprint --engine %s says %s", by, r.stderr, check, got)
			}
		}
	})
}
