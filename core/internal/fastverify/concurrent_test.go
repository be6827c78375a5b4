package fastverify

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"sync"
	"testing"
)

// TestConcurrentUse verifies with shared prepared keys from several
// goroutines, the first of them building the table of G: run with -race.
func TestConcurrentUse(t *testing.T) {
	rsaPriv := rsaKey(t, 2048, 65537)
	rk, err := NewRSAPublicKey(&rsaPriv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	hashed := sha256.Sum256([]byte("concurrent"))
	sig, err := rsa.SignPKCS1v15(nil, rsaPriv, crypto.SHA256, hashed[:])
	if err != nil {
		t.Fatal(err)
	}
	ecPriv := testP256Keys()[2]
	ek, err := NewP256PublicKey(&ecPriv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	r, s := signP256(ecPriv, hashed[:], nil)

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				if err := rk.VerifyPKCS1v15(crypto.SHA256, hashed[:], sig); err != nil {
					t.Error(err)
				}
				if !ek.Verify(hashed[:], r, s) {
					t.Error("P-256 signature does not verify")
				}
			}
		})
	}
	wg.Wait()
}
