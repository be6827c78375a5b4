package authntest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Seen is what an upstream received: the request target and headers.
type Seen struct {
	Target string      `json:"target"`
	Header http.Header `json:"header"`
}

// Echo is an upstream handler that answers 200 with what it received, as
// JSON.
var Echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(Seen{Target: r.RequestURI, Header: r.Header})
})

// Proxy starts an Echo upstream and, in front of it, a reverse proxy
// wrapped in middleware, both on loopback; they stop when the test ends.
func Proxy(t testing.TB, middleware func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	upstream := httptest.NewServer(Echo)
	t.Cleanup(upstream.Close)
	u, err := url.Parse(upstream.URL)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(middleware(httputil.NewSingleHostReverseProxy(u)))
	t.Cleanup(front.Close)
	return front
}

// Answer is what a client got.
type Answer struct {
	Status    int
	Challenge string // WWW-Authenticate
	Body      string
	Upstream  *Seen // for a 200 from Echo, what the upstream saw
}

// Send sends a request with the target written as it is (dot segments
// and escapes are not cleaned on the way) and the given headers.
func Send(t testing.TB, baseURL, method, target string, h http.Header) Answer {
	t.Helper()
	req, err := http.NewRequest(method, baseURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	path, query, hasQuery := strings.Cut(target, "?")
	req.URL.Opaque = path
	if hasQuery {
		req.URL.RawQuery = query
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
	a := Answer{Status: resp.StatusCode, Challenge: resp.Header.Get("WWW-Authenticate"), Body: string(body)}
	if resp.StatusCode == http.StatusOK && resp.Header.Get("Content-Type") == "application/json" {
		a.Upstream = &Seen{}
		if err := json.Unmarshal(body, a.Upstream); err != nil {
			t.Fatalf("upstream answer %q: %v", body, err)
		}
	}
	return a
}

// Run sends every case to baseURL and checks the answers.
func (f *Fixture) Run(t *testing.T, baseURL string) {
	for _, tc := range f.Cases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			method := tc.Method
			if method == "" {
				method = "GET"
			}
			Check(t, tc, Send(t, baseURL, method, tc.Target, tc.Header))
		})
	}
}

// Check compares an answer over HTTP with the case: a pass reaches the
// upstream with the claims' headers set, the removed ones gone and the
// target as decided; a refusal has the status, challenge and body.
func Check(t testing.TB, tc Case, a Answer) {
	t.Helper()
	w := tc.Want
	if w.Status == 0 {
		if a.Status != http.StatusOK || a.Upstream == nil {
			t.Fatalf("status %d, want the upstream's 200; body %s", a.Status, a.Body)
		}
		got := a.Upstream
		for _, s := range w.Set {
			if v := got.Header.Values(s.Name); !slices.Equal(v, []string{s.Value}) {
				t.Errorf("upstream got %s: %q, want %q", s.Name, v, s.Value)
			}
		}
		for _, name := range w.Remove {
			if slices.ContainsFunc(w.Set, func(s Header) bool { return s.Name == name }) {
				continue
			}
			if v := got.Header.Values(name); len(v) > 0 {
				t.Errorf("upstream got %s: %q, which should have been removed", name, v)
			}
		}
		want := w.Target
		if want == "" {
			want = tc.Target
		}
		if got.Target != want {
			t.Errorf("upstream got target %q, want %q", got.Target, want)
		}
		if a.Challenge != "" {
			t.Errorf("a pass with a challenge: %q", a.Challenge)
		}
		return
	}
	if a.Status != w.Status {
		t.Fatalf("status %d, want %d; body %s", a.Status, w.Status, a.Body)
	}
	if !strings.Contains(a.Challenge, w.Challenge) {
		t.Errorf("WWW-Authenticate %q, want it to hold %q", a.Challenge, w.Challenge)
	}
	if !strings.Contains(a.Body, w.Body) || !json.Valid([]byte(a.Body)) {
		t.Errorf("body %s, want JSON holding %s", a.Body, w.Body)
	}
}
