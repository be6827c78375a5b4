package core

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
)

// Claims is a JWT claims set (RFC 7519 §4). The registered claims are
// decoded into fields; every claim, registered or not, is available raw
// through [Claims.Get].
type Claims struct {
	// Issuer is "iss".
	Issuer string
	// Subject is "sub".
	Subject string
	// Audience is "aud", whether sent as a string or an array.
	Audience []string
	// ExpiresAt is "exp"; the zero Time if absent.
	ExpiresAt time.Time
	// NotBefore is "nbf"; the zero Time if absent.
	NotBefore time.Time
	// IssuedAt is "iat"; the zero Time if absent.
	IssuedAt time.Time
	// ID is "jti".
	ID string

	raw []byte
	obj jsonobj.Object
}

// JSON returns the claims set's JSON as sent. The caller must not modify it.
func (c *Claims) JSON() []byte { return c.raw }

// Has reports whether the claim name is present.
func (c *Claims) Has(name string) bool {
	_, ok := c.obj.Get(name)
	return ok
}

// Get returns a copy of the raw JSON value of claim name.
func (c *Claims) Get(name string) (json.RawMessage, bool) {
	v, ok := c.obj.Get(name)
	return bytes.Clone(v), ok
}

// Decode decodes claim name into v with encoding/json. It reports whether
// the claim was present.
func (c *Claims) Decode(name string, v any) (bool, error) {
	raw, ok := c.obj.Get(name)
	if !ok {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

// Lookup returns the raw JSON value of a claim named by a path: the whole
// name first, as a claim may itself hold dots ("https://example.com/roles"),
// then a dotted path into nested objects ("realm_access.roles"). The caller
// must not modify what it returns.
func (c *Claims) Lookup(path string) ([]byte, bool) {
	if v, ok := c.obj.Get(path); ok {
		return v, true
	}
	parts := strings.Split(path, ".")
	if len(parts) < 2 {
		return nil, false
	}
	cur, ok := c.obj.Get(parts[0])
	for _, p := range parts[1:] {
		if !ok || len(cur) == 0 || cur[0] != '{' {
			return nil, false
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(cur, &m) != nil {
			return nil, false
		}
		cur, ok = m[p]
	}
	return cur, ok
}

// Names returns the claim names in order.
func (c *Claims) Names() []string {
	names := make([]string, len(c.obj))
	for i, m := range c.obj {
		names[i] = m.Name
	}
	return names
}

// ParseClaims reads a JWT claims set without verifying anything, with the
// same rules as verification: a JSON object within the JSON limits, no
// duplicate members, registered claims of the right types. Hosts use it to
// turn claims a verifier returned as JSON back into [Claims].
func ParseClaims(payload []byte) (*Claims, error) { return parseClaims(payload) }

// ParseInspectedClaims reads a claims set as [Inspect] does: a date too
// large for a time (past year 9999, or 1e300) is left as the zero Time
// rather than refused, so that it can be shown as the number it is. Hosts
// that inspect across a boundary use it; never use it to verify.
func ParseInspectedClaims(payload []byte) (*Claims, error) {
	c := new(Claims)
	if err := parseClaimsInto(payload, c, true); err != nil {
		return nil, err
	}
	return c, nil
}

// parseClaims reads a claims set. Registered claims of the wrong JSON type
// are refused: a string "exp" is not a date (RFC 7519 §2, NumericDate).
func parseClaims(payload []byte) (*Claims, error) {
	c := new(Claims)
	if err := parseClaimsInto(payload, c, false); err != nil {
		return nil, err
	}
	return c, nil
}

// parseClaimsInto is parseClaims into c, which a verifier allocates
// together with the token. For inspection, a NumericDate too large for a
// float64 or a time is left as the zero Time instead of refused, so that
// it can be shown as the number it is.
func parseClaimsInto(payload []byte, c *Claims, inspect bool) error {
	obj, err := jsonobj.Parse(payload, jsonLimits)
	if err != nil {
		return wrapError(CodeMalformed, err, "token claims")
	}
	*c = Claims{raw: payload, obj: obj}
	for _, m := range obj {
		if inspect && (m.Name == "exp" || m.Name == "nbf" || m.Name == "iat") && numberOutOfRange(m.Value) {
			continue
		}
		switch m.Name {
		case "iss":
			err = stringMember("claim", m, &c.Issuer)
		case "sub":
			err = stringMember("claim", m, &c.Subject)
		case "jti":
			err = stringMember("claim", m, &c.ID)
		case "aud":
			c.Audience, err = parseAudience(m.Value)
		case "exp":
			c.ExpiresAt, err = parseNumericDate(m)
		case "nbf":
			c.NotBefore, err = parseNumericDate(m)
		case "iat":
			c.IssuedAt, err = parseNumericDate(m)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func parseAudience(raw []byte) ([]string, error) {
	list, plain := plainStrings(raw)
	switch {
	case plain: // read without encoding/json
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, wrapError(CodeMalformed, err, "claim \"aud\"")
		}
		return []string{s}, nil
	case raw[0] != '[' || json.Unmarshal(raw, &list) != nil:
		return nil, newError(CodeMalformed, "claim \"aud\" must be a string or an array of strings")
	}
	if len(list) > MaxAudiences {
		return nil, newError(CodeTooLarge, "claim \"aud\" has %d entries, over the limit of %d (MaxAudiences)", len(list), MaxAudiences)
	}
	return list, nil
}

// plainStrings reads raw, a JSON value already validated, when it is a
// string or an array of strings none of which has an escape; ok is false
// for anything else, which encoding/json then reads. Inside WebAssembly
// encoding/json's reflection made "aud" the costliest claim to decode.
func plainStrings(raw []byte) (list []string, ok bool) {
	if raw[0] == '"' {
		if len(raw) < 2 || raw[len(raw)-1] != '"' || bytes.IndexByte(raw, '\\') >= 0 {
			return nil, false
		}
		return []string{string(raw[1 : len(raw)-1])}, true
	}
	if raw[0] != '[' {
		return nil, false
	}
	for i := 1; i < len(raw); {
		switch raw[i] {
		case ' ', '\t', '\n', '\r', ',':
			i++
		case ']':
			if list == nil {
				list = []string{}
			}
			return list, true
		case '"':
			end := bytes.IndexByte(raw[i+1:], '"')
			if end < 0 {
				return nil, false
			}
			s := raw[i+1 : i+1+end]
			if bytes.IndexByte(s, '\\') >= 0 {
				return nil, false
			}
			list = append(list, string(s))
			i += end + 2
		default:
			return nil, false
		}
	}
	return nil, false
}

// parseNumericDate reads seconds since the epoch, possibly fractional.
func parseNumericDate(m jsonobj.Member) (time.Time, error) {
	c := m.Value[0]
	if c != '-' && (c < '0' || c > '9') {
		return time.Time{}, newError(CodeMalformed, "claim %q must be a number of seconds (NumericDate), got %s", m.Name, jsonKind(m.Value))
	}
	if sec, ok := plainSeconds(m.Value); ok {
		return time.Unix(sec, 0).UTC(), nil
	}
	f, err := strconv.ParseFloat(string(m.Value), 64)
	// Beyond ±2^53 seconds float64 loses whole seconds, and time.Unix
	// overflows long before anything that large means a date.
	if err != nil || math.Abs(f) > 1<<53 {
		return time.Time{}, newError(CodeMalformed, "claim %q is out of range: %s", m.Name, m.Value)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// numberOutOfRange reports whether raw is a JSON number that
// parseNumericDate refuses for its size alone.
func numberOutOfRange(raw []byte) bool {
	if c := raw[0]; c != '-' && (c < '0' || c > '9') {
		return false
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	return err != nil || math.Abs(f) > 1<<53
}

// plainSeconds reads a NumericDate written as a whole number of at most 15
// digits (what issuers write), without strconv's float parsing; ok is false
// for anything else.
func plainSeconds(raw []byte) (sec int64, ok bool) {
	digits := raw
	if raw[0] == '-' {
		digits = raw[1:]
	}
	if len(digits) == 0 || len(digits) > 15 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		sec = sec*10 + int64(c-'0')
	}
	if raw[0] == '-' {
		sec = -sec
	}
	return sec, true
}

func jsonKind(raw []byte) string {
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// RegisteredClaims are the claims [BuildClaims] writes from typed values.
// Zero values are left out.
type RegisteredClaims struct {
	Issuer    string
	Subject   string
	Audience  []string // one entry is written as a string, more as an array
	ExpiresAt time.Time
	NotBefore time.Time
	IssuedAt  time.Time
	ID        string
}

// BuildClaims returns a claims set: the registered claims from reg, then
// the members of custom, a JSON object (or nil). A claim given both ways is
// an error rather than a silent override.
func BuildClaims(reg RegisteredClaims, custom []byte) ([]byte, error) {
	var obj jsonobj.Object
	if len(bytes.TrimSpace(custom)) > 0 {
		var err error
		if obj, err = jsonobj.Parse(custom, jsonLimits); err != nil {
			return nil, wrapError(CodeInvalidArgument, err, "custom claims")
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	add := func(name string, value []byte) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		n, _ := json.Marshal(name)
		b.Write(n)
		b.WriteByte(':')
		b.Write(value)
	}
	var conflict string
	addReg := func(name string, v any) {
		if _, dup := obj.Get(name); dup {
			conflict = name
		}
		j, _ := json.Marshal(v)
		add(name, j)
	}
	if reg.Issuer != "" {
		addReg("iss", reg.Issuer)
	}
	if reg.Subject != "" {
		addReg("sub", reg.Subject)
	}
	switch len(reg.Audience) {
	case 0:
	case 1:
		addReg("aud", reg.Audience[0])
	default:
		addReg("aud", reg.Audience)
	}
	for _, d := range []struct {
		name string
		t    time.Time
	}{{"exp", reg.ExpiresAt}, {"nbf", reg.NotBefore}, {"iat", reg.IssuedAt}} {
		if !d.t.IsZero() {
			addReg(d.name, d.t.Unix())
		}
	}
	if reg.ID != "" {
		addReg("jti", reg.ID)
	}
	if conflict != "" {
		return nil, newError(CodeInvalidArgument, "claim %q is given both as a registered claim and in the custom claims", conflict)
	}
	for _, m := range obj {
		add(m.Name, m.Value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// NewTokenID returns a random "jti": 128 bits from crypto/rand, base64url.
func NewTokenID() string {
	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(id[:])
}
