package bench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	gojose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	golangjwt "github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	jwxjwt "github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

// BenchmarkSign signs the valid token's claims again, per op: a header
// with alg, kid and typ, the claims, the signature, encoded. Every impl's
// token is checked with core's verifier before timing.
func BenchmarkSign(b *testing.B) {
	for _, spec := range algSpecs {
		for _, impl := range []string{"stdlib", "core", "wasm", "jwx", "golang-jwt", "go-jose"} {
			b.Run("alg="+spec.name+"/impl="+impl, func(b *testing.B) {
				f := fixtureFor(b, spec.name)
				sign := signerFor(b, f, impl)
				tok, err := sign()
				if err != nil {
					b.Fatal(err)
				}
				checkSigned(b, f, impl, tok)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := sign(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// checkSigned fails b unless core accepts tok under f's keys and policy.
func checkSigned(b *testing.B, f *fixture, impl, tok string) {
	b.Helper()
	v, err := core.NewVerifier(f.keys, f.policy)
	if err != nil {
		b.Fatal(err)
	}
	t, err := v.Verify(tok)
	if err != nil {
		b.Fatalf("%s signed a token that does not verify: %v", impl, err)
	}
	if t.Header.KeyID != f.kid {
		b.Fatalf("%s signed a token with kid %q, want %q", impl, t.Header.KeyID, f.kid)
	}
}

func signerFor(b *testing.B, f *fixture, impl string) func() (string, error) {
	b.Helper()
	ctx := context.Background()
	alg := f.spec.alg
	switch impl {
	case "stdlib":
		// The floor: hash and sign a signing input made before timing,
		// and encode the signature; no header or claims are written.
		i := strings.LastIndexByte(f.entry.Token, '.')
		input := f.entry.Token[:i]
		sign := stdlibSign(b, f)
		return func() (string, error) {
			sig, err := sign([]byte(input))
			if err != nil {
				return "", err
			}
			return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
		}
	case "core":
		return func() (string, error) { return core.Sign(f.key, f.claims, core.WithAlgorithm(alg)) }
	case "wasm":
		// A prepared signer: the key is parsed and checked once, as
		// core's is, and each call sends only the claims.
		rt := wasmRuntime(b)
		s, err := rt.NewSigner(ctx, f.privPEM)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close(ctx) })
		opts := []host.CallOption{host.WithAlgorithm(alg)} // made once, outside the op
		return func() (string, error) {
			return s.Sign(ctx, f.claims, opts...)
		}
	case "jwx":
		t, err := jwxjwt.ParseInsecure(f.claims)
		if err != nil {
			b.Fatal(err)
		}
		hdr := jws.NewHeaders()
		if err := hdr.Set(jws.KeyIDKey, f.kid); err != nil {
			b.Fatal(err)
		}
		opt := jwxjwt.WithKey(jwa.SignatureAlgorithm(alg), f.priv, jws.WithProtectedHeaders(hdr))
		return func() (string, error) {
			out, err := jwxjwt.Sign(t, opt)
			return string(out), err
		}
	case "golang-jwt":
		var claims golangjwt.MapClaims
		if err := json.Unmarshal(f.claims, &claims); err != nil {
			b.Fatal(err)
		}
		t := golangjwt.NewWithClaims(golangjwt.GetSigningMethod(alg), claims)
		t.Header["kid"] = f.kid
		return func() (string, error) { return t.SignedString(f.priv) }
	case "go-jose":
		var claims map[string]any
		if err := json.Unmarshal(f.claims, &claims); err != nil {
			b.Fatal(err)
		}
		opts := (&gojose.SignerOptions{}).WithType("JWT").WithHeader("kid", f.kid)
		signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.SignatureAlgorithm(alg), Key: f.priv}, opts)
		if err != nil {
			b.Fatal(err)
		}
		return func() (string, error) { return josejwt.Signed(signer).Claims(claims).Serialize() }
	}
	b.Fatalf("unknown impl %q", impl)
	return nil
}

// stdlibSign returns the bare signature of f's algorithm with f's private
// key, as JWS encodes it (R‖S for ECDSA).
func stdlibSign(b *testing.B, f *fixture) func(input []byte) ([]byte, error) {
	switch priv := f.priv.(type) {
	case *rsa.PrivateKey:
		if f.spec.alg == "PS256" {
			opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
			return func(input []byte) ([]byte, error) {
				d := sha256.Sum256(input)
				return rsa.SignPSS(rand.Reader, priv, crypto.SHA256, d[:], opts)
			}
		}
		return func(input []byte) ([]byte, error) {
			d := sha256.Sum256(input)
			return rsa.SignPKCS1v15(nil, priv, crypto.SHA256, d[:])
		}
	case *ecdsa.PrivateKey:
		size := (priv.Curve.Params().BitSize + 7) / 8
		hash := func(in []byte) []byte { d := sha256.Sum256(in); return d[:] }
		if f.spec.alg == "ES384" {
			hash = func(in []byte) []byte { d := sha512.Sum384(in); return d[:] }
		}
		return func(input []byte) ([]byte, error) {
			r, s, err := ecdsa.Sign(rand.Reader, priv, hash(input))
			if err != nil {
				return nil, err
			}
			sig := make([]byte, 2*size)
			r.FillBytes(sig[:size])
			s.FillBytes(sig[size:])
			return sig, nil
		}
	case ed25519.PrivateKey:
		return func(input []byte) ([]byte, error) { return ed25519.Sign(priv, input), nil }
	}
	b.Fatalf("unexpected key type %T", f.priv)
	return nil
}

// BenchmarkInspect decodes the valid token without verifying it: core's
// Inspect (header, claims, dates, findings), the same in the module, and
// jwx's ParseInsecure (header and claims only) as a peer.
func BenchmarkInspect(b *testing.B) {
	ctx := context.Background()
	for _, spec := range algSpecs {
		for _, impl := range []string{"core", "wasm", "jwx"} {
			b.Run("alg="+spec.name+"/impl="+impl, func(b *testing.B) {
				f := fixtureFor(b, spec.name)
				var inspect func(string) (issuer string, err error)
				switch impl {
				case "core":
					inspect = func(tok string) (string, error) {
						in, err := core.Inspect(tok)
						if err != nil {
							return "", err
						}
						return in.Claims.Issuer, nil
					}
				case "wasm":
					rt := wasmRuntime(b)
					inspect = func(tok string) (string, error) {
						in, err := rt.Inspect(ctx, tok)
						if err != nil {
							return "", err
						}
						return in.Claims.Issuer, nil
					}
				case "jwx":
					inspect = func(tok string) (string, error) {
						t, err := jwxjwt.ParseInsecure([]byte(tok))
						if err != nil {
							return "", err
						}
						return t.Issuer(), nil
					}
				}
				// Inspecting verifies nothing: both tokens read the same.
				for _, tok := range []string{f.entry.Token, f.entry.BadToken} {
					if iss, err := inspect(tok); err != nil || iss != benchIssuer {
						b.Fatalf("%s inspects issuer %q, %v; want %q", impl, iss, err, benchIssuer)
					}
				}
				tok := f.entry.Token
				b.ReportAllocs()
				for b.Loop() {
					if _, err := inspect(tok); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// keyGenSpecs are the key types of BenchmarkKeyGen, named by the ALG they
// serve (PS256 uses the same RSA-2048 key as RS256, so it is left out).
var keyGenSpecs = []struct {
	name   string
	params core.KeyParams
}{
	{"RS256", core.KeyParams{Type: core.KeyTypeRSA, Bits: 2048}},
	{"RS256-4096", core.KeyParams{Type: core.KeyTypeRSA, Bits: 4096}},
	{"ES256", core.KeyParams{Type: core.KeyTypeEC, Curve: "P-256"}},
	{"ES384", core.KeyParams{Type: core.KeyTypeEC, Curve: "P-384"}},
	{"EdDSA", core.KeyParams{Type: core.KeyTypeOKP, Curve: "Ed25519"}},
}

// BenchmarkKeyGen makes one key per op: the standard library's
// GenerateKey, core.GenerateKey (which also validates the key and computes
// its thumbprint as its kid), and the module's keygen through
// host.Runtime.GenerateKey (which also writes the key and its public part
// as JWKs, and parses the public part on the host's side to describe it;
// not for RSA-4096). RSA times vary widely from op to op: finding primes
// is a random walk.
func BenchmarkKeyGen(b *testing.B) {
	ctx := context.Background()
	for _, spec := range keyGenSpecs {
		for _, impl := range []string{"stdlib", "core", "wasm"} {
			if impl == "wasm" && spec.params.Bits == 4096 {
				// Tens of seconds per key inside the module (finding
				// 2048-bit primes with math/big compiled to wasm): it
				// would be most of the suite's run time.
				continue
			}
			b.Run("alg="+spec.name+"/impl="+impl, func(b *testing.B) {
				p := spec.params
				var gen func() (desc string, err error)
				switch impl {
				case "stdlib":
					gen = stdlibKeyGen(b, p)
				case "core":
					gen = func() (string, error) {
						k, err := core.GenerateKey(p)
						if err != nil {
							return "", err
						}
						return describeKey(k.Type(), k.Bits(), k.Curve()), nil
					}
				case "wasm":
					rt := wasmRuntime(b)
					gen = func() (string, error) {
						g, err := rt.GenerateKey(ctx, p, core.FormatJWK)
						if err != nil {
							return "", err
						}
						return describeKey(g.Info.Type, g.Info.Bits, g.Info.Curve), nil
					}
				}
				desc, err := gen()
				if err != nil {
					b.Fatal(err)
				}
				if want := describeKey(p.Type, p.Bits, p.Curve); desc != want {
					b.Fatalf("%s made a %s key, want %s", impl, desc, want)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := gen(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// describeKey names a key's type and size, to check that each impl made
// the key asked for.
func describeKey(kty string, bits int, curve string) string {
	if kty == core.KeyTypeRSA {
		return kty + "-" + strconv.Itoa(bits)
	}
	return kty + "-" + curve
}

func stdlibKeyGen(b *testing.B, p core.KeyParams) func() (string, error) {
	switch p.Type {
	case core.KeyTypeRSA:
		return func() (string, error) {
			k, err := rsa.GenerateKey(rand.Reader, p.Bits)
			if err != nil {
				return "", err
			}
			return describeKey(core.KeyTypeRSA, k.N.BitLen(), ""), nil
		}
	case core.KeyTypeEC:
		curve := elliptic.P256()
		if p.Curve == "P-384" {
			curve = elliptic.P384()
		}
		return func() (string, error) {
			k, err := ecdsa.GenerateKey(curve, rand.Reader)
			if err != nil {
				return "", err
			}
			return describeKey(core.KeyTypeEC, 0, k.Curve.Params().Name), nil
		}
	case core.KeyTypeOKP:
		return func() (string, error) {
			_, _, err := ed25519.GenerateKey(rand.Reader)
			return describeKey(core.KeyTypeOKP, 0, "Ed25519"), err
		}
	}
	b.Fatalf("unexpected key type %q", p.Type)
	return nil
}
