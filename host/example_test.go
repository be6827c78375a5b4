//go:build !race

// The examples start runtimes without a compilation cache, as a program
// would. They are left out under -race, where compiling the module takes
// half a minute each; they run on one goroutine, where the race detector
// would find nothing that the lifecycle tests do not exercise.

package host_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

// issuedAt is the fixed moment of the examples, so that their output does
// not depend on when they run.
var issuedAt = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// issue plays the token's issuer, natively with package core: it signs
// claims with a key of core/testdata/keys and publishes the public JWKS.
func issue(keyFile string, reg core.RegisteredClaims, custom string) (jwks []byte, token string) {
	data, err := os.ReadFile(filepath.Join("..", "core", "testdata", "keys", keyFile))
	if err != nil {
		log.Fatal(err)
	}
	key, err := core.ParseKey(data)
	if err != nil {
		log.Fatal(err)
	}
	var extra []byte
	if custom != "" {
		extra = []byte(custom)
	}
	claims, err := core.BuildClaims(reg, extra)
	if err != nil {
		log.Fatal(err)
	}
	var opts []core.SignOption
	if key.Type() == core.KeyTypeOct {
		opts = append(opts, core.WithKeyID("")) // a shared secret: nothing to publish
	}
	if token, err = core.Sign(key, claims, opts...); err != nil {
		log.Fatal(err)
	}
	if pub := key.Public(); pub != nil {
		set, _ := core.NewKeySet(pub)
		jwks, _ = set.MarshalJSON()
	}
	return jwks, token
}

// This example verifies a token inside the WebAssembly module: start the
// runtime once, prepare a verifier once, then verify each request's token.
func ExampleNew() {
	jwks, token := issue("ec-p256.pem", core.RegisteredClaims{
		Issuer:    "https://issuer.example",
		Subject:   "alice",
		Audience:  []string{"orders-api"},
		IssuedAt:  issuedAt,
		ExpiresAt: issuedAt.Add(time.Hour),
	}, `{"scope":"read:orders write:orders"}`)

	ctx := context.Background()
	rt, err := host.New(ctx) // compiles the module: do it once
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	verifier, err := rt.NewVerifier(ctx, jwks, core.Policy{
		Algorithms: []string{"ES256"},
		Issuer:     "https://issuer.example",
		Audiences:  []string{"orders-api"},
		Require:    []string{"scope~read:orders"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer verifier.Close(ctx)

	// Verify judges by the clock; VerifyAt, here, by a fixed time.
	tok, err := verifier.VerifyAt(ctx, token, issuedAt.Add(5*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Header.Algorithm, tok.Claims.Subject, tok.Claims.Audience)
	fmt.Println("expires", tok.Claims.ExpiresAt.Format(time.RFC3339))
	fmt.Println("verified with the key whose kid the header names:", tok.Key.KeyID() == tok.Header.KeyID)
	// Output:
	// ES256 alice [orders-api]
	// expires 2026-11-23T13:00:00Z
	// verified with the key whose kid the header names: true
}

// Errors from the module carry core's codes: test for one with errors.Is,
// or switch on core.CodeOf, as natively.
func ExampleVerifier_Verify_errorChecking() {
	jwks, token := issue("ed25519.pem", core.RegisteredClaims{
		Subject:   "alice",
		ExpiresAt: issuedAt.Add(time.Hour),
	}, `{"scope":"read:orders"}`)

	ctx := context.Background()
	rt, err := host.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)
	verifier, err := rt.NewVerifier(ctx, jwks, core.Policy{
		Algorithms: []string{"EdDSA"},
		Require:    []string{"scope~write:orders"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer verifier.Close(ctx)

	// Two hours later, the token has expired.
	_, err = verifier.VerifyAt(ctx, token, issuedAt.Add(2*time.Hour))
	switch {
	case errors.Is(err, core.CodeExpired):
		fmt.Println("expired:", core.MessageOf(err))
	case err != nil:
		fmt.Println("other failure:", err)
	}

	// A tampered signature, and a string that is not a token at all.
	for _, tok := range []string{token[:len(token)-4] + "AAAA", "not.a.token"} {
		_, err = verifier.VerifyAt(ctx, tok, issuedAt)
		code := core.CodeOf(err)
		fmt.Printf("%s (rejects the token: %v)\n", code, code.IsTokenRejection())
	}

	// A valid token that fails an access rule comes back with its claims,
	// so that the refusal can say who was refused.
	tok, err := verifier.VerifyAt(ctx, token, issuedAt)
	if errors.Is(err, core.CodeForbidden) {
		fmt.Printf("%s refused: %v\n", tok.Claims.Subject, err)
	}

	// Policy problems are reported when the verifier is prepared.
	_, err = rt.NewVerifier(ctx, jwks, core.Policy{})
	fmt.Println(err)
	// Output:
	// expired: token expired 1h ago (exp 2026-11-23T13:00:00Z)
	// bad_signature (rejects the token: true)
	// malformed (rejects the token: true)
	// alice refused: forbidden: rule "scope~write:orders": claim "scope" is "read:orders"
	// invalid_argument: the policy allows no algorithm: list the ones your issuer signs with, e.g. RS256 or ES256
}

// Inspect decodes a token without verifying it and lists what is worth
// knowing about it, in the spirit of RFC 8725.
func ExampleRuntime_Inspect() {
	_, token := issue("oct512.jwk", core.RegisteredClaims{
		Subject:  "alice",
		IssuedAt: issuedAt.Add(-30 * time.Minute),
	}, `{"password":"hunter2"}`)

	ctx := context.Background()
	rt, err := host.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	in, err := rt.Inspect(ctx, token, host.WithTime(issuedAt))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(in.Header.Algorithm, in.Claims.Subject)
	for _, d := range in.Dates {
		fmt.Printf("%s: %s\n", d.Name, d.Relative)
	}
	for _, f := range in.Findings {
		fmt.Printf("%s %s\n", f.Severity, f.Code)
	}
	// Output:
	// HS256 alice
	// iat: issued 30m ago
	// medium alg_hmac
	// medium no_exp
	// medium sensitive_claim
	// low no_kid
	// low no_aud
}

// A program that starts often (a command, a serverless function) keeps
// the compiled module on disk: the first start compiles it (seconds), the
// next ones load it (a fraction of a second).
func ExampleWithCompilationCacheDir() {
	ctx := context.Background()
	var opts []host.Option
	if base, err := os.UserCacheDir(); err == nil {
		// The jwtwasm command's own cache. Never a shared temporary
		// directory: the runtime executes the compiled code it finds.
		opts = append(opts, host.WithCompilationCacheDir(filepath.Join(base, "jwtwasm", "wazero")))
	}
	rt, err := host.New(ctx, opts...)
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	// The example key of RFC 7638, section 3.1.
	jwk, err := os.ReadFile("../core/testdata/keys/rfc7638.jwk")
	if err != nil {
		log.Fatal(err)
	}
	keys, err := rt.Thumbprints(ctx, jwk)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(keys[0].KeyID, keys[0].Thumbprint)
	// Output:
	// 2011-04-29 NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs
}
