package core

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSignDefaultAlgorithm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want string
	}{
		{"rsa", "RS256"},
		{"p256", "ES256"},
		{"p384", "ES384"},
		{"p521", "ES512"},
		{"ed", "EdDSA"},
		{"oct", "HS256"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			k := fixedKey(t, tt.key)
			tok := mustSign(t, k, validClaims(t))
			h, payload, sig := tokenParts(t, tok)
			want := map[string]any{"alg": tt.want, "kid": k.KeyID(), "typ": "JWT"}
			if !reflect.DeepEqual(h, want) {
				t.Errorf("header = %v, want %v", h, want)
			}
			if string(payload) != string(validClaims(t)) {
				t.Errorf("payload = %s", payload)
			}
			// The header members come in a fixed order: alg, kid, typ.
			hj, _ := b64.DecodeString(strings.Split(tok, ".")[0])
			if wantJSON := `{"alg":"` + tt.want + `","kid":"` + k.KeyID() + `","typ":"JWT"}`; string(hj) != wantJSON {
				t.Errorf("header JSON = %s, want %s", hj, wantJSON)
			}
			a := lookupAlg(tt.want)
			pub := k
			if p := k.Public(); p != nil {
				pub = p
			}
			if !checkSignature(a, pub, tok[:strings.LastIndexByte(tok, '.')], sig, 0) {
				t.Error("the signature does not verify")
			}
		})
	}
	// A key limited to an algorithm signs with it by default.
	ps, _ := fixedKey(t, "rsa").WithAlgorithm("PS384")
	h, _, _ := tokenParts(t, mustSign(t, ps, validClaims(t)))
	if h["alg"] != "PS384" {
		t.Errorf("alg = %v, want the key's PS384", h["alg"])
	}
}

func TestSignWithAlgorithm(t *testing.T) {
	t.Parallel()
	rsa := fixedKey(t, "rsa")
	tests := []struct {
		name string
		key  *Key
		alg  string
		want Code
	}{
		{"RSA PS512", rsa, "PS512", 0},
		{"RSA RS384", rsa, "RS384", 0},
		{"RSA ES256", rsa, "ES256", CodeKeyMismatch},
		{"RSA HS256", rsa, "HS256", CodeKeyMismatch},
		{"P-256 ES384", fixedKey(t, "p256"), "ES384", CodeKeyMismatch},
		{"P-384 ES256", fixedKey(t, "p384"), "ES256", CodeKeyMismatch},
		{"P-521 ES512", fixedKey(t, "p521"), "ES512", 0},
		{"Ed25519 ES256", fixedKey(t, "ed"), "ES256", CodeKeyMismatch},
		{"secret RS256", fixedKey(t, "oct"), "RS256", CodeKeyMismatch},
		{"secret HS512", fixedKey(t, "oct"), "HS512", 0},
		{"RSA key for RS256 asked PS256", mustAlg(t, rsa, "RS256"), "PS256", CodeKeyMismatch},
		{"none", rsa, "none", CodeAlgNotAllowed},
		{"unknown", rsa, "RS1024", CodeAlgNotAllowed},
		{"key for encryption", fixedKey(t, "p256").WithUse("enc"), "ES256", CodeKeyMismatch},
		{"key_ops without sign", keyOps(t, fixedKey(t, "p256"), "verify"), "ES256", CodeKeyMismatch},
		{"key_ops with sign", keyOps(t, fixedKey(t, "p256"), "sign"), "ES256", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := Sign(tt.key, validClaims(t), WithAlgorithm(tt.alg))
			checkErr(t, err, tt.want)
			if err != nil {
				if tok != "" {
					t.Error("token with an error")
				}
				return
			}
			if h, _, _ := tokenParts(t, tok); h["alg"] != tt.alg {
				t.Errorf("alg = %v", h["alg"])
			}
		})
	}
}

func mustAlg(t *testing.T, k *Key, alg string) *Key {
	t.Helper()
	k, err := k.WithAlgorithm(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignHMACSecretLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		alg   string
		bytes int
		want  Code
	}{
		{"HS256", 31, CodeWeakKey},
		{"HS256", 32, 0},
		{"HS256", 1, CodeWeakKey},
		{"HS384", 47, CodeWeakKey},
		{"HS384", 48, 0},
		{"HS512", 63, CodeWeakKey},
		{"HS512", 64, 0},
		{"HS512", 32, CodeWeakKey},
		{"HS256", 64, 0},
	}
	for _, tt := range tests {
		k, err := NewSecretKey([]byte(strings.Repeat("s", tt.bytes)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Sign(k, validClaims(t), WithAlgorithm(tt.alg))
		if tt.want == 0 && err != nil {
			t.Errorf("%s with %d bytes: %v", tt.alg, tt.bytes, err)
		}
		if tt.want != 0 && CodeOf(err) != tt.want {
			t.Errorf("%s with %d bytes: %v, want %s", tt.alg, tt.bytes, err, tt.want)
		}
		// AllowWeakKeys is for RSA only.
		if tt.want != 0 {
			_, err = Sign(k, validClaims(t), WithAlgorithm(tt.alg), AllowWeakKeys())
			if CodeOf(err) != CodeWeakKey {
				t.Errorf("%s with %d bytes and AllowWeakKeys: %v, want weak_key", tt.alg, tt.bytes, err)
			}
		}
	}
}

func TestSignWeakRSA(t *testing.T) {
	t.Parallel()
	weak := weakRSAKey(t)
	if weak.Bits() != 1024 || !strings.Contains(weak.IsWeak(), "1024 bits") {
		t.Fatalf("weak key: %d bits, IsWeak %q", weak.Bits(), weak.IsWeak())
	}
	_, err := Sign(weak, validClaims(t))
	wantCode(t, err, CodeWeakKey)
	tok, err := Sign(weak, validClaims(t), AllowWeakKeys())
	if err != nil {
		t.Fatal(err)
	}
	// A default verifier refuses it; one that allows weak keys accepts it.
	_, err = mustVerifier(t, mustSet(t, weak.Public()), Policy{Algorithms: []string{"RS256"}}, WithClock(at(testNow))).Verify(tok)
	wantCode(t, err, CodeWeakKey)
	if _, err := mustVerifier(t, mustSet(t, weak.Public()), Policy{Algorithms: []string{"RS256"}, AllowWeakKeys: true}, WithClock(at(testNow))).Verify(tok); err != nil {
		t.Fatal(err)
	}
}

func TestSignHeaders(t *testing.T) {
	t.Parallel()
	k := fixedKey(t, "ed")
	tests := []struct {
		name string
		opts []SignOption
		want map[string]any // the header; nil with wantErr
		err  Code
	}{
		{"defaults", nil, map[string]any{"alg": "EdDSA", "kid": k.KeyID(), "typ": "JWT"}, 0},
		{"WithType", []SignOption{WithType("at+jwt")}, map[string]any{"alg": "EdDSA", "kid": k.KeyID(), "typ": "at+jwt"}, 0},
		{"WithType empty omits typ", []SignOption{WithType("")}, map[string]any{"alg": "EdDSA", "kid": k.KeyID()}, 0},
		{"WithKeyID", []SignOption{WithKeyID("other")}, map[string]any{"alg": "EdDSA", "kid": "other", "typ": "JWT"}, 0},
		{"WithKeyID empty omits kid", []SignOption{WithKeyID("")}, map[string]any{"alg": "EdDSA", "typ": "JWT"}, 0},
		{"both empty", []SignOption{WithKeyID(""), WithType("")}, map[string]any{"alg": "EdDSA"}, 0},
		{"custom header", []SignOption{WithHeader("x5t#S256", "abc"), WithHeader("ext", map[string]int{"n": 1})},
			map[string]any{"alg": "EdDSA", "kid": k.KeyID(), "typ": "JWT", "x5t#S256": "abc", "ext": map[string]any{"n": 1.0}}, 0},
		{"cty", []SignOption{WithHeader("cty", "JWT")}, map[string]any{"alg": "EdDSA", "kid": k.KeyID(), "typ": "JWT", "cty": "JWT"}, 0},
		{"alg refused", []SignOption{WithHeader("alg", "none")}, nil, CodeInvalidArgument},
		{"kid refused", []SignOption{WithHeader("kid", "x")}, nil, CodeInvalidArgument},
		{"typ refused", []SignOption{WithHeader("typ", "x")}, nil, CodeInvalidArgument},
		{"jwk refused", []SignOption{WithHeader("jwk", map[string]string{"kty": "OKP"})}, nil, CodeInvalidArgument},
		{"jku refused", []SignOption{WithHeader("jku", "https://x")}, nil, CodeInvalidArgument},
		{"x5u refused", []SignOption{WithHeader("x5u", "https://x")}, nil, CodeInvalidArgument},
		{"x5c refused", []SignOption{WithHeader("x5c", []string{"MIIB"})}, nil, CodeInvalidArgument},
		{"zip refused", []SignOption{WithHeader("zip", "DEF")}, nil, CodeInvalidArgument},
		{"empty name refused", []SignOption{WithHeader("", 1)}, nil, CodeInvalidArgument},
		{"custom header twice", []SignOption{WithHeader("x", 1), WithHeader("x", 2)}, nil, CodeInvalidArgument},
		{"value not JSON", []SignOption{WithHeader("x", func() {})}, nil, CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := Sign(k, validClaims(t), tt.opts...)
			checkErr(t, err, tt.err)
			if err != nil {
				return
			}
			h, _, _ := tokenParts(t, tok)
			if !reflect.DeepEqual(h, tt.want) {
				t.Errorf("header = %v, want %v", h, tt.want)
			}
			// Whatever the header, the token verifies (no kid: every key
			// is tried; an extension is not critical).
			pub := k.Public()
			if kid, ok := h["kid"].(string); ok {
				pub = pub.WithKeyID(kid)
			}
			v := mustVerifier(t, mustSet(t, pub), Policy{Algorithms: []string{"EdDSA"}}, WithClock(at(testNow)))
			if _, err := v.Verify(tok); err != nil {
				t.Errorf("verify: %v", err)
			}
		})
	}
}

func TestSignErrors(t *testing.T) {
	t.Parallel()
	k := fixedKey(t, "p256")
	tests := []struct {
		name   string
		key    *Key
		claims []byte
		want   Code
	}{
		{"nil key", nil, validClaims(t), CodeInvalidKey},
		{"public key", k.Public(), validClaims(t), CodeInvalidKey},
		{"claims not JSON", k, []byte("sub=alice"), CodeInvalidArgument},
		{"claims an array", k, []byte(`["sub"]`), CodeInvalidArgument},
		{"claims empty", k, nil, CodeInvalidArgument},
		{"duplicate claim", k, []byte(`{"sub":"a","sub":"b"}`), CodeInvalidArgument},
		{"claims trailing data", k, []byte(`{}x`), CodeInvalidArgument},
		{"empty object is fine", k, []byte(`{}`), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Sign(tt.key, tt.claims)
			checkErr(t, err, tt.want)
		})
	}
}

func TestBuildClaims(t *testing.T) {
	t.Parallel()
	iat := testNow
	tests := []struct {
		name   string
		reg    RegisteredClaims
		custom string
		want   string // exact JSON
		err    Code
	}{
		{"empty", RegisteredClaims{}, "", `{}`, 0},
		{"all registered", RegisteredClaims{
			Issuer: "i", Subject: "s", Audience: []string{"a"},
			ExpiresAt: iat.Add(time.Hour), NotBefore: iat, IssuedAt: iat, ID: "j",
		}, "", `{"iss":"i","sub":"s","aud":"a","exp":1700003600,"nbf":1700000000,"iat":1700000000,"jti":"j"}`, 0},
		{"one audience is a string", RegisteredClaims{Audience: []string{"api"}}, "", `{"aud":"api"}`, 0},
		{"several audiences are an array", RegisteredClaims{Audience: []string{"api", "web"}}, "", `{"aud":["api","web"]}`, 0},
		{"custom merged after", RegisteredClaims{Subject: "s"}, `{"role":"admin","n":[1, 2]}`, `{"sub":"s","role":"admin","n":[1, 2]}`, 0},
		{"custom only", RegisteredClaims{}, ` {"x":true} `, `{"x":true}`, 0},
		{"custom registered claim not given typed", RegisteredClaims{Subject: "s"}, `{"iss":"custom"}`, `{"sub":"s","iss":"custom"}`, 0},
		{"escaping", RegisteredClaims{Subject: `a"b<`}, "", `{"sub":"a\"b\u003c"}`, 0},
		{"fractional time truncated", RegisteredClaims{ExpiresAt: iat.Add(1500 * time.Millisecond)}, "", `{"exp":1700000001}`, 0},
		{"iss in both", RegisteredClaims{Issuer: "i"}, `{"iss":"j"}`, "", CodeInvalidArgument},
		{"aud in both", RegisteredClaims{Audience: []string{"a", "b"}}, `{"aud":"c"}`, "", CodeInvalidArgument},
		{"exp in both", RegisteredClaims{ExpiresAt: iat}, `{"exp":1}`, "", CodeInvalidArgument},
		{"custom not an object", RegisteredClaims{}, `[1]`, "", CodeInvalidArgument},
		{"custom not JSON", RegisteredClaims{}, `{role:admin}`, "", CodeInvalidArgument},
		{"custom with a duplicate", RegisteredClaims{}, `{"a":1,"a":2}`, "", CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := BuildClaims(tt.reg, []byte(tt.custom))
			checkErr(t, err, tt.err)
			if err != nil {
				return
			}
			if string(got) != tt.want {
				t.Errorf("BuildClaims = %s, want %s", got, tt.want)
			}
			if !json.Valid(got) {
				t.Error("not valid JSON")
			}
		})
	}
	// The conflict message names the claim.
	_, err := BuildClaims(RegisteredClaims{Issuer: "i"}, []byte(`{"iss":"j"}`))
	if err == nil || !strings.Contains(err.Error(), `"iss"`) {
		t.Errorf("conflict error %v does not name the claim", err)
	}
	// Built claims verify with the matching policy.
	claims, err := BuildClaims(RegisteredClaims{Issuer: "i", Audience: []string{"a", "b"}, ExpiresAt: testNow.Add(time.Minute), IssuedAt: testNow}, []byte(`{"role":"admin"}`))
	if err != nil {
		t.Fatal(err)
	}
	k := fixedKey(t, "p256")
	v := mustVerifier(t, mustSet(t, k.Public()), Policy{Algorithms: []string{"ES256"}, Issuer: "i", Audiences: []string{"b"}, Require: []string{"role=admin"}, MaxAge: time.Minute}, WithClock(at(testNow)))
	if _, err := v.Verify(mustSign(t, k, claims)); err != nil {
		t.Fatal(err)
	}
}

func TestNewTokenID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		id := NewTokenID()
		raw, err := b64.DecodeString(id)
		if err != nil || len(raw) != 16 {
			t.Fatalf("NewTokenID() = %q: %d bytes, %v", id, len(raw), err)
		}
		if seen[id] {
			t.Fatalf("NewTokenID repeated %q", id)
		}
		seen[id] = true
	}
}

func TestIsSymmetricAndAlgorithms(t *testing.T) {
	t.Parallel()
	want := []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512"}
	if got := Algorithms(); !reflect.DeepEqual(got, want) {
		t.Errorf("Algorithms() = %q, want %q", got, want)
	}
	for _, alg := range want {
		if IsSymmetric(alg) != strings.HasPrefix(alg, "HS") {
			t.Errorf("IsSymmetric(%s) = %v", alg, IsSymmetric(alg))
		}
	}
	for _, alg := range []string{"none", "", "hs256"} {
		if IsSymmetric(alg) {
			t.Errorf("IsSymmetric(%q) = true", alg)
		}
	}
}
