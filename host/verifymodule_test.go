package host

// Tests of the verify-only module, wasm/blob/jwtwasm-verify.wasm: the same
// verdicts as core (and so as the full module) where it verifies, and
// unsupported where it leaves an operation out. The case files run
// through it in differential_test.go (TestDifferentialVerifyModule),
// Wycheproof's JWS vectors in TestWycheproofDifferentialVerifyModule, and
// core's RFC vectors here.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host/internal/testkit"
)

// VerifyModuleGzipLimit is the size goal of the verify-only module,
// gzipped: 1.5 MiB, measured with compress/gzip at BestCompression (a few
// KB larger than gzip -9).
const VerifyModuleGzipLimit = 1_572_864

func verifyModule(t testing.TB) []byte {
	t.Helper()
	m, err := os.ReadFile(filepath.Join("..", "wasm", "blob", "jwtwasm-verify.wasm"))
	if err != nil {
		t.Fatalf("the verify-only module: %v (scripts/build-wasm.sh builds it)", err)
	}
	return m
}

var sharedVerifyRT struct {
	once sync.Once
	rt   *Runtime
	err  error
}

// sharedVerifyRuntime is sharedTestRuntime for the verify-only module.
func sharedVerifyRuntime(t testing.TB) *Runtime {
	t.Helper()
	m := verifyModule(t)
	sharedVerifyRT.once.Do(func() {
		sharedVerifyRT.rt, sharedVerifyRT.err = New(context.Background(), WithModule(m), WithCompilationCacheDir(testCacheDir(t)), WithPoolSize(2))
	})
	if sharedVerifyRT.err != nil {
		t.Fatalf("host.New with the verify-only module: %v", sharedVerifyRT.err)
	}
	return sharedVerifyRT.rt
}

// TestVerifyModuleSize holds the verify-only module to its size goal. Size
// is deterministic (scripts/build-wasm.sh --check proves the file is a
// fresh build), so this is no timing test.
func TestVerifyModuleSize(t *testing.T) {
	m := verifyModule(t)
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(m)
	w.Close()
	t.Logf("jwtwasm-verify.wasm: %d bytes, %d gzipped (goal: %d)", len(m), buf.Len(), VerifyModuleGzipLimit)
	if buf.Len() > VerifyModuleGzipLimit {
		t.Errorf("the verify-only module is %d bytes gzipped, over its goal of %d: see bench/cmd/wasmsize (scripts/build-wasm.sh --names OUT verify)", buf.Len(), VerifyModuleGzipLimit)
	}
}

func TestWycheproofDifferentialVerifyModule(t *testing.T) {
	wycheproofDifferential(t, sharedVerifyRuntime(t))
}

// TestVerifyModuleUnsupported: signing, key making and converting answer
// unsupported, naming the full module; so do private-key PEM and
// certificates. The operations it keeps give the full module's results.
func TestVerifyModuleUnsupported(t *testing.T) {
	ctx := context.Background()
	lean, full := sharedVerifyRuntime(t), sharedTestRuntime(t)
	f := newFixture(t, "ec-p256.pem", "")
	private, err := os.ReadFile(filepath.Join("..", "core", "testdata", "keys", "ec-p256.pem"))
	if err != nil {
		t.Fatal(err)
	}
	unsupported := func(what string, err error, says string) {
		t.Helper()
		if !errors.Is(err, core.CodeUnsupported) || !strings.Contains(core.MessageOf(err), says) {
			t.Errorf("%s: %v, want unsupported saying %q", what, err, says)
		}
	}
	_, err = lean.GenerateKey(ctx, core.KeyParams{Type: core.KeyTypeEC}, core.FormatJWK)
	unsupported("GenerateKey", err, "load the full module")
	_, err = lean.ConvertKeys(ctx, f.jwks, core.FormatJWKS)
	unsupported("ConvertKeys", err, "load the full module")
	_, err = lean.NewSigner(ctx, f.jwks)
	unsupported("NewSigner", err, "load the full module")
	_, err = Sign(ctx, lean, f.jwks, []byte(`{"sub":"x"}`))
	unsupported("Sign", err, "load the full module")
	_, err = lean.NewVerifier(ctx, private, core.Policy{Algorithms: []string{"ES256"}})
	unsupported("NewVerifier with a private-key PEM", err, "private key")

	block, _ := pem.Decode(private)
	signer, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: testNow, NotAfter: testNow.Add(time.Hour)}
	der, err := x509.CreateCertificate(zeros{}, tmpl, tmpl, f.key.PublicKey(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	_, err = lean.NewVerifier(ctx, cert, core.Policy{Algorithms: []string{"ES256"}})
	unsupported("NewVerifier with a certificate", err, "certificate")

	// A public key in PEM verifies as in the full module.
	spki, err := x509.MarshalPKIXPublicKey(f.key.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})
	for _, rt := range []*Runtime{lean, full} {
		v, err := rt.NewVerifier(ctx, pub, core.Policy{Algorithms: []string{"ES256"}})
		if err != nil {
			t.Fatalf("NewVerifier with SPKI PEM: %v", err)
		}
		if _, err := v.VerifyAt(ctx, f.token, testNow); err != nil {
			t.Errorf("Verify with SPKI PEM: %v", err)
		}
		v.Close(ctx)
	}
	li, lerr := lean.Thumbprints(ctx, pub)
	fi, ferr := full.Thumbprints(ctx, pub)
	if lerr != nil || ferr != nil || len(li) != 1 || len(fi) != 1 || li[0] != fi[0] {
		t.Errorf("Thumbprints: verify-only module %v (%v), full module %v (%v)", li, lerr, fi, ferr)
	}
	lin, lerr := lean.Inspect(ctx, f.token)
	fin, ferr := full.Inspect(ctx, f.token)
	if lerr != nil || ferr != nil || !bytes.Equal(lin.Header.JSON(), fin.Header.JSON()) || len(lin.Findings) != len(fin.Findings) {
		t.Errorf("Inspect: verify-only module %+v (%v), full module %+v (%v)", lin, lerr, fin, ferr)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestVectorsInBothModules runs core's known-answer vectors
// (core/testdata/vectors: RFC 7515 and RFC 8037 examples), and each with a
// flipped signature bit, natively and through both modules, and requires
// the same code and message from all three.
func TestVectorsInBothModules(t *testing.T) {
	ctx := context.Background()
	files, err := filepath.Glob(filepath.Join("..", "core", "testdata", "vectors", "*.txt"))
	if err != nil || len(files) < 5 {
		t.Fatalf("core/testdata/vectors: %d files (%v), want the 5 RFC vectors at least", len(files), err)
	}
	engines := map[string]*Runtime{"full module": sharedTestRuntime(t), "verify-only module": sharedVerifyRuntime(t)}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := strings.Cut(string(data), "\n\n")
		fields := map[string]string{}
		for _, line := range strings.Split(head, "\n") {
			name, value, _ := strings.Cut(line, ": ")
			fields[name] = value
		}
		token := strings.Join(strings.Fields(body), "")
		now := testNow
		if s := fields["now"]; s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatalf("%s: now: %v", file, err)
			}
			now = time.Unix(n, 0)
		}
		policy := core.Policy{Algorithms: []string{fields["alg"]}, AllowNoExpiry: true}
		set, err := core.ParseKeySet([]byte(fields["key"]))
		if err != nil {
			t.Fatalf("%s: key: %v", file, err)
		}
		nv, err := core.NewVerifier(set, policy)
		if err != nil {
			t.Fatal(err)
		}
		tokens := []string{token, testkit.FlipSignatureBit(t, token, 0)}
		for _, tok := range tokens {
			verify := func(v interface {
				VerifyAt(string, time.Time) (*core.Token, error)
				VerifyJWS(string) (*core.JWS, error)
			}) error {
				if fields["jwt"] == "true" {
					_, err := v.VerifyAt(tok, now)
					return err
				}
				_, err := v.VerifyJWS(tok)
				return err
			}
			want := verify(nv)
			if tok == token && (fields["expect"] == "valid") != (want == nil) {
				t.Errorf("%s: natively %v, the vector expects %s", file, want, fields["expect"])
			}
			for name, rt := range engines {
				hv, err := rt.NewVerifier(ctx, []byte(fields["key"]), policy)
				if err != nil {
					t.Fatalf("%s: %s: %v", file, name, err)
				}
				got := verify(hostVerifierAt{ctx, hv})
				if core.CodeOf(got) != core.CodeOf(want) || core.MessageOf(got) != core.MessageOf(want) {
					t.Errorf("%s: %s says %v, core %v", file, name, got, want)
				}
				hv.Close(ctx)
			}
		}
	}
}

// hostVerifierAt gives a host Verifier core's method set.
type hostVerifierAt struct {
	ctx context.Context
	v   Verifier
}

func (h hostVerifierAt) VerifyAt(token string, now time.Time) (*core.Token, error) {
	return h.v.VerifyAt(h.ctx, token, now)
}

func (h hostVerifierAt) VerifyJWS(token string) (*core.JWS, error) {
	return h.v.VerifyJWS(h.ctx, token)
}
