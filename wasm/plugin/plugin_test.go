//go:build !wasip1

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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

// proxy puts the plugin in front of an echoing upstream, both on loopback.
func proxy(t testing.TB, mw wasm.Middleware) *httptest.Server {
	t.Helper()
	t.Cleanup(func() { mw.Close(context.Background()) })
	return authntest.Proxy(t, func(next http.Handler) http.Handler { return mw.NewHandler(context.Background(), next) })
}

func send(t testing.TB, front *httptest.Server, method, target string, h http.Header) authntest.Answer {
	t.Helper()
	return authntest.Send(t, front.URL, method, target, h)
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
	f.Run(t, proxy(t, mw).URL)
}

func TestPluginRefusesABadConfiguration(t *testing.T) {
	for _, tc := range []struct{ name, config, want string }{
		{"no configuration", ``, "the configuration is empty"},
		{"a typo", `{"provider": []}`, `unknown field "provider"`},
		{"no algorithms", `{"providers": [{"issuer": "i", "keys": "x", "audiences": ["a"]}]}`, "providers[0].algorithms: required"},
		{"an unknown algorithm with a key file", `{"providers": [{"issuer": "i", "keysFile": "/keys/none.json", "algorithms": ["ES257"], "audiences": ["a"]}]}`, `unknown algorithm "ES257"`},
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

// TestPluginWaitsForAKeyFile starts with its key file missing: tokens get
// 503 and the log says why, and once the file appears they pass, without
// a restart. (A plugin instance that failed its start for a file being
// replaced would take the proxy's whole middleware down.)
func TestPluginWaitsForAKeyFile(t *testing.T) {
	f := authntest.New(time.Now())
	dir := t.TempDir()
	config := fmt.Sprintf(`{"providers": [{"issuer": %q, "keysFile": "/keys/jwks.json", "algorithms": ["ES256"], "audiences": [%q]}]}`,
		authntest.Issuer, authntest.Audience)
	var log logs
	mw, err := newMiddleware(t, config, dir, &log)
	if err != nil {
		t.Fatalf("%v\nlogs: %s", err, &log)
	}
	front := proxy(t, mw)
	h := http.Header{"Authorization": {"Bearer " + f.Sign(t, f.ES, nil)}}
	if a := send(t, front, "GET", "/", h); a.Status != 503 || !strings.Contains(a.Body, "temporarily_unavailable") {
		t.Fatalf("without keys: %d %s", a.Status, a.Body)
	}
	if !strings.Contains(log.String(), `keysFile "/keys/jwks.json"`) {
		t.Errorf("logs %q do not name the file", log.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "jwks.json"), authntest.JWKS(t, f.ES), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		a := send(t, front, "GET", "/", h)
		if a.Status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the file appeared: %d %s", a.Status, a.Body)
		}
		time.Sleep(100 * time.Millisecond)
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
	if a := send(t, front, "GET", "/", bearer(old)); a.Status != 200 {
		t.Fatalf("before rotation: %d %s", a.Status, a.Body)
	}
	if a := send(t, front, "GET", "/", bearer(next)); a.Status != 401 || !strings.Contains(a.Challenge, "unknown_kid") {
		t.Fatalf("next key before rotation: %d %q", a.Status, a.Challenge)
	}
	write(authntest.JWKS(t, f.ES2))
	if a := send(t, front, "GET", "/", bearer(next)); a.Status != 200 {
		t.Fatalf("next key after rotation: %d %s\nlogs: %s", a.Status, a.Body, &log)
	}
	if a := send(t, front, "GET", "/", bearer(old)); a.Status != 401 || !strings.Contains(a.Challenge, "unknown_kid") {
		t.Fatalf("old key after rotation (its token was cached): %d %q", a.Status, a.Challenge)
	}
	// Which instance logs the reload is the host's choice: its pool is a
	// sync.Pool, which may drop instances (the race detector makes it do
	// so at random), and an instance started after the rotation reads the
	// new file at once and has nothing to log. core/authn tests the log.
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
				var s authntest.Seen
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
