package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sec returns testNow plus d as a JSON NumericDate.
func sec(d time.Duration) string {
	return fmt.Sprint(testNow.Add(d).Unix())
}

// claimRow is one case of a claim rule: a claims set (JSON), the policy
// fields that matter, and the expected code (0 for success).
type claimRow struct {
	name   string
	claims string
	policy Policy
	now    time.Time // testNow if zero
	want   Code
}

// runClaimRows signs each row's claims with HS256 and verifies them under
// the row's policy at the row's time.
func runClaimRows(t *testing.T, rows []claimRow) {
	t.Helper()
	t.Parallel()
	key := fixedKey(t, "oct")
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.policy
			p.Algorithms = []string{"HS256"}
			now := tt.now
			if now.IsZero() {
				now = testNow
			}
			v := mustVerifier(t, mustSet(t, key), p, WithClock(at(now)))
			tok := rawToken(t, key, "HS256", `{"alg":"HS256","kid":"hmac-1"}`, tt.claims)
			got, err := v.Verify(tok)
			checkErr(t, err, tt.want)
			if err == nil && (got == nil || got.Claims == nil) {
				t.Fatal("success without claims")
			}
			if err != nil && got != nil {
				t.Fatalf("error %v returned a token", err)
			}
		})
	}
}

func TestClaimExpiresAt(t *testing.T) {
	leeway := Policy{Leeway: time.Minute}
	runClaimRows(t, []claimRow{
		{name: "valid", claims: `{"exp":` + sec(time.Hour) + `}`},
		{name: "one second left", claims: `{"exp":` + sec(time.Second) + `}`},
		{name: "expired", claims: `{"exp":` + sec(-time.Second) + `}`, want: CodeExpired},
		{name: "expired long ago", claims: `{"exp":` + sec(-72*time.Hour) + `}`, want: CodeExpired},
		{name: "exactly at exp is expired", claims: `{"exp":` + sec(0) + `}`, want: CodeExpired},
		{name: "within leeway", claims: `{"exp":` + sec(-30*time.Second) + `}`, policy: leeway},
		{name: "just inside leeway", claims: `{"exp":` + sec(-59*time.Second) + `}`, policy: leeway},
		{name: "exactly at exp plus leeway", claims: `{"exp":` + sec(-time.Minute) + `}`, policy: leeway, want: CodeExpired},
		{name: "past leeway", claims: `{"exp":` + sec(-2*time.Minute) + `}`, policy: leeway, want: CodeExpired},
		{name: "missing", claims: `{"sub":"alice"}`, want: CodeMissingClaim},
		{name: "missing, empty claims", claims: `{}`, want: CodeMissingClaim},
		{name: "missing but allowed", claims: `{"sub":"alice"}`, policy: Policy{AllowNoExpiry: true}},
		{name: "allowed missing does not excuse expired", claims: `{"exp":` + sec(-time.Second) + `}`, policy: Policy{AllowNoExpiry: true}, want: CodeExpired},
		{name: "fractional in the future", claims: `{"exp":` + sec(0) + `.5}`},
		{name: "fractional in the past", claims: `{"exp":` + sec(-time.Second) + `.999}`, want: CodeExpired},
		{name: "exponent notation", claims: `{"exp":1.8e9}`},
		{name: "negative", claims: `{"exp":-1}`, want: CodeExpired},
	})
}

func TestClaimNotBefore(t *testing.T) {
	leeway := Policy{Leeway: time.Minute}
	exp := `"exp":` + sec(time.Hour)
	runClaimRows(t, []claimRow{
		{name: "in the past", claims: `{` + exp + `,"nbf":` + sec(-time.Hour) + `}`},
		{name: "exactly now", claims: `{` + exp + `,"nbf":` + sec(0) + `}`},
		{name: "one second ahead", claims: `{` + exp + `,"nbf":` + sec(time.Second) + `}`, want: CodeNotYetValid},
		{name: "ahead within leeway", claims: `{` + exp + `,"nbf":` + sec(30*time.Second) + `}`, policy: leeway},
		{name: "ahead exactly by leeway", claims: `{` + exp + `,"nbf":` + sec(time.Minute) + `}`, policy: leeway},
		{name: "ahead past leeway", claims: `{` + exp + `,"nbf":` + sec(61*time.Second) + `}`, policy: leeway, want: CodeNotYetValid},
		{name: "fractional just ahead", claims: `{` + exp + `,"nbf":` + sec(0) + `.25}`, want: CodeNotYetValid},
	})
}

func TestClaimNeverValid(t *testing.T) {
	leeway := Policy{Leeway: time.Hour}
	runClaimRows(t, []claimRow{
		{name: "nbf before exp", claims: `{"nbf":` + sec(-time.Hour) + `,"exp":` + sec(time.Hour) + `}`},
		{name: "nbf one second before exp", claims: `{"nbf":` + sec(0) + `,"exp":` + sec(time.Second) + `}`},
		{name: "nbf after exp, judged between", claims: `{"nbf":` + sec(time.Hour) + `,"exp":` + sec(-time.Hour) + `}`, want: CodeNeverValid},
		{name: "nbf after exp, judged before both", claims: `{"nbf":` + sec(2*time.Hour) + `,"exp":` + sec(time.Hour) + `}`, want: CodeNeverValid},
		{name: "nbf after exp, judged after both", claims: `{"nbf":` + sec(-time.Hour) + `,"exp":` + sec(-2*time.Hour) + `}`, want: CodeNeverValid},
		{name: "nbf equal to exp", claims: `{"nbf":` + sec(time.Hour) + `,"exp":` + sec(time.Hour) + `}`, want: CodeNeverValid},
		{name: "nbf after exp, leeway covers both", claims: `{"nbf":` + sec(time.Minute) + `,"exp":` + sec(-time.Minute) + `}`, policy: leeway, want: CodeNeverValid},
		{name: "fractional nbf just after exp", claims: `{"nbf":` + sec(time.Hour) + `.5,"exp":` + sec(time.Hour) + `}`, want: CodeNeverValid},
		{name: "nbf without exp", claims: `{"nbf":` + sec(-time.Hour) + `}`, policy: Policy{AllowNoExpiry: true}},
	})
}

func TestClaimIssuedAt(t *testing.T) {
	leeway := Policy{Leeway: time.Minute}
	exp := `"exp":` + sec(time.Hour)
	runClaimRows(t, []claimRow{
		{name: "in the past", claims: `{` + exp + `,"iat":` + sec(-time.Hour) + `}`},
		{name: "exactly now", claims: `{` + exp + `,"iat":` + sec(0) + `}`},
		{name: "in the future", claims: `{` + exp + `,"iat":` + sec(time.Second) + `}`, want: CodeIssuedInFuture},
		{name: "future within leeway", claims: `{` + exp + `,"iat":` + sec(45*time.Second) + `}`, policy: leeway},
		{name: "future past leeway", claims: `{` + exp + `,"iat":` + sec(2*time.Minute) + `}`, policy: leeway, want: CodeIssuedInFuture},
		{name: "absent is fine without MaxAge", claims: `{` + exp + `}`},
	})
}

func TestClaimMaxAge(t *testing.T) {
	hour := Policy{MaxAge: time.Hour}
	hourLeeway := Policy{MaxAge: time.Hour, Leeway: time.Minute}
	exp := `"exp":` + sec(time.Hour)
	runClaimRows(t, []claimRow{
		{name: "young", claims: `{` + exp + `,"iat":` + sec(-59*time.Minute) + `}`, policy: hour},
		{name: "exactly max age", claims: `{` + exp + `,"iat":` + sec(-time.Hour) + `}`, policy: hour},
		{name: "too old", claims: `{` + exp + `,"iat":` + sec(-2*time.Hour) + `}`, policy: hour, want: CodeExpired},
		{name: "one second too old", claims: `{` + exp + `,"iat":` + sec(-time.Hour-time.Second) + `}`, policy: hour, want: CodeExpired},
		{name: "old but within leeway", claims: `{` + exp + `,"iat":` + sec(-time.Hour-30*time.Second) + `}`, policy: hourLeeway},
		{name: "old past leeway", claims: `{` + exp + `,"iat":` + sec(-time.Hour-2*time.Minute) + `}`, policy: hourLeeway, want: CodeExpired},
		{name: "missing iat", claims: `{` + exp + `}`, policy: hour, want: CodeMissingClaim},
		{name: "no max age, old iat", claims: `{` + exp + `,"iat":` + sec(-1000*time.Hour) + `}`},
	})
}

func TestClaimIssuer(t *testing.T) {
	iss := Policy{Issuer: "https://issuer.example"}
	exp := `"exp":` + sec(time.Hour)
	runClaimRows(t, []claimRow{
		{name: "match", claims: `{` + exp + `,"iss":"https://issuer.example"}`, policy: iss},
		{name: "match with escapes", claims: `{` + exp + `,"iss":"https:\/\/issuer.example"}`, policy: iss},
		{name: "other issuer", claims: `{` + exp + `,"iss":"https://evil.example"}`, policy: iss, want: CodeBadIssuer},
		{name: "prefix is not a match", claims: `{` + exp + `,"iss":"https://issuer.example.evil"}`, policy: iss, want: CodeBadIssuer},
		{name: "case differs", claims: `{` + exp + `,"iss":"https://ISSUER.example"}`, policy: iss, want: CodeBadIssuer},
		{name: "absent", claims: `{` + exp + `}`, policy: iss, want: CodeBadIssuer},
		{name: "empty", claims: `{` + exp + `,"iss":""}`, policy: iss, want: CodeBadIssuer},
		{name: "not a string", claims: `{` + exp + `,"iss":1}`, policy: iss, want: CodeMalformed},
		{name: "policy without issuer accepts any", claims: `{` + exp + `,"iss":"anyone"}`},
	})
}

func TestClaimAudience(t *testing.T) {
	api := Policy{Audiences: []string{"api"}}
	either := Policy{Audiences: []string{"api", "web"}}
	exp := `"exp":` + sec(time.Hour)
	runClaimRows(t, []claimRow{
		{name: "string match", claims: `{` + exp + `,"aud":"api"}`, policy: api},
		{name: "list match", claims: `{` + exp + `,"aud":["other","api"]}`, policy: api},
		{name: "second policy audience matches", claims: `{` + exp + `,"aud":"web"}`, policy: either},
		{name: "list matches second policy audience", claims: `{` + exp + `,"aud":["x","web"]}`, policy: either},
		{name: "string mismatch", claims: `{` + exp + `,"aud":"apis"}`, policy: api, want: CodeBadAudience},
		{name: "list none match", claims: `{` + exp + `,"aud":["x","y"]}`, policy: either, want: CodeBadAudience},
		{name: "empty list", claims: `{` + exp + `,"aud":[]}`, policy: api, want: CodeBadAudience},
		{name: "policy without audience refuses a token with one", claims: `{` + exp + `,"aud":"api"}`, want: CodeBadAudience},
		{name: "policy without audience refuses a list", claims: `{` + exp + `,"aud":["api","web"]}`, want: CodeBadAudience},
		{name: "policy without audience refuses an empty list", claims: `{` + exp + `,"aud":[]}`, want: CodeBadAudience},
		{name: "policy without audience accepts a token without one", claims: `{` + exp + `}`},
		{name: "ignored audience accepts any", claims: `{` + exp + `,"aud":"anyone"}`, policy: Policy{IgnoreAudience: true}},
		{name: "ignored audience accepts none", claims: `{` + exp + `}`, policy: Policy{IgnoreAudience: true}},
		{name: "ignored audience still refuses a malformed one", claims: `{` + exp + `,"aud":7}`, policy: Policy{IgnoreAudience: true}, want: CodeMalformed},
		{name: "absent", claims: `{` + exp + `}`, policy: api, want: CodeBadAudience},
		{name: "wrong type number", claims: `{` + exp + `,"aud":7}`, policy: api, want: CodeMalformed},
		{name: "wrong type object", claims: `{` + exp + `,"aud":{"api":true}}`, policy: api, want: CodeMalformed},
		{name: "list of non-strings", claims: `{` + exp + `,"aud":["api",1]}`, policy: api, want: CodeMalformed},
		{name: "null", claims: `{` + exp + `,"aud":null}`, policy: api, want: CodeMalformed},
		{name: "wrong type refused even without audience policy", claims: `{` + exp + `,"aud":true}`, want: CodeMalformed},
	})
}

func TestClaimAudienceLimit(t *testing.T) {
	list := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf("%q", fmt.Sprintf("aud-%d", i))
		}
		items[n-1] = `"api"`
		return "[" + strings.Join(items, ",") + "]"
	}
	api := Policy{Audiences: []string{"api"}}
	exp := `"exp":` + sec(time.Hour)
	runClaimRows(t, []claimRow{
		{name: "at the limit", claims: `{` + exp + `,"aud":` + list(MaxAudiences) + `}`, policy: api},
		{name: "over the limit", claims: `{` + exp + `,"aud":` + list(MaxAudiences+1) + `}`, policy: api, want: CodeTooLarge},
	})
}

func TestAudienceNotNamedMessage(t *testing.T) {
	t.Parallel()
	key := fixedKey(t, "oct")
	v := mustVerifier(t, mustSet(t, key), Policy{Algorithms: []string{"HS256"}}, WithClock(at(testNow)))
	_, err := v.Verify(rawToken(t, key, "HS256", `{"alg":"HS256"}`, `{"exp":`+sec(time.Hour)+`,"aud":"orders-api"}`))
	wantCode(t, err, CodeBadAudience)
	for _, part := range []string{`"orders-api"`, "names no audience", "Policy.Audiences", "Policy.IgnoreAudience"} {
		if !strings.Contains(MessageOf(err), part) {
			t.Errorf("message %q lacks %q", MessageOf(err), part)
		}
	}
}

func TestClaimSubject(t *testing.T) {
	sub := Policy{Subject: "alice"}
	exp := `"exp":` + sec(time.Hour)
	runClaimRows(t, []claimRow{
		{name: "match", claims: `{` + exp + `,"sub":"alice"}`, policy: sub},
		{name: "other", claims: `{` + exp + `,"sub":"mallory"}`, policy: sub, want: CodeBadSubject},
		{name: "absent", claims: `{` + exp + `}`, policy: sub, want: CodeBadSubject},
		{name: "not a string", claims: `{` + exp + `,"sub":["alice"]}`, policy: sub, want: CodeMalformed},
		{name: "policy without subject", claims: `{` + exp + `,"sub":"bob"}`},
	})
}

func TestClaimRequired(t *testing.T) {
	req := Policy{RequiredClaims: []string{"tenant", "jti"}}
	exp := `"exp":` + sec(time.Hour)
	runClaimRows(t, []claimRow{
		{name: "both present", claims: `{` + exp + `,"tenant":"acme","jti":"1"}`, policy: req},
		{name: "present as null still counts", claims: `{` + exp + `,"tenant":null,"jti":"1"}`, policy: req},
		{name: "one missing", claims: `{` + exp + `,"tenant":"acme"}`, policy: req, want: CodeMissingClaim},
		{name: "both missing", claims: `{` + exp + `}`, policy: req, want: CodeMissingClaim},
		{name: "nested does not count", claims: `{` + exp + `,"x":{"tenant":"acme"},"jti":"1"}`, policy: req, want: CodeMissingClaim},
	})
}

// TestClaimTypes covers registered claims of the wrong JSON type: a date
// must be a number (RFC 7519 §2), iss/sub/jti strings.
func TestClaimTypes(t *testing.T) {
	allow := Policy{AllowNoExpiry: true}
	runClaimRows(t, []claimRow{
		{name: "exp string", claims: `{"exp":"` + sec(time.Hour) + `"}`, want: CodeMalformed},
		{name: "exp true", claims: `{"exp":true}`, want: CodeMalformed},
		{name: "exp false", claims: `{"exp":false}`, want: CodeMalformed},
		{name: "exp null", claims: `{"exp":null}`, want: CodeMalformed},
		{name: "exp array", claims: `{"exp":[` + sec(time.Hour) + `]}`, want: CodeMalformed},
		{name: "exp object", claims: `{"exp":{}}`, want: CodeMalformed},
		{name: "exp out of float range", claims: `{"exp":1e400}`, want: CodeMalformed},
		{name: "exp beyond 2^53 seconds", claims: `{"exp":18014398509481984}`, want: CodeMalformed},
		{name: "exp fractional accepted", claims: `{"exp":` + sec(time.Hour) + `.123456}`},
		{name: "nbf string", claims: `{"nbf":"0"}`, policy: allow, want: CodeMalformed},
		{name: "nbf null", claims: `{"nbf":null}`, policy: allow, want: CodeMalformed},
		{name: "nbf fractional accepted", claims: `{"nbf":` + sec(-time.Hour) + `.5}`, policy: allow},
		{name: "iat bool", claims: `{"iat":true}`, policy: allow, want: CodeMalformed},
		{name: "iat null", claims: `{"iat":null}`, policy: allow, want: CodeMalformed},
		{name: "iat fractional accepted", claims: `{"iat":` + sec(-time.Hour) + `.5}`, policy: allow},
		{name: "jti number", claims: `{"jti":5}`, policy: allow, want: CodeMalformed},
		{name: "sub null", claims: `{"sub":null}`, policy: allow, want: CodeMalformed},
		{name: "custom claims of any type", claims: `{"x":null,"y":[1,{"z":true}],"n":1.5}`, policy: allow},
		{name: "not an object", claims: `[1,2]`, policy: allow, want: CodeMalformed},
		{name: "not JSON", claims: `exp=1`, policy: allow, want: CodeMalformed},
		{name: "trailing data", claims: `{}{}`, policy: allow, want: CodeMalformed},
		{name: "invalid UTF-8", claims: "{\"name\":\"\xff\"}", policy: allow, want: CodeMalformed},
		{name: "duplicate claim", claims: `{"sub":"alice","sub":"admin"}`, policy: allow, want: CodeMalformed},
	})
}

// TestClaimsSeveralFailures checks that every failing rule is reported:
// errors.Is finds each code, and the primary code is the first one.
func TestClaimsSeveralFailures(t *testing.T) {
	t.Parallel()
	key := fixedKey(t, "oct")
	p := Policy{
		Algorithms:     []string{"HS256"},
		Issuer:         "good",
		Audiences:      []string{"api"},
		Subject:        "alice",
		RequiredClaims: []string{"tenant"},
	}
	v := mustVerifier(t, mustSet(t, key), p, WithClock(at(testNow)))
	claims := `{"iss":"bad","aud":"web","sub":"bob","exp":` + sec(-time.Hour) + `,"iat":` + sec(time.Hour) + `}`
	_, err := v.Verify(rawToken(t, key, "HS256", `{"alg":"HS256"}`, claims))
	want := []Code{CodeExpired, CodeIssuedInFuture, CodeBadIssuer, CodeBadAudience, CodeBadSubject, CodeMissingClaim}
	for _, c := range want {
		if !errors.Is(err, c) {
			t.Errorf("errors.Is(err, %s) = false; err = %v", c, err)
		}
	}
	if CodeOf(err) != CodeExpired {
		t.Errorf("primary code = %s, want expired (the first rule)", CodeOf(err))
	}
	var e *Error
	if !errors.As(err, &e) || len(e.Unwrap()) != len(want) {
		t.Errorf("want %d joined failures, got %v", len(want), err)
	}
	for _, unrelated := range []Code{CodeBadSignature, CodeMalformed} {
		if errors.Is(err, unrelated) {
			t.Errorf("errors.Is(err, %s) = true", unrelated)
		}
	}
	msg := MessageOf(err)
	for _, part := range []string{`issuer "bad", want "good"`, `audience ["web"] does not include "api"`, `subject "bob", want "alice"`, `no "tenant" claim`} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q lacks %q", msg, part)
		}
	}

	// The order follows the rules, not the claims: with exp fine, the
	// first failure is nbf.
	claims = `{"iss":"good","aud":"api","sub":"bob","tenant":1,"exp":` + sec(time.Hour) + `,"nbf":` + sec(time.Minute) + `}`
	_, err = v.Verify(rawToken(t, key, "HS256", `{"alg":"HS256"}`, claims))
	if CodeOf(err) != CodeNotYetValid || !errors.Is(err, CodeBadSubject) || errors.Is(err, CodeExpired) {
		t.Errorf("got %v, want not_yet_valid first, bad_subject joined, no expired", err)
	}

	// A token never valid is reported as such first, and neither expired
	// nor not yet valid: which of those holds depends only on the clock.
	claims = `{"iss":"good","aud":"api","sub":"bob","tenant":1,"exp":` + sec(-time.Hour) + `,"nbf":` + sec(time.Hour) + `}`
	_, err = v.Verify(rawToken(t, key, "HS256", `{"alg":"HS256"}`, claims))
	if CodeOf(err) != CodeNeverValid || !errors.Is(err, CodeBadSubject) || errors.Is(err, CodeExpired) || errors.Is(err, CodeNotYetValid) {
		t.Errorf("got %v, want never_valid first, bad_subject joined, neither expired nor not_yet_valid", err)
	}
}

func TestClaimsAccessors(t *testing.T) {
	t.Parallel()
	payload := []byte(`{"iss":"i","sub":"s","aud":["a","b"],"exp":1700003600,"nbf":1699990000.5,"iat":1699999940,"jti":"id-1","roles":["x"],"n":3}`)
	c, err := parseClaims(payload)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != "i" || c.Subject != "s" || c.ID != "id-1" || !reflect.DeepEqual(c.Audience, []string{"a", "b"}) {
		t.Errorf("registered claims = %+v", c)
	}
	if !c.ExpiresAt.Equal(time.Unix(1700003600, 0)) || !c.IssuedAt.Equal(time.Unix(1699999940, 0)) {
		t.Errorf("exp/iat = %v/%v", c.ExpiresAt, c.IssuedAt)
	}
	if want := time.Unix(1699990000, 500_000_000); !c.NotBefore.Equal(want) {
		t.Errorf("fractional nbf = %v, want %v", c.NotBefore, want)
	}
	if string(c.JSON()) != string(payload) {
		t.Errorf("JSON() = %s", c.JSON())
	}
	if !c.Has("roles") || c.Has("role") {
		t.Error("Has is wrong")
	}
	if raw, ok := c.Get("roles"); !ok || string(raw) != `["x"]` {
		t.Errorf("Get(roles) = %s, %v", raw, ok)
	}
	var n int
	if ok, err := c.Decode("n", &n); !ok || err != nil || n != 3 {
		t.Errorf("Decode(n) = %v, %v, %d", ok, err, n)
	}
	if ok, err := c.Decode("missing", &n); ok || err != nil {
		t.Errorf("Decode(missing) = %v, %v", ok, err)
	}
	var s string
	if ok, err := c.Decode("n", &s); !ok || err == nil {
		t.Error("Decode into the wrong type gave no error")
	}
	want := []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "roles", "n"}
	if got := c.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q, want %q (input order)", got, want)
	}
	// A string aud is one entry.
	c, err = parseClaims([]byte(`{"aud":"only"}`))
	if err != nil || !reflect.DeepEqual(c.Audience, []string{"only"}) {
		t.Errorf("string aud = %v, %v", c, err)
	}
	var m map[string]any
	if json.Unmarshal(payload, &m) != nil {
		t.Fatal("payload is not JSON")
	}
}
