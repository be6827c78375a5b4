package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
	"github.com/jwtwasm/jwtwasm/web"
)

func TestServeAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		addr        string
		public      bool
		publicGiven bool
		want        string // in the error; "" for none
	}{
		{"loopback v4", "127.0.0.1:8080", false, false, ""},
		{"loopback other", "127.0.0.2:0", false, false, ""},
		{"loopback v6", "[::1]:0", false, false, ""},
		{"localhost", "localhost:8080", false, false, ""},
		{"every interface", ":8080", false, false, "every interface, not loopback"},
		{"0.0.0.0", "0.0.0.0:8080", false, false, "every interface"},
		{"::", "[::]:8080", false, false, "every interface"},
		{"lan address", "192.168.1.10:8080", false, false, `"192.168.1.10", not loopback`},
		{"host name", "example.internal:8080", false, false, "not loopback"},
		{"public every interface", "0.0.0.0:8080", true, true, ""},
		{"public lan", "192.168.1.10:8080", true, true, ""},
		{"public on loopback", "127.0.0.1:8080", true, true, "--public does not apply"},
		{"no port", "127.0.0.1", false, false, "want HOST:PORT"},
		{"nonsense", "nonsense", false, false, "want HOST:PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkServeAddr(tt.addr, tt.public, tt.publicGiven)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one with %q", err, tt.want)
			case err != nil && asCLIError(err).code != core.CodeInvalidArgument:
				t.Errorf("code %s, want invalid_argument", asCLIError(err).code)
			}
		})
	}
}

func TestServeUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
		hint string
	}{
		{"arguments", []string{"serve", "extra"}, "serve takes no arguments", ""},
		{"not loopback", []string{"serve", "--addr", "0.0.0.0:0"}, "not loopback", "--public"},
		{"bad addr", []string{"serve", "--addr", "8080"}, `--addr "8080"`, "127.0.0.1:8080"},
		{"public on loopback", []string{"serve", "--public", "--addr", "127.0.0.1:0"}, "--public does not apply", ""},
		{"port in use or bad", []string{"serve", "--addr", "127.0.0.1:99999"}, "cannot listen on 127.0.0.1:99999", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := jw(t, "", tt.args...)
			msg := wantExit(t, r, exitUsage, "invalid_argument")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q lacks %q", msg, tt.want)
			}
			if tt.hint != "" && !strings.Contains(strings.Join(hints(r.stderr), "\n"), tt.hint) {
				t.Errorf("no hint with %q:\n%s", tt.hint, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout: %q", r.stdout)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer that a server goroutine writes while the
// test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs "jwtwasm serve --addr 127.0.0.1:0 --log" in-process and
// returns its base URL, its output so far and a function that stops it and
// returns its exit status.
func startServe(t *testing.T) (base string, stdout, stderr *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log"}, strings.NewReader(""), stdout, stderr)
	}()
	url := regexp.MustCompile(`token inspector is at (http://127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := url.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-exit:
			t.Fatalf("serve exited %d:\n%s%s", code, stdout, stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve printed no URL:\n%s%s", stdout, stderr)
		}
	}
	stopped := false
	stop = func() int {
		if stopped {
			return exitOK
		}
		stopped = true
		cancel()
		select {
		case code := <-exit:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop within 10s of its context ending")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return base, stdout, stderr, stop
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
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
	return resp, body
}

func TestServe(t *testing.T) {
	t.Parallel()
	base, stdout, stderr, stop := startServe(t)

	t.Run("files", func(t *testing.T) {
		site := web.Site()
		var names []string
		fs.WalkDir(site, ".", func(name string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names = append(names, name)
			}
			return err
		})
		if len(names) < 10 {
			t.Fatalf("site has only %q", names)
		}
		for _, name := range append([]string{""}, names...) {
			file := name
			if file == "" {
				file = "index.html"
			}
			want, _ := fs.ReadFile(site, file)
			resp, body := get(t, base+"/"+name)
			if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
				t.Errorf("/%s: status %d, %d bytes, want 200 and the %d bytes of %s", name, resp.StatusCode, len(body), len(want), file)
			}
			for h, v := range map[string]string{
				"Content-Type":            web.ContentType(file),
				"Content-Security-Policy": web.CSP,
				"X-Content-Type-Options":  "nosniff",
				"Cache-Control":           "no-cache",
			} {
				if got := resp.Header.Get(h); got != v {
					t.Errorf("/%s: %s %q, want %q", name, h, got, v)
				}
			}
			// A second fetch with the ETag is answered 304.
			if resp2, _ := get(t, base+"/"+name, "If-None-Match", resp.Header.Get("ETag")); resp2.StatusCode != http.StatusNotModified {
				t.Errorf("/%s with If-None-Match: status %d, want 304", name, resp2.StatusCode)
			}
		}
		if ct := web.ContentType("blob/jwtwasm.wasm"); ct != "application/wasm" {
			t.Errorf("the module's content type is %q", ct)
		}
		for _, missing := range []string{"/nope", "/embed.go", "/js/", "/js/jwtwasm.test.mjs", "/blob/../index.html/"} {
			if resp, _ := get(t, base+missing); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", missing, resp.StatusCode)
			}
		}
	})

	var jwks []byte
	t.Run("jwks", func(t *testing.T) {
		resp, body := get(t, base+"/.well-known/jwks.json")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
		}
		var doc struct{ Keys []map[string]any }
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Keys) != 2 {
			t.Fatalf("%d keys, want 2:\n%s", len(doc.Keys), body)
		}
		for _, k := range doc.Keys {
			if _, private := k["d"]; private || k["kid"] == "" {
				t.Errorf("key %v: want a public key with a kid", k)
			}
		}
		jwks = body
	})

	t.Run("discovery and demo token", func(t *testing.T) {
		resp, body := get(t, base+"/.well-known/openid-configuration")
		var conf struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		if err := json.Unmarshal(body, &conf); err != nil || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("%v: %s", err, body)
		}
		if conf.Issuer != base || conf.JWKSURI != base+"/.well-known/jwks.json" {
			t.Errorf("issuer %q, jwks_uri %q; want %q and its jwks.json", conf.Issuer, conf.JWKSURI, base)
		}
		_, keys := get(t, conf.JWKSURI)
		_, fresh := get(t, base+"/demo/token")
		printed := regexp.MustCompile(`(?m)^(eyJ[\w-]+\.[\w-]+\.[\w-]+)$`).FindStringSubmatch(stdout.String())
		if printed == nil {
			t.Fatalf("no demo token printed:\n%s", stdout)
		}
		p := core.Policy{Algorithms: []string{"RS256", "ES256"}, Issuer: conf.Issuer, Audiences: []string{demoAudience}}
		for what, token := range map[string]string{"printed": printed[1], "fetched": strings.TrimSpace(string(fresh))} {
			tok, err := host.Verify(context.Background(), host.Native(), keys, p, token)
			if err != nil {
				t.Errorf("%s demo token: %v", what, err)
				continue
			}
			if tok.Claims.Subject != "demo-user" {
				t.Errorf("%s demo token: claims %+v", what, tok.Claims)
			}
		}
		if jwks != nil && !bytes.Equal(keys, jwks) {
			t.Error("the key set changed between two fetches")
		}
	})

	if code := stop(); code != exitOK {
		t.Errorf("serve exited %d after its context ended:\n%s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "GET /.well-known/jwks.json 200\n") || !strings.Contains(stderr.String(), "jwtwasm: stopped") {
		t.Errorf("--log wrote:\n%s", stderr)
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("the server still answers after stopping")
	}
}
