package authn

import (
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
	"github.com/jwtwasm/jwtwasm/core/authn/authntest"
	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// now is the engine's clock in these tests: tokens are signed relative to
// it, so no case depends on the machine's clock.
var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

const (
	issuer   = authntest.Issuer
	audience = authntest.Audience
)

type fixture struct {
	es, es2, rs, other *core.Key
}

func keys(t testing.TB) fixture {
	f := authntest.New(now)
	return fixture{es: f.ES, es2: f.ES2, rs: f.RS, other: f.Other}
}

func jwks(t testing.TB, keys ...*core.Key) []byte { return authntest.JWKS(t, keys...) }

func sign(t testing.TB, key *core.Key, claims map[string]any, opts ...core.SignOption) string {
	t.Helper()
	return authntest.New(now).Sign(t, key, claims, opts...)
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

func asHeaders(list []authntest.Header) []Header {
	out := make([]Header, len(list))
	for i, h := range list {
		out[i] = Header(h)
	}
	return out
}

func baseConfig(t testing.TB) string { return authntest.New(now).Config(t) }

// TestAuthenticate runs the table every front end runs.
func TestAuthenticate(t *testing.T) {
	f := authntest.New(now)
	e := newEngine(t, f.Config(t))
	for _, tc := range f.Cases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			if tc.Header == nil {
				tc.Header = http.Header{}
			}
			method := tc.Method
			if method == "" {
				method = "GET"
			}
			d := e.Authenticate(Request{Method: method, Target: tc.Target, Header: tc.Header})
			w := tc.Want
			if d.Status != w.Status || d.Reason != w.Reason {
				t.Fatalf("status %d reason %q (err %v), want %d %q", d.Status, d.Reason, d.Err, w.Status, w.Reason)
			}
			if !strings.Contains(d.Challenge, w.Challenge) || (d.Status == 0 && d.Challenge != "") {
				t.Errorf("challenge %q, want it to hold %q", d.Challenge, w.Challenge)
			}
			if d.Status == 401 && !strings.HasPrefix(d.Challenge, `Bearer realm="api"`) {
				t.Errorf("a 401 without a Bearer challenge: %q", d.Challenge)
			}
			if !slices.Equal(d.Set, asHeaders(w.Set)) {
				t.Errorf("set %q, want %q", d.Set, w.Set)
			}
			if !slices.Equal(d.Remove, w.Remove) {
				t.Errorf("remove %q, want %q", d.Remove, w.Remove)
			}
			if d.Target != w.Target {
				t.Errorf("target %q, want %q", d.Target, w.Target)
			}
			if !strings.Contains(string(d.Body), w.Body) {
				t.Errorf("body %s, want it to hold %s", d.Body, w.Body)
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

func TestWaitForKeyFiles(t *testing.T) {
	k := keys(t)
	files := map[string][]byte{}
	read := func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, errors.New("no such file")
	}
	clock := now
	cfg := fmt.Sprintf(`{"providers": [{"issuer": %q, "keysFile": "k.json", "algorithms": ["ES256"], "audiences": ["api"]}]}`, issuer)
	c, err := ParseConfig([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(c, Options{ReadFile: read}); err == nil {
		t.Fatal("without WaitForKeyFiles a missing file must fail New")
	}
	e, err := New(c, Options{ReadFile: read, WaitForKeyFiles: true, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Method: "GET", Target: "/", Header: http.Header{"Authorization": {"Bearer " + sign(t, k.es, nil)}}}
	if d := e.Authenticate(req); d.Status != 503 || d.Reason != "invalid_key" || !strings.Contains(string(d.Body), "no such file") {
		t.Fatalf("without keys: %d %q %s", d.Status, d.Reason, d.Body)
	}
	files["k.json"] = []byte(`{"keys": [`) // a half-written file: still waiting
	clock = clock.Add(2 * time.Second)
	if d := e.Authenticate(req); d.Status != 503 {
		t.Fatalf("with a broken file: %d", d.Status)
	}
	files["k.json"] = jwks(t, k.es)
	clock = clock.Add(2 * time.Second)
	if d := e.Authenticate(req); !d.Passed() {
		t.Fatalf("once the file is there: %d %v", d.Status, d.Err)
	}
	// A policy that cannot work fails New even while keys are awaited.
	bad, _ := ParseConfig([]byte(`{"providers": [{"issuer": "i", "keysFile": "x", "algorithms": ["ES257"], "audiences": ["a"]}]}`))
	if _, err := New(bad, Options{ReadFile: read, WaitForKeyFiles: true}); err == nil || !strings.Contains(err.Error(), "ES257") {
		t.Fatalf("a bad algorithm: %v", err)
	}
}
