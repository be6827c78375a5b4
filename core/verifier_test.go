package core

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// TestVerifyCodes produces every code that Verify returns, one row each
// at least, through the public Verify call.
func TestVerifyCodes(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	es384 := fixedKey(t, "p384")
	rs := fixedKey(t, "rsa").WithKeyID("rsa-1")
	ed := fixedKey(t, "ed")
	weak := weakRSAKey(t).WithKeyID("legacy")

	mixed := mustSet(t, es.Public(), rs.Public(), ed.Public())
	esOnly := mustSet(t, es.Public())
	both := Policy{Algorithms: []string{"ES256", "RS256", "EdDSA"}, AllowNoExpiry: true}
	good := validClaims(t)
	tooOld := claimsJSON(t, map[string]any{"exp": testNow.Add(-time.Hour).Unix()})

	tests := []struct {
		name   string
		set    *KeySet
		policy Policy
		token  func(t *testing.T) string
		want   Code
	}{
		{"valid ES256", mixed, both, func(t *testing.T) string { return mustSign(t, es, good) }, 0},
		{"valid RS256", mixed, both, func(t *testing.T) string { return mustSign(t, rs, good) }, 0},
		{"valid EdDSA", mixed, both, func(t *testing.T) string { return mustSign(t, ed, good) }, 0},
		{"valid without kid", mixed, both, func(t *testing.T) string { return mustSign(t, es, good, WithKeyID("")) }, 0},
		{"malformed", mixed, both, func(*testing.T) string { return "not-a-token" }, CodeMalformed},
		{"too large", mixed, both, func(*testing.T) string { return strings.Repeat("a", DefaultMaxTokenSize+1) }, CodeTooLarge},
		{"alg not allowed", esOnly, Policy{Algorithms: []string{"ES256"}}, func(t *testing.T) string {
			return mustSign(t, rs, good, WithKeyID(es.KeyID()))
		}, CodeAlgNotAllowed},
		{"alg allowed by another verifier only", mixed, Policy{Algorithms: []string{"ES256", "EdDSA"}}, func(t *testing.T) string {
			return mustSign(t, rs, good)
		}, CodeAlgNotAllowed},
		{"unknown kid", mixed, both, func(t *testing.T) string { return mustSign(t, es, good, WithKeyID("nope")) }, CodeUnknownKID},
		{"kid names a key of the wrong type", mixed, both, func(t *testing.T) string {
			return mustSign(t, es, good, WithKeyID(rs.KeyID()))
		}, CodeKeyMismatch},
		{"no kid and no key fits", esOnly, Policy{Algorithms: []string{"ES256", "ES384"}}, func(t *testing.T) string {
			return mustSign(t, es384, good, WithKeyID(""))
		}, CodeKeyMismatch},
		{"bad signature", mixed, both, func(t *testing.T) string { return testkit.FlipSignatureBit(t, mustSign(t, rs, good), 7) }, CodeBadSignature},
		{"bad signature without kid", mixed, both, func(t *testing.T) string {
			return testkit.FlipSignatureBit(t, mustSign(t, ed, good, WithKeyID("")), 0)
		}, CodeBadSignature},
		{"signed by another key with a known kid", mixed, both, func(t *testing.T) string {
			other, err := GenerateKey(KeyParams{Type: KeyTypeEC})
			if err != nil {
				t.Fatal(err)
			}
			return mustSign(t, other, good, WithKeyID(es.KeyID()))
		}, CodeBadSignature},
		{"expired", mixed, both, func(t *testing.T) string { return mustSign(t, es, tooOld) }, CodeExpired},
		{"not yet valid", mixed, both, func(t *testing.T) string {
			return mustSign(t, es, claimsJSON(t, map[string]any{"nbf": testNow.Add(time.Hour).Unix()}))
		}, CodeNotYetValid},
		{"issued in future", mixed, both, func(t *testing.T) string {
			return mustSign(t, es, claimsJSON(t, map[string]any{"iat": testNow.Add(time.Hour).Unix()}))
		}, CodeIssuedInFuture},
		{"bad issuer", mixed, Policy{Algorithms: []string{"ES256"}, Issuer: "https://other.example"}, func(t *testing.T) string {
			return mustSign(t, es, good)
		}, CodeBadIssuer},
		{"bad audience", mixed, Policy{Algorithms: []string{"ES256"}, Audiences: []string{"web"}}, func(t *testing.T) string {
			return mustSign(t, es, good)
		}, CodeBadAudience},
		{"bad subject", mixed, Policy{Algorithms: []string{"ES256"}, Subject: "bob"}, func(t *testing.T) string {
			return mustSign(t, es, good)
		}, CodeBadSubject},
		{"missing exp", mixed, Policy{Algorithms: []string{"ES256"}}, func(t *testing.T) string {
			return mustSign(t, es, []byte(`{"sub":"alice"}`))
		}, CodeMissingClaim},
		{"missing required claim", mixed, Policy{Algorithms: []string{"ES256"}, RequiredClaims: []string{"tenant"}}, func(t *testing.T) string {
			return mustSign(t, es, good)
		}, CodeMissingClaim},
		{"unsupported crit", mixed, both, func(t *testing.T) string {
			return mustSign(t, es, good, WithHeader("crit", []string{"exp"}), WithHeader("exp", 1))
		}, CodeUnsupportedCrit},
		{"weak RSA key by kid", mustSet(t, weak.Public()), Policy{Algorithms: []string{"RS256"}, AllowNoExpiry: true}, func(t *testing.T) string {
			return mustSign(t, weak, good, AllowWeakKeys())
		}, CodeWeakKey},
		{"weak RSA key without kid", mustSet(t, weak.Public()), Policy{Algorithms: []string{"RS256"}}, func(t *testing.T) string {
			return mustSign(t, weak, good, AllowWeakKeys(), WithKeyID(""))
		}, CodeWeakKey},
		{"weak RSA key allowed by policy", mustSet(t, weak.Public()), Policy{Algorithms: []string{"RS256"}, AllowWeakKeys: true}, func(t *testing.T) string {
			return mustSign(t, weak, good, AllowWeakKeys())
		}, 0},
		{"weak RSA key allowed, without kid", mustSet(t, weak.Public()), Policy{Algorithms: []string{"RS256"}, AllowWeakKeys: true}, func(t *testing.T) string {
			return mustSign(t, weak, good, AllowWeakKeys(), WithKeyID(""))
		}, 0},
		// A key for encryption, limited to another algorithm, or whose
		// key_ops lack "verify" does not verify. An EdDSA key beside it lets
		// the verifier build.
		{"key use enc", mustSet(t, es.Public().WithUse("enc"), ed.Public()), Policy{Algorithms: []string{"ES256", "EdDSA"}}, func(t *testing.T) string {
			return mustSign(t, es, good)
		}, CodeKeyMismatch},
		{"key use sig", mustSet(t, es.Public().WithUse("sig")), Policy{Algorithms: []string{"ES256"}}, func(t *testing.T) string {
			return mustSign(t, es, good)
		}, 0},
		{"key alg is another algorithm", mustSet(t, rsAlg(t, rs, "RS512"), ed.Public()), Policy{Algorithms: []string{"RS256", "EdDSA"}}, func(t *testing.T) string {
			return mustSign(t, rs, good)
		}, CodeKeyMismatch},
		{"key_ops lack verify", mustSet(t, keyOps(t, es.Public(), "encrypt"), ed.Public()), Policy{Algorithms: []string{"ES256", "EdDSA"}}, func(t *testing.T) string {
			return mustSign(t, es, good)
		}, CodeKeyMismatch},
		{"key_ops include verify", mustSet(t, keyOps(t, es.Public(), "verify")), Policy{Algorithms: []string{"ES256"}}, func(t *testing.T) string {
			return mustSign(t, es, good)
		}, 0},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustVerifier(t, tt.set, tt.policy, WithClock(at(testNow)))
			tok, err := v.Verify(tt.token(t))
			checkErr(t, err, tt.want)
			if err != nil && tok != nil {
				t.Fatalf("a %s error returned a token", CodeOf(err))
			}
			if err == nil && (tok.Claims == nil || tok.Header == nil || tok.Key == nil) {
				t.Fatalf("success with a nil part: %+v", tok)
			}
		})
	}
}

func rsAlg(t *testing.T, k *Key, alg string) *Key {
	t.Helper()
	k, err := k.Public().WithAlgorithm(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// keyOps returns k with JWK "key_ops" ops, read back from JSON as a
// published key would be.
func keyOps(t *testing.T, k *Key, ops ...string) *Key {
	t.Helper()
	j, err := k.MarshalJWK()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	m["key_ops"] = ops
	j, _ = json.Marshal(m)
	out, err := ParseKey(j)
	if err != nil {
		t.Fatalf("ParseKey(key_ops %q): %v", ops, err)
	}
	return out
}

// TestVerifyForbidden checks that a token failing an access rule comes
// back with the error, so the caller can log who was refused.
func TestVerifyForbidden(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	v := mustVerifier(t, mustSet(t, es.Public()), Policy{Algorithms: []string{"ES256"}, Require: []string{"role=admin", "email_verified"}}, WithClock(at(testNow)))
	claims := claimsJSON(t, map[string]any{"sub": "alice", "role": "user", "exp": testNow.Add(time.Hour).Unix(), "email_verified": true})
	tok, err := v.Verify(mustSign(t, es, claims))
	wantCode(t, err, CodeForbidden)
	if tok == nil || tok.Claims.Subject != "alice" {
		t.Fatalf("forbidden token not returned: %+v", tok)
	}
	if !strings.Contains(err.Error(), `claim "role"`) {
		t.Errorf("error %q does not name the claim", err)
	}
	// Both rules hold: accepted.
	claims = claimsJSON(t, map[string]any{"sub": "alice", "role": "admin", "exp": testNow.Add(time.Hour).Unix(), "email_verified": true})
	if _, err := v.Verify(mustSign(t, es, claims)); err != nil {
		t.Fatal(err)
	}
	// The second rule fails alone.
	claims = claimsJSON(t, map[string]any{"role": "admin", "exp": testNow.Add(time.Hour).Unix(), "email_verified": false})
	tok, err = v.Verify(mustSign(t, es, claims))
	wantCode(t, err, CodeForbidden)
	if tok == nil || !strings.Contains(err.Error(), "email_verified") {
		t.Errorf("got %v, %v", tok, err)
	}
	// Rules run only on otherwise valid tokens: an expired token is
	// expired, not forbidden.
	claims = claimsJSON(t, map[string]any{"role": "user", "exp": testNow.Add(-time.Hour).Unix()})
	tok, err = v.Verify(mustSign(t, es, claims))
	wantCode(t, err, CodeExpired)
	if tok != nil {
		t.Error("an expired token was returned")
	}
}

func TestVerifyTokenSize(t *testing.T) {
	t.Parallel()
	key := fixedKey(t, "oct")
	set := mustSet(t, key)
	// tokenOfSize returns a valid token exactly n bytes long, padding a
	// claim and the kid (base64url cannot make every length from the
	// payload alone).
	tokenOfSize := func(t *testing.T, n int) string {
		for kidPad := 0; kidPad < 4; kidPad++ {
			hdr := `{"alg":"HS256","kid":"hmac-1","x":"` + strings.Repeat("k", kidPad) + `"}`
			for pad := max(0, (n-200)*3/4-50); pad < n; pad++ {
				tok := rawToken(t, key, "HS256", hdr, `{"exp":`+sec(time.Hour)+`,"pad":"`+strings.Repeat("p", pad)+`"}`)
				if len(tok) == n {
					return tok
				}
				if len(tok) > n {
					break
				}
			}
		}
		t.Fatalf("cannot make a token of %d bytes", n)
		return ""
	}
	atDefault := tokenOfSize(t, DefaultMaxTokenSize)
	overDefault := tokenOfSize(t, DefaultMaxTokenSize+2)
	small := tokenOfSize(t, 1000)
	tests := []struct {
		name  string
		limit int
		token string
		want  Code
	}{
		{"default limit, at the limit", 0, atDefault, 0},
		{"default limit, over", 0, overDefault, CodeTooLarge},
		{"custom limit, at the limit", 1000, small, 0},
		{"custom limit, one under", 1001, small, 0},
		{"custom limit, one over", 999, small, CodeTooLarge},
		{"custom limit above the default", DefaultMaxTokenSize + 2, overDefault, 0},
		{"garbage over the limit is too large, not malformed", 0, strings.Repeat("\x00garbage", 20<<10/8), CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustVerifier(t, set, Policy{Algorithms: []string{"HS256"}, MaxTokenSize: tt.limit}, WithClock(at(testNow)))
			_, err := v.Verify(tt.token)
			checkErr(t, err, tt.want)
		})
	}
}

func TestNewVerifierErrors(t *testing.T) {
	t.Parallel()
	es := mustSet(t, fixedKey(t, "p256").Public())
	rsa := mustSet(t, fixedKey(t, "rsa").Public())
	hmac := mustSet(t, fixedKey(t, "oct"))
	tests := []struct {
		name   string
		set    *KeySet
		policy Policy
		opts   []VerifierOption
		want   Code
	}{
		{"ok", es, Policy{Algorithms: []string{"ES256"}}, nil, 0},
		{"duplicate algorithm is fine", es, Policy{Algorithms: []string{"ES256", "ES256"}}, nil, 0},
		{"no algorithms", es, Policy{}, nil, CodeInvalidArgument},
		{"empty algorithm list", es, Policy{Algorithms: []string{}}, nil, CodeInvalidArgument},
		{"none", es, Policy{Algorithms: []string{"none"}}, nil, CodeInvalidArgument},
		{"None beside a real one", es, Policy{Algorithms: []string{"ES256", "None"}}, nil, CodeInvalidArgument},
		{"NONE", es, Policy{Algorithms: []string{"NONE"}}, nil, CodeInvalidArgument},
		{"unknown algorithm", es, Policy{Algorithms: []string{"ES256K"}}, nil, CodeInvalidArgument},
		{"lowercase name is unknown", es, Policy{Algorithms: []string{"es256"}}, nil, CodeInvalidArgument},
		{"HMAC mixed with RS256", hmac, Policy{Algorithms: []string{"HS256", "RS256"}}, nil, CodeInvalidArgument},
		{"RS256 mixed with HMAC", rsa, Policy{Algorithms: []string{"RS256", "HS512"}}, nil, CodeInvalidArgument},
		{"several HMAC algorithms", hmac, Policy{Algorithms: []string{"HS256", "HS384", "HS512"}}, nil, 0},
		{"registered name in Critical", es, Policy{Algorithms: []string{"ES256"}, Critical: []string{"kid"}}, nil, CodeInvalidArgument},
		{"alg in Critical", es, Policy{Algorithms: []string{"ES256"}, Critical: []string{"alg"}}, nil, CodeInvalidArgument},
		{"crit in Critical", es, Policy{Algorithms: []string{"ES256"}, Critical: []string{"crit"}}, nil, CodeInvalidArgument},
		{"extension in Critical", es, Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}}, nil, 0},
		{"audiences and IgnoreAudience", es, Policy{Algorithms: []string{"ES256"}, Audiences: []string{"api"}, IgnoreAudience: true}, nil, CodeInvalidArgument},
		{"IgnoreAudience alone", es, Policy{Algorithms: []string{"ES256"}, IgnoreAudience: true}, nil, 0},
		{"b64 in Critical (RFC 7797, not implemented)", es, Policy{Algorithms: []string{"ES256"}, Critical: []string{"b64"}}, nil, CodeInvalidArgument},
		{"b64 beside an extension in Critical", es, Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp", "b64"}}, nil, CodeInvalidArgument},
		{"no key fits", es, Policy{Algorithms: []string{"RS256"}}, nil, CodeKeyMismatch},
		{"no key fits the curve", es, Policy{Algorithms: []string{"ES384"}}, nil, CodeKeyMismatch},
		{"HMAC policy with an RSA set", rsa, Policy{Algorithms: []string{"HS256"}}, nil, CodeKeyMismatch},
		{"nil key set", nil, Policy{Algorithms: []string{"ES256"}}, nil, CodeInvalidArgument},
		{"empty key set", mustSet(t), Policy{Algorithms: []string{"ES256"}}, nil, CodeInvalidArgument},
		{"negative leeway", es, Policy{Algorithms: []string{"ES256"}, Leeway: -time.Second}, nil, CodeInvalidArgument},
		{"negative max age", es, Policy{Algorithms: []string{"ES256"}, MaxAge: -time.Second}, nil, CodeInvalidArgument},
		{"negative max size", es, Policy{Algorithms: []string{"ES256"}, MaxTokenSize: -1}, nil, CodeInvalidArgument},
		{"bad access rule", es, Policy{Algorithms: []string{"ES256"}, Require: []string{"=admin"}}, nil, CodeInvalidArgument},
		{"negative cache", es, Policy{Algorithms: []string{"ES256"}}, []VerifierOption{WithCache(-1)}, CodeInvalidArgument},
		{"zero cache", es, Policy{Algorithms: []string{"ES256"}}, []VerifierOption{WithCache(0)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := NewVerifier(tt.set, tt.policy, tt.opts...)
			checkErr(t, err, tt.want)
			if (err == nil) != (v != nil) {
				t.Fatalf("verifier %v with error %v", v, err)
			}
		})
	}
}

func TestPolicyNoneMessage(t *testing.T) {
	t.Parallel()
	// "none" in any case is refused as never allowed, not as unknown.
	for _, none := range []string{"none", "None", "NONE", "nOnE"} {
		_, err := NewVerifier(mustSet(t, fixedKey(t, "p256").Public()), Policy{Algorithms: []string{"ES256", none}})
		wantCode(t, err, CodeInvalidArgument)
		if !strings.Contains(err.Error(), "never allowed") {
			t.Errorf("%s: message %q does not say it is never allowed", none, err)
		}
	}
}

func TestPolicyB64Message(t *testing.T) {
	t.Parallel()
	_, err := NewVerifier(mustSet(t, fixedKey(t, "p256").Public()), Policy{Algorithms: []string{"ES256"}, Critical: []string{"b64"}})
	wantCode(t, err, CodeInvalidArgument)
	if !strings.Contains(err.Error(), "RFC 7797 unencoded payloads are not supported") {
		t.Errorf("message %q does not say RFC 7797 is not supported", err)
	}
}

func TestVerifierPolicyIsACopy(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	p := Policy{Algorithms: []string{"ES256"}, Audiences: []string{"api"}, Require: []string{"role=admin"}}
	v := mustVerifier(t, mustSet(t, es.Public()), p, WithClock(at(testNow)))
	// Changing the caller's policy afterwards changes nothing.
	p.Algorithms[0] = "RS256"
	p.Audiences[0] = "evil"
	p.Require[0] = "role=guest"
	got := v.Policy()
	if got.MaxTokenSize != DefaultMaxTokenSize {
		t.Errorf("MaxTokenSize = %d, want the default filled in", got.MaxTokenSize)
	}
	if !reflect.DeepEqual(got.Algorithms, []string{"ES256"}) || !reflect.DeepEqual(got.Audiences, []string{"api"}) {
		t.Errorf("policy changed with the caller's slices: %+v", got)
	}
	claims := claimsJSON(t, map[string]any{"aud": "api", "role": "admin", "exp": testNow.Add(time.Hour).Unix()})
	if _, err := v.Verify(mustSign(t, es, claims)); err != nil {
		t.Fatalf("verify after the caller changed its policy: %v", err)
	}
	// Changing the returned copy changes nothing either.
	got.Algorithms[0] = "HS256"
	if v.Policy().Algorithms[0] != "ES256" {
		t.Error("Policy() returned the verifier's own slice")
	}
}

func TestVerifiedToken(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256").WithKeyID("es-1")
	ed := fixedKey(t, "ed").WithKeyID("ed-1")
	v := mustVerifier(t, mustSet(t, ed.Public(), es.Public()), Policy{Algorithms: []string{"ES256", "EdDSA"}}, WithClock(at(testNow)))
	for _, k := range []*Key{es, ed} {
		tok, err := v.Verify(mustSign(t, k, validClaims(t), WithType("at+jwt")))
		if err != nil {
			t.Fatal(err)
		}
		if tok.Key.KeyID() != k.KeyID() || !tok.Key.Equal(k) || tok.Key.IsPrivate() {
			t.Errorf("Token.Key = %s, want the public key %s", tok.Key.KeyID(), k.KeyID())
		}
		if tok.Header.Algorithm != k.DefaultAlgorithm() || tok.Header.KeyID != k.KeyID() || tok.Header.Type != "at+jwt" {
			t.Errorf("header = %+v", tok.Header)
		}
		if tok.Claims.Subject != "alice" || tok.Claims.Issuer != "https://issuer.example" {
			t.Errorf("claims = %+v", tok.Claims)
		}
	}
	// Without kid, the key that verifies is found among several.
	tok, err := v.Verify(mustSign(t, es, validClaims(t), WithKeyID("")))
	if err != nil || tok.Key.KeyID() != "es-1" {
		t.Fatalf("no-kid verify: %v, %v", tok, err)
	}
}

func TestUpdateKeys(t *testing.T) {
	t.Parallel()
	// Kids of their own, as in a published JWKS: a lone key without one
	// would verify any kid.
	k1 := fixedKey(t, "p256").WithKeyID("k1")
	k2, err := GenerateKey(KeyParams{Type: KeyTypeEC})
	if err != nil {
		t.Fatal(err)
	}
	k2 = k2.WithKeyID("k2")
	v := mustVerifier(t, mustSet(t, k1.Public()), Policy{Algorithms: []string{"ES256"}}, WithClock(at(testNow)))
	t1 := mustSign(t, k1, validClaims(t))
	t2 := mustSign(t, k2, validClaims(t))
	if _, err := v.Verify(t2); !errors.Is(err, CodeUnknownKID) {
		t.Fatalf("new key before update: %v", err)
	}
	// A set no key of which can verify ES256 is refused, and the old set
	// stays in force.
	err = v.UpdateKeys(mustSet(t, fixedKey(t, "rsa").Public()))
	wantCode(t, err, CodeKeyMismatch)
	wantCode(t, v.UpdateKeys(nil), CodeInvalidArgument)
	wantCode(t, v.UpdateKeys(mustSet(t)), CodeInvalidArgument)
	if _, err := v.Verify(t1); err != nil {
		t.Fatalf("old key after a refused update: %v", err)
	}
	if err := v.UpdateKeys(mustSet(t, k2.Public())); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t2); err != nil {
		t.Fatalf("new key after update: %v", err)
	}
	_, err = v.Verify(t1)
	wantCode(t, err, CodeUnknownKID)
}

func TestWeakHMACSecret(t *testing.T) {
	t.Parallel()
	short, err := NewSecretKey([]byte("0123456789abcdef")) // 16 bytes
	if err != nil {
		t.Fatal(err)
	}
	short = short.WithKeyID("legacy")
	// Sign refuses; build the tokens by hand as a legacy issuer would.
	for _, hdr := range []string{`{"alg":"HS256","kid":"legacy"}`, `{"alg":"HS256"}`} {
		tok := rawToken(t, short, "HS256", hdr, string(validClaims(t)))
		for _, allow := range []bool{false, true} {
			v := mustVerifier(t, mustSet(t, short), Policy{Algorithms: []string{"HS256"}, AllowWeakKeys: allow}, WithClock(at(testNow)))
			_, err := v.Verify(tok)
			// AllowWeakKeys is for legacy RSA only: a short secret can be
			// brute-forced offline from any token.
			wantCode(t, err, CodeWeakKey)
		}
	}
	// A 32-byte secret is enough for HS256 but not for HS384.
	k32, _ := NewSecretKey([]byte(strings.Repeat("k", 32)))
	v := mustVerifier(t, mustSet(t, k32), Policy{Algorithms: []string{"HS256", "HS384"}}, WithClock(at(testNow)))
	if _, err := v.Verify(rawToken(t, k32, "HS256", `{"alg":"HS256"}`, string(validClaims(t)))); err != nil {
		t.Fatalf("HS256 with 32 bytes: %v", err)
	}
	_, err = v.Verify(rawToken(t, k32, "HS384", `{"alg":"HS384"}`, string(validClaims(t))))
	wantCode(t, err, CodeWeakKey)
}

func TestRoughDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{45 * time.Second, "45s"},
		{-45 * time.Second, "45s"},
		{59*time.Second + 999*time.Millisecond, "59s"},
		{time.Minute, "1m"},
		{14*time.Minute + 59*time.Second, "14m"},
		{time.Hour, "1h"},
		{47*time.Hour + 59*time.Minute, "47h"},
		{48 * time.Hour, "2d"},
		{-72 * time.Hour, "3d"},
	}
	for _, tt := range tests {
		if got := roughDuration(tt.d); got != tt.want {
			t.Errorf("roughDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestVerifyAt(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	tok := mustSign(t, es, validClaims(t)) // iat testNow-1m, exp testNow+1h
	for _, cache := range []int{0, 4} {
		// The verifier's own clock is far off: VerifyAt ignores it.
		v := mustVerifier(t, mustSet(t, es.Public()), Policy{Algorithms: []string{"ES256"}}, WithClock(at(testNow.Add(100*time.Hour))), WithCache(cache))
		_, err := v.Verify(tok)
		wantCode(t, err, CodeExpired)
		if _, err := v.VerifyAt(tok, testNow); err != nil {
			t.Fatalf("cache %d: VerifyAt(now): %v", cache, err)
		}
		if _, err := v.VerifyAt(tok, testNow.Add(30*time.Minute)); err != nil {
			t.Fatalf("cache %d: VerifyAt(now+30m): %v", cache, err)
		}
		_, err = v.VerifyAt(tok, testNow.Add(time.Hour))
		wantCode(t, err, CodeExpired)
		_, err = v.VerifyAt(tok, testNow.Add(-2*time.Minute))
		wantCode(t, err, CodeIssuedInFuture)
	}
}

func TestParseClaimsAndHeader(t *testing.T) {
	t.Parallel()
	c, err := ParseClaims([]byte(`{"sub":"alice","exp":1700003600}`))
	if err != nil || c.Subject != "alice" || !c.ExpiresAt.Equal(time.Unix(1700003600, 0)) {
		t.Errorf("ParseClaims = %+v, %v", c, err)
	}
	for _, bad := range []string{`{"exp":"1"}`, `{"sub":1}`, `{"a":1,"a":2}`, `[]`, ``, `{"aud":{}}`} {
		c, err := ParseClaims([]byte(bad))
		wantCode(t, err, CodeMalformed)
		if c != nil {
			t.Errorf("ParseClaims(%s) returned claims with an error", bad)
		}
	}
	h, err := ParseHeader([]byte(`{"alg":"ES256","kid":"k","typ":"JWT","crit":["x"],"x":1}`))
	if err != nil || h.Algorithm != "ES256" || h.KeyID != "k" || h.Type != "JWT" || !reflect.DeepEqual(h.Critical, []string{"x"}) {
		t.Errorf("ParseHeader = %+v, %v", h, err)
	}
	for _, bad := range []string{`{"kid":"k"}`, `{"alg":"ES256","alg":"none"}`, `{"alg":1}`, `{"alg":"ES256","zip":"DEF"}`, `{"alg":"ES256","crit":[]}`, `null`} {
		h, err := ParseHeader([]byte(bad))
		wantCode(t, err, CodeMalformed)
		if h != nil {
			t.Errorf("ParseHeader(%s) returned a header with an error", bad)
		}
	}
}

func TestRequireKeyID(t *testing.T) {
	t.Parallel()
	a := fixedKey(t, "p256")
	b, err := GenerateKey(KeyParams{Alg: "ES256", KeyID: "b"})
	if err != nil {
		t.Fatal(err)
	}
	claims := claimsJSON(t, map[string]any{"exp": testNow.Add(time.Hour).Unix()})
	noKID := mustSign(t, a, claims, WithKeyID(""))
	p := Policy{Algorithms: []string{"ES256"}, RequireKeyID: true}

	// One key: nothing to choose, so no kid is needed.
	v := mustVerifier(t, mustSet(t, a.Public()), p, WithClock(at(testNow)))
	if _, err := v.Verify(noKID); err != nil {
		t.Fatalf("one key: %v", err)
	}
	// Two keys: the token must say which.
	v = mustVerifier(t, mustSet(t, a.Public(), b.Public()), p, WithClock(at(testNow)))
	_, err = v.Verify(noKID)
	wantCode(t, err, CodeUnknownKID)
	if v.Keys().Len() != 2 {
		t.Errorf("Keys() has %d keys", v.Keys().Len())
	}
	if _, err := v.Verify(mustSign(t, a, claims)); err != nil {
		t.Fatalf("with a kid: %v", err)
	}
	// Without the policy, each key is tried.
	p.RequireKeyID = false
	v = mustVerifier(t, mustSet(t, a.Public(), b.Public()), p, WithClock(at(testNow)))
	if _, err := v.Verify(noKID); err != nil {
		t.Fatalf("without RequireKeyID: %v", err)
	}
}
