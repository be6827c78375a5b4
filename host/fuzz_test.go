package host_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/host"
)

// FuzzEngines is differential: native core and the module in the host
// must give the same verdict and message for the same policy, keys, token
// and time. Seeds are the case files of core/testdata/cases.
func FuzzEngines(f *testing.F) {
	for _, c := range readDiffCases(f) {
		policy, err := json.Marshal(abi.PolicyFrom(c.policy))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(policy), c.keys, c.token, c.now.UnixMilli())
	}
	var last struct {
		policy, keys string
		native       *core.Verifier
		wasm         host.Verifier
		nErr, wErr   error
	}
	f.Fuzz(func(t *testing.T, policyJSON string, keys []byte, token string, nowMillis int64) {
		var p abi.Policy
		dec := json.NewDecoder(strings.NewReader(policyJSON))
		dec.DisallowUnknownFields()
		if dec.Decode(&p) != nil {
			return // the ABI's own decoding is FuzzCall's business
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// Mutations mostly change the token: keep the last verifiers.
		if last.policy != policyJSON || last.keys != string(keys) {
			if last.wasm != nil {
				_ = last.wasm.Close(ctx)
			}
			last.policy, last.keys = policyJSON, string(keys)
			last.native, last.nErr = nil, nil
			set, err := core.ParseKeySet(keys)
			if err == nil {
				last.native, err = core.NewVerifier(set, p.Core())
			}
			last.nErr = err
			last.wasm, last.wErr = compiler.get(t).NewVerifier(ctx, keys, p.Core())
		}
		if !sameError(last.nErr, last.wErr) {
			t.Fatalf("making the verifier: native %v, host %v", last.nErr, last.wErr)
		}
		if last.nErr != nil {
			return
		}
		now := time.UnixMilli(nowMillis)
		native := outcomeOf(last.native.VerifyAt(token, now))
		wasm := outcomeOf(last.wasm.VerifyAt(ctx, token, now))
		if wasm.code == core.CodeInternal || native.code == core.CodeInternal {
			t.Fatalf("internal: native %v, host %v", native.err, wasm.err)
		}
		for _, d := range differences(native, wasm) {
			t.Errorf("mismatch: %s: %s", d.kind, d.text)
		}
	})
}

// sameError reports whether two errors carry the same code and message.
func sameError(a, b error) bool {
	return (a == nil) == (b == nil) && core.CodeOf(a) == core.CodeOf(b) && core.MessageOf(a) == core.MessageOf(b)
}

// TestKeyDocumentText checks what the module's JSON requests cannot carry:
// an empty or non-UTF-8 key document gets core's own error, and a
// passphrase that is not UTF-8 is refused rather than changed on the way.
func TestKeyDocumentText(t *testing.T) {
	rt := compiler.get(t)
	ctx := context.Background()
	for _, keys := range [][]byte{nil, []byte("{\xff"), []byte("-----BEGIN PUBLIC KEY-----\n\xc3\x28\n-----END PUBLIC KEY-----\n")} {
		_, nerr := core.ParseKeySet(keys)
		_, herr := rt.NewVerifier(ctx, keys, core.Policy{Algorithms: []string{"ES256"}})
		if nerr == nil || !sameError(nerr, herr) {
			t.Errorf("keys %q: native %v, host %v", keys, nerr, herr)
		}
		if _, err := rt.Thumbprints(ctx, keys); !sameError(nerr, err) {
			t.Errorf("Thumbprints(%q): %v, want %v", keys, err, nerr)
		}
	}
	pemKey, err := os.ReadFile(filepath.Join("..", "core", "testdata", "keys", "ec-p256.pem"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.ConvertKeys(ctx, pemKey, core.FormatJWKS, host.WithPassphrase([]byte("caf\xe9")))
	if core.CodeOf(err) != core.CodeInvalidArgument || !strings.Contains(core.MessageOf(err), "passphrase is not UTF-8") {
		t.Errorf("a Latin-1 passphrase: %v", err)
	}
}
