package core

import (
	"testing"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	jwxjwt "github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// verifyRaw is what other libraries verify with: the public key, or the
// secret.
func verifyRaw(k *Key) any {
	if k.kty == KeyTypeOct {
		return k.secret
	}
	return k.pub
}

// TestInteropGolangJWT checks both directions with golang-jwt/jwt v5 for
// every algorithm: its tokens verify with core, core's verify with it.
func TestInteropGolangJWT(t *testing.T) {
	t.Parallel()
	for _, alg := range Algorithms() {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			key := keyForAlg(t, alg)
			v := mustVerifier(t, verifySetFor(t, alg), Policy{
				Algorithms: []string{alg},
				Issuer:     "https://issuer.example",
				Audiences:  []string{"api"},
			}, WithClock(at(testNow)))

			// golang-jwt signs, core verifies.
			method := gojwt.GetSigningMethod(alg)
			if method == nil {
				t.Fatalf("golang-jwt has no %s", alg)
			}
			gt := gojwt.NewWithClaims(method, gojwt.MapClaims{
				"iss": "https://issuer.example",
				"aud": []string{"api", "other"},
				"sub": "alice",
				"iat": testNow.Add(-time.Minute).Unix(),
				"exp": testNow.Add(time.Hour).Unix(),
			})
			gt.Header["kid"] = key.KeyID()
			signed, err := gt.SignedString(key.raw())
			if err != nil {
				t.Fatalf("golang-jwt sign: %v", err)
			}
			tok, err := v.Verify(signed)
			if err != nil {
				t.Fatalf("core verify of golang-jwt's token: %v", err)
			}
			if tok.Claims.Subject != "alice" || tok.Header.KeyID != key.KeyID() {
				t.Errorf("claims/header = %+v / %+v", tok.Claims, tok.Header)
			}
			_, err = v.Verify(testkit.FlipSignatureBit(t, signed, 3))
			wantCode(t, err, CodeBadSignature)

			// core signs, golang-jwt verifies.
			ours := mustSign(t, key, apiClaims(t), WithAlgorithm(alg))
			parsed, err := gojwt.Parse(ours, func(tk *gojwt.Token) (any, error) {
				if tk.Header["kid"] != key.KeyID() {
					t.Errorf("golang-jwt sees kid %v", tk.Header["kid"])
				}
				return verifyRaw(key), nil
			}, gojwt.WithValidMethods([]string{alg}), gojwt.WithTimeFunc(at(testNow)),
				gojwt.WithIssuer("https://issuer.example"), gojwt.WithAudience("api"), gojwt.WithExpirationRequired())
			if err != nil {
				t.Fatalf("golang-jwt verify of core's token: %v", err)
			}
			if sub, _ := parsed.Claims.GetSubject(); sub != "alice" || !parsed.Valid {
				t.Errorf("golang-jwt: sub %q, valid %v", sub, parsed.Valid)
			}
			// And golang-jwt refuses core's token with a flipped signature.
			if _, err := gojwt.Parse(testkit.FlipSignatureBit(t, ours, 3), func(*gojwt.Token) (any, error) { return verifyRaw(key), nil },
				gojwt.WithValidMethods([]string{alg}), gojwt.WithTimeFunc(at(testNow))); err == nil {
				t.Error("golang-jwt accepted a flipped signature")
			}
		})
	}
}

// TestInteropJWX checks core's tokens against lestrrat-go/jwx v2, the
// reference, for every algorithm, and jwx's tokens against core.
func TestInteropJWX(t *testing.T) {
	t.Parallel()
	for _, alg := range Algorithms() {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			key := keyForAlg(t, alg)
			jwxAlg := jwa.SignatureAlgorithm(alg)
			clock := jwxjwt.WithClock(jwxjwt.ClockFunc(at(testNow)))

			// core signs, jwx verifies (jwt.WithKey is jws.WithKey for
			// jwt.Parse).
			ours := mustSign(t, key, apiClaims(t), WithAlgorithm(alg))
			parsed, err := jwxjwt.Parse([]byte(ours), jwxjwt.WithKey(jwxAlg, verifyRaw(key)), clock,
				jwxjwt.WithIssuer("https://issuer.example"), jwxjwt.WithAudience("api"))
			if err != nil {
				t.Fatalf("jwx verify of core's token: %v", err)
			}
			if parsed.Subject() != "alice" {
				t.Errorf("jwx sees sub %q", parsed.Subject())
			}
			// The JWS layer agrees on the header core wrote.
			msg, err := jws.Parse([]byte(ours))
			if err != nil {
				t.Fatal(err)
			}
			h := msg.Signatures()[0].ProtectedHeaders()
			if h.Algorithm() != jwxAlg || h.KeyID() != key.KeyID() || h.Type() != "JWT" {
				t.Errorf("jwx header: alg %s kid %s typ %s", h.Algorithm(), h.KeyID(), h.Type())
			}
			if _, err := jwxjwt.Parse([]byte(testkit.FlipSignatureBit(t, ours, 5)), jwxjwt.WithKey(jwxAlg, verifyRaw(key)), clock); err == nil {
				t.Error("jwx accepted a flipped signature")
			}
			// Both refuse an expired token.
			expired := mustSign(t, key, claimsJSON(t, map[string]any{"exp": testNow.Add(-time.Hour).Unix()}), WithAlgorithm(alg))
			if _, err := jwxjwt.Parse([]byte(expired), jwxjwt.WithKey(jwxAlg, verifyRaw(key)), clock); err == nil {
				t.Error("jwx accepted an expired token")
			}

			// jwx signs, core verifies.
			jt := jwxjwt.New()
			for name, val := range map[string]any{
				"iss": "https://issuer.example", "aud": []string{"api"}, "sub": "bob",
				"exp": testNow.Add(time.Hour), "iat": testNow,
			} {
				if err := jt.Set(name, val); err != nil {
					t.Fatal(err)
				}
			}
			hdr := jws.NewHeaders()
			if err := hdr.Set(jws.KeyIDKey, key.KeyID()); err != nil {
				t.Fatal(err)
			}
			signed, err := jwxjwt.Sign(jt, jwxjwt.WithKey(jwxAlg, key.raw(), jws.WithProtectedHeaders(hdr)))
			if err != nil {
				t.Fatalf("jwx sign: %v", err)
			}
			v := mustVerifier(t, verifySetFor(t, alg), Policy{Algorithms: []string{alg}, Audiences: []string{"api"}}, WithClock(at(testNow)))
			tok, err := v.Verify(string(signed))
			if err != nil {
				t.Fatalf("core verify of jwx's token: %v", err)
			}
			if tok.Claims.Subject != "bob" {
				t.Errorf("core sees sub %q", tok.Claims.Subject)
			}
		})
	}
}
