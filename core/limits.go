package core

import "github.com/jwtwasm/jwtwasm/core/internal/jsonobj"

// Named limits. Each bounds the work that one hostile input can cause; each
// is tested at the limit and just past it.
const (
	// DefaultMaxTokenSize is the largest token, in bytes, a [Verifier]
	// accepts unless [Policy].MaxTokenSize says otherwise. It is checked
	// before any parsing. 16 KiB is far above real tokens (a few hundred
	// bytes to a few KiB) and far below what would hurt.
	DefaultMaxTokenSize = 16 << 10

	// MaxTokenSizeLimit is the largest [Policy].MaxTokenSize a verifier
	// takes: 4 MiB, the most the WebAssembly module takes in one call, so
	// that every engine accepts the same policies.
	MaxTokenSizeLimit = 4 << 20

	// MaxJSONDepth is the deepest nesting of objects and arrays accepted in
	// a header, a claims set or a key document.
	MaxJSONDepth = 32

	// MaxJSONValues is the largest number of object members and array
	// elements accepted in one header, claims set or key document.
	MaxJSONValues = 10000

	// MaxKeySetKeys is the largest number of keys accepted in one key set.
	// Identity providers publish two or three.
	MaxKeySetKeys = 100

	// MaxKeySetSize is the largest key set document, in bytes.
	MaxKeySetSize = 1 << 20

	// MaxRSABits is the largest RSA modulus accepted: verification time
	// grows with the square of the modulus size, so a key set with a huge
	// modulus would make every verification slow.
	MaxRSABits = 8192

	// MinRSABits is the smallest RSA modulus used for signing or verifying
	// unless the legacy option allows smaller (RFC 7518 §3.3).
	MinRSABits = 2048

	// MaxAudiences is the largest number of entries accepted in "aud".
	MaxAudiences = 100

	// MaxRuleLength is the longest access rule accepted, in bytes.
	MaxRuleLength = 1024
)

var jsonLimits = jsonobj.Limits{MaxDepth: MaxJSONDepth, MaxValues: MaxJSONValues}
