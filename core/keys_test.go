package core

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		params  KeyParams
		kty     string
		bits    int
		curve   string
		defAlg  string
		private bool
	}{
		{KeyParams{Type: KeyTypeRSA}, KeyTypeRSA, 2048, "", "RS256", true},
		{KeyParams{Type: KeyTypeRSA, Bits: 2048}, KeyTypeRSA, 2048, "", "RS256", true},
		{KeyParams{Type: KeyTypeRSA, Bits: 3072}, KeyTypeRSA, 3072, "", "RS256", true},
		{KeyParams{Type: KeyTypeRSA, Bits: 4096}, KeyTypeRSA, 4096, "", "RS256", true}, // slow: the only 4096-bit key
		{KeyParams{Type: KeyTypeEC}, KeyTypeEC, 256, "P-256", "ES256", true},
		{KeyParams{Type: KeyTypeEC, Curve: "P-256"}, KeyTypeEC, 256, "P-256", "ES256", true},
		{KeyParams{Type: KeyTypeEC, Curve: "P-384"}, KeyTypeEC, 384, "P-384", "ES384", true},
		{KeyParams{Type: KeyTypeEC, Curve: "P-521"}, KeyTypeEC, 521, "P-521", "ES512", true},
		{KeyParams{Type: KeyTypeOKP}, KeyTypeOKP, 256, "Ed25519", "EdDSA", true},
		{KeyParams{Type: KeyTypeOKP, Curve: "Ed25519"}, KeyTypeOKP, 256, "Ed25519", "EdDSA", true},
		{KeyParams{Type: KeyTypeOct}, KeyTypeOct, 256, "", "HS256", true},
		{KeyParams{Type: KeyTypeOct, Bits: 384}, KeyTypeOct, 384, "", "HS256", true},
		{KeyParams{Type: KeyTypeOct, Bits: 512}, KeyTypeOct, 512, "", "HS256", true},
	}
	for _, tt := range tests {
		t.Run(tt.params.Type+"/"+tt.params.Curve+"/"+itoa(tt.params.Bits), func(t *testing.T) {
			t.Parallel()
			k, err := GenerateKey(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if k.Type() != tt.kty || k.Bits() != tt.bits || k.Curve() != tt.curve || k.DefaultAlgorithm() != tt.defAlg {
				t.Errorf("got %s %d %q %s, want %s %d %q %s", k.Type(), k.Bits(), k.Curve(), k.DefaultAlgorithm(), tt.kty, tt.bits, tt.curve, tt.defAlg)
			}
			if k.IsPrivate() != tt.private {
				t.Errorf("IsPrivate = %v", k.IsPrivate())
			}
			if k.Type() == KeyTypeOct {
				// A secret's thumbprint is a hash of the secret: its kid is
				// random instead (16 bytes, base64url).
				if k.KeyID() == k.Thumbprint() || len(k.KeyID()) != 22 {
					t.Errorf("secret kid %q, want a random 22-character ID, not the thumbprint", k.KeyID())
				}
			} else if k.KeyID() != k.Thumbprint() || len(k.KeyID()) != 43 {
				t.Errorf("kid %q, want the 43-character thumbprint %q", k.KeyID(), k.Thumbprint())
			}
			if k.Algorithm() != "" || k.Use() != "" || k.KeyOps() != nil {
				t.Errorf("fresh key has metadata: alg %q use %q ops %q", k.Algorithm(), k.Use(), k.KeyOps())
			}
			if k.IsWeak() != "" {
				t.Errorf("fresh key is weak: %s", k.IsWeak())
			}
			// The key signs, and its public part (or the secret) verifies.
			set := mustSet(t, k)
			if p := set.Public(); p.Len() > 0 {
				set = p
			}
			v := mustVerifier(t, set, Policy{Algorithms: []string{k.DefaultAlgorithm()}}, WithClock(at(testNow)))
			if _, err := v.Verify(mustSign(t, k, validClaims(t))); err != nil {
				t.Fatalf("round trip: %v", err)
			}
		})
	}
	// Two keys are never the same.
	a, _ := GenerateKey(KeyParams{Type: KeyTypeOKP})
	b, _ := GenerateKey(KeyParams{Type: KeyTypeOKP})
	if a.Equal(b) || a.KeyID() == b.KeyID() {
		t.Error("two generated keys are equal")
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

func TestGenerateKeyInvalid(t *testing.T) {
	t.Parallel()
	for _, p := range []KeyParams{
		{},
		{Type: "rsa"},
		{Type: "DSA"},
		{Type: KeyTypeRSA, Bits: 1024},
		{Type: KeyTypeRSA, Bits: 2047},
		{Type: KeyTypeRSA, Bits: 8192},
		{Type: KeyTypeEC, Curve: "P-224"},
		{Type: KeyTypeEC, Curve: "secp256k1"},
		{Type: KeyTypeEC, Curve: "p-256"},
		{Type: KeyTypeOKP, Curve: "X25519"},
		{Type: KeyTypeOKP, Curve: "Ed448"},
		{Type: KeyTypeOct, Bits: 128},
		{Type: KeyTypeOct, Bits: 257},
		{Type: KeyTypeOct, Bits: -256},
	} {
		k, err := GenerateKey(p)
		if k != nil {
			t.Errorf("GenerateKey(%+v) returned a key", p)
		}
		if CodeOf(err) != CodeInvalidArgument {
			t.Errorf("GenerateKey(%+v): %v, want invalid_argument", p, err)
		}
	}
}

func TestKeyParamsFor(t *testing.T) {
	t.Parallel()
	want := map[string]KeyParams{
		"RS256": {Type: KeyTypeRSA, Bits: 2048}, "PS512": {Type: KeyTypeRSA, Bits: 2048},
		"ES256": {Type: KeyTypeEC, Curve: "P-256"}, "ES384": {Type: KeyTypeEC, Curve: "P-384"}, "ES512": {Type: KeyTypeEC, Curve: "P-521"},
		"EdDSA": {Type: KeyTypeOKP, Curve: "Ed25519"},
		"HS256": {Type: KeyTypeOct, Bits: 256}, "HS384": {Type: KeyTypeOct, Bits: 384}, "HS512": {Type: KeyTypeOct, Bits: 512},
	}
	for alg, w := range want {
		p, err := KeyParamsFor(alg)
		if err != nil || p != w {
			t.Errorf("KeyParamsFor(%s) = %+v, %v; want %+v", alg, p, err, w)
		}
	}
	for _, alg := range Algorithms() {
		p, err := KeyParamsFor(alg)
		if err != nil {
			t.Fatalf("KeyParamsFor(%s): %v", alg, err)
		}
		if p.Type == KeyTypeRSA {
			continue // covered by TestGenerateKey; RSA generation is slow
		}
		k, err := GenerateKey(p)
		if err != nil {
			t.Fatalf("GenerateKey(KeyParamsFor(%s)): %v", alg, err)
		}
		if _, err := Sign(k, validClaims(t), WithAlgorithm(alg)); err != nil {
			t.Errorf("a key made for %s cannot sign with it: %v", alg, err)
		}
	}
	for _, alg := range []string{"none", "", "RS1", "es256"} {
		_, err := KeyParamsFor(alg)
		wantCode(t, err, CodeInvalidArgument)
	}
}

func TestNewSecretKey(t *testing.T) {
	t.Parallel()
	secret := []byte(strings.Repeat("s", 32))
	k, err := NewSecretKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	secret[0] = 'X' // the key holds a copy
	k2, _ := NewSecretKey([]byte(strings.Repeat("s", 32)))
	if !k.Equal(k2) {
		t.Error("the key shares the caller's slice")
	}
	// No kid: a thumbprint would publish a hash of the secret in every
	// token header.
	if k.KeyID() != "" {
		t.Errorf("secret kid = %q, want none", k.KeyID())
	}
	if k.Type() != KeyTypeOct || k.Bits() != 256 || k.PublicKey() != nil || k.Public() != nil || !k.IsPrivate() {
		t.Errorf("secret key accessors: %s %d %v %v", k.Type(), k.Bits(), k.PublicKey(), k.Public())
	}
	for _, empty := range [][]byte{nil, {}} {
		_, err := NewSecretKey(empty)
		wantCode(t, err, CodeInvalidKey)
	}
	short, _ := NewSecretKey([]byte("short"))
	if !strings.Contains(short.IsWeak(), "5 bytes") {
		t.Errorf("IsWeak of a 5-byte secret = %q", short.IsWeak())
	}
	if k.IsWeak() != "" {
		t.Errorf("IsWeak of a 32-byte secret = %q", k.IsWeak())
	}
}

// TestThumbprintRFC7638 checks the RFC 7638 §3.1 example, and that a key
// without "kid" gets its thumbprint as key ID.
func TestThumbprintRFC7638(t *testing.T) {
	t.Parallel()
	const want = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
	data, err := os.ReadFile(filepath.Join("testdata", "keys", "rfc7638.jwk"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Thumbprint(); got != want {
		t.Errorf("Thumbprint = %q, want %q", got, want)
	}
	if k.KeyID() != "2011-04-29" || k.Algorithm() != "RS256" {
		t.Errorf("kid %q alg %q, want the JWK's own", k.KeyID(), k.Algorithm())
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "kid")
	noKid, _ := json.Marshal(m)
	k2, err := ParseKey(noKid)
	if err != nil {
		t.Fatal(err)
	}
	if k2.KeyID() != want {
		t.Errorf("kid without \"kid\" = %q, want the thumbprint %q", k2.KeyID(), want)
	}
	// Member order and metadata do not change a thumbprint; the key does.
	if k.WithKeyID("x").WithUse("sig").Thumbprint() != want {
		t.Error("metadata changed the thumbprint")
	}
	// A private key has its public key's thumbprint.
	rsa := fixedKey(t, "rsa")
	if rsa.Thumbprint() != rsa.Public().Thumbprint() {
		t.Error("private and public thumbprints differ")
	}
}

// keyTypes are the fixed keys of each type and curve.
var keyTypes = []string{"rsa", "p256", "p384", "p521", "ed"}

func TestPEMRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format    string
		private   bool
		blockType string
		keys      []string // which key types the format holds
	}{
		{PEMDefault, true, "PRIVATE KEY", keyTypes},
		{PEMPKCS8, true, "PRIVATE KEY", keyTypes},
		{PEMPKCS1, true, "RSA PRIVATE KEY", []string{"rsa"}},
		{PEMSEC1, true, "EC PRIVATE KEY", []string{"p256", "p384", "p521"}},
		{PEMDefault, false, "PUBLIC KEY", keyTypes},
		{PEMSPKI, false, "PUBLIC KEY", keyTypes},
		{PEMPKCS1, false, "RSA PUBLIC KEY", []string{"rsa"}},
	}
	for _, tt := range tests {
		for _, name := range keyTypes {
			fits := slices.Contains(tt.keys, name)
			label := tt.format
			if label == "" {
				label = "default"
			}
			if tt.private {
				label += "/private/" + name
			} else {
				label += "/public/" + name
			}
			t.Run(label, func(t *testing.T) {
				t.Parallel()
				k := fixedKey(t, name)
				if !tt.private {
					k = k.Public()
				}
				out, err := k.MarshalPEM(PEMOptions{Format: tt.format})
				if !fits {
					wantCode(t, err, CodeInvalidArgument)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				block, rest := pem.Decode(out)
				if block == nil || block.Type != tt.blockType || len(bytes.TrimSpace(rest)) != 0 {
					t.Fatalf("PEM block %v, want one %q", block, tt.blockType)
				}
				back, err := ParseKey(out)
				if err != nil {
					t.Fatal(err)
				}
				if !back.Equal(k) || back.IsPrivate() != tt.private || back.Type() != k.Type() || back.Curve() != k.Curve() {
					t.Errorf("round trip changed the key: %s private=%v", back.describe(), back.IsPrivate())
				}
				if back.KeyID() != k.Thumbprint() {
					t.Errorf("kid of a PEM key = %q, want the thumbprint", back.KeyID())
				}
				if tt.private {
					// The private half survived: it signs, the original verifies.
					v := mustVerifier(t, mustSet(t, k.Public()), Policy{Algorithms: []string{k.DefaultAlgorithm()}}, WithClock(at(testNow)))
					if _, err := v.Verify(mustSign(t, back, validClaims(t))); err != nil {
						t.Errorf("the round-tripped private key does not sign: %v", err)
					}
				}
			})
		}
	}
}

func TestPEMWrongFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  *Key
		opts PEMOptions
	}{
		{"secret has no PEM", fixedKey(t, "oct"), PEMOptions{}},
		{"private key as spki", fixedKey(t, "p256"), PEMOptions{Format: PEMSPKI}},
		{"public key as pkcs8", fixedKey(t, "p256").Public(), PEMOptions{Format: PEMPKCS8}},
		{"public key as sec1", fixedKey(t, "p256").Public(), PEMOptions{Format: PEMSEC1}},
		{"EC as pkcs1", fixedKey(t, "p256"), PEMOptions{Format: PEMPKCS1}},
		{"Ed25519 as sec1", fixedKey(t, "ed"), PEMOptions{Format: PEMSEC1}},
		{"RSA as sec1", fixedKey(t, "rsa"), PEMOptions{Format: PEMSEC1}},
		{"unknown format", fixedKey(t, "rsa"), PEMOptions{Format: "der"}},
		{"encrypted pkcs1", fixedKey(t, "rsa"), PEMOptions{Format: PEMPKCS1, Passphrase: []byte("pw")}},
		{"encrypted sec1", fixedKey(t, "p256"), PEMOptions{Format: PEMSEC1, Passphrase: []byte("pw")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := tt.key.MarshalPEM(tt.opts)
			wantCode(t, err, CodeInvalidArgument)
			if out != nil {
				t.Error("output with an error")
			}
		})
	}
}

// TestEncryptedPKCS8 round-trips an encrypted key once per key type:
// PBKDF2 with 600,000 iterations takes a noticeable fraction of a second.
func TestEncryptedPKCS8(t *testing.T) {
	t.Parallel()
	pass := []byte("correct horse battery staple")
	for _, name := range []string{"rsa", "p256", "ed"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			k := fixedKey(t, name)
			out, err := k.MarshalPEM(PEMOptions{Passphrase: pass})
			if err != nil {
				t.Fatal(err)
			}
			if block, _ := pem.Decode(out); block == nil || block.Type != "ENCRYPTED PRIVATE KEY" {
				t.Fatalf("block %v, want ENCRYPTED PRIVATE KEY", block)
			}
			if bytes.Contains(out, []byte("BEGIN PRIVATE KEY")) {
				t.Fatal("plaintext key in the output")
			}
			back, err := ParseKey(out, WithPassphrase(pass))
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equal(k) || !back.IsPrivate() {
				t.Error("decrypted key differs")
			}
			if name != "p256" {
				return // the failure paths once suffice
			}
			_, err = ParseKey(out)
			wantCode(t, err, CodeInvalidKey)
			if !strings.Contains(err.Error(), "no passphrase") {
				t.Errorf("missing passphrase: message %q does not say so", err)
			}
			_, err = ParseKey(out, WithPassphrase([]byte("wrong")))
			wantCode(t, err, CodeInvalidKey)
			if !strings.Contains(err.Error(), "incorrect passphrase") {
				t.Errorf("wrong passphrase: message %q does not say so", err)
			}
			// An explicit pkcs8 format encrypts too.
			out2, err := k.MarshalPEM(PEMOptions{Format: PEMPKCS8, Passphrase: pass})
			if err != nil || !bytes.Contains(out2, []byte("ENCRYPTED PRIVATE KEY")) {
				t.Errorf("pkcs8 with passphrase: %v", err)
			}
		})
	}
}

func TestParseCertificate(t *testing.T) {
	t.Parallel()
	k := fixedKey(t, "p256")
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "issuer.example"},
		NotBefore:    testNow.Add(-time.Hour),
		NotAfter:     testNow.Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.PublicKey(), k.priv)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	got, err := ParseKey(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(k) || got.IsPrivate() || got.KeyID() != k.Thumbprint() {
		t.Errorf("certificate key: equal=%v private=%v kid=%s", got.Equal(k), got.IsPrivate(), got.KeyID())
	}
	// A certificate whose DER is corrupt is an invalid key.
	bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der[:len(der)/2]})
	_, err = ParseKey(bad)
	wantCode(t, err, CodeInvalidKey)
}

func TestParsePEMBlocks(t *testing.T) {
	t.Parallel()
	ec := fixedKey(t, "p256")
	sec1, err := ec.MarshalPEM(PEMOptions{Format: PEMSEC1})
	if err != nil {
		t.Fatal(err)
	}
	oid, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}) // prime256v1
	params := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: oid})
	rsaPub, _ := fixedKey(t, "rsa").Public().MarshalPEM(PEMOptions{})
	edPriv, _ := fixedKey(t, "ed").MarshalPEM(PEMOptions{})
	legacy := pem.EncodeToMemory(&pem.Block{
		Type:    "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"},
		Bytes:   []byte("ciphertext"),
	})
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, []byte("\n")) }
	// Keys crypto/x509 reads but this package does not use.
	x25519, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x25519DER, err := x509.MarshalPKCS8PrivateKey(x25519)
	if err != nil {
		t.Fatal(err)
	}
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p224DER, err := x509.MarshalPKIXPublicKey(&p224.PublicKey)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		data  []byte
		count int // keys in the set; 0 with want
		want  Code
	}{
		{"EC PARAMETERS then SEC1, as openssl writes", join(params, sec1), 1, 0},
		{"only EC PARAMETERS", params, 0, CodeInvalidKey},
		{"text around the PEM", join([]byte("a key:"), sec1, []byte("end")), 1, 0},
		{"three keys", join(sec1, rsaPub, edPriv), 3, 0},
		{"the same key twice", join(sec1, sec1), 0, CodeInvalidKey},
		{"legacy Proc-Type encryption", legacy, 0, CodeInvalidKey},
		{"unsupported block", pem.EncodeToMemory(&pem.Block{Type: "DSA PRIVATE KEY", Bytes: []byte{1}}), 0, CodeInvalidKey},
		{"corrupt PKCS#8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x03, 1, 2, 3}}), 0, CodeInvalidKey},
		{"corrupt SPKI", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("junk")}), 0, CodeInvalidKey},
		{"corrupt SEC1", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte("junk")}), 0, CodeInvalidKey},
		{"corrupt PKCS#1 public", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: []byte("junk")}), 0, CodeInvalidKey},
		{"X25519 PKCS#8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: x25519DER}), 0, CodeInvalidKey},
		{"P-224 SPKI", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: p224DER}), 0, CodeInvalidKey},
		{"BEGIN without a block", []byte("-----BEGIN PRIVATE KEY-----\nnot base64"), 0, CodeInvalidKey},
		{"neither JSON nor PEM", []byte("ssh-ed25519 AAAA"), 0, CodeInvalidKey},
		{"empty", nil, 0, CodeInvalidKey},
		{"white space", []byte(" \n\t"), 0, CodeInvalidKey},
		{"over MaxKeySetSize", append([]byte("{"), bytes.Repeat([]byte(" "), MaxKeySetSize)...), 0, CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set, err := ParseKeySet(tt.data)
			checkErr(t, err, tt.want)
			if err == nil && set.Len() != tt.count {
				t.Errorf("%d keys, want %d", set.Len(), tt.count)
			}
		})
	}
	// An empty document says so, rather than that it is not a key.
	for _, empty := range [][]byte{nil, []byte(" \n\t")} {
		if _, err := ParseKeySet(empty); err == nil || !strings.Contains(err.Error(), "the key document is empty") {
			t.Errorf("ParseKeySet(%q): %v, want a message saying it is empty", empty, err)
		}
	}
	// ParseKey wants exactly one key.
	_, err = ParseKey(join(sec1, rsaPub))
	wantCode(t, err, CodeInvalidKey)
	if !strings.Contains(err.Error(), "2 keys") {
		t.Errorf("message %q does not say how many keys", err)
	}
	// Legacy encryption names the fix.
	_, err = ParseKey(legacy)
	if err == nil || !strings.Contains(err.Error(), "openssl pkcs8 -topk8") {
		t.Errorf("legacy PEM: %v, want a message naming the conversion", err)
	}
}

func TestPEMKeyLimit(t *testing.T) {
	t.Parallel()
	one, _ := fixedKey(t, "ed").Public().MarshalPEM(PEMOptions{})
	// Distinct keys are needed at the limit (a set refuses duplicate kids).
	var atLimit [][]byte
	for range MaxKeySetKeys {
		k, err := GenerateKey(KeyParams{Type: KeyTypeOKP})
		if err != nil {
			t.Fatal(err)
		}
		p, _ := k.Public().MarshalPEM(PEMOptions{})
		atLimit = append(atLimit, p)
	}
	set, err := ParseKeySet(bytes.Join(atLimit, nil))
	if err != nil || set.Len() != MaxKeySetKeys {
		t.Fatalf("PEM with MaxKeySetKeys keys: %v", err)
	}
	_, err = ParseKeySet(bytes.Join(append(atLimit, one), nil))
	wantCode(t, err, CodeTooLarge)
}

func TestJWKRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range append(keyTypes, "oct") {
		for _, public := range []bool{false, true} {
			if public && name == "oct" {
				continue
			}
			label := name + "/private"
			if public {
				label = name + "/public"
			}
			t.Run(label, func(t *testing.T) {
				t.Parallel()
				k := fixedKey(t, name).WithKeyID("my-key").WithUse("sig")
				k, err := k.WithAlgorithm(k.DefaultAlgorithm())
				if err != nil {
					t.Fatal(err)
				}
				if public {
					k = k.Public()
				}
				j, err := k.MarshalJWK()
				if err != nil {
					t.Fatal(err)
				}
				back, err := ParseKey(j)
				if err != nil {
					t.Fatalf("ParseKey(%s): %v", j, err)
				}
				if !back.Equal(k) || back.IsPrivate() != k.IsPrivate() {
					t.Errorf("key changed: private %v→%v", k.IsPrivate(), back.IsPrivate())
				}
				if back.KeyID() != "my-key" || back.Use() != "sig" || back.Algorithm() != k.DefaultAlgorithm() || back.Type() != k.Type() {
					t.Errorf("metadata changed: kid %q use %q alg %q", back.KeyID(), back.Use(), back.Algorithm())
				}
				// And the same JSON again.
				j2, _ := back.MarshalJWK()
				if !jsonEqual(t, j, j2) {
					t.Errorf("second marshal differs:\n%s\n%s", j, j2)
				}
			})
		}
	}
	// key_ops survive, and Public keeps only the public operations.
	k := keyOps(t, fixedKey(t, "p256"), "sign", "verify")
	if !reflect.DeepEqual(k.KeyOps(), []string{"sign", "verify"}) {
		t.Errorf("KeyOps = %q", k.KeyOps())
	}
	if !reflect.DeepEqual(k.Public().KeyOps(), []string{"verify"}) {
		t.Errorf("public KeyOps = %q, want [verify]", k.Public().KeyOps())
	}
	ops := k.KeyOps()
	ops[0] = "changed"
	if k.KeyOps()[0] != "sign" {
		t.Error("KeyOps returned the key's own slice")
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		t.Fatalf("not JSON: %s / %s", a, b)
	}
	return reflect.DeepEqual(x, y)
}

// privateMembers are the JWK members that hold private material (RFC
// 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "k", "oth"}

// checkNoPrivate fails if a JWKS document holds any private member.
func checkNoPrivate(t *testing.T, doc []byte) int {
	t.Helper()
	var jwks struct {
		Keys []map[string]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(doc, &jwks); err != nil {
		t.Fatalf("not a JWKS: %v", err)
	}
	for i, k := range jwks.Keys {
		for _, m := range privateMembers {
			if _, ok := k[m]; ok {
				t.Errorf("public JWKS key %d (%s) has private member %q", i, k["kid"], m)
			}
		}
	}
	return len(jwks.Keys)
}

func TestPublicJWKSHasNoPrivateMembers(t *testing.T) {
	t.Parallel()
	var keys []*Key
	for _, name := range append(keyTypes, "oct") {
		keys = append(keys, fixedKey(t, name))
	}
	set := mustSet(t, keys...)
	full, err := set.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	// The private set does have them: the check below can fail.
	if !bytes.Contains(full, []byte(`"d":`)) || !bytes.Contains(full, []byte(`"k":`)) {
		t.Fatal("the private set lacks private members; the test is broken")
	}
	pub, err := set.Public().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if n := checkNoPrivate(t, pub); n != len(keyTypes) {
		t.Errorf("public JWKS has %d keys, want %d (secrets left out)", n, len(keyTypes))
	}
	for _, k := range set.Public().Keys() {
		if k.IsPrivate() {
			t.Errorf("Public() kept private key %s", k.KeyID())
		}
	}

	// A rotated set: its public form, and its retiring keys.
	for _, name := range keyTypes {
		next := fixedKey(t, name).WithKeyID("next-" + name)
		prev := fixedKey(t, name).WithKeyID("prev-" + name)
		rotated, err := mustSet(t, prev).Rotate(next, 0)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := rotated.Public().MarshalJSON()
		if n := checkNoPrivate(t, doc); n != 2 {
			t.Errorf("%s: rotated public set has %d keys, want 2", name, n)
		}
		retiring, _ := mustSet(t, rotated.Keys()[1:]...).MarshalJSON()
		checkNoPrivate(t, retiring)
	}
}

func TestKeySetDuplicateKID(t *testing.T) {
	t.Parallel()
	a := fixedKey(t, "p256").WithKeyID("same")
	b := fixedKey(t, "ed").WithKeyID("same")
	_, err := NewKeySet(a, b)
	wantCode(t, err, CodeInvalidKey)
	_, err = NewKeySet(a, a)
	wantCode(t, err, CodeInvalidKey)
	_, err = NewKeySet(a, nil)
	wantCode(t, err, CodeInvalidArgument)

	ja, _ := a.Public().MarshalJWK()
	jb, _ := b.Public().MarshalJWK()
	_, err = ParseKeySet([]byte(`{"keys":[` + string(ja) + `,` + string(jb) + `]}`))
	wantCode(t, err, CodeInvalidKey)
	if !strings.Contains(err.Error(), `"same"`) {
		t.Errorf("message %q does not name the kid", err)
	}
}

func TestKeySetSizeLimit(t *testing.T) {
	t.Parallel()
	keys := make([]*Key, MaxKeySetKeys+1)
	jwks := make([]string, len(keys))
	for i := range keys {
		k, err := GenerateKey(KeyParams{Type: KeyTypeOKP})
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k.Public()
		j, _ := keys[i].MarshalJWK()
		jwks[i] = string(j)
	}
	set, err := NewKeySet(keys[:MaxKeySetKeys]...)
	if err != nil || set.Len() != MaxKeySetKeys {
		t.Fatalf("MaxKeySetKeys keys: %v", err)
	}
	_, err = NewKeySet(keys...)
	wantCode(t, err, CodeTooLarge)

	doc := func(n int) []byte { return []byte(`{"keys":[` + strings.Join(jwks[:n], ",") + `]}`) }
	set, err = ParseKeySet(doc(MaxKeySetKeys))
	if err != nil || set.Len() != MaxKeySetKeys {
		t.Fatalf("JWKS with MaxKeySetKeys keys: %v", err)
	}
	_, err = ParseKeySet(doc(MaxKeySetKeys + 1))
	wantCode(t, err, CodeTooLarge)
	// The document limit counts every entry, even those skipped.
	const x25519 = `{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}`
	_, err = ParseKeySet([]byte(`{"keys":[` + strings.Join(jwks[:MaxKeySetKeys], ",") + `,` + x25519 + `]}`))
	wantCode(t, err, CodeTooLarge)
	// Round trip: the JWKS written parses to the same key IDs in order.
	out, _ := set.MarshalJSON()
	back, err := ParseKeySet(out)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range back.Keys() {
		if k.KeyID() != set.Keys()[i].KeyID() {
			t.Fatalf("key %d: kid %q, want %q", i, k.KeyID(), set.Keys()[i].KeyID())
		}
	}
}

func TestJWKSUnsupportedKeysSkipped(t *testing.T) {
	t.Parallel()
	ed, _ := fixedKey(t, "ed").Public().MarshalJWK()
	const x25519 = `{"kty":"OKP","crv":"X25519","kid":"enc","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}`
	const secp256k1 = `{"kty":"EC","crv":"secp256k1","kid":"btc","x":"Dr9EhAeWhB9Oi4Q-lFdzwrjNN8lP98XW9ZTDZ5yqFY4","y":"eGLlRsDRWh2ir2Tq0QQWXr9tpbAXMnPNBa0krqpRHVA"}`
	const ed448 = `{"kty":"OKP","crv":"Ed448","kid":"ed448","x":"X9dEm1m0Yf0s54fsYWrUah2hNCSFpw4fig6nXYDpZ3jt8SR2m0bHBhvWeD3x5Q9s0foavq_oJWGA"}`
	const unknownKty = `{"kty":"PQC","kid":"future","pub":"AAAA"}`
	tests := []struct {
		name string
		doc  string
		kids int
		want Code
	}{
		{"X25519 skipped", `{"keys":[` + x25519 + `,` + string(ed) + `]}`, 1, 0},
		{"secp256k1 skipped", `{"keys":[` + secp256k1 + `,` + string(ed) + `]}`, 1, 0},
		{"Ed448 and unknown kty skipped", `{"keys":[` + ed448 + `,` + unknownKty + `,` + string(ed) + `]}`, 1, 0},
		{"only unsupported keys", `{"keys":[` + x25519 + `,` + secp256k1 + `]}`, 0, CodeInvalidKey},
		{"empty keys", `{"keys":[]}`, 0, CodeInvalidKey},
		{"keys not an array", `{"keys":{}}`, 0, CodeInvalidKey},
		{"keys null", `{"keys":null}`, 0, CodeInvalidKey},
		{"malformed supported key", `{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA"},` + string(ed) + `]}`, 0, CodeInvalidKey},
		{"a lone X25519 JWK", x25519, 0, CodeInvalidKey},
		{"JWK without kty", `{"kid":"x","k":"AAAA"}`, 0, CodeInvalidKey},
		{"invalid JSON", `{"keys":[}`, 0, CodeInvalidKey},
		{"duplicate member", `{"keys":[],"keys":[` + string(ed) + `]}`, 0, CodeInvalidKey},
		{"duplicate member inside a key", `{"keys":[` + strings.Replace(string(ed), "{", `{"use":"enc","use":"sig",`, 1) + `]}`, 0, CodeInvalidKey},
		{"the same key without the duplicate", `{"keys":[` + strings.Replace(string(ed), "{", `{"use":"sig",`, 1) + `]}`, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set, err := ParseKeySet([]byte(tt.doc))
			checkErr(t, err, tt.want)
			if err == nil && set.Len() != tt.kids {
				t.Errorf("%d keys, want %d", set.Len(), tt.kids)
			}
		})
	}
}

// jwkWith returns k's JWK with members replaced.
func jwkWith(t *testing.T, k *Key, changes map[string]any) []byte {
	t.Helper()
	j, err := k.MarshalJWK()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	for name, v := range changes {
		if v == nil {
			delete(m, name)
		} else {
			m[name] = v
		}
	}
	out, _ := json.Marshal(m)
	return out
}

func TestInvalidKeyMaterial(t *testing.T) {
	t.Parallel()
	rsa := fixedKey(t, "rsa").Public()
	ec := fixedKey(t, "p256").Public()
	ecPriv := fixedKey(t, "p256")
	ed := fixedKey(t, "ed")
	enc := func(b []byte) string { return b64.EncodeToString(b) }
	modulus := func(bits int) string {
		n := make([]byte, (bits+7)/8)
		for i := range n {
			n[i] = 0xa5
		}
		n[0] = 1 << ((bits - 1) % 8) // the top bit: exactly bits long
		n[len(n)-1] |= 1
		return enc(n)
	}
	// y changed by one: the point is no longer on the curve.
	y, err := b64.DecodeString(jwkField(t, ec, "y"))
	if err != nil || len(y) != 32 {
		t.Fatalf("y: %v", err)
	}
	y[len(y)-1] ^= 1
	otherEC, _ := GenerateKey(KeyParams{Type: KeyTypeEC})
	otherEd, _ := GenerateKey(KeyParams{Type: KeyTypeOKP})
	otherEdJWK, _ := otherEd.Public().MarshalJWK()
	var otherX struct{ X string }
	_ = json.Unmarshal(otherEdJWK, &otherX)

	tests := []struct {
		name string
		jwk  []byte
		want Code
	}{
		{"control: RSA", jwkWith(t, rsa, nil), 0},
		{"RSA exponent 1", jwkWith(t, rsa, map[string]any{"e": "AQ"}), CodeInvalidKey},
		{"RSA exponent 2", jwkWith(t, rsa, map[string]any{"e": "Ag"}), CodeInvalidKey},
		{"RSA even exponent 65536", jwkWith(t, rsa, map[string]any{"e": "AQAA"}), CodeInvalidKey},
		{"RSA exponent 3", jwkWith(t, rsa, map[string]any{"e": "Aw"}), 0},
		{"RSA modulus at MaxRSABits", jwkWith(t, rsa, map[string]any{"n": modulus(MaxRSABits)}), 0},
		{"RSA modulus over MaxRSABits", jwkWith(t, rsa, map[string]any{"n": modulus(MaxRSABits + 8)}), CodeInvalidKey},
		{"RSA modulus one bit over", jwkWith(t, rsa, map[string]any{"n": modulus(MaxRSABits + 1)}), CodeInvalidKey},
		{"RSA zero modulus", jwkWith(t, rsa, map[string]any{"n": "AA"}), CodeInvalidKey},
		{"control: EC", jwkWith(t, ec, nil), 0},
		{"EC point off the curve", jwkWith(t, ec, map[string]any{"y": enc(y)}), CodeInvalidKey},
		{"EC point at zero", jwkWith(t, ec, map[string]any{"x": enc(make([]byte, 32)), "y": enc(make([]byte, 32))}), CodeInvalidKey},
		{"EC coordinates of the wrong curve size", jwkWith(t, ec, map[string]any{"crv": "P-384"}), CodeInvalidKey},
		{"EC private key of another point", jwkWith(t, ecPriv, map[string]any{"x": jwkField(t, otherEC, "x"), "y": jwkField(t, otherEC, "y")}), CodeInvalidKey},
		{"Ed25519 private key of another public key", jwkWith(t, ed, map[string]any{"x": otherX.X}), CodeInvalidKey},
		{"Ed25519 public key too short", jwkWith(t, ed.Public(), map[string]any{"x": "AAAA"}), CodeInvalidKey},
		{"RSA key with alg ES256", jwkWith(t, rsa, map[string]any{"alg": "ES256"}), CodeInvalidKey},
		{"RSA key with alg HS256", jwkWith(t, rsa, map[string]any{"alg": "HS256"}), CodeInvalidKey},
		{"RSA key with alg PS512", jwkWith(t, rsa, map[string]any{"alg": "PS512"}), 0},
		{"P-256 key with alg ES384", jwkWith(t, ec, map[string]any{"alg": "ES384"}), CodeInvalidKey},
		{"Ed25519 key with alg ES256", jwkWith(t, ed.Public(), map[string]any{"alg": "ES256"}), CodeInvalidKey},
		{"oct key with alg RS256", jwkWith(t, fixedKey(t, "oct"), map[string]any{"alg": "RS256"}), CodeInvalidKey},
		{"key with alg none", jwkWith(t, ec, map[string]any{"alg": "none"}), CodeInvalidKey},
		{"key with an encryption alg", jwkWith(t, rsa, map[string]any{"alg": "RSA-OAEP"}), CodeInvalidKey},
		{"oct key empty", []byte(`{"kty":"oct","k":""}`), CodeInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParseKey(tt.jwk)
			checkErr(t, err, tt.want)
			if err != nil && k != nil {
				t.Error("key returned with an error")
			}
		})
	}
	// The same checks apply to keys inside a JWKS.
	_, err = ParseKeySet([]byte(`{"keys":[` + string(jwkWith(t, rsa, map[string]any{"e": "AQ"})) + `]}`))
	wantCode(t, err, CodeInvalidKey)
}

func jwkField(t *testing.T, k *Key, name string) string {
	t.Helper()
	j, _ := k.MarshalJWK()
	var m map[string]any
	_ = json.Unmarshal(j, &m)
	s, _ := m[name].(string)
	return s
}

func TestKeyEqual(t *testing.T) {
	t.Parallel()
	ec := fixedKey(t, "p256")
	ec2, _ := GenerateKey(KeyParams{Type: KeyTypeEC})
	oct := fixedKey(t, "oct")
	oct2, _ := NewSecretKey(oct.secret)
	oct3, _ := NewSecretKey([]byte(strings.Repeat("x", 64)))
	rsa := fixedKey(t, "rsa")
	tests := []struct {
		name string
		a, b *Key
		want bool
	}{
		{"same key", ec, ec, true},
		{"private and its public", ec, ec.Public(), true},
		{"public and its private", ec.Public(), ec, true},
		{"other kid", ec, ec.WithKeyID("x").WithUse("sig"), true},
		{"different EC keys", ec, ec2, false},
		{"different types", ec, rsa, false},
		{"EC and Ed25519", ec, fixedKey(t, "ed"), false},
		{"same secret", oct, oct2, true},
		{"different secrets", oct, oct3, false},
		{"secret and RSA", oct, rsa, false},
		{"RSA and secret", rsa, oct, false},
		{"RSA private and public", rsa, rsa.Public(), true},
	}
	for _, tt := range tests {
		if got := tt.a.Equal(tt.b); got != tt.want {
			t.Errorf("%s: Equal = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestKeyWithMethods(t *testing.T) {
	t.Parallel()
	k := fixedKey(t, "p384")
	if k2 := k.WithKeyID("a"); k2.KeyID() != "a" || k.KeyID() == "a" {
		t.Error("WithKeyID changed the original or did nothing")
	}
	if k2 := k.WithUse("sig"); k2.Use() != "sig" || k.Use() != "" {
		t.Error("WithUse changed the original or did nothing")
	}
	k2, err := k.WithAlgorithm("ES384")
	if err != nil || k2.Algorithm() != "ES384" || k.Algorithm() != "" || k2.DefaultAlgorithm() != "ES384" {
		t.Errorf("WithAlgorithm(ES384): %v", err)
	}
	_, err = k.WithAlgorithm("ES256")
	wantCode(t, err, CodeKeyMismatch)
	_, err = k.WithAlgorithm("RS256")
	wantCode(t, err, CodeKeyMismatch)
	_, err = k.WithAlgorithm("none")
	wantCode(t, err, CodeInvalidArgument)
	// An RSA key limited to PS256 signs PS256 by default.
	r, err := fixedKey(t, "rsa").WithAlgorithm("PS256")
	if err != nil || r.DefaultAlgorithm() != "PS256" {
		t.Errorf("RSA WithAlgorithm(PS256): %v, default %s", err, r.DefaultAlgorithm())
	}
	if set := mustSet(t, fixedKey(t, "ed"), fixedKey(t, "oct")); !strings.Contains(set.String(), "Ed25519") || !strings.Contains(set.String(), "hmac-1 oct") {
		t.Errorf("KeySet.String() = %q", set.String())
	}
}
