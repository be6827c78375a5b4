package host

import (
	"context"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// Engine carries out jwtwasm's operations on keys and tokens. There are
// two: [Native] runs package core in this process, and a [Runtime] runs
// the same core compiled to WebAssembly, through wazero. Both take and
// return core's types and fail with *core.Error values carrying the same
// codes, so a program, a test or the jwtwasm command picks one and never
// sees how the other works.
//
// Keys are key documents, as [core.ParseKeySet] reads them: a JWKS, a JWK
// or PEM (keys, certificates, encrypted PKCS#8 with [WithPassphrase]).
//
// An Engine is safe for concurrent use.
type Engine interface {
	// Name is "native" or "wasm".
	Name() string
	// NewVerifier prepares a verifier for keys under policy p: keys are
	// parsed and the policy checked once, here, never per token.
	// Options: [WithPassphrase], [WithCache], [WithCrypto].
	NewVerifier(ctx context.Context, keys []byte, p core.Policy, opts ...CallOption) (Verifier, error)
	// NewSigner prepares the active key of keys (the first, private) for
	// signing. Options: [WithPassphrase].
	NewSigner(ctx context.Context, keys []byte, opts ...CallOption) (Signer, error)
	// Inspect decodes a token without verifying it, as [core.Inspect]
	// does. Options: [WithTime], [WithKeys] (with [WithPassphrase]),
	// [WithMaxTokenSize].
	Inspect(ctx context.Context, token string, opts ...CallOption) (*core.Inspection, error)
	// GenerateKey makes a key and writes it in format f (PEM, JWK or
	// JWKS), with its public part. Options: [WithPassphrase] and
	// [WithPEMFormat], for PEM only.
	GenerateKey(ctx context.Context, p core.KeyParams, f core.KeyFormat, opts ...CallOption) (*GeneratedKey, error)
	// ConvertKeys rewrites a key document in format f, as
	// [core.EncodeKeys] does. Options: [WithPassphrase] (to read keys),
	// [WithPEMFormat].
	ConvertKeys(ctx context.Context, keys []byte, f core.KeyFormat, opts ...CallOption) ([]byte, error)
	// Thumbprints describes each key of a document, with its RFC 7638
	// thumbprint. Options: [WithPassphrase].
	Thumbprints(ctx context.Context, keys []byte, opts ...CallOption) ([]core.KeyInfo, error)
	// Close releases what the engine holds. Later calls fail.
	Close(ctx context.Context) error
}

// Verifier verifies tokens with keys and a policy prepared once. It is
// safe for concurrent use.
type Verifier interface {
	// Verify checks a compact JWT as [core.Verifier.Verify] does. A
	// token that verifies but fails an access rule is returned with a
	// CodeForbidden error.
	Verify(ctx context.Context, token string) (*core.Token, error)
	// VerifyAt is Verify judging time as of now; the zero Time means the
	// clock.
	VerifyAt(ctx context.Context, token string, now time.Time) (*core.Token, error)
	// VerifyJWS checks a compact JWS whose payload is any bytes, as
	// [core.Verifier.VerifyJWS] does: no claim rules, no cache.
	VerifyJWS(ctx context.Context, token string) (*core.JWS, error)
	// Close frees the verifier; later calls fail with [ErrClosed].
	Close(ctx context.Context) error
}

// Signer signs with one key prepared once. It is safe for concurrent use.
type Signer interface {
	// KeyID is the signing key's kid, which tokens carry by default.
	KeyID() string
	// Sign signs claims, a JSON object as [core.BuildClaims] makes.
	// Options: [WithAlgorithm], [WithKeyID], [WithType], [AllowWeakKeys].
	Sign(ctx context.Context, claims []byte, opts ...CallOption) (string, error)
	// SignJWS signs payload, any bytes, as a compact JWS ([core.SignJWS]):
	// "typ" only if [WithType] sets one. Options as for Sign.
	SignJWS(ctx context.Context, payload []byte, opts ...CallOption) (string, error)
	// Close frees the signer; later calls fail with [ErrClosed].
	Close(ctx context.Context) error
}

// GeneratedKey is a new key, written as [Engine.GenerateKey] was asked.
type GeneratedKey struct {
	// Private is the key itself; Public its public part, empty for an
	// HMAC secret.
	Private, Public []byte
	Info            core.KeyInfo
}

// Verify verifies one token with keys and policy p on engine e: a
// verifier made, used once and closed. A program that verifies more than
// one token keeps a [Verifier] instead, so that keys are parsed once.
func Verify(ctx context.Context, e Engine, keys []byte, p core.Policy, token string, opts ...CallOption) (*core.Token, error) {
	v, err := e.NewVerifier(ctx, keys, p, opts...)
	if err != nil {
		return nil, err
	}
	defer v.Close(ctx)
	return v.Verify(ctx, token)
}

// Sign signs claims once with the active key of keys on engine e. Options
// are those of [Engine.NewSigner] and [Signer.Sign].
func Sign(ctx context.Context, e Engine, keys, claims []byte, opts ...CallOption) (string, error) {
	keyOpts, signOpts := splitOptions(opts, optPassphrase)
	s, err := e.NewSigner(ctx, keys, keyOpts...)
	if err != nil {
		return "", err
	}
	defer s.Close(ctx)
	return s.Sign(ctx, claims, signOpts...)
}
