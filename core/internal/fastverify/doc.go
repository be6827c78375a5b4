// Package fastverify verifies RSA (PKCS #1 v1.5 and PSS) and ECDSA P-256
// signatures faster than crypto/rsa and crypto/ecdsa do when compiled to
// WebAssembly (GOOS=wasip1 GOARCH=wasm), where the standard library runs
// without its assembly.
//
// Most callers need two calls per key type: prepare the key once with
// [NewRSAPublicKey] or [NewP256PublicKey], keep it, and verify with
// [RSAPublicKey.VerifyPKCS1v15], [RSAPublicKey.VerifyPSS] or
// [P256PublicKey.Verify]. Prepared keys are immutable and safe for
// concurrent use.
//
// # Strictness
//
// Each Verify method accepts exactly the signatures its standard-library
// counterpart accepts, for keys that the constructor accepts:
//
//   - [RSAPublicKey.VerifyPKCS1v15] as rsa.VerifyPKCS1v15 with a SHA-2 hash;
//   - [RSAPublicKey.VerifyPSS] as rsa.VerifyPSS with
//     PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}, the salt length
//     RFC 7518 §3.5 requires of PS256, PS384 and PS512;
//   - [P256PublicKey.Verify] as ecdsa.Verify on P-256.
//
// The tests check this against the standard library with random keys, edge
// values, the Wycheproof vectors and fuzzing. The constructors refuse some
// keys the standard library would take (RSA moduli over 8192 bits, curves
// other than P-256); callers use the standard library for those, which is
// why the constructors return errors rather than a key that refuses
// everything.
//
// # Timing
//
// Verification handles only public data: the key, the message and the
// signature. The code therefore branches and indexes tables on that data
// (variable-time arithmetic, wNAF digits, early exits). That is safe for
// verification, where the risk is accepting a forgery, not leaking a
// secret. Never use this code with secret inputs.
//
// # Why is it faster?
//
// WebAssembly has no 64×64→128-bit multiply: math/bits.Mul64 is emulated,
// and the standard library's Montgomery code (crypto/internal/fips140/bigmod)
// builds products from 32-bit halves instead, but makes two passes over
// the limbs per row, one limb per loop iteration, and its elliptic-curve
// code works in constant time. This package
//
//   - fuses the two products of a Montgomery step into one pass (CIOS),
//     unrolled in blocks of eight limbs with constant offsets, and builds
//     each 128-bit product from four 32×32→64 multiplies, splitting the
//     word that is constant across a row once (on other platforms
//     math/bits.Mul64, an instruction there, is used instead);
//   - keeps R² mod n and −n⁻¹ mod 2⁶⁴ in the prepared RSA key, and leaves
//     Montgomery form for free in the last multiplication (e = 65537 is 17
//     multiplications after the conversion into Montgomery form);
//   - computes P-256 field products on 32-bit words with 64-bit
//     accumulators, so that no carry has to be emulated, and reduces with
//     the Solinas identities of the NIST prime;
//   - computes u1·G + u2·Q with one interleaved wNAF (Shamir's trick), from a
//     wide table of G built once for the process and a table of Q built
//     with the key, and checks x(R) against r without inverting Z.
//
// Natively, the standard library uses assembly on the common platforms:
// its P-256 is about three times as fast as this package's, while for RSA
// this package costs about the same CPU time (keeping R² mod n saves what
// the assembly gains) and allocates nothing where crypto/rsa allocates for
// every verification, so core uses it natively for RSA alone.
package fastverify
