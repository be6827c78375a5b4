package core

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"runtime"
	"sync"

	"github.com/jwtwasm/jwtwasm/core/internal/fastverify"
)

// The signature code a [Verifier] uses for RSA (RS*, PS*) and ES256,
// chosen with [WithCrypto]. Both give the same verdict on every input;
// the differential tests and fuzz targets of core/internal/fastverify hold
// them to it. Other algorithms always use the standard library.
const (
	// CryptoAuto is CryptoFast in WebAssembly. Elsewhere it is CryptoFast
	// for RSA keys over 2048 bits, and the standard library for the rest:
	// measured in one run (2 cores, Go 1.26), fastverify took 134 µs for
	// an RS256 verification with a 4096-bit key against crypto/rsa's
	// 270 µs (which rebuilds the modulus's constants on every call, and
	// allocates 61 KB), but 38 µs against 31 µs with a 2048-bit key, where
	// crypto/rsa's assembly wins; crypto/ecdsa's assembly is about three
	// times as fast as fastverify's P-256.
	CryptoAuto = ""
	// CryptoFast is core's own verify-only RSA and P-256 code. Inside
	// WebAssembly, where the standard library loses its assembly, it
	// verifies RS256 in about half the time and ES256 in about a third.
	CryptoFast = "fast"
	// CryptoStdlib is crypto/rsa and crypto/ecdsa.
	CryptoStdlib = "stdlib"
)

// WithCrypto chooses the signature code (CryptoAuto, CryptoFast or
// CryptoStdlib). NewVerifier refuses any other value.
func WithCrypto(c string) VerifierOption {
	return func(o *verifierOptions) { o.crypto = c }
}

// fastPaths says which algorithms the fast path verifies.
type fastPaths uint8

const (
	fastRSA      fastPaths = 1 << iota // RS*, PS*
	fastP256                           // ES256
	fastLargeRSA                       // RS*, PS* with keys over 2048 bits
)

// useFast resolves a crypto choice; ok is false for an unknown one.
func useFast(c string) (fast fastPaths, ok bool) {
	switch c {
	case CryptoAuto:
		if runtime.GOARCH == "wasm" {
			return fastRSA | fastP256, true
		}
		return fastLargeRSA, true
	case CryptoFast:
		return fastRSA | fastP256, true
	case CryptoStdlib:
		return 0, true
	}
	return 0, false
}

// fastKey is a key prepared for the fast path, once, on first use: most
// keys in a JWKS are never used, and the RSA preparation costs a modular
// reduction.
type fastKey struct {
	once sync.Once
	rsa  *fastverify.RSAPublicKey
	p256 *fastverify.P256PublicKey
}

// fastFor returns k's prepared fast-path key, or nil where the fast path
// does not apply, in which case the standard library verifies.
func (k *Key) fastFor() *fastKey {
	f := k.fast
	if f == nil {
		return nil
	}
	f.once.Do(func() {
		switch pub := k.pub.(type) {
		case *rsa.PublicKey:
			f.rsa, _ = fastverify.NewRSAPublicKey(pub)
		case *ecdsa.PublicKey:
			if pub.Curve == elliptic.P256() {
				f.p256, _ = fastverify.NewP256PublicKey(pub)
			}
		}
	})
	return f
}
