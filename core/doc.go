// Package core signs, verifies and inspects JSON Web Tokens (RFC 7519) and
// the compact JWS they travel in (RFC 7515), and reads, makes and writes
// their keys. It is pure Go, with no network, no files and no clock it
// cannot be told to replace, and it builds both natively and for
// GOOS=wasip1: the WebAssembly module of wasm/ is this package behind an
// ABI, and package host runs either.
//
// Most programs need three calls:
//
//	keys, err := core.ParseKeySet(jwks)                              // a JWKS, a JWK or PEM
//	v, err := core.NewVerifier(keys, core.Policy{Algorithms: []string{"RS256"}})
//	tok, err := v.Verify(token)                                      // any number of times, concurrently
//
// [NewVerifier] checks the [Policy] and compiles its rules once; [Verifier.Verify]
// then checks size, header, algorithm, key, signature, claims and access
// rules, and returns a read-only [Token]. The policy's algorithm list is
// required: the token's own "alg" never chooses how it is checked, and
// "none" is never accepted. A token that never expires is refused unless
// [Policy].AllowNoExpiry says otherwise.
//
// To issue tokens, build the claims with [BuildClaims] (or bring any JSON
// object) and call [Sign] with a private key or a secret; [SignJWS] signs
// any payload, and [Verifier.VerifyJWS] checks such tokens. To look at a
// token without trusting it, as a debugger or a linter would, use
// [Inspect]: it decodes without verifying and lists [Finding] values in
// the spirit of RFC 8725; [InspectWithKeys] adds what can be said about
// the key.
//
// # Keys
//
// [ParseKeySet] reads the keys a verifier uses; [ParseKey] reads one key
// ([WithPassphrase] for an encrypted PKCS#8 key), and [NewSecretKey] wraps
// an HMAC secret. [GenerateKey] makes a fresh key from [KeyParams] (see
// [KeyParamsFor] for the key that fits an algorithm). [EncodeKeys] writes
// a [KeySet] as a JWKS, the public JWKS to publish, a JWK or PEM, and
// [EncodeKeyPair] writes a new key and its public part as a key generator
// hands them out. Rotation never changes a set in place: [KeySet.Rotate],
// [KeySet.Stage], [KeySet.Retire] and [KeySet.Remove] return new sets, and
// [Verifier.UpdateKeys] hands a running verifier the new one.
//
// # Access rules
//
// [Policy].Require lists rules over the claims of a valid token, written
// as [ParseRule] reads them: role=admin, scope~read:orders,
// email_verified. A token that fails one is returned together with a
// [CodeForbidden] error, so that the caller can log who was refused.
//
// # The cache
//
// [WithCache] keeps verified tokens in a bounded LRU [TokenCache]; a hit
// skips parsing and the signature, and is served only while the token is
// within its validity window and the key set is the one that verified it.
// The cache is off by default. Hosts that verify elsewhere (the
// WebAssembly engine) keep a TokenCache of their own with
// [NewTokenCache], so that a hit never crosses the boundary.
//
// # Errors and codes
//
// Every failure is an [*Error] that carries a [Code], such as [CodeExpired]
// or [CodeBadSignature]. A Code is itself an error, so
//
//	if errors.Is(err, core.CodeExpired) { ... }
//
// works on any error from this package, and on joined errors that report
// several failed claim rules at once ([Error.Failures]). [CodeOf] gives the
// code of any error. Codes are stable: they cross the WebAssembly boundary
// as numbers and reach users as the names [Code.String] returns, so new
// codes are appended and none is ever renumbered. [Code.IsTokenRejection]
// tells a refused token from a caller's mistake. [Errorf], [WrapError] and
// [JoinErrors] are for hosts that report failures in core's terms; most
// programs won't need them.
//
// # Limits
//
// Each hostile input is bounded by a named constant, checked before the
// work it bounds: [DefaultMaxTokenSize] (a policy may raise it up to
// [MaxTokenSizeLimit]), [MaxJSONDepth], [MaxJSONValues], [MaxKeySetKeys],
// [MaxKeySetSize], [MaxRSABits], [MaxAudiences] and [MaxRuleLength].
// Keys below [MinRSABits] neither sign nor verify unless
// [Policy].AllowWeakKeys or [AllowWeakKeys] is set for a legacy issuer.
//
// # The verify-only build
//
// Built with the tag jwtwasm_lean, core reads PEM without crypto/x509:
// public keys only ("PUBLIC KEY", "RSA PUBLIC KEY"), read exactly as the
// full build reads them, while private keys and certificates in PEM are
// refused with [CodeUnsupported], and [Key.MarshalPEM] answers it too.
// JWKs and JWKS, private ones included, are read as always, and every
// verdict on a token is the same. Together with a program that calls only
// the verifying half of the API (ParseKeySet, NewVerifier, Verify,
// VerifyJWS, Inspect), the tag keeps crypto/x509, net, net/url and the
// PKCS #8 code out of the binary, which is how the verify-only
// WebAssembly module (wasm/blob/jwtwasm-verify.wasm) is built.
//
// # Signature code
//
// RSA and ES256 signatures are checked either by the standard library or by
// core's own verify-only code, which is several times faster inside
// WebAssembly; [WithCrypto] chooses, and the default, [CryptoAuto], takes
// the faster on each platform. Both give the same verdict on every input.
// [CheckSignature] is the bare check alone, for measuring; to accept a
// token, use a Verifier.
package core
