package pkcs8

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"fmt"
	"hash"
	"math/big"
)

// Object identifiers from RFC 8018 (PKCS #5 v2.1) and NIST's AES arc.
var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}

	oidHMACWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}

	oidAES128CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

// prfs lists the PBKDF2 pseudo-random functions Decrypt accepts. SHA-1 is
// here because RFC 8018 makes it the default when the PRF is omitted, and
// OpenSSL omits it in exactly that case.
var prfs = []struct {
	oid     asn1.ObjectIdentifier
	newHash func() hash.Hash
}{
	{oidHMACWithSHA1, sha1.New},
	{oidHMACWithSHA224, sha256.New224},
	{oidHMACWithSHA256, sha256.New},
	{oidHMACWithSHA384, sha512.New384},
	{oidHMACWithSHA512, sha512.New},
}

// ciphers lists the PBES2 encryption schemes Decrypt accepts, with the AES
// key size each one implies (PBKDF2's keyLength must agree with it).
var ciphers = []struct {
	oid     asn1.ObjectIdentifier
	keySize int
}{
	{oidAES128CBC, 16},
	{oidAES192CBC, 24},
	{oidAES256CBC, 32},
}

// Structures used only for encoding. Decoding is done element by element
// (see parse) because encoding/asn1's struct decoding silently ignores
// trailing elements in a SEQUENCE and cannot tell an absent optional field
// from a malformed one.

// algorithmIdentifier is the X.509 AlgorithmIdentifier.
type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

// encryptedPrivateKeyInfo is RFC 5958, section 3.
type encryptedPrivateKeyInfo struct {
	EncryptionAlgorithm algorithmIdentifier
	EncryptedData       []byte
}

// pbes2Params is RFC 8018, appendix A.4.
type pbes2Params struct {
	KeyDerivationFunc algorithmIdentifier
	EncryptionScheme  algorithmIdentifier
}

// pbkdf2Params is RFC 8018, appendix A.2, without keyLength: AES key sizes
// are implied by the cipher OID, so Encrypt leaves it out as the RFC allows.
type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	PRF            algorithmIdentifier
}

// pbes2 holds everything Decrypt needs once the DER has been validated, so
// that no work proportional to the iteration count starts before every
// field has been checked.
type pbes2 struct {
	newHash    func() hash.Hash
	salt       []byte
	iterations int
	keySize    int
	iv         []byte
	ciphertext []byte
}

// malformedf wraps ErrMalformed so that callers can use errors.Is while the
// message still says which field was wrong.
func malformedf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// parse validates an EncryptedPrivateKeyInfo and extracts the PBES2
// parameters. maxIterations is a parameter rather than MaxIterations so that
// the fuzz target can keep each execution cheap.
func parse(der []byte, maxIterations int) (*pbes2, error) {
	top, err := parseSequence(der, "encrypted private key info")
	if err != nil {
		return nil, err
	}
	if len(top) != 2 {
		return nil, malformedf("encrypted private key info has %d elements, want 2", len(top))
	}
	algOID, algParams, err := parseAlgorithmIdentifier(top[0], "encryption algorithm")
	if err != nil {
		return nil, err
	}
	ciphertext, err := parseOctetString(top[1], "encrypted data")
	if err != nil {
		return nil, err
	}
	if !algOID.Equal(oidPBES2) {
		return nil, fmt.Errorf("%w: encryption algorithm %s", ErrUnsupported, algOID)
	}
	if algParams == nil {
		return nil, malformedf("pbes2 parameters missing")
	}
	params, err := sequenceElements(*algParams, "pbes2 parameters")
	if err != nil {
		return nil, err
	}
	if len(params) != 2 {
		return nil, malformedf("pbes2 parameters have %d elements, want 2", len(params))
	}
	kdfOID, kdfParams, err := parseAlgorithmIdentifier(params[0], "key derivation")
	if err != nil {
		return nil, err
	}
	if !kdfOID.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("%w: key derivation %s", ErrUnsupported, kdfOID)
	}
	p := &pbes2{ciphertext: ciphertext}
	if err := parseEncryptionScheme(params[1], p); err != nil {
		return nil, err
	}
	if kdfParams == nil {
		return nil, malformedf("pbkdf2 parameters missing")
	}
	if err := parsePBKDF2Params(*kdfParams, p, maxIterations); err != nil {
		return nil, err
	}
	// CBC needs whole blocks, and PKCS #7 padding always adds at least one
	// byte, so an empty ciphertext cannot be valid either.
	if len(ciphertext) == 0 || len(ciphertext)%len(p.iv) != 0 {
		return nil, malformedf("encrypted data length %d is not a positive multiple of the block size", len(ciphertext))
	}
	return p, nil
}

// parseEncryptionScheme fills in the key size and IV.
func parseEncryptionScheme(v asn1.RawValue, p *pbes2) error {
	oid, params, err := parseAlgorithmIdentifier(v, "encryption scheme")
	if err != nil {
		return err
	}
	for _, c := range ciphers {
		if oid.Equal(c.oid) {
			p.keySize = c.keySize
		}
	}
	if p.keySize == 0 {
		return fmt.Errorf("%w: encryption scheme %s", ErrUnsupported, oid)
	}
	if params == nil {
		return malformedf("encryption scheme iv missing")
	}
	iv, err := parseOctetString(*params, "encryption scheme iv")
	if err != nil {
		return err
	}
	// AES has a 16-byte block whatever the key size.
	if len(iv) != 16 {
		return malformedf("iv is %d bytes, want 16", len(iv))
	}
	p.iv = iv
	return nil
}

// parsePBKDF2Params fills in the salt, iteration count and PRF. It must run
// after parseEncryptionScheme, which sets the key size keyLength is checked
// against.
func parsePBKDF2Params(v asn1.RawValue, p *pbes2, maxIterations int) error {
	elems, err := sequenceElements(v, "pbkdf2 parameters")
	if err != nil {
		return err
	}
	if len(elems) < 2 {
		return malformedf("pbkdf2 parameters have %d elements, want at least 2", len(elems))
	}

	// The salt is a CHOICE; otherSource is reserved by RFC 8018 for future
	// versions and nobody produces it.
	salt := elems[0]
	if salt.Class == asn1.ClassUniversal && salt.Tag == asn1.TagSequence && salt.IsCompound {
		return fmt.Errorf("%w: pbkdf2 salt source other than specified", ErrUnsupported)
	}
	if p.salt, err = parseOctetString(salt, "pbkdf2 salt"); err != nil {
		return err
	}
	if len(p.salt) == 0 {
		return malformedf("pbkdf2 salt is empty")
	}

	// Parsed as a big integer so that a count too large for an int still
	// reports ErrTooManyIterations rather than a generic decoding error.
	iter, err := parseInteger(elems[1], "pbkdf2 iteration count")
	if err != nil {
		return err
	}
	if iter.Sign() <= 0 {
		return malformedf("pbkdf2 iteration count %s is not positive", iter)
	}
	if !iter.IsInt64() || iter.Int64() > int64(maxIterations) {
		return fmt.Errorf("%w: %s exceeds the limit of %d", ErrTooManyIterations, iter, maxIterations)
	}
	p.iterations = int(iter.Int64())

	rest := elems[2:]
	if len(rest) > 0 && rest[0].Class == asn1.ClassUniversal && rest[0].Tag == asn1.TagInteger {
		keyLength, err := parseInteger(rest[0], "pbkdf2 key length")
		if err != nil {
			return err
		}
		if !keyLength.IsInt64() || keyLength.Int64() != int64(p.keySize) {
			return malformedf("pbkdf2 key length %s does not match the %d-byte cipher key", keyLength, p.keySize)
		}
		rest = rest[1:]
	}

	p.newHash = sha1.New // RFC 8018's DEFAULT algid-hmacWithSHA1
	if len(rest) > 0 {
		oid, params, err := parseAlgorithmIdentifier(rest[0], "pbkdf2 prf")
		if err != nil {
			return err
		}
		p.newHash = nil
		for _, f := range prfs {
			if oid.Equal(f.oid) {
				p.newHash = f.newHash
			}
		}
		if p.newHash == nil {
			return fmt.Errorf("%w: pseudo-random function %s", ErrUnsupported, oid)
		}
		// RFC 8018 says NULL, but absent parameters are common enough
		// in the wild for the same algorithms to be worth accepting.
		if params != nil && !isNull(*params) {
			return malformedf("pbkdf2 prf parameters are not NULL")
		}
		rest = rest[1:]
	}
	if len(rest) > 0 {
		return malformedf("pbkdf2 parameters have %d unexpected trailing elements", len(rest))
	}
	return nil
}

// isPrivateKeyInfo reports whether b is exactly one PrivateKeyInfo (RFC 5208)
// or OneAsymmetricKey (RFC 5958): version 0 or 1, an AlgorithmIdentifier and
// an OCTET STRING, then optional fields. Decrypt relies on this to catch the
// wrong passphrases whose garbage happens to end in valid padding.
func isPrivateKeyInfo(b []byte) bool {
	elems, err := parseSequence(b, "private key info")
	if err != nil || len(elems) < 3 {
		return false
	}
	version := elems[0]
	if version.Class != asn1.ClassUniversal || version.Tag != asn1.TagInteger || version.IsCompound ||
		len(version.Bytes) != 1 || version.Bytes[0] > 1 {
		return false
	}
	alg := elems[1]
	if alg.Class != asn1.ClassUniversal || alg.Tag != asn1.TagSequence || !alg.IsCompound {
		return false
	}
	key := elems[2]
	return key.Class == asn1.ClassUniversal && key.Tag == asn1.TagOctetString && !key.IsCompound
}

// parseSequence decodes der as one universal SEQUENCE with nothing after it
// and returns its elements.
func parseSequence(der []byte, what string) ([]asn1.RawValue, error) {
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(der, &v)
	if err != nil {
		return nil, malformedf("%s: %v", what, err)
	}
	if len(rest) != 0 {
		return nil, malformedf("%s: %d bytes of trailing data", what, len(rest))
	}
	return sequenceElements(v, what)
}

// sequenceElements splits the contents of a SEQUENCE into its elements.
// encoding/asn1 enforces DER lengths on each, so BER indefinite lengths are
// rejected here.
func sequenceElements(v asn1.RawValue, what string) ([]asn1.RawValue, error) {
	if v.Class != asn1.ClassUniversal || v.Tag != asn1.TagSequence || !v.IsCompound {
		return nil, malformedf("%s is not a SEQUENCE", what)
	}
	var elems []asn1.RawValue
	for b := v.Bytes; len(b) > 0; {
		var e asn1.RawValue
		var err error
		if b, err = asn1.Unmarshal(b, &e); err != nil {
			return nil, malformedf("%s: %v", what, err)
		}
		elems = append(elems, e)
	}
	return elems, nil
}

// parseAlgorithmIdentifier returns the OID and, if present, the parameters.
func parseAlgorithmIdentifier(v asn1.RawValue, what string) (asn1.ObjectIdentifier, *asn1.RawValue, error) {
	elems, err := sequenceElements(v, what)
	if err != nil {
		return nil, nil, err
	}
	if len(elems) < 1 || len(elems) > 2 {
		return nil, nil, malformedf("%s has %d elements, want 1 or 2", what, len(elems))
	}
	var oid asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(elems[0].FullBytes, &oid); err != nil {
		return nil, nil, malformedf("%s algorithm: %v", what, err)
	}
	if len(elems) == 1 {
		return oid, nil, nil
	}
	return oid, &elems[1], nil
}

// parseOctetString requires the primitive DER form; the constructed BER form
// is not allowed in DER.
func parseOctetString(v asn1.RawValue, what string) ([]byte, error) {
	if v.Class != asn1.ClassUniversal || v.Tag != asn1.TagOctetString || v.IsCompound {
		return nil, malformedf("%s is not an OCTET STRING", what)
	}
	return v.Bytes, nil
}

// parseInteger leaves the minimal-encoding checks to encoding/asn1.
func parseInteger(v asn1.RawValue, what string) (*big.Int, error) {
	var n *big.Int
	if _, err := asn1.Unmarshal(v.FullBytes, &n); err != nil {
		return nil, malformedf("%s: %v", what, err)
	}
	return n, nil
}

// isNull reports whether v is an ASN.1 NULL.
func isNull(v asn1.RawValue) bool {
	return v.Class == asn1.ClassUniversal && v.Tag == asn1.TagNull && !v.IsCompound && len(v.Bytes) == 0
}
