package main

import (
	"encoding/base64"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// at returns t0 plus d in RFC 3339.
func at(d time.Duration) string {
	return time.Unix(t0Unix, 0).UTC().Add(d).Format(time.RFC3339)
}

// unixAt returns t0 plus d in Unix seconds.
func unixAt(d time.Duration) string {
	return strconv.FormatInt(t0Unix+int64(d/time.Second), 10)
}

const testClaims = `{"role":"admin","scope":"read:orders write:orders","groups":["ops","dev"],"level":3,"active":true,"org":{"unit":"sales"}}`

// verifyFixture is a signing set, a token signed at t0 for an hour, and
// the verify arguments its policy needs.
type verifyFixture struct {
	dir   string
	keys  keyFiles
	token string
}

func newVerifyFixture(t *testing.T) verifyFixture {
	t.Helper()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	token := sign(t, k, "--now", t0, "--exp", "1h", "--iss", "https://issuer.example", "--aud", "api",
		"--sub", "alice", "--claims", testClaims)
	return verifyFixture{dir: dir, keys: k, token: token}
}

// verify returns the arguments of a verify that the fixture's token passes
// at t0+10m, followed by extra.
func (f verifyFixture) verify(extra ...string) []string {
	args := []string{"verify", "--jwks", f.keys.public, "--alg", "ES256", "--iss", "https://issuer.example",
		"--aud", "api", "--now", at(10 * time.Minute)}
	return append(args, extra...)
}

// craft returns an unsigned-looking token with the given header and
// payload JSON and signature bytes.
func craft(header, payload, sig string) string {
	b := base64.RawURLEncoding
	return b.EncodeToString([]byte(header)) + "." + b.EncodeToString([]byte(payload)) + "." + b.EncodeToString([]byte(sig))
}

func TestVerifyValid(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	r := jw(t, "", append(f.verify(), f.token)...)
	wantExit(t, r, exitOK, "")
	if r.stderr != "" {
		t.Errorf("stderr on success: %q", r.stderr)
	}
	claims := jsonObject(t, r.stdout)
	if claims["sub"] != "alice" || claims["role"] != "admin" {
		t.Errorf("claims printed: %v", claims)
	}
	if got := num(t, claims, "exp") - num(t, claims, "iat"); got != 3600 {
		t.Errorf("exp - iat = %d, want 3600", got)
	}
}

// TestVerifyRejections pins one row per failure class: exit 1 and the
// class's code on stderr.
func TestVerifyRejections(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	other := newSigningSet(t, t.TempDir())
	// A set holding the EC key and an Ed25519 key, for algorithm and key
	// confusion.
	ed := newSigningSet(t, t.TempDir(), "--type", "ed25519")
	both := filepath.Join(f.dir, "both.jwks")
	mustRun(t, "", "jwks", "merge", f.keys.public, ed.public, "-o", both)

	signed := func(args ...string) string {
		base := []string{"--now", t0, "--exp", "1h", "--iss", "https://issuer.example", "--aud", "api"}
		if slices.Contains(args, "--no-exp") {
			base = slices.Delete(base, 2, 4) // --exp and --no-exp are refused together
		}
		return sign(t, f.keys, append(base, args...)...)
	}
	parts := strings.Split(f.token, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://issuer.example","aud":"api","exp":1893459600,"role":"superuser"}`)) + "." + parts[2]
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"ES256","kid":"` + f.keys.kid + `"}`))

	// --alg and --aud add to a list, so rows that need other values spell
	// out the whole command.
	noAlg := []string{"verify", "--jwks", both, "--iss", "https://issuer.example", "--now", at(10 * time.Minute)}
	tests := []struct {
		name  string
		token string
		args  []string // besides f.verify(), or the whole command if it starts with "verify"
		code  string
	}{
		{"signed by another key under our kid", sign(t, other, "--now", t0, "--kid", f.keys.kid, "--iss", "https://issuer.example", "--aud", "api"), nil, "bad_signature"},
		{"payload changed", tampered, nil, "bad_signature"},
		{"signature cut", parts[0] + "." + parts[1] + "." + parts[2][:20], nil, "bad_signature"},
		{"expired", f.token, []string{"--now", at(2 * time.Hour)}, "expired"},
		{"expired at exp exactly", f.token, []string{"--now", at(time.Hour)}, "expired"},
		{"older than max-age", f.token, []string{"--max-age", "5m"}, "expired"},
		{"not yet valid", signed("--nbf", "30m"), nil, "not_yet_valid"},
		{"issued in the future", f.token, []string{"--now", at(-10 * time.Minute)}, "issued_in_future"},
		{"other issuer", f.token, []string{"--iss", "https://evil.example"}, "bad_issuer"},
		{"no issuer", signed("--iss", ""), nil, "bad_issuer"},
		{"other audience", f.token, append(append([]string{}, noAlg...), "--alg", "ES256", "--aud", "billing"), "bad_audience"},
		{"other subject", f.token, []string{"--sub", "bob"}, "bad_subject"},
		{"alg none", craft(`{"alg":"none"}`, `{"exp":1893459600}`, ""), nil, "alg_not_allowed"},
		{"alg HS256 against public keys", craft(`{"alg":"HS256","kid":"`+f.keys.kid+`"}`, `{"exp":1893459600}`, "0123456789abcdef0123456789abcdef"), nil, "alg_not_allowed"},
		{"alg outside the list", f.token, append(append([]string{}, noAlg...), "--alg", "EdDSA"), "alg_not_allowed"},
		{"unknown kid", signed("--kid", "no-such-key"), nil, "unknown_kid"},
		{"kid names a key of another type", signed("--kid", ed.kid), []string{"--jwks", both}, "key_mismatch"},
		{"not base64", "not.a.token", nil, "malformed"},
		{"header not JSON", base64.RawURLEncoding.EncodeToString([]byte("alg")) + "." + parts[1] + "." + parts[2], nil, "malformed"},
		{"payload not JSON", header + "." + base64.RawURLEncoding.EncodeToString([]byte("hello")) + "." + parts[2], nil, "bad_signature"},
		{"four parts", f.token + ".x", nil, "malformed"},
		{"empty", "..", nil, "malformed"},
		{"over max-size", f.token, []string{"--max-size", "100"}, "too_large"},
		{"over the default size", strings.Repeat("a", 20000) + ".b.c", nil, "too_large"},
		{"access rule fails", f.token, []string{"--require", "role=superuser"}, "forbidden"},
		{"required claim absent", f.token, []string{"--required", "tenant"}, "missing_claim"},
		{"no exp", signed("--no-exp"), nil, "missing_claim"},
		{"max-age without iat", signed("--no-iat"), []string{"--max-age", "1h"}, "missing_claim"},
		{"unknown crit", craft(`{"alg":"ES256","crit":["exp-ext"],"exp-ext":1}`, `{}`, "x"), nil, "unsupported_crit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := f.verify(tt.args...)
			if len(tt.args) > 0 && tt.args[0] == "verify" {
				args = append([]string{}, tt.args...)
			}
			r := jw(t, "", append(args, tt.token)...)
			wantExit(t, r, exitRejected, tt.code)
			if r.stdout != "" {
				t.Errorf("stdout on rejection: %q", r.stdout)
			}
		})
	}
}

// TestVerifyClock pins --now in both forms, --leeway and --max-age.
func TestVerifyClock(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	nbfToken := sign(t, f.keys, "--now", t0, "--exp", "1h", "--nbf", "30m", "--iss", "https://issuer.example", "--aud", "api")
	tests := []struct {
		name  string
		token string
		args  []string
		code  string // "" for valid
	}{
		{"rfc3339 inside", f.token, []string{"--now", at(59 * time.Minute)}, ""},
		{"unix inside", f.token, []string{"--now", unixAt(59 * time.Minute)}, ""},
		{"rfc3339 with offset inside", f.token, []string{"--now", "2030-01-01T01:30:00+01:00"}, ""},
		{"rfc3339 after", f.token, []string{"--now", at(61 * time.Minute)}, "expired"},
		{"unix after", f.token, []string{"--now", unixAt(61 * time.Minute)}, "expired"},
		{"unix long before", f.token, []string{"--now", unixAt(-24 * time.Hour)}, "issued_in_future"},
		{"just expired", f.token, []string{"--now", at(time.Hour + 30*time.Second)}, "expired"},
		{"just expired with leeway", f.token, []string{"--now", at(time.Hour + 30*time.Second), "--leeway", "1m"}, ""},
		{"past the leeway", f.token, []string{"--now", at(time.Hour + 2*time.Minute), "--leeway", "1m"}, "expired"},
		{"before nbf", nbfToken, []string{"--now", at(29 * time.Minute)}, "not_yet_valid"},
		{"before nbf with leeway", nbfToken, []string{"--now", at(29 * time.Minute), "--leeway", "2m"}, ""},
		{"at nbf", nbfToken, []string{"--now", at(30 * time.Minute)}, ""},
		{"iat slightly ahead with leeway", f.token, []string{"--now", at(-30 * time.Second), "--leeway", "1m"}, ""},
		{"within max-age", f.token, []string{"--max-age", "15m"}, ""},
		{"past max-age", f.token, []string{"--max-age", "9m"}, "expired"},
		{"past max-age within leeway", f.token, []string{"--max-age", "9m", "--leeway", "2m"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := jw(t, "", append(f.verify(tt.args...), tt.token)...)
			if tt.code == "" {
				wantExit(t, r, exitOK, "")
			} else {
				wantExit(t, r, exitRejected, tt.code)
			}
		})
	}
}

func TestVerifyRequire(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	tests := []struct {
		rules []string
		ok    bool
	}{
		{[]string{"role=admin"}, true},
		{[]string{"role=user"}, false},
		{[]string{"role!=guest"}, true},
		{[]string{"role!=admin"}, false},
		{[]string{"scope~read:orders"}, true},
		{[]string{"scope~write:orders"}, true},
		{[]string{"scope~delete:orders"}, false},
		{[]string{"scope~read"}, false}, // whole words of the scope string only
		{[]string{"groups~ops"}, true},
		{[]string{"groups~qa"}, false},
		{[]string{"groups=ops"}, false}, // = does not look into arrays
		{[]string{"level=3"}, true},
		{[]string{"active=true"}, true},
		{[]string{"active"}, true},
		{[]string{"tenant"}, false},
		{[]string{"tenant=x"}, false},
		{[]string{"tenant!=x"}, true},
		{[]string{"org.unit=sales"}, true},
		{[]string{"org.unit=hr"}, false},
		{[]string{"role=admin", "scope~write:orders", "groups~ops"}, true},
		{[]string{"role=admin", "groups~qa"}, false}, // every rule must hold
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.rules, " "), func(t *testing.T) {
			t.Parallel()
			var args []string
			for _, r := range tt.rules {
				args = append(args, "--require", r)
			}
			r := jw(t, "", append(f.verify(args...), f.token)...)
			if tt.ok {
				wantExit(t, r, exitOK, "")
				return
			}
			msg := wantExit(t, r, exitRejected, "forbidden")
			if !strings.Contains(msg, "rule ") {
				t.Errorf("message %q does not name the rule", msg)
			}
		})
	}
}

func TestVerifyAudience(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	multi := sign(t, f.keys, "--now", t0, "--iss", "https://issuer.example", "--aud", "api,web", "--aud", "mobile")
	if _, c := tokenParts(t, multi); len(c["aud"].([]any)) != 3 {
		t.Fatalf("--aud api,web --aud mobile signed aud %v", c["aud"])
	}
	if _, c := tokenParts(t, f.token); c["aud"] != "api" {
		t.Fatalf("one --aud signed aud %v, want a string", c["aud"])
	}
	base := []string{"verify", "--jwks", f.keys.public, "--alg", "ES256", "--now", at(time.Minute)}
	tests := []struct {
		name  string
		token string
		aud   []string
		ok    bool
	}{
		{"string, match", f.token, []string{"--aud", "api"}, true},
		{"string, repeated flag", f.token, []string{"--aud", "billing", "--aud", "api"}, true},
		{"string, comma list", f.token, []string{"--aud", "billing,api"}, true},
		{"string, comma list with spaces", f.token, []string{"--aud", "billing, api"}, true},
		{"string, no match", f.token, []string{"--aud", "billing,web"}, false},
		{"array, match", multi, []string{"--aud", "web"}, true},
		{"array, match in list", multi, []string{"--aud", "billing,mobile"}, true},
		{"array, no match", multi, []string{"--aud", "billing", "--aud", "admin"}, false},
		{"no policy audience refuses a token with one (RFC 7519 §4.1.3)", multi, nil, false},
		{"--ignore-aud accepts any", multi, []string{"--ignore-aud"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append(append(append([]string{}, base...), tt.aud...), tt.token)
			r := jw(t, "", args...)
			if tt.ok {
				wantExit(t, r, exitOK, "")
			} else {
				wantExit(t, r, exitRejected, "bad_audience")
			}
		})
	}
}

// TestVerifyAudienceNotNamed pins the refusal of a token that names an
// audience when the command names none, its hint, and the flags that
// settle it.
func TestVerifyAudienceNotNamed(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	base := []string{"verify", "--jwks", f.keys.public, "--alg", "ES256", "--now", at(time.Minute)}
	r := jw(t, "", append(base, f.token)...)
	if msg := wantExit(t, r, exitRejected, "bad_audience"); !strings.Contains(msg, `names no audience`) {
		t.Errorf("message %q does not say the verifier names no audience", msg)
	}
	if h := hints(r.stderr); !slices.Contains(h, "name the audience this verifier serves with --aud AUD, or accept any with --ignore-aud") {
		t.Errorf("hints %q do not name --aud and --ignore-aud", h)
	}
	// A mismatch with a named audience gets no such hint.
	r = jw(t, "", append(base, "--aud", "billing", f.token)...)
	wantExit(t, r, exitRejected, "bad_audience")
	if h := hints(r.stderr); len(h) > 0 {
		t.Errorf("hints %q although --aud was given", h)
	}
	wantExit(t, jw(t, "", append(base, "--ignore-aud", f.token)...), exitOK, "")
	wantExit(t, jw(t, "", append(base, "--aud", "api", f.token)...), exitOK, "")
	r = jw(t, "", append(base, "--aud", "api", "--ignore-aud", f.token)...)
	wantExit(t, r, exitUsage, "invalid_argument")
}

// TestVerifyTokenSources pins where the token may come from: the argument,
// a file, or - for stdin.
func TestVerifyTokenSources(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	file := writeFile(t, f.dir, "token.jwt", []byte(f.token+"\n"))
	crlf := writeFile(t, f.dir, "crlf.jwt", []byte("  "+f.token+"\r\n"))
	expired := sign(t, f.keys, "--now", at(-2*time.Hour), "--exp", "1h", "--iss", "https://issuer.example", "--aud", "api")
	expiredFile := writeFile(t, f.dir, "expired.jwt", []byte(expired))
	tests := []struct {
		name   string
		arg    string
		stdin  string
		status int
	}{
		{"argument", f.token, "", exitOK},
		{"file", file, "", exitOK},
		{"file with spaces and CRLF", crlf, "", exitOK},
		{"stdin", "-", f.token, exitOK},
		{"stdin with newline", "-", f.token + "\n", exitOK},
		{"expired from a file", expiredFile, "", exitRejected},
		{"expired from stdin", "-", expired, exitRejected},
		{"empty stdin", "-", "", exitUsage}, // no token at all: an input error
		{"missing file", filepath.Join(f.dir, "nope.jwt"), "", exitUsage},
		{"directory", f.dir, "", exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := jw(t, tt.stdin, append(f.verify(), tt.arg)...)
			wantExit(t, r, tt.status, "")
		})
	}
	// Flags may come after the token too.
	r := jw(t, "", "verify", f.token, "--jwks", f.keys.public, "--alg", "ES256", "--now", at(time.Minute), "--aud", "api")
	wantExit(t, r, exitOK, "")
	// After "--" a token that starts with a dash is still the token.
	r = jw(t, "", append(f.verify(), "--", "-"+f.token)...)
	wantExit(t, r, exitRejected, "malformed")
}

// TestVerifyJSON pins the --json document for success, rejection and
// usage errors: one JSON object on stdout, nothing on stderr.
func TestVerifyJSON(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	tests := []struct {
		name       string
		args       []string
		status     int
		code       string // "" when valid
		wantClaims bool
	}{
		{"valid", f.verify("--json", f.token), exitOK, "", true},
		{"valid, flag last", append(f.verify(f.token), "--json"), exitOK, "", true},
		{"expired", f.verify("--json", "--now", at(2*time.Hour), f.token), exitRejected, "expired", false},
		{"bad signature", f.verify("--json", f.token[:len(f.token)-4]+"AAAA"), exitRejected, "bad_signature", false},
		{"malformed", f.verify("--json", "a.b.c"), exitRejected, "malformed", false},
		{"forbidden keeps the claims", f.verify("--json", "--require", "role=root", f.token), exitRejected, "forbidden", true},
		{"no alg", []string{"verify", "--json", "--jwks", f.keys.public, f.token}, exitUsage, "invalid_argument", false},
		{"bad flag after --json", []string{"verify", "--json", "--bogus", f.token}, exitUsage, "invalid_argument", false},
		{"missing key file", []string{"verify", "--json", "--alg", "ES256", "--jwks", filepath.Join(f.dir, "nope"), f.token}, exitUsage, "invalid_argument", false},
		{"key file not a key", []string{"verify", "--json", "--alg", "ES256", "--key", writeFile(t, f.dir, "junk", []byte("junk")), f.token}, exitUsage, "invalid_key", false},
		{"keys do not fit the algorithm", []string{"verify", "--json", "--alg", "RS256", "--jwks", f.keys.public, f.token}, exitUsage, "key_mismatch", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := jw(t, "", tt.args...)
			if r.code != tt.status || r.stderr != "" {
				t.Fatalf("want exit %d and nothing on stderr: %v", tt.status, r)
			}
			doc := jsonObject(t, r.stdout)
			if valid, ok := doc["valid"].(bool); !ok || valid != (tt.code == "") {
				t.Errorf("valid = %v, want %v", doc["valid"], tt.code == "")
			}
			claims, hasClaims := doc["claims"].(map[string]any)
			if hasClaims != tt.wantClaims {
				t.Errorf("claims = %v, want them: %v", doc["claims"], tt.wantClaims)
			}
			if hasClaims && claims["sub"] != "alice" {
				t.Errorf("claims = %v", claims)
			}
			if tt.code == "" {
				if _, ok := doc["error"]; ok {
					t.Errorf("error on success: %v", doc["error"])
				}
				if doc["kid"] != f.keys.kid {
					t.Errorf("kid = %v, want %s", doc["kid"], f.keys.kid)
				}
				return
			}
			e, ok := doc["error"].(map[string]any)
			if !ok {
				t.Fatalf("no error object: %v", doc)
			}
			if e["code"] != tt.code {
				t.Errorf("error code %v, want %s", e["code"], tt.code)
			}
			if m, _ := e["message"].(string); m == "" || strings.HasPrefix(m, tt.code) {
				t.Errorf("error message %q: want the message without its code", m)
			}
		})
	}
}

// TestVerifyHMAC verifies with a shared secret file, and signing with one.
func TestVerifyHMAC(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secret := writeFile(t, dir, "secret.bin", []byte("0123456789abcdef0123456789abcdef"))
	token := strings.TrimSpace(mustRun(t, "", "sign", "--secret-file", secret, "--alg", "HS256", "--now", t0, "--sub", "svc"))
	if h, _ := tokenParts(t, token); h["alg"] != "HS256" || h["kid"] != nil {
		t.Fatalf("header %v: want HS256 and no kid (a secret's thumbprint is a hash of it)", h)
	}
	r := jw(t, "", "verify", "--secret-file", secret, "--alg", "HS256", "--now", at(time.Minute), token)
	wantExit(t, r, exitOK, "")
	other := writeFile(t, dir, "other.bin", []byte("fedcba9876543210fedcba9876543210"))
	r = jw(t, "", "verify", "--secret-file", other, "--alg", "HS256", "--now", at(time.Minute), token)
	wantExit(t, r, exitRejected, "bad_signature")
	r = jw(t, "", "verify", "--secret-file", secret, "--alg", "HS256", "--now", at(time.Minute), token[:len(token)-4]+"AAAA")
	wantExit(t, r, exitRejected, "bad_signature")
	// A secret is never taken for a public key, nor a public key for one.
	r = jw(t, "", "verify", "--secret-file", secret, "--alg", "ES256", "--now", at(time.Minute), token)
	wantExit(t, r, exitUsage, "key_mismatch")
	empty := writeFile(t, dir, "empty.bin", nil)
	r = jw(t, "", "verify", "--secret-file", empty, "--alg", "HS256", token)
	wantExit(t, r, exitUsage, "invalid_key")
}

// TestVerifyKID pins how keys are chosen by kid: a lone PEM key verifies a
// token whatever its kid, a JWKS key that has a kid must be named by it,
// and --kid pins one key of a set (verify and jws verify).
func TestVerifyKID(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	// A second key in the published set, so that pinning has a choice.
	other := newSigningSet(t, t.TempDir())
	both := filepath.Join(f.dir, "both.jwks")
	mustRun(t, "", "jwks", "merge", f.keys.public, other.public, "-o", both)
	pemKey := filepath.Join(f.dir, "signing.pem")
	mustRun(t, "", "keygen", "-o", pemKey, "--pub", filepath.Join(f.dir, "public.pem"))
	pemSet := keyFiles{signing: pemKey}
	claims := []string{"--now", t0, "--exp", "1h", "--aud", "api"}
	base := []string{"--alg", "ES256", "--aud", "api", "--now", at(time.Minute)}
	tests := []struct {
		name   string
		args   []string
		token  string
		status int
		code   string
	}{
		{"PEM key, token kid of another name", append([]string{"verify", "--key", filepath.Join(f.dir, "public.pem")}, base...),
			sign(t, pemSet, append(claims, "--kid", "issuer-key-7")...), exitOK, ""},
		{"PEM key, token without kid", append([]string{"verify", "--key", filepath.Join(f.dir, "public.pem")}, base...),
			sign(t, pemSet, append(claims, "--kid", "")...), exitOK, ""},
		{"JWKS key with a kid, token kid of another name", append([]string{"verify", "--jwks", f.keys.public}, base...),
			sign(t, f.keys, append(claims, "--kid", "issuer-key-7")...), exitRejected, "unknown_kid"},
		{"--kid pins the signing key", append([]string{"verify", "--jwks", both, "--kid", f.keys.kid}, base...),
			sign(t, f.keys, claims...), exitOK, ""},
		{"--kid pins the other key", append([]string{"verify", "--jwks", both, "--kid", other.kid}, base...),
			sign(t, f.keys, claims...), exitRejected, "unknown_kid"},
		{"--kid names no key of the set", append([]string{"verify", "--jwks", both, "--kid", "nope"}, base...),
			sign(t, f.keys, claims...), exitUsage, "invalid_argument"},
		{"jws verify --kid pins the signing key", []string{"jws", "verify", "--jwks", both, "--alg", "ES256", "--kid", f.keys.kid},
			sign(t, f.keys, claims...), exitOK, ""},
		{"jws verify --kid pins the other key", []string{"jws", "verify", "--jwks", both, "--alg", "ES256", "--kid", other.kid},
			sign(t, f.keys, claims...), exitRejected, "unknown_kid"},
		{"jws verify --kid names no key of the set", []string{"jws", "verify", "--jwks", both, "--alg", "ES256", "--kid", "nope"},
			sign(t, f.keys, claims...), exitUsage, "invalid_argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantExit(t, jw(t, "", append(tt.args, tt.token)...), tt.status, tt.code)
		})
	}
}
