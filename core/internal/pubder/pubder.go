// Package pubder reads public keys from DER: a SubjectPublicKeyInfo (RFC
// 5280 §4.1.2.7, the PEM type "PUBLIC KEY") and a PKCS #1 RSAPublicKey
// (RFC 8017 §A.1.1, "RSA PUBLIC KEY"). It is what the verify-only build of
// core (build tag jwtwasm_lean) reads PEM with, in place of crypto/x509,
// which brings certificate parsing, net and net/url into a module.
//
// For the keys core uses (RSA, ECDSA on P-256, P-384 and P-521, Ed25519)
// it accepts exactly what [x509.ParsePKIXPublicKey] and
// [x509.ParsePKCS1PublicKey] accept, quirks included: like encoding/asn1,
// it ignores elements after the last one it reads in a SEQUENCE, and like
// crypto/x509 it ignores bytes after an RSA key inside the BIT STRING. It
// refuses every other key type. Its tests and FuzzAgainstX509 hold it to
// crypto/x509 on the same bytes; only the messages differ.
package pubder

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"math/big"
)

// DER tags of the elements read here (universal class, one byte).
const (
	tagInteger   = 0x02
	tagBitString = 0x03
	tagOID       = 0x06
	tagSequence  = 0x30
)

// DER encodings of the algorithm and curve identifiers, tag and length
// included. An OID has one DER encoding, so comparing bytes is comparing
// OIDs.
var (
	oidRSA     = []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01} // 1.2.840.113549.1.1.1
	oidEC      = []byte{0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}             // 1.2.840.10045.2.1
	oidEd25519 = []byte{0x06, 0x03, 0x2b, 0x65, 0x70}                                     // 1.3.101.112
	oidP256    = []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}       // 1.2.840.10045.3.1.7
	oidP384    = []byte{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22}                         // 1.3.132.0.34
	oidP521    = []byte{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23}                         // 1.3.132.0.35
	derNull    = []byte{0x05, 0x00}
)

// element reads one DER element from b as encoding/asn1 does: a one-byte
// tag (no element read here has a high tag number, so those are refused)
// and a definite length in its shortest form.
func element(b []byte) (tag byte, contents, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, errors.New("truncated DER element")
	}
	tag = b[0]
	if tag&0x1f == 0x1f {
		return 0, nil, nil, errors.New("unexpected DER tag")
	}
	n := int(b[1])
	b = b[2:]
	if n&0x80 != 0 {
		count := n & 0x7f
		if count == 0 {
			return 0, nil, nil, errors.New("indefinite length (not DER)")
		}
		n = 0
		for range count {
			if len(b) == 0 {
				return 0, nil, nil, errors.New("truncated DER element")
			}
			if n >= 1<<23 {
				return 0, nil, nil, errors.New("DER length too large")
			}
			n = n<<8 | int(b[0])
			b = b[1:]
			if n == 0 {
				return 0, nil, nil, errors.New("DER length with leading zeros")
			}
		}
		if n < 0x80 {
			return 0, nil, nil, errors.New("DER length not in its shortest form")
		}
	}
	if n > len(b) {
		return 0, nil, nil, errors.New("truncated DER element")
	}
	return tag, b[:n], b[n:], nil
}

// expect reads one element of the given tag from b.
func expect(b []byte, tag byte, what string) (contents, rest []byte, err error) {
	if len(b) == 0 {
		return nil, nil, errors.New(what + " is missing")
	}
	t, contents, rest, err := element(b)
	if err != nil {
		return nil, nil, err
	}
	if t != tag {
		return nil, nil, errors.New(what + " has the wrong DER tag")
	}
	return contents, rest, nil
}

// integer checks a DER INTEGER's contents: not empty, shortest form.
func integer(b []byte, what string) error {
	if len(b) == 0 || len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
		return errors.New(what + " is not a DER INTEGER")
	}
	return nil
}

// rsaKey reads an RSAPublicKey SEQUENCE's contents: modulus and public
// exponent, which must be positive, the exponent at most 64 bits. What
// follows them is ignored, as encoding/asn1 and cryptobyte both do.
func rsaKey(seq []byte) (*rsa.PublicKey, error) {
	n, rest, err := expect(seq, tagInteger, "RSA modulus")
	if err != nil {
		return nil, err
	}
	if err := integer(n, "RSA modulus"); err != nil {
		return nil, err
	}
	e, _, err := expect(rest, tagInteger, "RSA public exponent")
	if err != nil {
		return nil, err
	}
	if err := integer(e, "RSA public exponent"); err != nil {
		return nil, err
	}
	if len(e) > 8 {
		return nil, errors.New("RSA public exponent over 64 bits")
	}
	if n[0]&0x80 != 0 || len(n) == 1 && n[0] == 0 {
		return nil, errors.New("RSA modulus is not a positive number")
	}
	if e[0]&0x80 != 0 || len(e) == 1 && e[0] == 0 {
		return nil, errors.New("RSA public exponent is not a positive number")
	}
	var exp int64
	for _, c := range e {
		exp = exp<<8 | int64(c)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp)}, nil
}

// ParsePKCS1 reads a PKCS #1 RSAPublicKey, as [x509.ParsePKCS1PublicKey]
// does: nothing may follow it, and its exponent must fit in 31 bits.
func ParsePKCS1(der []byte) (*rsa.PublicKey, error) {
	seq, rest, err := expect(der, tagSequence, "RSA public key")
	if err != nil {
		if _, perr := ParsePKIX(der); perr == nil {
			return nil, errors.New("not a PKCS #1 public key but a SubjectPublicKeyInfo: use the PEM type \"PUBLIC KEY\"")
		}
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("trailing data after the RSA public key")
	}
	pub, err := rsaKey(seq)
	if err != nil {
		return nil, err
	}
	if pub.E > 1<<31-1 {
		return nil, errors.New("RSA public exponent over 31 bits")
	}
	return pub, nil
}

// ParsePKIX reads a SubjectPublicKeyInfo holding an RSA, ECDSA (P-256,
// P-384, P-521) or Ed25519 key, as [x509.ParsePKIXPublicKey] does; it
// returns *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey.
func ParsePKIX(der []byte) (any, error) {
	spki, rest, err := expect(der, tagSequence, "public key info")
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("trailing data after the public key info")
	}
	algID, spki, err := expect(spki, tagSequence, "public key algorithm")
	if err != nil {
		return nil, err
	}
	_, params, err := expect(algID, tagOID, "public key algorithm OID")
	if err != nil {
		return nil, err
	}
	oid := algID[:len(algID)-len(params)]
	if len(params) != 0 {
		// The parameters are one element of any tag; more after it are
		// ignored, as encoding/asn1 ignores them.
		_, _, after, err := element(params)
		if err != nil {
			return nil, err
		}
		params = params[:len(params)-len(after)]
	}
	bits, _, err := expect(spki, tagBitString, "public key BIT STRING")
	if err != nil {
		return nil, err
	}
	data, err := bitString(bits)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.Equal(oid, oidRSA):
		if !bytes.Equal(params, derNull) {
			return nil, errors.New("RSA key without NULL parameters")
		}
		seq, _, err := expect(data, tagSequence, "RSA public key")
		if err != nil {
			return nil, err
		}
		return rsaKey(seq)
	case bytes.Equal(oid, oidEC):
		var curve elliptic.Curve
		switch {
		case bytes.Equal(params, oidP256):
			curve = elliptic.P256()
		case bytes.Equal(params, oidP384):
			curve = elliptic.P384()
		case bytes.Equal(params, oidP521):
			curve = elliptic.P521()
		default:
			return nil, errors.New("unsupported EC curve: want P-256, P-384 or P-521")
		}
		return ecdsa.ParseUncompressedPublicKey(curve, data)
	case bytes.Equal(oid, oidEd25519):
		if len(params) != 0 {
			return nil, errors.New("Ed25519 key with parameters")
		}
		if len(data) != ed25519.PublicKeySize {
			return nil, errors.New("Ed25519 public key of the wrong size")
		}
		return ed25519.PublicKey(data), nil
	}
	return nil, errors.New("unsupported public key algorithm: want RSA, EC or Ed25519")
}

// bitString returns a DER BIT STRING's bits right-aligned, as
// encoding/asn1's BitString.RightAlign does: keys are whole bytes, but an
// encoding that says otherwise is read the way crypto/x509 reads it.
func bitString(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, errors.New("empty BIT STRING")
	}
	pad := b[0]
	if pad > 7 || len(b) == 1 && pad > 0 || b[len(b)-1]&(1<<pad-1) != 0 {
		return nil, errors.New("invalid padding bits in BIT STRING")
	}
	b = b[1:]
	if pad == 0 || len(b) == 0 {
		return b, nil
	}
	shift := pad // 8 - BitLength%8, BitLength being 8*len(b) - pad
	out := make([]byte, len(b))
	out[0] = b[0] >> shift
	for i := 1; i < len(b); i++ {
		out[i] = b[i-1]<<(8-shift) | b[i]>>shift
	}
	return out, nil
}
