package httpauth_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/authn"
	"github.com/jwtwasm/jwtwasm/host/httpauth"
)

// A Go 1.22 ServeMux behind the middleware: one configuration, the same
// JSON the proxy plugin reads, and handlers that read the caller from the
// context.
func ExampleMiddleware() {
	// The issuer's key; a service would read its public JWKS instead.
	key, _ := core.GenerateKey(core.KeyParams{Alg: "ES256", KeyID: "k1"})
	set, _ := core.NewKeySet(key)
	jwks, _ := json.Marshal(set.Public())

	cfg, err := authn.ParseConfig([]byte(fmt.Sprintf(`{
	  "realm": "orders",
	  "providers": [{"issuer": "https://issuer.example", "keys": %s,
	                 "algorithms": ["ES256"], "audiences": ["orders"]}],
	  "skipPaths": ["/healthz"]
	}`, jwks)))
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, err := authn.New(cfg, authn.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "order %s for %s", r.PathValue("id"), httpauth.Subject(r.Context()))
	})
	srv := httptest.NewServer(httpauth.Middleware(engine)(mux))
	defer srv.Close()

	claims := fmt.Sprintf(`{"iss":"https://issuer.example","aud":"orders","sub":"alice","exp":%d}`, time.Now().Add(time.Hour).Unix())
	token, _ := core.Sign(key, []byte(claims))
	for _, auth := range []string{"Bearer " + token, ""} {
		req, _ := http.NewRequest("GET", srv.URL+"/orders/42", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("WWW-Authenticate"), string(body))
	}
	// Output:
	// 200  order 42 for alice
	// 401 Bearer realm="orders" {"error":"unauthorized","message":"the request carries no token: send Authorization: Bearer <token>"}
}
