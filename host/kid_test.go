package host

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/jwtwasm/jwtwasm/core"
)

// TestBareKeyAnyKID checks, through the module, that a lone key without a
// kid of its own (PEM, encrypted PEM) verifies a token whatever its kid,
// while a JWKS key with a kid keeps strict matching, and that
// Policy.KeyID crosses the boundary. The host normalises key documents
// to a JWKS before preparing verifiers; that must not give a PEM key a kid
// of its own.
func TestBareKeyAnyKID(t *testing.T) {
	ctx := context.Background()
	rt := newTestRuntime(t, WithPoolSize(2))
	key := testKey(t, "ec-p256.pem")
	plainPEM, err := key.Public().MarshalPEM(core.PEMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	encPEM, err := key.MarshalPEM(core.PEMOptions{Passphrase: []byte("correct horse")})
	if err != nil {
		t.Fatal(err)
	}
	set, err := core.NewKeySet(key.Public().WithKeyID("es-1"))
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := set.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	claims := []byte(`{"sub":"alice","exp":` + strconv.FormatInt(testNow.Unix()+3600, 10) + `}`)
	token, err := core.Sign(key, claims, core.WithKeyID("issuer-key-7"))
	if err != nil {
		t.Fatal(err)
	}
	es := core.Policy{Algorithms: []string{"ES256"}}
	tests := []struct {
		name   string
		doc    []byte
		opts   []CallOption
		policy core.Policy
		want   core.Code
	}{
		{"PEM", plainPEM, nil, es, 0},
		{"encrypted PEM", encPEM, []CallOption{WithPassphrase([]byte("correct horse"))}, es, 0},
		{"JWKS key with its own kid", jwks, nil, es, core.CodeUnknownKID},
		{"JWKS key pinned by its kid", jwks, nil, core.Policy{Algorithms: []string{"ES256"}, KeyID: "es-1"}, core.CodeUnknownKID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := rt.NewVerifier(ctx, tt.doc, tt.policy, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close(ctx)
			tok, err := v.VerifyAt(ctx, token, testNow)
			if core.CodeOf(err) != tt.want {
				t.Fatalf("verify = %v, want code %v", err, tt.want)
			}
			if err == nil && tok.Key.Thumbprint() != key.Thumbprint() {
				t.Errorf("verified with key %q", tok.Key.KeyID())
			}
			// With the first instance busy, a second one prepares the
			// verifier from the plain key set the first returned: it
			// must judge alike (a PEM key's thumbprint must not become
			// a kid of its own there).
			busy, err := rt.acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.VerifyAt(ctx, token, testNow)
			rt.release(ctx, busy)
			if core.CodeOf(err) != tt.want {
				t.Fatalf("verify in a second instance = %v, want code %v", err, tt.want)
			}
			// And natively.
			nv, err := Native().NewVerifier(ctx, tt.doc, tt.policy, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := nv.VerifyAt(ctx, token, testNow); core.CodeOf(err) != tt.want {
				t.Fatalf("native verify = %v, want code %v", err, tt.want)
			}
		})
	}
	_, err = rt.NewVerifier(ctx, jwks, core.Policy{Algorithms: []string{"ES256"}, KeyID: "nope"})
	if !errors.Is(err, core.CodeInvalidArgument) {
		t.Errorf("a pinned kid the set lacks: %v, want invalid_argument", err)
	}
}
