package core

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// findingCodes returns the codes of the findings, in order.
func findingCodes(in *Inspection) []string {
	var out []string
	for _, f := range in.Findings {
		out = append(out, f.Code)
	}
	return out
}

func finding(in *Inspection, code string) (Finding, bool) {
	for _, f := range in.Findings {
		if f.Code == code {
			return f, true
		}
	}
	return Finding{}, false
}

func TestInspectFindings(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	oct := fixedKey(t, "oct")
	claims := func(extra map[string]any) string {
		m := map[string]any{"aud": "api", "iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix()}
		for k, v := range extra {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return string(claimsJSON(t, m))
	}
	hdr := `{"alg":"ES256","kid":"k","typ":"JWT"}`
	tests := []struct {
		name     string
		token    string
		opts     []InspectOption
		code     string
		severity Severity
		absent   bool // the finding must not be there
	}{
		{name: "alg none", token: unsigned(`{"alg":"none","kid":"k","typ":"JWT"}`, claims(nil), nil), code: "alg_none", severity: SeverityHigh},
		{name: "alg nOnE", token: unsigned(`{"alg":"nOnE"}`, claims(nil), nil), code: "alg_none", severity: SeverityHigh},
		{name: "unknown alg", token: unsigned(`{"alg":"XS256"}`, claims(nil), []byte{1}), code: "alg_unknown", severity: SeverityHigh},
		{name: "HS256", token: rawToken(t, oct, "HS256", `{"alg":"HS256","kid":"k","typ":"JWT"}`, claims(nil)), code: "alg_hmac", severity: SeverityMedium},
		{name: "ES256 is not hmac", token: rawToken(t, es, "ES256", hdr, claims(nil)), code: "alg_hmac", absent: true},
		{name: "missing exp", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"exp": nil})), code: "no_exp", severity: SeverityMedium},
		{name: "lifetime over 24h", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"exp": testNow.Add(25 * time.Hour).Unix()})), code: "long_lifetime", severity: SeverityMedium},
		{name: "lifetime of exactly 24h", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"exp": testNow.Add(24 * time.Hour).Unix()})), code: "long_lifetime", absent: true},
		{name: "lifetime from nbf without iat", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"iat": nil, "nbf": testNow.Add(-48 * time.Hour).Unix()})), code: "long_lifetime", severity: SeverityMedium},
		{name: "lifetime from now without iat or nbf", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"iat": nil, "exp": testNow.Add(30 * 24 * time.Hour).Unix()})), code: "long_lifetime", severity: SeverityMedium},
		{name: "missing kid", token: rawToken(t, es, "ES256", `{"alg":"ES256","typ":"JWT"}`, claims(nil)), code: "no_kid", severity: SeverityLow},
		{name: "missing typ", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"k"}`, claims(nil)), code: "no_typ", severity: SeverityLow},
		{name: "jwk header", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"k","typ":"JWT","jwk":{"kty":"EC"}}`, claims(nil)), code: "header_key", severity: SeverityHigh},
		{name: "jku header", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"k","typ":"JWT","jku":"https://evil.example"}`, claims(nil)), code: "header_key", severity: SeverityHigh},
		{name: "x5u header", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"k","typ":"JWT","x5u":"https://evil.example"}`, claims(nil)), code: "header_key", severity: SeverityHigh},
		{name: "x5c header", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"k","typ":"JWT","x5c":["MIIB"]}`, claims(nil)), code: "header_key", severity: SeverityHigh},
		{name: "crit", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"k","typ":"JWT","crit":["b64"],"b64":true}`, claims(nil)), code: "crit", severity: SeverityInfo},
		{name: "missing aud", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"aud": nil})), code: "no_aud", severity: SeverityLow},
		{name: "iat in the future", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"iat": testNow.Add(time.Minute).Unix()})), code: "iat_future", severity: SeverityMedium},
		{name: "expired", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"exp": testNow.Add(-time.Second).Unix(), "iat": testNow.Add(-time.Hour).Unix()})), code: "expired", severity: SeverityInfo},
		{name: "not yet valid", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"nbf": testNow.Add(time.Minute).Unix()})), code: "not_yet_valid", severity: SeverityInfo},
		{name: "nbf after exp", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"nbf": testNow.Add(2 * time.Hour).Unix()})), code: "never_valid", severity: SeverityHigh},
		{name: "nbf equal to exp", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"nbf": testNow.Add(time.Hour).Unix()})), code: "never_valid", severity: SeverityHigh},
		{name: "nbf before exp", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"nbf": testNow.Unix()})), code: "never_valid", absent: true},
		{name: "password claim", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"password": "hunter2"})), code: "sensitive_claim", severity: SeverityMedium},
		{name: "client_secret claim", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"client_secret": "s"})), code: "sensitive_claim", severity: SeverityMedium},
		{name: "ssn claim", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"ssn": "078-05-1120"})), code: "sensitive_claim", severity: SeverityMedium},
		{name: "credit_card claim", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"credit_card": "4111"})), code: "sensitive_claim", severity: SeverityMedium},
		{name: "CreditCard claim", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"CreditCard": "4111"})), code: "sensitive_claim", severity: SeverityMedium},
		{name: "ordinary claims", token: rawToken(t, es, "ES256", hdr, claims(map[string]any{"role": "x", "email": "a@b"})), code: "sensitive_claim", absent: true},
		{name: "DER ECDSA signature", token: unsigned(hdr, claims(nil), make([]byte, 71)), code: "bad_signature_size", severity: SeverityHigh},
		{name: "payload not a claims set", token: rawToken(t, es, "ES256", hdr, "hello"), code: "bad_claims", severity: SeverityHigh},
		{name: "payload with string exp", token: rawToken(t, es, "ES256", hdr, `{"exp":"soon"}`), code: "bad_claims", severity: SeverityHigh},
		{name: "weak key", token: rawToken(t, weakRSAKey(t), "RS256", `{"alg":"RS256","kid":"k","typ":"JWT"}`, claims(nil)),
			opts: []InspectOption{InspectWithKey(weakRSAKey(t))}, code: "weak_key", severity: SeverityHigh},
		{name: "weak key, public part", token: rawToken(t, weakRSAKey(t), "RS256", `{"alg":"RS256","kid":"k","typ":"JWT"}`, claims(nil)),
			opts: []InspectOption{InspectWithKey(weakRSAKey(t).Public())}, code: "weak_key", severity: SeverityHigh},
		{name: "strong key", token: rawToken(t, es, "ES256", hdr, claims(nil)),
			opts: []InspectOption{InspectWithKey(es.Public())}, code: "weak_key", absent: true},
		{name: "key of the wrong type", token: rawToken(t, es, "ES256", hdr, claims(nil)),
			opts: []InspectOption{InspectWithKey(fixedKey(t, "rsa"))}, code: "key_mismatch", severity: SeverityHigh},
		{name: "key of the right type", token: rawToken(t, es, "ES256", hdr, claims(nil)),
			opts: []InspectOption{InspectWithKey(es)}, code: "key_mismatch", absent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, err := Inspect(tt.token, append([]InspectOption{InspectAt(at(testNow))}, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			f, ok := finding(in, tt.code)
			if tt.absent {
				if ok {
					t.Fatalf("unexpected finding %+v", f)
				}
				return
			}
			if !ok {
				t.Fatalf("no %q finding in %q", tt.code, findingCodes(in))
			}
			if f.Severity != tt.severity {
				t.Errorf("severity %s, want %s", f.Severity, tt.severity)
			}
			if f.Message == "" {
				t.Error("empty message")
			}
		})
	}
}

func TestInspectHeaderKeysEach(t *testing.T) {
	t.Parallel()
	tok := unsigned(`{"alg":"ES256","kid":"k","typ":"JWT","jwk":{},"jku":"u","x5u":"u","x5c":[]}`, `{"aud":"a","exp":1}`, make([]byte, 64))
	in, err := Inspect(tok, InspectAt(at(testNow)))
	if err != nil {
		t.Fatal(err)
	}
	var named []string
	for _, f := range in.Findings {
		if f.Code == "header_key" {
			named = append(named, f.Message)
		}
	}
	if len(named) != 4 {
		t.Fatalf("%d header_key findings, want 4: %q", len(named), named)
	}
	for i, h := range []string{"jwk", "jku", "x5u", "x5c"} {
		if !strings.Contains(named[i], `"`+h+`"`) {
			t.Errorf("finding %q does not name %q", named[i], h)
		}
	}
}

func TestInspectDates(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	tests := []struct {
		name   string
		claims map[string]any
		want   []DateClaim
	}{
		{"expired 2h ago", map[string]any{"exp": testNow.Add(-2 * time.Hour).Unix()},
			[]DateClaim{{Name: "exp", Time: testNow.Add(-2 * time.Hour), Relative: "expired 2h ago"}}},
		{"valid for 14m", map[string]any{"exp": testNow.Add(14*time.Minute + 59*time.Second).Unix()},
			[]DateClaim{{Name: "exp", Time: testNow.Add(14*time.Minute + 59*time.Second), Relative: "valid for 14m"}}},
		{"expired now", map[string]any{"exp": testNow.Unix()},
			[]DateClaim{{Name: "exp", Time: testNow, Relative: "expired 0s ago"}}},
		{"expired 3d ago", map[string]any{"exp": testNow.Add(-75 * time.Hour).Unix()},
			[]DateClaim{{Name: "exp", Time: testNow.Add(-75 * time.Hour), Relative: "expired 3d ago"}}},
		{"all three", map[string]any{
			"iat": testNow.Add(-45 * time.Second).Unix(),
			"nbf": testNow.Add(-5 * time.Minute).Unix(),
			"exp": testNow.Add(47 * time.Hour).Unix(),
		}, []DateClaim{
			{Name: "exp", Time: testNow.Add(47 * time.Hour), Relative: "valid for 47h"},
			{Name: "nbf", Time: testNow.Add(-5 * time.Minute), Relative: "valid since 5m ago"},
			{Name: "iat", Time: testNow.Add(-45 * time.Second), Relative: "issued 45s ago"},
		}},
		{"future nbf and iat", map[string]any{
			"nbf": testNow.Add(3 * time.Hour).Unix(),
			"iat": testNow.Add(2 * time.Minute).Unix(),
		}, []DateClaim{
			{Name: "nbf", Time: testNow.Add(3 * time.Hour), Relative: "not valid for another 3h"},
			{Name: "iat", Time: testNow.Add(2 * time.Minute), Relative: "issued 2m in the future"},
		}},
		{"no dates", map[string]any{"sub": "x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, err := Inspect(mustSign(t, es, claimsJSON(t, tt.claims)), InspectAt(at(testNow)))
			if err != nil {
				t.Fatal(err)
			}
			if len(in.Dates) != len(tt.want) {
				t.Fatalf("dates = %+v, want %+v", in.Dates, tt.want)
			}
			for i, d := range in.Dates {
				w := tt.want[i]
				if d.Name != w.Name || !d.Time.Equal(w.Time) || d.Relative != w.Relative {
					t.Errorf("date %d = %+v, want %+v", i, d, w)
				}
			}
		})
	}
}

// TestInspectDatesOutOfRange checks that dates past year 9999 or before
// year 0, which RFC 3339 cannot write, are shown as numbers with a
// finding, never an error, and that the inspection encodes as JSON.
func TestInspectDatesOutOfRange(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	hdr := `{"alg":"ES256","kid":"k","typ":"JWT"}`
	tests := []struct {
		name     string
		claims   string
		dates    string // name=seconds (relative) of each date, in order
		farCount int    // date_out_of_range findings
	}{
		{"exp at year 10000", `{"exp":253402300800}`, `exp=253402300800 (past year 9999)`, 1},
		{"exp 1e300", `{"exp":1e300}`, `exp=1e300 (past year 9999)`, 1},
		{"exp beyond float64", `{"exp":1e400}`, `exp=1e400 (past year 9999)`, 1},
		{"exp past 2^53seconds", `{"exp":18014398509481984}`, `exp=18014398509481984 (past year 9999)`, 1},
		{"exp the last second of 9999", `{"exp":253402300799}`, `exp=253402300799 (valid for 2913221d)`, 0},
		{"nbf before year 0", `{"exp":1700003600,"nbf":-62167219201}`, `exp=1700003600 (valid for 1h); nbf=-62167219201 (before year 0)`, 1},
		{"iat and nbf at 1e300", `{"exp":1700003600,"nbf":1e300,"iat":-1e300}`, `exp=1700003600 (valid for 1h); nbf=1e300 (past year 9999); iat=-1e300 (before year 0)`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, err := Inspect(rawToken(t, es, "ES256", hdr, tt.claims), InspectAt(at(testNow)))
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if in.Claims == nil {
				t.Fatalf("claims not read: findings %q", findingCodes(in))
			}
			var got []string
			for _, d := range in.Dates {
				got = append(got, fmt.Sprintf("%s=%s (%s)", d.Name, d.Seconds, d.Relative))
				if d.Relative == "past year 9999" || d.Relative == "before year 0" {
					if !d.Time.IsZero() {
						t.Errorf("%s: time %v, want the zero Time", d.Name, d.Time)
					}
				}
			}
			if strings.Join(got, "; ") != tt.dates {
				t.Errorf("dates %q, want %q", strings.Join(got, "; "), tt.dates)
			}
			far := 0
			for _, f := range in.Findings {
				if f.Code == "date_out_of_range" {
					far++
					if f.Severity != SeverityMedium || !strings.Contains(f.Message, "year") {
						t.Errorf("finding %+v", f)
					}
				}
			}
			if far != tt.farCount {
				t.Errorf("%d date_out_of_range findings, want %d: %q", far, tt.farCount, findingCodes(in))
			}
			if _, err := json.Marshal(in.Dates); err != nil {
				t.Errorf("the dates do not encode as JSON: %v", err)
			}
		})
	}
}

func TestInspectCleanToken(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	tok := mustSign(t, es, validClaims(t))
	in, err := Inspect(tok, InspectAt(at(testNow)), InspectWithKey(es.Public()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range in.Findings {
		if f.Severity == SeverityHigh || f.Severity == SeverityMedium {
			t.Errorf("clean token has a %s finding: %+v", f.Severity, f)
		}
	}
	if len(in.Findings) != 0 {
		t.Logf("findings on a clean token: %q", findingCodes(in))
	}
	if in.Header.Algorithm != "ES256" || in.Header.KeyID != es.KeyID() || in.Header.Type != "JWT" {
		t.Errorf("header = %+v", in.Header)
	}
	if in.Claims == nil || in.Claims.Subject != "alice" || string(in.Payload) != string(validClaims(t)) {
		t.Errorf("claims/payload = %+v / %s", in.Claims, in.Payload)
	}
	if in.SignatureSize != 64 {
		t.Errorf("SignatureSize = %d, want 64", in.SignatureSize)
	}
	// Surrounding white space, as pasted, is fine.
	if _, err := Inspect("  "+tok+"\n", InspectAt(at(testNow))); err != nil {
		t.Errorf("Inspect of a token with white space: %v", err)
	}
}

func TestInspectSortsBySeverity(t *testing.T) {
	t.Parallel()
	// none + no kid + no typ + no exp + no aud + sensitive + crit + iat in
	// the future + jku: every severity, in a mixed order.
	tok := unsigned(`{"alg":"none","crit":["x"],"x":1,"jku":"https://evil.example"}`,
		`{"password":"p","iat":`+sec(time.Hour)+`,"nbf":`+sec(time.Hour)+`}`, nil)
	in, err := Inspect(tok, InspectAt(at(testNow)))
	if err != nil {
		t.Fatal(err)
	}
	rank := map[Severity]int{SeverityHigh: 0, SeverityMedium: 1, SeverityLow: 2, SeverityInfo: 3}
	seen := map[Severity]bool{}
	for i, f := range in.Findings {
		seen[f.Severity] = true
		if i > 0 && rank[f.Severity] < rank[in.Findings[i-1].Severity] {
			t.Errorf("finding %d (%s) after a less serious one (%s): %q", i, f.Severity, in.Findings[i-1].Severity, findingCodes(in))
		}
	}
	if len(seen) != 4 {
		t.Fatalf("want findings of all four severities, got %q", findingCodes(in))
	}
	// Stable: within a severity, the order found.
	want := []string{"alg_none", "header_key", "no_exp", "iat_future", "sensitive_claim", "no_kid", "no_typ", "no_aud", "crit", "not_yet_valid"}
	if got := findingCodes(in); !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
}

func TestInspectErrors(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	tok := mustSign(t, es, validClaims(t))
	tests := []struct {
		name  string
		token string
		opts  []InspectOption
		want  Code
	}{
		{"two parts", "a.b", nil, CodeMalformed},
		{"empty", "", nil, CodeMalformed},
		{"bad header", "e30x.e30.", nil, CodeMalformed},
		{"header without alg", unsigned(`{}`, `{}`, nil), nil, CodeMalformed},
		{"over the default size", strings.Repeat("a", DefaultMaxTokenSize+1), nil, CodeTooLarge},
		{"over a custom size", tok, []InspectOption{InspectMaxSize(len(tok) - 1)}, CodeTooLarge},
		{"at a custom size", tok, []InspectOption{InspectMaxSize(len(tok))}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, err := Inspect(tt.token, append([]InspectOption{InspectAt(at(testNow))}, tt.opts...)...)
			checkErr(t, err, tt.want)
			if err != nil && in != nil {
				t.Error("inspection returned with an error")
			}
		})
	}
}

func TestInspectNonCanonicalPayload(t *testing.T) {
	t.Parallel()
	// "e30" is {}; "e31" decodes to the same bytes with stray low bits.
	in, err := Inspect(b64.EncodeToString([]byte(`{"alg":"ES256"}`))+".e31."+b64.EncodeToString(make([]byte, 64)), InspectAt(at(testNow)))
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := finding(in, "noncanonical_base64"); !ok || f.Severity != SeverityMedium {
		t.Errorf("findings %q lack noncanonical_base64", findingCodes(in))
	}
	if string(in.Payload) != "{}" {
		t.Errorf("payload = %q", in.Payload)
	}
}

// TestOneDurationFormat pins the one format both inspection and
// verification messages print durations in, at every distance: a
// time.Duration alone stops at about 292 years.
func TestOneDurationFormat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    time.Duration
		days int64
		want string
	}{
		{d: 45 * time.Second, want: "45s"},
		{d: 14*time.Minute + 59*time.Second, want: "14m"},
		{d: 47 * time.Hour, want: "47h"},
		{d: -75 * time.Hour, want: "3d"},
		{days: 1000 * 365, want: "365000d"},
	} {
		to := testNow.Add(c.d).AddDate(0, 0, int(c.days))
		if got := roughBetween(testNow, to); got != c.want {
			t.Errorf("roughBetween(%v later) = %q, want %q", to.Sub(testNow), got, c.want)
		}
	}
	// A verifier's message for a token expired a thousand years ago.
	old := testNow.AddDate(-1000, 0, 0)
	if msg := roughBetween(old, testNow); msg == "106751d" || !strings.HasSuffix(msg, "d") {
		t.Errorf("a thousand years: %q", msg)
	}
}
