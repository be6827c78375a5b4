package host

import (
	"context"
	"testing"

	"github.com/jwtwasm/jwtwasm/core"
)

// TestCheckSignature pins the benchmark-only bare check: true for the
// token's own signature, false for a changed payload, whatever the claims
// say (it reads none), and an error for a token it cannot split.
func TestCheckSignature(t *testing.T) {
	ctx := context.Background()
	rt := sharedTestRuntime(t)
	for _, tt := range []struct{ key, alg string }{
		{"rsa2048.pem", "RS256"}, {"ec-p256.pem", "ES256"}, {"ed25519.pem", "EdDSA"},
	} {
		t.Run(tt.alg, func(t *testing.T) {
			f := newFixture(t, tt.key, "")
			v, err := rt.NewVerifier(ctx, f.jwks, core.Policy{Algorithms: []string{tt.alg}})
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close(ctx)
			if ok, err := v.CheckSignature(ctx, f.token); !ok || err != nil {
				t.Errorf("CheckSignature(valid) = %v, %v", ok, err)
			}
			tampered := "e30" + f.token[len("eyJ"):] // another header, same signature
			if ok, err := v.CheckSignature(ctx, tampered); ok || err != nil {
				t.Errorf("CheckSignature(tampered) = %v, %v", ok, err)
			}
			if _, err := v.CheckSignature(ctx, "no dots"); err == nil {
				t.Error("CheckSignature of a token without parts: no error")
			}
		})
	}
}
