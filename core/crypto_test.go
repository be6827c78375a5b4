package core

import (
	"testing"
)

// TestWithCrypto checks the choice of signature code: unknown names are
// refused, and the fast path is prepared for exactly the keys and
// algorithms it serves (RSA, and ECDSA on P-256), only when chosen.
func TestWithCrypto(t *testing.T) {
	t.Parallel()
	_, err := NewVerifier(mustSet(t, fixedKey(t, "p256").Public()), Policy{Algorithms: []string{"ES256"}}, WithCrypto("turbo"))
	checkErr(t, err, CodeInvalidArgument)
	if CheckSignature("turbo", "ES256", fixedKey(t, "p256"), "a.b", nil) {
		t.Error("CheckSignature with an unknown crypto reported true")
	}

	for _, tt := range []struct {
		alg, key string
		prepared bool // whether the fast path serves this key
	}{
		{"RS256", "rsa", true},
		{"PS384", "rsa", true},
		{"ES256", "p256", true},
		{"ES384", "p384", false},
		{"EdDSA", "ed", false},
	} {
		for _, crypto := range []string{CryptoStdlib, CryptoFast} {
			// A fresh parse: fixed keys are shared between tests.
			jwk, err := fixedKey(t, tt.key).Public().MarshalJWK()
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ParseKey(jwk)
			if err != nil {
				t.Fatal(err)
			}
			v := mustVerifier(t, mustSet(t, pub), Policy{Algorithms: []string{tt.alg}}, WithClock(at(testNow)), WithCrypto(crypto))
			tok := mustSign(t, fixedKey(t, tt.key), validClaims(t), WithAlgorithm(tt.alg))
			if _, err := v.Verify(tok); err != nil {
				t.Errorf("%s with crypto %q: %v", tt.alg, crypto, err)
			}
			used := pub.fast != nil && (pub.fast.rsa != nil || pub.fast.p256 != nil)
			if want := crypto == CryptoFast && tt.prepared; used != want {
				t.Errorf("%s with crypto %q: fast path prepared %v, want %v", tt.alg, crypto, used, want)
			}
		}
	}
}
