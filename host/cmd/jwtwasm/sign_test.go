package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSignClaims pins the claims and header each sign flag writes. Tokens
// are signed at t0, so times are exact.
func TestSignClaims(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	claimsFile := writeFile(t, dir, "claims.json", []byte(`{"role":"viewer","n":1}`))
	tests := []struct {
		name   string
		args   []string
		stdin  string
		claims map[string]any // members that must be present with these values
		absent []string       // members that must be absent
		header map[string]any
	}{
		{"defaults", nil, "",
			map[string]any{"iat": int64(t0Unix), "exp": int64(t0Unix + 900)},
			[]string{"nbf", "iss", "sub", "aud"},
			map[string]any{"alg": "ES256", "typ": "JWT", "kid": k.kid}},
		{"registered claims", []string{"--iss", "https://issuer.example", "--sub", "alice", "--aud", "api"}, "",
			map[string]any{"iss": "https://issuer.example", "sub": "alice", "aud": "api"}, nil, nil},
		{"lifetime", []string{"--exp", "1h"}, "",
			map[string]any{"exp": int64(t0Unix + 3600)}, nil, nil},
		{"absolute exp, RFC 3339", []string{"--exp", "2030-01-02T00:00:00Z"}, "",
			map[string]any{"exp": int64(t0Unix + 86400)}, nil, nil},
		{"absolute exp, Unix seconds", []string{"--exp", "1893459600"}, "",
			map[string]any{"exp": int64(t0Unix + 3600)}, nil, nil},
		{"nbf offset", []string{"--nbf", "5m"}, "",
			map[string]any{"nbf": int64(t0Unix + 300)}, nil, nil},
		{"nbf in the past", []string{"--nbf", "-30s"}, "",
			map[string]any{"nbf": int64(t0Unix - 30)}, nil, nil},
		{"nbf absolute", []string{"--nbf", at(time.Hour)}, "",
			map[string]any{"nbf": int64(t0Unix + 3600)}, nil, nil},
		{"iat given", []string{"--iat", "-1m"}, "",
			map[string]any{"iat": int64(t0Unix - 60)}, nil, nil},
		{"no exp", []string{"--no-exp"}, "", nil, []string{"exp"}, nil},
		{"no iat", []string{"--no-iat"}, "", nil, []string{"iat"}, nil},
		{"no jti", []string{"--no-jti"}, "", nil, []string{"jti"}, nil},
		{"explicit jti", []string{"--jti", "order-42"}, "", map[string]any{"jti": "order-42"}, nil, nil},
		{"inline claims", []string{"--claims", `{"role":"admin","scope":"a b"}`}, "",
			map[string]any{"role": "admin", "scope": "a b"}, nil, nil},
		{"claims from a file", []string{"--claims", "@" + claimsFile}, "",
			map[string]any{"role": "viewer"}, nil, nil},
		{"claims from stdin", []string{"--claims", "-"}, `{"role":"stdin"}`,
			map[string]any{"role": "stdin"}, nil, nil},
		{"empty claims", []string{"--claims", "{}"}, "", nil, nil, nil},
		{"kid", []string{"--kid", "key-2026"}, "", nil, nil, map[string]any{"kid": "key-2026"}},
		{"typ", []string{"--typ", "at+jwt"}, "", nil, nil, map[string]any{"typ": "at+jwt"}},
		{"no typ", []string{"--typ", ""}, "", nil, nil, nil},
		{"alg given", []string{"--alg", "ES256"}, "", nil, nil, map[string]any{"alg": "ES256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"sign", "--key", k.signing, "--now", t0}, tt.args...)
			token := strings.TrimSpace(mustRun(t, tt.stdin, args...))
			h, c := tokenParts(t, token)
			for name, want := range tt.claims {
				var got any = c[name]
				if _, isNum := want.(int64); isNum {
					got = num(t, c, name)
				}
				if got != want {
					t.Errorf("claim %s = %v, want %v", name, got, want)
				}
			}
			for _, name := range tt.absent {
				if _, ok := c[name]; ok {
					t.Errorf("claim %s = %v, want it absent", name, c[name])
				}
			}
			for name, want := range tt.header {
				if h[name] != want {
					t.Errorf("header %s = %v, want %v", name, h[name], want)
				}
			}
			if tt.name == "no typ" {
				if _, ok := h["typ"]; ok {
					t.Errorf("header typ = %v, want it absent", h["typ"])
				}
			}
		})
	}
}

// TestSignJTI pins the default jti: 128 random bits, different every time.
func TestSignJTI(t *testing.T) {
	t.Parallel()
	k := newSigningSet(t, t.TempDir())
	_, c1 := tokenParts(t, sign(t, k, "--now", t0))
	_, c2 := tokenParts(t, sign(t, k, "--now", t0))
	j1, _ := c1["jti"].(string)
	j2, _ := c2["jti"].(string)
	if len(j1) != 22 || len(j2) != 22 { // 16 bytes in unpadded base64url
		t.Errorf("jti %q and %q: want 22 base64url characters", j1, j2)
	}
	if j1 == j2 {
		t.Errorf("two tokens signed alike share jti %q", j1)
	}
}

// TestSignErrors pins that every failure to sign is an input error (exit
// 2): there is no token to reject. That includes a secret too short for
// its algorithm (weak_key) and an algorithm that does not fit the key
// (key_mismatch), whose codes exit 1 when verify finds them in a token.
func TestSignErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	short := writeFile(t, dir, "short.bin", []byte(strings.Repeat("s", 31)))
	ok := writeFile(t, dir, "ok.bin", []byte(strings.Repeat("s", 32)))
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  string
		want  string // in the message
	}{
		{"iss twice", []string{"--iss", "a", "--claims", `{"iss":"b"}`}, "", "invalid_argument", `claim "iss" is given both`},
		{"sub twice", []string{"--sub", "a", "--claims", `{"sub":"b"}`}, "", "invalid_argument", `"sub"`},
		{"aud twice", []string{"--aud", "a", "--claims", `{"aud":"b"}`}, "", "invalid_argument", `"aud"`},
		{"exp twice", []string{"--claims", `{"exp":1}`}, "", "invalid_argument", `"exp"`},
		{"jti twice", []string{"--jti", "x", "--claims", `{"jti":"y"}`}, "", "invalid_argument", `"jti"`},
		{"claims not an object", []string{"--claims", `["role"]`}, "", "invalid_argument", "custom claims"},
		{"claims not JSON", []string{"--claims", `role=admin`}, "", "invalid_argument", "custom claims"},
		{"claims file missing", []string{"--claims", "@" + filepath.Join(dir, "nope.json")}, "", "invalid_argument", "no such file"},
		{"claims stdin not JSON", []string{"--claims", "-"}, "{", "invalid_argument", "custom claims"},
		{"claims stdin empty", []string{"--claims", "-"}, "", "invalid_argument", "standard input is empty"},
		{"claims stdin blank", []string{"--claims", "-"}, " \n", "invalid_argument", "standard input is empty"},
		{"claims file empty", []string{"--claims", "@" + writeFile(t, dir, "empty.json", nil)}, "", "invalid_argument", "is empty"},
		{"claims file a directory", []string{"--claims", "@" + dir}, "", "invalid_argument", "reading"},
		{"alg does not fit the key", []string{"--alg", "RS256"}, "", "key_mismatch", "RS256"},
		{"alg of another curve", []string{"--alg", "ES384"}, "", "key_mismatch", "ES384"},
		{"unknown alg", []string{"--alg", "XS256"}, "", "alg_not_allowed", `"XS256"`},
		{"alg none", []string{"--alg", "none"}, "", "alg_not_allowed", `"none"`},
		{"no key", []string{"--key", ""}, "", "invalid_argument", "no key given"},
		{"public key set", []string{"--key", k.public}, "", "invalid_key", "no private key to sign with: sign with a private key or key set, not a published (public) one"},
		{"weak secret", []string{"--key", "", "--secret-file", short, "--alg", "HS256"}, "", "weak_key", "31 bytes"},
		{"secret too short for HS512", []string{"--key", "", "--secret-file", ok, "--alg", "HS512"}, "", "weak_key", "32 bytes"},
		{"secret with an asymmetric alg", []string{"--key", "", "--secret-file", ok, "--alg", "ES256"}, "", "key_mismatch", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"sign", "--key", k.signing, "--now", t0}, tt.args...)
			r := jw(t, tt.stdin, args...)
			msg := wantExit(t, r, exitUsage, tt.code)
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("a token was printed: %q", r.stdout)
			}
		})
	}
	// A 32-byte secret is enough for HS256.
	mustRun(t, "", "sign", "--secret-file", ok, "--alg", "HS256")
}

// TestSignVerifyRoundTrip signs with keys of every type and PEM format
// and verifies with the published set, the algorithm being the key's
// default or the one asked for.
func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	rsa := sharedRSA(t)
	tests := []struct {
		name   string
		keygen []string
		sign   []string
		alg    string
	}{
		{"rsa default", nil, nil, "RS256"},
		{"rsa PS256", nil, []string{"--alg", "PS256"}, "PS256"},
		{"rsa RS512", nil, []string{"--alg", "RS512"}, "RS512"},
		{"P-256", []string{"--type", "ec"}, nil, "ES256"},
		{"P-384", []string{"--curve", "P-384"}, nil, "ES384"},
		{"P-521", []string{"--alg", "ES512"}, nil, "ES512"},
		{"Ed25519", []string{"--type", "ed25519"}, nil, "EdDSA"},
		{"sec1 PEM", []string{"--pem-format", "sec1"}, nil, "ES256"},
		{"pkcs8 PEM", []string{"--format", "pem"}, nil, "ES256"},
		{"JWK", []string{"--format", "jwk"}, nil, "ES256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var key, pub string
			if tt.keygen == nil {
				key, pub = rsa.signing, rsa.public
			} else {
				dir := t.TempDir()
				key, pub = filepath.Join(dir, "key"), filepath.Join(dir, "pub")
				format := []string{"--format", "jwks"}
				for _, a := range tt.keygen {
					if a == "--format" || a == "--pem-format" {
						format = nil
					}
				}
				args := append(append([]string{"keygen", "-o", key, "--pub", pub}, format...), tt.keygen...)
				mustRun(t, "", args...)
			}
			token := strings.TrimSpace(mustRun(t, "", append([]string{"sign", "--key", key, "--now", t0}, tt.sign...)...))
			if h, _ := tokenParts(t, token); h["alg"] != tt.alg {
				t.Errorf("alg %v, want %s", h["alg"], tt.alg)
			}
			r := jw(t, "", "verify", "--key", pub, "--alg", tt.alg, "--now", at(time.Minute), token)
			wantExit(t, r, exitOK, "")
			// The private key verifies too: its public part is used.
			r = jw(t, "", "verify", "--key", key, "--alg", tt.alg, "--now", at(time.Minute), token)
			wantExit(t, r, exitOK, "")
		})
	}
}
