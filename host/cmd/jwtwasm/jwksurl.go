package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// maxJWKSRedirects is how many redirects a JWKS fetch follows, each to
// the same scheme and host as the URL given.
const maxJWKSRedirects = 3

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// isLoopback reports whether host (no port) is localhost or a loopback
// address (127.0.0.0/8, ::1).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redirectError is a redirect the fetch refused.
type redirectError struct{ msg string }

func (r *redirectError) Error() string { return r.msg }

// fetchJWKS gets a JWKS over HTTP(S) with a timeout and the key set size
// limit. Plain http is refused unless the host is loopback or allowHTTP
// is set: anyone on the path could hand over their own keys. Redirects
// are followed only to the same scheme and host, at most
// maxJWKSRedirects times.
func fetchJWKS(ctx context.Context, raw string, timeout time.Duration, allowHTTP bool) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return nil, inputError("bad JWKS URL %q", raw)
	}
	if timeout <= 0 {
		return nil, withHint(inputError("--timeout %s: want a positive duration", timeout), "the default is 10s; give e.g. --timeout 30s")
	}
	if u.Scheme == "http" && !allowHTTP && !isLoopback(u.Hostname()) {
		return nil, withHint(inputError("refusing to fetch keys over plain http from %s: anyone on the path could replace them", u.Host),
			"use an https:// URL, or --allow-http if this network is trusted")
	}
	client := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > maxJWKSRedirects {
			return &redirectError{fmt.Sprintf("more than %d redirects", maxJWKSRedirects)}
		}
		if req.URL.Scheme != u.Scheme || !strings.EqualFold(req.URL.Host, u.Host) {
			return &redirectError{fmt.Sprintf("redirect to %s://%s, another scheme or host than %s://%s", req.URL.Scheme, req.URL.Host, u.Scheme, u.Host)}
		}
		return nil
	}}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, inputError("bad JWKS URL %q: %v", raw, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := client.Do(req)
	if err != nil {
		if re := (*redirectError)(nil); errors.As(err, &re) {
			return nil, withHint(inputError("fetching JWKS from %s: refused %s", raw, re.msg),
				"give the URL the keys are served from")
		}
		return nil, inputError("fetching JWKS: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, inputError("fetching JWKS from %s: HTTP status %s", raw, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, core.MaxKeySetSize+1))
	if err != nil {
		return nil, inputError("fetching JWKS from %s: %v", raw, err)
	}
	if len(data) > core.MaxKeySetSize {
		return nil, &cliError{code: core.CodeTooLarge, msg: fmt.Sprintf("JWKS at %s is over %d bytes (MaxKeySetSize)", raw, core.MaxKeySetSize)}
	}
	return data, nil
}
