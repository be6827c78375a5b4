//go:build !wasip1

package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/authn/authntest"
)

// traefik is a real Traefik that scripts/e2e-traefik.sh started with this
// plugin in front of an upstream address, which the test serves.
type traefik struct {
	url      string
	upstream string
	private  string // the issuer's private key sets
	keys     string // the directory mounted into the plugin
	pid      int
}

func traefikFromEnv(t testing.TB) *traefik {
	t.Helper()
	tr := &traefik{
		url:      os.Getenv("JWTWASM_TRAEFIK_URL"),
		upstream: os.Getenv("JWTWASM_TRAEFIK_UPSTREAM"),
		private:  os.Getenv("JWTWASM_TRAEFIK_PRIVATE"),
		keys:     os.Getenv("JWTWASM_TRAEFIK_KEYS"),
	}
	if tr.url == "" {
		t.Skip("no Traefik: scripts/e2e-traefik.sh starts one and runs this test")
	}
	tr.pid, _ = strconv.Atoi(os.Getenv("JWTWASM_TRAEFIK_PID"))
	ln, err := net.Listen("tcp", tr.upstream)
	if err != nil {
		t.Fatalf("the upstream address: %v", err)
	}
	srv := &http.Server{Handler: authntest.Echo}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return tr
}

func (tr *traefik) key(t testing.TB, name string) *core.Key {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(tr.private, name+".jwks"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := core.ParseKeySet(data)
	if err != nil {
		t.Fatal(err)
	}
	return set.Keys()[0]
}

func e2eToken(t testing.TB, key *core.Key, claims map[string]any) string {
	t.Helper()
	c := map[string]any{"iss": "https://issuer.e2e", "aud": "e2e-api", "sub": "alice", "roles": []string{"read", "write"}, "exp": time.Now().Add(10 * time.Minute).Unix()}
	for k, v := range claims {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := core.Sign(key, b)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestTraefik asserts on Traefik's answers with the plugin loaded as
// Traefik loads it; the script that starts Traefik runs it.
func TestTraefik(t *testing.T) {
	tr := traefikFromEnv(t)
	es, rs, next := tr.key(t, "es"), tr.key(t, "rs"), tr.key(t, "next")
	valid := e2eToken(t, es, nil)
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	with := func(h http.Header, k, v string) http.Header { h.Set(k, v); return h }

	cases := []struct {
		name      string
		target    string
		header    http.Header
		status    int
		challenge string
		user      string // X-User the upstream must see (passes)
	}{
		{"valid ES256, a forged X-User replaced", "/orders/1", with(bearer(valid), "X-User", "mallory"), 200, "", "alice"},
		{"valid RS256", "/orders/2", bearer(e2eToken(t, rs, map[string]any{"sub": "bob"})), 200, "", "bob"},
		{"no token", "/orders/3", http.Header{}, 401, `Bearer realm="e2e"`, ""},
		{"tampered", "/orders/4", bearer(valid[:len(valid)-4] + "AAAA"), 401, `error="invalid_token", error_description="bad_signature`, ""},
		{"expired", "/orders/5", bearer(e2eToken(t, es, map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})), 401, `error_description="expired`, ""},
		{"alg none", "/orders/6", bearer(noneToken()), 401, `error_description="alg_not_allowed`, ""},
		{"wrong audience", "/orders/7", bearer(e2eToken(t, es, map[string]any{"aud": "other"})), 401, `error_description="bad_audience`, ""},
		{"a rule not met", "/orders/8", bearer(e2eToken(t, es, map[string]any{"role": "banned"})), 403, `error="insufficient_scope"`, ""},
		{"skipped path, forged X-User removed", "/healthz", http.Header{"X-User": {"mallory"}}, 200, "", "-"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := authntest.Send(t, tr.url, "GET", tc.target, tc.header)
			if a.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.Status, tc.status, a.Body)
			}
			if !strings.Contains(a.Challenge, tc.challenge) {
				t.Errorf("WWW-Authenticate %q, want it to hold %q", a.Challenge, tc.challenge)
			}
			if tc.status != 200 {
				return
			}
			if a.Upstream == nil {
				t.Fatalf("the upstream's answer did not come back: %s", a.Body)
			}
			got := a.Upstream.Header
			switch {
			case tc.user == "-" && got.Get("X-User") != "":
				t.Errorf("a forged X-User reached the upstream on a skipped path: %q", got.Values("X-User"))
			case tc.user != "-" && (len(got.Values("X-User")) != 1 || got.Get("X-User") != tc.user):
				t.Errorf("upstream got X-User %q, want %q", got.Values("X-User"), tc.user)
			}
			if tc.user != "-" && got.Get("X-Roles") != "read,write" {
				t.Errorf("upstream got X-Roles %q", got.Values("X-Roles"))
			}
			if tc.user != "-" && got.Get("Authorization") != "" {
				t.Errorf("the token reached the upstream")
			}
			if a.Upstream.Target != tc.target {
				t.Errorf("upstream got %q, want %q", a.Upstream.Target, tc.target)
			}
		})
	}

	t.Run("keys rotated through the mount", func(t *testing.T) {
		nextTok := e2eToken(t, next, map[string]any{"sub": "carol"})
		if a := authntest.Send(t, tr.url, "GET", "/r", bearer(nextTok)); a.Status != 401 || !strings.Contains(a.Challenge, "unknown_kid") {
			t.Fatalf("the next key before rotation: %d %q", a.Status, a.Challenge)
		}
		jwksFile := filepath.Join(tr.keys, "jwks.json")
		before, err := os.ReadFile(jwksFile)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { // put the keys back for what runs next
			replaceFile(t, jwksFile, before)
			waitFor(t, tr, bearer(valid), 200)
		})
		set, err := core.NewKeySet(next)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := json.Marshal(set.Public())
		if err != nil {
			t.Fatal(err)
		}
		replaceFile(t, jwksFile, pub)
		waitFor(t, tr, bearer(nextTok), 200)
		// The old key left the set: its token, cached before, is refused.
		if a := authntest.Send(t, tr.url, "GET", "/orders/1", bearer(valid)); a.Status != 401 || !strings.Contains(a.Challenge, "unknown_kid") {
			t.Errorf("the old key after rotation: %d %q", a.Status, a.Challenge)
		}
	})
}

// replaceFile writes data to a new file and renames it over name, as a
// deploy would, so no reader sees half a file.
func replaceFile(t testing.TB, name string, data []byte) {
	t.Helper()
	tmp := name + ".new"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}

// waitFor sends the request until it gets status: keysReload is 1s, and
// every instance of Traefik's pool reads the key file on its own, so allow
// a few seconds.
func waitFor(t testing.TB, tr *traefik, h http.Header, status int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		a := authntest.Send(t, tr.url, "GET", "/r", h)
		if a.Status == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %d %q after 10s, want %d", a.Status, a.Challenge, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func noneToken() string {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	return enc(`{"alg":"none"}`) + "." + enc(fmt.Sprintf(`{"iss":"https://issuer.e2e","aud":"e2e-api","sub":"alice","exp":%d}`, time.Now().Add(time.Hour).Unix())) + "."
}

// BenchmarkTraefik is Traefik's own CPU per request (user + system time
// from /proc/<pid>/stat, over b.N requests on one connection), through the
// router without middleware (/bare/) and through the plugin with a cached
// token and with a new token every request; ns/op is the client's wall
// time. scripts/e2e-traefik.sh --bench runs it.
func BenchmarkTraefik(b *testing.B) {
	tr := traefikFromEnv(b)
	if tr.pid == 0 {
		b.Skip("JWTWASM_TRAEFIK_PID is not set")
	}
	es, rs := tr.key(b, "es"), tr.key(b, "rs")
	for _, bc := range []struct {
		name  string
		path  string
		token func() string
	}{
		{"route=bare", "/bare/x", nil},
		{"route=plugin/alg=ES256/token=cached", "/x", fixedToken(e2eToken(b, es, nil))},
		{"route=plugin/alg=RS256/token=cached", "/x", fixedToken(e2eToken(b, rs, nil))},
		{"route=plugin/alg=ES256/token=new", "/x", freshTokens(b, es)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			tokens := make([]string, 0, b.N+1)
			if bc.token != nil {
				for range b.N + 1 {
					tokens = append(tokens, bc.token())
				}
			}
			do := func(i int) {
				req, _ := http.NewRequest("GET", tr.url+bc.path, nil)
				if bc.token != nil {
					req.Header.Set("Authorization", "Bearer "+tokens[i])
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				// Read to the end, or the connection is not reused and
				// every request would measure a new TCP connection.
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			do(b.N) // connect
			before := cpuTime(b, tr.pid)
			b.ResetTimer()
			for i := range b.N {
				do(i)
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime(b, tr.pid)-before)/float64(b.N), "traefik-cpu-ns/op")
		})
	}
}

func fixedToken(tok string) func() string { return func() string { return tok } }

// freshTokens signs a new token (a new jti) for every request, so none is
// in the plugin's cache.
func freshTokens(b *testing.B, key *core.Key) func() string {
	n := 0
	return func() string {
		n++
		return e2eToken(b, key, map[string]any{"jti": fmt.Sprint(n, "-", time.Now().UnixNano())})
	}
}

// cpuTime returns a process's user + system CPU time in nanoseconds
// (proc(5): fields 14 and 15 of /proc/<pid>/stat, in clock ticks of
// 1/100 s on Linux).
func cpuTime(b *testing.B, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The command name (field 2) may hold spaces; fields after it start
	// past its closing parenthesis.
	rest := string(data[strings.LastIndexByte(string(data), ')')+2:])
	f := strings.Fields(rest)
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return (utime + stime) * int64(10*time.Millisecond)
}
