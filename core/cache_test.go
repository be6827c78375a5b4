package core

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// clockAt is a settable clock for one goroutine.
type clockAt struct{ t time.Time }

func (c *clockAt) now() time.Time { return c.t }

func TestCacheHit(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	v := mustVerifier(t, mustSet(t, es.Public()), Policy{Algorithms: []string{"ES256"}}, WithClock(at(testNow)), WithCache(8))
	tok := mustSign(t, es, validClaims(t))
	first, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if v.cache.Len() != 1 {
		t.Fatalf("cache holds %d tokens after one verify, want 1", v.cache.Len())
	}
	second, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if !servedFromCache(first, second) {
		t.Error("the second verify of the same token was not a cache hit")
	}
	// Failures and forbidden tokens are not cached.
	_, _ = v.Verify(testkit.FlipSignatureBit(t, tok, 1))
	_, _ = v.Verify("garbage")
	if v.cache.Len() != 1 {
		t.Errorf("cache holds %d tokens, want 1: a failure was cached", v.cache.Len())
	}
	rules := mustVerifier(t, mustSet(t, es.Public()), Policy{Algorithms: []string{"ES256"}, Require: []string{"role=admin"}}, WithClock(at(testNow)), WithCache(8))
	for range 2 {
		tk, err := rules.Verify(tok)
		wantCode(t, err, CodeForbidden)
		if tk == nil {
			t.Fatal("forbidden without the token")
		}
	}
	if rules.cache.Len() != 0 {
		t.Error("a forbidden token was cached")
	}
	// Without WithCache there is no cache, and each verify is fresh.
	plain := mustVerifier(t, mustSet(t, es.Public()), Policy{Algorithms: []string{"ES256"}}, WithClock(at(testNow)))
	a, _ := plain.Verify(tok)
	b, _ := plain.Verify(tok)
	if plain.cache != nil || servedFromCache(a, b) {
		t.Error("a verifier without WithCache cached")
	}
}

// TestCacheHitIsACopy changes a verified token in every way a caller can
// and checks that the next caller of the same token, served from the
// cache, sees it as verified: the first result (stored by Put) and a hit
// (returned by Get) are each the caller's own.
func TestCacheHitIsACopy(t *testing.T) {
	t.Parallel()
	key := fixedKey(t, "oct")
	hdr := `{"alg":"HS256","kid":"hmac-1","crit":["x-ext"],"x-ext":1}`
	claims := `{"iss":"https://issuer.example","aud":["api","web"],"exp":` + sec(time.Hour) + `,"role":"user"}`
	tok := rawToken(t, key, "HS256", hdr, claims)
	policy := Policy{Algorithms: []string{"HS256"}, Audiences: []string{"api"}, Critical: []string{"x-ext"}}
	tests := []struct {
		name   string
		mutate func(*Token)
	}{
		{"issuer", func(tk *Token) { tk.Claims.Issuer = "https://evil.example" }},
		{"audience entry", func(tk *Token) { tk.Claims.Audience[0] = "evil" }},
		{"audience appended", func(tk *Token) { tk.Claims.Audience = append(tk.Claims.Audience[:1], "evil") }},
		{"expiry", func(tk *Token) { tk.Claims.ExpiresAt = time.Time{} }},
		{"claim value bytes", func(tk *Token) { v, _ := tk.Claims.Get("role"); copy(v, `"root"`) }},
		{"algorithm", func(tk *Token) { tk.Header.Algorithm = "none" }},
		{"crit entry", func(tk *Token) { tk.Header.Critical[0] = "evil" }},
		{"header value bytes", func(tk *Token) { v, _ := tk.Header.Get("x-ext"); v[0] = '9' }},
		{"claims replaced", func(tk *Token) { tk.Claims = &Claims{Issuer: "evil"} }},
		{"key replaced", func(tk *Token) { tk.Key = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustVerifier(t, mustSet(t, key), policy, WithClock(at(testNow)), WithCache(4))
			first, err := v.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			tt.mutate(first) // the result the cache stored
			second, err := v.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			if !servedFromCache(second, mustVerifyCached(t, v, tok)) {
				t.Fatal("the token was not served from the cache")
			}
			checkUnchanged(t, "after changing the first result", second)
			tt.mutate(second) // a result the cache served
			checkUnchanged(t, "after changing a cache hit", mustVerifyCached(t, v, tok))
		})
	}
}

func mustVerifyCached(t *testing.T, v *Verifier, tok string) *Token {
	t.Helper()
	got, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// checkUnchanged checks a token of TestCacheHitIsACopy against its claims
// and header as signed.
func checkUnchanged(t *testing.T, when string, tk *Token) {
	t.Helper()
	if tk.Claims == nil || tk.Header == nil || tk.Key == nil {
		t.Fatalf("%s: token %+v lost a part", when, tk)
	}
	role, _ := tk.Claims.Get("role")
	ext, _ := tk.Header.Get("x-ext")
	got := fmt.Sprintf("%s %q %v %s | %s %q %s %s", tk.Claims.Issuer, tk.Claims.Audience, tk.Claims.ExpiresAt.Unix(), role,
		tk.Header.Algorithm, tk.Header.Critical, ext, tk.Key.KeyID())
	want := fmt.Sprintf("https://issuer.example [\"api\" \"web\"] %s \"user\" | HS256 [\"x-ext\"] 1 hmac-1", sec(time.Hour))
	if got != want {
		t.Errorf("%s: the cache served\n%s\nwant\n%s", when, got, want)
	}
}

// TestCacheWindow checks that a cached verdict is never served where a
// fresh verification would refuse the token.
func TestCacheWindow(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	set := mustSet(t, es.Public())
	tests := []struct {
		name   string
		claims map[string]any
		policy Policy
		later  time.Duration // clock move after the first verify
		want   Code          // 0: still valid (a hit)
	}{
		{"before exp: hit", map[string]any{"exp": testNow.Add(time.Hour).Unix()}, Policy{}, 59 * time.Minute, 0},
		{"at exp: expired", map[string]any{"exp": testNow.Add(time.Hour).Unix()}, Policy{}, time.Hour, CodeExpired},
		{"after exp: expired", map[string]any{"exp": testNow.Add(time.Hour).Unix()}, Policy{}, 2 * time.Hour, CodeExpired},
		{"within leeway: hit", map[string]any{"exp": testNow.Add(time.Hour).Unix()}, Policy{Leeway: time.Minute}, time.Hour + 59*time.Second, 0},
		{"at exp plus leeway: expired", map[string]any{"exp": testNow.Add(time.Hour).Unix()}, Policy{Leeway: time.Minute}, time.Hour + time.Minute, CodeExpired},
		{"over max age: expired", map[string]any{"exp": testNow.Add(24 * time.Hour).Unix(), "iat": testNow.Unix()}, Policy{MaxAge: time.Hour}, time.Hour + time.Second, CodeExpired},
		{"within max age: hit", map[string]any{"exp": testNow.Add(24 * time.Hour).Unix(), "iat": testNow.Unix()}, Policy{MaxAge: time.Hour}, 59 * time.Minute, 0},
		{"clock back before nbf", map[string]any{"exp": testNow.Add(time.Hour).Unix(), "nbf": testNow.Unix()}, Policy{}, -time.Second, CodeNotYetValid},
		{"clock back within nbf leeway", map[string]any{"exp": testNow.Add(time.Hour).Unix(), "nbf": testNow.Unix()}, Policy{Leeway: time.Minute}, -time.Minute, 0},
		{"clock back before iat", map[string]any{"exp": testNow.Add(time.Hour).Unix(), "iat": testNow.Unix()}, Policy{}, -time.Second, CodeIssuedInFuture},
		{"clock back before iat, within leeway", map[string]any{"exp": testNow.Add(time.Hour).Unix(), "iat": testNow.Unix()}, Policy{Leeway: time.Minute}, -30 * time.Second, 0},
		{"no exp allowed: hit much later", map[string]any{"sub": "x"}, Policy{AllowNoExpiry: true}, 1000 * time.Hour, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := &clockAt{t: testNow}
			p := tt.policy
			p.Algorithms = []string{"ES256"}
			cached := mustVerifier(t, set, p, WithClock(clock.now), WithCache(4))
			fresh := mustVerifier(t, set, p, WithClock(clock.now))
			tok := mustSign(t, es, claimsJSON(t, tt.claims))
			first, err := cached.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			clock.t = testNow.Add(tt.later)
			got, err := cached.Verify(tok)
			checkErr(t, err, tt.want)
			// The cached verifier agrees with a fresh one.
			_, ferr := fresh.Verify(tok)
			if CodeOf(err) != CodeOf(ferr) {
				t.Errorf("cached verdict %v, fresh verdict %v", err, ferr)
			}
			if tt.want == 0 && !servedFromCache(first, got) {
				t.Error("a token inside its window was not a hit")
			}
			if tt.want != 0 && cached.cache.Len() != 0 {
				t.Error("the stale entry stayed in the cache")
			}
		})
	}
}

func TestCacheUpdateKeys(t *testing.T) {
	t.Parallel()
	// Kids of their own: a lone key without one would verify any kid.
	es := fixedKey(t, "p256").WithKeyID("es")
	ed := fixedKey(t, "ed").WithKeyID("ed")
	v := mustVerifier(t, mustSet(t, es.Public(), ed.Public()), Policy{Algorithms: []string{"ES256", "EdDSA"}}, WithClock(at(testNow)), WithCache(4))
	tok := mustSign(t, es, validClaims(t))
	first, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	// A new set that still has the key: verified again, not served stale.
	if err := v.UpdateKeys(mustSet(t, ed.Public(), es.Public())); err != nil {
		t.Fatal(err)
	}
	again, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if servedFromCache(first, again) {
		t.Error("a verdict from the old key set was served after UpdateKeys")
	}
	// A set without the key: refused at once.
	if err := v.UpdateKeys(mustSet(t, ed.Public())); err != nil {
		t.Fatal(err)
	}
	_, err = v.Verify(tok)
	wantCode(t, err, CodeUnknownKID)
	// Back to a set with the key.
	if err := v.UpdateKeys(mustSet(t, es.Public())); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(tok); err != nil {
		t.Fatal(err)
	}
}

func TestCacheEviction(t *testing.T) {
	t.Parallel()
	key := fixedKey(t, "oct")
	v := mustVerifier(t, mustSet(t, key), Policy{Algorithms: []string{"HS256"}}, WithClock(at(testNow)), WithCache(2))
	toks := make([]string, 3)
	for i := range toks {
		toks[i] = mustSign(t, key, claimsJSON(t, map[string]any{"n": i, "exp": testNow.Add(time.Hour).Unix()}))
	}
	verify := func(i int) *Token {
		t.Helper()
		tk, err := v.Verify(toks[i])
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	a, b, _ := verify(0), verify(1), verify(2) // a is evicted by c
	if n := v.cache.Len(); n != 2 {
		t.Fatalf("cache holds %d, want 2", n)
	}
	if !servedFromCache(b, verify(1)) {
		t.Error("b, recently used, was evicted")
	}
	// Order now b, c: verifying a again evicts c, the least recently used.
	if servedFromCache(a, verify(0)) {
		t.Error("a was not evicted")
	}
	if v.cache.Len() != 2 {
		t.Fatalf("cache holds %d, want 2", v.cache.Len())
	}
	if !servedFromCache(b, verify(1)) {
		t.Error("b was evicted instead of c")
	}
	// Many more tokens never grow it.
	for i := range 50 {
		if _, err := v.Verify(mustSign(t, key, claimsJSON(t, map[string]any{"i": i, "exp": testNow.Add(time.Hour).Unix()}))); err != nil {
			t.Fatal(err)
		}
	}
	if v.cache.Len() != 2 {
		t.Errorf("cache holds %d after 50 tokens, want 2", v.cache.Len())
	}
}

// TestCacheConcurrent runs verifications, with hits, misses and key
// updates, from many goroutines; run with -race.
func TestCacheConcurrent(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	ed := fixedKey(t, "ed")
	setA := mustSet(t, es.Public(), ed.Public())
	setB := mustSet(t, ed.Public(), es.Public())
	v := mustVerifier(t, setA, Policy{Algorithms: []string{"ES256", "EdDSA"}}, WithClock(at(testNow)), WithCache(4))
	var toks []string
	for i := range 8 {
		k := es
		if i%2 == 1 {
			k = ed
		}
		toks = append(toks, mustSign(t, k, claimsJSON(t, map[string]any{"i": i, "exp": testNow.Add(time.Hour).Unix()})))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				tk, err := v.Verify(toks[(g+i)%len(toks)])
				if err != nil || tk.Claims == nil {
					errs <- fmt.Errorf("goroutine %d: %v", g, err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 100 {
			set := setA
			if i%2 == 1 {
				set = setB
			}
			if err := v.UpdateKeys(set); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := v.cache.Len(); n > 4 {
		t.Errorf("cache holds %d, over its size 4", n)
	}
}
