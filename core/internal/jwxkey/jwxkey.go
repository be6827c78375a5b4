// Package jwxkey reads and writes single JWKs (RFC 7517, 7518, 8037) and
// computes RFC 7638 thumbprints. Everything else in core works on standard
// library key types.
//
// It has two implementations of the same three functions: [JWX], which
// calls jwx/v2, and [Own], which uses only the standard library and
// jsonobj. Native builds use JWX; the WebAssembly module (GOOS=wasip1)
// uses Own, because jwx's jwk package and what it imports (net/http,
// regexp, mime, its own reflection-heavy JSON) made up a large part of the
// module, and wazero decodes and validates all of it at every start. Own
// is built and tested on every platform: core's differential test
// (jwkcodec_test.go, FuzzJWKCodecs) holds it to jwx's verdicts, key
// material, metadata and thumbprints, with a short list of known
// differences where Own follows the RFCs more strictly. Natively, a JWK
// must pass Own before jwx reads it, so that both engines accept the same
// keys and refuse the rest with the same message.
package jwxkey

// Meta is the part of a JWK that is not key material.
type Meta struct {
	KeyID     string
	Algorithm string
	Use       string
	KeyOps    []string
}

// Codec is one implementation of the package's functions.
type Codec struct {
	// Name names the implementation in test output: "jwx" or "own".
	Name string
	// Parse reads one JWK and returns its key as a standard library value
	// (*rsa.PrivateKey, *rsa.PublicKey, *ecdsa.PrivateKey,
	// *ecdsa.PublicKey, ed25519.PrivateKey, ed25519.PublicKey, or []byte
	// for "oct") and its metadata.
	Parse func(data []byte) (any, Meta, error)
	// Marshal writes raw (a key as Parse returns it) and meta as a JWK,
	// members sorted by name.
	Marshal func(raw any, meta Meta) ([]byte, error)
	// Thumbprint returns the RFC 7638 SHA-256 thumbprint of raw's public
	// part.
	Thumbprint func(raw any) ([]byte, error)
}

// Parse reads one JWK with the codec of this build; see [Codec].
func Parse(data []byte) (any, Meta, error) { return selected.Parse(data) }

// Marshal writes a key as a JWK with the codec of this build; see [Codec].
func Marshal(raw any, meta Meta) ([]byte, error) { return selected.Marshal(raw, meta) }

// Thumbprint returns a key's RFC 7638 SHA-256 thumbprint with the codec of
// this build; see [Codec].
func Thumbprint(raw any) ([]byte, error) { return selected.Thumbprint(raw) }

// coordinateSize returns the size in bytes of a coordinate (and of the
// private scalar) of the named curve, or 0 for a curve this package does
// not support.
func coordinateSize(crv string) int {
	switch crv {
	case "P-256":
		return 32
	case "P-384":
		return 48
	case "P-521":
		return 66
	}
	return 0
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
