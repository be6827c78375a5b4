//go:build jwtwasm_lean

package core

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core/internal/jwxkey"
)

// The verify-only build's own tests: what it refuses, and that it reads
// public-key PEM as the full build does (core/internal/pubder holds its
// parser to crypto/x509 byte for byte).

func lowerKDFLimit(testing.TB, int) {} // the lean build reads no encrypted keys

// parseFixture reads a key of testdata/keys: the lean build reads no
// private-key PEM, so the test reads it with crypto/x509.
func parseFixture(data []byte) (*Key, error) {
	if b, _ := pem.Decode(data); b != nil {
		raw, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			return nil, err
		}
		return keyFromRaw(raw, jwxkey.Meta{})
	}
	return ParseKey(data)
}

func TestLeanRefusesPrivatePEMAndCertificates(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "keys", "*.pem"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no PEM fixtures (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseKeySet(data)
		if !errors.Is(err, CodeUnsupported) || !strings.Contains(MessageOf(err), "private key") {
			t.Errorf("%s: ParseKeySet = %v, want unsupported naming the private key", f, err)
		}
	}
	key := fixedKey(t, "p256")
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: testNow, NotAfter: testNow.Add(time.Hour)}
	der, err := x509.CreateCertificate(zeroRand{}, tmpl, tmpl, key.PublicKey(), key.priv)
	if err != nil {
		t.Fatal(err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if _, err := ParseKeySet(cert); !errors.Is(err, CodeUnsupported) || !strings.Contains(MessageOf(err), "certificate") {
		t.Errorf("certificate: ParseKeySet = %v, want unsupported naming the certificate", err)
	}
	if _, err := key.MarshalPEM(PEMOptions{}); !errors.Is(err, CodeUnsupported) {
		t.Errorf("MarshalPEM = %v, want unsupported", err)
	}
	if _, err := EncodeKeys(&KeySet{keys: []*Key{key.Public()}}, FormatPEM, PEMOptions{}); !errors.Is(err, CodeUnsupported) {
		t.Errorf("EncodeKeys(pem) = %v, want unsupported", err)
	}
}

func TestLeanReadsPublicPEM(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"rsa", "p256", "p384", "p521", "ed"} {
		pub := fixedKey(t, name).Public()
		spki, err := x509.MarshalPKIXPublicKey(pub.PublicKey())
		if err != nil {
			t.Fatal(err)
		}
		docs := []*pem.Block{{Type: "PUBLIC KEY", Bytes: spki}}
		if rk, ok := pub.PublicKey().(*rsa.PublicKey); ok {
			docs = append(docs, &pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(rk)})
		}
		for _, b := range docs {
			set, err := ParseKeySet(pem.EncodeToMemory(b))
			if err != nil {
				t.Errorf("%s %s: %v", name, b.Type, err)
				continue
			}
			if got := set.Keys()[0]; !got.Equal(pub) || got.KeyID() != pub.KeyID() {
				t.Errorf("%s %s: read %s (kid %q), want the fixture's public key (kid %q)", name, b.Type, got.describe(), got.KeyID(), pub.KeyID())
			}
		}
	}
}

type zeroRand struct{}

func (zeroRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 7
	}
	return len(p), nil
}
