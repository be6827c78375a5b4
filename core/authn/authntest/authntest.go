// Package authntest holds the request table that every front end of the
// request-authentication engine answers: the engine itself (core/authn),
// the http-wasm proxy plugin (wasm/plugin) and the net/http middleware.
// Each runs the same cases through its own transport, so "both behave
// identically by construction" is also checked.
package authntest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// The issuers and audience of the table.
const (
	Issuer   = "https://issuer.example"
	Issuer2  = "https://other.example"
	Audience = "api"
)

// Fixture holds keys and the time tokens are signed for. ES, ES2 and RS are
// Issuer's; Other is Issuer2's.
type Fixture struct {
	Now                time.Time
	ES, ES2, RS, Other *core.Key
}

var (
	keysOnce sync.Once
	keySet   [4]*core.Key
)

// New returns a fixture whose tokens are valid at now. Its keys are made
// once per process (RSA takes a while).
func New(now time.Time) *Fixture {
	keysOnce.Do(func() {
		for i, p := range []core.KeyParams{{Alg: "ES256", KeyID: "es-1"}, {Alg: "ES256", KeyID: "es-2"}, {Alg: "RS256", KeyID: "rs-1"}, {Alg: "ES256", KeyID: "other-1"}} {
			k, err := core.GenerateKey(p)
			if err != nil {
				panic(err)
			}
			keySet[i] = k
		}
	})
	return &Fixture{Now: now, ES: keySet[0], ES2: keySet[1], RS: keySet[2], Other: keySet[3]}
}

// JWKS returns the public JWKS of keys.
func JWKS(t testing.TB, keys ...*core.Key) []byte {
	t.Helper()
	set, err := core.NewKeySet(keys...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(set.Public())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Sign signs claims with key, filling in iss, aud, sub and an exp ten
// minutes after f.Now unless claims sets them (a nil value removes one).
func (f *Fixture) Sign(t testing.TB, key *core.Key, claims map[string]any, opts ...core.SignOption) string {
	t.Helper()
	c := map[string]any{"iss": Issuer, "aud": Audience, "sub": "alice", "exp": f.Now.Add(10 * time.Minute).Unix()}
	for k, v := range claims {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := core.Sign(key, b, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// NoneToken returns an unsigned token ("alg": "none") with valid claims.
func (f *Fixture) NoneToken() string {
	h := `{"alg":"none","typ":"JWT"}`
	c := fmt.Sprintf(`{"iss":%q,"aud":%q,"sub":"alice","exp":%d}`, Issuer, Audience, f.Now.Add(time.Minute).Unix())
	return b64(h) + "." + b64(c) + "."
}

func hdr(name, value string) Header { return Header{Name: name, Value: value} }

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// flipSignatureBit returns token with one bit of its signature changed.
func flipSignatureBit(token string) string {
	b := []byte(token)
	i := len(b) - 5
	switch b[i] {
	case 'A':
		b[i] = 'B'
	default:
		b[i] = 'A'
	}
	return string(b)
}

// Config is the table's configuration: two issuers, claims forwarded in
// five headers, the token taken from a header, a cookie or the query and
// stripped, /healthz and /public/* skipped, /feed optional, preflight
// allowed.
func (f *Fixture) Config(t testing.TB) string {
	return fmt.Sprintf(`{
	  "realm": "api",
	  "providers": [
	    {"issuer": %q, "keys": %s, "algorithms": ["ES256", "RS256"], "audiences": [%q], "require": ["role!=banned"]},
	    {"issuer": %q, "keys": %s, "algorithms": ["ES256"], "ignoreAudience": true}
	  ],
	  "sources": [{"header": "Authorization", "scheme": "Bearer"}, {"cookie": "session"}, {"query": "access_token"}],
	  "forward": [
	    {"claim": "sub", "header": "X-User"},
	    {"claim": "roles", "header": "X-Roles"},
	    {"claim": "org.id", "header": "x-org-id"},
	    {"claim": "level", "header": "X-Level"},
	    {"claim": "admin", "header": "X-Admin"}
	  ],
	  "stripToken": true,
	  "skipPaths": ["/healthz", "/public/*"],
	  "optionalPaths": ["/feed"],
	  "allowPreflight": true
	}`, Issuer, JWKS(t, f.ES, f.ES2, f.RS), Audience, Issuer2, JWKS(t, f.Other))
}

// Header is a request header, as authn.Header (this package cannot import
// authn, whose own tests use it).
type Header struct{ Name, Value string }

// Want is a case's expected decision.
type Want struct {
	// Status is 0 for a request that goes upstream.
	Status int
	// Reason is the decision's Reason (not visible over HTTP).
	Reason string
	// Challenge is a substring of WWW-Authenticate.
	Challenge string
	// Set are the headers the upstream gets from claims (and Cookie).
	Set []Header
	// Remove are the headers taken from the request.
	Remove []string
	// Target is the request target the upstream gets, if changed.
	Target string
	// Body is a substring of the refusal's body.
	Body string
}

// Case is one request of the table.
type Case struct {
	Name   string
	Method string // default GET
	Target string
	Header http.Header
	Want   Want
}

// Cases returns the table for f's configuration.
func (f *Fixture) Cases(t testing.TB) []Case {
	valid := f.Sign(t, f.ES, map[string]any{"roles": []string{"read", "write"}, "org": map[string]any{"id": 42}, "level": 1.50, "admin": false})
	forwarded := []string{"X-User", "X-Roles", "X-Org-Id", "X-Level", "X-Admin"}
	stripAuth := append(slices.Clone(forwarded), "Authorization")
	return []Case{
		{
			Name: "valid token passes with claims forwarded and the token stripped", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + valid}, "X-User": {"mallory"}},
			Want:   Want{Set: []Header{hdr("X-User", "alice"), hdr("X-Roles", "read,write"), hdr("X-Org-Id", "42"), hdr("X-Level", "1.5"), hdr("X-Admin", "false")}, Remove: stripAuth},
		},
		{
			Name: "scheme is case-insensitive", Target: "/orders",
			Header: http.Header{"Authorization": {"bearer " + valid}},
			Want:   Want{Set: []Header{hdr("X-User", "alice"), hdr("X-Roles", "read,write"), hdr("X-Org-Id", "42"), hdr("X-Level", "1.5"), hdr("X-Admin", "false")}, Remove: stripAuth},
		},
		{
			Name: "no token: 401 with a bare challenge", Target: "/orders",
			Header: http.Header{"X-User": {"mallory"}},
			Want:   Want{Status: 401, Reason: "missing", Challenge: `Bearer realm="api"`, Remove: forwarded, Body: `"error":"unauthorized"`},
		},
		{
			Name: "another scheme is no token", Target: "/orders",
			Header: http.Header{"Authorization": {"Basic YWxpY2U6c2VjcmV0"}},
			Want:   Want{Status: 401, Reason: "missing", Challenge: `Bearer realm="api"`, Remove: forwarded},
		},
		{
			Name: "skip path passes, but forwarded headers still go", Target: "/healthz",
			Header: http.Header{"X-User": {"mallory"}},
			Want:   Want{Reason: "skip", Remove: forwarded},
		},
		{
			Name: "skip prefix", Target: "/public/css/site.css?v=1",
			Want: Want{Reason: "skip", Remove: forwarded},
		},
		{
			Name: "a dot segment cannot stretch a skip path", Target: "/public/../admin",
			Want: Want{Status: 401, Reason: "missing", Remove: forwarded},
		},
		{
			Name: "an escaped slash cannot stretch a skip path", Target: "/public%2F..%2Fadmin",
			Want: Want{Status: 401, Reason: "missing", Remove: forwarded},
		},
		{
			Name: "the skip prefix is a whole segment", Target: "/publicity",
			Want: Want{Status: 401, Reason: "missing", Remove: forwarded},
		},
		{
			Name: "preflight passes", Method: "OPTIONS", Target: "/orders",
			Header: http.Header{"Origin": {"https://app.example"}, "Access-Control-Request-Method": {"POST"}},
			Want:   Want{Reason: "preflight", Remove: forwarded},
		},
		{
			Name: "OPTIONS without preflight headers is no preflight", Method: "OPTIONS", Target: "/orders",
			Want: Want{Status: 401, Reason: "missing", Remove: forwarded},
		},
		{
			Name: "optional path without token passes without identity", Target: "/feed",
			Header: http.Header{"X-Roles": {"admin"}},
			Want:   Want{Reason: "optional", Remove: forwarded},
		},
		{
			Name: "optional path with a bad token is refused", Target: "/feed",
			Header: http.Header{"Authorization": {"Bearer " + flipSignatureBit(valid)}},
			Want:   Want{Status: 401, Reason: "bad_signature", Challenge: `error="invalid_token", error_description="bad_signature: `, Remove: stripAuth},
		},
		{
			Name: "expired", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, map[string]any{"exp": f.Now.Add(-time.Minute).Unix()})}},
			Want:   Want{Status: 401, Reason: "expired", Challenge: `error="invalid_token", error_description="expired: `, Remove: stripAuth, Body: `"code":"expired"`},
		},
		{
			Name: "wrong audience", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, map[string]any{"aud": "billing"})}},
			Want:   Want{Status: 401, Reason: "bad_audience", Challenge: `error="invalid_token"`, Remove: stripAuth},
		},
		{
			Name: "no exp", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, map[string]any{"exp": nil})}},
			Want:   Want{Status: 401, Reason: "missing_claim", Remove: stripAuth},
		},
		{
			Name: "unknown kid", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, nil, core.WithKeyID("nope"))}},
			Want:   Want{Status: 401, Reason: "unknown_kid", Remove: stripAuth},
		},
		{
			Name: "no kid while the issuer has several keys", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, nil, core.WithKeyID(""))}},
			Want:   Want{Status: 401, Reason: "unknown_kid", Remove: stripAuth},
		},
		{
			Name: "alg none", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.NoneToken()}},
			Want:   Want{Status: 401, Reason: "alg_not_allowed", Remove: stripAuth},
		},
		{
			Name: "the second issuer's token passes with its own keys", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.Other, map[string]any{"iss": Issuer2, "aud": "anything"})}},
			Want:   Want{Set: []Header{hdr("X-User", "alice")}, Remove: stripAuth},
		},
		{
			Name: "an algorithm the token's issuer does not use", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.RS, map[string]any{"iss": Issuer2})}},
			Want:   Want{Status: 401, Reason: "alg_not_allowed", Remove: stripAuth},
		},
		{
			Name: "the second issuer's token is checked with its own keys", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, map[string]any{"iss": Issuer2})}},
			Want:   Want{Status: 401, Reason: "unknown_kid", Remove: stripAuth},
		},
		{
			Name: "an issuer not in the list", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, map[string]any{"iss": "https://evil.example"})}},
			Want:   Want{Status: 401, Reason: "bad_issuer", Challenge: `error_description="bad_issuer: issuer 'https://evil.example' is not one`, Remove: stripAuth},
		},
		{
			Name: "no issuer", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, map[string]any{"iss": nil})}},
			Want:   Want{Status: 401, Reason: "missing_claim", Remove: stripAuth},
		},
		{
			Name: "a rule not met is 403", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, map[string]any{"role": "banned"})}},
			Want:   Want{Status: 403, Reason: "forbidden", Challenge: `error="insufficient_scope"`, Remove: stripAuth},
		},
		{
			Name: "token in a cookie, cookie stripped and the others kept", Target: "/orders",
			Header: http.Header{"Cookie": {"theme=dark; session=" + valid + "; lang=en"}},
			Want: Want{Set: []Header{hdr("Cookie", "theme=dark; lang=en"), hdr("X-User", "alice"), hdr("X-Roles", "read,write"), hdr("X-Org-Id", "42"), hdr("X-Level", "1.5"), hdr("X-Admin", "false")},
				Remove: append(slices.Clone(forwarded), "Cookie")},
		},
		{
			Name: "token in the query, parameter stripped", Target: "/orders?page=2&access_token=" + valid + "&sort=asc",
			Want: Want{Set: []Header{hdr("X-User", "alice"), hdr("X-Roles", "read,write"), hdr("X-Org-Id", "42"), hdr("X-Level", "1.5"), hdr("X-Admin", "false")},
				Remove: forwarded, Target: "/orders?page=2&sort=asc"},
		},
		{
			Name: "two places at once are refused", Target: "/orders?access_token=" + valid,
			Header: http.Header{"Authorization": {"Bearer " + valid}},
			Want:   Want{Status: 400, Reason: "invalid_request", Challenge: `error="invalid_request"`, Remove: forwarded},
		},
		{
			Name: "two Authorization headers are refused", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer " + valid, "Bearer " + valid}},
			Want:   Want{Status: 400, Reason: "invalid_request", Remove: forwarded},
		},
		{
			Name: "a tossed cookie is refused", Target: "/orders",
			Header: http.Header{"Cookie": {"session=" + valid + "; session=x.y.z"}},
			Want:   Want{Status: 400, Reason: "invalid_request", Remove: forwarded},
		},
		{
			Name: "Bearer with nothing after it", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer "}},
			Want:   Want{Status: 400, Reason: "invalid_request", Remove: forwarded},
		},
		{
			Name: "a token with a character no token has", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer a.b c"}},
			Want:   Want{Status: 400, Reason: "invalid_request", Body: "a space", Remove: forwarded},
		},
		{
			Name: "garbage that looks like a token", Target: "/orders",
			Header: http.Header{"Authorization": {"Bearer abc"}},
			Want:   Want{Status: 401, Reason: "malformed", Remove: stripAuth},
		},
	}
}
