// Package httpauth is net/http middleware over core/authn, the engine the
// proxy plugin runs too: the same JSON configuration gives the same
// answers to the same requests, whether a Go service checks its own
// tokens or a proxy in front of it does.
//
// The verified token reaches handlers through the request's context:
// [Token], [Claims] and [Subject].
package httpauth

import (
	"context"
	"net/http"
	"strings"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/authn"
)

type tokenKey struct{}

// Middleware returns middleware that decides every request with e: it
// answers a refusal itself, and passes the others on with the decision
// applied (forwarded-claim headers removed then set, a stripped token
// gone) and the verified token, if any, in the context.
func Middleware(e *authn.Engine) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			d := e.Authenticate(authn.Request{Method: r.Method, Target: r.RequestURI, Header: r.Header})
			if !d.Passed() {
				h := w.Header()
				if d.Challenge != "" {
					h.Set("WWW-Authenticate", d.Challenge)
				}
				h.Set("Content-Type", "application/json")
				h.Set("Cache-Control", "no-store")
				w.WriteHeader(d.Status)
				w.Write(d.Body)
				return
			}
			ctx := r.Context()
			if d.Token != nil {
				ctx = context.WithValue(ctx, tokenKey{}, d.Token)
			}
			// A shallow copy with its own header map: the caller's
			// request is not changed under it.
			r2 := r.WithContext(ctx)
			r2.Header = r.Header.Clone()
			if r2.Header == nil {
				r2.Header = http.Header{}
			}
			for _, name := range d.Remove {
				r2.Header.Del(name)
			}
			for _, s := range d.Set {
				r2.Header.Set(s.Name, s.Value)
			}
			if d.Target != "" {
				u := *r.URL
				_, u.RawQuery, _ = strings.Cut(d.Target, "?")
				u.ForceQuery = false
				r2.URL = &u
				r2.RequestURI = d.Target
			}
			next.ServeHTTP(w, r2)
		})
	}
}

// Token returns the token the middleware verified for this request, or nil
// (a skipped or optional path without a token).
func Token(ctx context.Context) *core.Token {
	t, _ := ctx.Value(tokenKey{}).(*core.Token)
	return t
}

// Claims returns the verified token's claims, or nil.
func Claims(ctx context.Context) *core.Claims {
	if t := Token(ctx); t != nil {
		return t.Claims
	}
	return nil
}

// Subject returns the verified token's "sub", or "".
func Subject(ctx context.Context) string {
	if c := Claims(ctx); c != nil {
		return c.Subject
	}
	return ""
}
