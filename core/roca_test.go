package core

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// TestROCAFingerprint checks the detector on Wycheproof's ROCA key (read in
// place) and on keys made here, which must never be flagged.
func TestROCAFingerprint(t *testing.T) {
	for i := 0; i < 4; i++ {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		if hasROCAFingerprint(k.N) {
			t.Fatalf("a key from crypto/rsa is flagged as ROCA")
		}
	}
	// A modulus built as the vulnerable library built primes passes every
	// residue test: 65537^a mod each prime, for a made-up exponent a.
	built := rocaShapedModulus()
	if !hasROCAFingerprint(built) {
		t.Error("a modulus of the vulnerable form is not flagged")
	}
	if hasROCAFingerprint(new(big.Int).Add(built, big.NewInt(1))) {
		t.Error("a modulus one past the vulnerable form is flagged")
	}

	data, err := os.ReadFile(filepath.Join(testkit.WycheproofDir(t), "json_web_key_test.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		TestGroups []struct {
			Public json.RawMessage `json:"public"`
			Tests  []struct {
				Comment string `json:"comment"`
			} `json:"tests"`
		} `json:"testGroups"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, g := range file.TestGroups {
		for _, tc := range g.Tests {
			if !strings.Contains(strings.ToLower(tc.Comment), "roca") {
				continue
			}
			found++
			_, err := ParseKeySet(g.Public)
			if !errors.Is(err, CodeWeakKey) || !strings.Contains(err.Error(), "ROCA") {
				t.Errorf("%s: ParseKeySet = %v, want weak_key naming ROCA", tc.Comment, err)
			}
		}
	}
	if found == 0 {
		t.Error("no ROCA case found in the Wycheproof key file")
	}
}

// rocaShapedModulus returns a number of the form the vulnerable library
// gave its moduli: 65537^a mod M plus a multiple of M, M being the product
// of the fingerprint's primes, for a made-up exponent a.
func rocaShapedModulus() *big.Int {
	m := big.NewInt(1)
	for _, p := range rocaPrimes {
		m.Mul(m, big.NewInt(p))
	}
	built := new(big.Int).Exp(big.NewInt(65537), big.NewInt(12345), m)
	return built.Add(built, new(big.Int).Mul(m, big.NewInt(987654321)))
}
