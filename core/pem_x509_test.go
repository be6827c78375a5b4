//go:build !jwtwasm_lean

package core

import (
	"testing"

	"github.com/jwtwasm/jwtwasm/core/internal/pkcs8"
)

// lowerKDFLimit makes encrypted PKCS #8 keys claiming more than n PBKDF2
// iterations fail for the rest of the test, so that a fuzz target does not
// spend its time deriving keys.
func lowerKDFLimit(t testing.TB, n int) {
	decryptPKCS8 = func(der, passphrase []byte) ([]byte, error) {
		return pkcs8.DecryptLimited(der, passphrase, n)
	}
	t.Cleanup(func() { decryptPKCS8 = pkcs8.Decrypt })
}

// parseFixture reads a key of testdata/keys.
func parseFixture(data []byte) (*Key, error) { return ParseKey(data) }
