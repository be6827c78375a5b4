// Package pkcs8 encrypts and decrypts PKCS #8 private keys: the DER
// EncryptedPrivateKeyInfo of RFC 5958, protected with PBES2 (PBKDF2 and
// AES-CBC) from RFC 8018. It works on the DER bytes of a PrivateKeyInfo;
// crypto/x509 turns those into and out of key values.
//
// It exists because crypto/x509 can neither read nor write encrypted PKCS #8,
// and the commonly used third-party package trusts the PBKDF2 iteration count
// found in the key file. An attacker-supplied key claiming 2^31 iterations
// then hangs the process in key derivation: the same denial of service as
// the CVEs about JWE's unbounded PBES2 "p2c" count. Decrypt refuses counts
// above MaxIterations before deriving anything.
//
// The package uses only the standard library and does no I/O, so it also
// builds for GOOS=wasip1.
package pkcs8

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	cryptorand "crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"io"
)

// DefaultIterations is the PBKDF2-HMAC-SHA256 iteration count Encrypt uses
// when given 0. It is OWASP's current recommendation for PBKDF2-HMAC-SHA256
// (Password Storage Cheat Sheet), which costs a legitimate user a fraction of
// a second per decryption while making offline guessing expensive.
const DefaultIterations = 600000

// MaxIterations is the largest PBKDF2 iteration count Decrypt accepts. The
// count comes from the key file, so without a ceiling a crafted file could
// make Decrypt run for hours. One million is above what tools write (OpenSSL
// 2048, OWASP's 600,000) and costs about a quarter of a second natively,
// but measured inside the WebAssembly module under wazero 600,000
// iterations took 4 s, so a higher ceiling would let one key file hold a
// call for a minute.
const MaxIterations = 1_000_000

// Errors returned by Encrypt and Decrypt; test for them with errors.Is, since
// most are wrapped with details.
var (
	// ErrIncorrectPassphrase is returned by Decrypt when the decrypted
	// data has invalid padding or is not a PrivateKeyInfo. Both almost
	// always mean the passphrase is wrong, but PBES2 has no integrity
	// check, so a corrupted ciphertext looks the same and cannot be told
	// apart.
	ErrIncorrectPassphrase = errors.New("pkcs8: incorrect passphrase")

	// ErrTooManyIterations is returned when the PBKDF2 iteration count
	// exceeds MaxIterations, so that a hostile key file cannot turn
	// Decrypt into a denial of service.
	ErrTooManyIterations = errors.New("pkcs8: too many pbkdf2 iterations")

	// ErrUnsupported is returned for a well-formed key that uses an
	// encryption algorithm, key derivation function, PRF or cipher this
	// package does not implement (PBES1 or scrypt, for example); the
	// wrapping error names the OID so the user knows how to re-encrypt.
	ErrUnsupported = errors.New("pkcs8: unsupported algorithm")

	// ErrMalformed is returned when the input is not valid DER of the
	// expected structure; the wrapping error says which part is wrong.
	ErrMalformed = errors.New("pkcs8: malformed DER")
)

// errNoPassphrase is not exported because an empty passphrase is a
// programming error in the caller, not something to branch on.
var errNoPassphrase = errors.New("pkcs8: a passphrase is required")

// Encrypt encrypts the DER of a PrivateKeyInfo (as produced by
// x509.MarshalPKCS8PrivateKey) with passphrase and returns the DER of an
// EncryptedPrivateKeyInfo. It uses PBKDF2-HMAC-SHA256 with a 16-byte salt and
// AES-256-CBC, the strongest combination that OpenSSL and other common tools
// all read. iterations of 0 means DefaultIterations; counts above
// MaxIterations are refused because Decrypt would refuse the result. The salt
// and IV are read from rand, or from crypto/rand if rand is nil.
func Encrypt(privateKeyInfo, passphrase []byte, rand io.Reader, iterations int) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, errNoPassphrase
	}
	switch {
	case iterations == 0:
		iterations = DefaultIterations
	case iterations < 0:
		return nil, fmt.Errorf("pkcs8: negative iteration count %d", iterations)
	case iterations > MaxIterations:
		return nil, fmt.Errorf("%w: %d exceeds the limit of %d", ErrTooManyIterations, iterations, MaxIterations)
	}
	// Checked here because Decrypt treats anything else as a wrong
	// passphrase, which would make the mistake surface much later and
	// with the wrong explanation.
	if !isPrivateKeyInfo(privateKeyInfo) {
		return nil, malformedf("input is not a PrivateKeyInfo")
	}
	if rand == nil {
		rand = cryptorand.Reader
	}

	const keySize = 32 // AES-256
	salt := make([]byte, 16)
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return nil, fmt.Errorf("pkcs8: reading salt: %w", err)
	}
	if _, err := io.ReadFull(rand, iv); err != nil {
		return nil, fmt.Errorf("pkcs8: reading iv: %w", err)
	}
	block, err := deriveBlock(sha256.New, passphrase, salt, iterations, keySize)
	if err != nil {
		return nil, err
	}
	ciphertext := pad(privateKeyInfo, aes.BlockSize)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ciphertext, ciphertext)

	kdfParams, err := asn1.Marshal(pbkdf2Params{
		Salt:           salt,
		IterationCount: iterations,
		// Written out although HMAC-SHA256 is not the DEFAULT, since
		// omitting it would mean HMAC-SHA1.
		PRF: algorithmIdentifier{Algorithm: oidHMACWithSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return nil, fmt.Errorf("pkcs8: %w", err)
	}
	ivParam, err := asn1.Marshal(iv)
	if err != nil {
		return nil, fmt.Errorf("pkcs8: %w", err)
	}
	schemeParams, err := asn1.Marshal(pbes2Params{
		KeyDerivationFunc: algorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		EncryptionScheme:  algorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivParam}},
	})
	if err != nil {
		return nil, fmt.Errorf("pkcs8: %w", err)
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{
		EncryptionAlgorithm: algorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: schemeParams}},
		EncryptedData:       ciphertext,
	})
	if err != nil {
		return nil, fmt.Errorf("pkcs8: %w", err)
	}
	return der, nil
}

// Decrypt decrypts the DER of an EncryptedPrivateKeyInfo and returns the DER
// of the PrivateKeyInfo inside, ready for x509.ParsePKCS8PrivateKey. It
// accepts what OpenSSL and Java produce with PBES2: PBKDF2 with
// HMAC-SHA1 (the default when no PRF is given), -SHA224, -SHA256, -SHA384 or
// -SHA512 and AES-128, -192 or -256 in CBC mode. The whole structure is
// validated, including the iteration limit, before the key is derived, so
// unsupported or hostile input fails fast.
//
// PBES2 has no MAC, so a wrong passphrase is detected from the padding and
// then from the shape of the plaintext; the second check catches the roughly
// 1 in 256 wrong passphrases whose output happens to end in valid padding.
func Decrypt(der, passphrase []byte) ([]byte, error) {
	return decrypt(der, passphrase, MaxIterations)
}

// DecryptLimited is Decrypt with a lower iteration limit, for fuzz targets
// that cannot afford seconds per input.
func DecryptLimited(der, passphrase []byte, maxIterations int) ([]byte, error) {
	return decrypt(der, passphrase, min(maxIterations, MaxIterations))
}

func decrypt(der, passphrase []byte, maxIterations int) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, errNoPassphrase
	}
	p, err := parse(der, maxIterations)
	if err != nil {
		return nil, err
	}
	block, err := deriveBlock(p.newHash, passphrase, p.salt, p.iterations, p.keySize)
	if err != nil {
		return nil, err
	}
	plaintext := make([]byte, len(p.ciphertext))
	cipher.NewCBCDecrypter(block, p.iv).CryptBlocks(plaintext, p.ciphertext)
	n, ok := unpad(plaintext, aes.BlockSize)
	if !ok || !isPrivateKeyInfo(plaintext[:n]) {
		clear(plaintext)
		return nil, ErrIncorrectPassphrase
	}
	// The capacity is cut so that appending to the result cannot expose
	// or overwrite the padding.
	return plaintext[:n:n], nil
}

// pad returns a new slice holding b with PKCS #7 padding (RFC 5652, section
// 6.3), which RFC 8018 prescribes for the CBC schemes.
func pad(b []byte, blockSize int) []byte {
	n := blockSize - len(b)%blockSize
	out := make([]byte, len(b)+n)
	copy(out, b)
	for i := len(b); i < len(out); i++ {
		out[i] = byte(n)
	}
	return out
}

// unpad returns the length of b without its PKCS #7 padding. Every padding
// byte is checked, not just the last, so that a wrong passphrase is caught
// here as often as possible instead of relying on the structure check.
func unpad(b []byte, blockSize int) (int, bool) {
	if len(b) == 0 || len(b)%blockSize != 0 {
		return 0, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > blockSize {
		return 0, false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return 0, false
		}
	}
	return len(b) - n, true
}

// deriveBlock derives the AES key of PBES2 from passphrase with PBKDF2 and
// returns its cipher; the key itself is cleared.
func deriveBlock[H hash.Hash](newHash func() H, passphrase, salt []byte, iterations, keySize int) (cipher.Block, error) {
	key, err := pbkdf2.Key(newHash, string(passphrase), salt, iterations, keySize)
	if err != nil {
		return nil, fmt.Errorf("pkcs8: deriving key: %w", err)
	}
	block, err := aes.NewCipher(key)
	clear(key)
	if err != nil {
		return nil, fmt.Errorf("pkcs8: %w", err)
	}
	return block, nil
}
