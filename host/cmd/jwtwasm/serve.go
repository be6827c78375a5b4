package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/web"
)

const serveAbout = `
Serve the token inspector page (decode, verify and make JWTs in the browser,
with the jwtwasm module in a Web Worker) from this binary, with a demo
issuer beside it: a key set made at start and kept in memory, at
/.well-known/jwks.json (one RS256 and one ES256 key), a discovery document at
/.well-known/openid-configuration whose issuer is the URL the page was opened
at, and a fresh RS256 demo token at /demo/token (one is printed at start).
The page needs nothing else: once loaded it also works offline.

The address must be loopback (127.0.0.1, ::1, localhost) unless --public is
given: the demo issuer signs a token for anyone who asks, and the keys
change at every start, so it is for trying the page, not for other machines
to trust. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.`

const serveExamples = `  jwtwasm serve
  jwtwasm serve --addr 127.0.0.1:9000
  jwtwasm serve --addr 0.0.0.0:8080 --public`

// demoLifetime is how long a demo token is valid.
const demoLifetime = 15 * time.Minute

// demoAudience is the aud of demo tokens.
const demoAudience = "jwtwasm-demo"

func runServe(e *env, args []string) error {
	fs := newFlags(e, "serve", "[flags]", serveAbout, serveExamples)
	var addr string
	var public, logRequests bool
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0: any free port)")
	fs.BoolVar(&public, "public", false, "allow an --addr that is not loopback: other machines reach a demo issuer that signs tokens for anyone")
	fs.BoolVar(&logRequests, "log", false, "print each request on standard error")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("serve takes no arguments")
	}
	if err := checkServeAddr(addr, public, flagsGiven(fs)["public"]); err != nil {
		return err
	}
	demo, err := newDemoIssuer()
	if err != nil {
		return err
	}
	handler := newServeHandler(web.Site(), demo)
	if logRequests {
		handler = logged(handler, e)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return inputError("cannot listen on %s: %v", addr, err)
	}
	base := "http://" + ln.Addr().String()
	token, err := demo.token(base, time.Now())
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(e.stdout, `jwtwasm: the token inspector is at %[1]s/
  demo key set:   %[1]s/.well-known/jwks.json
  discovery:      %[1]s/.well-known/openid-configuration
  demo token (valid %[2]dm; a fresh one at %[1]s/demo/token):
%[3]s
Press Ctrl-C to stop.
`, base, int(demoLifetime.Minutes()), token)

	ctx, stop := signal.NotifyContext(e.ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return inputError("serving: %v", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return inputError("stopping: %v", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return inputError("serving: %v", err)
	}
	fmt.Fprintln(e.stderr, "jwtwasm: stopped")
	return nil
}

// checkServeAddr refuses an address that is not host:port, one that is
// not loopback without --public, and --public where it changes nothing.
func checkServeAddr(addr string, public, publicGiven bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return withHint(usageError("--addr %q: want HOST:PORT", addr), "e.g. --addr 127.0.0.1:8080")
	}
	if isLoopback(host) {
		if publicGiven {
			return notApplying("public", "to the loopback address %s: it is not reachable from other machines anyway", addr)
		}
		return nil
	}
	if !public {
		what := fmt.Sprintf("%q", host)
		if host == "" || host == "0.0.0.0" || host == "::" {
			what = "every interface"
		}
		return withHint(usageError("--addr %s listens on %s, not loopback: other machines could reach the demo issuer, which signs a token for anyone who asks", addr, what),
			"use --addr 127.0.0.1:PORT, or add --public if that is what you want")
	}
	return nil
}

// demoIssuer is the demo key set, made at start and kept in memory: an
// RS256 key that signs the demo tokens, and an ES256 key, so that a key
// set holds more than one key and the token's kid has a choice to make.
type demoIssuer struct {
	signing *core.Key
	public  []byte // the public JWKS
}

func newDemoIssuer() (*demoIssuer, error) {
	var keys []*core.Key
	for _, alg := range []string{"RS256", "ES256"} {
		k, err := core.GenerateKey(core.KeyParams{Alg: alg, Use: "sig"})
		if err != nil {
			return nil, core.WrapError(core.CodeInternal, err, "making the demo keys")
		}
		keys = append(keys, k)
	}
	set, err := core.NewKeySet(keys...)
	if err != nil {
		return nil, core.WrapError(core.CodeInternal, err, "making the demo key set")
	}
	public, err := core.EncodeKeys(set, core.FormatPublicJWKS, core.PEMOptions{})
	if err != nil {
		return nil, core.WrapError(core.CodeInternal, err, "writing the demo key set")
	}
	return &demoIssuer{signing: keys[0], public: public}, nil
}

// token signs a demo token from issuer base, issued at now.
func (d *demoIssuer) token(base string, now time.Time) (string, error) {
	jti := make([]byte, 12)
	rand.Read(jti)
	claims, err := json.Marshal(map[string]any{
		"iss":   base,
		"sub":   "demo-user",
		"aud":   demoAudience,
		"iat":   now.Unix(),
		"exp":   now.Add(demoLifetime).Unix(),
		"jti":   base64.RawURLEncoding.EncodeToString(jti),
		"scope": "read:demo",
	})
	if err != nil {
		return "", core.WrapError(core.CodeInternal, err, "writing the demo claims")
	}
	token, err := core.Sign(d.signing, claims)
	if err != nil {
		return "", core.WrapError(core.CodeInternal, err, "signing the demo token")
	}
	return token, nil
}

// servedFile is one file of the page, read once at start.
type servedFile struct {
	name, contentType, etag string
	data                    []byte
}

// newServeHandler serves the page's files from site, the demo issuer's
// documents, and the security headers on every answer.
func newServeHandler(site fs.FS, demo *demoIssuer) http.Handler {
	files := map[string]*servedFile{}
	err := fs.WalkDir(site, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(site, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		files["/"+name] = &servedFile{name: name, contentType: web.ContentType(name), etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`, data: data}
		return nil
	})
	if err != nil {
		// The site is embedded: it is always readable.
		panic("jwtwasm serve: reading the page's files: " + err.Error())
	}
	files["/"] = files["/index.html"]

	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		writeDoc(w, "application/jwk-set+json", demo.public)
	})
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		base := requestBase(r)
		doc, _ := json.MarshalIndent(map[string]any{
			"issuer":                                base,
			"jwks_uri":                              base + "/.well-known/jwks.json",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
		}, "", "  ")
		writeDoc(w, "application/json", append(doc, '\n'))
	})
	mux.HandleFunc("GET /demo/token", func(w http.ResponseWriter, r *http.Request) {
		token, err := demo.token(requestBase(r), time.Now())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeDoc(w, "application/jwt", []byte(token+"\n"))
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		f := files[path.Clean(r.URL.Path)]
		if f == nil || strings.HasSuffix(r.URL.Path, "/") && r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.contentType)
		w.Header().Set("ETag", f.etag)
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.data))
	})
	return securityHeaders(mux)
}

// requestBase is the URL the client reached this server at: the demo's
// issuer, as a discovery document's issuer is the URL it was fetched from.
func requestBase(r *http.Request) string {
	return "http://" + r.Host
}

// writeDoc answers with a document any page may read (CORS), never cached.
func writeDoc(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

// securityHeaders adds the page's Content-Security-Policy and the usual
// hardening headers to every answer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", web.CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status of an answer, for --log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// logged prints "METHOD PATH STATUS" for each request on stderr.
func logged(next http.Handler, e *env) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		fmt.Fprintf(e.stderr, "%s %s %d\n", r.Method, r.URL.Path, sw.status)
	})
}
