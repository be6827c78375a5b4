package fastverify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"testing"
)

// The benchmarks compare this package (impl=fast) with the standard
// library (impl=stdlib) on one valid signature each; key preparation is
// outside the timed loop. Run them in WebAssembly with scripts/wasmexec.sh
// (see its header).

func benchRSA(b *testing.B, nbits int, sc scheme) {
	priv := rsaKey(b, nbits, 65537)
	pub := &priv.PublicKey
	hashed := sha256.Sum256([]byte("benchmark"))
	var sig []byte
	var err error
	if sc == pss {
		sig, err = rsa.SignPSS(rand.Reader, priv, crypto.SHA256, hashed[:], pssOpts)
	} else {
		sig, err = rsa.SignPKCS1v15(nil, priv, crypto.SHA256, hashed[:])
	}
	if err != nil {
		b.Fatal(err)
	}
	fk, err := NewRSAPublicKey(pub)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if sc == pss {
				err = fk.VerifyPSS(crypto.SHA256, hashed[:], sig)
			} else {
				err = fk.VerifyPKCS1v15(crypto.SHA256, hashed[:], sig)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if sc == pss {
				err = rsa.VerifyPSS(pub, crypto.SHA256, hashed[:], sig, pssOpts)
			} else {
				err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, hashed[:], sig)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRSA2048PKCS1v15(b *testing.B) { benchRSA(b, 2048, pkcs1v15) }
func BenchmarkRSA2048PSS(b *testing.B)      { benchRSA(b, 2048, pss) }
func BenchmarkRSA4096PKCS1v15(b *testing.B) { benchRSA(b, 4096, pkcs1v15) }

func BenchmarkP256(b *testing.B) {
	priv := testP256Keys()[0]
	pub := &priv.PublicKey
	hashed := sha256.Sum256([]byte("benchmark"))
	rb, sb := signP256(priv, hashed[:], nil)
	fk, err := NewP256PublicKey(pub)
	if err != nil {
		b.Fatal(err)
	}
	gTable() // built once per process, not per verification
	b.Run("impl=fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !fk.Verify(hashed[:], rb, sb) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("impl=stdlib", func(b *testing.B) {
		b.ReportAllocs()
		r, s := new(big.Int).SetBytes(rb), new(big.Int).SetBytes(sb)
		for b.Loop() {
			if !ecdsa.Verify(pub, hashed[:], r, s) {
				b.Fatal("does not verify")
			}
		}
	})
}

// BenchmarkNewKey measures key preparation, which callers do once per key.
func BenchmarkNewKey(b *testing.B) {
	rsaPub := &rsaKey(b, 2048, 65537).PublicKey
	p256Pub := &testP256Keys()[0].PublicKey
	b.Run("alg=RSA2048", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := NewRSAPublicKey(rsaPub); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("alg=P256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := NewP256PublicKey(p256Pub); err != nil {
				b.Fatal(err)
			}
		}
	})
}
