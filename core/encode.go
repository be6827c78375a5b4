package core

import (
	"bytes"
	"encoding/json"
)

// KeyFormat names a way to write keys, for [EncodeKeys].
type KeyFormat string

// Key formats.
const (
	// FormatJWKS is a JWK Set with every key as it is, private members
	// included.
	FormatJWKS KeyFormat = "jwks"
	// FormatPublicJWKS is a JWK Set of the public keys only: what a
	// /.well-known/jwks.json endpoint serves. Secrets are left out.
	FormatPublicJWKS KeyFormat = "public-jwks"
	// FormatJWK is one key as a JWK.
	FormatJWK KeyFormat = "jwk"
	// FormatPEM is one key in PEM (see [PEMOptions]).
	FormatPEM KeyFormat = "pem"
)

// EncodeKeys writes set in format f. JSON is indented with two spaces and
// ends in a newline, as the command prints it; JWK and PEM hold exactly
// one key. o applies to PEM only: a passphrase given for another format
// is an error rather than silently ignored.
func EncodeKeys(set *KeySet, f KeyFormat, o PEMOptions) ([]byte, error) {
	if f != FormatPEM && (len(o.Passphrase) > 0 || o.Format != "") {
		return nil, newError(CodeInvalidArgument, "PEM options (format, passphrase) apply only to PEM, not %s", f)
	}
	switch f {
	case FormatJWKS:
		return indentJSON(set.MarshalJSON())
	case FormatPublicJWKS:
		pub := set.Public()
		if pub.Len() == 0 {
			return nil, newError(CodeInvalidKey, "the document holds only HMAC secrets, which are never published")
		}
		return indentJSON(pub.MarshalJSON())
	case FormatJWK, FormatPEM:
		if set.Len() != 1 {
			return nil, newError(CodeInvalidArgument, "the document holds %d keys; %s holds one", set.Len(), f)
		}
		if f == FormatPEM {
			return set.keys[0].MarshalPEM(o)
		}
		return indentJSON(set.keys[0].MarshalJWK())
	}
	return nil, newError(CodeInvalidArgument, "key format %q: want jwks, public-jwks, jwk or pem", string(f))
}

func indentJSON(b []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if json.Indent(&buf, b, "", "  ") != nil {
		return nil, newError(CodeInternal, "encoding keys: invalid JSON")
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// EncodeKeyPair writes a key and, unless it is an HMAC secret, its public
// part, both in format f (PEM, JWK or JWKS): what a key generator hands
// out. o applies to the private key; a public key in PEM is always SPKI,
// never encrypted.
func EncodeKeyPair(key *Key, f KeyFormat, o PEMOptions) (private, public []byte, err error) {
	if f == FormatPublicJWKS {
		return nil, nil, newError(CodeInvalidArgument, "a key pair is written as pem, jwk or jwks, with the public part beside it")
	}
	if private, err = EncodeKeys(&KeySet{keys: []*Key{key}}, f, o); err != nil {
		return nil, nil, err
	}
	if pub := key.Public(); pub != nil {
		if public, err = EncodeKeys(&KeySet{keys: []*Key{pub}}, f, PEMOptions{}); err != nil {
			return nil, nil, err
		}
	}
	return private, public, nil
}
