package bench

// The fixtures every benchmark shares: per ALG a key, a valid token, a bad
// token and a policy, read from testdata/tokens.json (which the Node
// comparison reads too), and the runtimes of the wasm impls.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/host"
)

var writeTokens = flag.Bool("write-tokens", false, "TestWriteTokens rewrites testdata/tokens.json (and makes testdata/rsa4096.pem if it is missing)")

const (
	tokensFile   = "testdata/tokens.json"
	benchIssuer  = "https://issuer.example"
	benchAud     = "bench-api"
	benchSubject = "user-1234"
	// benchCustom are the custom claims of every token.
	benchCustom = `{"name":"Bench User","role":"admin","scope":"read:orders write:orders","tenant":"acme"}`
)

var (
	benchIssuedAt  = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	benchExpiresAt = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// algSpec is one ALG of the suite: the name in benchmark names, the JWS
// algorithm, and the private key that signed its tokens.
type algSpec struct {
	name    string // RS256, RS256-4096, ...: the alg= key
	alg     string // the JWS "alg"
	keyFile string // PKCS#8 PEM, relative to this package
}

// algSpecs lists every ALG, in the order the benchmarks run them.
var algSpecs = []algSpec{
	{"RS256", "RS256", "../core/testdata/keys/rsa2048.pem"},
	{"RS256-4096", "RS256", "testdata/rsa4096.pem"},
	{"PS256", "PS256", "../core/testdata/keys/rsa2048.pem"},
	{"ES256", "ES256", "../core/testdata/keys/ec-p256.pem"},
	{"ES384", "ES384", "../core/testdata/keys/ec-p384.pem"},
	{"EdDSA", "EdDSA", "../core/testdata/keys/ed25519.pem"},
}

// tokenEntry is one ALG's entry in tokens.json:
//
//	{"<ALG>": {"alg": "RS256", "jwks": {...}, "token": "...", "bad_token": "...",
//	           "policy": {"algorithms": [...], "issuer": "...", "audiences": [...]}}, ...}
//
// jwks is the public JWKS (one key, with "kid", "alg" and "use"); token is
// valid until 2100; bad_token is token with one signature byte flipped;
// policy is core.Policy as the module's ABI spells it.
type tokenEntry struct {
	Alg      string          `json:"alg"`
	JWKS     json.RawMessage `json:"jwks"`
	Token    string          `json:"token"`
	BadToken string          `json:"bad_token"`
	Policy   abi.Policy      `json:"policy"`
}

// fixture is an ALG ready for the benchmarks.
type fixture struct {
	spec    algSpec
	entry   tokenEntry
	policy  core.Policy
	keys    *core.KeySet     // the public JWKS, parsed by core
	pub     crypto.PublicKey // its key, for the stdlib and peer impls
	kid     string
	privPEM []byte        // the private key file, for Sign
	priv    crypto.Signer // the private key, for the stdlib and peer impls
	key     *core.Key     // the private key, parsed by core
	claims  []byte        // the valid token's payload, which Sign signs again
}

var fixtures struct {
	once sync.Once
	all  map[string]*fixture
	err  error
}

// fixtureFor returns the fixture of ALG name, loading tokens.json once.
func fixtureFor(tb testing.TB, name string) *fixture {
	tb.Helper()
	fixtures.once.Do(func() { fixtures.all, fixtures.err = loadFixtures() })
	if fixtures.err != nil {
		tb.Fatal(fixtures.err)
	}
	f := fixtures.all[name]
	if f == nil {
		tb.Fatalf("%s has no entry %q: regenerate it with go test ./bench -run TestWriteTokens -args -write-tokens", tokensFile, name)
	}
	return f
}

func readTokens() (map[string]tokenEntry, error) {
	data, err := os.ReadFile(tokensFile)
	if err != nil {
		return nil, err
	}
	var entries map[string]tokenEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("%s: %v", tokensFile, err)
	}
	return entries, nil
}

func loadFixtures() (map[string]*fixture, error) {
	entries, err := readTokens()
	if err != nil {
		return nil, err
	}
	all := map[string]*fixture{}
	for _, spec := range algSpecs {
		e, ok := entries[spec.name]
		if !ok {
			continue // fixtureFor reports it
		}
		f, err := newFixture(spec, e)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", tokensFile, spec.name, err)
		}
		all[spec.name] = f
	}
	return all, nil
}

func newFixture(spec algSpec, e tokenEntry) (*fixture, error) {
	f := &fixture{spec: spec, entry: e, policy: e.Policy.Core()}
	var err error
	if f.keys, err = core.ParseKeySet(e.JWKS); err != nil {
		return nil, fmt.Errorf("jwks: %v", err)
	}
	if f.keys.Len() != 1 {
		return nil, fmt.Errorf("jwks has %d keys, want 1", f.keys.Len())
	}
	k := f.keys.Keys()[0]
	f.pub, f.kid = k.PublicKey(), k.KeyID()
	if f.privPEM, err = os.ReadFile(spec.keyFile); err != nil {
		return nil, err
	}
	if f.key, err = core.ParseKey(f.privPEM); err != nil {
		return nil, fmt.Errorf("%s: %v", spec.keyFile, err)
	}
	if f.priv, err = parsePKCS8(f.privPEM); err != nil {
		return nil, fmt.Errorf("%s: %v", spec.keyFile, err)
	}
	parts := strings.Split(e.Token, ".")
	if len(parts) != 3 {
		return nil, errors.New("token is not a compact JWS")
	}
	if f.claims, err = base64.RawURLEncoding.DecodeString(parts[1]); err != nil {
		return nil, fmt.Errorf("token payload: %v", err)
	}
	return f, nil
}

// parsePKCS8 reads an unencrypted PKCS#8 PEM private key with the standard
// library alone.
func parsePKCS8(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PKCS#8 PEM private key")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%T is not a crypto.Signer", k)
	}
	return s, nil
}

// checkVerdicts fails the benchmark unless verify accepts f's valid token
// and refuses its bad one. Every impl passes through it before it is
// timed, so that a fast impl that accepts anything cannot win.
func checkVerdicts(tb testing.TB, f *fixture, impl string, verify func(token string) error) {
	tb.Helper()
	if err := verify(f.entry.Token); err != nil {
		tb.Fatalf("%s rejects the valid %s token: %v", impl, f.spec.name, err)
	}
	if err := verify(f.entry.BadToken); err == nil {
		tb.Fatalf("%s accepts the %s token with a flipped signature byte", impl, f.spec.name)
	}
}

// errBadSignature is what the bare signature checks (stdlib, wasm-check, wasm-stdlib)
// return for a signature that does not verify.
var errBadSignature = errors.New("signature does not verify")

// The wasm runtimes are shared by every benchmark of the process and
// closed by TestMain.
var (
	compilerRT  lazyRuntime
	interpRT    lazyRuntime
	verifyRT    lazyRuntime
	parallelRTs struct {
		mu sync.Mutex
		rt map[int]*host.Runtime // by pool size
	}
)

type lazyRuntime struct {
	once sync.Once
	rt   *host.Runtime
	err  error
}

func (l *lazyRuntime) get(tb testing.TB, opts ...host.Option) *host.Runtime {
	tb.Helper()
	l.once.Do(func() { l.rt, l.err = host.New(context.Background(), opts...) })
	if l.err != nil {
		tb.Fatalf("host.New: %v", l.err)
	}
	return l.rt
}

// wasmRuntime is the runtime of impl=wasm, wasm-check and wasm-stdlib: wazero's
// compiler, the compilation cached in cacheDir.
func wasmRuntime(tb testing.TB) *host.Runtime {
	return compilerRT.get(tb, host.WithCompilationCacheDir(cacheDir(tb)))
}

// verifyRuntime is the runtime of impl=wasm-verify: the verify-only module
// (wasm/blob/jwtwasm-verify.wasm) with wazero's compiler, cached as
// wasmRuntime's.
func verifyRuntime(tb testing.TB) *host.Runtime {
	return verifyRT.get(tb, host.WithModule(verifyModule(tb)), host.WithCompilationCacheDir(cacheDir(tb)))
}

// verifyModule reads the verify-only module, which no Go package embeds.
func verifyModule(tb testing.TB) []byte {
	tb.Helper()
	m, err := os.ReadFile(filepath.Join("..", "wasm", "blob", "jwtwasm-verify.wasm"))
	if err != nil {
		tb.Fatalf("the verify-only module: %v", err)
	}
	return m
}

// interpRuntime is the runtime of impl=wasm-interp: wazero's interpreter
// (which has no file cache), one instance.
func interpRuntime(tb testing.TB) *host.Runtime {
	return interpRT.get(tb, host.WithInterpreter(), host.WithPoolSize(1))
}

// poolRuntime is a runtime whose pool holds n instances, for
// VerifyParallel; one per n for the whole process.
func poolRuntime(tb testing.TB, n int) *host.Runtime {
	tb.Helper()
	parallelRTs.mu.Lock()
	defer parallelRTs.mu.Unlock()
	if rt := parallelRTs.rt[n]; rt != nil {
		return rt
	}
	rt, err := host.New(context.Background(), host.WithCompilationCacheDir(cacheDir(tb)), host.WithPoolSize(n))
	if err != nil {
		tb.Fatalf("host.New: %v", err)
	}
	if parallelRTs.rt == nil {
		parallelRTs.rt = map[int]*host.Runtime{}
	}
	parallelRTs.rt[n] = rt
	return rt
}

func closeRuntimes() {
	ctx := context.Background()
	for _, l := range []*lazyRuntime{&compilerRT, &interpRT, &verifyRT} {
		if l.rt != nil {
			l.rt.Close(ctx)
		}
	}
	parallelRTs.mu.Lock()
	defer parallelRTs.mu.Unlock()
	for _, rt := range parallelRTs.rt {
		rt.Close(ctx)
	}
}

var cacheDirOnce struct {
	once sync.Once
	dir  string
	err  error
}

// cacheDir is the compilation cache of the warm-path benchmarks: the one
// the host tests and the jwtwasm command use, in the user's cache
// directory, so that compiling the module (seconds) is paid once per
// machine and module rather than once per run. wazero keys entries by
// module and wazero version.
func cacheDir(tb testing.TB) string {
	tb.Helper()
	cacheDirOnce.once.Do(func() {
		if base, err := os.UserCacheDir(); err == nil {
			dir := filepath.Join(base, "jwtwasm", "wazero")
			if os.MkdirAll(dir, 0o700) == nil {
				cacheDirOnce.dir = dir
				return
			}
		}
		cacheDirOnce.dir, cacheDirOnce.err = os.MkdirTemp("", "jwtwasm-bench-cache")
	})
	if cacheDirOnce.err != nil {
		tb.Fatal(cacheDirOnce.err)
	}
	return cacheDirOnce.dir
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	closeRuntimes()
	removeRawCache()
	os.Exit(code)
}

// flipSignatureByte returns token with one byte of its decoded signature
// changed, re-encoded canonically.
func flipSignatureByte(token string) (string, error) {
	i := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil || len(sig) == 0 {
		return "", fmt.Errorf("token signature: %v", err)
	}
	sig[len(sig)/2] ^= 0x01
	return token[:i+1] + base64.RawURLEncoding.EncodeToString(sig), nil
}

// TestWriteTokens regenerates testdata/tokens.json:
//
//	go test ./bench -run TestWriteTokens -args -write-tokens
//
// ECDSA and PSS signatures are randomised, so every run writes new tokens.
func TestWriteTokens(t *testing.T) {
	if !*writeTokens {
		t.Skip("run with -args -write-tokens to rewrite " + tokensFile)
	}
	if err := ensureRSA4096(); err != nil {
		t.Fatal(err)
	}
	claims, err := core.BuildClaims(core.RegisteredClaims{
		Issuer:    benchIssuer,
		Subject:   benchSubject,
		Audience:  []string{benchAud},
		IssuedAt:  benchIssuedAt,
		ExpiresAt: benchExpiresAt,
	}, []byte(benchCustom))
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]tokenEntry{}
	for _, spec := range algSpecs {
		pemBytes, err := os.ReadFile(spec.keyFile)
		if err != nil {
			t.Fatal(err)
		}
		key, err := core.ParseKey(pemBytes)
		if err != nil {
			t.Fatalf("%s: %v", spec.keyFile, err)
		}
		token, err := core.Sign(key, claims, core.WithAlgorithm(spec.alg))
		if err != nil {
			t.Fatalf("%s: %v", spec.name, err)
		}
		bad, err := flipSignatureByte(token)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := key.Public().WithUse("sig").WithAlgorithm(spec.alg)
		if err != nil {
			t.Fatal(err)
		}
		set, err := core.NewKeySet(pub)
		if err != nil {
			t.Fatal(err)
		}
		jwks, err := set.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		entries[spec.name] = tokenEntry{
			Alg:      spec.alg,
			JWKS:     jwks,
			Token:    token,
			BadToken: bad,
			Policy:   abi.Policy{Algorithms: []string{spec.alg}, Issuer: benchIssuer, Audiences: []string{benchAud}},
		}
	}
	out, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tokensFile, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", tokensFile)
}

// ensureRSA4096 makes testdata/rsa4096.pem if it is missing; it is
// committed, so this runs once.
func ensureRSA4096() error {
	const file = "testdata/rsa4096.pem"
	if _, err := os.Stat(file); err == nil {
		return nil
	}
	k, err := core.GenerateKey(core.KeyParams{Type: core.KeyTypeRSA, Bits: 4096})
	if err != nil {
		return err
	}
	p, err := k.MarshalPEM(core.PEMOptions{Format: core.PEMPKCS8})
	if err != nil {
		return err
	}
	return os.WriteFile(file, p, 0o644)
}

// TestTokens reads tokens.json back and holds it to what the benchmarks
// (and the Node comparison) assume of it, so that it cannot rot: every ALG
// present, keys of the right size from the committed PEM files, valid
// tokens that verify natively under their policy and carry the claims,
// bad tokens that differ only in the signature and fail with
// bad_signature.
func TestTokens(t *testing.T) {
	entries, err := readTokens()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(algSpecs) {
		t.Errorf("%s has %d entries, want %d", tokensFile, len(entries), len(algSpecs))
	}
	wantBits := map[string]int{"RS256": 2048, "RS256-4096": 4096, "PS256": 2048}
	for _, spec := range algSpecs {
		t.Run(spec.name, func(t *testing.T) {
			f := fixtureFor(t, spec.name)
			e := f.entry
			if e.Alg != spec.alg {
				t.Errorf("alg %q, want %q", e.Alg, spec.alg)
			}
			if want := (abi.Policy{Algorithms: []string{spec.alg}, Issuer: benchIssuer, Audiences: []string{benchAud}}); !samePolicy(e.Policy, want) {
				t.Errorf("policy %+v, want %+v", e.Policy, want)
			}
			k := f.keys.Keys()[0]
			if k.IsPrivate() {
				t.Fatal("the JWKS holds a private key")
			}
			if k.KeyID() == "" || k.KeyID() != f.key.Thumbprint() {
				t.Errorf("JWKS kid %q, want the thumbprint of %s, %q", k.KeyID(), spec.keyFile, f.key.Thumbprint())
			}
			if !k.Equal(f.key.Public()) {
				t.Errorf("the JWKS key is not the public key of %s", spec.keyFile)
			}
			if bits, ok := wantBits[spec.name]; ok && k.Bits() != bits {
				t.Errorf("RSA key of %d bits, want %d", k.Bits(), bits)
			}

			v, err := core.NewVerifier(f.keys, f.policy)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := v.Verify(e.Token)
			if err != nil {
				t.Fatalf("the valid token: %v", err)
			}
			c := tok.Claims
			if tok.Header.Algorithm != spec.alg || tok.Header.KeyID != k.KeyID() {
				t.Errorf("header alg %q kid %q, want %q %q", tok.Header.Algorithm, tok.Header.KeyID, spec.alg, k.KeyID())
			}
			if c.Issuer != benchIssuer || c.Subject != benchSubject || len(c.Audience) != 1 || c.Audience[0] != benchAud ||
				!c.IssuedAt.Equal(benchIssuedAt) || !c.ExpiresAt.Equal(benchExpiresAt) {
				t.Errorf("claims %s", c.JSON())
			}
			for _, name := range []string{"name", "role", "scope", "tenant"} {
				if !c.Has(name) {
					t.Errorf("claims lack custom claim %q", name)
				}
			}
			i := strings.LastIndexByte(e.Token, '.')
			j := strings.LastIndexByte(e.BadToken, '.')
			if e.Token[:i] != e.BadToken[:j] || e.Token == e.BadToken {
				t.Error("bad_token differs from token other than in its signature")
			}
			if _, err := v.Verify(e.BadToken); !errors.Is(err, core.CodeBadSignature) {
				t.Errorf("the bad token: %v, want bad_signature", err)
			}
		})
	}
}

func samePolicy(a, b abi.Policy) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}
