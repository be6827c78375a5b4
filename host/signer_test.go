package host

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// TestSigner signs with prepared keys inside the module and checks the
// tokens natively: every key type, an encrypted PEM, Close, and the
// errors of a public key set and of bad claims.
func TestSigner(t *testing.T) {
	ctx := context.Background()
	rt := sharedTestRuntime(t)
	claims, err := core.BuildClaims(core.RegisteredClaims{Issuer: "https://issuer.example", ExpiresAt: testNow.Add(time.Hour)}, []byte(`{"role":"admin"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, alg string }{
		{"rsa2048.pem", "RS256"}, {"rsa2048.pem", "PS256"}, {"ec-p256.pem", "ES256"},
		{"ec-p384.pem", "ES384"}, {"ed25519.pem", "EdDSA"}, {"oct512.jwk", "HS512"},
	} {
		t.Run(tt.alg, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join("..", "core", "testdata", "keys", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			s, err := rt.NewSigner(ctx, doc)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(ctx)
			for i := 0; i < 2; i++ { // the second sign reuses the handle
				token, err := s.Sign(ctx, claims, WithAlgorithm(tt.alg))
				if err != nil {
					t.Fatal(err)
				}
				set, err := core.ParseKeySet(doc)
				if err != nil {
					t.Fatal(err)
				}
				v, err := core.NewVerifier(set, core.Policy{Algorithms: []string{tt.alg}}, core.WithClock(func() time.Time { return testNow }))
				if err != nil {
					t.Fatal(err)
				}
				tok, err := v.Verify(token)
				if err != nil {
					t.Fatalf("native verify of a token the module signed: %v", err)
				}
				if tok.Header.KeyID != s.KeyID() {
					t.Errorf("kid %q, want the signer's %q", tok.Header.KeyID, s.KeyID())
				}
			}
			if err := s.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Sign(ctx, claims); !errors.Is(err, ErrClosed) {
				t.Errorf("Sign after Close: %v, want ErrClosed", err)
			}
		})
	}

	ec := testKey(t, "ec-p256.pem")
	plain, err := ec.MarshalPEM(core.PEMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := rt.NewSigner(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	// A passphrase belongs to the key, read once when the signer was made: given to
	// Sign, it is refused, not silently ignored.
	if _, err := s.Sign(ctx, claims, WithPassphrase([]byte("x"))); !errors.Is(err, core.CodeInvalidArgument) || !strings.Contains(err.Error(), "WithPassphrase") {
		t.Errorf("Sign with a passphrase: %v, want invalid_argument naming WithPassphrase", err)
	}
	if _, err := s.Sign(ctx, []byte(`{"iss":`)); !errors.Is(err, core.CodeInvalidArgument) {
		t.Errorf("bad claims: %v, want invalid_argument", err)
	}
	pub, err := core.NewKeySet(ec.Public())
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := pub.MarshalJSON()
	if _, err := rt.NewSigner(ctx, jwks); !errors.Is(err, core.CodeInvalidKey) {
		t.Errorf("a public key set: %v, want invalid_key", err)
	}
}

// TestSignerPassphrase signs with an encrypted key: decrypting it in the
// module at 600,000 PBKDF2 iterations takes seconds, so it is left to the
// full suite.
func TestSignerPassphrase(t *testing.T) {
	if testing.Short() {
		t.Skip("decrypts a key in the module (seconds)")
	}
	ctx := context.Background()
	rt := sharedTestRuntime(t)
	claims, err := core.BuildClaims(core.RegisteredClaims{Issuer: "https://issuer.example", ExpiresAt: testNow.Add(time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ec := testKey(t, "ec-p256.pem")
	enc, err := ec.MarshalPEM(core.PEMOptions{Passphrase: []byte("correct horse")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.NewSigner(ctx, enc); !errors.Is(err, core.CodeInvalidKey) {
		t.Errorf("encrypted key without passphrase: %v, want invalid_key", err)
	}
	s, err := rt.NewSigner(ctx, enc, WithPassphrase([]byte("correct horse")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sign(ctx, claims); err != nil {
		t.Errorf("signing with a decrypted key: %v", err)
	}
}
