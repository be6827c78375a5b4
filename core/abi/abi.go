// Package abi is the wire contract between the jwtwasm WebAssembly module
// (built from wasm/) and the hosts that run it: export names, operation
// numbers, how results are packed and laid out, and the JSON shapes of
// requests and results. The guest and the Go host both import it; hosts in
// other languages follow wasm/ABI.md, which says the same in prose.
//
// # Calling convention
//
// The guest owns its memory. To pass bytes in, the host asks the guest for
// a buffer with [ExportAlloc], writes into it, and passes (ptr, len). Every
// operation returns one i64 that packs a result buffer as ptr<<32 | len
// (see [Pack]); the host reads the buffer and gives it back with
// [ExportFree]. Request buffers are the host's to free as well.
//
// A result buffer is one status byte followed by a JSON body:
//
//	byte 0     0 for success, else a core.Code (2 = malformed, 7 = bad_signature, ...)
//	bytes 1..  on success, the operation's result object;
//	           on failure, an [ErrorBody]
//
// For example, a verification that fails with bad_signature returns a
// packed value such as 0x0001_2340_0000_0051: 81 bytes at 0x12340, the
// first of which is 7.
//
// # Versioning
//
// [ExportVersion] returns [Version]. A host refuses a module whose version
// it does not know. Operations, codes and JSON members are only ever
// added; a change that would alter the meaning of an existing one takes a
// new version.
package abi

import (
	"encoding/json"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// Version is the ABI version this package describes.
const Version = 1

// Export names and signatures (wasm types in comments).
const (
	// ExportVersion: () -> i32. The module's ABI version.
	ExportVersion = "jwtwasm_abi_version"
	// ExportAlloc: (size i32) -> i32. A guest buffer of size bytes, kept
	// alive until freed; 0 if size is negative or over MaxAlloc.
	ExportAlloc = "jwtwasm_alloc"
	// ExportFree: (ptr i32) -> i32. Frees a buffer from ExportAlloc or a
	// result buffer; returns 0, or 1 if ptr is not a live buffer (a double
	// free or a stray pointer), which is then left alone.
	ExportFree = "jwtwasm_free"
	// ExportCall: (op i32, ptr i32, len i32) -> i64. Runs operation op on
	// the JSON request at [ptr, ptr+len) and returns a packed result.
	ExportCall = "jwtwasm_call"
	// ExportVerify: (handle i32, now_ms i64, ptr i32, len i32) -> i64. The
	// hot path: verifies the token bytes at [ptr, ptr+len) with a prepared
	// verifier. now_ms is the time to judge by, in Unix milliseconds, or 0
	// for the module's clock. The result body is a [VerifyResult].
	ExportVerify = "jwtwasm_verify"
	// ExportCheckSignature: (handle i32, ptr i32, len i32) -> i32. For
	// benchmarks: the bare signature check of the compact token at
	// [ptr, ptr+len) with the verifier's first key and first algorithm,
	// no header, policy or claims. 1 if it verifies, 0 if not, -1 for a
	// bad handle or input.
	ExportCheckSignature = "jwtwasm_check_signature"
	// ExportInput: (size i32) -> i32. The instance's input buffer, grown
	// to hold at least size bytes: one buffer per instance, reused by
	// every ExportVerifyInput call and never freed. Its address may
	// change when it grows; 0 if size is negative or over MaxAlloc.
	ExportInput = "jwtwasm_input"
	// ExportVerifyInput: (handle i32, now_ms i64, len i32) -> i64. The
	// hot path in one call: verifies the first len bytes of the input
	// buffer (ExportInput) with a prepared verifier, as ExportVerify
	// does, and returns a packed result that lives in a second per-
	// instance buffer, valid until the next call into the instance. The
	// host must not free it. On success the result is laid out in binary
	// (see [VerifiedLayout]) rather than JSON: the host reads header and
	// claims without a parse of the envelope. A failure is an
	// [ErrorBody], as for ExportVerify.
	ExportVerifyInput = "jwtwasm_verify_input"
)

// VerifiedLayout describes a successful ExportVerifyInput result:
//
//	byte  0       StatusOK
//	bytes 1..4    key_index, uint32 little-endian: the verifying key's
//	              position in the verifier's key set
//	bytes 5..8    header length H, uint32 little-endian
//	bytes 9..9+H  the header JSON, exactly as sent
//	the rest      the claims JSON, exactly as sent
//
// For example, a token verified by the set's second key with the header
// {"alg":"ES256"} (15 bytes) starts 00 01000000 0f000000 7b22616c67...
const VerifiedLayout = 9

// Exports lists every export with its wasm signature, for hosts that check
// a module's shape before using it.
var Exports = []Export{
	{ExportVersion, nil, []string{"i32"}, false},
	{ExportAlloc, []string{"i32"}, []string{"i32"}, false},
	{ExportFree, []string{"i32"}, []string{"i32"}, false},
	{ExportCall, []string{"i32", "i32", "i32"}, []string{"i64"}, false},
	{ExportVerify, []string{"i32", "i64", "i32", "i32"}, []string{"i64"}, false},
	{ExportCheckSignature, []string{"i32", "i32", "i32"}, []string{"i32"}, true},
	{ExportInput, []string{"i32"}, []string{"i32"}, false},
	{ExportVerifyInput, []string{"i32", "i64", "i32"}, []string{"i64"}, false},
}

// Export describes one exported function.
type Export struct {
	Name    string
	Params  []string
	Results []string
	// Optional exports may be missing; hosts then do without them.
	Optional bool
}

// MaxAlloc is the largest buffer ExportAlloc grants: requests carry key
// documents (core.MaxKeySetSize) with room for JSON escaping.
const MaxAlloc = 4 << 20

// Op numbers an operation of ExportCall.
type Op int32

// Operations.
const (
	// OpInspect: [InspectRequest] -> [InspectResult].
	OpInspect Op = 1
	// OpVerifierNew: [VerifierRequest] -> [HandleResult]. Prepares a
	// verifier (keys parsed, policy checked) for ExportVerify.
	OpVerifierNew Op = 2
	// OpVerifierFree: [HandleRequest] -> {}. A freed or unknown handle is
	// an invalid_argument error.
	OpVerifierFree Op = 3
	// OpSign: [SignRequest] -> [SignResult].
	OpSign Op = 4
	// OpKeygen: [KeygenRequest] -> [KeygenResult].
	OpKeygen Op = 5
	// OpConvertKeys: [ConvertRequest] -> [ConvertResult]: a key document
	// to a JWKS, a public JWKS, a JWK or PEM.
	OpConvertKeys Op = 6
	// OpThumbprint: [KeysRequest] -> [ThumbprintResult].
	OpThumbprint Op = 7
	// OpVerify: [VerifyRequest] -> [VerifyResult]; ExportVerify with a
	// JSON request, for hosts that prefer one calling convention.
	OpVerify Op = 8
	// OpSignerNew: [SignerRequest] -> [HandleResult]. Prepares the active
	// key of a key document for signing: parsed, decrypted and checked
	// once, then used by OpSign requests that name its handle.
	OpSignerNew Op = 9
	// OpSignerFree: [HandleRequest] -> {}.
	OpSignerFree Op = 10
	// OpVerifyJWS: [VerifyRequest] -> [JWSResult]. The JWS layer of a
	// prepared verifier: any payload bytes, no claim rules.
	OpVerifyJWS Op = 11
)

// Pack packs a result buffer's pointer and length into one i64.
func Pack(ptr, size uint32) uint64 { return uint64(ptr)<<32 | uint64(size) }

// Unpack is the inverse of Pack.
func Unpack(v uint64) (ptr, size uint32) { return uint32(v >> 32), uint32(v) }

// StatusOK is the status byte of a successful result.
const StatusOK = 0

// ErrorBody is the body of a failed result. Errors lists each failure when
// several claim rules failed at once (the status byte is the first's
// code). Header, Claims, KeyID and KeyIndex are set when the token
// verified but failed an access rule (code forbidden).
type ErrorBody struct {
	Message  string          `json:"message"`
	Errors   []ErrorItem     `json:"errors,omitempty"`
	Header   json.RawMessage `json:"header,omitempty"`
	Claims   json.RawMessage `json:"claims,omitempty"`
	KeyID    string          `json:"kid,omitempty"`
	KeyIndex *int            `json:"key_index,omitempty"`
}

// ErrorItem is one of several failures, with its code's name.
type ErrorItem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Policy is core.Policy on the wire. Durations are in milliseconds.
type Policy struct {
	Algorithms     []string `json:"algorithms"`
	Issuer         string   `json:"issuer,omitempty"`
	Audiences      []string `json:"audiences,omitempty"`
	Subject        string   `json:"subject,omitempty"`
	RequiredClaims []string `json:"required_claims,omitempty"`
	LeewayMillis   int64    `json:"leeway_ms,omitempty"`
	MaxAgeMillis   int64    `json:"max_age_ms,omitempty"`
	AllowNoExpiry  bool     `json:"allow_no_expiry,omitempty"`
	MaxTokenSize   int      `json:"max_token_size,omitempty"`
	Critical       []string `json:"critical,omitempty"`
	Require        []string `json:"require,omitempty"`
	AllowWeakKeys  bool     `json:"allow_weak_keys,omitempty"`
	IgnoreAudience bool     `json:"ignore_audience,omitempty"`
	KeyID          string   `json:"key_id,omitempty"`
}

// PolicyFrom converts a core.Policy for the wire. Durations are truncated
// to whole milliseconds.
func PolicyFrom(p core.Policy) Policy {
	return Policy{
		Algorithms:     p.Algorithms,
		Issuer:         p.Issuer,
		Audiences:      p.Audiences,
		Subject:        p.Subject,
		RequiredClaims: p.RequiredClaims,
		LeewayMillis:   p.Leeway.Milliseconds(),
		MaxAgeMillis:   p.MaxAge.Milliseconds(),
		AllowNoExpiry:  p.AllowNoExpiry,
		MaxTokenSize:   p.MaxTokenSize,
		Critical:       p.Critical,
		Require:        p.Require,
		AllowWeakKeys:  p.AllowWeakKeys,
		IgnoreAudience: p.IgnoreAudience,
		KeyID:          p.KeyID,
	}
}

// Core converts the wire policy back.
func (p Policy) Core() core.Policy {
	return core.Policy{
		Algorithms:     p.Algorithms,
		Issuer:         p.Issuer,
		Audiences:      p.Audiences,
		Subject:        p.Subject,
		RequiredClaims: p.RequiredClaims,
		Leeway:         time.Duration(p.LeewayMillis) * time.Millisecond,
		MaxAge:         time.Duration(p.MaxAgeMillis) * time.Millisecond,
		AllowNoExpiry:  p.AllowNoExpiry,
		MaxTokenSize:   p.MaxTokenSize,
		Critical:       p.Critical,
		Require:        p.Require,
		AllowWeakKeys:  p.AllowWeakKeys,
		IgnoreAudience: p.IgnoreAudience,
		KeyID:          p.KeyID,
	}
}

// KeysRequest names a key document: PEM, a JWK or a JWKS, as text.
type KeysRequest struct {
	Keys       string `json:"keys"`
	Passphrase string `json:"passphrase,omitempty"`
}

// VerifierRequest prepares a verifier.
type VerifierRequest struct {
	KeysRequest
	Policy Policy `json:"policy"`
	// Cache is the size of the verified-token cache; 0 for none.
	Cache int `json:"cache,omitempty"`
	// Crypto chooses the signature code for RSA and ES256: "fast", "stdlib",
	// or empty for the default ("fast" inside the module); see
	// core.WithCrypto. Added in ABI 1 without a version change: an older
	// module refuses the unknown member.
	Crypto string `json:"crypto,omitempty"`
	// ReturnKeys asks for the key set back in the result, decrypted and
	// as a plain JWKS, so that a host prepares the same verifier in its
	// other instances without running a passphrase's KDF again.
	ReturnKeys bool `json:"return_keys,omitempty"`
}

// SignerRequest prepares a signer (OpSignerNew).
type SignerRequest struct {
	KeysRequest
	// ReturnKeys: as in [VerifierRequest].
	ReturnKeys bool `json:"return_keys,omitempty"`
}

// HandleResult carries the handle of a prepared verifier or signer.
type HandleResult struct {
	Handle int32 `json:"handle"`
	// Keys is the key set as a plain JWKS, when the request asked for it.
	Keys string `json:"keys,omitempty"`
	// KeyID is a signer's kid.
	KeyID string `json:"kid,omitempty"`
}

// HandleRequest names a verifier handle.
type HandleRequest struct {
	Handle int32 `json:"handle"`
}

// VerifyRequest is OpVerify's request.
type VerifyRequest struct {
	Handle int32  `json:"handle"`
	Token  string `json:"token"`
	// NowMillis judges the token as of this Unix time in milliseconds; 0
	// for the module's clock.
	NowMillis int64 `json:"now,omitempty"`
}

// VerifyResult is a verified token: its header and claims exactly as sent,
// and the key that verified it, by kid and by position in the verifier's
// key set (kids need not be unique among secrets).
type VerifyResult struct {
	Header   json.RawMessage `json:"header"`
	Claims   json.RawMessage `json:"claims"`
	KeyID    string          `json:"kid"`
	KeyIndex int             `json:"key_index"`
}

// JWSResult is a verified JWS: its header as sent, its payload in
// base64url without padding (any bytes), and the key that verified it.
type JWSResult struct {
	Header   json.RawMessage `json:"header"`
	Payload  string          `json:"payload"`
	KeyID    string          `json:"kid"`
	KeyIndex int             `json:"key_index"`
}

// InspectRequest is OpInspect's request.
type InspectRequest struct {
	Token string `json:"token"`
	// Key, if set, is a key document whose key (by the token's kid, else
	// the first) is checked for strength and fit.
	Key        string `json:"key,omitempty"`
	Passphrase string `json:"passphrase,omitempty"`
	NowMillis  int64  `json:"now,omitempty"`
	MaxSize    int    `json:"max_size,omitempty"`
}

// InspectResult is what inspection found.
type InspectResult struct {
	Header        json.RawMessage  `json:"header"`
	Claims        json.RawMessage  `json:"claims,omitempty"`
	Payload       string           `json:"payload,omitempty"` // when not a claims set
	SignatureSize int              `json:"signature_size"`
	Dates         []core.DateClaim `json:"dates"`
	Findings      []core.Finding   `json:"findings"`
}

// SignRequest signs a claims set with the active key of a key document,
// or with a signer prepared by OpSignerNew (Handle, instead of Keys).
type SignRequest struct {
	KeysRequest
	Handle int32           `json:"handle,omitempty"`
	Claims json.RawMessage `json:"claims,omitempty"`
	// Payload, base64url without padding, signs any bytes as a JWS
	// instead of Claims as a JWT (no "typ" unless Type sets one).
	Payload string `json:"payload,omitempty"`
	Alg     string `json:"alg,omitempty"`
	// KeyID and Type override the header's kid and typ; nil keeps the
	// defaults (the key's kid, "JWT"), "" leaves them out.
	KeyID         *string `json:"kid,omitempty"`
	Type          *string `json:"typ,omitempty"`
	AllowWeakKeys bool    `json:"allow_weak_keys,omitempty"`
}

// SignResult is a signed token.
type SignResult struct {
	Token string `json:"token"`
}

// KeygenRequest makes a key.
type KeygenRequest struct {
	Type  string `json:"type,omitempty"` // RSA, EC, OKP, oct; from Alg if empty
	Bits  int    `json:"bits,omitempty"`
	Curve string `json:"curve,omitempty"`
	Alg   string `json:"alg,omitempty"`
	KeyID string `json:"kid,omitempty"`
	Use   string `json:"use,omitempty"`
	// Format is "pem", "jwk" or "jwks"; PEMFormat and Passphrase apply
	// to PEM.
	Format     string `json:"format"`
	PEMFormat  string `json:"pem_format,omitempty"`
	Passphrase string `json:"passphrase,omitempty"`
}

// KeygenResult holds the new key, private and public, in the asked format.
type KeygenResult struct {
	Private string `json:"private"`
	Public  string `json:"public,omitempty"` // empty for secrets
	KeyID   string `json:"kid"`
	Type    string `json:"kty"`
	Bits    int    `json:"bits"`
	Curve   string `json:"crv,omitempty"`
	// Thumbprint is the key's RFC 7638 thumbprint (added in ABI 1).
	Thumbprint string `json:"thumbprint,omitempty"`
}

// ConvertRequest converts a key document.
type ConvertRequest struct {
	KeysRequest
	// To is "jwks", "public-jwks", "jwk" (one key) or "pem" (one key).
	To        string `json:"to"`
	PEMFormat string `json:"pem_format,omitempty"`
}

// ConvertResult is the converted document.
type ConvertResult struct {
	Output string `json:"output"`
}

// ThumbprintResult lists each key's RFC 7638 thumbprint.
type ThumbprintResult struct {
	Keys []KeyInfo `json:"keys"`
}

// KeyInfo describes one key; the same as core.KeyInfo.
type KeyInfo = core.KeyInfo
