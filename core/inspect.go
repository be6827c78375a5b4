package core

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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
	Name string `json:"name"`
	// Time is the date, or the zero Time (and left out of JSON) if it is
	// past year 9999 or before year 0, which no RFC 3339 date can show:
	// Seconds has it, and a finding "date_out_of_range" says so.
	Time time.Time `json:"time,omitzero"`
	// Seconds is the claim as sent: seconds since the epoch, such as
	// 1700000000 or 1.8e9.
	Seconds json.Number `json:"seconds"`
	// Relative reads the date against the inspection time, such as
	// "expired 2h ago" or "valid for 14m", or says it is out of range.
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
	keys    *KeySet
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

// sensitiveWords are the parts of claim names that suggest secrets or
// personal data that a signed, unencrypted token shows to anyone who holds
// it. sensitiveName looks for them ignoring case, as the regular
// expression
//
//	(?i)(passw(or)?d|pwd|secret|private_?key|api_?key|ssn|social_?security|credit_?card|card_?number|cc_?num|cvv|iban)
//
// would (inspect_test.go holds it to that); it is written out so that the
// module carries no regexp package, and no compiled expression at init.
var sensitiveWords = []string{
	"passwd", "password", "pwd", "secret", "privatekey", "private_key", "apikey", "api_key",
	"ssn", "socialsecurity", "social_security", "creditcard", "credit_card",
	"cardnumber", "card_number", "ccnum", "cc_num", "cvv", "iban",
}

// sensitiveName reports whether a claim name contains one of
// sensitiveWords, ignoring case with Unicode simple folding (so the Kelvin
// sign matches "k" and the long s matches "s", as in regexp's (?i)).
func sensitiveName(name string) bool {
	folded := make([]byte, 0, len(name))
	for _, r := range name {
		folded = append(folded, foldASCII(r))
	}
	for _, w := range sensitiveWords {
		if bytes.Contains(folded, []byte(w)) {
			return true
		}
	}
	return false
}

// foldASCII returns the lower-case ASCII letter that r folds to, r itself
// if it is ASCII, or 0 (which no word contains) otherwise.
func foldASCII(r rune) byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return byte(r)
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if 'a' <= f && f <= 'z' {
			return byte(f)
		}
		if 'A' <= f && f <= 'Z' {
			return byte(f + 'a' - 'A')
		}
	}
	return 0
}

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
	h := new(Header)
	c, sig, err := splitCompact(token, h, nil)
	if err != nil {
		return nil, err
	}
	in := &Inspection{Header: h, SignatureSize: len(sig)}
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
	if a != nil && a.family == famECDSA && len(sig) != 2*a.size {
		add(SeverityHigh, "bad_signature_size", "%s signature is %d bytes, want %d (R||S, not DER)", a.name, len(sig), 2*a.size)
	}

	payload, err := base64.RawURLEncoding.DecodeString(c.payloadB64)
	if err != nil {
		return nil, newError(CodeMalformed, "token payload is not base64url")
	}
	if _, err := b64.DecodeString(c.payloadB64); err != nil {
		add(SeverityMedium, "noncanonical_base64", "payload base64url is not canonical: verifiers disagree on such tokens")
	}
	in.Payload = payload
	claims := new(Claims)
	cerr := parseClaimsInto(payload, claims, true)
	if cerr != nil {
		add(SeverityHigh, "bad_claims", "the payload is not a valid JWT claims set: %s", MessageOf(cerr))
	} else {
		in.Claims = claims
		inspectClaims(in, claims, o.now(), add)
	}
	if o.key == nil && o.keys != nil && o.keys.Len() > 0 {
		if o.key = o.keys.Lookup(h.KeyID); o.key == nil {
			o.key = o.keys.Keys()[0]
		}
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
	exp, nbf, iat := c.ExpiresAt, c.NotBefore, c.IssuedAt
	seconds := func(name string) json.Number {
		raw, _ := c.obj.Get(name)
		return json.Number(raw)
	}
	// far reports a date claim past year 9999 or before year 0 (or beyond
	// what a float64 holds, read as zero), shown as its number only, and
	// zeroes *t so that nothing below reads it as a time.
	far := func(name string, t *time.Time) bool {
		if !c.Has(name) || (!t.IsZero() && t.Year() >= 0 && t.Year() <= 9999) {
			return false
		}
		secs := seconds(name)
		when := "past year 9999"
		if strings.HasPrefix(string(secs), "-") {
			when = "before year 0"
		}
		add(SeverityMedium, "date_out_of_range", "%q is %s seconds, %s: it is shown as a number, and verifiers read such dates differently", name, secs, when)
		in.Dates = append(in.Dates, DateClaim{Name: name, Seconds: secs, Relative: when})
		*t = time.Time{}
		return true
	}
	switch {
	case far("exp", &exp):
		add(SeverityMedium, "long_lifetime", "\"exp\" is out of range: the token never expires in practice, and a stolen token stays useful")
	case !exp.IsZero():
		rel := "valid for " + roughBetween(now, exp)
		if !now.Before(exp) {
			rel = "expired " + roughBetween(exp, now) + " ago"
			add(SeverityInfo, "expired", "the token %s", rel)
		}
		in.Dates = append(in.Dates, DateClaim{Name: "exp", Time: exp, Seconds: seconds("exp"), Relative: rel})
	default:
		add(SeverityMedium, "no_exp", "no \"exp\": the token never expires")
	}
	if !far("nbf", &nbf) && !nbf.IsZero() {
		rel := "valid since " + roughBetween(nbf, now) + " ago"
		if now.Before(nbf) {
			rel = "not valid for another " + roughBetween(now, nbf)
			add(SeverityInfo, "not_yet_valid", "the token is %s", rel)
		}
		in.Dates = append(in.Dates, DateClaim{Name: "nbf", Time: nbf, Seconds: seconds("nbf"), Relative: rel})
	}
	if !far("iat", &iat) && !iat.IsZero() {
		rel := "issued " + roughBetween(iat, now) + " ago"
		if now.Before(iat) {
			rel = "issued " + roughBetween(now, iat) + " in the future"
			add(SeverityMedium, "iat_future", "\"iat\" is %s in the future", roughBetween(now, iat))
		}
		in.Dates = append(in.Dates, DateClaim{Name: "iat", Time: iat, Seconds: seconds("iat"), Relative: rel})
	}
	if dates := (Claims{NotBefore: nbf, ExpiresAt: exp}); neverValid(&dates) {
		add(SeverityHigh, "never_valid", "\"nbf\" %s is not before \"exp\" %s: the token is never valid, and a verifier that checks only one of them accepts it",
			nbf.Format(time.RFC3339), exp.Format(time.RFC3339))
	}
	if !exp.IsZero() {
		start := iat
		if start.IsZero() {
			start = nbf
		}
		if start.IsZero() {
			start = now
		}
		if life := exp.Sub(start); life > 24*time.Hour {
			add(SeverityMedium, "long_lifetime", "lifetime of %s is over 24h: a stolen token stays useful that long", roughBetween(start, exp))
		}
	}
	if !c.Has("aud") {
		add(SeverityLow, "no_aud", "no \"aud\": any service that trusts the issuer would accept the token")
	}
	for _, name := range c.Names() {
		if sensitiveName(name) {
			add(SeverityMedium, "sensitive_claim", "claim %q looks sensitive: a signed token is readable by anyone who holds it", name)
		}
	}
}

// roughBetween is roughDuration(to.Sub(from)) for dates any distance
// apart: a time.Duration stops at about 292 years. Inspection and
// verification messages both print durations with it, in one format.
func roughBetween(from, to time.Time) string {
	if d := to.Sub(from); d > -48*time.Hour && d < 48*time.Hour {
		return roughDuration(d)
	}
	days := (to.Unix() - from.Unix()) / 86400
	return fmt.Sprintf("%dd", max(days, -days))
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

// InspectWithKeys judges the key of set that the token's kid names, else
// its first key, as [InspectWithKey] does.
func InspectWithKeys(set *KeySet) InspectOption {
	return func(o *inspectOptions) { o.keys = set }
}
