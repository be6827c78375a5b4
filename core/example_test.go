package core_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// issuedAt is the fixed moment of the examples, so that their output does
// not depend on when they run.
var issuedAt = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// loadKey reads a key from testdata/keys.
func loadKey(name string) *core.Key {
	data, err := os.ReadFile("testdata/keys/" + name)
	if err != nil {
		log.Fatal(err)
	}
	key, err := core.ParseKey(data)
	if err != nil {
		log.Fatal(err)
	}
	return key
}

func ExampleGenerateKey() {
	key, err := core.GenerateKey(core.KeyParams{Type: core.KeyTypeEC, Curve: "P-384"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.Type(), key.Curve(), key.DefaultAlgorithm(), key.IsPrivate())
	fmt.Println("key ID is the RFC 7638 thumbprint:", key.KeyID() == key.Thumbprint())

	// Publish the public part as a JWKS; keep the key itself secret.
	set, err := core.NewKeySet(key)
	if err != nil {
		log.Fatal(err)
	}
	jwks, err := set.Public().MarshalJSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("JWKS holds the private \"d\":", bytes.Contains(jwks, []byte(`"d":`)))
	// Output:
	// EC P-384 ES384 true
	// key ID is the RFC 7638 thumbprint: true
	// JWKS holds the private "d": false
}

// This example signs a token with a PEM key and verifies it with the
// public key under a policy: the usual flow between an issuer and an API.
func ExampleSign() {
	key := loadKey("ec-p256.pem")

	// The issuer.
	claims, err := core.BuildClaims(core.RegisteredClaims{
		Issuer:    "https://issuer.example",
		Subject:   "alice",
		Audience:  []string{"orders-api"},
		IssuedAt:  issuedAt,
		ExpiresAt: issuedAt.Add(time.Hour),
	}, []byte(`{"scope":"read:orders write:orders"}`))
	if err != nil {
		log.Fatal(err)
	}
	token, err := core.Sign(key, claims)
	if err != nil {
		log.Fatal(err)
	}

	// The API: build the verifier once, then verify each request's token.
	keys, err := core.NewKeySet(key.Public())
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := core.NewVerifier(keys, core.Policy{
		Algorithms: []string{"ES256"},
		Issuer:     "https://issuer.example",
		Audiences:  []string{"orders-api"},
		Require:    []string{"scope~read:orders"},
	}, core.WithClock(func() time.Time { return issuedAt.Add(5 * time.Minute) }))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := verifier.Verify(token)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Header.Algorithm, tok.Header.Type, tok.Claims.Subject, tok.Claims.Audience)
	fmt.Println("expires", tok.Claims.ExpiresAt.Format(time.RFC3339))
	fmt.Println("verified with the key whose kid the header names:", tok.Key.KeyID() == tok.Header.KeyID)
	// Output:
	// ES256 JWT alice [orders-api]
	// expires 2026-11-23T13:00:00Z
	// verified with the key whose kid the header names: true
}

// Errors carry a stable code: test for one with errors.Is, or switch on
// core.CodeOf.
func ExampleVerifier_Verify_errorChecking() {
	key := loadKey("ed25519.pem")
	claims, _ := core.BuildClaims(core.RegisteredClaims{Subject: "alice", ExpiresAt: issuedAt.Add(time.Hour)}, nil)
	token, _ := core.Sign(key, claims)
	keys, _ := core.NewKeySet(key.Public())

	// Two hours later, the token has expired.
	verifier, err := core.NewVerifier(keys, core.Policy{Algorithms: []string{"EdDSA"}},
		core.WithClock(func() time.Time { return issuedAt.Add(2 * time.Hour) }))
	if err != nil {
		log.Fatal(err)
	}
	_, err = verifier.Verify(token)
	switch {
	case errors.Is(err, core.CodeExpired):
		fmt.Println("expired:", core.MessageOf(err))
	case err != nil:
		fmt.Println("other failure:", err)
	}

	// A tampered signature, and a string that is not a token at all.
	for _, tok := range []string{token[:len(token)-4] + "AAAA", "not.a.token"} {
		_, err = verifier.Verify(tok)
		code := core.CodeOf(err)
		fmt.Printf("%s (rejects the token: %v)\n", code, code.IsTokenRejection())
	}

	// Policy problems are reported when the verifier is built.
	_, err = core.NewVerifier(keys, core.Policy{})
	fmt.Println(err)
	// Output:
	// expired: token expired 1h ago (exp 2026-11-23T13:00:00Z)
	// bad_signature (rejects the token: true)
	// malformed (rejects the token: true)
	// invalid_argument: the policy allows no algorithm: list the ones your issuer signs with, e.g. RS256 or ES256
}

func ExampleParseRule() {
	rule, err := core.ParseRule("realm_access.roles~admin")
	if err != nil {
		log.Fatal(err)
	}

	key := loadKey("oct512.jwk") // an HMAC secret
	keys, _ := core.NewKeySet(key)
	verifier, err := core.NewVerifier(keys, core.Policy{Algorithms: []string{"HS256"}},
		core.WithClock(func() time.Time { return issuedAt }))
	if err != nil {
		log.Fatal(err)
	}
	for _, custom := range []string{
		`{"realm_access":{"roles":["user","admin"]}}`,
		`{"realm_access":{"roles":["user"]}}`,
	} {
		claims, _ := core.BuildClaims(core.RegisteredClaims{ExpiresAt: issuedAt.Add(time.Hour)}, []byte(custom))
		token, _ := core.Sign(key, claims)
		tok, err := verifier.Verify(token)
		if err != nil {
			log.Fatal(err)
		}
		// Rules check verified claims. Policy.Require applies them in
		// Verify itself, which then returns CodeForbidden.
		fmt.Println(rule.Check(tok.Claims))
	}
	// Output:
	// <nil>
	// forbidden: rule "realm_access.roles~admin": claim "realm_access.roles" is ["user"]
}

func ExampleInspect() {
	key := loadKey("oct512.jwk")
	claims, _ := core.BuildClaims(core.RegisteredClaims{Subject: "alice", IssuedAt: issuedAt.Add(-30 * time.Minute)},
		[]byte(`{"password":"hunter2"}`))
	token, _ := core.Sign(key, claims, core.WithKeyID(""))

	in, err := core.Inspect(token, core.InspectAt(func() time.Time { return issuedAt }))
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range in.Dates {
		fmt.Printf("%s: %s\n", d.Name, d.Relative)
	}
	for _, f := range in.Findings {
		fmt.Printf("%s %s\n", f.Severity, f.Code)
	}
	// Output:
	// iat: issued 30m ago
	// medium alg_hmac
	// medium no_exp
	// medium sensitive_claim
	// low no_kid
	// low no_aud
}
