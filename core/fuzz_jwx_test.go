package core

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	jwxjwt "github.com/lestrrat-go/jwx/v2/jwt"
)

// FuzzAgreesWithJWX is differential: for any input, mostly mutations of
// valid tokens, core may accept only what jwx/v2 also accepts with the same
// key and algorithm, and must then read the same payload. The reverse need
// not hold: where core is stricter on purpose, SECURITY.md lists it.
func FuzzAgreesWithJWX(f *testing.F) {
	seeds := fuzzSeeds(f, filepath.Join("testdata", "fuzz", "tokens", "*.txt"))
	for _, seed := range seeds {
		f.Add(string(bytes.TrimSpace(seed)))
	}
	pub := mustSet(f, fixedKey(f, "rsa").Public(), fixedKey(f, "p256").Public(), fixedKey(f, "p521").Public(), fixedKey(f, "ed").Public())
	// No claim rules beyond the registered times, whose meaning jwx shares;
	// no leeway, as jwx has none by default; "aud" ignored, as jwx ignores
	// it unless given an audience.
	verifiers := []*Verifier{
		mustVerifier(f, pub, Policy{Algorithms: []string{"RS256", "PS256", "ES256", "ES512", "EdDSA"}, IgnoreAudience: true}, WithClock(at(testNow))),
		mustVerifier(f, mustSet(f, fixedKey(f, "oct")), Policy{Algorithms: []string{"HS256", "HS512"}, IgnoreAudience: true}, WithClock(at(testNow))),
	}
	// Unless some seeds pass both verifiers, the comparison is never reached.
	for i, v := range verifiers {
		accepted := 0
		for _, seed := range seeds {
			if _, err := v.Verify(string(bytes.TrimSpace(seed))); err == nil {
				accepted++
			}
		}
		if accepted == 0 {
			f.Fatalf("verifier %d accepts none of the seeds", i)
		}
	}
	f.Fuzz(func(t *testing.T, token string) {
		for _, v := range verifiers {
			j, err := v.VerifyJWS(token)
			if err != nil {
				continue
			}
			alg := jwa.SignatureAlgorithm(j.Header.Algorithm)
			payload, err := jws.Verify([]byte(token), jws.WithKey(alg, verifyRaw(j.Key)))
			if err != nil {
				t.Fatalf("core accepts the JWS with key %q, jwx refuses it: %v", j.Key.KeyID(), err)
			}
			if !bytes.Equal(payload, j.Payload) {
				t.Fatalf("payloads differ: core %q, jwx %q", j.Payload, payload)
			}

			tok, err := v.Verify(token)
			if err != nil {
				continue
			}
			if _, err := jwxjwt.Parse([]byte(token), jwxjwt.WithKey(alg, verifyRaw(tok.Key)),
				jwxjwt.WithClock(jwxjwt.ClockFunc(at(testNow)))); err != nil {
				t.Fatalf("core accepts the JWT, jwx refuses it: %v", err)
			}
		}
	})
}
