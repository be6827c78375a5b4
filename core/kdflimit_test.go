package core

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/jwtwasm/jwtwasm/core/internal/pkcs8"
)

var writeLimitKeys = flag.Bool("write-limit-keys", false, "rewrite testdata/keys/kdf: encrypted keys at and past pkcs8.MaxIterations")

// kdfLimitPassphrase encrypts the keys in testdata/keys/kdf.
const kdfLimitPassphrase = "limit"

// TestKDFIterationLimit reads an encrypted key whose PBKDF2 count is
// exactly pkcs8.MaxIterations, and refuses one whose count is one more
// before deriving anything. host's TestLimits runs the same files through
// the module.
func TestKDFIterationLimit(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "keys", "kdf")
	if *writeLimitKeys {
		writeKDFLimitKeys(t, dir)
	}
	at, err := os.ReadFile(filepath.Join(dir, "at-max-iterations.pem"))
	if err != nil {
		t.Fatal(err)
	}
	past, err := os.ReadFile(filepath.Join(dir, "past-max-iterations.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseKey(at, WithPassphrase([]byte(kdfLimitPassphrase))); err != nil {
		t.Errorf("at MaxIterations: %v", err)
	}
	_, err = ParseKey(past, WithPassphrase([]byte(kdfLimitPassphrase)))
	checkErr(t, err, CodeTooLarge)
}

func writeKDFLimitKeys(t *testing.T, dir string) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(fixedKey(t, "p256").priv)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := pkcs8.Encrypt(der, []byte(kdfLimitPassphrase), rand.Reader, pkcs8.MaxIterations)
	if err != nil {
		t.Fatal(err)
	}
	// Encrypt refuses to write a count Decrypt would refuse, so the file
	// past the limit is the one at the limit with its INTEGER raised by
	// one: 1,000,000 is 02 03 0f 42 40 in DER.
	atLimit := []byte{0x02, 0x03, 0x0f, 0x42, 0x40}
	if pkcs8.MaxIterations != 1_000_000 || bytes.Count(enc, atLimit) != 1 {
		t.Fatal("update the DER patch for the new MaxIterations")
	}
	pastLimit := bytes.Replace(enc, atLimit, []byte{0x02, 0x03, 0x0f, 0x42, 0x41}, 1)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"at-max-iterations.pem": enc, "past-max-iterations.pem": pastLimit} {
		block := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: data})
		if err := os.WriteFile(filepath.Join(dir, name), block, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
