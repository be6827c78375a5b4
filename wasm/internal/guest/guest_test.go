package guest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// now is the fixed moment the tests judge tokens by.
var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func readKey(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "core", "testdata", "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fixture is a private key document, its public JWKS, and a token it
// signed that is valid an hour around now.
type fixture struct {
	private, jwks []byte
	kid, token    string
}

func newFixture(t *testing.T, name, custom string) fixture {
	t.Helper()
	priv := readKey(t, name)
	key, err := core.ParseKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := core.NewKeySet(key.Public())
	jwks, _ := set.MarshalJSON()
	var extra []byte
	if custom != "" {
		extra = []byte(custom)
	}
	claims, err := core.BuildClaims(core.RegisteredClaims{
		Issuer: "https://issuer.example", Subject: "alice",
		IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour),
	}, extra)
	if err != nil {
		t.Fatal(err)
	}
	token, err := core.Sign(key, claims)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{private: priv, jwks: jwks, kid: key.KeyID(), token: token}
}

// res is a result split into its status and body, checked for layout: a
// JSON body, and on failure an abi.ErrorBody with a message.
type res struct {
	code core.Code
	body []byte
}

func (r res) String() string { return fmt.Sprintf("%s %s", r.code, r.body) }

func split(t *testing.T, out []byte) res {
	t.Helper()
	if len(out) == 0 {
		t.Fatal("empty result: no status byte")
	}
	r := res{code: core.Code(out[0]), body: out[1:]}
	if !json.Valid(r.body) {
		t.Fatalf("result body is not JSON: %s", r)
	}
	if r.code != abi.StatusOK {
		var b abi.ErrorBody
		if err := json.Unmarshal(r.body, &b); err != nil || b.Message == "" {
			t.Fatalf("error result without a message: %s", r)
		}
		if _, known := core.ParseCode(r.code.String()); !known {
			t.Fatalf("result with unknown code: %s", r)
		}
	}
	return r
}

// call runs op on req: a string as is, anything else as JSON.
func call(t *testing.T, g *Guest, op abi.Op, req any) res {
	t.Helper()
	data, ok := req.(string)
	if !ok {
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		data = string(b)
	}
	return split(t, g.Call(op, []byte(data)))
}

// want checks code and, on failure, a part of the message; on success it
// decodes the body into out (if not nil), strictly.
func want(t *testing.T, r res, code core.Code, msg string, out any) {
	t.Helper()
	if r.code != code {
		t.Fatalf("got %s, want %s", r, code)
	}
	if code != abi.StatusOK {
		var b abi.ErrorBody
		json.Unmarshal(r.body, &b)
		if !strings.Contains(b.Message, msg) {
			t.Errorf("message %q does not say %q", b.Message, msg)
		}
		return
	}
	if out != nil {
		dec := json.NewDecoder(bytes.NewReader(r.body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(out); err != nil {
			t.Fatalf("result %s: %v", r.body, err)
		}
	}
}

func TestResultLayout(t *testing.T) {
	for _, c := range []struct {
		name string
		out  []byte
		code core.Code
		body string
	}{
		{"ok", okResult(abi.HandleResult{Handle: 7}), abi.StatusOK, `{"handle":7}`},
		{"core error", errResult(core.Errorf(core.CodeExpired, "token expired")), core.CodeExpired, `{"message":"token expired"}`},
		{"plain error", errResult(errors.New("boom")), core.CodeInternal, `{"message":"boom"}`},
		{"bad request", badRequest("bad %q", "x"), core.CodeInvalidArgument, `{"message":"bad \"x\""}`},
		{"internal", Internal(`panic: "quoted"`), core.CodeInternal, `{"message":"panic: \"quoted\""}`},
		{"unencodable result", okResult(math.Inf(1)), core.CodeInternal, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := split(t, c.out)
			if r.code != c.code || (c.body != "" && string(r.body) != c.body) {
				t.Errorf("got %s, want %s %s", r, c.code, c.body)
			}
		})
	}
}

func TestUnknownOperation(t *testing.T) {
	g := New()
	for _, op := range []abi.Op{0, 12, -1, math.MaxInt32, math.MinInt32} {
		want(t, call(t, g, op, `{}`), core.CodeInvalidArgument, fmt.Sprintf("unknown operation %d", op), nil)
	}
}

// Requests decode strictly: one JSON object, known members only.
func TestStrictRequests(t *testing.T) {
	g := New()
	f := newFixture(t, "ec-p256.pem", "")
	tok, _ := json.Marshal(f.token)
	for _, c := range []struct {
		name, req string
		code      core.Code
		msg       string
	}{
		{"object", `{"token":` + string(tok) + `}`, abi.StatusOK, ""},
		{"spaces around", "\t\r\n {\"token\":" + string(tok) + "} \n", abi.StatusOK, ""},
		{"empty", ``, core.CodeInvalidArgument, "EOF"},
		{"spaces only", `   `, core.CodeInvalidArgument, "EOF"},
		{"null", `null`, core.CodeInvalidArgument, "not a JSON object"},
		{"array", `[{"token":"a"}]`, core.CodeInvalidArgument, "not a JSON object"},
		{"string", `"a.b.c"`, core.CodeInvalidArgument, "not a JSON object"},
		{"number", `0`, core.CodeInvalidArgument, "not a JSON object"},
		{"unknown member", `{"token":"a","tokne":"b"}`, core.CodeInvalidArgument, `unknown field "tokne"`},
		{"wrong type", `{"token":["a"]}`, core.CodeInvalidArgument, "cannot unmarshal"},
		{"cut", `{"token":"a"`, core.CodeInvalidArgument, "EOF"},
		{"second object", `{"token":"a"}{"token":"b"}`, core.CodeInvalidArgument, "data after the JSON object"},
		{"stray brace", `{"token":"a"}}`, core.CodeInvalidArgument, "data after the JSON object"},
		{"stray bracket", `{"token":"a"}]`, core.CodeInvalidArgument, "data after the JSON object"},
		{"garbage", `{"token":"a"} x`, core.CodeInvalidArgument, "data after the JSON object"},
		{"comma", `{"token":"a"},`, core.CodeInvalidArgument, "data after the JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			want(t, call(t, g, abi.OpInspect, c.req), c.code, c.msg, nil)
		})
	}
	// Nested objects are strict too.
	want(t, call(t, g, abi.OpVerifierNew, `{"keys":"x","policy":{"algorithms":["ES256"],"audience":"a"}}`),
		core.CodeInvalidArgument, `unknown field "audience"`, nil)
}

func TestInspect(t *testing.T) {
	g := New()
	f := newFixture(t, "ec-p256.pem", `{"password":"hunter2"}`)
	var got abi.InspectResult
	want(t, call(t, g, abi.OpInspect, abi.InspectRequest{Token: f.token, NowMillis: now.UnixMilli()}), abi.StatusOK, "", &got)
	if got.SignatureSize != 64 || len(got.Dates) != 2 || got.Payload != "" {
		t.Errorf("inspection: %+v", got)
	}
	h, err := core.ParseHeader(got.Header)
	if err != nil || h.Algorithm != "ES256" || h.KeyID != f.kid {
		t.Errorf("header %s: %v", got.Header, err)
	}
	c, err := core.ParseClaims(got.Claims)
	if err != nil || c.Subject != "alice" {
		t.Errorf("claims %s: %v", got.Claims, err)
	}
	if !hasFinding(got.Findings, "sensitive_claim") {
		t.Errorf("findings %+v lack sensitive_claim", got.Findings)
	}

	// A key judged with it: a weak HMAC secret.
	weak := `{"kty":"oct","kid":"w","k":"AAAA"}`
	hs := mustSign(t, []byte(`{"kty":"oct","kid":"w","k":"`+strings.Repeat("A", 43)+`"}`), `{"sub":"bob"}`)
	got = abi.InspectResult{}
	want(t, call(t, g, abi.OpInspect, abi.InspectRequest{Token: hs, Key: weak}), abi.StatusOK, "", &got)
	if !hasFinding(got.Findings, "weak_key") {
		t.Errorf("findings with a weak key: %+v", got.Findings)
	}

	// A payload that is not a claims set.
	nonJSON := base64URL(`{"alg":"HS256"}`) + "." + base64URL("hello") + "." + base64URL("sig")
	got = abi.InspectResult{}
	want(t, call(t, g, abi.OpInspect, abi.InspectRequest{Token: nonJSON}), abi.StatusOK, "", &got)
	if got.Payload != "hello" || got.Claims != nil || got.Dates == nil || got.Findings == nil {
		t.Errorf("non-JSON payload: %+v (dates and findings must be [] rather than null)", got)
	}

	want(t, call(t, g, abi.OpInspect, abi.InspectRequest{Token: "not.a"}), core.CodeMalformed, "", nil)
	want(t, call(t, g, abi.OpInspect, abi.InspectRequest{Token: f.token, MaxSize: 10}), core.CodeTooLarge, "", nil)
	want(t, call(t, g, abi.OpInspect, abi.InspectRequest{Token: f.token, Key: "not a key"}), core.CodeInvalidKey, "", nil)
}

func hasFinding(fs []core.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func mustSign(t *testing.T, keys []byte, claims string) string {
	t.Helper()
	var out abi.SignResult
	want(t, call(t, New(), abi.OpSign, abi.SignRequest{KeysRequest: abi.KeysRequest{Keys: string(keys)}, Claims: json.RawMessage(claims)}), abi.StatusOK, "", &out)
	return out.Token
}

func verifierReq(jwks []byte, p abi.Policy) abi.VerifierRequest {
	return abi.VerifierRequest{KeysRequest: abi.KeysRequest{Keys: string(jwks)}, Policy: p}
}

func newHandle(t *testing.T, g *Guest, req abi.VerifierRequest) int32 {
	t.Helper()
	var h abi.HandleResult
	want(t, call(t, g, abi.OpVerifierNew, req), abi.StatusOK, "", &h)
	return h.Handle
}

// Handles: made, used, freed; stale and unknown ones refused.
func TestHandles(t *testing.T) {
	g := New()
	f := newFixture(t, "ec-p256.pem", "")
	p := abi.Policy{Algorithms: []string{"ES256"}, Issuer: "https://issuer.example"}
	h1 := newHandle(t, g, verifierReq(f.jwks, p))
	h2 := newHandle(t, g, verifierReq(f.jwks, p))
	if h1 == h2 || h1 <= 0 || h2 <= 0 || g.Live() != 2 {
		t.Fatalf("handles %d, %d, %d live", h1, h2, g.Live())
	}
	want(t, split(t, g.Verify(h1, now.UnixMilli(), []byte(f.token))), abi.StatusOK, "", nil)

	free := func(h int32) res { return call(t, g, abi.OpVerifierFree, abi.HandleRequest{Handle: h}) }
	r := free(h1)
	want(t, r, abi.StatusOK, "", nil)
	if string(r.body) != "{}" {
		t.Errorf("free result %s, want {}", r.body)
	}
	if g.Live() != 1 {
		t.Errorf("%d live after a free", g.Live())
	}
	for _, h := range []int32{h1, 0, -1, 999, math.MaxInt32} {
		msg := fmt.Sprintf("no verifier with handle %d", h)
		want(t, free(h), core.CodeInvalidArgument, msg, nil)
		want(t, split(t, g.Verify(h, now.UnixMilli(), []byte(f.token))), core.CodeInvalidArgument, msg, nil)
		want(t, call(t, g, abi.OpVerify, abi.VerifyRequest{Handle: h, Token: f.token}), core.CodeInvalidArgument, msg, nil)
	}
	want(t, split(t, g.Verify(h2, now.UnixMilli(), []byte(f.token))), abi.StatusOK, "", nil)
	if h3 := newHandle(t, g, verifierReq(f.jwks, p)); h3 == h1 || h3 == h2 {
		t.Errorf("new handle %d reuses %d or %d", h3, h1, h2)
	}

	// verifier_new's own errors.
	for _, c := range []struct {
		name string
		req  abi.VerifierRequest
		code core.Code
		msg  string
	}{
		{"no keys", verifierReq(nil, p), core.CodeInvalidKey, "the key document is empty"},
		{"bad keys", verifierReq([]byte("nope"), p), core.CodeInvalidKey, ""},
		{"no algorithms", verifierReq(f.jwks, abi.Policy{}), core.CodeInvalidArgument, "no algorithm"},
		{"alg none", verifierReq(f.jwks, abi.Policy{Algorithms: []string{"none"}}), core.CodeInvalidArgument, `"none" is never allowed`},
		{"negative cache", abi.VerifierRequest{KeysRequest: abi.KeysRequest{Keys: string(f.jwks)}, Policy: p, Cache: -1}, core.CodeInvalidArgument, "negative cache size -1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			live := g.Live()
			r := call(t, g, abi.OpVerifierNew, c.req)
			want(t, r, c.code, c.msg, nil)
			if r.code == abi.StatusOK || g.Live() != live {
				t.Errorf("a failed verifier_new left %d live, %d before", g.Live(), live)
			}
		})
	}
}

func TestVerifierLimit(t *testing.T) {
	g := New()
	req := verifierReq([]byte(`{"kty":"oct","kid":"s","k":"`+strings.Repeat("A", 43)+`"}`), abi.Policy{Algorithms: []string{"HS256"}})
	var last int32
	for range MaxVerifiers {
		last = newHandle(t, g, req)
	}
	want(t, call(t, g, abi.OpVerifierNew, req), core.CodeInvalidArgument, "MaxVerifiers", nil)
	want(t, call(t, g, abi.OpVerifierFree, abi.HandleRequest{Handle: last}), abi.StatusOK, "", nil)
	newHandle(t, g, req)
	if g.Live() != MaxVerifiers {
		t.Errorf("%d live, want %d", g.Live(), MaxVerifiers)
	}
}

// After 2^31 handles the numbering starts again at 1, past live handles.
func TestHandleWrap(t *testing.T) {
	g := New()
	req := verifierReq([]byte(`{"kty":"oct","kid":"s","k":"`+strings.Repeat("A", 43)+`"}`), abi.Policy{Algorithms: []string{"HS256"}})
	if h := newHandle(t, g, req); h != 1 {
		t.Fatalf("first handle %d, want 1", h)
	}
	g.next = math.MaxInt32 - 1
	for _, wantH := range []int32{math.MaxInt32, 2, 3} {
		if h := newHandle(t, g, req); h != wantH {
			t.Errorf("handle %d, want %d", h, wantH)
		}
	}
}

// Verification results: the success layout, errors without claims, and
// forbidden with the header, claims and key of the verified token.
func TestVerify(t *testing.T) {
	g := New()
	f := newFixture(t, "ec-p256.pem", `{"scope":"read"}`)
	h := newHandle(t, g, verifierReq(f.jwks, abi.Policy{Algorithms: []string{"ES256"}, Require: []string{"scope~read"}}))

	var vr abi.VerifyResult
	want(t, split(t, g.Verify(h, now.UnixMilli(), []byte(f.token))), abi.StatusOK, "", &vr)
	parts := strings.Split(f.token, ".")
	if vr.KeyID != f.kid || string(vr.Header) != decodeSeg(t, parts[0]) || string(vr.Claims) != decodeSeg(t, parts[1]) {
		t.Errorf("result %+v: want the header and claims exactly as sent, kid %q", vr, f.kid)
	}
	var viaOp abi.VerifyResult
	want(t, call(t, g, abi.OpVerify, abi.VerifyRequest{Handle: h, Token: f.token, NowMillis: now.UnixMilli()}), abi.StatusOK, "", &viaOp)
	if string(viaOp.Claims) != string(vr.Claims) || viaOp.KeyID != vr.KeyID {
		t.Errorf("op verify %+v differs from jwtwasm_verify %+v", viaOp, vr)
	}

	rejected := func(t *testing.T, r res, code core.Code) {
		t.Helper()
		want(t, r, code, "", nil)
		var b abi.ErrorBody
		json.Unmarshal(r.body, &b)
		if b.Claims != nil || b.Header != nil || b.KeyID != "" {
			t.Errorf("a rejected token's result carries %s", r.body)
		}
	}
	rejected(t, split(t, g.Verify(h, now.Add(2*time.Hour).UnixMilli(), []byte(f.token))), core.CodeExpired)
	rejected(t, split(t, g.Verify(h, now.UnixMilli(), []byte(f.token[:len(f.token)-4]+"AAAA"))), core.CodeBadSignature)
	rejected(t, split(t, g.Verify(h, now.UnixMilli(), nil)), core.CodeMalformed)
	rejected(t, split(t, g.Verify(h, now.UnixMilli(), []byte("a.b.c"))), core.CodeMalformed)
	// Now 0 is the clock: in 2026-11-23 13:00 UTC the fixture has expired.
	if time.Now().After(now.Add(time.Hour)) {
		rejected(t, split(t, g.Verify(h, 0, []byte(f.token))), core.CodeExpired)
	}

	// Forbidden: verified, then refused by a rule; the result says who.
	hw := newHandle(t, g, verifierReq(f.jwks, abi.Policy{Algorithms: []string{"ES256"}, Require: []string{"scope~write"}}))
	r := split(t, g.Verify(hw, now.UnixMilli(), []byte(f.token)))
	want(t, r, core.CodeForbidden, "scope", nil)
	var b abi.ErrorBody
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatal(err)
	}
	if string(b.Claims) != string(vr.Claims) || string(b.Header) != string(vr.Header) || b.KeyID != f.kid {
		t.Errorf("forbidden result %s lacks the token's header, claims or kid", r.body)
	}
}

func decodeSeg(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSign(t *testing.T) {
	g := New()
	f := newFixture(t, "ec-p256.pem", "")
	claims := json.RawMessage(`{"sub":"carol","exp":1795438800}`)
	empty, custom := "", "custom"
	for _, c := range []struct {
		name      string
		req       abi.SignRequest
		alg, kid  string
		typ       string
		hasKid    bool
		hasTyp    bool
		code      core.Code
		msgOnFail string
	}{
		{name: "defaults", req: abi.SignRequest{KeysRequest: abi.KeysRequest{Keys: string(f.private)}, Claims: claims},
			alg: "ES256", kid: f.kid, typ: "JWT", hasKid: true, hasTyp: true},
		{name: "kid and typ set", req: abi.SignRequest{KeysRequest: abi.KeysRequest{Keys: string(f.private)}, Claims: claims, KeyID: &custom, Type: &custom},
			alg: "ES256", kid: "custom", typ: "custom", hasKid: true, hasTyp: true},
		{name: "kid and typ left out", req: abi.SignRequest{KeysRequest: abi.KeysRequest{Keys: string(f.private)}, Claims: claims, KeyID: &empty, Type: &empty},
			alg: "ES256"},
		{name: "RSA with PS256", req: abi.SignRequest{KeysRequest: abi.KeysRequest{Keys: string(readKey(t, "rsa2048.pem"))}, Claims: claims, Alg: "PS256"},
			alg: "PS256", typ: "JWT", hasKid: true, hasTyp: true},
		{name: "alg that does not fit", req: abi.SignRequest{KeysRequest: abi.KeysRequest{Keys: string(f.private)}, Claims: claims, Alg: "RS256"},
			code: core.CodeKeyMismatch},
		{name: "public key", req: abi.SignRequest{KeysRequest: abi.KeysRequest{Keys: string(f.jwks)}, Claims: claims},
			code: core.CodeInvalidKey, msgOnFail: "no private key"},
		{name: "no keys", req: abi.SignRequest{Claims: claims},
			code: core.CodeInvalidKey, msgOnFail: "the key document is empty"},
		{name: "claims not an object", req: abi.SignRequest{KeysRequest: abi.KeysRequest{Keys: string(f.private)}, Claims: json.RawMessage(`[1]`)},
			code: core.CodeInvalidArgument, msgOnFail: "not a JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, g, abi.OpSign, c.req)
			if c.code != abi.StatusOK {
				want(t, r, c.code, c.msgOnFail, nil)
				return
			}
			var out abi.SignResult
			want(t, r, abi.StatusOK, "", &out)
			in, err := core.Inspect(out.Token)
			if err != nil {
				t.Fatal(err)
			}
			_, hasKid := in.Header.Get("kid")
			_, hasTyp := in.Header.Get("typ")
			if in.Header.Algorithm != c.alg || hasKid != c.hasKid || hasTyp != c.hasTyp ||
				(c.kid != "" && in.Header.KeyID != c.kid) || (c.typ != "" && in.Header.Type != c.typ) {
				t.Errorf("header %s", in.Header.JSON())
			}
			if string(in.Payload) != string(claims) {
				t.Errorf("payload %s, want %s", in.Payload, claims)
			}
		})
	}
}

func TestKeygen(t *testing.T) {
	g := New()
	for _, c := range []struct {
		name    string
		req     abi.KeygenRequest
		kty     string
		public  bool
		private string // a part of the private output
	}{
		{"EC jwk from alg", abi.KeygenRequest{Alg: "ES384", Format: "jwk", KeyID: "k1", Use: "sig"}, "EC", true, `"crv": "P-384"`},
		{"OKP pem", abi.KeygenRequest{Type: "OKP", Format: "pem"}, "OKP", true, "BEGIN PRIVATE KEY"},
		{"EC sec1", abi.KeygenRequest{Type: "EC", Curve: "P-256", Format: "pem", PEMFormat: "sec1"}, "EC", true, "BEGIN EC PRIVATE KEY"},
		{"EC encrypted", abi.KeygenRequest{Type: "EC", Format: "pem", Passphrase: "pw"}, "EC", true, "BEGIN ENCRYPTED PRIVATE KEY"},
		{"oct jwks", abi.KeygenRequest{Alg: "HS256", Format: "jwks", Use: "sig"}, "oct", false, `"keys"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out abi.KeygenResult
			want(t, call(t, g, abi.OpKeygen, c.req), abi.StatusOK, "", &out)
			if out.Type != c.kty || (out.Public != "") != c.public || !strings.Contains(out.Private, c.private) || out.Bits == 0 || out.KeyID == "" {
				t.Errorf("%+v", out)
			}
			if c.req.KeyID != "" && out.KeyID != c.req.KeyID {
				t.Errorf("kid %q, want %q", out.KeyID, c.req.KeyID)
			}
			if strings.Contains(out.Public, `"d"`) {
				t.Errorf("public part holds the private key: %s", out.Public)
			}
		})
	}
	for _, c := range []struct {
		name string
		req  abi.KeygenRequest
		code core.Code
		msg  string
	}{
		{"bad format", abi.KeygenRequest{Type: "EC", Format: "der"}, core.CodeInvalidArgument, `format "der"`},
		{"type against alg", abi.KeygenRequest{Type: "RSA", Alg: "ES256", Format: "jwk"}, core.CodeInvalidArgument, "does not fit"},
		{"unknown alg", abi.KeygenRequest{Alg: "XS256", Format: "jwk"}, core.CodeInvalidArgument, `unknown algorithm "XS256"`},
		{"oct as pem", abi.KeygenRequest{Type: "oct", Format: "pem"}, core.CodeInvalidArgument, "no PEM form"},
	} {
		t.Run(c.name, func(t *testing.T) {
			want(t, call(t, g, abi.OpKeygen, c.req), c.code, c.msg, nil)
		})
	}
}

func TestConvert(t *testing.T) {
	g := New()
	f := newFixture(t, "ec-p256.pem", "")
	two := `{"keys":[` + string(readKey(t, "oct512.jwk")) + `,` + string(readKey(t, "rfc7638.jwk")) + `]}`
	conv := func(keys, to string) res {
		return call(t, g, abi.OpConvertKeys, abi.ConvertRequest{KeysRequest: abi.KeysRequest{Keys: keys}, To: to})
	}
	var out abi.ConvertResult
	want(t, conv(string(f.private), "jwks"), abi.StatusOK, "", &out)
	if !strings.Contains(out.Output, `"d"`) || !strings.HasSuffix(out.Output, "\n") {
		t.Errorf("jwks of a private key: %s", out.Output)
	}
	want(t, conv(string(f.private), "public-jwks"), abi.StatusOK, "", &out)
	if strings.Contains(out.Output, `"d"`) || !strings.Contains(out.Output, f.kid) {
		t.Errorf("public jwks: %s", out.Output)
	}
	want(t, conv(string(f.jwks), "pem"), abi.StatusOK, "", &out)
	if !strings.HasPrefix(out.Output, "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("pem: %s", out.Output)
	}
	want(t, conv(string(f.jwks), "jwk"), abi.StatusOK, "", &out)
	if strings.Contains(out.Output, `"keys"`) {
		t.Errorf("jwk: %s", out.Output)
	}
	want(t, conv(two, "jwks"), abi.StatusOK, "", &out)
	want(t, conv(two, "public-jwks"), abi.StatusOK, "", &out)
	if strings.Contains(out.Output, `"oct"`) {
		t.Errorf("public jwks holds the secret: %s", out.Output)
	}
	want(t, conv(two, "jwk"), core.CodeInvalidArgument, "holds 2 keys", nil)
	want(t, conv(string(readKey(t, "oct512.jwk")), "public-jwks"), core.CodeInvalidKey, "only HMAC secrets", nil)
	want(t, conv(string(f.jwks), "der"), core.CodeInvalidArgument, `key format "der"`, nil)
	want(t, conv("", "jwks"), core.CodeInvalidKey, "the key document is empty", nil)
}

func TestThumbprint(t *testing.T) {
	g := New()
	var out abi.ThumbprintResult
	req := abi.KeysRequest{Keys: `{"keys":[` + string(readKey(t, "rfc7638.jwk")) + `,` + string(readKey(t, "oct512.jwk")) + `]}`}
	want(t, call(t, g, abi.OpThumbprint, req), abi.StatusOK, "", &out)
	if len(out.Keys) != 2 {
		t.Fatalf("%+v", out)
	}
	// RFC 7638, section 3.1.
	if k := out.Keys[0]; k.Thumbprint != "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" || k.KeyID != "2011-04-29" || k.Type != "RSA" || k.Bits != 2048 || k.Private {
		t.Errorf("RFC 7638 key: %+v", k)
	}
	if k := out.Keys[1]; k.Type != "oct" || !k.Private || k.KeyID != "hmac-1" {
		t.Errorf("secret: %+v", k)
	}
	want(t, call(t, g, abi.OpThumbprint, abi.KeysRequest{Keys: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}), core.CodeInvalidKey, "", nil)
}

// TestRequestNamesAreExact pins that member names match their documented
// spelling exactly, at the top level and inside the policy.
func TestRequestNamesAreExact(t *testing.T) {
	g := New()
	for _, req := range []string{
		`{"Keys":"x","policy":{"algorithms":["ES256"]}}`,
		`{"keys":"x","Policy":{"algorithms":["ES256"]}}`,
		`{"keys":"x","policy":{"Algorithms":["ES256"]}}`,
	} {
		res := g.Call(abi.OpVerifierNew, []byte(req))
		if core.Code(res[0]) != core.CodeInvalidArgument || !strings.Contains(string(res[1:]), "case-sensitive") {
			t.Errorf("%s: got %d %s, want invalid_argument naming case", req, res[0], res[1:])
		}
	}
}

// TestSigners pins prepared signers: made from a private key document,
// used by handle, refused when a request names both a handle and keys,
// freed once, and never confused with a verifier handle.
func TestSigners(t *testing.T) {
	g := New()
	f := newFixture(t, "ec-p256.pem", "")
	claims := json.RawMessage(`{"sub":"carol","exp":1795438800}`)
	var h abi.HandleResult
	want(t, call(t, g, abi.OpSignerNew, abi.KeysRequest{Keys: string(f.private)}), abi.StatusOK, "", &h)
	var out abi.SignResult
	want(t, call(t, g, abi.OpSign, abi.SignRequest{Handle: h.Handle, Claims: claims}), abi.StatusOK, "", &out)
	if strings.Count(out.Token, ".") != 2 {
		t.Errorf("token %q", out.Token)
	}
	want(t, call(t, g, abi.OpSign, abi.SignRequest{Handle: h.Handle, KeysRequest: abi.KeysRequest{Keys: string(f.private)}, Claims: claims}),
		core.CodeInvalidArgument, "not both", nil)
	want(t, call(t, g, abi.OpVerifierFree, abi.HandleRequest{Handle: h.Handle}), core.CodeInvalidArgument, "no verifier", nil)
	want(t, call(t, g, abi.OpSignerFree, abi.HandleRequest{Handle: h.Handle}), abi.StatusOK, "", nil)
	want(t, call(t, g, abi.OpSignerFree, abi.HandleRequest{Handle: h.Handle}), core.CodeInvalidArgument, "no signer", nil)
	want(t, call(t, g, abi.OpSign, abi.SignRequest{Handle: h.Handle, Claims: claims}), core.CodeInvalidArgument, "no signer", nil)
	want(t, call(t, g, abi.OpSignerNew, abi.KeysRequest{Keys: string(f.jwks)}), core.CodeInvalidKey, "no private key", nil)
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "k1", "2026-11-23 key", `a"b`, `a\b`, "tab\there", "é", "<script>", "\x7f", "\xff"} {
		out := appendJSONString([]byte("x"), s)
		var back string
		if out[0] != 'x' || json.Unmarshal(out[1:], &back) != nil {
			t.Errorf("appendJSONString(%q) = %s: not a JSON string after the prefix", s, out)
			continue
		}
		// Invalid UTF-8 becomes U+FFFD, as encoding/json writes it.
		if want := strings.ToValidUTF8(s, "\uFFFD"); back != want {
			t.Errorf("appendJSONString(%q) reads back as %q", s, back)
		}
	}
}

// TestVerifyInput checks the one-call hot path: the input buffer grows and
// is reused, a success is laid out as abi.VerifiedLayout says with the
// same header and claims as Verify, and failures are Verify's.
func TestVerifyInput(t *testing.T) {
	g := New()
	f := newFixture(t, "ec-p256.pem", "")
	policy := abi.Policy{Algorithms: []string{"ES256"}, Issuer: "https://issuer.example"}
	nowMillis := now.UnixMilli()
	var h abi.HandleResult
	want(t, call(t, g, abi.OpVerifierNew, abi.VerifierRequest{KeysRequest: abi.KeysRequest{Keys: string(f.jwks)}, Policy: policy, ReturnKeys: true}), abi.StatusOK, "", &h)
	if set, err := core.ParseKeySet([]byte(h.Keys)); err != nil || set.Len() == 0 {
		t.Fatalf("return_keys gave %q: %v", h.Keys, err)
	}
	if g.Input(-1) != nil || g.Input(abi.MaxAlloc+1) != nil {
		t.Error("Input takes a negative size or one over MaxAlloc")
	}
	in := g.Input(int32(len(f.token)))
	if len(in) < len(f.token) {
		t.Fatalf("Input(%d) gave %d bytes", len(f.token), len(in))
	}
	if again := g.Input(1); &again[0] != &in[0] {
		t.Error("a smaller Input did not reuse the buffer")
	}
	copy(in, f.token)
	res := g.VerifyInput(h.Handle, nowMillis, int32(len(f.token)))
	if res[0] != abi.StatusOK || len(res) < abi.VerifiedLayout {
		t.Fatalf("VerifyInput: %q", res)
	}
	var vr abi.VerifyResult
	want(t, split(t, g.Verify(h.Handle, nowMillis, []byte(f.token))), abi.StatusOK, "", &vr)
	hlen := binary.LittleEndian.Uint32(res[5:])
	if index := binary.LittleEndian.Uint32(res[1:]); int(index) != vr.KeyIndex {
		t.Errorf("key index %d, Verify's %d", index, vr.KeyIndex)
	}
	body := res[abi.VerifiedLayout:]
	if string(body[:hlen]) != string(vr.Header) || string(body[hlen:]) != string(vr.Claims) {
		t.Errorf("header and claims %q, Verify's %s %s", body, vr.Header, vr.Claims)
	}
	again := g.VerifyInput(h.Handle, nowMillis, int32(len(f.token)))
	if &again[0] != &res[0] {
		t.Error("the result buffer was not reused")
	}
	// Tamper with the signature: another base64url character, never itself.
	if in[len(f.token)-2] == 'A' {
		in[len(f.token)-2] = 'B'
	} else {
		in[len(f.token)-2] = 'A'
	}
	want(t, split(t, g.VerifyInput(h.Handle, nowMillis, int32(len(f.token)))), core.CodeBadSignature, "", nil)
	want(t, split(t, g.VerifyInput(h.Handle+100, nowMillis, 1)), core.CodeInvalidArgument, "no verifier", nil)
	want(t, split(t, g.VerifyInput(h.Handle, nowMillis, int32(len(in)+1))), core.CodeInvalidArgument, "input buffer", nil)
	want(t, split(t, g.VerifyInput(h.Handle, nowMillis, -1)), core.CodeInvalidArgument, "input buffer", nil)
}
