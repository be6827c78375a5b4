package host

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host/internal/testkit"
)

// TestVerifyJWS runs the JWS layer in the module against core's: payloads
// that are no JWT verify byte for byte, refusals carry the same code, and
// a JWS the module signs verifies natively.
func TestVerifyJWS(t *testing.T) {
	ctx := context.Background()
	rt := sharedTestRuntime(t)
	doc, err := os.ReadFile(filepath.Join("..", "core", "testdata", "keys", "ec-p256.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key := testKey(t, "ec-p256.pem")
	set, err := core.NewKeySet(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := set.MarshalJSON()
	policy := core.Policy{Algorithms: []string{"ES256"}, Issuer: "ignored by the JWS layer"}
	hv, err := rt.NewVerifier(ctx, jwks, policy)
	if err != nil {
		t.Fatal(err)
	}
	nv, err := core.NewVerifier(set, policy)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := rt.NewSigner(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, payload := range [][]byte{[]byte("Example of a JWS"), {0, 0xff, '"', '\n'}, []byte(`{"exp":1}`)} {
		token, err := signer.SignJWS(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		got, err := hv.VerifyJWS(ctx, token)
		if err != nil {
			t.Fatalf("host VerifyJWS(%q): %v", payload, err)
		}
		want, err := nv.VerifyJWS(token)
		if err != nil {
			t.Fatalf("native VerifyJWS(%q): %v", payload, err)
		}
		if !bytes.Equal(got.Payload, payload) || !bytes.Equal(got.Header.JSON(), want.Header.JSON()) || got.Key.KeyID() != want.Key.KeyID() {
			t.Errorf("payload %q: host %q %s %s, native %s %s", payload, got.Payload, got.Header.JSON(), got.Key.KeyID(), want.Header.JSON(), want.Key.KeyID())
		}
		if got.Header.Type != "" {
			t.Errorf("a JWS got typ %q", got.Header.Type)
		}
		tampered := testkit.FlipSignatureBit(t, token, -1)
		_, herr := hv.VerifyJWS(ctx, tampered)
		_, nerr := nv.VerifyJWS(tampered)
		if core.CodeOf(herr) != core.CodeOf(nerr) || herr == nil {
			t.Errorf("tampered: host %v, native %v", herr, nerr)
		}
	}
	if _, err := signer.SignJWS(ctx, nil); !errors.Is(err, core.CodeInvalidArgument) {
		t.Errorf("empty payload: %v", err)
	}
}
