package fastverify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/jwtwasm/jwtwasm/core/internal/fastverify"
)

// Prepare the key once, then verify JWS-style R || S signatures.
func Example() {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	key, err := fastverify.NewP256PublicKey(&priv.PublicKey)
	if err != nil {
		panic(err)
	}

	digest := sha256.Sum256([]byte("eyJhbGciOiJFUzI1NiJ9.e30"))
	r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
	if err != nil {
		panic(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])

	fmt.Println(key.Verify(digest[:], sig[:32], sig[32:]))
	sig[63] ^= 1
	fmt.Println(key.Verify(digest[:], sig[:32], sig[32:]))
	// Output:
	// true
	// false
}

// Keys the package does not handle are refused with ErrUnsupportedKey;
// verify those with the standard library.
func ExampleNewP256PublicKey_fallback() {
	priv, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		panic(err)
	}
	digest := sha256.Sum256([]byte("payload"))
	r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
	if err != nil {
		panic(err)
	}

	var ok bool
	key, err := fastverify.NewP256PublicKey(&priv.PublicKey)
	switch {
	case errors.Is(err, fastverify.ErrUnsupportedKey):
		fmt.Println("fallback:", err)
		ok = ecdsa.Verify(&priv.PublicKey, digest[:], r, s)
	case err != nil:
		panic(err)
	default:
		ok = key.Verify(digest[:], r.Bytes(), s.Bytes())
	}
	fmt.Println(ok)
	// Output:
	// fallback: unsupported key: not a P-256 key
	// true
}
