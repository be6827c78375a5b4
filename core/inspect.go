package core

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Severity ranks a [Finding].
type Severity string

// Severities, from most to least serious.
const (
	SeverityHigh   Severity = "high"   // exploitable if a verifier is lax
	SeverityMedium Severity = "medium" // against RFC 8725 best practice
	SeverityLow    Severity = "low"    // worth knowing
	SeverityInfo   Severity = "info"   // a fact, such as "expired"
)

// Finding is one observation about a token, in the spirit of RFC 8725.
type Finding struct {
	Severity Severity `json:"severity"`
	// Code is a stable name, such as "alg_none" or "no_exp".
	Code    string `json:"code"`
	Message string `json:"message"`
}

// DateClaim is a NumericDate claim with its time and a relative reading.
type DateClaim struct {
	Name string    `json:"name"`
	Time time.Time `json:"time"`
	// Relative reads the date against the inspection time, such as
	// "expired 2 h ago" or "valid for 14 m".
	Relative string `json:"relative"`
}

// Inspection is what [Inspect] found. Nothing in it is verified.
type Inspection struct {
	Header *Header
	// Claims is nil if the payload is not a JSON object.
	Claims *Claims
	// Payload is the decoded payload.
	Payload []byte
	// SignatureSize is the signature's length in bytes.
	SignatureSize int
	// Dates lists exp, nbf and iat as present.
	Dates []DateClaim
	// Findings lists observations, most serious first.
	Findings []Finding
}

// InspectOption configures [Inspect].
type InspectOption func(*inspectOptions)

type inspectOptions struct {
	now     func() time.Time
	key     *Key
	maxSize int
}

// InspectAt judges dates as of now() instead of time.Now().
func InspectAt(now func() time.Time) InspectOption {
	return func(o *inspectOptions) { o.now = now }
}

// InspectWithKey adds findings about key, the key the token would be
// verified with: a weak key, or one that does not fit the token's "alg".
// The signature is not checked.
func InspectWithKey(key *Key) InspectOption {
	return func(o *inspectOptions) { o.key = key }
}

// InspectMaxSize changes the largest token Inspect reads from
// DefaultMaxTokenSize.
func InspectMaxSize(n int) InspectOption {
	return func(o *inspectOptions) { o.maxSize = n }
}

// sensitiveName matches claim names that suggest secrets or personal data
// that a signed, unencrypted token shows to anyone who holds it.
var sensitiveName = regexp.MustCompile(`(?i)(passw(or)?d|passwd|pwd|secret|private_?key|api_?key|ssn|social_?security|credit_?card|card_?number|cc_?num|cvv|iban)`)

// Inspect decodes a compact JWS without verifying it and reports what it
// shows. It refuses only tokens that cannot be decoded at all.
func Inspect(token string, opts ...InspectOption) (*Inspection, error) {
	o := inspectOptions{now: time.Now, maxSize: DefaultMaxTokenSize}
	for _, opt := range opts {
		opt(&o)
	}
	token = strings.TrimSpace(token)
	if len(token) > o.maxSize {
		return nil, newError(CodeTooLarge, "token of %d bytes is over the limit of %d", len(token), o.maxSize)
	}
	var findings []Finding
	add := func(sev Severity, code, format string, args ...any) {
		findings = append(findings, Finding{Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	c, err := splitCompact(token)
	if err != nil {
		return nil, err
	}
	in := &Inspection{Header: &c.header, SignatureSize: len(c.signature)}
	h := in.Header
	a := lookupAlg(h.Algorithm)
	switch {
	case strings.EqualFold(h.Algorithm, "none"):
		add(SeverityHigh, "alg_none", "\"alg\" is %q: the token is unsigned, and a verifier that accepts it accepts anything", h.Algorithm)
	case a == nil:
		add(SeverityHigh, "alg_unknown", "\"alg\" %q is not a JWS signature algorithm this tool knows", h.Algorithm)
	case a.family == famHMAC:
		add(SeverityMedium, "alg_hmac", "\"alg\" %s uses a shared secret: whoever can verify can also sign, and a verifier that lets the token pick its algorithm may take a public key as the secret", h.Algorithm)
	}
	for _, name := range []string{"jwk", "jku", "x5u", "x5c"} {
		if _, ok := h.Get(name); ok {
			add(SeverityHigh, "header_key", "header carries %q: a verifier must never take its key from the token (RFC 8725 §3.10)", name)
		}
	}
	if h.KeyID == "" {
		add(SeverityLow, "no_kid", "no \"kid\": a verifier must try every key, and keys cannot be rotated cleanly")
	}
	if h.Type == "" {
		add(SeverityLow, "no_typ", "no \"typ\": explicit typing keeps one kind of token from being taken for another (RFC 8725 §3.11)")
	}
	if len(h.Critical) > 0 {
		add(SeverityInfo, "crit", "\"crit\" names %q: verifiers that do not understand them must refuse the token", h.Critical)
	}
	if a != nil && a.family == famECDSA && len(c.signature) != 2*a.size {
		add(SeverityHigh, "bad_signature_size", "%s signature is %d bytes, want %d (R||S, not DER)", a.name, len(c.signature), 2*a.size)
	}

	payload, err := base64.RawURLEncoding.DecodeString(c.payloadB64)
	if err != nil {
		return nil, newError(CodeMalformed, "token payload is not base64url")
	}
	if _, err := b64.DecodeString(c.payloadB64); err != nil {
		add(SeverityMedium, "noncanonical_base64", "payload base64url is not canonical: verifiers disagree on such tokens")
	}
	in.Payload = payload
	claims, cerr := parseClaims(payload)
	if cerr != nil {
		add(SeverityHigh, "bad_claims", "the payload is not a valid JWT claims set: %s", MessageOf(cerr))
	} else {
		in.Claims = claims
		inspectClaims(in, claims, o.now(), add)
	}
	if o.key != nil {
		if why := o.key.IsWeak(); why != "" {
			add(SeverityHigh, "weak_key", "%s", why)
		}
		if a != nil {
			if why := o.key.usableFor(a, "verify"); why != "" {
				add(SeverityHigh, "key_mismatch", "the given key cannot verify this token: %s", why)
			}
		}
	}
	sortFindings(findings)
	in.Findings = findings
	return in, nil
}

func inspectClaims(in *Inspection, c *Claims, now time.Time, add func(Severity, string, string, ...any)) {
	if !c.ExpiresAt.IsZero() {
		rel := "valid for " + roughSpaced(c.ExpiresAt.Sub(now))
		if !now.Before(c.ExpiresAt) {
			rel = "expired " + roughSpaced(now.Sub(c.ExpiresAt)) + " ago"
			add(SeverityInfo, "expired", "the token %s", rel)
		}
		in.Dates = append(in.Dates, DateClaim{Name: "exp", Time: c.ExpiresAt, Relative: rel})
	} else {
		add(SeverityMedium, "no_exp", "no \"exp\": the token never expires")
	}
	if !c.NotBefore.IsZero() {
		rel := "valid since " + roughSpaced(now.Sub(c.NotBefore)) + " ago"
		if now.Before(c.NotBefore) {
			rel = "not valid for another " + roughSpaced(c.NotBefore.Sub(now))
			add(SeverityInfo, "not_yet_valid", "the token is %s", rel)
		}
		in.Dates = append(in.Dates, DateClaim{Name: "nbf", Time: c.NotBefore, Relative: rel})
	}
	if !c.IssuedAt.IsZero() {
		rel := "issued " + roughSpaced(now.Sub(c.IssuedAt)) + " ago"
		if now.Before(c.IssuedAt) {
			rel = "issued " + roughSpaced(c.IssuedAt.Sub(now)) + " in the future"
			add(SeverityMedium, "iat_future", "\"iat\" is %s in the future", roughSpaced(c.IssuedAt.Sub(now)))
		}
		in.Dates = append(in.Dates, DateClaim{Name: "iat", Time: c.IssuedAt, Relative: rel})
	}
	if neverValid(c) {
		add(SeverityHigh, "never_valid", "\"nbf\" %s is not before \"exp\" %s: the token is never valid, and a verifier that checks only one of them accepts it",
			c.NotBefore.Format(time.RFC3339), c.ExpiresAt.Format(time.RFC3339))
	}
	if !c.ExpiresAt.IsZero() {
		start := c.IssuedAt
		if start.IsZero() {
			start = c.NotBefore
		}
		if start.IsZero() {
			start = now
		}
		if life := c.ExpiresAt.Sub(start); life > 24*time.Hour {
			add(SeverityMedium, "long_lifetime", "lifetime of %s is over 24 h: a stolen token stays useful that long", roughSpaced(life))
		}
	}
	if !c.Has("aud") {
		add(SeverityLow, "no_aud", "no \"aud\": any service that trusts the issuer would accept the token")
	}
	for _, name := range c.Names() {
		if sensitiveName.MatchString(name) {
			add(SeverityMedium, "sensitive_claim", "claim %q looks sensitive: a signed token is readable by anyone who holds it", name)
		}
	}
}

// roughSpaced is roughDuration with a space before the unit: "14 m".
func roughSpaced(d time.Duration) string {
	s := roughDuration(d)
	return s[:len(s)-1] + " " + s[len(s)-1:]
}

var severityRank = map[Severity]int{SeverityHigh: 0, SeverityMedium: 1, SeverityLow: 2, SeverityInfo: 3}

func sortFindings(f []Finding) {
	// Insertion sort: stable, and lists are short.
	for i := 1; i < len(f); i++ {
		for j := i; j > 0 && severityRank[f[j].Severity] < severityRank[f[j-1].Severity]; j-- {
			f[j], f[j-1] = f[j-1], f[j]
		}
	}
}
