//go:build !jwtwasm_lean

package core

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"

	"github.com/jwtwasm/jwtwasm/core/internal/pkcs8"
)

// PEM through crypto/x509: every format, private keys (encrypted too) and
// certificates. The verify-only build has pem_lean.go instead.

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

// decryptPKCS8 is a variable so that the fuzz target can lower the KDF
// iteration limit.
var decryptPKCS8 = pkcs8.Decrypt

// decodePEMBlock reads the key of a PEM block of any type this package
// reads (the caller has dealt with encryption headers and "EC
// PARAMETERS").
func decodePEMBlock(b *pem.Block, o keyOptions) (any, error) {
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
	default:
		return nil, newError(CodeInvalidKey, "unsupported PEM block %q", b.Type)
	}
	if err != nil {
		return nil, wrapError(CodeInvalidKey, err, "PEM block %q", b.Type)
	}
	return v, nil
}
