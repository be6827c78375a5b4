package core

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"slices"

	"github.com/jwtwasm/jwtwasm/core/internal/jwxkey"
)

// Key types, as in the JWK "kty" member (RFC 7518 §6.1, RFC 8037 §2).
const (
	KeyTypeRSA = "RSA"
	KeyTypeEC  = "EC"
	KeyTypeOKP = "OKP" // Ed25519
	KeyTypeOct = "oct" // a shared HMAC secret
)

// Key is a signing or verification key with its JWK metadata: a private
// key, a public key, or a shared secret. Keys are immutable; the With
// methods return modified copies.
type Key struct {
	kty    string
	kid    string
	ownKID bool   // kid came with the key (a JWK "kid", WithKeyID), not filled in
	alg    string // JWK "alg": the one algorithm the key is for, or ""
	use    string
	keyOps []string

	pub    crypto.PublicKey // *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey; nil for oct
	priv   crypto.Signer    // nil for public keys and for oct
	secret []byte           // oct only

	// fast is the key as the fast path needs it (RSA and EC keys only),
	// shared by the copies WithKeyID and the like make.
	fast *fastKey
}

// KeyParams says which key [GenerateKey] makes.
type KeyParams struct {
	// Type is KeyTypeRSA, KeyTypeEC, KeyTypeOKP or KeyTypeOct.
	Type string
	// Bits is the RSA modulus size (2048 by default; 3072 and 4096 also
	// allowed) or the secret size for oct (256 by default, 384, 512).
	Bits int
	// Curve is "P-256" (the default), "P-384" or "P-521" for EC, and
	// "Ed25519" (the default) for OKP.
	Curve string
	// Alg, if set, is the one algorithm the key is for: written as the
	// key's "alg", and it chooses Type, Bits and Curve where they are
	// empty (see [KeyParamsFor]).
	Alg string
	// KeyID replaces the key's default kid (see [GenerateKey]).
	KeyID string
	// Use is the key's "use" ("sig"); ignored for secrets, which are
	// never published.
	Use string
}

// KeyParamsFor returns the parameters of a key that fits alg, such as an
// EC P-384 key for ES384.
func KeyParamsFor(alg string) (KeyParams, error) {
	a := lookupAlg(alg)
	if a == nil {
		return KeyParams{}, newError(CodeInvalidArgument, "unknown algorithm %q", alg)
	}
	switch a.family {
	case famRSA, famPSS:
		return KeyParams{Type: KeyTypeRSA, Bits: 2048}, nil
	case famECDSA:
		return KeyParams{Type: KeyTypeEC, Curve: a.curve}, nil
	case famEdDSA:
		return KeyParams{Type: KeyTypeOKP, Curve: "Ed25519"}, nil
	default:
		return KeyParams{Type: KeyTypeOct, Bits: a.hash.Size() * 8}, nil
	}
}

// GenerateKey makes a fresh key from crypto/rand. Its key ID is its RFC 7638
// thumbprint, except for a secret, whose key ID is random (a thumbprint
// would be a hash of the secret); p.KeyID replaces either.
func GenerateKey(p KeyParams) (*Key, error) {
	if p.Alg != "" {
		fit, err := KeyParamsFor(p.Alg)
		if err != nil {
			return nil, err
		}
		if p.Type != "" && p.Type != fit.Type {
			return nil, newError(CodeInvalidArgument, "key type %s does not fit algorithm %s", p.Type, p.Alg)
		}
		p.Type = fit.Type
		if p.Bits == 0 {
			p.Bits = fit.Bits
		}
		if p.Curve == "" {
			p.Curve = fit.Curve
		}
	}
	key, err := generateKey(p)
	if err != nil {
		return nil, err
	}
	if p.Alg != "" {
		if key, err = key.WithAlgorithm(p.Alg); err != nil {
			return nil, err
		}
	}
	if p.KeyID != "" {
		key = key.WithKeyID(p.KeyID)
	}
	if p.Use != "" && key.Type() != KeyTypeOct {
		key = key.WithUse(p.Use)
	}
	return key, nil
}

func generateKey(p KeyParams) (*Key, error) {
	var raw any
	var err error
	switch p.Type {
	case KeyTypeRSA:
		bits := p.Bits
		if bits == 0 {
			bits = 2048
		}
		if bits != 2048 && bits != 3072 && bits != 4096 {
			return nil, newError(CodeInvalidArgument, "RSA key size %d: want 2048, 3072 or 4096", bits)
		}
		raw, err = rsa.GenerateKey(rand.Reader, bits)
	case KeyTypeEC:
		crv := p.Curve
		if crv == "" {
			crv = "P-256"
		}
		c := curveByName(crv)
		if c == nil {
			return nil, newError(CodeInvalidArgument, "EC curve %q: want P-256, P-384 or P-521", crv)
		}
		raw, err = ecdsa.GenerateKey(c, rand.Reader)
	case KeyTypeOKP:
		if p.Curve != "" && p.Curve != "Ed25519" {
			return nil, newError(CodeInvalidArgument, "OKP curve %q: want Ed25519", p.Curve)
		}
		_, raw, err = ed25519.GenerateKey(rand.Reader)
	case KeyTypeOct:
		bits := p.Bits
		if bits == 0 {
			bits = 256
		}
		if bits != 256 && bits != 384 && bits != 512 {
			return nil, newError(CodeInvalidArgument, "secret size %d bits: want 256, 384 or 512", bits)
		}
		secret := make([]byte, bits/8)
		_, err = rand.Read(secret)
		raw = secret
	default:
		return nil, newError(CodeInvalidArgument, "key type %q: want RSA, EC, OKP or oct", p.Type)
	}
	if err != nil {
		return nil, wrapError(CodeInternal, err, "generating key")
	}
	k, err := keyFromRaw(raw, jwxkey.Meta{})
	if err != nil {
		return nil, err
	}
	if k.kty == KeyTypeOct {
		k.kid = NewTokenID()
	}
	return k, nil
}

// NewSecretKey returns an HMAC key holding a copy of secret, with no key ID
// (see [Key.WithKeyID]). Signing and verifying refuse a secret shorter than the
// algorithm's hash output (RFC 7518 §3.2).
func NewSecretKey(secret []byte) (*Key, error) {
	if len(secret) == 0 {
		return nil, newError(CodeInvalidKey, "empty HMAC secret")
	}
	return keyFromRaw(bytes.Clone(secret), jwxkey.Meta{})
}

// keyFromRaw checks a standard library key and wraps it. A missing kid
// defaults to the thumbprint.
func keyFromRaw(raw any, meta jwxkey.Meta) (*Key, error) {
	k := &Key{kid: meta.KeyID, ownKID: meta.KeyID != "", alg: meta.Algorithm, use: meta.Use, keyOps: meta.KeyOps}
	switch r := raw.(type) {
	case *rsa.PrivateKey:
		if err := checkRSAPublic(&r.PublicKey); err != nil {
			return nil, err
		}
		if err := r.Validate(); err != nil {
			return nil, wrapError(CodeInvalidKey, err, "invalid RSA private key")
		}
		r.Precompute()
		k.kty, k.pub, k.priv = KeyTypeRSA, &r.PublicKey, r
	case *rsa.PublicKey:
		if err := checkRSAPublic(r); err != nil {
			return nil, err
		}
		k.kty, k.pub = KeyTypeRSA, r
	case *ecdsa.PrivateKey:
		if err := checkECPublic(&r.PublicKey); err != nil {
			return nil, err
		}
		d, err := r.ECDH()
		if err != nil {
			return nil, wrapError(CodeInvalidKey, err, "invalid EC private key")
		}
		p, _ := r.PublicKey.ECDH()
		if !d.PublicKey().Equal(p) {
			return nil, newError(CodeInvalidKey, "EC private key does not match its public point")
		}
		k.kty, k.pub, k.priv = KeyTypeEC, &r.PublicKey, r
	case *ecdsa.PublicKey:
		if err := checkECPublic(r); err != nil {
			return nil, err
		}
		k.kty, k.pub = KeyTypeEC, r
	case ed25519.PrivateKey:
		if len(r) != ed25519.PrivateKeySize {
			return nil, newError(CodeInvalidKey, "Ed25519 private key is %d bytes, want %d", len(r), ed25519.PrivateKeySize)
		}
		derived := ed25519.NewKeyFromSeed(r.Seed())
		if subtle.ConstantTimeCompare(derived, r) != 1 {
			return nil, newError(CodeInvalidKey, "Ed25519 private key does not match its public key")
		}
		k.kty, k.pub, k.priv = KeyTypeOKP, r.Public(), r
	case ed25519.PublicKey:
		if len(r) != ed25519.PublicKeySize {
			return nil, newError(CodeInvalidKey, "Ed25519 public key is %d bytes, want %d", len(r), ed25519.PublicKeySize)
		}
		k.kty, k.pub = KeyTypeOKP, r
	case []byte:
		if len(r) == 0 {
			return nil, newError(CodeInvalidKey, "empty HMAC secret")
		}
		k.kty, k.secret = KeyTypeOct, r
	default:
		return nil, newError(CodeInvalidKey, "unsupported key type %T", raw)
	}
	if k.kty == KeyTypeRSA || k.kty == KeyTypeEC {
		k.fast = &fastKey{}
	}
	if k.alg != "" {
		if a := lookupAlg(k.alg); a == nil || !k.fits(a) {
			return nil, newError(CodeInvalidKey, "key \"alg\" %q does not fit the key (%s)", k.alg, k.describe())
		}
	}
	// A secret's thumbprint is an unsalted hash of the secret: as a kid in
	// every token it would let anyone test guesses of a weak secret
	// offline. Secrets get a kid only if given one.
	if k.kid == "" && k.kty != KeyTypeOct {
		k.kid = k.Thumbprint()
	}
	return k, nil
}

func checkRSAPublic(pub *rsa.PublicKey) error {
	if pub.N == nil || pub.N.Sign() <= 0 {
		return newError(CodeInvalidKey, "RSA modulus is not positive")
	}
	if bits := pub.N.BitLen(); bits > MaxRSABits {
		return newError(CodeInvalidKey, "RSA modulus of %d bits is over the limit of %d (MaxRSABits)", bits, MaxRSABits)
	}
	if pub.E < 3 || pub.E%2 == 0 {
		return newError(CodeInvalidKey, "RSA public exponent %d is unsafe: want an odd number of at least 3", pub.E)
	}
	if hasROCAFingerprint(pub.N) {
		return newError(CodeWeakKey, "RSA modulus has the ROCA fingerprint (Infineon, CVE-2017-15361): its private key can be computed from it; replace the key")
	}
	return nil
}

func checkECPublic(pub *ecdsa.PublicKey) error {
	if pub.Curve == nil || curveByName(pub.Curve.Params().Name) == nil {
		return newError(CodeInvalidKey, "unsupported EC curve: want P-256, P-384 or P-521")
	}
	// ECDH conversion validates the point: on the curve, not at infinity.
	if _, err := pub.ECDH(); err != nil {
		return newError(CodeInvalidKey, "EC public key is not a point on %s", pub.Curve.Params().Name)
	}
	return nil
}

// Type returns the key's JWK "kty": KeyTypeRSA, KeyTypeEC, KeyTypeOKP or
// KeyTypeOct.
func (k *Key) Type() string { return k.kty }

// KeyID returns the key's "kid": as read, or its thumbprint if it had none
// (secrets, whose thumbprint would reveal a hash of them, keep "").
func (k *Key) KeyID() string { return k.kid }

// OwnKeyID reports whether the key's "kid" came with it (a JWK "kid", or
// [Key.WithKeyID]) rather than being filled in by this package: the
// thumbprint of a PEM key or of a JWK without "kid", or the random kid of a
// generated secret. A verifier whose only key has no kid of its own
// verifies tokens whatever their "kid" (see [Policy]).
func (k *Key) OwnKeyID() bool { return k.ownKID && k.kid != "" }

// Algorithm returns the key's JWK "alg", or "" if the key is not limited to
// one algorithm.
func (k *Key) Algorithm() string { return k.alg }

// Use returns the key's JWK "use" ("sig", "enc") or "".
func (k *Key) Use() string { return k.use }

// KeyOps returns the key's JWK "key_ops", or nil.
func (k *Key) KeyOps() []string { return slices.Clone(k.keyOps) }

// Curve returns the key's curve ("P-256", "P-384", "P-521", "Ed25519"), or
// "" for RSA and oct keys.
func (k *Key) Curve() string {
	switch p := k.pub.(type) {
	case *ecdsa.PublicKey:
		return p.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return ""
}

// Bits returns the key's size: the RSA modulus, the curve's field, or the
// secret, in bits.
func (k *Key) Bits() int {
	switch p := k.pub.(type) {
	case *rsa.PublicKey:
		return p.N.BitLen()
	case *ecdsa.PublicKey:
		return p.Curve.Params().BitSize
	case ed25519.PublicKey:
		return 256
	}
	return len(k.secret) * 8
}

// IsPrivate reports whether the key can sign: a private key or a secret.
func (k *Key) IsPrivate() bool { return k.priv != nil || k.secret != nil }

// PublicKey returns the standard library public key (*rsa.PublicKey,
// *ecdsa.PublicKey or ed25519.PublicKey), or nil for a secret.
func (k *Key) PublicKey() crypto.PublicKey { return k.pub }

// Public returns the key without its private part, or nil for a secret,
// which has no public part.
func (k *Key) Public() *Key {
	if k.kty == KeyTypeOct {
		return nil
	}
	if k.priv == nil {
		return k
	}
	c := *k
	c.priv = nil
	c.keyOps = publicOps(k.keyOps)
	return &c
}

// publicOps keeps the operations a public key can still do.
func publicOps(ops []string) []string {
	var out []string
	for _, op := range ops {
		if op == "verify" || op == "encrypt" || op == "wrapKey" {
			out = append(out, op)
		}
	}
	return out
}

// WithKeyID returns a copy of k with key ID kid.
func (k *Key) WithKeyID(kid string) *Key {
	c := *k
	c.kid, c.ownKID = kid, true
	return &c
}

// WithAlgorithm returns a copy of k limited to alg (the JWK "alg" member),
// or an error if alg does not fit the key.
func (k *Key) WithAlgorithm(alg string) (*Key, error) {
	a := lookupAlg(alg)
	if a == nil {
		return nil, newError(CodeInvalidArgument, "unknown algorithm %q", alg)
	}
	if !k.fits(a) {
		return nil, newError(CodeKeyMismatch, "algorithm %s does not fit the key (%s)", alg, k.describe())
	}
	c := *k
	c.alg = alg
	return &c, nil
}

// WithUse returns a copy of k with JWK "use" set to use ("sig" or "enc").
func (k *Key) WithUse(use string) *Key {
	c := *k
	c.use = use
	return &c
}

// fits reports whether the key's type and curve can be used with a; it
// does not look at use, key_ops or the key's own alg.
func (k *Key) fits(a *algorithm) bool {
	switch a.family {
	case famRSA, famPSS:
		return k.kty == KeyTypeRSA
	case famECDSA:
		return k.kty == KeyTypeEC && k.Curve() == a.curve
	case famEdDSA:
		return k.kty == KeyTypeOKP
	case famHMAC:
		return k.kty == KeyTypeOct
	}
	return false
}

// usableFor explains why the key may not verify (or sign) with a, or
// returns "" if it may. It adds use, key_ops and the key's alg to fits.
func (k *Key) usableFor(a *algorithm, op string) string {
	if !k.fits(a) {
		return fmt.Sprintf("%s key cannot be used with %s", k.describe(), a.name)
	}
	if k.alg != "" && k.alg != a.name {
		return fmt.Sprintf("key is for %s, not %s", k.alg, a.name)
	}
	if k.use != "" && k.use != "sig" {
		return fmt.Sprintf("key \"use\" is %q, not \"sig\"", k.use)
	}
	if k.keyOps != nil && !slices.Contains(k.keyOps, op) {
		return fmt.Sprintf("key \"key_ops\" %q lacks %q", k.keyOps, op)
	}
	return ""
}

// weakFor returns a CodeWeakKey error if the key is too weak for a.
func (k *Key) weakFor(a *algorithm) error {
	switch {
	case k.kty == KeyTypeRSA && k.Bits() < MinRSABits:
		return newError(CodeWeakKey, "RSA key %q has %d bits, under the minimum of %d", k.kid, k.Bits(), MinRSABits)
	case k.kty == KeyTypeOct && a != nil && len(k.secret) < a.hash.Size():
		return newError(CodeWeakKey, "HMAC secret %q has %d bytes, under the %d that %s needs (RFC 7518 §3.2)",
			k.kid, len(k.secret), a.hash.Size(), a.name)
	}
	return nil
}

// IsWeak reports why the key is too weak for use in any algorithm it fits,
// or "" if it is not: RSA under 2048 bits, or a secret under 256 bits.
func (k *Key) IsWeak() string {
	var a *algorithm
	if k.kty == KeyTypeOct {
		a = lookupAlg("HS256")
	}
	if err := k.weakFor(a); err != nil {
		return MessageOf(err)
	}
	return ""
}

func (k *Key) describe() string {
	switch k.kty {
	case KeyTypeRSA:
		return fmt.Sprintf("RSA %d", k.Bits())
	case KeyTypeEC:
		return "EC " + k.Curve()
	case KeyTypeOKP:
		return "Ed25519"
	}
	return "oct (HMAC secret)"
}

// DefaultAlgorithm returns the algorithm a signature with this key uses when
// none is asked for: the key's own "alg", else RS256, ES256/384/512, EdDSA
// or HS256.
func (k *Key) DefaultAlgorithm() string {
	if k.alg != "" {
		return k.alg
	}
	switch k.kty {
	case KeyTypeRSA:
		return "RS256"
	case KeyTypeEC:
		switch k.Curve() {
		case "P-384":
			return "ES384"
		case "P-521":
			return "ES512"
		}
		return "ES256"
	case KeyTypeOKP:
		return "EdDSA"
	}
	return "HS256"
}

func (k *Key) raw() any {
	switch {
	case k.secret != nil:
		return k.secret
	case k.priv != nil:
		return k.priv
	}
	return k.pub
}

// Thumbprint returns the key's RFC 7638 JWK SHA-256 thumbprint, base64url
// encoded. A private key has the thumbprint of its public key.
func (k *Key) Thumbprint() string {
	sum, err := jwxkey.Thumbprint(k.raw())
	if err != nil {
		// Every key that exists has passed keyFromRaw, whose types jwx
		// supports; reaching this is a bug.
		panic("core: thumbprint of a checked key failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

// MarshalJWK returns the key as a JWK (RFC 7517), private members included
// if the key has them. Use [Key.Public] first to publish a key.
func (k *Key) MarshalJWK() ([]byte, error) {
	b, err := jwxkey.Marshal(k.raw(), jwxkey.Meta{KeyID: k.kid, Algorithm: k.alg, Use: k.use, KeyOps: k.keyOps})
	if err != nil {
		return nil, wrapError(CodeInternal, err, "writing JWK")
	}
	return b, nil
}

// Equal reports whether k and other hold the same key material (public
// part, or secret), whatever their metadata.
func (k *Key) Equal(other *Key) bool {
	if k.kty != other.kty {
		return false
	}
	if k.kty == KeyTypeOct {
		return subtle.ConstantTimeCompare(k.secret, other.secret) == 1
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := k.pub.(equaler)
	return ok && e.Equal(other.pub)
}

// ParseKey reads one key: a JWK, or PEM holding one PKCS#1, PKCS#8
// (optionally encrypted), SEC1 or SPKI key or an X.509 certificate. For
// documents that may hold several keys, use [ParseKeySet].
func ParseKey(data []byte, opts ...KeyOption) (*Key, error) {
	set, err := ParseKeySet(data, opts...)
	if err != nil {
		return nil, err
	}
	if set.Len() != 1 {
		return nil, newError(CodeInvalidKey, "document holds %d keys, want one", set.Len())
	}
	return set.keys[0], nil
}

// KeyOption configures [ParseKey] and [ParseKeySet].
type KeyOption func(*keyOptions)

type keyOptions struct {
	passphrase []byte
}

// WithPassphrase decrypts an encrypted PKCS#8 private key with passphrase.
func WithPassphrase(passphrase []byte) KeyOption {
	return func(o *keyOptions) { o.passphrase = passphrase }
}

// KeyInfo describes a key for listings: what the command's thumbprint
// prints and what a host returns from a key document.
type KeyInfo struct {
	KeyID      string `json:"kid"`
	Thumbprint string `json:"thumbprint"`
	Type       string `json:"kty"`
	Bits       int    `json:"bits"`
	Curve      string `json:"crv,omitempty"`
	Private    bool   `json:"private"`
}

// Info describes k.
func (k *Key) Info() KeyInfo {
	return KeyInfo{KeyID: k.KeyID(), Thumbprint: k.Thumbprint(), Type: k.Type(), Bits: k.Bits(), Curve: k.Curve(), Private: k.IsPrivate()}
}
