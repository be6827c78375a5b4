package core

import (
	"crypto"
	"crypto/elliptic"
	_ "crypto/sha256" // register the hashes the algorithms use
	_ "crypto/sha512"
)

// family groups algorithms that share a key type and a signature scheme.
type family uint8

const (
	famRSA   family = iota + 1 // RSASSA-PKCS1-v1_5
	famPSS                     // RSASSA-PSS
	famECDSA                   // ECDSA with R||S signatures
	famEdDSA                   // Ed25519
	famHMAC                    // HMAC with a shared secret
)

// algorithm describes one JWS "alg" value (RFC 7518 §3, RFC 8037 §3.1).
type algorithm struct {
	name   string
	family family
	hash   crypto.Hash // zero for EdDSA, which hashes internally
	curve  string      // the JWK "crv" an ECDSA key must have
	size   int         // ECDSA: bytes of R and of S
}

var algorithms = []*algorithm{
	{name: "RS256", family: famRSA, hash: crypto.SHA256},
	{name: "RS384", family: famRSA, hash: crypto.SHA384},
	{name: "RS512", family: famRSA, hash: crypto.SHA512},
	{name: "PS256", family: famPSS, hash: crypto.SHA256},
	{name: "PS384", family: famPSS, hash: crypto.SHA384},
	{name: "PS512", family: famPSS, hash: crypto.SHA512},
	{name: "ES256", family: famECDSA, hash: crypto.SHA256, curve: "P-256", size: 32},
	{name: "ES384", family: famECDSA, hash: crypto.SHA384, curve: "P-384", size: 48},
	{name: "ES512", family: famECDSA, hash: crypto.SHA512, curve: "P-521", size: 66},
	{name: "EdDSA", family: famEdDSA},
	{name: "HS256", family: famHMAC, hash: crypto.SHA256},
	{name: "HS384", family: famHMAC, hash: crypto.SHA384},
	{name: "HS512", family: famHMAC, hash: crypto.SHA512},
}

// lookupAlg returns the algorithm named name; "none" and unknown names
// are not algorithms.
func lookupAlg(name string) *algorithm {
	for _, a := range algorithms {
		if a.name == name {
			return a
		}
	}
	return nil
}

// Algorithms returns the names of every signature algorithm this package
// signs and verifies. "none" is not among them and never will be.
func Algorithms() []string {
	names := make([]string, len(algorithms))
	for i, a := range algorithms {
		names[i] = a.name
	}
	return names
}

// IsSymmetric reports whether alg is an HMAC algorithm, which needs a
// shared secret rather than a key pair.
func IsSymmetric(alg string) bool {
	a := lookupAlg(alg)
	return a != nil && a.family == famHMAC
}

func curveByName(name string) elliptic.Curve {
	switch name {
	case "P-256":
		return elliptic.P256()
	case "P-384":
		return elliptic.P384()
	case "P-521":
		return elliptic.P521()
	}
	return nil
}
