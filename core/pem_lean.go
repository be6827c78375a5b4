//go:build jwtwasm_lean

package core

import (
	"crypto"
	"encoding/pem"

	"github.com/jwtwasm/jwtwasm/core/internal/pubder"
)

// PEM in the verify-only build (build tag jwtwasm_lean): public keys only,
// "PUBLIC KEY" (SPKI) and "RSA PUBLIC KEY" (PKCS #1), read by
// core/internal/pubder, which accepts exactly the keys crypto/x509 does.
// Private keys and certificates are refused with CodeUnsupported, and no
// PEM is written: crypto/x509, and the net, net/url and PKCS #8 code it
// brings, stay out of the binary. JWKs, private ones included, are read
// as in the full build.

func decodePEMBlock(b *pem.Block, _ keyOptions) (any, error) {
	var v any
	var err error
	switch b.Type {
	case pemSPKI:
		v, err = pubder.ParsePKIX(b.Bytes)
	case pemPKCS1Public:
		v, err = pubder.ParsePKCS1(b.Bytes)
	case pemPKCS1Private, pemPKCS8, pemPKCS8Enc, pemSEC1:
		return nil, newError(CodeUnsupported,
			"PEM block %q is a private key, which the verify-only build does not read: give the public key (PEM \"PUBLIC KEY\", a JWK or a JWKS), or use the full build", b.Type)
	case pemCertificate:
		return nil, newError(CodeUnsupported,
			"PEM block %q is an X.509 certificate, which the verify-only build does not read: give its public key (openssl x509 -pubkey -noout), or use the full build", b.Type)
	default:
		return nil, newError(CodeInvalidKey, "unsupported PEM block %q", b.Type)
	}
	if err != nil {
		return nil, wrapError(CodeInvalidKey, err, "PEM block %q", b.Type)
	}
	return v, nil
}

func privatePEM(crypto.Signer, PEMOptions) (*pem.Block, error) { return nil, errNoPEMWriter }

func publicPEM(crypto.PublicKey, PEMOptions) (*pem.Block, error) { return nil, errNoPEMWriter }

var errNoPEMWriter = newError(CodeUnsupported, "the verify-only build does not write PEM: write the key as a JWK, or use the full build")
