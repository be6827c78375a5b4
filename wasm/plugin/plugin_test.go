//go:build !wasip1

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	hwapi "github.com/http-wasm/http-wasm-host-go/api"
	"github.com/http-wasm/http-wasm-host-go/handler"
	wasm "github.com/http-wasm/http-wasm-host-go/handler/nethttp"
	"github.com/tetratelabs/wazero"

	"github.com/jwtwasm/jwtwasm/core/authn/authntest"
)

// The tests run the committed module (scripts/build-wasm.sh builds it,
// and CI fails if it is stale) in http-wasm-host-go's net/http handler,
// configured as Traefik v3 configures its wasm plugins: the real wall
// clock, start functions _start and _initialize, no monotonic clock or
// random source of the host's, configuration through get_config, and a
// mounted directory for key files.
var (
	moduleOnce  sync.Once
	moduleBytes []byte
	moduleErr   error
	cache       = wazero.NewCompilationCache()
)

func module(t testing.TB) []byte {
	t.Helper()
	moduleOnce.Do(func() { moduleBytes, moduleErr = os.ReadFile("plugin.wasm") })
	if moduleErr != nil {
		t.Fatalf("the built plugin: %v (run scripts/build-wasm.sh)", moduleErr)
	}
	return moduleBytes
}

// logs collects what the guest logs through the host.
type logs struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logs) IsEnabled(hwapi.LogLevel) bool { return true }

func (l *logs) Log(_ context.Context, _ hwapi.LogLevel, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, msg)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.msgs, "\n")
}

// newMiddleware loads the plugin with config, keysDir mounted read-only
// at /keys if not empty.
func newMiddleware(t testing.TB, config, keysDir string, log *logs) (wasm.Middleware, error) {
	t.Helper()
	fs := wazero.NewFSConfig()
	if keysDir != "" {
		fs = fs.WithReadOnlyDirMount(keysDir, "/keys")
	}
	ctx := context.Background()
	return wasm.NewMiddleware(ctx, module(t),
		handler.Runtime(func(ctx context.Context) (wazero.Runtime, error) {
			return wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache)), nil
		}),
		handler.GuestConfig([]byte(config)),
		handler.Logger(log),
		handler.ModuleConfig(wazero.NewModuleConfig().
			WithSysWalltime().
			WithStartFunctions("_start", "_initialize").
			WithFSConfig(fs)),
	)
}

// seen is what the upstream received.
type seen struct {
	Target string      `json:"target"`
	Header http.Header `json:"header"`
}

// proxy starts an upstream that echoes what it receives, and in front of it
// a reverse proxy with the plugin as its middleware, both on loopback.
func proxy(t testing.TB, mw wasm.Middleware) *httptest.Server {
	t.Helper()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(seen{Target: r.RequestURI, Header: r.Header})
	}))
	t.Cleanup(upstream.Close)
	u, err := url.Parse(upstream.URL)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(mw.NewHandler(context.Background(), httputil.NewSingleHostReverseProxy(u)))
	t.Cleanup(front.Close)
	t.Cleanup(func() { mw.Close(context.Background()) })
	return front
}

type answer struct {
	status    int
	challenge string
	body      string
	upstream  *seen
}

func send(t testing.TB, front *httptest.Server, method, target string, h http.Header) answer {
	t.Helper()
	req, err := http.NewRequest(method, front.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The target as written, dot segments and escapes included: the
	// client must not clean what the test sends.
	req.URL.Opaque = strings.SplitN(target, "?", 2)[0]
	if _, q, ok := strings.Cut(target, "?"); ok {
		req.URL.RawQuery = q
	}
	for k, vs := range h {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, challenge: resp.Header.Get("WWW-Authenticate"), body: string(body)}
	if resp.StatusCode == http.StatusOK {
		a.upstream = &seen{}
		if err := json.Unmarshal(body, a.upstream); err != nil {
			t.Fatalf("upstream answer %q: %v", body, err)
		}
	}
	return a
}

// TestPluginAnswersTheTable runs the engine's request table through the
// plugin, over HTTP, in front of a real upstream.
func TestPluginAnswersTheTable(t *testing.T) {
	f := authntest.New(time.Now())
	var log logs
	mw, err := newMiddleware(t, f.Config(t), "", &log)
	if err != nil {
		t.Fatalf("%v\nlogs: %s", err, &log)
	}
	front := proxy(t, mw)
	for _, tc := range f.Cases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			method := tc.Method
			if method == "" {
				method = "GET"
			}
			a := send(t, front, method, tc.Target, tc.Header)
			checkAnswer(t, tc, a)
		})
	}
}

func checkAnswer(t *testing.T, tc authntest.Case, a answer) {
	t.Helper()
	w := tc.Want
	if w.Status == 0 {
		if a.status != http.StatusOK || a.upstream == nil {
			t.Fatalf("status %d, want the upstream's 200; body %s", a.status, a.body)
		}
		got := a.upstream
		for _, s := range w.Set {
			if v := got.Header.Values(s.Name); !slices.Equal(v, []string{s.Value}) {
				t.Errorf("upstream got %s: %q, want %q", s.Name, v, s.Value)
			}
		}
		for _, name := range w.Remove {
			if slices.ContainsFunc(w.Set, func(s authntest.Header) bool { return s.Name == name }) {
				continue
			}
			if v := got.Header.Values(name); len(v) > 0 {
				t.Errorf("upstream got %s: %q, which the plugin should have removed", name, v)
			}
		}
		want := w.Target
		if want == "" {
			want = tc.Target
		}
		if got.Target != want {
			t.Errorf("upstream got target %q, want %q", got.Target, want)
		}
		if a.challenge != "" {
			t.Errorf("a pass with a challenge: %q", a.challenge)
		}
		return
	}
	if a.status != w.Status {
		t.Fatalf("status %d, want %d; body %s", a.status, w.Status, a.body)
	}
	if !strings.Contains(a.challenge, w.Challenge) {
		t.Errorf("WWW-Authenticate %q, want it to hold %q", a.challenge, w.Challenge)
	}
	if !strings.Contains(a.body, w.Body) || !json.Valid([]byte(a.body)) {
		t.Errorf("body %s, want JSON holding %s", a.body, w.Body)
	}
}

func TestPluginRefusesABadConfiguration(t *testing.T) {
	for _, tc := range []struct{ name, config, want string }{
		{"no configuration", ``, "the configuration is empty"},
		{"a typo", `{"provider": []}`, `unknown field "provider"`},
		{"no algorithms", `{"providers": [{"issuer": "i", "keys": "x", "audiences": ["a"]}]}`, "providers[0].algorithms: required"},
		{"a key file that is not mounted", `{"providers": [{"issuer": "i", "keysFile": "/keys/none.json", "algorithms": ["ES256"], "audiences": ["a"]}]}`, `keysFile "/keys/none.json"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log logs
			mw, err := newMiddleware(t, tc.config, "", &log)
			if err == nil {
				mw.Close(context.Background())
				t.Fatal("the middleware started")
			}
			if !strings.Contains(log.String(), tc.want) {
				t.Errorf("logs %q lack %q (error %v)", log.String(), tc.want, err)
			}
		})
	}
}

// TestPluginRotatesKeysFromAMountedFile rotates the key file on disk while
// the middleware runs: the new key verifies and the old one no longer
// does, without a restart.
func TestPluginRotatesKeysFromAMountedFile(t *testing.T) {
	f := authntest.New(time.Now())
	dir := t.TempDir()
	write := func(data []byte) {
		t.Helper()
		// Write and rename, as a deploy would, so no instance reads half
		// a file.
		tmp := filepath.Join(dir, ".jwks.json")
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "jwks.json")); err != nil {
			t.Fatal(err)
		}
	}
	write(authntest.JWKS(t, f.ES))
	config := fmt.Sprintf(`{"keysReload": "0s", "providers": [{"issuer": %q, "keysFile": "/keys/jwks.json", "algorithms": ["ES256"], "audiences": [%q]}]}`,
		authntest.Issuer, authntest.Audience)
	var log logs
	mw, err := newMiddleware(t, config, dir, &log)
	if err != nil {
		t.Fatalf("%v\nlogs: %s", err, &log)
	}
	front := proxy(t, mw)
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	old, next := f.Sign(t, f.ES, nil), f.Sign(t, f.ES2, nil)
	if a := send(t, front, "GET", "/", bearer(old)); a.status != 200 {
		t.Fatalf("before rotation: %d %s", a.status, a.body)
	}
	if a := send(t, front, "GET", "/", bearer(next)); a.status != 401 || !strings.Contains(a.challenge, "unknown_kid") {
		t.Fatalf("next key before rotation: %d %q", a.status, a.challenge)
	}
	write(authntest.JWKS(t, f.ES2))
	if a := send(t, front, "GET", "/", bearer(next)); a.status != 200 {
		t.Fatalf("next key after rotation: %d %s\nlogs: %s", a.status, a.body, &log)
	}
	if a := send(t, front, "GET", "/", bearer(old)); a.status != 401 || !strings.Contains(a.challenge, "unknown_kid") {
		t.Fatalf("old key after rotation (its token was cached): %d %q", a.status, a.challenge)
	}
	if !strings.Contains(log.String(), "reloaded 1 keys") {
		t.Errorf("logs %q do not tell of the reload", log.String())
	}
}

// TestPluginUnderConcurrentLoad sends 1,000 requests, 100 at a time, with
// a mix of valid, tampered, expired and missing tokens: each gets its own
// answer, across the host's pool of instances. (The host keeps an instance
// per request in flight, each with its own memory, 5.5 MiB for this
// module: 1,000 at once would measure the machine's memory, not the
// plugin.)
func TestPluginUnderConcurrentLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 requests through the plugin: the full suite runs it")
	}
	f := authntest.New(time.Now())
	var log logs
	mw, err := newMiddleware(t, f.Config(t), "", &log)
	if err != nil {
		t.Fatal(err)
	}
	front := proxy(t, mw)
	valid := f.Sign(t, f.ES, map[string]any{"sub": "bob"})
	tampered := valid[:len(valid)-6] + "AAAAAA"
	expired := f.Sign(t, f.ES, map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})
	kinds := []struct {
		header http.Header
		status int
	}{
		{http.Header{"Authorization": {"Bearer " + valid}, "X-User": {"mallory"}}, 200},
		{http.Header{"Authorization": {"Bearer " + tampered}}, 401},
		{http.Header{"Authorization": {"Bearer " + expired}}, 401},
		{http.Header{}, 401},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	inFlight := make(chan struct{}, 100)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	for i := range 1000 {
		wg.Add(1)
		inFlight <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-inFlight }()
			k := kinds[i%len(kinds)]
			req, _ := http.NewRequest("GET", front.URL+fmt.Sprintf("/r/%d", i), nil)
			req.Header = k.header.Clone()
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != k.status {
				errs <- fmt.Errorf("request %d: status %d, want %d: %s", i, resp.StatusCode, k.status, body)
				return
			}
			if k.status == 200 {
				var s seen
				if err := json.Unmarshal(body, &s); err != nil || s.Header.Get("X-User") != "bob" || s.Target != fmt.Sprintf("/r/%d", i) {
					errs <- fmt.Errorf("request %d: upstream saw %s", i, body)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 5 {
			t.Error(err)
		}
	}
	if n > 5 {
		t.Errorf("... and %d more", n-5)
	}
}
