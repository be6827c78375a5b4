package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jwtwasm/jwtwasm/host/internal/testkit"
)

// TestJWS signs bytes that are no JWT and verifies them back, on both
// engines: the payload comes out byte for byte, a changed signature is
// refused with exit 1, and a missing --alg is a usage error.
func TestJWS(t *testing.T) {
	dir := t.TempDir()
	k := newSigningSet(t, dir, "--alg", "ES256")
	payload := "binary \x00\xff payload\nwith a newline"
	file := writeFile(t, dir, "payload.bin", []byte(payload))
	for _, engine := range []string{"native", "wasm"} {
		t.Run(engine, func(t *testing.T) {
			if engine == "wasm" && testing.Short() {
				t.Skip("starts the WebAssembly module")
			}
			token := strings.TrimSpace(mustRun(t, "", "jws", "sign", "--engine", engine, "--key", k.signing, file))
			seg, _ := base64.RawURLEncoding.DecodeString(strings.SplitN(token, ".", 2)[0])
			var h map[string]any
			if err := json.Unmarshal(seg, &h); err != nil {
				t.Fatal(err)
			}
			if h["typ"] != nil || h["kid"] != k.kid {
				t.Errorf("header %v: want the key's kid and no typ", h)
			}
			got := mustRun(t, "", "jws", "verify", "--engine", engine, "--jwks", k.public, "--alg", "ES256", token)
			if got != payload {
				t.Errorf("payload %q, want %q", got, payload)
			}
			var doc struct {
				Valid   bool   `json:"valid"`
				Payload string `json:"payload"`
				Kid     string `json:"kid"`
			}
			out := mustRun(t, "", "jws", "verify", "--engine", engine, "--jwks", k.public, "--alg", "ES256", "--json", token)
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if b, _ := base64.RawURLEncoding.DecodeString(doc.Payload); !doc.Valid || string(b) != payload || doc.Kid != k.kid {
				t.Errorf("--json: %s", out)
			}
			r := jw(t, "", "jws", "verify", "--engine", engine, "--jwks", k.public, "--alg", "ES256", testkit.FlipSignatureBit(t, token, -1))
			wantExit(t, r, exitRejected, "bad_signature")
			r = jw(t, "", "jws", "verify", "--engine", engine, "--jwks", k.public, token)
			wantExit(t, r, exitUsage, "invalid_argument")
			r = jw(t, "", "jws", "sign", "--engine", engine, "--key", k.public, file)
			wantExit(t, r, exitUsage, "invalid_key")
		})
	}
	r := jw(t, "", "jws", "sign", "--key", k.signing, writeFile(t, dir, "empty", nil))
	wantExit(t, r, exitUsage, "invalid_argument")
	r = jw(t, "", "jws", "frobnicate")
	wantExit(t, r, exitUsage, "invalid_argument")
}
