package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// TestJWKSStage walks a staged rotation: the staged key is published at
// once but signs only after the next plain rotate.
func TestJWKSStage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir, "--alg", "ES256")
	r := jw(t, "", "jwks", "rotate", "--stage", k.signing)
	wantExit(t, r, exitOK, "")
	set := parseJWKS(t, readFile(t, k.signing))
	if len(set.Keys) != 2 || set.Keys[0]["kid"] != k.kid || set.Keys[1]["d"] == nil {
		t.Fatalf("after --stage: want the active key, then a private staged key: %v", set.Keys)
	}
	staged := set.Keys[1]["kid"].(string)
	if !strings.Contains(r.stdout, "staged key: "+staged) {
		t.Errorf("rotate --stage reported:\n%s", r.stdout)
	}
	// Published: the staged key's public part is in the public set.
	pub := parseJWKS(t, []byte(mustRun(t, "", "jwks", "public", k.signing)))
	checkPublicOnly(t, pub)
	if len(pub.Keys) != 2 || pub.Keys[1]["kid"] != staged {
		t.Errorf("published %v, want the staged key too", pub.Keys)
	}
	// Not yet signing.
	if h, _ := tokenParts(t, sign(t, k)); h["kid"] != k.kid {
		t.Errorf("a token signed with a staged set carries kid %v, want the active %s", h["kid"], k.kid)
	}
	// A second --stage is refused; key flags with a staged key too.
	wantExit(t, jw(t, "", "jwks", "rotate", "--stage", k.signing), exitUsage, "invalid_argument")
	r = jw(t, "", "jwks", "rotate", "--type", "rsa", k.signing)
	if msg := wantExit(t, r, exitUsage, "invalid_argument"); !strings.Contains(msg, "--type does not apply") {
		t.Errorf("message %q", msg)
	}
	// The plain rotate promotes it.
	r = jw(t, "", "jwks", "rotate", k.signing)
	wantExit(t, r, exitOK, "")
	set = parseJWKS(t, readFile(t, k.signing))
	if len(set.Keys) != 2 || set.Keys[0]["kid"] != staged || set.Keys[1]["kid"] != k.kid {
		t.Fatalf("after promotion: %v", set.Keys)
	}
	checkPublicOnly(t, jwks{Keys: set.Keys[1:]})
	if h, _ := tokenParts(t, sign(t, k)); h["kid"] != staged {
		t.Errorf("after promotion tokens carry kid %v, want %s", h["kid"], staged)
	}
	// Secrets cannot be staged.
	secret := filepath.Join(dir, "secret.jwks")
	mustRun(t, "", "keygen", "--type", "oct", "--format", "jwks", "-o", secret)
	wantExit(t, jw(t, "", "jwks", "rotate", "--stage", secret), exitUsage, "invalid_argument")
}

// TestJWKSRetireRemove: retire keeps a key public only, remove drops it,
// and neither touches the active key.
func TestJWKSRetireRemove(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	old := sign(t, k, "--now", t0)
	mustRun(t, "", "jwks", "rotate", "--stage", k.signing)
	staged := parseJWKS(t, readFile(t, k.signing)).Keys[1]["kid"].(string)

	r := jw(t, "", "jwks", "retire", k.signing, "--", staged)
	wantExit(t, r, exitOK, "")
	set := parseJWKS(t, readFile(t, k.signing))
	if len(set.Keys) != 2 || set.Keys[1]["kid"] != staged {
		t.Fatalf("after retire: %v", set.Keys)
	}
	checkPublicOnly(t, jwks{Keys: set.Keys[1:]})
	// No longer staged: a plain rotate makes a fresh key.
	mustRun(t, "", "jwks", "rotate", k.signing)
	set = parseJWKS(t, readFile(t, k.signing))
	if set.Keys[0]["kid"] == staged || set.Keys[0]["kid"] == k.kid || len(set.Keys) != 3 {
		t.Fatalf("rotate after retire: %v", set.Keys)
	}
	active := set.Keys[0]["kid"].(string)

	// The active key is neither retired nor removed; unknown kids neither.
	for _, cmd := range []string{"retire", "remove"} {
		r := jw(t, "", "jwks", cmd, k.signing, "--", active) // a kid may start with "-"
		if msg := wantExit(t, r, exitUsage, "invalid_argument"); !strings.Contains(msg, "active signing key") {
			t.Errorf("%s active: %q", cmd, msg)
		}
		wantExit(t, jw(t, "", "jwks", cmd, k.signing, "nope"), exitUsage, "invalid_argument")
	}

	// The old key still verifies old tokens until it is removed.
	public := filepath.Join(dir, "now.jwks")
	mustRun(t, "", "jwks", "public", k.signing, "-o", public)
	wantExit(t, jw(t, "", "verify", "--jwks", public, "--alg", "ES256", "--now", at(time.Minute), old), exitOK, "")
	r = jw(t, "", "jwks", "remove", k.signing, "--", k.kid)
	wantExit(t, r, exitOK, "")
	if !strings.Contains(r.stdout, "removed: "+k.kid) {
		t.Errorf("remove reported:\n%s", r.stdout)
	}
	mustRun(t, "", "jwks", "public", "--force", k.signing, "-o", public)
	wantExit(t, jw(t, "", "verify", "--jwks", public, "--alg", "ES256", "--now", at(time.Minute), old), exitRejected, "unknown_kid")
}

// TestJWKSRotateKeep: --keep 0 keeps no retiring key (not "all"), and a
// set at the key limit fails with a hint naming --keep.
func TestJWKSRotateKeep(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	mustRun(t, "", "jwks", "rotate", k.signing)
	mustRun(t, "", "jwks", "rotate", "--keep", "0", k.signing)
	if n := len(parseJWKS(t, readFile(t, k.signing)).Keys); n != 1 {
		t.Errorf("--keep 0 left %d keys, want the active key only", n)
	}

	// A set of MaxKeySetKeys keys: one more is over the limit.
	var keys []*core.Key
	for range core.MaxKeySetKeys {
		key, err := core.GenerateKey(core.KeyParams{Type: core.KeyTypeEC})
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) > 0 {
			key = key.Public()
		}
		keys = append(keys, key)
	}
	full, err := core.NewKeySet(keys...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := full.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, dir, "full.jwks", b)
	r := jw(t, "", "jwks", "rotate", path)
	wantExit(t, r, exitUsage, "too_large")
	if h := strings.Join(hints(r.stderr), " "); !strings.Contains(h, "--keep") {
		t.Errorf("no hint naming --keep:\n%s", r.stderr)
	}
	if got := readFile(t, path); string(got) != string(b) {
		t.Error("the refused rotation changed the set")
	}
	mustRun(t, "", "jwks", "rotate", "--keep", "10", path)
}

// TestJWKSRotateMixed: rotating a set to a key of the other kind (an HMAC
// secret into an asymmetric set, or back) is refused.
func TestJWKSRotateMixed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	before := readFile(t, k.signing)
	for _, args := range [][]string{{"--alg", "HS256"}, {"--type", "oct"}} {
		r := jw(t, "", append(append([]string{"jwks", "rotate"}, args...), k.signing)...)
		if msg := wantExit(t, r, exitUsage, "invalid_argument"); !strings.Contains(msg, "HMAC secret") || !strings.Contains(msg, "asymmetric") {
			t.Errorf("%q: message %q", args, msg)
		}
	}
	secret := filepath.Join(dir, "secret.jwks")
	mustRun(t, "", "keygen", "--type", "oct", "--format", "jwks", "-o", secret)
	wantExit(t, jw(t, "", "jwks", "rotate", "--alg", "ES256", secret), exitUsage, "invalid_argument")
	if got, _ := os.ReadFile(k.signing); string(got) != string(before) {
		t.Error("a refused rotation changed the set")
	}
}
