package host

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// TestLimits checks each named limit at the limit and just past it, in
// both engines: the same verdict natively and in the module, a pass at the
// limit and a refusal naming the limit past it.
func TestLimits(t *testing.T) {
	ctx := context.Background()
	rt := sharedTestRuntime(t)
	f := newFixture(t, "ec-p256.pem", "")
	key := testKey(t, "ec-p256.pem")
	b64 := base64.RawURLEncoding.EncodeToString
	sig := b64(make([]byte, 64))
	headerToken := func(header string) string { return b64([]byte(header)) + ".e30." + sig }
	signed := func(claims string) string {
		tok, err := core.Sign(key, []byte(claims))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	exp := testNow.Add(time.Hour).Unix()
	auds := func(n int) string {
		list := make([]string, n)
		for i := range list {
			list[i] = fmt.Sprintf("aud-%d", i)
		}
		b, _ := json.Marshal(list)
		return string(b)
	}
	nested := func(k int) string {
		return `{"alg":"ES256","x":` + strings.Repeat("[", k) + strings.Repeat("]", k) + `}`
	}
	values := func(n int) string {
		return `{"alg":"ES256","x":[` + strings.TrimSuffix(strings.Repeat("0,", n), ",") + `]}`
	}

	tokenCases := []struct {
		name    string
		policy  core.Policy
		token   string
		want    core.Code // at the limit, a code that is not the limit's: it got past the check
		message string    // a part of the refusal's message
	}{
		{"token bytes at DefaultMaxTokenSize", core.Policy{}, strings.Repeat("A", core.DefaultMaxTokenSize), core.CodeMalformed, "parts"},
		{"token bytes past DefaultMaxTokenSize", core.Policy{}, strings.Repeat("A", core.DefaultMaxTokenSize+1), core.CodeTooLarge, "16384"},
		{"JSON depth at MaxJSONDepth", core.Policy{}, headerToken(nested(core.MaxJSONDepth - 1)), core.CodeBadSignature, ""},
		{"JSON depth past MaxJSONDepth", core.Policy{}, headerToken(nested(core.MaxJSONDepth)), core.CodeMalformed, "32 levels"},
		{"JSON values at MaxJSONValues", core.Policy{MaxTokenSize: 64 << 10}, headerToken(values(core.MaxJSONValues - 2)), core.CodeBadSignature, ""},
		{"JSON values past MaxJSONValues", core.Policy{MaxTokenSize: 64 << 10}, headerToken(values(core.MaxJSONValues - 1)), core.CodeMalformed, "10000"},
		{"audiences at MaxAudiences", core.Policy{Audiences: []string{"aud-99"}}, signed(fmt.Sprintf(`{"exp":%d,"aud":%s}`, exp, auds(core.MaxAudiences))), 0, ""},
		{"audiences past MaxAudiences", core.Policy{}, signed(fmt.Sprintf(`{"exp":%d,"aud":%s}`, exp, auds(core.MaxAudiences+1))), core.CodeTooLarge, "MaxAudiences"},
	}
	for _, tt := range tokenCases {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.policy
			p.Algorithms = []string{"ES256"}
			set, err := core.ParseKeySet(f.jwks)
			if err != nil {
				t.Fatal(err)
			}
			nv, err := core.NewVerifier(set, p)
			if err != nil {
				t.Fatal(err)
			}
			hv, err := rt.NewVerifier(ctx, f.jwks, p)
			if err != nil {
				t.Fatal(err)
			}
			defer hv.Close(ctx)
			_, nerr := nv.VerifyAt(tt.token, testNow)
			_, herr := hv.VerifyAt(ctx, tt.token, testNow)
			if core.CodeOf(nerr) != tt.want || core.CodeOf(herr) != tt.want {
				t.Fatalf("native %v, host %v; want code %v", nerr, herr, tt.want)
			}
			if core.MessageOf(nerr) != core.MessageOf(herr) || !strings.Contains(core.MessageOf(nerr), tt.message) {
				t.Errorf("messages: native %q, host %q; want one naming %q", core.MessageOf(nerr), core.MessageOf(herr), tt.message)
			}
		})
	}

	// Key documents: keys per set, document bytes, RSA modulus size.
	jwk, err := key.Public().MarshalJWK()
	if err != nil {
		t.Fatal(err)
	}
	var member map[string]any
	if err := json.Unmarshal(jwk, &member); err != nil {
		t.Fatal(err)
	}
	setOf := func(n int, pad int) []byte {
		keys := make([]map[string]any, n)
		for i := range keys {
			k := map[string]any{}
			for name, v := range member {
				k[name] = v
			}
			k["kid"] = fmt.Sprintf("k%d", i)
			keys[i] = k
		}
		doc := map[string]any{"keys": keys}
		if pad > 0 {
			doc["padding"] = strings.Repeat("x", pad)
		}
		b, _ := json.Marshal(doc)
		return b
	}
	rsaJWK := func(bits int) []byte {
		n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits-1)))
		if err != nil {
			t.Fatal(err)
		}
		n.SetBit(n, bits-1, 1).SetBit(n, 0, 1)
		b, _ := json.Marshal(map[string]string{"kty": "RSA", "kid": "r", "e": "AQAB", "n": b64(n.Bytes())})
		return b
	}
	keyCases := []struct {
		name    string
		doc     []byte
		alg     string
		want    core.Code
		message string
	}{
		{"keys at MaxKeySetKeys", setOf(core.MaxKeySetKeys, 0), "ES256", 0, ""},
		{"keys past MaxKeySetKeys", setOf(core.MaxKeySetKeys+1, 0), "ES256", core.CodeTooLarge, "MaxKeySetKeys"},
		{"document past MaxKeySetSize", setOf(1, core.MaxKeySetSize), "ES256", core.CodeTooLarge, "MaxKeySetSize"},
		{"RSA modulus at MaxRSABits", rsaJWK(core.MaxRSABits), "RS256", 0, ""},
		{"RSA modulus past MaxRSABits", rsaJWK(core.MaxRSABits + 8), "RS256", core.CodeInvalidKey, "MaxRSABits"},
	}
	for _, tt := range keyCases {
		t.Run(tt.name, func(t *testing.T) {
			p := core.Policy{Algorithms: []string{tt.alg}}
			var nerr error
			set, err := core.ParseKeySet(tt.doc)
			if err == nil {
				_, nerr = core.NewVerifier(set, p)
			} else {
				nerr = err
			}
			hv, herr := rt.NewVerifier(ctx, tt.doc, p)
			if herr == nil {
				hv.Close(ctx)
			}
			if core.CodeOf(nerr) != tt.want || core.CodeOf(herr) != tt.want {
				t.Fatalf("native %v, host %v; want code %v", nerr, herr, tt.want)
			}
			if !strings.Contains(core.MessageOf(herr), tt.message) || core.MessageOf(nerr) != core.MessageOf(herr) {
				t.Errorf("messages: native %q, host %q; want one naming %q", core.MessageOf(nerr), core.MessageOf(herr), tt.message)
			}
		})
	}

	// Encrypted private keys at pkcs8.MaxIterations and one past it. The
	// module takes seconds for the one at the limit, so -short skips it.
	for _, name := range []string{"at-max-iterations.pem", "past-max-iterations.pem"} {
		if testing.Short() && strings.HasPrefix(name, "at-") {
			continue
		}
		doc, err := os.ReadFile(filepath.Join("..", "core", "testdata", "keys", "kdf", name))
		if err != nil {
			t.Fatal(err)
		}
		pass := []byte("limit")
		_, nerr := core.ParseKey(doc, core.WithPassphrase(pass))
		_, herr := rt.ConvertKeys(ctx, doc, core.FormatJWKS, WithPassphrase(pass))
		want, words := core.Code(0), ""
		if strings.HasPrefix(name, "past-") {
			want, words = core.CodeTooLarge, "1000001"
		}
		if core.CodeOf(nerr) != want || !sameMessage(nerr, herr) || !strings.Contains(core.MessageOf(herr), words) {
			t.Errorf("%s: native %v, host %v; want code %v naming %q", name, nerr, herr, want, words)
		}
	}

	// An access rule at MaxRuleLength and past it.
	for _, n := range []int{core.MaxRuleLength, core.MaxRuleLength + 1} {
		rule := "role=" + strings.Repeat("a", n-len("role="))
		p := core.Policy{Algorithms: []string{"ES256"}, Require: []string{rule}}
		set, _ := core.ParseKeySet(f.jwks)
		_, nerr := core.NewVerifier(set, p)
		hv, herr := rt.NewVerifier(ctx, f.jwks, p)
		if herr == nil {
			hv.Close(ctx)
		}
		want := core.Code(0)
		if n > core.MaxRuleLength {
			want = core.CodeInvalidArgument
		}
		if core.CodeOf(nerr) != want || core.CodeOf(herr) != want {
			t.Errorf("rule of %d bytes: native %v, host %v; want %v", n, nerr, herr, want)
		}
	}
}

func sameMessage(a, b error) bool {
	return core.CodeOf(a) == core.CodeOf(b) && core.MessageOf(a) == core.MessageOf(b)
}
