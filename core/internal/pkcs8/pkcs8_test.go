package pkcs8

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	cryptorand "crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/big"
	mathrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"crypto/pbkdf2"
)

var testPassphrase = []byte("correct horse")

// testKeys returns freshly generated keys as PKCS #8 DER, generated once per
// test binary because RSA key generation is slow.
var testKeys = sync.OnceValues(func() (map[string][]byte, error) {
	rsaKey, err := rsa.GenerateKey(cryptorand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), cryptorand.Reader)
	if err != nil {
		return nil, err
	}
	_, edKey, err := ed25519.GenerateKey(cryptorand.Reader)
	if err != nil {
		return nil, err
	}
	keys := map[string][]byte{}
	for name, k := range map[string]any{"rsa2048": rsaKey, "p256": ecKey, "ed25519": edKey} {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return nil, err
		}
		keys[name] = der
	}
	return keys, nil
})

func mustKeys(t testing.TB) map[string][]byte {
	t.Helper()
	keys, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// detRand is a deterministic randomness source so failures are reproducible.
func detRand(seed byte) io.Reader {
	return mathrand.NewChaCha8([32]byte{seed})
}

func TestRoundTrip(t *testing.T) {
	for name, pki := range mustKeys(t) {
		t.Run(name, func(t *testing.T) {
			der, err := Encrypt(pki, testPassphrase, cryptorand.Reader, 1000)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decrypt(der, testPassphrase)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, pki) {
				t.Fatalf("Decrypt(Encrypt(k)) = %x, want %x", got, pki)
			}
			if _, err := x509.ParsePKCS8PrivateKey(got); err != nil {
				t.Fatalf("x509.ParsePKCS8PrivateKey: %v", err)
			}

			// Fresh salt and IV each time, so equal keys do not
			// produce equal files.
			der2, err := Encrypt(pki, testPassphrase, cryptorand.Reader, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(der, der2) {
				t.Fatal("two encryptions of the same key are identical")
			}
		})
	}
}

// Structures for decoding Encrypt's output independently of the package's
// own parser.
type testAlgID struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type testEncryptedPKI struct {
	Algorithm testAlgID
	Data      []byte
}

type testPBES2Params struct {
	KDF    testAlgID
	Scheme testAlgID
}

type testPBKDF2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int `asn1:"optional"`
	PRF        testAlgID
}

type decoded struct {
	top    testEncryptedPKI
	pbes2  testPBES2Params
	pbkdf2 testPBKDF2Params
	iv     []byte
}

func decodeEncrypted(t *testing.T, der []byte) decoded {
	t.Helper()
	var d decoded
	unmarshal := func(b []byte, v any) {
		t.Helper()
		rest, err := asn1.Unmarshal(b, v)
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) != 0 {
			t.Fatalf("trailing data after %T", v)
		}
	}
	unmarshal(der, &d.top)
	unmarshal(d.top.Algorithm.Parameters.FullBytes, &d.pbes2)
	unmarshal(d.pbes2.KDF.Parameters.FullBytes, &d.pbkdf2)
	unmarshal(d.pbes2.Scheme.Parameters.FullBytes, &d.iv)
	return d
}

func TestEncryptEncoding(t *testing.T) {
	pki := mustKeys(t)["p256"]
	der, err := Encrypt(pki, testPassphrase, detRand(1), 1234)
	if err != nil {
		t.Fatal(err)
	}
	d := decodeEncrypted(t, der)
	checks := []struct {
		what      string
		got, want any
	}{
		{"encryption algorithm", d.top.Algorithm.Algorithm.String(), "1.2.840.113549.1.5.13"},
		{"key derivation", d.pbes2.KDF.Algorithm.String(), "1.2.840.113549.1.5.12"},
		{"salt length", len(d.pbkdf2.Salt), 16},
		{"iterations", d.pbkdf2.Iterations, 1234},
		{"key length (0 = omitted)", d.pbkdf2.KeyLength, 0},
		{"prf", d.pbkdf2.PRF.Algorithm.String(), "1.2.840.113549.2.9"},
		{"prf parameters", d.pbkdf2.PRF.Parameters.Tag, asn1.TagNull},
		{"encryption scheme", d.pbes2.Scheme.Algorithm.String(), "2.16.840.1.101.3.4.1.42"},
		{"iv length", len(d.iv), 16},
		{"ciphertext length", len(d.top.Data), (len(pki)/16 + 1) * 16},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestEncryptDefaultIterations(t *testing.T) {
	pki := mustKeys(t)["ed25519"]
	der, err := Encrypt(pki, testPassphrase, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeEncrypted(t, der).pbkdf2.Iterations; got != DefaultIterations {
		t.Errorf("iterations = %d, want DefaultIterations (%d)", got, DefaultIterations)
	}
	got, err := Decrypt(der, testPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, pki) {
		t.Fatal("round trip mismatch")
	}
}

func TestEncryptErrors(t *testing.T) {
	pki := mustKeys(t)["p256"]
	version2 := seq(smallInt(2), seq(oid("1.3.101.112")), octets(octets(make([]byte, 32))))

	tests := []struct {
		name       string
		pki        []byte
		passphrase []byte
		rand       io.Reader
		iterations int
		want       error // nil means a non-sentinel error
		contains   string
	}{
		{"nil passphrase", pki, nil, nil, 1, nil, "passphrase is required"},
		{"empty passphrase", pki, []byte{}, nil, 1, nil, "passphrase is required"},
		{"negative iterations", pki, testPassphrase, nil, -1, nil, "negative iteration count"},
		{"too many iterations", pki, testPassphrase, nil, MaxIterations + 1, ErrTooManyIterations, ""},
		{"not der", []byte("not a key"), testPassphrase, nil, 1, ErrMalformed, ""},
		{"empty key", nil, testPassphrase, nil, 1, ErrMalformed, ""},
		{"trailing data", append(bytes.Clone(pki), 0), testPassphrase, nil, 1, ErrMalformed, ""},
		{"version 2", version2, testPassphrase, nil, 1, ErrMalformed, ""},
		{"rand fails", pki, testPassphrase, iotest.ErrReader(errors.New("no entropy")), 1, nil, "no entropy"},
		{"rand too short", pki, testPassphrase, bytes.NewReader(make([]byte, 20)), 1, nil, "reading iv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			der, err := Encrypt(tt.pki, tt.passphrase, tt.rand, tt.iterations)
			if err == nil {
				t.Fatalf("Encrypt succeeded: %x", der)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %q is not %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
		})
	}
}

func TestDecryptEmptyPassphrase(t *testing.T) {
	der, err := Encrypt(mustKeys(t)["p256"], testPassphrase, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][]byte{nil, {}} {
		_, err := Decrypt(der, p)
		if err == nil || !strings.Contains(err.Error(), "passphrase is required") {
			t.Errorf("Decrypt with %q passphrase: %v, want passphrase required", p, err)
		}
	}
}

func TestWrongPassphrase(t *testing.T) {
	pki := mustKeys(t)["p256"]
	// One iteration keeps hundreds of attempts fast; the count does not
	// affect how wrong passphrases are detected.
	der, err := Encrypt(pki, testPassphrase, detRand(2), 1)
	if err != nil {
		t.Fatal(err)
	}
	d := decodeEncrypted(t, der)
	// validPadding decrypts independently of the package, to tell which
	// wrong passphrases get past the padding check.
	validPadding := func(p []byte) bool {
		key, err := pbkdf2.Key(sha256.New, string(p), d.pbkdf2.Salt, 1, 32)
		if err != nil {
			t.Fatal(err)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			t.Fatal(err)
		}
		plain := make([]byte, len(d.top.Data))
		cipher.NewCBCDecrypter(block, d.iv).CryptBlocks(plain, d.top.Data)
		n := int(plain[len(plain)-1])
		return n >= 1 && n <= 16 && bytes.Equal(plain[len(plain)-n:], bytes.Repeat([]byte{byte(n)}, n))
	}

	r := mathrand.New(mathrand.NewChaCha8([32]byte{3}))
	passphrases := [][]byte{[]byte("correct horse "), []byte("Correct horse"), []byte("correct hors")}
	paddingAccidents := 0
	// At least 300 attempts, and more until a few of them have produced
	// valid padding, so the structure check is exercised with real
	// wrong-passphrase output.
	for i := 0; i < 300 || paddingAccidents < 3; i++ {
		p := make([]byte, 1+r.IntN(32))
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		if bytes.Equal(p, testPassphrase) {
			continue
		}
		if validPadding(p) {
			paddingAccidents++
		}
		passphrases = append(passphrases, p)
	}
	t.Logf("%d wrong passphrases, %d with valid padding", len(passphrases), paddingAccidents)
	for _, p := range passphrases {
		got, err := Decrypt(der, p)
		if !errors.Is(err, ErrIncorrectPassphrase) {
			t.Fatalf("Decrypt with passphrase %x = %x, %v; want ErrIncorrectPassphrase", p, got, err)
		}
		if got != nil {
			t.Fatal("Decrypt returned data along with an error")
		}
	}
}

// The rest of the tests build structures by hand, so they need a small DER
// encoder that can also produce the invalid encodings a parser must reject.

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

func seq(elems ...[]byte) []byte { return tlv(0x30, elems...) }
func octets(b []byte) []byte     { return tlv(0x04, b) }

func integer(n *big.Int) []byte {
	b, err := asn1.Marshal(n)
	if err != nil {
		panic(err)
	}
	return b
}

func smallInt(n int64) []byte { return integer(big.NewInt(n)) }

func oid(s string) []byte {
	var o asn1.ObjectIdentifier
	for _, part := range strings.Split(s, ".") {
		var n int
		if _, err := fmt.Sscan(part, &n); err != nil {
			panic(err)
		}
		o = append(o, n)
	}
	b, err := asn1.Marshal(o)
	if err != nil {
		panic(err)
	}
	return b
}

var null = []byte{0x05, 0x00}

const (
	pbes2OID   = "1.2.840.113549.1.5.13"
	pbkdf2OID  = "1.2.840.113549.1.5.12"
	scryptOID  = "1.3.6.1.4.1.11591.4.11"
	aes128OID  = "2.16.840.1.101.3.4.1.2"
	aes192OID  = "2.16.840.1.101.3.4.1.22"
	aes256OID  = "2.16.840.1.101.3.4.1.42"
	sha1PRF    = "1.2.840.113549.2.7"
	sha224PRF  = "1.2.840.113549.2.8"
	sha256PRF  = "1.2.840.113549.2.9"
	sha384PRF  = "1.2.840.113549.2.10"
	sha512PRF  = "1.2.840.113549.2.11"
	tdesCBCOID = "1.2.840.113549.3.7"
)

// spec is an EncryptedPrivateKeyInfo as a list of encoded parts; a nil part
// is left out of the encoding.
type spec struct {
	alg        []byte
	kdf        []byte
	salt       []byte
	iterations []byte
	keyLength  []byte
	prf        []byte
	scheme     []byte
	iv         []byte
	ciphertext []byte
	trailing   []byte
}

func (s spec) der() []byte {
	kdf := seq(s.kdf, seq(s.salt, s.iterations, s.keyLength, s.prf))
	scheme := seq(s.scheme, s.iv)
	return append(seq(seq(s.alg, seq(kdf, scheme)), s.ciphertext), s.trailing...)
}

// pkcs7 pads independently of the package's pad.
func pkcs7(b []byte) []byte {
	n := 16 - len(b)%16
	return append(bytes.Clone(b), bytes.Repeat([]byte{byte(n)}, n)...)
}

// seal encrypts an already padded plaintext with PBKDF2 and AES-CBC.
func seal(t testing.TB, h func() hash.Hash, keySize, iterations int, salt, iv, padded []byte) []byte {
	t.Helper()
	key, err := pbkdf2.Key(h, string(testPassphrase), salt, iterations, keySize)
	if err != nil {
		t.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, padded)
	return out
}

var (
	testSalt = []byte("saltsaltsaltsalt")
	testIV   = []byte("0123456789abcdef")
)

// validSpec encrypts padded with the test passphrase, 10 iterations,
// AES-256-CBC and an explicit HMAC-SHA256 PRF.
func validSpec(t testing.TB, padded []byte) spec {
	return spec{
		alg:        oid(pbes2OID),
		kdf:        oid(pbkdf2OID),
		salt:       octets(testSalt),
		iterations: smallInt(10),
		prf:        seq(oid(sha256PRF), null),
		scheme:     oid(aes256OID),
		iv:         octets(testIV),
		ciphertext: octets(seal(t, sha256.New, 32, 10, testSalt, testIV, padded)),
	}
}

func TestValidSpec(t *testing.T) {
	pki := mustKeys(t)["p256"]
	got, err := Decrypt(validSpec(t, pkcs7(pki)).der(), testPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, pki) {
		t.Fatal("round trip mismatch")
	}
}

func TestPRFsAndCiphers(t *testing.T) {
	pki := mustKeys(t)["ed25519"]
	prfs := []struct {
		name string
		prf  []byte
		h    func() hash.Hash
	}{
		{"default sha1", nil, sha1.New},
		{"sha1", seq(oid(sha1PRF), null), sha1.New},
		{"sha224", seq(oid(sha224PRF), null), sha256.New224},
		{"sha256", seq(oid(sha256PRF), null), sha256.New},
		{"sha256 without parameters", seq(oid(sha256PRF)), sha256.New},
		{"sha384", seq(oid(sha384PRF), null), sha512.New384},
		{"sha512", seq(oid(sha512PRF), null), sha512.New},
	}
	ciphers := []struct {
		name    string
		oid     string
		keySize int
	}{
		{"aes128", aes128OID, 16},
		{"aes192", aes192OID, 24},
		{"aes256", aes256OID, 32},
	}
	for _, p := range prfs {
		for _, c := range ciphers {
			for _, withKeyLength := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/keyLength=%v", p.name, c.name, withKeyLength), func(t *testing.T) {
					s := validSpec(t, pkcs7(pki))
					s.prf = p.prf
					s.scheme = oid(c.oid)
					s.ciphertext = octets(seal(t, p.h, c.keySize, 10, testSalt, testIV, pkcs7(pki)))
					if withKeyLength {
						s.keyLength = smallInt(int64(c.keySize))
					}
					got, err := Decrypt(s.der(), testPassphrase)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, pki) {
						t.Fatal("round trip mismatch")
					}
				})
			}
		}
	}
}

// TestPlaintextChecks covers, with the right passphrase, the plaintexts a
// wrong passphrase could produce, so that each branch is exercised
// deterministically rather than 1 time in 256.
func TestPlaintextChecks(t *testing.T) {
	pki := mustKeys(t)["p256"]
	oneAsymmetricKey := seq(smallInt(1), seq(oid("1.3.101.112")), octets(octets(make([]byte, 32))),
		tlv(0x81, append([]byte{0}, make([]byte, 32)...)))
	block := bytes.Repeat([]byte{0x10}, 16)
	ed25519Key := mustKeys(t)["ed25519"]
	if len(ed25519Key)%16 != 0 {
		t.Fatalf("Ed25519 PKCS #8 key is %d bytes, not whole blocks", len(ed25519Key))
	}
	tests := []struct {
		name    string
		padded  []byte
		wantErr error
		want    []byte
	}{
		{"valid", pkcs7(pki), nil, pki},
		{"version 1 with public key", pkcs7(oneAsymmetricKey), nil, oneAsymmetricKey},
		{"full block of padding", append(bytes.Clone(ed25519Key), block...), nil, ed25519Key}, // 48-byte key
		{"pad byte 0", append(bytes.Clone(pki), make([]byte, 16-len(pki)%16)...), ErrIncorrectPassphrase, nil},
		{"pad byte 17", append(pkcs7(pki)[:len(pkcs7(pki))-1:len(pkcs7(pki))-1], 17), ErrIncorrectPassphrase, nil},
		{"pad bytes differ", func() []byte {
			b := pkcs7(append(bytes.Clone(pki), 0))
			b[len(b)-2] ^= 1
			return b
		}(), ErrIncorrectPassphrase, nil},
		{"only padding", block, ErrIncorrectPassphrase, nil},
		{"random data", pkcs7(bytes.Repeat([]byte{0xA5}, 40)), ErrIncorrectPassphrase, nil},
		{"version 2", pkcs7(seq(smallInt(2), seq(oid("1.3.101.112")), octets(nil))), ErrIncorrectPassphrase, nil},
		{"version -1", pkcs7(seq(smallInt(-1), seq(oid("1.3.101.112")), octets(nil))), ErrIncorrectPassphrase, nil},
		{"two elements", pkcs7(seq(smallInt(0), seq(oid("1.3.101.112")))), ErrIncorrectPassphrase, nil},
		{"key not octet string", pkcs7(seq(smallInt(0), seq(oid("1.3.101.112")), null)), ErrIncorrectPassphrase, nil},
		{"algorithm not sequence", pkcs7(seq(smallInt(0), oid("1.3.101.112"), octets(nil))), ErrIncorrectPassphrase, nil},
		{"trailing data", pkcs7(append(bytes.Clone(pki), 0, 0)), ErrIncorrectPassphrase, nil},
		{"not a sequence", pkcs7(octets(pki)), ErrIncorrectPassphrase, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decrypt(validSpec(t, tt.padded).der(), testPassphrase)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Decrypt = %x, %v; want %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != nil && !bytes.Equal(got, tt.want) {
				t.Fatalf("Decrypt = %x, want %x", got, tt.want)
			}
		})
	}
}

func TestTooManyIterations(t *testing.T) {
	pki := mustKeys(t)["p256"]
	huge := new(big.Int).Lsh(big.NewInt(1), 100)
	for _, n := range []*big.Int{
		big.NewInt(MaxIterations + 1),
		big.NewInt(1<<31 - 1),
		big.NewInt(1 << 31),
		big.NewInt(1<<63 - 1),
		huge,
	} {
		s := validSpec(t, pkcs7(pki))
		s.iterations = integer(n)
		start := time.Now()
		_, err := Decrypt(s.der(), testPassphrase)
		if !errors.Is(err, ErrTooManyIterations) {
			t.Errorf("iterations %s: %v, want ErrTooManyIterations", n, err)
		}
		if !strings.Contains(fmt.Sprint(err), n.String()) {
			t.Errorf("iterations %s: error %q does not name the count", n, err)
		}
		// Deriving even MaxIterations takes seconds; rejection must
		// happen before any of it.
		if d := time.Since(start); d > time.Second {
			t.Errorf("iterations %s: rejected after %v", n, d)
		}
	}
}

// TestIterationLimitBoundary uses the internal limit so that the count at
// the limit can be tested without spending seconds in PBKDF2.
func TestIterationLimitBoundary(t *testing.T) {
	pki := mustKeys(t)["p256"]
	const limit = 1000
	for _, n := range []int{limit, limit + 1} {
		s := validSpec(t, pkcs7(pki))
		s.iterations = smallInt(int64(n))
		s.ciphertext = octets(seal(t, sha256.New, 32, n, testSalt, testIV, pkcs7(pki)))
		got, err := decrypt(s.der(), testPassphrase, limit)
		switch {
		case n <= limit && (err != nil || !bytes.Equal(got, pki)):
			t.Errorf("iterations %d at limit %d: %v", n, limit, err)
		case n > limit && !errors.Is(err, ErrTooManyIterations):
			t.Errorf("iterations %d over limit %d: %v, want ErrTooManyIterations", n, limit, err)
		}
	}
}

func TestMalformed(t *testing.T) {
	pki := mustKeys(t)["p256"]
	valid := validSpec(t, pkcs7(pki))
	validDER := valid.der()
	edit := func(f func(*spec)) []byte {
		s := valid
		f(&s)
		return s.der()
	}
	// Replaces the outer SEQUENCE's length with its long form, which DER
	// forbids for lengths that fit the short form.
	nonMinimalLength := func() []byte {
		inner := seq(seq(oid(pbes2OID)), octets(make([]byte, 16)))
		return append([]byte{0x30, 0x81, inner[1]}, inner[2:]...)
	}()

	tests := []struct {
		name     string
		der      []byte
		want     error
		contains string
	}{
		{"empty input", nil, ErrMalformed, ""},
		{"one byte", validDER[:1], ErrMalformed, ""},
		{"truncated by one", validDER[:len(validDER)-1], ErrMalformed, ""},
		{"truncated in half", validDER[:len(validDER)/2], ErrMalformed, ""},
		{"trailing garbage", append(bytes.Clone(validDER), 0xde, 0xad), ErrMalformed, "trailing"},
		{"trailing zero", append(bytes.Clone(validDER), 0), ErrMalformed, "trailing"},
		{"two structures", append(bytes.Clone(validDER), validDER...), ErrMalformed, "trailing"},
		{"not a sequence", octets(validDER), ErrMalformed, ""},
		{"indefinite length", append(append([]byte{0x30, 0x80}, validDER[2:]...), 0, 0), ErrMalformed, ""},
		{"non-minimal length", nonMinimalLength, ErrMalformed, ""},
		{"extra top-level element", seq(seq(valid.alg), octets(nil), null), ErrMalformed, ""},
		{"missing encrypted data", seq(seq(oid(pbes2OID), seq())), ErrMalformed, ""},
		{"constructed encrypted data", edit(func(s *spec) { s.ciphertext = tlv(0x24, s.ciphertext) }), ErrMalformed, ""},
		{"algorithm identifier with three elements", seq(seq(oid(pbes2OID), null, null), octets(make([]byte, 16))), ErrMalformed, ""},
		{"algorithm not an oid", edit(func(s *spec) { s.alg = smallInt(1) }), ErrMalformed, ""},
		{"pbes1", edit(func(s *spec) { s.alg = oid("1.2.840.113549.1.5.10") }), ErrUnsupported, "1.2.840.113549.1.5.10"},
		{"pkcs12 pbe", edit(func(s *spec) { s.alg = oid("1.2.840.113549.1.12.1.3") }), ErrUnsupported, "1.2.840.113549.1.12.1.3"},
		{"pbes2 parameters missing", seq(seq(oid(pbes2OID)), octets(make([]byte, 16))), ErrMalformed, "pbes2 parameters missing"},
		{"pbes2 parameters null", seq(seq(oid(pbes2OID), null), octets(make([]byte, 16))), ErrMalformed, ""},
		{"pbes2 parameters with one element", seq(seq(oid(pbes2OID), seq(seq(oid(pbkdf2OID)))), octets(make([]byte, 16))), ErrMalformed, ""},
		{"scrypt", edit(func(s *spec) { s.kdf = oid(scryptOID) }), ErrUnsupported, "key derivation " + scryptOID},
		{"kdf not an oid", edit(func(s *spec) { s.kdf = null }), ErrMalformed, ""},
		{"pbkdf2 parameters missing", seq(seq(oid(pbes2OID), seq(seq(oid(pbkdf2OID)), seq(oid(aes256OID), octets(testIV)))), octets(make([]byte, 16))), ErrMalformed, "pbkdf2 parameters missing"},
		{"3des", edit(func(s *spec) { s.scheme = oid(tdesCBCOID) }), ErrUnsupported, "encryption scheme " + tdesCBCOID},
		{"aes256 gcm", edit(func(s *spec) { s.scheme = oid("2.16.840.1.101.3.4.1.46") }), ErrUnsupported, "2.16.840.1.101.3.4.1.46"},
		{"iv missing", edit(func(s *spec) { s.iv = nil }), ErrMalformed, "iv missing"},
		{"iv 8 bytes", edit(func(s *spec) { s.iv = octets(testIV[:8]) }), ErrMalformed, "iv is 8 bytes"},
		{"iv empty", edit(func(s *spec) { s.iv = octets(nil) }), ErrMalformed, "iv is 0 bytes"},
		{"iv 17 bytes", edit(func(s *spec) { s.iv = octets(append(bytes.Clone(testIV), 0)) }), ErrMalformed, "iv is 17 bytes"},
		{"iv not octet string", edit(func(s *spec) { s.iv = smallInt(1) }), ErrMalformed, ""},
		{"ciphertext not block aligned", edit(func(s *spec) {
			c := seal(t, sha256.New, 32, 10, testSalt, testIV, pkcs7(pki))
			s.ciphertext = octets(c[:len(c)-1])
		}), ErrMalformed, "block size"},
		{"ciphertext empty", edit(func(s *spec) { s.ciphertext = octets(nil) }), ErrMalformed, "block size"},
		{"salt empty", edit(func(s *spec) { s.salt = octets(nil) }), ErrMalformed, "salt is empty"},
		{"salt other source", edit(func(s *spec) { s.salt = seq(oid("1.2.3.4")) }), ErrUnsupported, "salt source"},
		{"salt integer", edit(func(s *spec) { s.salt = smallInt(5) }), ErrMalformed, ""},
		{"iterations missing", edit(func(s *spec) { s.iterations = nil; s.prf = nil }), ErrMalformed, ""},
		{"iterations zero", edit(func(s *spec) { s.iterations = smallInt(0) }), ErrMalformed, "not positive"},
		{"iterations negative", edit(func(s *spec) { s.iterations = smallInt(-2048) }), ErrMalformed, "not positive"},
		{"iterations non-minimal", edit(func(s *spec) { s.iterations = []byte{0x02, 0x02, 0x00, 0x0a} }), ErrMalformed, ""},
		{"iterations empty integer", edit(func(s *spec) { s.iterations = []byte{0x02, 0x00} }), ErrMalformed, ""},
		{"iterations octet string", edit(func(s *spec) { s.iterations = octets([]byte{10}) }), ErrMalformed, ""},
		{"key length mismatch", edit(func(s *spec) { s.keyLength = smallInt(16) }), ErrMalformed, "key length"},
		{"key length zero", edit(func(s *spec) { s.keyLength = smallInt(0) }), ErrMalformed, "key length"},
		{"key length huge", edit(func(s *spec) { s.keyLength = integer(new(big.Int).Lsh(big.NewInt(1), 70)) }), ErrMalformed, "key length"},
		{"unknown prf", edit(func(s *spec) { s.prf = seq(oid("1.2.840.113549.2.13"), null) }), ErrUnsupported, "pseudo-random function 1.2.840.113549.2.13"},
		{"prf parameters not null", edit(func(s *spec) { s.prf = seq(oid(sha256PRF), smallInt(0)) }), ErrMalformed, "not NULL"},
		{"prf not a sequence", edit(func(s *spec) { s.prf = oid(sha256PRF) }), ErrMalformed, ""},
		{"extra pbkdf2 element", edit(func(s *spec) { s.prf = append(bytes.Clone(s.prf), null...) }), ErrMalformed, "trailing elements"},
		{"two key lengths", edit(func(s *spec) { s.keyLength = append(smallInt(32), smallInt(32)...) }), ErrMalformed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decrypt(tt.der, testPassphrase)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decrypt = %x, %v; want %v", got, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
			if got != nil {
				t.Errorf("Decrypt returned data along with an error")
			}
		})
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOpenSSLFixtures decrypts keys encrypted by OpenSSL 3 (see
// testdata/generate.sh).
func TestOpenSSLFixtures(t *testing.T) {
	tests := []struct{ encrypted, plain string }{
		{"p256.aes-256-cbc-hmacWithSHA256.der", "p256.plain.der"},
		{"p256.aes-128-cbc-hmacWithSHA1.der", "p256.plain.der"},
		{"rsa2048.aes-192-cbc-hmacWithSHA512.der", "rsa2048.plain.der"},
		{"rsa2048.aes-256-cbc-hmacWithSHA384.der", "rsa2048.plain.der"},
		{"ed25519.aes-256-cbc-hmacWithSHA256.der", "ed25519.plain.der"},
		{"ed25519.aes-128-cbc-hmacWithSHA224.der", "ed25519.plain.der"},
	}
	for _, tt := range tests {
		t.Run(tt.encrypted, func(t *testing.T) {
			der := readTestdata(t, tt.encrypted)
			want := readTestdata(t, tt.plain)
			got, err := Decrypt(der, testPassphrase)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Decrypt = %x, want %x", got, want)
			}
			if _, err := x509.ParsePKCS8PrivateKey(got); err != nil {
				t.Fatalf("x509.ParsePKCS8PrivateKey: %v", err)
			}
			if _, err := Decrypt(der, []byte("incorrect horse")); !errors.Is(err, ErrIncorrectPassphrase) {
				t.Fatalf("wrong passphrase: %v, want ErrIncorrectPassphrase", err)
			}
		})
	}
}

func TestOpenSSLScrypt(t *testing.T) {
	_, err := Decrypt(readTestdata(t, "p256.scrypt.der"), testPassphrase)
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Decrypt = %v, want ErrUnsupported", err)
	}
	if !strings.Contains(err.Error(), scryptOID) {
		t.Errorf("error %q does not name scrypt's OID %s", err, scryptOID)
	}
}

// TestOpenSSLDecryptsOurs checks the other direction: OpenSSL reads what
// Encrypt writes.
func TestOpenSSLDecryptsOurs(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("openssl not on PATH: scripts/test.sh installs it; CI must not skip this interop test")
		}
		t.Skip("openssl not on PATH (scripts/test.sh installs it)")
	}
	for name, pki := range mustKeys(t) {
		t.Run(name, func(t *testing.T) {
			der, err := Encrypt(pki, testPassphrase, nil, 1000)
			if err != nil {
				t.Fatal(err)
			}
			// PEM output, because OpenSSL 3 writes RSA and EC keys
			// in their traditional forms when asked for DER.
			cmd := exec.Command(openssl, "pkcs8", "-inform", "DER", "-outform", "PEM",
				"-passin", "pass:"+string(testPassphrase))
			cmd.Stdin = bytes.NewReader(der)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("openssl: %v\n%s", err, stderr.Bytes())
			}
			block, _ := pem.Decode(out)
			if block == nil || block.Type != "PRIVATE KEY" {
				t.Fatalf("openssl did not output a PKCS #8 PEM block:\n%s", out)
			}
			// OpenSSL re-encodes the key, so compare keys, not bytes.
			want, err := x509.ParsePKCS8PrivateKey(pki)
			if err != nil {
				t.Fatal(err)
			}
			got, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				t.Fatalf("parsing openssl output: %v", err)
			}
			if !want.(interface{ Equal(crypto.PrivateKey) bool }).Equal(got) {
				t.Fatal("openssl decrypted a different key")
			}
		})
	}
}
