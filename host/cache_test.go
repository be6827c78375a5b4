package host

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host/internal/testkit"
)

// TestVerifierCache pins the host-side cache: a repeated token is served
// from it, never after the token expires, and failures are not cached.
func TestVerifierCache(t *testing.T) {
	ctx := context.Background()
	rt := sharedTestRuntime(t)
	f := newFixture(t, "ec-p256.pem", "")
	v, err := rt.NewVerifier(ctx, f.jwks, core.Policy{Algorithms: []string{"ES256"}}, WithCache(2))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close(ctx)
	first, err := v.VerifyAt(ctx, f.token, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if v.(*wasmVerifier).cache.Len() != 1 {
		t.Fatalf("cache holds %d tokens after one verify, want 1", v.(*wasmVerifier).cache.Len())
	}
	// A hit is the caller's own copy, read from the same bytes: changing
	// the first result changes nothing the cache serves.
	first.Claims.Issuer = "https://evil.example"
	first.Header.Algorithm = "none"
	again, err := v.VerifyAt(ctx, f.token, testNow.Add(time.Minute))
	if err != nil || &again.Claims.JSON()[0] != &first.Claims.JSON()[0] {
		t.Errorf("second verify = %p, %v; want a copy of the cached token %p", again, err, first)
	} else if again.Claims.Issuer != "https://issuer.example" || again.Header.Algorithm != "ES256" {
		t.Errorf("the cache served issuer %q, alg %q: a caller's change reached it", again.Claims.Issuer, again.Header.Algorithm)
	}
	// Past exp the entry is dropped and the module says why.
	if _, err := v.VerifyAt(ctx, f.token, testNow.Add(2*time.Hour)); !errors.Is(err, core.CodeExpired) {
		t.Errorf("verify after exp: %v, want expired", err)
	}
	if v.(*wasmVerifier).cache.Len() != 0 {
		t.Errorf("cache holds %d tokens after the token expired, want 0", v.(*wasmVerifier).cache.Len())
	}
	if _, err := v.VerifyAt(ctx, testkit.FlipSignatureBit(t, f.token, -1), testNow); err == nil {
		t.Error("a tampered token verified")
	}
	if v.(*wasmVerifier).cache.Len() != 0 {
		t.Errorf("a failure was cached: %d entries", v.(*wasmVerifier).cache.Len())
	}
	if _, err := rt.NewVerifier(ctx, f.jwks, core.Policy{Algorithms: []string{"ES256"}}, WithCache(-1)); !errors.Is(err, core.CodeInvalidArgument) {
		t.Errorf("negative cache size: %v", err)
	}
	// A closed verifier serves nothing, not even a cached token.
	if _, err := v.VerifyAt(ctx, f.token, testNow); err != nil {
		t.Fatal(err)
	}
	v.Close(ctx)
	if _, err := v.VerifyAt(ctx, f.token, testNow); !errors.Is(err, ErrClosed) {
		t.Errorf("a cached token after Close: %v, want ErrClosed", err)
	}
}
