package authn

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// provider is a valid provider for configurations that are wrong elsewhere.
const okProvider = `{"issuer": "https://i.example", "keys": {"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}, "algorithms": ["EdDSA"], "audiences": ["api"]}`

func TestParseConfigNamesTheField(t *testing.T) {
	cases := []struct{ name, cfg, want string }{
		{"empty", ``, "the configuration is empty"},
		{"not an object", `[]`, "want a JSON object"},
		{"not JSON", `{"providers": [`, "not valid JSON"},
		{"trailing data", `{"providers": [` + okProvider + `]} {}`, "data after the JSON object"},
		{"unknown field", `{"provider": []}`, `unknown field "provider"`},
		{"typo in a provider", `{"providers": [{"issuer": "i", "audience": "api"}]}`, `unknown field "audience"`},
		{"wrong type", `{"providers": [{"issuer": 3}]}`, `field "providers.issuer": want a string, got a JSON number`},
		{"no providers", `{}`, "providers: at least one provider is required"},
		{"no issuer", `{"providers": [{"keys": "x", "algorithms": ["ES256"], "audiences": ["a"]}]}`, "providers[0].issuer: required"},
		{"duplicate issuer", `{"providers": [` + okProvider + `,` + okProvider + `]}`, `providers[1].issuer: "https://i.example" is also the issuer of providers[0]`},
		{"no keys", `{"providers": [{"issuer": "i", "algorithms": ["ES256"], "audiences": ["a"]}]}`, `providers[0]: no keys`},
		{"both keys", `{"providers": [{"issuer": "i", "keys": "x", "keysFile": "f", "algorithms": ["ES256"], "audiences": ["a"]}]}`, `providers[0]: both "keys" and "keysFile"`},
		{"no algorithms", `{"providers": [{"issuer": "i", "keys": "x", "audiences": ["a"]}]}`, "providers[0].algorithms: required"},
		{"no audience", `{"providers": [{"issuer": "i", "keys": "x", "algorithms": ["ES256"]}]}`, "providers[0].audiences: required"},
		{"audience twice", `{"providers": [{"issuer": "i", "keys": "x", "algorithms": ["ES256"], "audiences": ["a"], "ignoreAudience": true}]}`, "keep one"},
		{"bad rule", `{"providers": [{"issuer": "i", "keys": "x", "algorithms": ["ES256"], "audiences": ["a"], "require": ["role=admin", "a b"]}]}`, "providers[0].require[1]"},
		{"bad leeway", `{"providers": [{"issuer": "i", "keys": "x", "algorithms": ["ES256"], "audiences": ["a"], "leeway": 30}]}`, `want a duration string such as "30s", got 30`},
		{"leeway not a duration", `{"providers": [{"issuer": "i", "keys": "x", "algorithms": ["ES256"], "audiences": ["a"], "leeway": "30"}]}`, `"30" is not one`},
		{"negative leeway", `{"providers": [{"issuer": "i", "keys": "x", "algorithms": ["ES256"], "audiences": ["a"], "leeway": "-1s"}]}`, `negative`},
		{"token size", `{"providers": [{"issuer": "i", "keys": "x", "algorithms": ["ES256"], "audiences": ["a"], "maxTokenSize": 99999999}]}`, "providers[0].maxTokenSize"},
		{"source with two kinds", `{"providers": [` + okProvider + `], "sources": [{"header": "X-Token", "cookie": "c"}]}`, "sources[0]: want exactly one"},
		{"source with none", `{"providers": [` + okProvider + `], "sources": [{}]}`, "sources[0]: want exactly one"},
		{"scheme without header", `{"providers": [` + okProvider + `], "sources": [{"cookie": "c", "scheme": "Bearer"}]}`, "sources[0].scheme"},
		{"bad header name", `{"providers": [` + okProvider + `], "sources": [{"header": "X Token"}]}`, `sources[0].header: "X Token" is not a valid header name`},
		{"forward without claim", `{"providers": [` + okProvider + `], "forward": [{"header": "X-User"}]}`, "forward[0].claim: required"},
		{"forward to a bad header", `{"providers": [` + okProvider + `], "forward": [{"claim": "sub", "header": "X:User"}]}`, "forward[0].header"},
		{"forward to the same header twice", `{"providers": [` + okProvider + `], "forward": [{"claim": "sub", "header": "X-User"}, {"claim": "email", "header": "x-user"}]}`, `forward[1].header: "x-user" is also the header of forward[0]`},
		{"forward into Authorization", `{"providers": [` + okProvider + `], "forward": [{"claim": "sub", "header": "authorization"}]}`, "forward[0].header"},
		{"separator with a newline", `{"providers": [` + okProvider + `], "forward": [{"claim": "sub", "header": "X-User", "separator": "\n"}]}`, "forward[0].separator"},
		{"relative skip path", `{"providers": [` + okProvider + `], "skipPaths": ["healthz"]}`, "skipPaths[0]: want an absolute path"},
		{"unclean skip path", `{"providers": [` + okProvider + `], "skipPaths": ["/a/../b"]}`, "skipPaths[0]"},
		{"star inside", `{"providers": [` + okProvider + `], "optionalPaths": ["/a/*/b"]}`, "optionalPaths[0]"},
		{"negative cache", `{"providers": [` + okProvider + `], "cacheSize": -1}`, "cacheSize: -1 is outside"},
		{"realm with a quote", `{"realm": "a\"b", "providers": [` + okProvider + `]}`, "realm"},
		{"too large", `{"realm": "` + strings.Repeat("x", MaxConfigSize) + `"}`, "MaxConfigSize"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.cfg))
			if err == nil {
				t.Fatal("accepted")
			}
			if core.CodeOf(err) != core.CodeInvalidArgument {
				t.Errorf("code %v, want invalid_argument", core.CodeOf(err))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to hold %q", err, tc.want)
			}
		})
	}
}

func TestParseConfigAcceptsTheDocumentedExample(t *testing.T) {
	c, err := ParseConfig([]byte(`{
	  "realm": "orders",
	  "providers": [{"issuer": "https://i.example", "keysFile": "/keys/jwks.json", "algorithms": ["ES256"],
	                 "audiences": ["api"], "leeway": "30s", "maxAge": "1h", "require": ["scope~orders:read"]}],
	  "sources": [{"header": "Authorization", "scheme": "Bearer"}, {"cookie": "session"}],
	  "forward": [{"claim": "sub", "header": "X-User"}, {"claim": "roles", "header": "X-Roles", "separator": " "}],
	  "stripToken": true, "skipPaths": ["/healthz"], "optionalPaths": ["/public/*"],
	  "allowPreflight": true, "hideDetails": false, "cacheSize": 0, "keysReload": "0s"
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.Providers[0].Leeway) != 30*time.Second || *c.CacheSize != 0 || *c.Forward[1].Separator != " " {
		t.Errorf("read %+v", c)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"providers": [` + okProvider + `]}`))
	f.Add([]byte(`{"providers": [{"issuer": "i", "keys": "x", "algorithms": ["ES256"], "audiences": ["a"], "leeway": "3s"}], "forward": [{"claim": "a.b", "header": "X"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if core.CodeOf(err) != core.CodeInvalidArgument {
				t.Fatalf("code %v for %q", core.CodeOf(err), err)
			}
			return
		}
		if _, err := New(c, Options{}); err != nil && core.CodeOf(err) == core.CodeInternal {
			t.Fatalf("internal error: %v", err)
		}
	})
}

// FuzzAuthenticate sends whatever request line and headers at an engine:
// never a panic, always a decision a front end can apply.
func FuzzAuthenticate(f *testing.F) {
	k := keys(f)
	e := newEngine(f, baseConfig(f))
	valid := sign(f, k.es, nil)
	f.Add("GET", "/orders?access_token="+valid, "", "")
	f.Add("GET", "/orders", "Bearer "+valid, "session="+valid)
	f.Add("OPTIONS", "/public/../x", "bearer  a.b.c", "a=1; session=\"x\"")
	f.Add("GET", "http://h/a%2?x=%zz&access_token=+", "Basic x", ";;=")
	f.Fuzz(func(t *testing.T, method, target, auth, cookie string) {
		h := http.Header{}
		if auth != "" {
			h.Set("Authorization", auth)
		}
		if cookie != "" {
			h.Set("Cookie", cookie)
		}
		d := e.Authenticate(Request{Method: method, Target: target, Header: h})
		switch d.Status {
		case 0:
			if d.Reason == "" && d.Token == nil {
				t.Fatal("passed without a token or a reason")
			}
		case 400, 401, 403:
			if d.Err == nil || d.Reason == "" || len(d.Body) == 0 {
				t.Fatalf("refusal without its error, reason or body: %+v", d)
			}
		default:
			t.Fatalf("status %d: %v", d.Status, d.Err)
		}
		if !printable(d.Challenge) {
			t.Fatalf("challenge %q is not a header value", d.Challenge)
		}
		for _, s := range d.Set {
			if !printable(s.Value) {
				t.Fatalf("header %s: %q", s.Name, s.Value)
			}
		}
	})
}

// TestParseConfigAsTraefikSendsIt reads a configuration the way Traefik
// v3 hands it to a wasm plugin: every number and boolean of the YAML
// settings as a string.
func TestParseConfigAsTraefikSendsIt(t *testing.T) {
	c, err := ParseConfig([]byte(`{"cacheSize":"0","stripToken":"true","hideDetails":"false","allowPreflight":"true",
	  "providers":[{"issuer":"i","keys":"x","algorithms":["ES256"],"ignoreAudience":"true","allowNoExpiry":"false","maxTokenSize":"8192","leeway":"30s"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Providers[0]
	if *c.CacheSize != 0 || !c.StripToken || c.HideDetails || !c.AllowPreflight || !p.IgnoreAudience || p.AllowNoExpiry || p.MaxTokenSize != 8192 {
		t.Errorf("read %+v %+v", c, p)
	}
	for bad, want := range map[string]string{
		`{"stripToken":"yes"}`: `stripToken: want true or false, got "yes"`,
		`{"cacheSize":"many"}`: `cacheSize: want an integer, got "many"`,
		`{"cacheSize":1.5}`:    `cacheSize: want an integer, got 1.5`,
		`{"providers":[{"issuer":"i","maxTokenSize":"big"}]}`: `providers[0].maxTokenSize: want an integer`,
		`{"providers":[{"issuer":"i","ignoreAudience":1}]}`:   `providers[0].ignoreAudience: want true or false`,
	} {
		if _, err := ParseConfig([]byte(bad)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", bad, err, want)
		}
	}
}
