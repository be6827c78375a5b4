package bench

// Request authentication in front of an upstream: what the proxy plugin
// (wasm/plugin in http-wasm-host-go, configured as Traefik loads it) and
// the same engine as native net/http middleware (host/httpauth) add to a
// request through a reverse proxy, against the bare proxy.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	hwhandler "github.com/http-wasm/http-wasm-host-go/handler"
	hwhttp "github.com/http-wasm/http-wasm-host-go/handler/nethttp"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/jwtwasm/jwtwasm/core/authn"
	"github.com/jwtwasm/jwtwasm/core/authn/authntest"
	"github.com/jwtwasm/jwtwasm/host/httpauth"
)

const pluginFile = "../wasm/plugin/plugin.wasm"

var (
	pluginOnce  sync.Once
	pluginBytes []byte
	pluginErr   error
	pluginCache = wazero.NewCompilationCache()
)

func pluginModule(b *testing.B) []byte {
	b.Helper()
	pluginOnce.Do(func() { pluginBytes, pluginErr = os.ReadFile(pluginFile) })
	if pluginErr != nil {
		b.Fatal(pluginErr)
	}
	return pluginBytes
}

// proxyConfig is one issuer with an ES256 and an RS256 key, forwarding
// two claims; cold turns the verified-token cache off, so every request
// checks its signature as a token never seen before would.
func proxyConfig(b *testing.B, f *authntest.Fixture, cold bool) string {
	cache := ""
	if cold {
		cache = `"cacheSize": 0,`
	}
	return fmt.Sprintf(`{%s
	  "providers": [{"issuer": %q, "keys": %s, "algorithms": ["ES256", "RS256"], "audiences": [%q]}],
	  "forward": [{"claim": "sub", "header": "X-User"}, {"claim": "roles", "header": "X-Roles"}],
	  "stripToken": true
	}`, cache, authntest.Issuer, authntest.JWKS(b, f.ES, f.RS), authntest.Audience)
}

// BenchmarkProxy is one request through a reverse proxy on loopback to an
// upstream that answers 200 with an empty body, one connection, the token
// in Authorization:
//
//	impl=bare        the reverse proxy alone: the floor
//	impl=middleware  host/httpauth (core/authn natively) in front of it
//	impl=plugin      the plugin in http-wasm-host-go's net/http handler
//
// token=cached repeats one token (the verified-token cache answers);
// token=cold verifies every request (cache off).
func BenchmarkProxy(b *testing.B) {
	f := authntest.New(time.Now())
	for _, alg := range []string{"ES256", "RS256"} {
		key := f.ES
		if alg == "RS256" {
			key = f.RS
		}
		token := f.Sign(b, key, map[string]any{"exp": time.Now().Add(24 * time.Hour).Unix(), "roles": []string{"read", "write"}})
		b.Run("alg="+alg+"/impl=bare/token=cached", func(b *testing.B) {
			benchProxy(b, func(next http.Handler) http.Handler { return next }, token)
		})
		for _, tok := range []string{"cached", "cold"} {
			cfg := proxyConfig(b, f, tok == "cold")
			b.Run("alg="+alg+"/impl=middleware/token="+tok, func(b *testing.B) {
				c, err := authn.ParseConfig([]byte(cfg))
				if err != nil {
					b.Fatal(err)
				}
				e, err := authn.New(c, authn.Options{})
				if err != nil {
					b.Fatal(err)
				}
				benchProxy(b, httpauth.Middleware(e), token)
			})
			b.Run("alg="+alg+"/impl=plugin/token="+tok, func(b *testing.B) {
				ctx := context.Background()
				mw, err := hwhttp.NewMiddleware(ctx, pluginModule(b),
					hwhandler.Runtime(func(ctx context.Context) (wazero.Runtime, error) {
						return wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(pluginCache)), nil
					}),
					hwhandler.GuestConfig([]byte(cfg)),
					hwhandler.ModuleConfig(wazero.NewModuleConfig().WithSysWalltime().WithStartFunctions("_start", "_initialize")))
				if err != nil {
					b.Fatal(err)
				}
				defer mw.Close(ctx)
				benchProxy(b, func(next http.Handler) http.Handler { return mw.NewHandler(ctx, next) }, token)
			})
		}
	}
}

func benchProxy(b *testing.B, middleware func(http.Handler) http.Handler, token string) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			http.Error(w, "the token reached the upstream", http.StatusBadGateway)
		}
	}))
	defer upstream.Close()
	u, err := url.Parse(upstream.URL)
	if err != nil {
		b.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	strip := func(next http.Handler) http.Handler { // the bare proxy strips the token too
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Del("Authorization")
			next.ServeHTTP(w, r)
		})
	}
	front := httptest.NewServer(middleware(strip(proxy)))
	defer front.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequest("GET", front.URL+"/orders/42", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	do := func() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	do() // connect, and start the plugin's first instance
	b.ReportAllocs()
	for b.Loop() {
		do()
	}
}

// BenchmarkPluginInstance is what a proxy pays for each new instance of
// the plugin, which it makes whenever more requests are in flight than it
// has instances: instantiation (memory, data) and _initialize (Go's
// runtime, package init, and the engine built from the configuration: the
// JSON read, keys parsed, a verifier per issuer). The host functions
// answer get_config and nothing else, so the instance's own work is all
// that is measured; the module is compiled once, before timing.
func BenchmarkPluginInstance(b *testing.B) {
	ctx := context.Background()
	f := authntest.New(time.Now())
	cfg := []byte(proxyConfig(b, f, false))
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(pluginCache))
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	compiled, err := r.CompileModule(ctx, pluginModule(b))
	if err != nil {
		b.Fatal(err)
	}
	hb := r.NewHostModuleBuilder("http_handler")
	for _, fn := range compiled.ImportedFunctions() {
		mod, name, _ := fn.Import()
		if mod != "http_handler" {
			continue
		}
		results := len(fn.ResultTypes())
		hb.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, stack []uint64) {
			if name == "get_config" {
				buf, limit := uint32(stack[0]), uint32(stack[1])
				if uint32(len(cfg)) <= limit && !m.Memory().Write(buf, cfg) {
					panic("get_config: buffer out of range")
				}
				stack[0] = uint64(len(cfg))
				return
			}
			for i := range results {
				stack[i] = 0
			}
		}), fn.ParamTypes(), fn.ResultTypes()).Export(name)
	}
	if _, err := hb.Instantiate(ctx); err != nil {
		b.Fatal(err)
	}
	mc := wazero.NewModuleConfig().WithSysWalltime().WithStartFunctions("_start", "_initialize").WithName("")
	var pages uint32
	b.ReportAllocs()
	for b.Loop() {
		m, err := r.InstantiateModule(ctx, compiled, mc)
		if err != nil {
			b.Fatal(err)
		}
		pages = m.Memory().Size() >> 16
		m.Close(ctx)
	}
	b.ReportMetric(float64(pages)/16, "MiB/instance")
}
