package host

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host/internal/testkit"
)

// TestWycheproofDifferential runs every compact JWS case of Wycheproof's
// JOSE files (read in place from ../shared) natively and through the
// module, and requires the same verdict, code and message. core's own
// Wycheproof test holds the native verdicts to the vectors; this one holds
// the module to core.
func TestWycheproofDifferential(t *testing.T) {
	wycheproofDifferential(t, sharedTestRuntime(t))
}

// wycheproofDifferential holds rt to core on Wycheproof's compact JWS
// cases; see TestWycheproofDifferential.
func wycheproofDifferential(t *testing.T, rt *Runtime) {
	dir := testkit.WycheproofDir(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	total := 0
	for _, name := range []string{"json_web_signature_test.json", "json_web_key_test.json", "json_web_crypto_test.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			TestGroups []struct {
				Public  json.RawMessage `json:"public"`
				Private json.RawMessage `json:"private"`
				Tests   []struct {
					TcID int             `json:"tcId"`
					JWS  json.RawMessage `json:"jws"`
				} `json:"tests"`
			} `json:"testGroups"`
		}
		if err := json.Unmarshal(data, &file); err != nil {
			t.Fatal(err)
		}
		for _, g := range file.TestGroups {
			doc := g.Public
			if len(doc) == 0 || string(doc) == "null" {
				doc = g.Private
			}
			for _, tc := range g.Tests {
				var token string
				if json.Unmarshal(tc.JWS, &token) != nil || strings.Count(token, ".") != 2 {
					continue // JWE cases and JSON serialisations
				}
				total++
				set, err := core.ParseKeySet(doc)
				if err != nil {
					if _, herr := rt.NewVerifier(ctx, doc, core.Policy{Algorithms: []string{"ES256"}}); core.CodeOf(herr) != core.CodeOf(err) {
						t.Errorf("%s#%d: keys refused natively with %v, by the host with %v", name, tc.TcID, err, herr)
					}
					continue
				}
				policy := core.Policy{Algorithms: []string{wycheproofAlg(token, set)}, AllowNoExpiry: true}
				nv, nerr := core.NewVerifier(set, policy)
				hv, herr := rt.NewVerifier(ctx, doc, policy)
				if core.CodeOf(nerr) != core.CodeOf(herr) {
					t.Errorf("%s#%d: NewVerifier natively %v, host %v", name, tc.TcID, nerr, herr)
					continue
				}
				if nerr != nil {
					continue
				}
				_, nerr = nv.VerifyJWS(token)
				_, herr = hv.VerifyJWS(ctx, token)
				if core.CodeOf(nerr) != core.CodeOf(herr) || core.MessageOf(nerr) != core.MessageOf(herr) {
					t.Errorf("%s#%d: VerifyJWS natively %v, host %v", name, tc.TcID, nerr, herr)
				}
				_, nerr = nv.VerifyAt(token, now)
				_, herr = hv.VerifyAt(ctx, token, now)
				if core.CodeOf(nerr) != core.CodeOf(herr) || core.MessageOf(nerr) != core.MessageOf(herr) {
					t.Errorf("%s#%d: VerifyAt natively %v, host %v", name, tc.TcID, nerr, herr)
				}
				hv.Close(ctx)
			}
		}
	}
	if total < 400 {
		t.Errorf("only %d compact JWS cases found: the vector files changed shape", total)
	}
	t.Logf("%d compact JWS cases agree natively and in the module", total)
}

// wycheproofAlg is the algorithm a case's policy allows: the header's if
// core knows it (never "none"), else the first key's.
func wycheproofAlg(token string, set *core.KeySet) string {
	var h struct {
		Alg string `json:"alg"`
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.SplitN(token, ".", 2)[0]); err == nil {
		_ = json.Unmarshal(b, &h)
	}
	if slices.Contains(core.Algorithms(), h.Alg) {
		return h.Alg
	}
	k := set.Keys()[0]
	if slices.Contains(core.Algorithms(), k.Algorithm()) {
		return k.Algorithm()
	}
	return k.DefaultAlgorithm()
}
