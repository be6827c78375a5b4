package core

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testNow is the fixed "now" of the tests: 2023-11-14T22:13:20Z.
var testNow = time.Unix(1_700_000_000, 0).UTC()

// at returns a clock stopped at t.
func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// fixedKeys are the private keys in testdata/keys, loaded once. They make
// tests fast (no RSA generation) and examples reproducible.
var fixedKeys = sync.OnceValues(func() (map[string]*Key, error) {
	files := map[string]string{
		"rsa":  "rsa2048.pem",
		"p256": "ec-p256.pem",
		"p384": "ec-p384.pem",
		"p521": "ec-p521.pem",
		"ed":   "ed25519.pem",
		"oct":  "oct512.jwk",
	}
	keys := make(map[string]*Key, len(files))
	for name, file := range files {
		data, err := os.ReadFile(filepath.Join("testdata", "keys", file))
		if err != nil {
			return nil, err
		}
		k, err := parseFixture(data)
		if err != nil {
			return nil, err
		}
		keys[name] = k
	}
	return keys, nil
})

// fixedKey returns one of the keys in testdata/keys: "rsa", "p256", "p384",
// "p521", "ed" or "oct" (a 64-byte HMAC secret).
func fixedKey(t testing.TB, name string) *Key {
	t.Helper()
	keys, err := fixedKeys()
	if err != nil {
		t.Fatalf("loading testdata keys: %v", err)
	}
	k, ok := keys[name]
	if !ok {
		t.Fatalf("no fixed key %q", name)
	}
	return k
}

// keyForAlg returns the fixed key that signs alg.
func keyForAlg(t testing.TB, alg string) *Key {
	t.Helper()
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		return fixedKey(t, "rsa")
	case "ES256":
		return fixedKey(t, "p256")
	case "ES384":
		return fixedKey(t, "p384")
	case "ES512":
		return fixedKey(t, "p521")
	case "EdDSA":
		return fixedKey(t, "ed")
	case "HS256", "HS384", "HS512":
		return fixedKey(t, "oct")
	}
	t.Fatalf("no key for %q", alg)
	return nil
}

// verifySetFor returns the set a verifier of alg uses: the public part of
// keyForAlg, or the secret itself.
func verifySetFor(t testing.TB, alg string) *KeySet {
	t.Helper()
	k := keyForAlg(t, alg)
	if p := k.Public(); p != nil {
		k = p
	}
	return mustSet(t, k)
}

func mustSet(t testing.TB, keys ...*Key) *KeySet {
	t.Helper()
	s, err := NewKeySet(keys...)
	if err != nil {
		t.Fatalf("NewKeySet: %v", err)
	}
	return s
}

func mustVerifier(t testing.TB, set *KeySet, p Policy, opts ...VerifierOption) *Verifier {
	t.Helper()
	v, err := NewVerifier(set, p, opts...)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}

// claimsJSON marshals a map of claims; numbers stay numbers.
func claimsJSON(t testing.TB, m map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// apiClaims is validClaims for audience "api", as peers that check "aud"
// want it.
func apiClaims(t testing.TB) []byte {
	return claimsJSON(t, map[string]any{
		"iss": "https://issuer.example",
		"sub": "alice",
		"aud": "api",
		"iat": testNow.Add(-time.Minute).Unix(),
		"exp": testNow.Add(time.Hour).Unix(),
	})
}

// validClaims is a claims set that every default policy accepts at testNow:
// it has no "aud", which a policy without audiences refuses.
func validClaims(t testing.TB) []byte {
	return claimsJSON(t, map[string]any{
		"iss": "https://issuer.example",
		"sub": "alice",
		"iat": testNow.Add(-time.Minute).Unix(),
		"exp": testNow.Add(time.Hour).Unix(),
	})
}

func mustSign(t testing.TB, k *Key, claims []byte, opts ...SignOption) string {
	t.Helper()
	tok, err := Sign(k, claims, opts...)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return tok
}

// rawToken builds a token from header and payload bytes exactly as given,
// signed by k under alg. It bypasses every check Sign makes, so that tests
// can send what an attacker would.
func rawToken(t testing.TB, k *Key, alg, header, payload string) string {
	t.Helper()
	input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	a := lookupAlg(alg)
	if a == nil {
		t.Fatalf("rawToken: unknown alg %q", alg)
	}
	sig, err := createSignature(a, k, input)
	if err != nil {
		t.Fatalf("rawToken: %v", err)
	}
	return input + "." + b64.EncodeToString(sig)
}

// unsigned builds header.payload.sig with sig given as raw bytes.
func unsigned(header, payload string, sig []byte) string {
	return b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(sig)
}

// tokenParts splits a compact token and decodes its header and signature.
func tokenParts(t testing.TB, tok string) (header map[string]any, payload []byte, sig []byte) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	hj, err := b64.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(hj, &header); err != nil {
		t.Fatal(err)
	}
	if payload, err = b64.DecodeString(parts[1]); err != nil {
		t.Fatal(err)
	}
	if sig, err = b64.DecodeString(parts[2]); err != nil {
		t.Fatal(err)
	}
	return header, payload, sig
}

// wantCode fails unless err carries code, both for errors.Is and as its
// primary code.
func wantCode(t testing.TB, err error, code Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if !errors.Is(err, code) {
		t.Fatalf("got %v (code %s), want %s", err, CodeOf(err), code)
	}
	if got := CodeOf(err); got != code {
		t.Fatalf("primary code is %s, want %s (err: %v)", got, code, err)
	}
}

// checkErr compares err with want: 0 means no error.
func checkErr(t testing.TB, err error, want Code) {
	t.Helper()
	if want == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	wantCode(t, err, want)
}

// weakRSA is a 1024-bit RSA key, under MinRSABits, made with crypto/rsa
// and read back through ParseKey as a user's legacy PEM would be.
var weakRSA = sync.OnceValues(func() (*Key, error) {
	raw, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(raw)
	if err != nil {
		return nil, err
	}
	return ParseKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
})

func weakRSAKey(t testing.TB) *Key {
	t.Helper()
	k, err := weakRSA()
	if err != nil {
		t.Fatalf("1024-bit RSA key: %v", err)
	}
	return k
}

// servedFromCache reports whether b came from a verifier's cache: a copy,
// but read from the same bytes. A fresh verification decodes the token
// again, into new bytes.
func servedFromCache(a, b *Token) bool {
	if a == nil || b == nil || a.Claims == nil || b.Claims == nil || len(a.Claims.JSON()) == 0 || len(b.Claims.JSON()) == 0 {
		return false
	}
	return &a.Claims.JSON()[0] == &b.Claims.JSON()[0]
}
