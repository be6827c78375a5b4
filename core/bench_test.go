package core

import (
	"testing"
	"time"
)

// benchAlgs are the algorithms the benchmarks measure; the names follow
// Benchmark<Op>/alg=<ALG>/impl=<impl> so that benchstat -col /impl
// compares this native engine with the wasm one.
var benchAlgs = []string{"RS256", "PS256", "ES256", "ES384", "EdDSA", "HS256"}

// benchClaims are validClaims for audience "api": the benchmarks check an
// audience, as a real verifier does.
func benchClaims(b *testing.B) []byte {
	return claimsJSON(b, map[string]any{
		"iss": "https://issuer.example",
		"sub": "alice",
		"aud": "api",
		"iat": testNow.Add(-time.Minute).Unix(),
		"exp": testNow.Add(time.Hour).Unix(),
	})
}

func BenchmarkVerify(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run("alg="+alg+"/impl=core", func(b *testing.B) {
			key := keyForAlg(b, alg)
			v := mustVerifier(b, verifySetFor(b, alg), Policy{
				Algorithms: []string{alg},
				Issuer:     "https://issuer.example",
				Audiences:  []string{"api"},
			}, WithClock(at(testNow)))
			tok := mustSign(b, key, benchClaims(b), WithAlgorithm(alg))
			if _, err := v.Verify(tok); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := v.Verify(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyCached(b *testing.B) {
	for _, alg := range []string{"RS256"} {
		b.Run("alg="+alg+"/impl=core", func(b *testing.B) {
			key := keyForAlg(b, alg)
			v := mustVerifier(b, verifySetFor(b, alg), Policy{Algorithms: []string{alg}, Audiences: []string{"api"}},
				WithClock(at(testNow)), WithCache(64))
			tok := mustSign(b, key, benchClaims(b), WithAlgorithm(alg))
			first, err := v.Verify(tok)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				got, err := v.Verify(tok)
				if err != nil || &got.Claims.JSON()[0] != &first.Claims.JSON()[0] {
					b.Fatal("not a cache hit")
				}
			}
		})
	}
}

func BenchmarkSign(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run("alg="+alg+"/impl=core", func(b *testing.B) {
			key := keyForAlg(b, alg)
			claims := validClaims(b)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Sign(key, claims, WithAlgorithm(alg)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
