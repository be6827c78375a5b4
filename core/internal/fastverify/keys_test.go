package fastverify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"os"
	"sync"
	"testing"
)

// RSA key generation is slow (seconds for 4096 bits natively, minutes in
// WebAssembly), so the test keys live in testdata/rsa_keys.pem.
// go test -run TestGenerateRSAKeys -genkeys rewrites the file.
var genKeys = flag.Bool("genkeys", false, "regenerate testdata/rsa_keys.pem")

const rsaKeysFile = "testdata/rsa_keys.pem"

// rsaKeySpecs are the test keys: the common sizes, sizes that are not a
// multiple of 64 or of 8 (2049 and 1025 make PSS's emLen one byte shorter
// than the modulus), and exponents other than 65537 (3, the smallest, and
// 2³¹−1, the largest crypto/rsa accepts).
var rsaKeySpecs = []struct{ bits, e int }{
	{1024, 65537},
	{1025, 3},
	{2048, 65537},
	{2048, 3},
	{2049, 65537},
	{2500, 65537},
	{3000, 1<<31 - 1},
	{3071, 65537},
	{3072, 65537},
	{4096, 65537},
	{8192, 65537},
}

func TestGenerateRSAKeys(t *testing.T) {
	if !*genKeys {
		t.Skip("run with -genkeys to regenerate " + rsaKeysFile)
	}
	f, err := os.Create(rsaKeysFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, spec := range rsaKeySpecs {
		priv := generateRSAKey(t, spec.bits, spec.e)
		block := &pem.Block{
			Type:    "RSA PRIVATE KEY",
			Headers: map[string]string{"Comment": fmt.Sprintf("%d bits, e = %d", spec.bits, spec.e)},
			Bytes:   x509.MarshalPKCS1PrivateKey(priv),
		}
		if err := pem.Encode(f, block); err != nil {
			t.Fatal(err)
		}
	}
}

// generateRSAKey makes a two-prime key with the given size and exponent;
// rsa.GenerateKey only makes e = 65537.
func generateRSAKey(t *testing.T, nbits, e int) *rsa.PrivateKey {
	if e == 65537 {
		priv, err := rsa.GenerateKey(rand.Reader, nbits)
		if err != nil {
			t.Fatal(err)
		}
		return priv
	}
	E := big.NewInt(int64(e))
	one := big.NewInt(1)
	for {
		p, err := rand.Prime(rand.Reader, nbits/2)
		if err != nil {
			t.Fatal(err)
		}
		q, err := rand.Prime(rand.Reader, nbits-nbits/2)
		if err != nil {
			t.Fatal(err)
		}
		n := new(big.Int).Mul(p, q)
		if p.Cmp(q) == 0 || n.BitLen() != nbits {
			continue
		}
		p1, q1 := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
		phi := new(big.Int).Mul(p1, q1)
		d := new(big.Int).ModInverse(E, phi)
		if d == nil {
			continue
		}
		priv := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: e}, D: d, Primes: []*big.Int{p, q}}
		priv.Precompute()
		if err := priv.Validate(); err != nil {
			continue
		}
		return priv
	}
}

// testRSAKeys returns the keys of testdata/rsa_keys.pem, in rsaKeySpecs
// order.
var testRSAKeys = sync.OnceValues(func() ([]*rsa.PrivateKey, error) {
	data, err := os.ReadFile(rsaKeysFile)
	if err != nil {
		return nil, err
	}
	var keys []*rsa.PrivateKey
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) != len(rsaKeySpecs) {
		return nil, fmt.Errorf("%s has %d keys, want %d: regenerate it with -genkeys", rsaKeysFile, len(keys), len(rsaKeySpecs))
	}
	for i, k := range keys {
		if k.N.BitLen() != rsaKeySpecs[i].bits || k.E != rsaKeySpecs[i].e {
			return nil, fmt.Errorf("%s key %d is %d bits, e = %d; want %v", rsaKeysFile, i, k.N.BitLen(), k.E, rsaKeySpecs[i])
		}
	}
	return keys, nil
})

func rsaKeys(t testing.TB) []*rsa.PrivateKey {
	t.Helper()
	keys, err := testRSAKeys()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// rsaKey returns the test key with the given size and exponent.
func rsaKey(t testing.TB, nbits, e int) *rsa.PrivateKey {
	t.Helper()
	for _, k := range rsaKeys(t) {
		if k.N.BitLen() == nbits && k.E == e {
			return k
		}
	}
	t.Fatalf("no %d-bit test key with e = %d", nbits, e)
	return nil
}

// testP256Keys are fixed P-256 keys, derived from their index, so that
// fuzz inputs can name one: the last two have public points G and −G
// (private keys 1 and n−1), which make u1·G and u2·Q meet in the
// additions.
var testP256Keys = sync.OnceValue(func() []*ecdsa.PrivateKey {
	var keys []*ecdsa.PrivateKey
	for i := range 6 {
		d := sha256.Sum256([]byte{byte(i)})
		keys = append(keys, p256KeyFromScalar(new(big.Int).SetBytes(d[:])))
	}
	n := elliptic.P256().Params().N
	keys = append(keys, p256KeyFromScalar(big.NewInt(1)))
	keys = append(keys, p256KeyFromScalar(new(big.Int).Sub(n, big.NewInt(1))))
	return keys
})

func p256KeyFromScalar(d *big.Int) *ecdsa.PrivateKey {
	var b [32]byte
	d.FillBytes(b[:])
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b[:])
	if err != nil {
		panic(err)
	}
	return k
}
