package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// TestVerifyJWKSURL fetches the key set from a loopback server: the good
// case, and each way a fetch fails, all input errors (exit 2).
func TestVerifyJWKSURL(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	public := readFile(t, f.keys.public)
	release := make(chan struct{}) // ends the slow handler when the test ends
	mux := http.NewServeMux()
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(public)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		// Valid JSON, one byte over the limit.
		w.Write([]byte(`{"keys":[],"pad":"`))
		w.Write(bytes.Repeat([]byte("x"), core.MaxKeySetSize-len(`{"keys":[],"pad":""}`)+1))
		w.Write([]byte(`"}`))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		case <-time.After(30 * time.Second):
		}
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>not here</body></html>"))
	})
	mux.HandleFunc("/empty-set", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"keys":[]}`))
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})

	verify := func(path string, extra ...string) result {
		args := append([]string{"verify", "--jwks", srv.URL + path, "--alg", "ES256", "--now", at(time.Minute), "--aud", "api"}, extra...)
		return jw(t, "", append(args, f.token)...)
	}

	t.Run("ok", func(t *testing.T) {
		t.Parallel()
		r := verify("/jwks.json")
		wantExit(t, r, exitOK, "")
		if claims := jsonObject(t, r.stdout); claims["sub"] != "alice" {
			t.Errorf("claims %v", claims)
		}
		// A rejected token is still exit 1 with keys from a URL.
		r = verify("/jwks.json", "--iss", "https://other.example")
		wantExit(t, r, exitRejected, "bad_issuer")
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		msg := wantExit(t, verify("/missing"), exitUsage, "invalid_argument")
		if !strings.Contains(msg, "404") {
			t.Errorf("message %q does not give the status", msg)
		}
	})
	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		msg := wantExit(t, verify("/big"), exitUsage, "too_large")
		if !strings.Contains(msg, "MaxKeySetSize") {
			t.Errorf("message %q does not name the limit", msg)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		r := verify("/slow", "--timeout", "200ms")
		elapsed := time.Since(start)
		wantExit(t, r, exitUsage, "invalid_argument")
		if elapsed > 5*time.Second {
			t.Errorf("a 200ms timeout took %v", elapsed)
		}
	})
	t.Run("not a JWKS", func(t *testing.T) {
		t.Parallel()
		r := verify("/html")
		wantExit(t, r, exitUsage, "invalid_key")
		if h := strings.Join(hints(r.stderr), " "); !strings.Contains(h, "not a usable JWKS") || !strings.Contains(h, srv.URL+"/html") {
			t.Errorf("hint %q does not name the URL", h)
		}
	})
	t.Run("empty set", func(t *testing.T) {
		t.Parallel()
		wantExit(t, verify("/empty-set"), exitUsage, "invalid_key")
	})
	t.Run("bad URL", func(t *testing.T) {
		t.Parallel()
		r := jw(t, "", "verify", "--jwks", "http://", "--alg", "ES256", f.token)
		wantExit(t, r, exitUsage, "invalid_argument")
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		closed := httptest.NewServer(http.NotFoundHandler())
		url := closed.URL
		closed.Close()
		r := jw(t, "", "verify", "--jwks", url+"/jwks.json", "--alg", "ES256", "--timeout", "2s", f.token)
		wantExit(t, r, exitUsage, "invalid_argument")
	})
}

// TestJWKSURLPolicy: plain http only from loopback unless --allow-http,
// redirects only to the same scheme and host and only a few, and a
// timeout that is not positive is an error rather than the default. All
// servers listen on loopback; the non-loopback URL is refused before any
// connection.
func TestJWKSURLPolicy(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	public := readFile(t, f.keys.public)
	mux := http.NewServeMux()
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, r *http.Request) { w.Write(public) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/jwks.json", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	// The same server under another host name: a redirect to another host.
	other := http.NewServeMux()
	other.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+port+"/jwks.json", http.StatusFound)
	})
	srv2 := httptest.NewServer(other)
	t.Cleanup(srv2.Close)

	verify := func(url string, extra ...string) result {
		args := append([]string{"verify", "--jwks", url, "--alg", "ES256", "--aud", "api", "--now", at(time.Minute)}, extra...)
		return jw(t, "", append(args, f.token)...)
	}
	wantMsg := func(t *testing.T, r result, want string) {
		t.Helper()
		if msg := wantExit(t, r, exitUsage, "invalid_argument"); !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
	t.Run("http from loopback", func(t *testing.T) {
		t.Parallel()
		wantExit(t, verify(srv.URL+"/jwks.json"), exitOK, "")
		wantExit(t, verify("http://localhost:"+port+"/jwks.json"), exitOK, "")
	})
	t.Run("http from elsewhere", func(t *testing.T) {
		t.Parallel()
		r := verify("http://keys.example.invalid/jwks.json")
		wantMsg(t, r, "plain http")
		if h := strings.Join(hints(r.stderr), " "); !strings.Contains(h, "--allow-http") {
			t.Errorf("no hint naming --allow-http:\n%s", r.stderr)
		}
		// --allow-http lifts the refusal; trying it here would need a
		// network, so only the flag's parse is checked, on loopback.
		wantExit(t, verify(srv.URL+"/jwks.json", "--allow-http"), exitOK, "")
	})
	t.Run("same-host redirect", func(t *testing.T) {
		t.Parallel()
		wantExit(t, verify(srv.URL+"/moved"), exitOK, "")
	})
	t.Run("redirect loop", func(t *testing.T) {
		t.Parallel()
		wantMsg(t, verify(srv.URL+"/loop"), "more than 3 redirects")
	})
	t.Run("redirect to another host", func(t *testing.T) {
		t.Parallel()
		wantMsg(t, verify(srv2.URL+"/jwks.json"), "another scheme or host")
	})
	t.Run("timeout not positive", func(t *testing.T) {
		t.Parallel()
		wantMsg(t, verify(srv.URL+"/jwks.json", "--timeout", "0"), "--timeout 0s")
		wantMsg(t, verify(srv.URL+"/jwks.json", "--timeout", "-1s"), "--timeout -1s")
	})
}
