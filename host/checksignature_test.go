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
	for _, tt := range []struct{ key, alg, crypto string }{
		{"rsa2048.pem", "RS256", ""}, {"ec-p256.pem", "ES256", ""}, {"ed25519.pem", "EdDSA", ""},
		{"rsa2048.pem", "RS256", core.CryptoStdlib}, {"ec-p256.pem", "ES256", core.CryptoStdlib},
	} {
		t.Run(tt.alg+"/crypto="+tt.crypto, func(t *testing.T) {
			f := newFixture(t, tt.key, "")
			v, err := rt.NewVerifier(ctx, f.jwks, core.Policy{Algorithms: []string{tt.alg}}, WithCrypto(tt.crypto))
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close(ctx)
			if ok, err := CheckSignature(ctx, v, f.token); !ok || err != nil {
				t.Errorf("CheckSignature(valid) = %v, %v", ok, err)
			}
			tampered := "e30" + f.token[len("eyJ"):] // another header, same signature
			if ok, err := CheckSignature(ctx, v, tampered); ok || err != nil {
				t.Errorf("CheckSignature(tampered) = %v, %v", ok, err)
			}
			if _, err := CheckSignature(ctx, v, "no dots"); err == nil {
				t.Error("CheckSignature of a token without parts: no error")
			}
		})
	}
}

// TestWithCrypto checks that the module takes the choice of signature code
// and refuses an unknown one with core's error.
func TestWithCrypto(t *testing.T) {
	ctx := context.Background()
	rt := sharedTestRuntime(t)
	f := newFixture(t, "ec-p256.pem", "")
	p := core.Policy{Algorithms: []string{"ES256"}}
	for _, c := range []string{core.CryptoAuto, core.CryptoFast, core.CryptoStdlib} {
		v, err := rt.NewVerifier(ctx, f.jwks, p, WithCrypto(c))
		if err != nil {
			t.Fatalf("crypto %q: %v", c, err)
		}
		if _, err := v.VerifyAt(ctx, f.token, testNow); err != nil {
			t.Errorf("crypto %q: %v", c, err)
		}
		v.Close(ctx)
	}
	set, _ := core.ParseKeySet(f.jwks)
	_, nerr := core.NewVerifier(set, p, core.WithCrypto("turbo"))
	_, herr := rt.NewVerifier(ctx, f.jwks, p, WithCrypto("turbo"))
	if nerr == nil || !sameMessage(nerr, herr) {
		t.Errorf("unknown crypto: native %v, host %v", nerr, herr)
	}
}
