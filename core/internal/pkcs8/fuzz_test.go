package pkcs8

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzMaxIterations is far below MaxIterations so that a mutated iteration
// count cannot make one execution take seconds, yet above the 2048 the
// OpenSSL fixtures use so they still reach decryption.
const fuzzMaxIterations = 4096

func FuzzDecrypt(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.der"))
	if err != nil {
		f.Fatal(err)
	}
	if len(paths) == 0 {
		f.Fatal("no seeds: testdata/*.der matched nothing")
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, testPassphrase)
		// Re-encrypted with one iteration so that mutations of a
		// well-formed input are cheap to decrypt.
		if bytes.HasSuffix([]byte(path), []byte(".plain.der")) {
			der, err := Encrypt(b, testPassphrase, detRand(4), 1)
			if err != nil {
				f.Fatalf("%s: %v", path, err)
			}
			f.Add(der, testPassphrase)
		}
	}

	f.Fuzz(func(t *testing.T, der, passphrase []byte) {
		got, err := decrypt(der, passphrase, fuzzMaxIterations)
		if err != nil {
			if got != nil {
				t.Fatalf("data returned along with error %v", err)
			}
			if len(passphrase) == 0 {
				if !errors.Is(err, errNoPassphrase) {
					t.Fatalf("empty passphrase: %v", err)
				}
				return
			}
			for _, sentinel := range []error{ErrMalformed, ErrUnsupported, ErrTooManyIterations, ErrIncorrectPassphrase} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			t.Fatalf("error %v wraps none of the sentinels", err)
		}
		if len(got) == 0 {
			t.Fatal("nil error with empty result")
		}
		if !isPrivateKeyInfo(got) {
			t.Fatalf("result is not a PrivateKeyInfo: %x", got)
		}
		// Whatever Decrypt accepts, Encrypt must accept and round-trip.
		again, err := Encrypt(got, passphrase, detRand(5), 1)
		if err != nil {
			t.Fatalf("re-encrypting: %v", err)
		}
		back, err := decrypt(again, passphrase, fuzzMaxIterations)
		if err != nil || !bytes.Equal(back, got) {
			t.Fatalf("round trip after decrypt: %x, %v; want %x", back, err, got)
		}
	})
}
