package host

import (
	"context"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// epoch is the Unix epoch: a moment the ABI cannot send as it is, since a
// time of 0 ms tells the module to read its own clock. The host sends -1 ms
// instead (verifier.go, ops.go); these tests fail if it sends 0.
var epoch = time.Unix(0, 0)

// epochTokens are judged differently at the epoch and by the clock: the
// first is valid at the epoch and long expired now, the second not yet
// valid at the epoch and valid now.
func epochTokens(t *testing.T) (jwks []byte, tokens map[string]string) {
	t.Helper()
	key := testKey(t, "ec-p256.pem")
	set, err := core.NewKeySet(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if jwks, err = set.MarshalJSON(); err != nil {
		t.Fatal(err)
	}
	tokens = map[string]string{}
	for name, reg := range map[string]core.RegisteredClaims{
		"valid at the epoch only":         {Issuer: "https://issuer.example", ExpiresAt: epoch.Add(time.Hour)},
		"not yet valid at the epoch only": {Issuer: "https://issuer.example", NotBefore: epoch.Add(time.Hour), ExpiresAt: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		claims, err := core.BuildClaims(reg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tokens[name], err = core.Sign(key, claims); err != nil {
			t.Fatal(err)
		}
	}
	return jwks, tokens
}

func TestVerifyAtEpoch(t *testing.T) {
	ctx := context.Background()
	jwks, tokens := epochTokens(t)
	want := map[string]core.Code{"valid at the epoch only": 0, "not yet valid at the epoch only": core.CodeNotYetValid}
	for name, e := range map[string]Engine{"native": Native(), "wasm": sharedTestRuntime(t)} {
		v, err := e.NewVerifier(ctx, jwks, es256Policy)
		if err != nil {
			t.Fatal(err)
		}
		for tname, token := range tokens {
			_, err := v.VerifyAt(ctx, token, epoch)
			if got := core.CodeOf(err); got != want[tname] {
				wantText := "valid"
				if want[tname] != 0 {
					wantText = want[tname].String()
				}
				t.Errorf("%s, %s: VerifyAt(the epoch) = %v, want %s: judged by the clock, not at the epoch?", name, tname, err, wantText)
			}
		}
	}
}

func TestInspectAtEpoch(t *testing.T) {
	ctx := context.Background()
	_, tokens := epochTokens(t)
	token := tokens["valid at the epoch only"]
	native, err := Native().Inspect(ctx, token, WithTime(epoch))
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := sharedTestRuntime(t).Inspect(ctx, token, WithTime(epoch))
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]*core.Inspection{"native": native, "wasm": wasm} {
		if len(in.Dates) != 1 || in.Dates[0].Relative != "valid for 1h" {
			t.Errorf("%s: Inspect(WithTime(the epoch)) dates %+v, want exp \"valid for 1h\": judged by the clock, not at the epoch?", name, in.Dates)
		}
		for _, f := range in.Findings {
			if f.Code == "expired" {
				t.Errorf("%s: finding %q at the epoch", name, f.Message)
			}
		}
	}
}
