package core

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/jwtwasm/jwtwasm/core/internal/jwxkey"
	"github.com/jwtwasm/jwtwasm/core/internal/pkcs8"
)

// PEM block types this package reads and writes.
const (
	pemPKCS1Private = "RSA PRIVATE KEY"
	pemPKCS1Public  = "RSA PUBLIC KEY"
	pemPKCS8        = "PRIVATE KEY"
	pemPKCS8Enc     = "ENCRYPTED PRIVATE KEY"
	pemSEC1         = "EC PRIVATE KEY"
	pemSPKI         = "PUBLIC KEY"
	pemCertificate  = "CERTIFICATE"
	pemECParams     = "EC PARAMETERS"
)

// PEM formats for [Key.MarshalPEM].
const (
	// PEMDefault is PKCS#8 for private keys and SPKI for public keys.
	PEMDefault = ""
	// PEMPKCS8 writes "PRIVATE KEY" (or "ENCRYPTED PRIVATE KEY").
	PEMPKCS8 = "pkcs8"
	// PEMPKCS1 writes RSA keys as "RSA PRIVATE KEY" or "RSA PUBLIC KEY".
	PEMPKCS1 = "pkcs1"
	// PEMSEC1 writes EC private keys as "EC PRIVATE KEY".
	PEMSEC1 = "sec1"
	// PEMSPKI writes public keys as "PUBLIC KEY".
	PEMSPKI = "spki"
)

// PEMOptions configures [Key.MarshalPEM].
type PEMOptions struct {
	// Format is one of the PEM constants; PEMDefault if empty.
	Format string
	// Passphrase, if set, encrypts a private key as PKCS#8 with PBES2:
	// PBKDF2-HMAC-SHA256 with 600,000 iterations and AES-256-CBC.
	Passphrase []byte
}

// MarshalPEM returns the key in PEM. A secret has no PEM form.
func (k *Key) MarshalPEM(o PEMOptions) ([]byte, error) {
	if k.kty == KeyTypeOct {
		return nil, newError(CodeInvalidArgument, "an HMAC secret has no PEM form; write it as a JWK")
	}
	var block *pem.Block
	var err error
	if k.priv != nil {
		block, err = privatePEM(k.priv, o)
	} else {
		block, err = publicPEM(k.pub, o)
	}
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(block), nil
}

func privatePEM(priv crypto.Signer, o PEMOptions) (*pem.Block, error) {
	if len(o.Passphrase) > 0 && o.Format != PEMDefault && o.Format != PEMPKCS8 {
		return nil, newError(CodeInvalidArgument, "only PKCS#8 keys can be encrypted, not %s", o.Format)
	}
	switch o.Format {
	case PEMDefault, PEMPKCS8:
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return nil, wrapError(CodeInternal, err, "writing PKCS#8")
		}
		if len(o.Passphrase) == 0 {
			return &pem.Block{Type: pemPKCS8, Bytes: der}, nil
		}
		enc, err := pkcs8.Encrypt(der, o.Passphrase, rand.Reader, 0)
		if err != nil {
			return nil, wrapError(CodeInternal, err, "encrypting private key")
		}
		return &pem.Block{Type: pemPKCS8Enc, Bytes: enc}, nil
	case PEMPKCS1:
		r, ok := priv.(*rsa.PrivateKey)
		if !ok {
			return nil, newError(CodeInvalidArgument, "PKCS#1 holds only RSA keys")
		}
		return &pem.Block{Type: pemPKCS1Private, Bytes: x509.MarshalPKCS1PrivateKey(r)}, nil
	case PEMSEC1:
		e, ok := priv.(*ecdsa.PrivateKey)
		if !ok {
			return nil, newError(CodeInvalidArgument, "SEC1 holds only EC keys")
		}
		der, err := x509.MarshalECPrivateKey(e)
		if err != nil {
			return nil, wrapError(CodeInternal, err, "writing SEC1")
		}
		return &pem.Block{Type: pemSEC1, Bytes: der}, nil
	}
	return nil, newError(CodeInvalidArgument, "PEM format %q for a private key: want pkcs8, pkcs1 or sec1", o.Format)
}

func publicPEM(pub crypto.PublicKey, o PEMOptions) (*pem.Block, error) {
	switch o.Format {
	case PEMDefault, PEMSPKI:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return nil, wrapError(CodeInternal, err, "writing SPKI")
		}
		return &pem.Block{Type: pemSPKI, Bytes: der}, nil
	case PEMPKCS1:
		r, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, newError(CodeInvalidArgument, "PKCS#1 holds only RSA keys")
		}
		return &pem.Block{Type: pemPKCS1Public, Bytes: x509.MarshalPKCS1PublicKey(r)}, nil
	}
	return nil, newError(CodeInvalidArgument, "PEM format %q for a public key: want spki or pkcs1", o.Format)
}

// parsePEM reads every key block in data. Blocks of other types (such as
// "EC PARAMETERS" that openssl writes before a SEC1 key) are skipped.
func parsePEM(data []byte, o keyOptions) ([]*Key, error) {
	var keys []*Key
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if len(keys) >= MaxKeySetKeys {
			return nil, newError(CodeTooLarge, "PEM holds more than %d keys (MaxKeySetKeys)", MaxKeySetKeys)
		}
		raw, err := parsePEMBlock(block, o)
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return nil, err
		}
		k, err := keyFromRaw(raw, jwxkey.Meta{})
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, newError(CodeInvalidKey, "no key found in PEM")
	}
	return keys, nil
}

var errSkip = errors.New("not a key block")

// decryptPKCS8 is a variable so that the fuzz target can lower the KDF
// iteration limit.
var decryptPKCS8 = pkcs8.Decrypt

func parsePEMBlock(b *pem.Block, o keyOptions) (any, error) {
	if _, ok := b.Headers["Proc-Type"]; ok {
		return nil, newError(CodeInvalidKey,
			"legacy PEM encryption (Proc-Type) is not supported; convert with: openssl pkcs8 -topk8 -v2 aes-256-cbc")
	}
	var v any
	var err error
	switch b.Type {
	case pemPKCS1Private:
		v, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case pemPKCS1Public:
		v, err = x509.ParsePKCS1PublicKey(b.Bytes)
	case pemPKCS8:
		v, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	case pemPKCS8Enc:
		if len(o.passphrase) == 0 {
			return nil, newError(CodeInvalidKey, "the private key is encrypted and no passphrase was given")
		}
		der, derr := decryptPKCS8(b.Bytes, o.passphrase)
		switch {
		case errors.Is(derr, pkcs8.ErrIncorrectPassphrase):
			return nil, newError(CodeInvalidKey, "incorrect passphrase for the encrypted private key")
		case errors.Is(derr, pkcs8.ErrTooManyIterations):
			return nil, wrapError(CodeTooLarge, derr, "encrypted private key")
		case derr != nil:
			return nil, wrapError(CodeInvalidKey, derr, "encrypted private key")
		}
		v, err = x509.ParsePKCS8PrivateKey(der)
	case pemSEC1:
		v, err = x509.ParseECPrivateKey(b.Bytes)
	case pemSPKI:
		v, err = x509.ParsePKIXPublicKey(b.Bytes)
	case pemCertificate:
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(b.Bytes); err == nil {
			v = cert.PublicKey
		}
	case pemECParams:
		return nil, errSkip
	default:
		return nil, newError(CodeInvalidKey, "unsupported PEM block %q", b.Type)
	}
	if err != nil {
		return nil, wrapError(CodeInvalidKey, err, "PEM block %q", b.Type)
	}
	switch r := v.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey, *ecdsa.PrivateKey, *ecdsa.PublicKey,
		ed25519.PrivateKey, ed25519.PublicKey:
		return r, nil
	}
	return nil, newError(CodeInvalidKey, "PEM block %q holds an unsupported key type %s", b.Type, fmt.Sprintf("%T", v))
}
