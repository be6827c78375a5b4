package pubder

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// supported reports whether core takes a key crypto/x509 returned, which
// is when ParsePKIX must return it too.
func supported(key any) bool {
	switch k := key.(type) {
	case *rsa.PublicKey, ed25519.PublicKey:
		return true
	case *ecdsa.PublicKey:
		return k.Curve == elliptic.P256() || k.Curve == elliptic.P384() || k.Curve == elliptic.P521()
	}
	return false
}

func sameKey(a, b any) bool {
	switch a := a.(type) {
	case *rsa.PublicKey:
		b, ok := b.(*rsa.PublicKey)
		return ok && a.N.Cmp(b.N) == 0 && a.E == b.E
	case *ecdsa.PublicKey:
		b, ok := b.(*ecdsa.PublicKey)
		return ok && a.Equal(b)
	case ed25519.PublicKey:
		b, ok := b.(ed25519.PublicKey)
		return ok && bytes.Equal(a, b)
	}
	return false
}

// agreePKIX fails t unless ParsePKIX and x509.ParsePKIXPublicKey agree on
// der: the same key, or both an error (x509's keys of other types count as
// errors).
func agreePKIX(t testing.TB, der []byte) {
	t.Helper()
	want, werr := x509.ParsePKIXPublicKey(der)
	got, gerr := ParsePKIX(der)
	switch ok := werr == nil && supported(want); {
	case ok && gerr != nil:
		t.Fatalf("ParsePKIX(%x): %v; crypto/x509 reads a %T", der, gerr, want)
	case !ok && gerr == nil:
		t.Fatalf("ParsePKIX(%x) = %T; crypto/x509 refuses it (%v, %T)", der, got, werr, want)
	case ok && !sameKey(want, got):
		t.Fatalf("ParsePKIX(%x) = %v, crypto/x509 %v", der, got, want)
	}
}

func agreePKCS1(t testing.TB, der []byte) {
	t.Helper()
	want, werr := x509.ParsePKCS1PublicKey(der)
	got, gerr := ParsePKCS1(der)
	switch {
	case werr == nil && gerr != nil:
		t.Fatalf("ParsePKCS1(%x): %v; crypto/x509 reads it", der, gerr)
	case werr != nil && gerr == nil:
		t.Fatalf("ParsePKCS1(%x) = %v; crypto/x509 refuses it (%v)", der, got, werr)
	case werr == nil && !sameKey(want, got):
		t.Fatalf("ParsePKCS1(%x) = %v, crypto/x509 %v", der, got, want)
	}
}

// fixtureKeys returns the public keys of core's PEM fixtures.
func fixtureKeys(t testing.TB) []any {
	t.Helper()
	files, err := filepath.Glob("../../testdata/keys/*.pem")
	if err != nil || len(files) == 0 {
		t.Fatalf("no PEM fixtures in core/testdata/keys (%v)", err)
	}
	var keys []any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		block, _ := pem.Decode(data)
		priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		keys = append(keys, priv.(crypto.Signer).Public())
	}
	return keys
}

// seeds returns SPKI and PKCS #1 encodings of the fixtures' keys and of
// keys core refuses, and hand-made encodings at the edges where
// encoding/asn1, cryptobyte and crypto/x509 decide.
func seeds(t testing.TB) (spki, pkcs1 [][]byte) {
	t.Helper()
	var rsaKey []byte
	for _, k := range fixtureKeys(t) {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		spki = append(spki, der)
		if r, ok := k.(*rsa.PublicKey); ok {
			pkcs1 = append(pkcs1, x509.MarshalPKCS1PublicKey(r))
			rsaKey = der
		}
	}
	p224, err := ecdsa.GenerateKey(elliptic.P224(), zeroReader{})
	if err != nil {
		t.Fatal(err)
	}
	x25519, err := ecdh.X25519().NewPrivateKey(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []any{&p224.PublicKey, x25519.PublicKey()} {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		spki = append(spki, der)
	}
	algRSA := []byte{0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00}
	seq := func(b ...[]byte) []byte { return tlv(0x30, b...) }
	bits := func(pad byte, b []byte) []byte { return tlv(0x03, []byte{pad}, b) }
	rsaSPKI := func(alg, key []byte, pad byte) []byte { return seq(alg, bits(pad, key)) }
	small := seq(tlv(0x02, []byte{0x00, 0xc5}), tlv(0x02, []byte{0x01, 0x00, 0x01}))
	spki = append(spki,
		append(bytes.Clone(rsaKey), 0),          // trailing data
		rsaSPKI(algRSA, small, 0),               // a small but well-formed key
		rsaSPKI(algRSA, append(small, 0, 0), 0), // bytes after the key in the BIT STRING
		rsaSPKI(algRSA, seq(tlv(0x02, []byte{0x00, 0xc5}), tlv(0x02, []byte{0x01, 0x00, 0x01}), tlv(0x05)), 0), // an element after e
		rsaSPKI(seq(oidRSA, derNull, tlv(0x05)), small, 0),                                                     // an element after the parameters
		rsaSPKI(seq(oidRSA), small, 0),                                                                         // no parameters
		rsaSPKI(algRSA, small, 1),                                                                              // padding bits
		rsaSPKI(algRSA, seq(tlv(0x02, []byte{0x00, 0x45}), tlv(0x02, []byte{0x03})), 0),                        // non-minimal modulus
		rsaSPKI(algRSA, seq(tlv(0x02, []byte{0xc5}), tlv(0x02, []byte{0x03})), 0),                              // negative modulus
		rsaSPKI(algRSA, seq(tlv(0x02, []byte{0x45}), tlv(0x02, bytes.Repeat([]byte{0x7f}, 9))), 0),             // exponent over 64 bits
		rsaSPKI(algRSA, seq(tlv(0x02, []byte{0x45}), tlv(0x02, bytes.Repeat([]byte{0x7f}, 8))), 0),             // exponent of 64 bits
		seq(algRSA, bits(0, small), tlv(0x05)),                                                                 // an element after the key
		append([]byte{0x30, 0x81, 0x0f}, rsaSPKI(algRSA, small, 0)[2:]...),                                     // a long-form length
		seq(seq(oidEd25519), bits(0, make([]byte, 32))),                                                        // Ed25519
		seq(seq(oidEd25519), bits(3, append(make([]byte, 31), 0x08))),                                          // Ed25519 with padding bits
		seq(seq(oidEd25519, derNull), bits(0, make([]byte, 32))),                                               // Ed25519 with parameters
		seq(seq(oidEC, oidP256), bits(0, append([]byte{2}, make([]byte, 32)...))),                              // a compressed point
		nil, []byte{0x30}, []byte{0x30, 0x80}, []byte{0x30, 0x00},
	)
	pkcs1 = append(pkcs1, small,
		append(bytes.Clone(small), 0),
		seq(tlv(0x02, []byte{0x00, 0xc5}), tlv(0x02, []byte{0x01, 0x00, 0x01}), tlv(0x05)),
		seq(tlv(0x02, []byte{0x45}), tlv(0x02, []byte{0x7f, 0xff, 0xff, 0xff})),
		seq(tlv(0x02, []byte{0x45}), tlv(0x02, []byte{0x00, 0x80, 0x00, 0x00, 0x00})),
		seq(tlv(0x02, []byte{0x45})),
		rsaSPKI(algRSA, small, 0),
		nil, []byte{0x30, 0x00},
	)
	return spki, pkcs1
}

func tlv(tag byte, contents ...[]byte) []byte {
	body := bytes.Join(contents, nil)
	out := []byte{tag}
	switch n := len(body); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, body...)
}

// zeroReader makes key generation deterministic; the key's strength is
// beside the point here.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 1
	}
	return len(p), nil
}

func TestAgainstX509(t *testing.T) {
	t.Parallel()
	spki, pkcs1 := seeds(t)
	for _, der := range spki {
		agreePKIX(t, der)
	}
	for _, der := range pkcs1 {
		agreePKCS1(t, der)
	}
}

// TestWycheproofKeys holds ParsePKIX and ParsePKCS1 to crypto/x509 on
// every public key of Wycheproof's RSA, ECDSA and Ed25519 vectors.
func TestWycheproofKeys(t *testing.T) {
	t.Parallel()
	dir := testkit.WycheproofDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*_test.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spki, pkcs1 int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			TestGroups []struct {
				PublicKeyDer string `json:"publicKeyDer"`
				PublicKeyAsn string `json:"publicKeyAsn"`
			} `json:"testGroups"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range doc.TestGroups {
			if g.PublicKeyDer != "" {
				agreePKIX(t, mustHex(t, g.PublicKeyDer))
				spki++
			}
			if g.PublicKeyAsn != "" && g.PublicKeyAsn != g.PublicKeyDer {
				agreePKCS1(t, mustHex(t, g.PublicKeyAsn))
				pkcs1++
			}
		}
	}
	if spki < 500 || pkcs1 < 100 {
		t.Fatalf("only %d SPKI and %d PKCS #1 keys in %s: the corpus is not the one expected", spki, pkcs1, dir)
	}
	t.Logf("%d SPKI and %d PKCS #1 keys agree with crypto/x509", spki, pkcs1)
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzAgainstX509(f *testing.F) {
	spki, pkcs1 := seeds(f)
	if len(spki) == 0 || len(pkcs1) == 0 {
		f.Fatal("no seeds")
	}
	for _, der := range spki {
		f.Add(der, false)
	}
	for _, der := range pkcs1 {
		f.Add(der, true)
	}
	f.Fuzz(func(t *testing.T, der []byte, isPKCS1 bool) {
		if isPKCS1 {
			agreePKCS1(t, der)
		} else {
			agreePKIX(t, der)
		}
	})
}
