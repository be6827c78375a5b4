package authn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// Config is the engine's configuration, one JSON schema for every front
// end: the proxy plugin reads it from the proxy's middleware settings, the
// net/http middleware from a file or a literal. Field names are the JSON
// names; wasm/plugin/README.md documents each with an example.
type Config struct {
	// Realm names the protected space in WWW-Authenticate challenges
	// (RFC 6750 §3). Default "jwtwasm".
	Realm string `json:"realm,omitempty"`
	// Providers are the issuers whose tokens are accepted. A token is
	// matched to a provider by its "iss" claim, exactly; a token of any
	// other issuer is refused. At least one.
	Providers []Provider `json:"providers"`
	// Sources are where a token is looked for, in order. Default: the
	// Authorization header with scheme Bearer.
	Sources []Source `json:"sources,omitempty"`
	// Forward copies claims of a verified token into request headers for
	// the upstream. Every header named here is removed from the incoming
	// request on every path, so a client can never set one itself.
	Forward []Forward `json:"forward,omitempty"`
	// StripToken removes the token from the request before it goes
	// upstream: its header, its cookie or its query parameter.
	StripToken Flag `json:"stripToken,omitempty"`
	// SkipPaths are paths served without authentication: "/healthz" is
	// that path exactly, "/public/*" everything under "/public/".
	SkipPaths []string `json:"skipPaths,omitempty"`
	// OptionalPaths are paths where a request without a token passes
	// without identity; a token that is there must still be valid. Same
	// patterns as SkipPaths.
	OptionalPaths []string `json:"optionalPaths,omitempty"`
	// AllowPreflight passes CORS preflight requests (OPTIONS with Origin
	// and Access-Control-Request-Method) without a token: browsers never
	// send credentials on them (Fetch standard, CORS-preflight fetch).
	AllowPreflight Flag `json:"allowPreflight,omitempty"`
	// HideDetails keeps the failure's code and message out of responses
	// (the WWW-Authenticate error_description and the JSON body); the
	// decision still carries them for logs.
	HideDetails Flag `json:"hideDetails,omitempty"`
	// CacheSize is the number of verified tokens each provider remembers,
	// so a token seen before costs no signature check. An entry lives
	// until the token expires, never longer, and is dropped when the key
	// set changes. Default 1000; 0 turns the cache off.
	CacheSize *Number `json:"cacheSize,omitempty"`
	// KeysReload is how often key files are read again, so keys rotate
	// without a restart. Default "10s"; "0s" reads them on every request.
	KeysReload *Duration `json:"keysReload,omitempty"`
}

// Provider is one issuer: its keys and what its tokens must satisfy.
type Provider struct {
	// Issuer must equal the token's "iss". Required, unique among
	// providers.
	Issuer string `json:"issuer"`
	// Keys holds the verification keys inline: a JWKS or JWK object, or a
	// PEM string. Exactly one of Keys and KeysFile.
	Keys json.RawMessage `json:"keys,omitempty"`
	// KeysFile names a file holding a JWKS, a JWK or PEM, read through the
	// front end (a mounted directory for the plugin) and read again every
	// KeysReload.
	KeysFile string `json:"keysFile,omitempty"`
	// Algorithms lists the accepted "alg" values. Required: the token's
	// own "alg" never chooses (RFC 8725 §3.1).
	Algorithms []string `json:"algorithms"`
	// Audiences: the token's "aud" must name one. Required unless
	// IgnoreAudience is set.
	Audiences []string `json:"audiences,omitempty"`
	// IgnoreAudience accepts tokens whatever their "aud".
	IgnoreAudience Flag `json:"ignoreAudience,omitempty"`
	// RequiredClaims must be present in the token.
	RequiredClaims []string `json:"requiredClaims,omitempty"`
	// Require lists access rules (role=admin, scope~read, ...: see
	// core.ParseRule). A valid token that fails one gets 403.
	Require []string `json:"require,omitempty"`
	// Leeway is the clock skew allowed on exp, nbf and iat, e.g. "30s".
	Leeway Duration `json:"leeway,omitempty"`
	// MaxAge refuses tokens issued longer ago, e.g. "1h".
	MaxAge Duration `json:"maxAge,omitempty"`
	// AllowNoExpiry accepts tokens without "exp". By default they are
	// refused: a token that never expires cannot be taken back.
	AllowNoExpiry Flag `json:"allowNoExpiry,omitempty"`
	// MaxTokenSize is the largest token accepted, in bytes. Default
	// core.DefaultMaxTokenSize.
	MaxTokenSize Number `json:"maxTokenSize,omitempty"`
}

// Source is one place a token may be found. Exactly one of its fields is
// set.
type Source struct {
	// Header names a request header. With Scheme, the value must be
	// "<scheme> <token>" (scheme compared without regard to case);
	// without, the whole value is the token.
	Header string `json:"header,omitempty"`
	// Scheme is the authentication scheme in Header, e.g. "Bearer".
	Scheme string `json:"scheme,omitempty"`
	// Cookie names a cookie.
	Cookie string `json:"cookie,omitempty"`
	// Query names a query parameter (RFC 6750 §2.3 calls it
	// access_token; it leaks into logs, so prefer a header).
	Query string `json:"query,omitempty"`
}

// Forward copies one claim into one request header.
type Forward struct {
	// Claim is the claim's name, or a dotted path into nested objects
	// ("realm_access.roles").
	Claim string `json:"claim"`
	// Header is the request header that carries it upstream.
	Header string `json:"header"`
	// Separator joins the elements of an array claim. Default ",".
	Separator *string `json:"separator,omitempty"`
}

// Flag is a boolean that may also be written as the string "true" or
// "false": Traefik hands a plugin every scalar of its YAML settings as a
// string.
type Flag bool

// UnmarshalJSON reads true, false, "true" or "false".
func (f *Flag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`:
		*f = true
	case "false", `"false"`:
		*f = false
	default:
		return fmt.Errorf("want true or false, got %s", b)
	}
	return nil
}

// Number is an integer that may also be written as a string of digits,
// for the same reason as [Flag].
type Number int

// UnmarshalJSON reads an integer, bare or quoted.
func (n *Number) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want an integer, got %s", b)
	}
	*n = Number(v)
	return nil
}

// Duration is a time.Duration written in JSON as a Go duration string,
// e.g. "30s" or "5m".
type Duration time.Duration

// UnmarshalJSON reads a duration string; a number is refused because its
// unit would be a guess.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a duration string such as \"30s\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration string such as \"30s\": %q is not one", s)
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// Limits on a configuration: a proxy reads it from settings an operator
// wrote, but a mistake there should fail loudly, not exhaust memory.
const (
	// MaxConfigSize is the largest configuration document, in bytes.
	MaxConfigSize = 1 << 20
	// MaxProviders is the largest number of providers.
	MaxProviders = 100
	// MaxCacheSize is the largest verified-token cache per provider.
	MaxCacheSize = 1 << 20
	// DefaultCacheSize is the cache size when the configuration names none.
	DefaultCacheSize = 1000
	// DefaultKeysReload is how often key files are read again by default.
	DefaultKeysReload = 10 * time.Second
)

// ParseConfig reads a configuration strictly: an unknown field, a field of
// the wrong type or trailing data is an error naming it, so a typo such as
// "audience" for "audiences" cannot silently leave a check out. The
// result is validated as [Config.Validate] does.
func ParseConfig(data []byte) (*Config, error) {
	if len(data) > MaxConfigSize {
		return nil, core.Errorf(core.CodeInvalidArgument, "configuration of %d bytes is over the limit of %d (MaxConfigSize)", len(data), MaxConfigSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, core.Errorf(core.CodeInvalidArgument, "the configuration is empty: want a JSON object with at least \"providers\"")
	}
	if err := checkScalars(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, core.Errorf(core.CodeInvalidArgument, "configuration: %s", describeJSONError(err))
	}
	if dec.More() {
		return nil, core.Errorf(core.CodeInvalidArgument, "configuration: data after the JSON object")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// checkScalars finds a [Flag] or [Number] field that holds neither its
// type nor a string of it, and names it by its path: encoding/json reports
// a custom type's error without the field it was reading.
func checkScalars(data []byte) error {
	var doc struct {
		Top       map[string]json.RawMessage   `json:"-"`
		Providers []map[string]json.RawMessage `json:"providers"`
	}
	if json.Unmarshal(data, &doc.Top) != nil {
		return nil // the strict decoding reports it
	}
	if raw, ok := doc.Top["providers"]; ok && json.Unmarshal(raw, &doc.Providers) != nil {
		return nil
	}
	check := func(path string, fields map[string]json.RawMessage, flags, numbers []string) error {
		for _, name := range flags {
			if raw, ok := fields[name]; ok {
				var f Flag
				if err := f.UnmarshalJSON(raw); err != nil {
					return core.Errorf(core.CodeInvalidArgument, "configuration: %s%s: %v", path, name, err)
				}
			}
		}
		for _, name := range numbers {
			if raw, ok := fields[name]; ok {
				var n Number
				if err := n.UnmarshalJSON(raw); err != nil {
					return core.Errorf(core.CodeInvalidArgument, "configuration: %s%s: %v", path, name, err)
				}
			}
		}
		return nil
	}
	if err := check("", doc.Top, []string{"stripToken", "allowPreflight", "hideDetails"}, []string{"cacheSize"}); err != nil {
		return err
	}
	for i, p := range doc.Providers {
		if err := check(fmt.Sprintf("providers[%d].", i), p, []string{"ignoreAudience", "allowNoExpiry"}, []string{"maxTokenSize"}); err != nil {
			return err
		}
	}
	return nil
}

// describeJSONError rewords encoding/json's errors so they name the field
// by its JSON path rather than by Go type.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field != "" {
			return fmt.Sprintf("field %q: want %s, got a JSON %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
		}
		return fmt.Sprintf("want a JSON object, got a JSON %s", typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("not valid JSON at byte %d: %v", syntaxErr.Offset, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "not valid JSON: the document ends early"
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown field " + rest
	}
	return strings.TrimPrefix(msg, "json: ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "true or false"
	case "int", "int64", "ptr":
		return "a number"
	}
	return goKind
}

// Validate checks the configuration as a whole and names the first field
// that is wrong, by its JSON path (providers[1].algorithms).
func (c *Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return core.Errorf(core.CodeInvalidArgument, "configuration: %s: %s", field, fmt.Sprintf(format, args...))
	}
	if strings.ContainsAny(c.Realm, "\"\\") || !printable(c.Realm) {
		return bad("realm", "%q holds a quote, a backslash or a control character, which a WWW-Authenticate header cannot carry", c.Realm)
	}
	if len(c.Providers) == 0 {
		return bad("providers", "at least one provider is required")
	}
	if len(c.Providers) > MaxProviders {
		return bad("providers", "%d providers is over the limit of %d (MaxProviders)", len(c.Providers), MaxProviders)
	}
	issuers := map[string]int{}
	for i, p := range c.Providers {
		field := fmt.Sprintf("providers[%d]", i)
		if p.Issuer == "" {
			return bad(field+".issuer", "required: a token is matched to its provider by \"iss\"")
		}
		if j, dup := issuers[p.Issuer]; dup {
			return bad(field+".issuer", "%q is also the issuer of providers[%d]", p.Issuer, j)
		}
		issuers[p.Issuer] = i
		hasKeys := len(p.Keys) > 0 && string(p.Keys) != "null"
		switch {
		case hasKeys && p.KeysFile != "":
			return bad(field, "both \"keys\" and \"keysFile\": keep one")
		case !hasKeys && p.KeysFile == "":
			return bad(field, "no keys: set \"keys\" (a JWKS, a JWK or a PEM string) or \"keysFile\"")
		}
		if len(p.Algorithms) == 0 {
			return bad(field+".algorithms", "required: list the algorithms this issuer signs with, e.g. [\"RS256\"]")
		}
		if len(p.Audiences) == 0 && !p.IgnoreAudience {
			return bad(field+".audiences", "required: name this service's audience, or set \"ignoreAudience\": true to accept tokens meant for any")
		}
		if len(p.Audiences) > 0 && p.IgnoreAudience {
			return bad(field, "\"audiences\" and \"ignoreAudience\" together: keep one")
		}
		if p.MaxTokenSize < 0 || p.MaxTokenSize > core.MaxTokenSizeLimit {
			return bad(field+".maxTokenSize", "%d is outside 1..%d", p.MaxTokenSize, core.MaxTokenSizeLimit)
		}
		for j, r := range p.Require {
			if _, err := core.ParseRule(r); err != nil {
				return bad(fmt.Sprintf("%s.require[%d]", field, j), "%s", core.MessageOf(err))
			}
		}
	}
	for i, s := range c.Sources {
		field := fmt.Sprintf("sources[%d]", i)
		set := 0
		for _, v := range []string{s.Header, s.Cookie, s.Query} {
			if v != "" {
				set++
			}
		}
		if set != 1 {
			return bad(field, "want exactly one of \"header\", \"cookie\" and \"query\"")
		}
		if s.Scheme != "" && s.Header == "" {
			return bad(field+".scheme", "a scheme belongs to a header source")
		}
		if s.Header != "" && !validHeaderName(s.Header) {
			return bad(field+".header", "%q is not a valid header name", s.Header)
		}
		if strings.ContainsAny(s.Scheme, " \t\"") || !printable(s.Scheme) {
			return bad(field+".scheme", "%q is not a valid authentication scheme", s.Scheme)
		}
	}
	seen := map[string]int{}
	for i, f := range c.Forward {
		field := fmt.Sprintf("forward[%d]", i)
		if f.Claim == "" {
			return bad(field+".claim", "required")
		}
		if !validHeaderName(f.Header) {
			return bad(field+".header", "%q is not a valid header name", f.Header)
		}
		canon := canonicalHeader(f.Header)
		if j, dup := seen[canon]; dup {
			return bad(field+".header", "%q is also the header of forward[%d]", f.Header, j)
		}
		if reservedHeader(canon) {
			return bad(field+".header", "%q is a header the proxy or HTTP itself relies on; pick a header of your own such as X-User", f.Header)
		}
		seen[canon] = i
		if f.Separator != nil && !printable(*f.Separator) {
			return bad(field+".separator", "%q holds a control character", *f.Separator)
		}
	}
	for i, p := range c.SkipPaths {
		if err := checkPattern(p); err != nil {
			return bad(fmt.Sprintf("skipPaths[%d]", i), "%v", err)
		}
	}
	for i, p := range c.OptionalPaths {
		if err := checkPattern(p); err != nil {
			return bad(fmt.Sprintf("optionalPaths[%d]", i), "%v", err)
		}
	}
	if c.CacheSize != nil && (*c.CacheSize < 0 || *c.CacheSize > MaxCacheSize) {
		return bad("cacheSize", "%d is outside 0..%d", *c.CacheSize, MaxCacheSize)
	}
	return nil
}

// reservedHeader reports headers that forwarding a claim into would break
// the request or the proxy's own handling of it.
func reservedHeader(canon string) bool {
	return slices.Contains([]string{"Host", "Content-Length", "Content-Type", "Transfer-Encoding",
		"Connection", "Cookie", "Authorization", "Te", "Trailer", "Upgrade"}, canon)
}

// validHeaderName reports whether s is an RFC 9110 field name (a token).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// printable reports whether s holds no control character, so it can go
// into a header value as it is.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
