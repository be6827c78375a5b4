package authn

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// now is the engine's clock in these tests: tokens are signed relative to
// it, so no case depends on the machine's clock.
var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

const (
	issuer   = "https://issuer.example"
	issuer2  = "https://other.example"
	audience = "api"
)

type fixture struct {
	es, es2, rs *core.Key // private keys; es and rs share issuer's set
	other       *core.Key // the second issuer's key
}

var (
	fixOnce sync.Once
	fix     fixture
)

func keys(t testing.TB) fixture {
	t.Helper()
	fixOnce.Do(func() {
		gen := func(alg, kid string) *core.Key {
			k, err := core.GenerateKey(core.KeyParams{Alg: alg, KeyID: kid})
			if err != nil {
				panic(err)
			}
			return k
		}
		fix = fixture{es: gen("ES256", "es-1"), es2: gen("ES256", "es-2"), rs: gen("RS256", "rs-1"), other: gen("ES256", "other-1")}
	})
	return fix
}

// jwks returns the public JWKS of keys.
func jwks(t testing.TB, keys ...*core.Key) []byte {
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

// sign signs claims, filling in iss, aud and a 10-minute exp unless the
// case sets them (a nil value removes the claim).
func sign(t testing.TB, key *core.Key, claims map[string]any, opts ...core.SignOption) string {
	t.Helper()
	c := map[string]any{"iss": issuer, "aud": audience, "sub": "alice", "exp": now.Add(10 * time.Minute).Unix()}
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

func newEngine(t testing.TB, cfg string, opts ...func(*Options)) *Engine {
	t.Helper()
	c, err := ParseConfig([]byte(cfg))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	o := Options{Now: func() time.Time { return now }}
	for _, f := range opts {
		f(&o)
	}
	e, err := New(c, o)
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	return e
}

// baseConfig has two issuers, forwards claims, strips the token, and
// skips /healthz.
func baseConfig(t testing.TB) string {
	k := keys(t)
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
	}`, issuer, jwks(t, k.es, k.es2, k.rs), audience, issuer2, jwks(t, k.other))
}

func TestAuthenticate(t *testing.T) {
	k := keys(t)
	e := newEngine(t, baseConfig(t))
	valid := sign(t, k.es, map[string]any{"roles": []string{"read", "write"}, "org": map[string]any{"id": 42}, "level": 1.50, "admin": false})
	forwarded := []string{"X-User", "X-Roles", "X-Org-Id", "X-Level", "X-Admin"}
	stripAuth := append(slices.Clone(forwarded), "Authorization")

	type want struct {
		status    int
		reason    string
		challenge string // substring of WWW-Authenticate
		set       []Header
		remove    []string
		target    string
		body      string // substring
	}
	cases := []struct {
		name   string
		method string
		target string
		header http.Header
		want   want
	}{
		{
			name: "valid token passes with claims forwarded and the token stripped", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + valid}, "X-User": {"mallory"}},
			want:   want{set: []Header{{"X-User", "alice"}, {"X-Roles", "read,write"}, {"X-Org-Id", "42"}, {"X-Level", "1.5"}, {"X-Admin", "false"}}, remove: stripAuth},
		},
		{
			name: "scheme is case-insensitive", target: "/orders",
			header: http.Header{"Authorization": {"bearer " + valid}},
			want:   want{set: []Header{{"X-User", "alice"}, {"X-Roles", "read,write"}, {"X-Org-Id", "42"}, {"X-Level", "1.5"}, {"X-Admin", "false"}}, remove: stripAuth},
		},
		{
			name: "no token: 401 with a bare challenge", target: "/orders",
			header: http.Header{"X-User": {"mallory"}},
			want:   want{status: 401, reason: "missing", challenge: `Bearer realm="api"`, remove: forwarded, body: `"error":"unauthorized"`},
		},
		{
			name: "another scheme is no token", target: "/orders",
			header: http.Header{"Authorization": {"Basic YWxpY2U6c2VjcmV0"}},
			want:   want{status: 401, reason: "missing", challenge: `Bearer realm="api"`, remove: forwarded},
		},
		{
			name: "skip path passes, but forwarded headers still go", target: "/healthz",
			header: http.Header{"X-User": {"mallory"}},
			want:   want{reason: "skip", remove: forwarded},
		},
		{
			name: "skip prefix", target: "/public/css/site.css?v=1",
			want: want{reason: "skip", remove: forwarded},
		},
		{
			name: "a dot segment cannot stretch a skip path", target: "/public/../admin",
			want: want{status: 401, reason: "missing", remove: forwarded},
		},
		{
			name: "an escaped slash cannot stretch a skip path", target: "/public%2F..%2Fadmin",
			want: want{status: 401, reason: "missing", remove: forwarded},
		},
		{
			name: "the skip prefix is a whole segment", target: "/publicity",
			want: want{status: 401, reason: "missing", remove: forwarded},
		},
		{
			name: "preflight passes", method: "OPTIONS", target: "/orders",
			header: http.Header{"Origin": {"https://app.example"}, "Access-Control-Request-Method": {"POST"}},
			want:   want{reason: "preflight", remove: forwarded},
		},
		{
			name: "OPTIONS without preflight headers is no preflight", method: "OPTIONS", target: "/orders",
			want: want{status: 401, reason: "missing", remove: forwarded},
		},
		{
			name: "optional path without token passes without identity", target: "/feed",
			header: http.Header{"X-Roles": {"admin"}},
			want:   want{reason: "optional", remove: forwarded},
		},
		{
			name: "optional path with a bad token is refused", target: "/feed",
			header: http.Header{"Authorization": {"Bearer " + testkit.FlipSignatureBit(t, valid, 3)}},
			want:   want{status: 401, reason: "bad_signature", challenge: `error="invalid_token", error_description="bad_signature: `, remove: stripAuth},
		},
		{
			name: "expired", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, map[string]any{"exp": now.Add(-time.Minute).Unix()})}},
			want:   want{status: 401, reason: "expired", challenge: `error="invalid_token", error_description="expired: `, remove: stripAuth, body: `"code":"expired"`},
		},
		{
			name: "wrong audience", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, map[string]any{"aud": "billing"})}},
			want:   want{status: 401, reason: "bad_audience", challenge: `error="invalid_token"`, remove: stripAuth},
		},
		{
			name: "no exp", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, map[string]any{"exp": nil})}},
			want:   want{status: 401, reason: "missing_claim", remove: stripAuth},
		},
		{
			name: "unknown kid", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, nil, core.WithKeyID("nope"))}},
			want:   want{status: 401, reason: "unknown_kid", remove: stripAuth},
		},
		{
			name: "no kid while the issuer has several keys", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, nil, core.WithKeyID(""))}},
			want:   want{status: 401, reason: "unknown_kid", remove: stripAuth},
		},
		{
			name: "alg none", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + noneToken(t)}},
			want:   want{status: 401, reason: "alg_not_allowed", remove: stripAuth},
		},
		{
			name: "the second issuer's token passes with its own keys", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.other, map[string]any{"iss": issuer2, "aud": "anything"})}},
			want:   want{set: []Header{{"X-User", "alice"}}, remove: stripAuth},
		},
		{
			name: "an algorithm the token's issuer does not use", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.rs, map[string]any{"iss": issuer2})}},
			want:   want{status: 401, reason: "alg_not_allowed", remove: stripAuth},
		},
		{
			name: "the second issuer's token is checked with its own keys", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, map[string]any{"iss": issuer2})}},
			want:   want{status: 401, reason: "unknown_kid", remove: stripAuth},
		},
		{
			name: "an issuer not in the list", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, map[string]any{"iss": "https://evil.example"})}},
			want:   want{status: 401, reason: "bad_issuer", challenge: `error_description="bad_issuer: issuer 'https://evil.example' is not one`, remove: stripAuth},
		},
		{
			name: "no issuer", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, map[string]any{"iss": nil})}},
			want:   want{status: 401, reason: "missing_claim", remove: stripAuth},
		},
		{
			name: "a rule not met is 403", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, map[string]any{"role": "banned"})}},
			want:   want{status: 403, reason: "forbidden", challenge: `error="insufficient_scope"`, remove: stripAuth},
		},
		{
			name: "token in a cookie, cookie stripped and the others kept", target: "/orders",
			header: http.Header{"Cookie": {"theme=dark; session=" + valid + "; lang=en"}},
			want: want{set: []Header{{"Cookie", "theme=dark; lang=en"}, {"X-User", "alice"}, {"X-Roles", "read,write"}, {"X-Org-Id", "42"}, {"X-Level", "1.5"}, {"X-Admin", "false"}},
				remove: append(slices.Clone(forwarded), "Cookie")},
		},
		{
			name: "token in the query, parameter stripped", target: "/orders?page=2&access_token=" + valid + "&sort=asc",
			want: want{set: []Header{{"X-User", "alice"}, {"X-Roles", "read,write"}, {"X-Org-Id", "42"}, {"X-Level", "1.5"}, {"X-Admin", "false"}},
				remove: forwarded, target: "/orders?page=2&sort=asc"},
		},
		{
			name: "two places at once are refused", target: "/orders?access_token=" + valid,
			header: http.Header{"Authorization": {"Bearer " + valid}},
			want:   want{status: 400, reason: "invalid_request", challenge: `error="invalid_request"`, remove: forwarded},
		},
		{
			name: "two Authorization headers are refused", target: "/orders",
			header: http.Header{"Authorization": {"Bearer " + valid, "Bearer " + valid}},
			want:   want{status: 400, reason: "invalid_request", remove: forwarded},
		},
		{
			name: "a tossed cookie is refused", target: "/orders",
			header: http.Header{"Cookie": {"session=" + valid + "; session=x.y.z"}},
			want:   want{status: 400, reason: "invalid_request", remove: forwarded},
		},
		{
			name: "Bearer with nothing after it", target: "/orders",
			header: http.Header{"Authorization": {"Bearer "}},
			want:   want{status: 400, reason: "invalid_request", remove: forwarded},
		},
		{
			name: "a token with a character no token has", target: "/orders",
			header: http.Header{"Authorization": {"Bearer a.b c"}},
			want:   want{status: 400, reason: "invalid_request", body: "a space", remove: forwarded},
		},
		{
			name: "garbage that looks like a token", target: "/orders",
			header: http.Header{"Authorization": {"Bearer abc"}},
			want:   want{status: 401, reason: "malformed", remove: stripAuth},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.header == nil {
				tc.header = http.Header{}
			}
			method := tc.method
			if method == "" {
				method = "GET"
			}
			d := e.Authenticate(Request{Method: method, Target: tc.target, Header: tc.header})
			w := tc.want
			if d.Status != w.status || d.Reason != w.reason {
				t.Fatalf("status %d reason %q (err %v), want %d %q", d.Status, d.Reason, d.Err, w.status, w.reason)
			}
			if !strings.Contains(headerOf(d), w.challenge) || (w.challenge == "" && d.Challenge != "" && w.status == 0) {
				t.Errorf("challenge %q, want it to hold %q", d.Challenge, w.challenge)
			}
			if d.Status == 401 && !strings.HasPrefix(d.Challenge, `Bearer realm="api"`) {
				t.Errorf("a 401 without a Bearer challenge: %q", d.Challenge)
			}
			if !slices.Equal(d.Set, w.set) {
				t.Errorf("set %q, want %q", d.Set, w.set)
			}
			if !slices.Equal(d.Remove, w.remove) {
				t.Errorf("remove %q, want %q", d.Remove, w.remove)
			}
			if d.Target != w.target {
				t.Errorf("target %q, want %q", d.Target, w.target)
			}
			if !strings.Contains(string(d.Body), w.body) {
				t.Errorf("body %s, want it to hold %s", d.Body, w.body)
			}
			if d.Status != 0 && !json.Valid(d.Body) {
				t.Errorf("body is not JSON: %s", d.Body)
			}
			if (d.Token != nil) != (d.Status == 0 && d.Reason == "" || d.Status == 403) {
				t.Errorf("token %v with status %d reason %q", d.Token, d.Status, d.Reason)
			}
		})
	}
}

func headerOf(d *Decision) string { return d.Challenge }

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func noneToken(t testing.TB) string {
	t.Helper()
	h := `{"alg":"none","typ":"JWT"}`
	c := fmt.Sprintf(`{"iss":%q,"aud":%q,"sub":"alice","exp":%d}`, issuer, audience, now.Add(time.Minute).Unix())
	return b64(h) + "." + b64(c) + "."
}

func TestHideDetails(t *testing.T) {
	k := keys(t)
	cfg := fmt.Sprintf(`{"hideDetails": true, "providers": [{"issuer": %q, "keys": %s, "algorithms": ["ES256"], "audiences": ["api"]}]}`, issuer, jwks(t, k.es))
	e := newEngine(t, cfg)
	for _, tc := range []struct {
		token, challenge, body string
		status                 int
	}{
		{"", `Bearer realm="jwtwasm"`, `{"error":"unauthorized"}`, 401},
		{sign(t, k.es, map[string]any{"exp": now.Add(-time.Hour).Unix()}), `Bearer realm="jwtwasm", error="invalid_token"`, `{"error":"invalid_token"}`, 401},
		{"a b", `Bearer realm="jwtwasm", error="invalid_request"`, `{"error":"invalid_request"}`, 400},
	} {
		h := http.Header{}
		if tc.token != "" {
			h.Set("Authorization", "Bearer "+tc.token)
		}
		d := e.Authenticate(Request{Method: "GET", Target: "/", Header: h})
		if d.Status != tc.status || d.Challenge != tc.challenge || string(d.Body) != tc.body {
			t.Errorf("token %.20q: got %d %q %s, want %d %q %s", tc.token, d.Status, d.Challenge, d.Body, tc.status, tc.challenge, tc.body)
		}
		if d.Err == nil || d.Reason == "" {
			t.Errorf("details must stay in the decision for logs: err %v reason %q", d.Err, d.Reason)
		}
	}
}

func TestChallengeIsAlwaysAValidHeader(t *testing.T) {
	k := keys(t)
	e := newEngine(t, baseConfig(t))
	// A claim value shows up in the error message; it must not break the
	// header out of its quotes or its line.
	tok := sign(t, k.es, map[string]any{"aud": "x\"\r\nX-Evil: 1 \\ é"})
	d := e.Authenticate(Request{Method: "GET", Target: "/", Header: http.Header{"Authorization": {"Bearer " + tok}}})
	if d.Status != 401 || d.Reason != "bad_audience" {
		t.Fatalf("status %d: %v", d.Status, d.Err)
	}
	_, desc, _ := strings.Cut(d.Challenge, `error_description="`)
	desc = strings.TrimSuffix(desc, `"`)
	for i := 0; i < len(desc); i++ {
		if c := desc[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			t.Fatalf("error_description holds %q at %d: %q", c, i, desc)
		}
	}
	long := sign(t, k.es, map[string]any{"aud": strings.Repeat("x", 2000)})
	d = e.Authenticate(Request{Method: "GET", Target: "/", Header: http.Header{"Authorization": {"Bearer " + long}}})
	if len(d.Challenge) > maxDescription+100 {
		t.Errorf("challenge of %d bytes grows with the token", len(d.Challenge))
	}
}

func TestForwardValues(t *testing.T) {
	cases := []struct {
		raw, sep, want string
		present        bool
		err            bool
	}{
		{`"alice"`, ",", "alice", true, false},
		{`"caf\u00e9"`, ",", "café", true, false},
		{`null`, ",", "", false, false},
		{`true`, ",", "true", true, false},
		{`42`, ",", "42", true, false},
		{`-0`, ",", "0", true, false},
		{`12345678901234567890`, ",", "12345678901234567890", true, false},
		{`1.50`, ",", "1.5", true, false},
		{`15e-1`, ",", "1.5", true, false},
		{`1E3`, ",", "1000", true, false},
		{`1e21`, ",", "1e+21", true, false},
		{`1.5e-7`, ",", "1.5e-7", true, false},
		{`0.0`, ",", "0", true, false},
		{`["a","b",3,true,null]`, ",", "a,b,3,true", true, false},
		{`["a","b"]`, " ", "a b", true, false},
		{`[]`, ",", "", true, false},
		{`[["x"],{"k":1}]`, ";", `["x"];{"k":1}`, true, false},
		{`{"a": [1, 2]}`, ",", `{"a":[1,2]}`, true, false},
		{`"line\r\nX-Evil: 1"`, ",", "", false, true},
		{`["ok","bad\u0000"]`, ",", "", false, true},
		{`1e400`, ",", "", false, true},
	}
	for _, tc := range cases {
		got, present, err := headerValue([]byte(tc.raw), tc.sep)
		if got != tc.want || present != tc.present || (err != nil) != tc.err {
			t.Errorf("%s: got %q %v %v, want %q %v err=%v", tc.raw, got, present, err, tc.want, tc.present, tc.err)
		}
	}
}

func TestForwardRefusesUnforwardableClaim(t *testing.T) {
	k := keys(t)
	e := newEngine(t, baseConfig(t))
	tok := sign(t, k.es, map[string]any{"sub": "alice\nX-Admin: true"})
	d := e.Authenticate(Request{Method: "GET", Target: "/", Header: http.Header{"Authorization": {"Bearer " + tok}}})
	if d.Status != 401 || d.Reason != "malformed" || !strings.Contains(d.Err.Error(), `claim "sub" cannot be forwarded in header X-User`) {
		t.Fatalf("got %d %q %v", d.Status, d.Reason, d.Err)
	}
}

func TestKeyFileRotation(t *testing.T) {
	k := keys(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "keys.json")
	write := func(data []byte) {
		t.Helper()
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(jwks(t, k.es))
	clock := now
	var logs []string
	cfg := fmt.Sprintf(`{"keysReload": "5s", "providers": [{"issuer": %q, "keysFile": %q, "algorithms": ["ES256"], "audiences": ["api"]}]}`, issuer, file)
	e := newEngine(t, cfg, func(o *Options) {
		o.ReadFile = os.ReadFile
		o.Now = func() time.Time { return clock }
		o.Log = func(msg string) { logs = append(logs, msg) }
	})
	auth := func(key *core.Key) *Decision {
		tok := sign(t, key, map[string]any{"exp": clock.Add(time.Hour).Unix()})
		return e.Authenticate(Request{Method: "GET", Target: "/", Header: http.Header{"Authorization": {"Bearer " + tok}}})
	}
	cached := sign(t, k.es, map[string]any{"exp": clock.Add(time.Hour).Unix()})
	authCached := func() *Decision {
		return e.Authenticate(Request{Method: "GET", Target: "/", Header: http.Header{"Authorization": {"Bearer " + cached}}})
	}
	if d := authCached(); !d.Passed() {
		t.Fatalf("first key: %v", d.Err)
	}
	if d := auth(k.es2); d.Reason != "unknown_kid" {
		t.Fatalf("next key before rotation: %d %q", d.Status, d.Reason)
	}

	write(jwks(t, k.es2)) // rotate: es leaves, es2 comes
	clock = clock.Add(time.Second)
	if d := authCached(); !d.Passed() {
		t.Fatalf("the file is read again only every 5s: %v", d.Err)
	}
	clock = clock.Add(5 * time.Second)
	if d := auth(k.es2); !d.Passed() {
		t.Fatalf("next key after rotation: %v (logs %q)", d.Err, logs)
	}
	if d := authCached(); d.Reason != "unknown_kid" {
		t.Fatalf("a cached token of a key that left the set: %d %q", d.Status, d.Reason)
	}

	write([]byte(`{"keys": [}`)) // a broken write keeps the last good set
	clock = clock.Add(5 * time.Second)
	if d := auth(k.es2); !d.Passed() {
		t.Fatalf("after a broken key file: %v", d.Err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(5 * time.Second)
	if d := auth(k.es2); !d.Passed() {
		t.Fatalf("after the key file went away: %v", d.Err)
	}
	joined := strings.Join(logs, "\n")
	for _, want := range []string{"reloaded 1 keys", "holds no usable key set, keeping the 1 keys", "cannot read"} {
		if !strings.Contains(joined, want) {
			t.Errorf("logs %q lack %q", logs, want)
		}
	}
}

func TestCacheEntryLivesUntilExpiry(t *testing.T) {
	k := keys(t)
	clock := now
	cfg := fmt.Sprintf(`{"providers": [{"issuer": %q, "keys": %s, "algorithms": ["ES256"], "audiences": ["api"]}]}`, issuer, jwks(t, k.es))
	e := newEngine(t, cfg, func(o *Options) { o.Now = func() time.Time { return clock } })
	tok := sign(t, k.es, map[string]any{"exp": now.Add(time.Minute).Unix()})
	req := Request{Method: "GET", Target: "/", Header: http.Header{"Authorization": {"Bearer " + tok}}}
	for range 3 {
		if d := e.Authenticate(req); !d.Passed() {
			t.Fatal(d.Err)
		}
	}
	clock = now.Add(time.Minute)
	if d := e.Authenticate(req); d.Reason != "expired" {
		t.Fatalf("a cached token at its exp: %d %q", d.Status, d.Reason)
	}
}

func TestConcurrentRequests(t *testing.T) {
	k := keys(t)
	e := newEngine(t, baseConfig(t))
	good := sign(t, k.es, nil)
	bad := testkit.FlipSignatureBit(t, good, 5)
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for i := range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, want := good, 0
			if i%3 == 0 {
				tok, want = bad, 401
			}
			d := e.Authenticate(Request{Method: "GET", Target: "/", Header: http.Header{"Authorization": {"Bearer " + tok}}})
			if d.Status != want {
				errs <- fmt.Errorf("request %d: status %d, want %d", i, d.Status, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNewFailsOnBadKeys(t *testing.T) {
	cases := []struct {
		name, cfg, want string
		read            func(string) ([]byte, error)
	}{
		{"unreadable file", `{"providers": [{"issuer": "i", "keysFile": "/keys/x.json", "algorithms": ["ES256"], "ignoreAudience": true}]}`,
			`providers[0] (issuer "i"): keysFile "/keys/x.json": no such file`, func(string) ([]byte, error) { return nil, errors.New("no such file") }},
		{"no reader", `{"providers": [{"issuer": "i", "keysFile": "k.json", "algorithms": ["ES256"], "ignoreAudience": true}]}`,
			"this front end reads no files", nil},
		{"not keys", `{"providers": [{"issuer": "i", "keys": "hello", "algorithms": ["ES256"], "ignoreAudience": true}]}`,
			`providers[0] (issuer "i")`, nil},
		{"keys of the wrong kind", `{"providers": [{"issuer": "i", "keys": {"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI"}, "algorithms": ["ES256"], "ignoreAudience": true}]}`,
			"no key in the set can verify ES256", nil},
		{"keys not an object or string", `{"providers": [{"issuer": "i", "keys": [1], "algorithms": ["ES256"], "ignoreAudience": true}]}`,
			"want a JWKS or JWK object, or a PEM string", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tc.cfg))
			if err != nil {
				t.Fatal(err)
			}
			_, err = New(c, Options{ReadFile: tc.read})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want it to hold %q", err, tc.want)
			}
		})
	}
}
