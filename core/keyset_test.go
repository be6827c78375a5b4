package core

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func kids(s *KeySet) []string {
	var out []string
	for _, k := range s.Keys() {
		out = append(out, k.KeyID())
	}
	return out
}

func TestRotate(t *testing.T) {
	t.Parallel()
	k1 := fixedKey(t, "p256").WithKeyID("k1")
	k2, err := GenerateKey(KeyParams{Type: KeyTypeEC})
	if err != nil {
		t.Fatal(err)
	}
	set := mustSet(t, k1)
	if set.Active() != k1 {
		t.Fatal("the first private key is not active")
	}
	// A token signed before the rotation.
	before := mustSign(t, set.Active(), validClaims(t))

	rotated, err := set.Rotate(k2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 1 || set.Active() != k1 {
		t.Fatal("Rotate changed the original set")
	}
	if rotated.Active() != k2 {
		t.Fatalf("active key is %s, want k2", rotated.Active().KeyID())
	}
	if want := []string{k2.KeyID(), "k1"}; !reflect.DeepEqual(kids(rotated), want) {
		t.Fatalf("rotated kids = %q, want %q", kids(rotated), want)
	}
	retired := rotated.Lookup("k1")
	if retired == nil || retired.IsPrivate() || !retired.Equal(k1) {
		t.Fatalf("k1 in the rotated set: %v (want its public part)", retired)
	}

	// The published set verifies old and new tokens; new ones carry k2's kid.
	v := mustVerifier(t, rotated.Public(), Policy{Algorithms: []string{"ES256"}}, WithClock(at(testNow)))
	if tok, err := v.Verify(before); err != nil || tok.Key.KeyID() != "k1" {
		t.Fatalf("token signed before the rotation: %v", err)
	}
	after := mustSign(t, rotated.Active(), validClaims(t))
	h, _, _ := tokenParts(t, after)
	if h["kid"] != k2.KeyID() {
		t.Errorf("new token kid = %v, want %s", h["kid"], k2.KeyID())
	}
	if tok, err := v.Verify(after); err != nil || tok.Key.KeyID() != k2.KeyID() {
		t.Fatalf("token signed after the rotation: %v", err)
	}

	// keep=1 drops the oldest.
	k3, _ := GenerateKey(KeyParams{Type: KeyTypeOKP})
	again, err := rotated.Rotate(k3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{k3.KeyID(), k2.KeyID()}; !reflect.DeepEqual(kids(again), want) {
		t.Fatalf("keep=1: kids = %q, want %q", kids(again), want)
	}
	if again.Lookup(k2.KeyID()).IsPrivate() {
		t.Error("the retiring key kept its private part")
	}
	v2 := mustVerifier(t, again.Public(), Policy{Algorithms: []string{"ES256", "EdDSA"}}, WithClock(at(testNow)))
	_, err = v2.Verify(before)
	wantCode(t, err, CodeUnknownKID)
	// keep=2 keeps both, keep=0 all.
	if got, _ := rotated.Rotate(k3, 2); got.Len() != 3 {
		t.Errorf("keep=2: %d keys, want 3", got.Len())
	}
	if got, _ := again.Rotate(fixedKey(t, "p384"), 0); got.Len() != 3 {
		t.Errorf("keep=0: %d keys, want 3", got.Len())
	}
}

func TestRotateErrors(t *testing.T) {
	t.Parallel()
	k1 := fixedKey(t, "p256")
	set := mustSet(t, k1)
	_, err := set.Rotate(nil, 0)
	wantCode(t, err, CodeInvalidArgument)
	_, err = set.Rotate(fixedKey(t, "ed").Public(), 0)
	wantCode(t, err, CodeInvalidArgument)
	// The new key under a kid the set already has.
	_, err = set.Rotate(fixedKey(t, "ed").WithKeyID(k1.KeyID()), 0)
	wantCode(t, err, CodeInvalidKey)
}

// TestRotateSecrets: a secret has no public part, so a retiring secret is
// kept whole (it is what verifies), and the published set leaves it out.
func TestRotateSecrets(t *testing.T) {
	t.Parallel()
	s1 := fixedKey(t, "oct")
	s2, _ := GenerateKey(KeyParams{Type: KeyTypeOct})
	rotated, err := mustSet(t, s1).Rotate(s2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Len() != 2 || !rotated.Lookup(s1.KeyID()).IsPrivate() {
		t.Fatal("the retiring secret was not kept")
	}
	if rotated.Public().Len() != 0 {
		t.Error("the published set has secrets")
	}
	v := mustVerifier(t, rotated, Policy{Algorithms: []string{"HS256"}}, WithClock(at(testNow)))
	if _, err := v.Verify(mustSign(t, s1, validClaims(t))); err != nil {
		t.Errorf("old secret's token: %v", err)
	}
}

// TestStageAndPromote: a staged key is published but does not sign until
// Promote makes it active; keep bounds the retiring keys, 0 keeping none.
func TestStageAndPromote(t *testing.T) {
	t.Parallel()
	k1 := fixedKey(t, "p256").WithKeyID("k1")
	k2, _ := GenerateKey(KeyParams{Type: KeyTypeEC})
	k3, _ := GenerateKey(KeyParams{Type: KeyTypeOKP})
	rotated, err := mustSet(t, k1).Rotate(k2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Staged() != nil {
		t.Fatal("a rotated set has a staged key")
	}
	staged, err := rotated.Stage(k3, -1)
	if err != nil {
		t.Fatal(err)
	}
	if staged.Active() != k2 || staged.Staged() != k3 {
		t.Fatalf("after Stage: active %v, staged %v", staged.Active(), staged.Staged())
	}
	if want := []string{k2.KeyID(), k3.KeyID(), "k1"}; !reflect.DeepEqual(kids(staged), want) {
		t.Fatalf("staged kids = %q, want %q", kids(staged), want)
	}
	if pub := staged.Public().Lookup(k3.KeyID()); pub == nil || pub.IsPrivate() {
		t.Error("the staged key is not published as a public key")
	}
	if _, err := staged.Stage(k1, -1); !errors.Is(err, CodeInvalidArgument) {
		t.Errorf("a second Stage: %v", err)
	}
	if got, _ := rotated.Stage(k3, 0); !reflect.DeepEqual(kids(got), []string{k2.KeyID(), k3.KeyID()}) {
		t.Errorf("Stage keep=0: %q", kids(got))
	}

	promoted, err := staged.Promote(nil, -1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{k3.KeyID(), k2.KeyID(), "k1"}; !reflect.DeepEqual(kids(promoted), want) {
		t.Fatalf("promoted kids = %q, want %q", kids(promoted), want)
	}
	if promoted.Active() != k3 || promoted.Staged() != nil || promoted.Lookup(k2.KeyID()).IsPrivate() {
		t.Error("after Promote: the staged key is not active alone")
	}
	if got, _ := staged.Promote(nil, 0); !reflect.DeepEqual(kids(got), []string{k3.KeyID()}) {
		t.Errorf("Promote keep=0: %q, want the new active key only", kids(got))
	}
	if got, _ := staged.Promote(nil, 1); !reflect.DeepEqual(kids(got), []string{k3.KeyID(), k2.KeyID()}) {
		t.Errorf("Promote keep=1: %q", kids(got))
	}
	if _, err := rotated.Promote(nil, -1); !errors.Is(err, CodeInvalidArgument) {
		t.Errorf("Promote without a staged key: %v", err)
	}
	// Secrets are never staged.
	s1 := fixedKey(t, "oct")
	s2, _ := GenerateKey(KeyParams{Type: KeyTypeOct})
	if _, err := mustSet(t, s1).Stage(s2, -1); !errors.Is(err, CodeInvalidArgument) {
		t.Errorf("Stage of a secret: %v", err)
	}
	if r, _ := mustSet(t, s1).Rotate(s2, 0); r.Staged() != nil {
		t.Error("a retiring secret counts as staged")
	}
}

// TestRetireAndRemove: a retired key keeps its public part, a removed one
// is gone; neither may touch the active key.
func TestRetireAndRemove(t *testing.T) {
	t.Parallel()
	k1 := fixedKey(t, "p256").WithKeyID("k1")
	k2, _ := GenerateKey(KeyParams{Type: KeyTypeOKP})
	staged, err := mustSet(t, k1).Stage(k2, -1)
	if err != nil {
		t.Fatal(err)
	}
	retired, err := staged.Retire(k2.KeyID())
	if err != nil {
		t.Fatal(err)
	}
	if k := retired.Lookup(k2.KeyID()); k == nil || k.IsPrivate() || retired.Staged() != nil {
		t.Errorf("Retire: %v", retired)
	}
	removed, err := staged.Remove(k2.KeyID())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kids(removed), []string{"k1"}) {
		t.Errorf("Remove: %q", kids(removed))
	}
	for _, f := range []func(string) (*KeySet, error){staged.Retire, staged.Remove} {
		_, err := f("k1")
		wantCode(t, err, CodeInvalidArgument)
		_, err = f("nope")
		wantCode(t, err, CodeInvalidArgument)
	}
	s1 := fixedKey(t, "oct")
	s2, _ := GenerateKey(KeyParams{Type: KeyTypeOct})
	secrets, _ := mustSet(t, s1).Rotate(s2, 0)
	_, err = secrets.Retire(s1.KeyID())
	wantCode(t, err, CodeInvalidArgument)
	if got, err := secrets.Remove(s1.KeyID()); err != nil || got.Len() != 1 {
		t.Errorf("Remove of a retiring secret: %v", err)
	}
}

func TestActive(t *testing.T) {
	t.Parallel()
	if mustSet(t).Active() != nil {
		t.Error("empty set has an active key")
	}
	if mustSet(t, fixedKey(t, "ed").Public(), fixedKey(t, "p256")).Active() != nil {
		t.Error("a set whose first key is public has an active key")
	}
	if k := fixedKey(t, "oct"); mustSet(t, k).Active() != k {
		t.Error("a secret first is not active")
	}
}

func TestMergeKeySets(t *testing.T) {
	t.Parallel()
	a := fixedKey(t, "p256").Public()
	b := fixedKey(t, "ed").Public()
	c := fixedKey(t, "rsa").Public()
	s1 := mustSet(t, a, b)
	s2 := mustSet(t, b, c)
	merged, err := MergeKeySets(s1, s2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{a.KeyID(), b.KeyID(), c.KeyID()}; !reflect.DeepEqual(kids(merged), want) {
		t.Errorf("merged kids = %q, want %q (in order, b once)", kids(merged), want)
	}
	// The same key under one kid, private in one set and public in the
	// other, is one key.
	priv := fixedKey(t, "p256")
	if m, err := MergeKeySets(mustSet(t, priv), mustSet(t, priv.Public())); err != nil || m.Len() != 1 {
		t.Errorf("private and public of one key: %v, %v", m, err)
	}
	// Two different keys under one kid.
	clash := fixedKey(t, "p384").WithKeyID(a.KeyID())
	_, err = MergeKeySets(s1, mustSet(t, clash))
	wantCode(t, err, CodeInvalidKey)
	// The same key under two kids is two entries.
	if m, err := MergeKeySets(s1, mustSet(t, a.WithKeyID("alias"))); err != nil || m.Len() != 3 {
		t.Errorf("one key under two kids: %v, %v", m, err)
	}
	// Nothing and one.
	if m, err := MergeKeySets(); err != nil || m.Len() != 0 {
		t.Errorf("MergeKeySets() = %v, %v", m, err)
	}
	// Over the limit.
	var many []*Key
	for range MaxKeySetKeys {
		k, _ := GenerateKey(KeyParams{Type: KeyTypeOKP})
		many = append(many, k.Public())
	}
	_, err = MergeKeySets(mustSet(t, many...), mustSet(t, a))
	wantCode(t, err, CodeTooLarge)
}

func TestKeySetAccessors(t *testing.T) {
	t.Parallel()
	a, b := fixedKey(t, "p256"), fixedKey(t, "ed")
	set := mustSet(t, a, b)
	if set.Lookup(b.KeyID()) != b || set.Lookup("nope") != nil {
		t.Error("Lookup")
	}
	keys := set.Keys()
	keys[0] = nil
	if set.Keys()[0] != a {
		t.Error("Keys returned the set's own slice")
	}
	in := []*Key{a, b}
	set2 := mustSet(t, in...)
	in[0] = nil
	if set2.Keys()[0] != a {
		t.Error("NewKeySet kept the caller's slice")
	}
}

// TestSecretsWithoutKeyID: a secret read without "kid" keeps none (its
// thumbprint would be a hash of it), so a set may hold several.
func TestSecretsWithoutKeyID(t *testing.T) {
	t.Parallel()
	a, _ := NewSecretKey([]byte(strings.Repeat("a", 32)))
	b, _ := NewSecretKey([]byte(strings.Repeat("b", 32)))
	if a.KeyID() != "" || b.KeyID() != "" {
		t.Fatalf("kids %q %q, want none", a.KeyID(), b.KeyID())
	}
	set, err := NewKeySet(a, b)
	if err != nil {
		t.Fatalf("two secrets without kid: %v", err)
	}
	// A token without kid is tried against both.
	v := mustVerifier(t, set, Policy{Algorithms: []string{"HS256"}}, WithClock(at(testNow)))
	tok := mustSign(t, b, validClaims(t))
	if h, _, _ := tokenParts(t, tok); h["kid"] != nil {
		t.Errorf("token of a kid-less secret has kid %v", h["kid"])
	}
	if got, err := v.Verify(tok); err != nil || !got.Key.Equal(b) {
		t.Fatalf("verify: %v", err)
	}
	// "kid":"" is no kid.
	if _, err := v.Verify(rawToken(t, a, "HS256", `{"alg":"HS256","kid":""}`, string(validClaims(t)))); err != nil {
		t.Errorf("empty kid: %v", err)
	}
	// Merging keeps one copy of the same secret, and both different ones.
	m, err := MergeKeySets(set, mustSet(t, a))
	if err != nil || m.Len() != 2 {
		t.Errorf("merge with a duplicate secret: %v, %d keys", err, m.Len())
	}
	c, _ := NewSecretKey([]byte(strings.Repeat("c", 32)))
	m, err = MergeKeySets(set, mustSet(t, c))
	if err != nil || m.Len() != 3 {
		t.Errorf("merge with a new secret: %v, %d keys", err, m.Len())
	}
	// From JSON, the same.
	parsed, err := ParseKeySet([]byte(`{"keys":[{"kty":"oct","k":"` + b64.EncodeToString(a.secret) + `"},{"kty":"oct","k":"` + b64.EncodeToString(b.secret) + `"}]}`))
	if err != nil || parsed.Len() != 2 || parsed.Keys()[0].KeyID() != "" {
		t.Fatalf("JWKS of kid-less secrets: %v", err)
	}
	// Named secrets still may not share a kid.
	_, err = NewKeySet(a.WithKeyID("s"), b.WithKeyID("s"))
	wantCode(t, err, CodeInvalidKey)
}

// TestKeySetNotText: key documents are text (JSON is UTF-8, PEM is ASCII);
// other bytes are refused before any parser sees them.
func TestKeySetNotText(t *testing.T) {
	t.Parallel()
	pub, err := os.ReadFile(filepath.Join("testdata", "keys", "ec-p256.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range [][]byte{[]byte("{\xff}"), append([]byte("caf\xe9\n"), pub...)} {
		_, err := ParseKeySet(doc)
		checkErr(t, err, CodeInvalidKey)
		if !strings.Contains(MessageOf(err), "not UTF-8") {
			t.Errorf("%q: %v", doc, err)
		}
	}
	if _, err := ParseKeySet(append([]byte("café\n"), pub...)); err != nil {
		t.Errorf("UTF-8 text before a PEM block: %v", err)
	}
}

// TestBareKeyAnyKID pins which key documents verify a token whatever its
// "kid": a single key with no kid of its own (PEM, a certificate, a JWK or
// one-key JWKS without "kid"), as panva's jose and jwt-cli do. A key with
// a kid of its own, or one of several keys, keeps strict kid matching.
func TestBareKeyAnyKID(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	oct := fixedKey(t, "oct")
	pemDoc, err := es.Public().MarshalPEM(PEMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	certDoc, err := os.ReadFile(filepath.Join("testdata", "fuzz", "keys", "ec-certificate.pem"))
	if err != nil {
		t.Fatal(err)
	}
	jwkNoKID := publicJWK(t, es.Public().WithKeyID(""))
	jwkKID := publicJWK(t, es.Public().WithKeyID("es-1"))
	other, err := GenerateKey(KeyParams{Type: KeyTypeEC})
	if err != nil {
		t.Fatal(err)
	}
	twoPEM, err := other.Public().MarshalPEM(PEMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	secretNoKID, err := NewSecretKey(oct.secret)
	if err != nil {
		t.Fatal(err)
	}
	esToken := func(kid string) string { return mustSign(t, es, validClaims(t), WithKeyID(kid)) }
	tests := []struct {
		name  string
		set   func(t *testing.T) *KeySet
		alg   string
		token string
		want  Code
	}{
		{"PEM, another kid", parsedSet(pemDoc), "ES256", esToken("issuer-key-7"), 0},
		{"PEM, the thumbprint as kid", parsedSet(pemDoc), "ES256", esToken(es.Thumbprint()), 0},
		{"PEM, no kid", parsedSet(pemDoc), "ES256", esToken(""), 0},
		{"PEM, another kid, wrong signer", parsedSet(pemDoc), "ES256", mustSign(t, other, validClaims(t), WithKeyID("issuer-key-7")), CodeBadSignature},
		{"certificate, another kid", parsedSet(certDoc), "ES256", esToken("issuer-key-7"), 0},
		{"JWK without kid, another kid", parsedSet([]byte(jwkNoKID)), "ES256", esToken("issuer-key-7"), 0},
		{"one-key JWKS without kid, another kid", parsedSet([]byte(`{"keys":[` + jwkNoKID + `]}`)), "ES256", esToken("issuer-key-7"), 0},
		{"JWK with its own kid, another kid", parsedSet([]byte(jwkKID)), "ES256", esToken("issuer-key-7"), CodeUnknownKID},
		{"one-key JWKS with its own kid, another kid", parsedSet([]byte(`{"keys":[` + jwkKID + `]}`)), "ES256", esToken("issuer-key-7"), CodeUnknownKID},
		{"one-key JWKS with its own kid, that kid", parsedSet([]byte(`{"keys":[` + jwkKID + `]}`)), "ES256", esToken("es-1"), 0},
		{"JWKS of two keys without kid, another kid", parsedSet([]byte(`{"keys":[` + jwkNoKID + `,` + publicJWK(t, other.Public().WithKeyID("")) + `]}`)), "ES256", esToken("issuer-key-7"), CodeUnknownKID},
		{"PEM of two keys, another kid", parsedSet(append(append([]byte{}, pemDoc...), twoPEM...)), "ES256", esToken("issuer-key-7"), CodeUnknownKID},
		{"PEM of two keys, a thumbprint as kid", parsedSet(append(append([]byte{}, pemDoc...), twoPEM...)), "ES256", esToken(es.Thumbprint()), 0},
		{"secret without kid, another kid", func(t *testing.T) *KeySet { return mustSet(t, secretNoKID) }, "HS256",
			rawToken(t, oct, "HS256", `{"alg":"HS256","kid":"issuer-key-7"}`, string(validClaims(t))), 0},
		{"secret with a kid, another kid", func(t *testing.T) *KeySet { return mustSet(t, secretNoKID.WithKeyID("s1")) }, "HS256",
			rawToken(t, oct, "HS256", `{"alg":"HS256","kid":"issuer-key-7"}`, string(validClaims(t))), CodeUnknownKID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustVerifier(t, tt.set(t), Policy{Algorithms: []string{tt.alg}}, WithClock(at(testNow)))
			tok, err := v.Verify(tt.token)
			checkErr(t, err, tt.want)
			if err == nil && tok.Key == nil {
				t.Fatal("verified without a key")
			}
		})
	}
}

// TestPolicyKeyID pins Policy.KeyID: only the pinned key of a set
// verifies, and a set without it is refused.
func TestPolicyKeyID(t *testing.T) {
	t.Parallel()
	a := fixedKey(t, "p256").WithKeyID("a")
	b, err := GenerateKey(KeyParams{Type: KeyTypeEC})
	if err != nil {
		t.Fatal(err)
	}
	b = b.WithKeyID("b")
	set := mustSet(t, a.Public(), b.Public())
	pinA := Policy{Algorithms: []string{"ES256"}, KeyID: "a"}
	tests := []struct {
		name   string
		set    *KeySet
		policy Policy
		token  string
		want   Code
	}{
		{"pinned key, its kid", set, pinA, mustSign(t, a, validClaims(t)), 0},
		{"pinned key, no kid", set, pinA, mustSign(t, a, validClaims(t), WithKeyID("")), 0},
		{"other key of the set, its kid", set, pinA, mustSign(t, b, validClaims(t)), CodeUnknownKID},
		{"other key of the set, no kid", set, pinA, mustSign(t, b, validClaims(t), WithKeyID("")), CodeBadSignature},
		{"without the pin, other key", set, Policy{Algorithms: []string{"ES256"}}, mustSign(t, b, validClaims(t)), 0},
		{"pinned bare key, any kid", mustSet(t, fixedKey(t, "p256").Public(), b.Public()),
			Policy{Algorithms: []string{"ES256"}, KeyID: fixedKey(t, "p256").Thumbprint()}, mustSign(t, a, validClaims(t), WithKeyID("x")), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustVerifier(t, tt.set, tt.policy, WithClock(at(testNow)))
			_, err := v.Verify(tt.token)
			checkErr(t, err, tt.want)
		})
	}

	_, err = NewVerifier(set, Policy{Algorithms: []string{"ES256"}, KeyID: "zzz"})
	wantCode(t, err, CodeInvalidArgument)
	if msg := MessageOf(err); !strings.Contains(msg, `"zzz"`) || !strings.Contains(msg, `"a"`) {
		t.Errorf("message %q does not name the pinned kid and the set's", msg)
	}
	v := mustVerifier(t, set, pinA, WithClock(at(testNow)))
	wantCode(t, v.UpdateKeys(mustSet(t, b.Public())), CodeInvalidArgument)
	if _, err := v.Verify(mustSign(t, a, validClaims(t))); err != nil {
		t.Errorf("pinned key after a refused update: %v", err)
	}
	if got := v.Policy().KeyID; got != "a" {
		t.Errorf("Policy().KeyID = %q", got)
	}
}

// parsedSet returns a set reader for a key document.
func parsedSet(doc []byte) func(t *testing.T) *KeySet {
	return func(t *testing.T) *KeySet {
		t.Helper()
		set, err := ParseKeySet(doc)
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
}

func publicJWK(t *testing.T, k *Key) string {
	t.Helper()
	b, err := k.MarshalJWK()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
