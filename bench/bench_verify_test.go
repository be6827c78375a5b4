package bench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"testing"

	gojose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	golangjwt "github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v2/jwa"
	jwxjwt "github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

// verifyImpls are the impls of BenchmarkVerify, in the order they run.
// wasm-verify is impl=wasm with the verify-only module.
var verifyImpls = []string{"stdlib", "core", "wasm", "wasm-verify", "wasm-check", "wasm-stdlib", "wasm-interp", "jwx", "golang-jwt", "go-jose"}

// interpAlgs are the only ALGs wasm-interp runs: at tens of ms per op
// (ten times the compiler or more), two algorithms show what it costs.
var interpAlgs = map[string]bool{"RS256": true, "ES256": true}

// BenchmarkVerify is the main table: one valid token verified per op.
func BenchmarkVerify(b *testing.B) {
	for _, spec := range algSpecs {
		for _, impl := range verifyImpls {
			if impl == "wasm-interp" && !interpAlgs[spec.name] {
				continue
			}
			b.Run("alg="+spec.name+"/impl="+impl, func(b *testing.B) {
				f := fixtureFor(b, spec.name)
				bind := verifierFor(b, f, impl)
				checkVerdicts(b, f, impl, func(tok string) error { return bind(tok)() })
				verify := bind(f.entry.Token)
				b.ReportAllocs()
				for b.Loop() {
					if err := verify(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkVerifyCached verifies one token again and again through a
// verifier with a verified-token cache: every op after the first is a hit.
// host.WithCache keeps its hits on the host's side, so a wasm hit never
// enters the module.
func BenchmarkVerifyCached(b *testing.B) {
	ctx := context.Background()
	for _, spec := range algSpecs {
		for _, impl := range []string{"core", "wasm"} {
			b.Run("alg="+spec.name+"/impl="+impl, func(b *testing.B) {
				f := fixtureFor(b, spec.name)
				var verify func(string) error
				switch impl {
				case "core":
					v, err := core.NewVerifier(f.keys, f.policy, core.WithCache(16))
					if err != nil {
						b.Fatal(err)
					}
					verify = func(tok string) error { _, err := v.Verify(tok); return err }
				case "wasm":
					v := wasmVerifier(b, wasmRuntime(b), f, host.WithCache(16))
					verify = func(tok string) error { _, err := v.Verify(ctx, tok); return err }
				}
				checkVerdicts(b, f, impl, verify)
				checkVerdicts(b, f, impl, verify) // again: hits now, and the bad token still refused
				tok := f.entry.Token
				b.ReportAllocs()
				for b.Loop() {
					if err := verify(tok); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkVerifyParallel verifies from GOMAXPROCS goroutines at once
// (b.RunParallel); run it with -cpu 1,2 to see how it scales. The wasm impl
// goes through one Runtime whose pool holds GOMAXPROCS instances.
func BenchmarkVerifyParallel(b *testing.B) {
	ctx := context.Background()
	for _, spec := range algSpecs {
		for _, impl := range []string{"core", "wasm"} {
			b.Run("alg="+spec.name+"/impl="+impl, func(b *testing.B) {
				f := fixtureFor(b, spec.name)
				procs := runtime.GOMAXPROCS(0)
				var verify func(string) error
				switch impl {
				case "core":
					v, err := core.NewVerifier(f.keys, f.policy)
					if err != nil {
						b.Fatal(err)
					}
					verify = func(tok string) error { _, err := v.Verify(tok); return err }
				case "wasm":
					v := parallelVerifier(b, procs, f)
					verify = func(tok string) error { _, err := v.Verify(ctx, tok); return err }
				}
				checkVerdicts(b, f, impl, verify)
				tok := f.entry.Token
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := verify(tok); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// parallelVerifiers keeps VerifyParallel's wasm verifiers across the calls
// b.RunParallel's ramp-up makes, so that each is prepared in each instance
// once.
var parallelVerifiers struct {
	mu sync.Mutex
	v  map[string]host.Verifier
}

// parallelVerifier returns a verifier for f in a runtime of procs
// instances, with every instance started and the verifier prepared in it
// before any timing.
func parallelVerifier(b *testing.B, procs int, f *fixture) host.Verifier {
	parallelVerifiers.mu.Lock()
	defer parallelVerifiers.mu.Unlock()
	key := fmt.Sprintf("%d/%s", procs, f.spec.name)
	if v := parallelVerifiers.v[key]; v != nil {
		return v
	}
	rt := poolRuntime(b, procs)
	ctx := context.Background()
	v, err := rt.NewVerifier(ctx, f.entry.JWKS, f.policy)
	if err != nil {
		b.Fatal(err)
	}
	// Fill the pool: procs goroutines verifying at once make the runtime
	// start instances until it holds procs of them, each of which prepares
	// the verifier on its first verify.
	for round := 0; round < 100 && (round < 3 || rt.Instances() < procs); round++ {
		var wg sync.WaitGroup
		for range procs {
			wg.Go(func() {
				for range 4 {
					if _, err := v.Verify(ctx, f.entry.Token); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	if got := rt.Instances(); got != procs {
		b.Logf("the pool holds %d instances, not %d: some will start in the timed loop", got, procs)
	}
	if parallelVerifiers.v == nil {
		parallelVerifiers.v = map[string]host.Verifier{}
	}
	parallelVerifiers.v[key] = v
	return v
}

// verifierFor returns impl ready to verify f's tokens: bind(token) does
// whatever preparation of the token is not part of an op (only stdlib
// does any: the floor checks a pre-split token) and returns the op.
func verifierFor(b *testing.B, f *fixture, impl string) (bind func(token string) func() error) {
	b.Helper()
	ctx := context.Background()
	perToken := func(verify func(string) error) func(string) func() error {
		return func(tok string) func() error { return func() error { return verify(tok) } }
	}
	switch impl {
	case "stdlib":
		return func(tok string) func() error {
			check := stdlibCheck(b, f, tok)
			return func() error {
				if !check() {
					return errBadSignature
				}
				return nil
			}
		}
	case "core":
		v, err := core.NewVerifier(f.keys, f.policy)
		if err != nil {
			b.Fatal(err)
		}
		return perToken(func(tok string) error { _, err := v.Verify(tok); return err })
	case "wasm", "wasm-interp", "wasm-verify":
		rt := wasmRuntime(b)
		switch impl {
		case "wasm-interp":
			rt = interpRuntime(b)
		case "wasm-verify":
			rt = verifyRuntime(b)
		}
		v := wasmVerifier(b, rt, f)
		return perToken(func(tok string) error {
			_, err := v.Verify(ctx, tok)
			return err
		})
	case "wasm-check", "wasm-stdlib":
		var opts []host.CallOption
		if impl == "wasm-stdlib" {
			opts = append(opts, host.WithCrypto(core.CryptoStdlib))
		}
		v := wasmVerifier(b, wasmRuntime(b), f, opts...)
		return perToken(func(tok string) error {
			ok, err := host.CheckSignature(ctx, v, tok)
			if err == nil && !ok {
				err = errBadSignature
			}
			return err
		})
	case "jwx":
		return perToken(jwxVerifier(f))
	case "golang-jwt":
		return perToken(golangJWTVerifier(f))
	case "go-jose":
		return perToken(goJoseVerifier(f))
	}
	b.Fatalf("unknown impl %q", impl)
	return nil
}

// wasmVerifier prepares a verifier for f in rt, closed when b ends.
func wasmVerifier(b *testing.B, rt *host.Runtime, f *fixture, opts ...host.CallOption) host.Verifier {
	b.Helper()
	ctx := context.Background()
	v, err := rt.NewVerifier(ctx, f.entry.JWKS, f.policy, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { v.Close(ctx) })
	return v
}

// stdlibCheck is the floor: the signature check of token alone, with the
// standard library on a key prepared once and a token split and decoded
// before timing. An op hashes the signing input and verifies; it parses no
// header and checks no claim.
func stdlibCheck(tb testing.TB, f *fixture, token string) func() bool {
	tb.Helper()
	i := strings.LastIndexByte(token, '.')
	input := []byte(token[:i])
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil {
		tb.Fatal(err)
	}
	switch pub := f.pub.(type) {
	case *rsa.PublicKey:
		if f.spec.alg == "PS256" {
			opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
			return func() bool {
				d := sha256.Sum256(input)
				return rsa.VerifyPSS(pub, crypto.SHA256, d[:], sig, opts) == nil
			}
		}
		return func() bool {
			d := sha256.Sum256(input)
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], sig) == nil
		}
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return func() bool { return false }
		}
		r := new(big.Int).SetBytes(sig[:size])
		s := new(big.Int).SetBytes(sig[size:])
		if f.spec.alg == "ES384" {
			return func() bool {
				d := sha512.Sum384(input)
				return ecdsa.Verify(pub, d[:], r, s)
			}
		}
		return func() bool {
			d := sha256.Sum256(input)
			return ecdsa.Verify(pub, d[:], r, s)
		}
	case ed25519.PublicKey:
		return func() bool { return ed25519.Verify(pub, input, sig) }
	}
	tb.Fatalf("unexpected key type %T", f.pub)
	return nil
}

// jwxVerifier is plain jwx/v2: jwt.ParseString with the key and the
// algorithm, validating iss, aud and a required exp (and, as jwx always
// does, nbf and iat).
func jwxVerifier(f *fixture) func(string) error {
	opts := []jwxjwt.ParseOption{
		jwxjwt.WithKey(jwa.SignatureAlgorithm(f.spec.alg), f.pub),
		jwxjwt.WithValidate(true),
		jwxjwt.WithIssuer(benchIssuer),
		jwxjwt.WithAudience(benchAud),
		jwxjwt.WithRequiredClaim(jwxjwt.ExpirationKey),
	}
	return func(tok string) error {
		_, err := jwxjwt.ParseString(tok, opts...)
		return err
	}
}

// golangJWTVerifier is golang-jwt v5's jwt.Parse into MapClaims, with the
// algorithm, issuer, audience and a required exp.
func golangJWTVerifier(f *fixture) func(string) error {
	keyFunc := func(*golangjwt.Token) (any, error) { return f.pub, nil }
	opts := []golangjwt.ParserOption{
		golangjwt.WithValidMethods([]string{f.spec.alg}),
		golangjwt.WithIssuer(benchIssuer),
		golangjwt.WithAudience(benchAud),
		golangjwt.WithExpirationRequired(),
	}
	return func(tok string) error {
		_, err := golangjwt.Parse(tok, keyFunc, opts...)
		return err
	}
}

// customClaims are the tokens' custom claims, which the go-jose impl
// decodes as its users do, into a struct beside jwt.Claims.
type customClaims struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	Scope  string `json:"scope"`
	Tenant string `json:"tenant"`
}

var errNoExpiry = errors.New("token has no exp")

// goJoseVerifier is go-jose v4: jwt.ParseSigned with the allowed
// algorithm, Claims with the key, then Expected validation with no leeway
// (core has none by default) and a required exp, which go-jose leaves to
// its caller.
func goJoseVerifier(f *fixture) func(string) error {
	algs := []gojose.SignatureAlgorithm{gojose.SignatureAlgorithm(f.spec.alg)}
	expected := josejwt.Expected{Issuer: benchIssuer, AnyAudience: josejwt.Audience{benchAud}}
	return func(tok string) error {
		t, err := josejwt.ParseSigned(tok, algs)
		if err != nil {
			return err
		}
		var c josejwt.Claims
		var custom customClaims
		if err := t.Claims(f.pub, &c, &custom); err != nil {
			return err
		}
		if c.Expiry == nil {
			return errNoExpiry
		}
		return c.ValidateWithLeeway(expected, 0)
	}
}
