package core

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/jwtwasm/jwtwasm/core/internal/jwxkey"
)

// PEM is read and written in two files, one per build: pem_x509.go
// (crypto/x509: every format of this file) and, with the build tag
// jwtwasm_lean, pem_lean.go (public keys only, read by
// core/internal/pubder; no crypto/x509 in the binary). This file is what
// both share.

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

// parsePEMBlock reads the key of one PEM block, or returns errSkip for a
// block that holds none.
func parsePEMBlock(b *pem.Block, o keyOptions) (any, error) {
	if _, ok := b.Headers["Proc-Type"]; ok {
		return nil, newError(CodeInvalidKey,
			"legacy PEM encryption (Proc-Type) is not supported; convert with: openssl pkcs8 -topk8 -v2 aes-256-cbc")
	}
	if b.Type == pemECParams {
		return nil, errSkip
	}
	v, err := decodePEMBlock(b, o)
	if err != nil {
		return nil, err
	}
	switch r := v.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey, *ecdsa.PrivateKey, *ecdsa.PublicKey,
		ed25519.PrivateKey, ed25519.PublicKey:
		return r, nil
	}
	return nil, newError(CodeInvalidKey, "PEM block %q holds an unsupported key type %s", b.Type, fmt.Sprintf("%T", v))
}
