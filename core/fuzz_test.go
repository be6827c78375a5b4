package core

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core/internal/pkcs8"
)

// writeSeeds regenerates testdata/fuzz/tokens and testdata/fuzz/keys:
//
//	go test -run TestWriteFuzzSeeds -write-fuzz-seeds ./core/
var writeSeeds = flag.Bool("write-fuzz-seeds", false, "rewrite the fuzz seed files in testdata/fuzz")

// fuzzSeeds reads every file matching pattern; it fails if none does, so
// that a moved directory cannot leave a target unseeded.
func fuzzSeeds(f *testing.F, pattern string) [][]byte {
	f.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatalf("no fuzz seeds match %s", pattern)
	}
	var out [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// fuzzVerifiers are the verifiers FuzzVerify runs every input through: one
// for the public-key algorithms (with rules, so that valid seeds reach
// them), one for HMAC with a cache, and a plain HMAC one to compare with.
func fuzzVerifiers(t testing.TB) (asym, hmacCached, hmacFresh *Verifier) {
	pub := mustSet(t, fixedKey(t, "rsa").Public(), fixedKey(t, "p256").Public(), fixedKey(t, "p521").Public(), fixedKey(t, "ed").Public())
	asym = mustVerifier(t, pub, Policy{
		Algorithms: []string{"RS256", "PS256", "ES256", "ES512", "EdDSA"},
		Issuer:     "https://issuer.example",
		Audiences:  []string{"api"},
		Critical:   []string{"exp"},
		Require:    []string{"sub!=mallory", "realm_access.roles~admin"},
	}, WithClock(at(testNow)))
	p := Policy{Algorithms: []string{"HS256", "HS512"}, Audiences: []string{"api"}, MaxAge: time.Hour, Leeway: time.Minute}
	hmacCached = mustVerifier(t, mustSet(t, fixedKey(t, "oct")), p, WithClock(at(testNow)), WithCache(8))
	hmacFresh = mustVerifier(t, mustSet(t, fixedKey(t, "oct")), p, WithClock(at(testNow)))
	return asym, hmacCached, hmacFresh
}

// checkVerifyResult holds for every input: no CodeInternal, an *Error
// with a real code, a token only on success or with CodeForbidden.
func checkVerifyResult(t *testing.T, tok *Token, err error) {
	t.Helper()
	if err != nil {
		c := CodeOf(err)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not an *Error", err, err)
		}
		if c == CodeInternal || c == 0 || c.String() == "" || strings.HasPrefix(c.String(), "code(") {
			t.Fatalf("error with code %s: %v", c, err)
		}
		if (tok != nil) != (c == CodeForbidden) {
			t.Fatalf("code %s with token %v", c, tok)
		}
		if tok != nil && (tok.Claims == nil || tok.Header == nil || tok.Key == nil) {
			t.Fatalf("forbidden token with a nil part: %+v", tok)
		}
		return
	}
	if tok == nil || tok.Claims == nil || tok.Header == nil || tok.Key == nil {
		t.Fatalf("success with a nil part: %+v", tok)
	}
}

func FuzzVerify(f *testing.F) {
	for _, seed := range fuzzSeeds(f, filepath.Join("testdata", "fuzz", "tokens", "*.txt")) {
		f.Add(string(bytes.TrimSpace(seed)))
	}
	asym, hmacCached, hmacFresh := fuzzVerifiers(f)
	f.Fuzz(func(t *testing.T, token string) {
		tok, err := asym.Verify(token)
		checkVerifyResult(t, tok, err)

		tok1, err1 := hmacCached.Verify(token)
		checkVerifyResult(t, tok1, err1)
		tok2, err2 := hmacCached.Verify(token) // a hit if the first succeeded
		checkVerifyResult(t, tok2, err2)
		_, err3 := hmacFresh.Verify(token)
		if CodeOf(err1) != CodeOf(err2) || CodeOf(err1) != CodeOf(err3) {
			t.Fatalf("cached and fresh verdicts differ: %v / %v / %v", err1, err2, err3)
		}
		if err1 == nil && !servedFromCache(tok1, tok2) {
			t.Fatal("the second verify of a valid token was not a cache hit")
		}
	})
}

func FuzzInspect(f *testing.F) {
	for _, seed := range fuzzSeeds(f, filepath.Join("testdata", "fuzz", "tokens", "*.txt")) {
		f.Add(string(seed))
	}
	weak := weakRSAKey(f)
	f.Fuzz(func(t *testing.T, token string) {
		for _, opts := range [][]InspectOption{
			{InspectAt(at(testNow))},
			{InspectAt(at(testNow)), InspectWithKey(weak)},
		} {
			in, err := Inspect(token, opts...)
			if err != nil {
				if in != nil {
					t.Fatal("inspection with an error")
				}
				if c := CodeOf(err); c == CodeInternal || c == 0 {
					t.Fatalf("error with code %s: %v", c, err)
				}
				continue
			}
			if in == nil || in.Header == nil {
				t.Fatalf("no error and no header: %+v", in)
			}
			if in.Claims == nil && !hasFinding(in, "bad_claims") {
				t.Fatal("no claims and no bad_claims finding")
			}
			for i := 1; i < len(in.Findings); i++ {
				if severityRank[in.Findings[i].Severity] < severityRank[in.Findings[i-1].Severity] {
					t.Fatalf("findings out of order: %q", findingCodes(in))
				}
			}
		}
	})
}

func hasFinding(in *Inspection, code string) bool {
	_, ok := finding(in, code)
	return ok
}

func FuzzParseKeySet(f *testing.F) {
	for _, seed := range fuzzSeeds(f, filepath.Join("testdata", "fuzz", "keys", "*")) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := ParseKeySet(data)
		if err != nil {
			if set != nil {
				t.Fatal("key set with an error")
			}
			if c := CodeOf(err); c == CodeInternal || c == 0 {
				t.Fatalf("error with code %s: %v", c, err)
			}
			return
		}
		if set.Len() < 1 {
			t.Fatal("success with an empty set")
		}
		out, err := set.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		back, err := ParseKeySet(out)
		if err != nil {
			t.Fatalf("the JWKS written does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(kids(back), kids(set)) {
			t.Fatalf("key IDs changed: %q → %q", kids(set), kids(back))
		}
		for i, k := range back.Keys() {
			if !k.Equal(set.keys[i]) || k.IsPrivate() != set.keys[i].IsPrivate() {
				t.Fatalf("key %d changed in the round trip", i)
			}
		}
		// The public form never holds a private member.
		pub, err := set.Public().MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		checkNoPrivate(t, pub)
	})
}

// fuzzPassphrase encrypts the encrypted seeds in testdata/fuzz/keys.
const fuzzPassphrase = "fuzz passphrase"

// fuzzMaxIterations bounds PBKDF2 in FuzzParseKey: a mutated iteration
// count must cost milliseconds, not the seconds MaxIterations allows.
const fuzzMaxIterations = 1024

func FuzzParseKey(f *testing.F) {
	for _, seed := range fuzzSeeds(f, filepath.Join("testdata", "fuzz", "keys", "*")) {
		f.Add(seed, []byte(nil))
		f.Add(seed, []byte(fuzzPassphrase))
	}
	lowerKDFLimit(f, fuzzMaxIterations)
	f.Fuzz(func(t *testing.T, data, passphrase []byte) {
		k, err := ParseKey(data, WithPassphrase(passphrase))
		if err != nil {
			if k != nil {
				t.Fatal("key with an error")
			}
			if c := CodeOf(err); c == CodeInternal || c == 0 {
				t.Fatalf("error with code %s: %v", c, err)
			}
			return
		}
		// What was read writes back and reads again as the same key, as a
		// JWK and, for asymmetric keys, as unencrypted PEM.
		j, err := k.MarshalJWK()
		if err != nil {
			t.Fatalf("MarshalJWK: %v", err)
		}
		forms := [][]byte{j}
		if k.Type() != KeyTypeOct {
			p, err := k.MarshalPEM(PEMOptions{})
			if err != nil {
				t.Fatalf("MarshalPEM: %v", err)
			}
			forms = append(forms, p)
		}
		for _, form := range forms {
			back, err := ParseKey(form)
			if err != nil {
				t.Fatalf("the key written does not read back: %v\n%s", err, form)
			}
			if !back.Equal(k) || back.IsPrivate() != k.IsPrivate() {
				t.Fatalf("the key changed in the round trip:\n%s", form)
			}
		}
	})
}

// TestFuzzSeedsExist runs in every test run, so that a missing seed
// directory fails go test, not only go test -fuzz.
func TestFuzzSeedsExist(t *testing.T) {
	t.Parallel()
	for _, pattern := range []string{"tokens/*.txt", "keys/*"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", pattern))
		if len(files) < 10 {
			t.Errorf("testdata/fuzz/%s has %d seeds, want at least 10", pattern, len(files))
		}
	}
	// The valid seeds are valid: otherwise the fuzzer never reaches the
	// claims, the rules and the cache.
	asym, hmac, _ := fuzzVerifiers(t)
	for _, name := range []string{"rs256-valid", "ps256-valid", "es256-valid", "es512-valid", "eddsa-valid", "es256-nokid"} {
		data, err := os.ReadFile(filepath.Join("testdata", "fuzz", "tokens", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := asym.Verify(string(bytes.TrimSpace(data))); err != nil {
			t.Errorf("seed %s: %v", name, err)
		}
	}
	for _, name := range []string{"ec-p256-encrypted.pem", "ed25519-encrypted.pem"} {
		data, err := os.ReadFile(filepath.Join("testdata", "fuzz", "keys", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseKey(data, WithPassphrase([]byte(fuzzPassphrase))); err != nil {
			t.Errorf("seed %s: %v", name, err)
		}
	}
	data, err := os.ReadFile(filepath.Join("testdata", "fuzz", "tokens", "hs256-valid.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hmac.Verify(string(bytes.TrimSpace(data))); err != nil {
		t.Errorf("seed hs256-valid: %v", err)
	}
}

// TestWriteFuzzSeeds writes the seed corpora. It runs only with
// -write-fuzz-seeds; ECDSA and PSS signatures are randomized, so a rewrite
// changes those files.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeSeeds {
		t.Skip("run with -write-fuzz-seeds to rewrite testdata/fuzz")
	}
	tokDir := filepath.Join("testdata", "fuzz", "tokens")
	keyDir := filepath.Join("testdata", "fuzz", "keys")
	for _, dir := range []string{tokDir, keyDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(dir, name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeTok := func(name, tok string) { write(tokDir, name+".txt", []byte(tok+"\n")) }

	rsa, p256, p521, ed, oct := fixedKey(t, "rsa"), fixedKey(t, "p256"), fixedKey(t, "p521"), fixedKey(t, "ed"), fixedKey(t, "oct")
	rich := claimsJSON(t, map[string]any{
		"iss": "https://issuer.example", "sub": "alice", "aud": []string{"api", "web"},
		"iat": testNow.Add(-time.Minute).Unix(), "nbf": testNow.Add(-time.Minute).Unix(), "exp": testNow.Add(time.Hour).Unix(),
		"scope":        "read:orders write:orders",
		"realm_access": map[string]any{"roles": []string{"admin", "user"}},
		"n":            1.5,
	})
	writeTok("rs256-valid", mustSign(t, rsa, rich))
	writeTok("ps256-valid", mustSign(t, rsa, rich, WithAlgorithm("PS256")))
	writeTok("es256-valid", mustSign(t, p256, rich))
	writeTok("es512-valid", mustSign(t, p521, rich))
	writeTok("eddsa-valid", mustSign(t, ed, rich, WithHeader("crit", []string{"exp"}), WithHeader("exp", 1)))
	writeTok("es256-nokid", mustSign(t, p256, rich, WithKeyID(""), WithType("")))
	writeTok("hs256-valid", mustSign(t, oct, rich))
	writeTok("hs512-forbidden-sub", mustSign(t, oct, claimsJSON(t, map[string]any{"sub": "mallory", "aud": "api", "iat": testNow.Unix(), "exp": testNow.Add(time.Minute).Unix()}), WithAlgorithm("HS512")))
	writeTok("es256-expired", mustSign(t, p256, claimsJSON(t, map[string]any{"iss": "https://issuer.example", "exp": testNow.Add(-time.Hour).Unix()})))
	writeTok("alg-none", unsigned(`{"alg":"none","typ":"JWT"}`, string(rich), nil))
	digest := sha256.Sum256([]byte("x"))
	der, _ := ecdsa.SignASN1(rand.Reader, p256.priv.(*ecdsa.PrivateKey), digest[:])
	writeTok("es256-der-signature", unsigned(`{"alg":"ES256","kid":"`+p256.KeyID()+`"}`, string(rich), der))
	writeTok("crit-unknown", rawToken(t, ed, "EdDSA", `{"alg":"EdDSA","crit":["b64"],"b64":false}`, string(rich)))
	writeTok("duplicate-alg", rawToken(t, p256, "ES256", `{"alg":"ES256","alg":"none"}`, string(rich)))
	attacker, _ := GenerateKey(KeyParams{Type: KeyTypeEC})
	jwk, _ := attacker.Public().MarshalJWK()
	writeTok("header-jwk", rawToken(t, attacker, "ES256", `{"alg":"ES256","jwk":`+string(jwk)+`,"jku":"https://evil.example/jwks"}`, string(rich)))
	writeTok("string-exp", rawToken(t, p256, "ES256", `{"alg":"ES256"}`, `{"exp":"1700003600","aud":7}`))
	writeTok("jwe-five-parts", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn")
	writeTok("deep-claims", rawToken(t, oct, "HS256", `{"alg":"HS256"}`, `{"exp":`+sec(time.Hour)+`,"x":`+strings.Repeat("[", 31)+strings.Repeat("]", 31)+`}`))

	// Keys: JWKs, a JWKS, and PEM of each type.
	writeKey := func(name string, data []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		write(keyDir, name, data)
	}
	j, err := rsa.MarshalJWK()
	writeKey("rsa-private.jwk", j, err)
	j, err = rsa.Public().MarshalJWK()
	writeKey("rsa-public.jwk", j, err)
	j, err = mustAlg(t, p256, "ES256").WithUse("sig").MarshalJWK()
	writeKey("ec-p256-private.jwk", j, err)
	j, err = ed.Public().MarshalJWK()
	writeKey("ed25519-public.jwk", j, err)
	j, err = oct.MarshalJWK()
	writeKey("oct.jwk", j, err)
	pubs, _ := mustSet(t, rsa, p256, fixedKey(t, "p384"), p521, ed).Public().MarshalJSON()
	writeKey("jwks-mixed.json", []byte(strings.Replace(string(pubs), `{"keys":[`,
		`{"keys":[{"kty":"OKP","crv":"X25519","kid":"enc","use":"enc","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"},`, 1)), nil)
	p, err := rsa.MarshalPEM(PEMOptions{})
	writeKey("rsa-pkcs8.pem", p, err)
	p, err = rsa.MarshalPEM(PEMOptions{Format: PEMPKCS1})
	writeKey("rsa-pkcs1.pem", p, err)
	p, err = rsa.Public().MarshalPEM(PEMOptions{Format: PEMPKCS1})
	writeKey("rsa-pkcs1-public.pem", p, err)
	p, err = p256.MarshalPEM(PEMOptions{Format: PEMSEC1})
	oid, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
	writeKey("ec-sec1-with-params.pem", append(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: oid}), p...), err)
	p, err = p521.Public().MarshalPEM(PEMOptions{})
	writeKey("ec-p521-spki.pem", p, err)
	p, err = ed.MarshalPEM(PEMOptions{})
	writeKey("ed25519-pkcs8.pem", p, err)
	// Encrypted with few iterations, so that the fuzzer decrypts its
	// mutations quickly; FuzzParseKey tries each seed with this passphrase.
	for name, k := range map[string]*Key{"ec-p256-encrypted.pem": p256, "ed25519-encrypted.pem": ed} {
		der, err := x509.MarshalPKCS8PrivateKey(k.priv)
		if err != nil {
			t.Fatal(err)
		}
		enc, err := pkcs8.Encrypt(der, []byte(fuzzPassphrase), rand.Reader, 16)
		writeKey(name, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc}), err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "seed"}, NotBefore: testNow, NotAfter: testNow.Add(time.Hour)}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, p256.PublicKey(), p256.priv)
	writeKey("ec-certificate.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), err)
}
