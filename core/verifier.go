package core

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Verifier checks tokens against a key set and a [Policy]. It is built once
// (keys parsed, policy checked, rules compiled) and then used for any number
// of tokens; it is safe for concurrent use.
type Verifier struct {
	policy Policy
	algs   []*algorithm
	rules  []Rule
	now    func() time.Time
	keys   atomic.Pointer[keyState]
	cache  *TokenCache // nil when caching is off
	fast   fastPaths   // the fast path for RSA and ES256 (WithCrypto)
}

// keyState is the key set in force; its generation changes with every
// UpdateKeys so that cached verdicts from older keys are not served.
type keyState struct {
	set *KeySet
	gen uint64
}

// VerifierOption configures [NewVerifier].
type VerifierOption func(*verifierOptions)

type verifierOptions struct {
	now       func() time.Time
	cacheSize int
	crypto    string
}

// WithClock makes the verifier judge time by now instead of time.Now, for
// tests and for judging a token as of a given moment.
func WithClock(now func() time.Time) VerifierOption {
	return func(o *verifierOptions) { o.now = now }
}

// WithCache keeps up to size verified tokens, keyed by a hash of the whole
// token (and compared in full, so a hash collision cannot return another
// token's claims). A hit skips parsing and the signature check, and is
// served only while the token is within its validity window and the key
// set is the one that verified it. 0 disables the cache (the default).
func WithCache(size int) VerifierOption {
	return func(o *verifierOptions) { o.cacheSize = size }
}

// Token is a verified token. The caller owns it: a verifier with a cache
// hands each caller of the same token its own copy. The JSON behind
// [Header.JSON] and [Claims.JSON] is shared between copies and must not be
// modified.
type Token struct {
	// Header is the protected header.
	Header *Header
	// Claims is the claims set.
	Claims *Claims
	// Key is the key whose signature verified.
	Key *Key
}

// NewVerifier returns a Verifier for keys under policy p. It fails if the
// policy is incomplete or inconsistent, or if no key of the set can verify
// any of the policy's algorithms.
func NewVerifier(keys *KeySet, p Policy, opts ...VerifierOption) (*Verifier, error) {
	o := verifierOptions{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.cacheSize < 0 {
		return nil, newError(CodeInvalidArgument, "negative cache size %d", o.cacheSize)
	}
	fast, ok := useFast(o.crypto)
	if !ok {
		return nil, newError(CodeInvalidArgument, "crypto %q: want %q, %q or empty for the default", o.crypto, CryptoFast, CryptoStdlib)
	}
	p.Algorithms = slices.Clone(p.Algorithms)
	p.Audiences = slices.Clone(p.Audiences)
	p.RequiredClaims = slices.Clone(p.RequiredClaims)
	p.Critical = slices.Clone(p.Critical)
	p.Require = slices.Clone(p.Require)
	if p.MaxTokenSize == 0 {
		p.MaxTokenSize = DefaultMaxTokenSize
	}
	algs, rules, err := p.check()
	if err != nil {
		return nil, err
	}
	v := &Verifier{policy: p, algs: algs, rules: rules, now: o.now, fast: fast}
	if err := v.UpdateKeys(keys); err != nil {
		return nil, err
	}
	if o.cacheSize > 0 {
		v.cache = NewTokenCache(o.cacheSize)
	}
	return v, nil
}

// UpdateKeys replaces the key set, as after fetching a rotated JWKS. Tokens
// in the cache verified with the old set are verified again on their next
// use. Verifications under way finish with the set they started with.
func (v *Verifier) UpdateKeys(keys *KeySet) error {
	if keys == nil || keys.Len() == 0 {
		return newError(CodeInvalidArgument, "the key set is empty")
	}
	if kid := v.policy.KeyID; kid != "" {
		k := keys.Lookup(kid)
		if k == nil {
			have := make([]string, len(keys.keys))
			for i, k := range keys.keys {
				have[i] = k.kid
			}
			return newError(CodeInvalidArgument, "the policy pins key %q, which the key set lacks: it has %q", kid, have)
		}
		keys = &KeySet{keys: []*Key{k}}
	}
	secrets := 0
	for _, k := range keys.keys {
		if k.kty == KeyTypeOct {
			secrets++
		}
	}
	if secrets > 0 && secrets < len(keys.keys) {
		return newError(CodeInvalidKey,
			"the key set mixes HMAC secrets with public keys: one verifier, one kind of key, or a public key may end up used as a secret (RFC 8725 §2.1)")
	}
	usable := false
	for _, k := range keys.keys {
		for _, a := range v.algs {
			if k.usableFor(a, "verify") == "" {
				usable = true
			}
		}
	}
	if !usable {
		names := make([]string, len(v.algs))
		for i, a := range v.algs {
			names[i] = a.name
		}
		return newError(CodeKeyMismatch, "no key in the set can verify %s: %s", strings.Join(names, " or "), unusableReasons(keys, v.algs))
	}
	var gen uint64
	if old := v.keys.Load(); old != nil {
		gen = old.gen + 1
	}
	v.keys.Store(&keyState{set: keys, gen: gen})
	return nil
}

// Keys returns the key set the verifier uses now (after a pin by
// Policy.KeyID, the pinned key alone).
func (v *Verifier) Keys() *KeySet { return v.keys.Load().set }

// Policy returns a copy of the verifier's policy, defaults filled in.
func (v *Verifier) Policy() Policy {
	p := v.policy
	p.Algorithms = slices.Clone(p.Algorithms)
	p.Audiences = slices.Clone(p.Audiences)
	p.RequiredClaims = slices.Clone(p.RequiredClaims)
	p.Critical = slices.Clone(p.Critical)
	p.Require = slices.Clone(p.Require)
	return p
}

// Verify checks a compact JWT: size, header, algorithm, key, signature,
// claims, then access rules. On success it returns the token; otherwise an
// [*Error] whose [Code] says why, such as CodeExpired or CodeBadSignature.
// A token that fails an access rule is returned with a CodeForbidden error,
// so that the caller can tell who was refused.
func (v *Verifier) Verify(token string) (*Token, error) {
	return v.VerifyAt(token, v.now())
}

// VerifyAt is [Verifier.Verify] judging time as of now rather than by the
// verifier's clock; the zero Time means the clock.
func (v *Verifier) VerifyAt(token string, now time.Time) (*Token, error) {
	if now.IsZero() {
		now = v.now()
	}
	if len(token) > v.policy.MaxTokenSize {
		return nil, newError(CodeTooLarge, "token of %d bytes is over the limit of %d", len(token), v.policy.MaxTokenSize)
	}
	ks := v.keys.Load()
	if v.cache != nil {
		if t, ok := v.cache.Get(token, ks.gen, now); ok {
			return t, nil
		}
	}
	// The token, its header and its claims in one allocation.
	t := new(verifiedToken)
	payload, key, err := v.verifyJWS(token, ks.set, &t.header)
	if err != nil {
		return nil, err
	}
	claims := &t.claims
	if err := parseClaimsInto(payload, claims, false); err != nil {
		return nil, err
	}
	if err := v.checkClaims(claims, now); err != nil {
		return nil, err
	}
	tok := &t.tok
	*tok = Token{Header: &t.header, Claims: claims, Key: key}
	for _, r := range v.rules {
		if err := r.Check(claims); err != nil {
			return tok, err
		}
	}
	if v.cache != nil {
		from, until := v.policy.ValidityWindow(claims)
		v.cache.Put(token, ks.gen, from, until, tok)
	}
	return tok, nil
}

// verifiedToken is a Token with its Header and Claims, allocated together.
type verifiedToken struct {
	tok    Token
	header Header
	claims Claims
}

// JWS is a verified compact JWS: its protected header, its payload, and
// the key whose signature verified. It is read-only.
type JWS struct {
	Header  *Header
	Payload []byte
	Key     *Key
}

// VerifyJWS checks a compact JWS whose payload may be any bytes, under the
// policy's JWS rules only: size, the algorithm allow-list, "crit", key
// choice by "kid" and algorithm (keys in the header never used), and the
// signature. The policy's claim rules and access rules do not apply, and
// nothing is cached. [Verifier.Verify] is VerifyJWS followed by the claims.
func (v *Verifier) VerifyJWS(token string) (*JWS, error) {
	if len(token) > v.policy.MaxTokenSize {
		return nil, newError(CodeTooLarge, "token of %d bytes is over the limit of %d", len(token), v.policy.MaxTokenSize)
	}
	jws := &JWS{Header: new(Header)}
	var err error
	if jws.Payload, jws.Key, err = v.verifyJWS(token, v.keys.Load().set, jws.Header); err != nil {
		return nil, err
	}
	return jws, nil
}

// verifyJWS checks everything up to and including the signature, with the
// header parsed into h, then decodes the payload.
func (v *Verifier) verifyJWS(token string, set *KeySet, h *Header) (payload []byte, key *Key, err error) {
	c, key, err := v.verifySignature(token, set, h)
	if err != nil {
		return nil, nil, err
	}
	if payload, err = c.decodePayload(); err != nil {
		return nil, nil, err
	}
	return payload, key, nil
}

// verifySignature checks everything up to and including the signature,
// with the header parsed into h.
func (v *Verifier) verifySignature(token string, set *KeySet, h *Header) (compact, *Key, error) {
	// The signature is needed only here: on the stack, up to RSA-4096.
	var sigBuf [512]byte
	c, sig, err := splitCompact(token, h, sigBuf[:])
	if err != nil {
		return compact{}, nil, err
	}
	var a *algorithm
	for _, allowed := range v.algs {
		if allowed.name == h.Algorithm {
			a = allowed
		}
	}
	if a == nil {
		return compact{}, nil, newError(CodeAlgNotAllowed, "algorithm %q is not allowed: the policy accepts %s", h.Algorithm, strings.Join(v.policy.Algorithms, ", "))
	}
	for _, ext := range h.Critical {
		if slices.Contains(registeredHeaders, ext) {
			return compact{}, nil, newError(CodeMalformed, "header \"crit\" names registered parameter %q (RFC 7515 §4.1.11)", ext)
		}
		if _, ok := h.obj.Get(ext); !ok {
			return compact{}, nil, newError(CodeMalformed, "header \"crit\" names %q, which the header lacks", ext)
		}
		if !slices.Contains(v.policy.Critical, ext) {
			return compact{}, nil, newError(CodeUnsupportedCrit, "header \"crit\" names extension %q, which this verifier does not understand", ext)
		}
	}
	candidates, err := v.candidates(a, h, set)
	if err != nil {
		return compact{}, nil, err
	}
	for _, k := range candidates {
		if checkSignature(a, k, c.signingInput, sig, v.fast) {
			return c, k, nil
		}
	}
	if h.KeyID != "" {
		return compact{}, nil, newError(CodeBadSignature, "%s signature does not verify with key %q", a.name, h.KeyID)
	}
	return compact{}, nil, newError(CodeBadSignature, "%s signature does not verify with any of %d keys", a.name, len(candidates))
}

// unusableReasons says, key by key, why none of keys can verify any of algs:
// an operator handed a key with "use": "enc" needs to read that, not only
// that the set is unusable.
func unusableReasons(keys *KeySet, algs []*algorithm) string {
	const most = 3
	var parts []string
	for i, k := range keys.keys {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(keys.keys)-most))
			break
		}
		// The reason for the first algorithm the key's type fits says more
		// than "wrong type" for the others.
		why := k.usableFor(algs[0], "verify")
		for _, a := range algs {
			if k.fits(a) {
				why = k.usableFor(a, "verify")
				break
			}
		}
		parts = append(parts, fmt.Sprintf("key %q: %s", k.kid, why))
	}
	return strings.Join(parts, "; ")
}

// candidates returns the keys to try: the one the "kid" names (or a bare
// key, whatever the "kid"), or with no "kid" every key that fits the
// algorithm. Keys the header carries (jwk, jku, x5u, x5c) are never among
// them (RFC 8725 §3.10).
func (v *Verifier) candidates(a *algorithm, h *Header, set *KeySet) ([]*Key, error) {
	if h.KeyID != "" {
		k := set.Lookup(h.KeyID)
		if k == nil {
			k = set.bare()
		}
		switch {
		case k == nil && v.policy.KeyID != "":
			return nil, newError(CodeUnknownKID, "token names kid %q, but the verifier takes only key %q (Policy.KeyID)", h.KeyID, v.policy.KeyID)
		case k == nil:
			return nil, newError(CodeUnknownKID, "no key with kid %q in the key set", h.KeyID)
		}
		if why := k.usableFor(a, "verify"); why != "" {
			return nil, newError(CodeKeyMismatch, "key %q cannot verify %s: %s", k.kid, a.name, why)
		}
		if err := k.weakFor(a); err != nil && !v.allowWeak(k) {
			return nil, err
		}
		return []*Key{k}, nil
	}
	var keys []*Key
	var weak error
	for _, k := range set.keys {
		if k.usableFor(a, "verify") != "" {
			continue
		}
		if err := k.weakFor(a); err != nil && !v.allowWeak(k) {
			weak = err
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		if weak != nil {
			return nil, weak
		}
		return nil, newError(CodeKeyMismatch, "no key in the set can verify %s", a.name)
	}
	if len(keys) > 1 && v.policy.RequireKeyID {
		return nil, newError(CodeUnknownKID, "the token names no kid, and %d keys of the set could verify %s: the policy requires a kid to choose one", len(keys), a.name)
	}
	return keys, nil
}

func (v *Verifier) allowWeak(k *Key) bool { return v.policy.AllowWeakKeys && k.kty == KeyTypeRSA }

// checkClaims applies the policy's claim rules, reporting every failure.
func (v *Verifier) checkClaims(c *Claims, now time.Time) error {
	p := &v.policy
	var errs []*Error
	fail := func(code Code, format string, args ...any) { errs = append(errs, newError(code, format, args...)) }
	leeway := p.Leeway
	switch {
	case neverValid(c):
		// Whether it is judged expired or not yet valid depends only on
		// the clock; the verdict that holds at every moment comes first.
		fail(CodeNeverValid, "token is never valid: \"nbf\" %s is not before \"exp\" %s",
			c.NotBefore.Format(time.RFC3339), c.ExpiresAt.Format(time.RFC3339))
	case !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt.Add(leeway)):
		fail(CodeExpired, "token expired %s ago (exp %s)", roughBetween(c.ExpiresAt, now), c.ExpiresAt.Format(time.RFC3339))
	case c.ExpiresAt.IsZero() && !p.AllowNoExpiry:
		fail(CodeMissingClaim, "token has no \"exp\": it would never expire")
	}
	if !neverValid(c) && !c.NotBefore.IsZero() && now.Add(leeway).Before(c.NotBefore) {
		fail(CodeNotYetValid, "token is not valid for another %s (nbf %s)", roughBetween(now, c.NotBefore), c.NotBefore.Format(time.RFC3339))
	}
	if !c.IssuedAt.IsZero() && now.Add(leeway).Before(c.IssuedAt) {
		fail(CodeIssuedInFuture, "token is issued %s in the future (iat %s)", roughBetween(now, c.IssuedAt), c.IssuedAt.Format(time.RFC3339))
	}
	if p.MaxAge > 0 {
		switch {
		case c.IssuedAt.IsZero():
			fail(CodeMissingClaim, "token has no \"iat\", needed for the maximum age of %s", p.MaxAge)
		case now.Sub(c.IssuedAt) > p.MaxAge+leeway:
			fail(CodeExpired, "token was issued %s ago, over the maximum age of %s", roughBetween(c.IssuedAt, now), p.MaxAge)
		}
	}
	if p.Issuer != "" && c.Issuer != p.Issuer {
		fail(CodeBadIssuer, "issuer %s, want %q", quoteOrAbsent(c, "iss", c.Issuer), p.Issuer)
	}
	switch {
	case len(p.Audiences) > 0 && !slices.ContainsFunc(c.Audience, func(a string) bool { return slices.Contains(p.Audiences, a) }):
		got := "absent"
		if c.Has("aud") {
			got = fmt.Sprintf("%q", c.Audience)
		}
		fail(CodeBadAudience, "audience %s does not include %s", got, quoteList(p.Audiences))
	case len(p.Audiences) == 0 && !p.IgnoreAudience && c.Has("aud"):
		fail(CodeBadAudience, "token is for audience %q, but the verifier names no audience: name the one it serves (Policy.Audiences), or accept any with Policy.IgnoreAudience (RFC 7519 §4.1.3)", c.Audience)
	}
	if p.Subject != "" && c.Subject != p.Subject {
		fail(CodeBadSubject, "subject %s, want %q", quoteOrAbsent(c, "sub", c.Subject), p.Subject)
	}
	for _, name := range p.RequiredClaims {
		if !c.Has(name) {
			fail(CodeMissingClaim, "token has no %q claim", name)
		}
	}
	return joinErrors(errs)
}

// neverValid reports whether c has both "nbf" and "exp" and no moment
// between them: a token is valid from nbf (inclusive) until exp (exclusive),
// RFC 7519 §4.1.4 and §4.1.5, so nbf at or after exp leaves none. Leeway
// widens a verifier's tolerance for clocks, not the token's own window.
func neverValid(c *Claims) bool {
	return !c.NotBefore.IsZero() && !c.ExpiresAt.IsZero() && !c.NotBefore.Before(c.ExpiresAt)
}

// ValidityWindow returns the interval in which a token with claims c
// passes the policy's time checks (exp, nbf, iat, MaxAge, all with
// Leeway): a cached verdict may be served only inside it. A zero bound is
// unbounded on that side.
func (p *Policy) ValidityWindow(c *Claims) (from, until time.Time) {
	if !c.NotBefore.IsZero() {
		from = c.NotBefore.Add(-p.Leeway)
	}
	// checkClaims also refuses an "iat" after now (plus leeway); a hit must
	// not outlive that either, should the clock step back.
	if !c.IssuedAt.IsZero() {
		if start := c.IssuedAt.Add(-p.Leeway); start.After(from) {
			from = start
		}
	}
	if !c.ExpiresAt.IsZero() {
		until = c.ExpiresAt.Add(p.Leeway)
	}
	if p.MaxAge > 0 {
		if end := c.IssuedAt.Add(p.MaxAge + p.Leeway); until.IsZero() || end.Before(until) {
			until = end
		}
	}
	return from, until
}

func quoteOrAbsent(c *Claims, name, val string) string {
	if !c.Has(name) {
		return "absent"
	}
	return fmt.Sprintf("%q", val)
}

func quoteList(list []string) string {
	if len(list) == 1 {
		return fmt.Sprintf("%q", list[0])
	}
	return "any of " + fmt.Sprintf("%q", list)
}

// roughDuration prints d rounded to a unit a person reads at a glance:
// "45s", "14m", "2h", "3d".
func roughDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}
