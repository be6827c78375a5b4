package httpauth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core/authn"
	"github.com/jwtwasm/jwtwasm/core/authn/authntest"
	"github.com/jwtwasm/jwtwasm/host/httpauth"
)

func engine(t testing.TB, config string) *authn.Engine {
	t.Helper()
	c, err := authn.ParseConfig([]byte(config))
	if err != nil {
		t.Fatal(err)
	}
	e, err := authn.New(c, authn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestMiddlewareAnswersTheTable runs the request table the engine and the
// proxy plugin answer, through the middleware in front of a reverse proxy.
func TestMiddlewareAnswersTheTable(t *testing.T) {
	f := authntest.New(time.Now())
	f.Run(t, authntest.Proxy(t, httpauth.Middleware(engine(t, f.Config(t)))).URL)
}

func TestHandlersSeeTheToken(t *testing.T) {
	f := authntest.New(time.Now())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %v", httpauth.Subject(r.Context()), httpauth.Token(r.Context()).Key.KeyID())
	})
	mux.HandleFunc("GET /feed", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "anonymous=%v", httpauth.Claims(r.Context()) == nil)
	})
	srv := httptest.NewServer(httpauth.Middleware(engine(t, f.Config(t)))(mux))
	defer srv.Close()
	tok := f.Sign(t, f.ES, map[string]any{"sub": "carol"})
	for _, tc := range []struct {
		path, token, want string
	}{
		{"/me", tok, "carol es-1"},
		{"/feed", "", "anonymous=true"},
		{"/feed", tok, "anonymous=false"},
	} {
		h := http.Header{}
		if tc.token != "" {
			h.Set("Authorization", "Bearer "+tc.token)
		}
		a := authntest.Send(t, srv.URL, "GET", tc.path, h)
		if a.Body != tc.want {
			t.Errorf("%s: %d %q, want %q", tc.path, a.Status, a.Body, tc.want)
		}
	}
}
