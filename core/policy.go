package core

import (
	"slices"
	"strings"
	"time"
)

// Policy is what a [Verifier] requires of a token. The algorithm list is
// mandatory: the token's own "alg" is never trusted to choose how it is
// checked (RFC 8725 §3.1).
type Policy struct {
	// Algorithms lists the accepted "alg" values, e.g. {"RS256"}. Required.
	// HMAC algorithms cannot be mixed with public-key ones, and "none" is
	// never accepted.
	Algorithms []string

	// Issuer, if set, must equal "iss".
	Issuer string
	// Audiences, if set, must share at least one entry with "aud". If
	// empty, a token that carries "aud" is refused with CodeBadAudience
	// unless IgnoreAudience is set: a token meant for some audience is not
	// for a verifier that cannot say which it is (RFC 7519 §4.1.3).
	Audiences []string
	// IgnoreAudience accepts tokens whatever their "aud", for a verifier
	// that does not identify itself by audience. It cannot be set together
	// with Audiences. Prefer naming the audience: a token issued for
	// another service is then refused.
	IgnoreAudience bool
	// Subject, if set, must equal "sub".
	Subject string
	// RequiredClaims must be present, whatever their value.
	RequiredClaims []string

	// Leeway is the clock skew allowed on "exp", "nbf", "iat" and MaxAge.
	Leeway time.Duration
	// MaxAge, if positive, refuses tokens whose "iat" is older; it makes
	// "iat" required.
	MaxAge time.Duration
	// AllowNoExpiry accepts tokens without "exp". By default such a token
	// is refused with CodeMissingClaim: a token that never expires cannot
	// be taken back.
	AllowNoExpiry bool

	// MaxTokenSize is the largest token accepted, in bytes; 0 means
	// DefaultMaxTokenSize.
	MaxTokenSize int
	// Critical lists the "crit" header extensions the caller understands
	// and checks itself (RFC 7515 §4.1.11). Tokens naming any other are
	// refused with CodeUnsupportedCrit. "b64" (RFC 7797 unencoded
	// payloads) cannot be listed: this package does not implement it, and
	// would check the signature over the wrong bytes.
	Critical []string
	// Require lists access rules checked on valid tokens (see [ParseRule]);
	// a failed rule gives CodeForbidden.
	Require []string

	// AllowWeakKeys accepts RSA keys under 2048 bits, for legacy issuers.
	AllowWeakKeys bool

	// KeyID, if set, pins the key that verifies: only the key of the set
	// with this "kid" is used, as if the set held it alone. A set without
	// it is refused with CodeInvalidArgument, by NewVerifier and by
	// UpdateKeys.
	//
	// Without a pin, a token's "kid" must name a key of the set
	// (CodeUnknownKID otherwise), with one exception: a set of a single key
	// with no kid of its own (PEM, a certificate, a JWK or one-key JWKS
	// without "kid"; see [Key.OwnKeyID]) verifies tokens whatever their
	// "kid", as panva's jose and jwt-cli do. Pinning such a key keeps that.
	KeyID string

	// RequireKeyID refuses a token without "kid" (CodeUnknownKID) when the
	// set holds more than one key that could verify it, instead of trying
	// each: a proxy in front of many requests should not pay for several
	// signature checks on a token that does not say which key signed it.
	RequireKeyID bool
}

// Validate reports what is wrong with the policy, as NewVerifier would,
// for callers that check it before they have keys.
func (p Policy) Validate() error {
	_, _, err := p.check()
	return err
}

// check validates the policy and resolves its algorithms and rules.
func (p *Policy) check() ([]*algorithm, []Rule, error) {
	if len(p.Algorithms) == 0 {
		return nil, nil, newError(CodeInvalidArgument,
			"the policy allows no algorithm: list the ones your issuer signs with, e.g. RS256 or ES256")
	}
	var algs []*algorithm
	hmacs := 0
	for _, name := range p.Algorithms {
		if strings.EqualFold(name, "none") {
			return nil, nil, newError(CodeInvalidArgument, "algorithm \"none\" is never allowed (RFC 8725 §3.1)")
		}
		a := lookupAlg(name)
		if a == nil {
			return nil, nil, newError(CodeInvalidArgument, "unknown algorithm %q: want one of %s", name, strings.Join(Algorithms(), ", "))
		}
		if !slices.Contains(algs, a) {
			algs = append(algs, a)
		}
		if a.family == famHMAC {
			hmacs++
		}
	}
	if hmacs > 0 && hmacs < len(p.Algorithms) {
		return nil, nil, newError(CodeInvalidArgument,
			"the policy mixes HMAC and public-key algorithms: a public key could then be taken for a shared secret (RFC 8725 §2.1)")
	}
	if p.IgnoreAudience && len(p.Audiences) > 0 {
		return nil, nil, newError(CodeInvalidArgument,
			"the policy names audiences %q and also ignores the audience: keep one", p.Audiences)
	}
	if p.MaxTokenSize < 0 || p.Leeway < 0 || p.MaxAge < 0 {
		return nil, nil, newError(CodeInvalidArgument, "negative size, leeway or maximum age in policy")
	}
	if p.MaxTokenSize > MaxTokenSizeLimit {
		return nil, nil, newError(CodeInvalidArgument, "maximum token size %d is over the limit of %d bytes (MaxTokenSizeLimit)", p.MaxTokenSize, MaxTokenSizeLimit)
	}
	for _, c := range p.Critical {
		if slices.Contains(registeredHeaders, c) {
			return nil, nil, newError(CodeInvalidArgument, "%q is a registered header and cannot be a \"crit\" extension", c)
		}
		if c == "b64" {
			return nil, nil, newError(CodeInvalidArgument,
				"\"crit\" extension \"b64\": RFC 7797 unencoded payloads are not supported, so tokens that need it cannot be verified: remove it from the policy")
		}
	}
	rules := make([]Rule, 0, len(p.Require))
	for _, s := range p.Require {
		r, err := ParseRule(s)
		if err != nil {
			return nil, nil, err
		}
		rules = append(rules, r)
	}
	return algs, rules, nil
}
