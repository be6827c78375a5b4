package core_test

// The verification cases of testdata/cases: one small text file per case,
// "name: value" lines, a blank line, then the token on one line. The same
// files drive TestCases here (native core) and host's TestDifferential
// (native core against the WebAssembly module), so both judge the same
// tokens under the same keys, policy and time.
//
// A file reads:
//
//	name: attack-alg-none             the file's name without .txt
//	expect: alg_not_allowed           "valid" or a core.Code name
//	now: 1700000000000                Unix milliseconds to judge at
//	policy: {"algorithms":["ES256"]}  abi.Policy as JSON, one line
//	keys: {"keys":[...]}              the key document, one line
//	claims: {...}                     valid and forbidden only: the claims
//	                                  the verifier returns, byte for byte
//	comment: why the case exists
//
//	eyJhbGciOiJub25lIn0.eyJ...        the token
//
// A value that cannot sit on one line as it is (a token with a newline, a
// PEM key document, claims with CR LF) is base64 (standard, padded) and
// announced by a "<field>-encoding: base64" line: token-encoding,
// keys-encoding, claims-encoding.
//
// The files are written by TestWriteCases from the rows below and
// committed; ECDSA, PSS and attacker-key signatures are random, so a
// rewrite changes those files:
//
//	go test -run TestWriteCases -write-cases ./core/
//
// This file is package core_test, not core: it needs core/abi, which
// imports core, and an internal test may not import it. It therefore signs
// crafted tokens with the standard library from the same key files the
// internal tests use (testdata/keys), which also keeps the generator
// independent of core's own signing code.

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

var writeCases = flag.Bool("write-cases", false, "rewrite testdata/cases from the rows of TestWriteCases")

// casesDir holds the case files.
var casesDir = filepath.Join("testdata", "cases")

// minCases is the fewest case files the suites accept: a glob that matches
// fewer means the files moved or were lost.
const minCases = 100

// caseNow is the moment the cases are judged at unless a case says
// otherwise: 2023-11-14T22:13:20Z, the internal tests' testNow.
var caseNow = time.Unix(1_700_000_000, 0).UTC()

// caseFile is one case of testdata/cases.
type caseFile struct {
	Name    string
	Expect  string // "valid" or a core.Code name
	Now     int64  // Unix milliseconds
	Policy  abi.Policy
	Keys    string
	Claims  []byte // valid and forbidden only
	Comment string
	Token   string
}

// fieldOrder is the order in which a case file lists its fields.
var fieldOrder = []string{"name", "expect", "now", "policy", "keys", "claims", "comment"}

// lineSafe reports whether s can be written as a header value as it is:
// UTF-8 without control characters or line separators, and no surrounding
// space that an editor might strip.
func lineSafe(s string) bool {
	if !utf8.ValidString(s) || s == "" || s != strings.TrimSpace(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// tokenSafe reports whether a token can be written as it is: printable
// ASCII without spaces.
func tokenSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// marshal writes the case in the file format.
func (c *caseFile) marshal() ([]byte, error) {
	policy, err := json.Marshal(c.Policy)
	if err != nil {
		return nil, err
	}
	values := map[string]string{
		"name":    c.Name,
		"expect":  c.Expect,
		"now":     strconv.FormatInt(c.Now, 10),
		"policy":  string(policy),
		"keys":    c.Keys,
		"claims":  string(c.Claims),
		"comment": c.Comment,
	}
	var b bytes.Buffer
	for _, name := range fieldOrder {
		v := values[name]
		if v == "" && (name == "claims" || name == "comment") {
			continue
		}
		if !lineSafe(v) {
			if name != "keys" && name != "claims" {
				return nil, fmt.Errorf("field %s = %q cannot be written on one line", name, v)
			}
			fmt.Fprintf(&b, "%s-encoding: base64\n", name)
			v = base64.StdEncoding.EncodeToString([]byte(v))
		}
		fmt.Fprintf(&b, "%s: %s\n", name, v)
	}
	tok := c.Token
	if !tokenSafe(tok) {
		b.WriteString("token-encoding: base64\n")
		tok = base64.StdEncoding.EncodeToString([]byte(tok))
	}
	b.WriteString("\n")
	b.WriteString(tok)
	b.WriteString("\n")
	return b.Bytes(), nil
}

// parseCase reads a case file strictly: every field known and given once,
// the required ones present, the policy a valid abi.Policy.
func parseCase(data []byte) (*caseFile, error) {
	head, body, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		return nil, errors.New("no blank line before the token")
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(head), "\n") {
		name, value, ok := strings.Cut(line, ": ")
		if !ok {
			return nil, fmt.Errorf("header line %q is not \"name: value\"", line)
		}
		if _, dup := fields[name]; dup {
			return nil, fmt.Errorf("field %q given twice", name)
		}
		fields[name] = value
	}
	if !bytes.HasSuffix(body, []byte("\n")) || bytes.Count(body, []byte("\n")) != 1 {
		return nil, errors.New("the token must be one line, ended by a newline")
	}
	fields["token"] = string(bytes.TrimSuffix(body, []byte("\n")))
	for _, name := range []string{"token", "keys", "claims"} {
		enc, ok := fields[name+"-encoding"]
		if !ok {
			continue
		}
		if enc != "base64" {
			return nil, fmt.Errorf("%s-encoding %q: want base64", name, enc)
		}
		raw, err := base64.StdEncoding.DecodeString(fields[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		fields[name] = string(raw)
		delete(fields, name+"-encoding")
	}
	for name := range fields {
		if name != "token" && !slices.Contains(fieldOrder, name) {
			return nil, fmt.Errorf("unknown field %q", name)
		}
	}
	for _, name := range []string{"name", "expect", "now", "policy", "keys"} {
		if fields[name] == "" {
			return nil, fmt.Errorf("no %q field", name)
		}
	}
	c := &caseFile{Name: fields["name"], Expect: fields["expect"], Keys: fields["keys"], Comment: fields["comment"], Token: fields["token"]}
	if claims, ok := fields["claims"]; ok {
		c.Claims = []byte(claims)
	}
	var err error
	if c.Now, err = strconv.ParseInt(fields["now"], 10, 64); err != nil {
		return nil, fmt.Errorf("now: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(fields["policy"]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c.Policy); err != nil {
		return nil, fmt.Errorf("policy: %v", err)
	}
	if c.Expect != "valid" {
		if _, ok := core.ParseCode(c.Expect); !ok {
			return nil, fmt.Errorf("expect %q: want \"valid\" or a code name", c.Expect)
		}
	}
	if hasClaims := c.Expect == "valid" || c.Expect == "forbidden"; hasClaims != (c.Claims != nil) {
		return nil, fmt.Errorf("expect %s with claims %q: claims are given exactly for valid and forbidden", c.Expect, c.Claims)
	}
	return c, nil
}

// readCases reads every case file; it fails on fewer than minCases.
func readCases(t *testing.T) []*caseFile {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(casesDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < minCases {
		t.Fatalf("%s holds %d case files, want at least %d: the glob matched too little", casesDir, len(files), minCases)
	}
	cases := make([]*caseFile, 0, len(files))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c, err := parseCase(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if want := strings.TrimSuffix(filepath.Base(file), ".txt"); c.Name != want {
			t.Fatalf("%s: name %q, want the file's name %q", file, c.Name, want)
		}
		cases = append(cases, c)
	}
	return cases
}

// checkNative verifies the case with core, with the signature code crypto,
// and reports how the result differs from what the file expects.
func checkNative(c *caseFile, crypto string) error {
	set, err := core.ParseKeySet([]byte(c.Keys))
	if err != nil {
		return fmt.Errorf("keys: %v", err)
	}
	v, err := core.NewVerifier(set, c.Policy.Core(), core.WithCrypto(crypto))
	if err != nil {
		return fmt.Errorf("NewVerifier: %v", err)
	}
	tok, err := v.VerifyAt(c.Token, time.UnixMilli(c.Now))
	switch c.Expect {
	case "valid":
		if err != nil {
			return fmt.Errorf("got %v, want valid", err)
		}
	case "forbidden":
		if core.CodeOf(err) != core.CodeForbidden {
			return fmt.Errorf("got %v, want forbidden", err)
		}
	default:
		if got := core.CodeOf(err).String(); got != c.Expect {
			return fmt.Errorf("got %v (code %s), want %s", err, got, c.Expect)
		}
		if tok != nil {
			return fmt.Errorf("a %s error returned a token", c.Expect)
		}
		return nil
	}
	if tok == nil || tok.Claims == nil || tok.Header == nil || tok.Key == nil {
		return fmt.Errorf("%s without a whole token: %+v", c.Expect, tok)
	}
	if !bytes.Equal(tok.Claims.JSON(), c.Claims) {
		return fmt.Errorf("claims\n\t%s\nwant\n\t%s", tok.Claims.JSON(), c.Claims)
	}
	return nil
}

// TestCases runs every case file through core natively, with each
// signature code.
func TestCases(t *testing.T) {
	t.Parallel()
	for _, c := range readCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			for _, crypto := range []string{core.CryptoStdlib, core.CryptoFast} {
				if err := checkNative(c, crypto); err != nil {
					t.Fatalf("crypto %q: %v", crypto, err)
				}
			}
		})
	}
}

// TestCaseCoverage checks that the files, together, reach every code
// Verify returns (internal, invalid_key and invalid_argument are not
// verdicts on a token) and accept a token of every algorithm.
func TestCaseCoverage(t *testing.T) {
	t.Parallel()
	cases := readCases(t)
	counts := map[string]int{}
	validAlgs := map[string]int{}
	for _, c := range cases {
		counts[c.Expect]++
		if c.Expect != "valid" {
			continue
		}
		h, _, _ := strings.Cut(c.Token, ".")
		hj, err := base64.RawURLEncoding.DecodeString(h)
		var hdr struct {
			Alg string `json:"alg"`
		}
		if err != nil || json.Unmarshal(hj, &hdr) != nil {
			t.Errorf("%s: valid, but its header does not decode", c.Name)
		}
		validAlgs[hdr.Alg]++
	}
	want := []string{"valid"}
	for _, code := range core.Codes() {
		switch code {
		case core.CodeInternal, core.CodeInvalidKey, core.CodeInvalidArgument,
			core.CodeCanceled, core.CodeTimeout, // a host's, not a token's
			core.CodeUnsupported: // a build's, not a token's
			continue
		}
		want = append(want, code.String())
	}
	var summary []string
	for _, name := range want {
		if counts[name] == 0 {
			t.Errorf("no case expects %s", name)
		}
		summary = append(summary, fmt.Sprintf("%s=%d", name, counts[name]))
	}
	for name := range counts {
		if !slices.Contains(want, name) {
			t.Errorf("cases expect %s, which Verify should never return", name)
		}
	}
	for _, alg := range core.Algorithms() {
		if validAlgs[alg] == 0 {
			t.Errorf("no valid case signed with %s", alg)
		}
	}
	t.Logf("%d cases: %s", len(cases), strings.Join(summary, " "))
}

// ---- The generator ----

// b64 is base64url without padding, as in tokens.
var b64 = base64.RawURLEncoding

// fixture is a signing key twice: as core reads it, and as the standard
// library key that signs crafted tokens.
type fixture struct {
	key  *core.Key // with the kid the cases give it
	priv any       // *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey or []byte
}

func (f fixture) withKID(kid string) fixture { return fixture{f.key.WithKeyID(kid), f.priv} }

// loadFixture reads a PKCS#8 PEM key or an oct JWK from testdata/keys.
func loadFixture(t *testing.T, file string) fixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "keys", file))
	if err != nil {
		t.Fatal(err)
	}
	key, err := core.ParseKey(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if block, _ := pem.Decode(data); block != nil {
		priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return fixture{key, priv}
	}
	var jwk struct {
		K string `json:"k"`
	}
	if err := json.Unmarshal(data, &jwk); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	secret, err := b64.DecodeString(jwk.K)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return fixture{key, secret}
}

// newFixture wraps a standard library private key, read by core from PKCS#8
// as a user's key would be.
func newFixture(t *testing.T, priv any) fixture {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	key, err := core.ParseKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{key, priv}
}

func secretFixture(t *testing.T, secret []byte, kid string) fixture {
	t.Helper()
	key, err := core.NewSecretKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{key.WithKeyID(kid), secret}
}

func algHash(alg string) crypto.Hash {
	switch alg[len(alg)-3:] {
	case "384":
		return crypto.SHA384
	case "512":
		return crypto.SHA512
	}
	return crypto.SHA256
}

// rawSignature signs input under alg with the standard library, as RFC 7518
// says: PKCS #1 v1.5, PSS with a salt as long as the hash, ECDSA as R||S,
// Ed25519, HMAC.
func rawSignature(t *testing.T, alg string, priv any, input string) []byte {
	t.Helper()
	var sig []byte
	var err error
	h := algHash(alg)
	digest := func() []byte { d := h.New(); d.Write([]byte(input)); return d.Sum(nil) }
	switch {
	case alg == "EdDSA":
		sig = ed25519.Sign(priv.(ed25519.PrivateKey), []byte(input))
	case strings.HasPrefix(alg, "RS"):
		sig, err = rsa.SignPKCS1v15(nil, priv.(*rsa.PrivateKey), h, digest())
	case strings.HasPrefix(alg, "PS"):
		sig, err = rsa.SignPSS(rand.Reader, priv.(*rsa.PrivateKey), h, digest(), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case strings.HasPrefix(alg, "ES"):
		k := priv.(*ecdsa.PrivateKey)
		var r, s *big.Int
		if r, s, err = ecdsa.Sign(rand.Reader, k, digest()); err == nil {
			size := (k.Curve.Params().BitSize + 7) / 8
			sig = make([]byte, 2*size)
			r.FillBytes(sig[:size])
			s.FillBytes(sig[size:])
		}
	case strings.HasPrefix(alg, "HS"):
		mac := hmac.New(h.New, priv.([]byte))
		mac.Write([]byte(input))
		sig = mac.Sum(nil)
	default:
		t.Fatalf("rawSignature: unknown alg %q", alg)
	}
	if err != nil {
		t.Fatalf("rawSignature %s: %v", alg, err)
	}
	return sig
}

// rawToken builds a token from header and payload exactly as given, signed
// under alg: what an attacker or a careless issuer would send.
func rawToken(t *testing.T, f fixture, alg, header, payload string) string {
	t.Helper()
	input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	return input + "." + b64.EncodeToString(rawSignature(t, alg, f.priv, input))
}

// unsigned builds header.payload.signature with the signature given.
func unsigned(header, payload string, sig []byte) string {
	return b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(sig)
}

func signature(t *testing.T, tok string) []byte {
	t.Helper()
	sig, err := b64.DecodeString(tok[strings.LastIndexByte(tok, '.')+1:])
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func mustSign(t *testing.T, f fixture, claims string, opts ...core.SignOption) string {
	t.Helper()
	tok, err := core.Sign(f.key, []byte(claims), opts...)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return tok
}

// jwk returns k's JWK, public part only unless k is a secret, with
// members changed (a nil value removes the member).
func jwk(t *testing.T, k *core.Key, changes map[string]any) string {
	t.Helper()
	if p := k.Public(); p != nil {
		k = p
	}
	j, err := k.MarshalJWK()
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) == 0 {
		return string(j)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	for name, v := range changes {
		if v == nil {
			delete(m, name)
		} else {
			m[name] = v
		}
	}
	j, err = json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

// jwks returns a JWKS of the keys' public parts (secrets whole).
func jwks(t *testing.T, keys ...*core.Key) string {
	t.Helper()
	docs := make([]string, len(keys))
	for i, k := range keys {
		docs[i] = jwk(t, k, nil)
	}
	return jwksOf(docs...)
}

func jwksOf(jwks ...string) string { return `{"keys":[` + strings.Join(jwks, ",") + `]}` }

// sec returns caseNow plus d as a JSON NumericDate.
func sec(d time.Duration) string { return strconv.FormatInt(caseNow.Add(d).Unix(), 10) }

// ms returns caseNow plus d in Unix milliseconds.
func ms(d time.Duration) int64 { return caseNow.Add(d).UnixMilli() }

// caseSet collects the generated cases.
type caseSet struct {
	t     *testing.T
	cases []*caseFile
}

// add records a case. A zero Now is caseNow; the claims of a valid or
// forbidden case are the token's payload, as sent.
func (s *caseSet) add(c caseFile) {
	s.t.Helper()
	if c.Now == 0 {
		c.Now = caseNow.UnixMilli()
	}
	if c.Expect == "" {
		c.Expect = "valid"
	}
	if c.Expect == "valid" || c.Expect == "forbidden" {
		parts := strings.Split(c.Token, ".")
		if len(parts) != 3 {
			s.t.Fatalf("%s: a %s token has %d parts", c.Name, c.Expect, len(parts))
		}
		payload, err := b64.DecodeString(parts[1])
		if err != nil {
			s.t.Fatalf("%s: payload: %v", c.Name, err)
		}
		c.Claims = payload
	}
	for _, have := range s.cases {
		if have.Name == c.Name {
			s.t.Fatalf("case %s given twice", c.Name)
		}
	}
	s.cases = append(s.cases, &c)
}

// slug turns a row name into a file name part.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// TestWriteCases writes testdata/cases. It runs only with -write-cases.
// Every case is checked natively before anything is written, and files of
// cases no longer generated are removed.
func TestWriteCases(t *testing.T) {
	if !*writeCases {
		t.Skip("run with -write-cases to rewrite testdata/cases")
	}
	s := &caseSet{t: t}
	addAlgorithmCases(t, s)
	addClaimCases(t, s)
	addCodeCases(t, s)
	addRuleCases(t, s)
	addSizeCases(t, s)
	addAttackCases(t, s)
	addVectorCases(t, s)
	addKeyDocumentCases(t, s)
	addWireCases(t, s)

	files := map[string][]byte{}
	for _, c := range s.cases {
		if err := checkNative(c, core.CryptoStdlib); err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		data, err := c.marshal()
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		back, err := parseCase(data)
		if err != nil || back.Token != c.Token || back.Keys != c.Keys || !bytes.Equal(back.Claims, c.Claims) {
			t.Fatalf("%s: does not read back: %v", c.Name, err)
		}
		files[c.Name+".txt"] = data
	}
	if t.Failed() {
		t.FailNow()
	}
	if err := os.MkdirAll(casesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(casesDir, "*.txt"))
	for _, file := range old {
		if _, keep := files[filepath.Base(file)]; !keep {
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(casesDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("wrote %d cases to %s", len(files), casesDir)
}

// richClaims is a claims set with every registered claim and some custom
// ones, valid at caseNow.
func richClaims() string {
	return `{"iss":"https://issuer.example","sub":"alice","aud":["api","web"],"iat":` + sec(-time.Minute) +
		`,"nbf":` + sec(-time.Minute) + `,"exp":` + sec(time.Hour) +
		`,"jti":"id-1","scope":"read:orders write:orders","realm_access":{"roles":["admin","user"]}}`
}

// validClaims is accepted by every default policy at caseNow: it has no
// "aud", which a policy without audiences refuses.
func validClaims() string {
	return `{"iss":"https://issuer.example","sub":"alice","iat":` + sec(-time.Minute) + `,"exp":` + sec(time.Hour) + `}`
}

// fixtures are the keys of testdata/keys by name.
func fixtures(t *testing.T) map[string]fixture {
	return map[string]fixture{
		"rsa":  loadFixture(t, "rsa2048.pem"),
		"p256": loadFixture(t, "ec-p256.pem"),
		"p384": loadFixture(t, "ec-p384.pem"),
		"p521": loadFixture(t, "ec-p521.pem"),
		"ed":   loadFixture(t, "ed25519.pem"),
		"oct":  loadFixture(t, "oct512.jwk"),
	}
}

func fixtureFor(fx map[string]fixture, alg string) fixture {
	switch {
	case alg == "ES256":
		return fx["p256"]
	case alg == "ES384":
		return fx["p384"]
	case alg == "ES512":
		return fx["p521"]
	case alg == "EdDSA":
		return fx["ed"]
	case strings.HasPrefix(alg, "HS"):
		return fx["oct"]
	}
	return fx["rsa"]
}

// addAlgorithmCases: every algorithm signs a valid token and a bad one,
// under a policy that uses every claim rule; a set of every public key
// finds the right one by kid and without.
func addAlgorithmCases(t *testing.T, s *caseSet) {
	fx := fixtures(t)
	policy := func(algs ...string) abi.Policy {
		return abi.Policy{Algorithms: algs, Issuer: "https://issuer.example", Audiences: []string{"api"}, Subject: "alice",
			RequiredClaims: []string{"jti"}, LeewayMillis: 30_000, MaxAgeMillis: 3_600_000}
	}
	for _, alg := range core.Algorithms() {
		f := fixtureFor(fx, alg)
		keys := jwks(t, f.key)
		tok := mustSign(t, f, richClaims(), core.WithAlgorithm(alg))
		name := "alg-" + strings.ToLower(alg)
		s.add(caseFile{Name: name + "-valid", Policy: policy(alg), Keys: keys, Token: tok,
			Comment: alg + " signed by core.Sign, every claim rule of the policy met"})
		s.add(caseFile{Name: name + "-bad-signature", Expect: "bad_signature", Policy: policy(alg), Keys: keys, Token: testkit.FlipSignatureBit(t, tok, len(signature(t, tok))/2),
			Comment: "the " + alg + " token of " + name + "-valid with one signature bit flipped"})
	}
	var asym []string
	for _, alg := range core.Algorithms() {
		if !core.IsSymmetric(alg) {
			asym = append(asym, alg)
		}
	}
	all := jwks(t, fx["rsa"].key, fx["p256"].key, fx["p384"].key, fx["p521"].key, fx["ed"].key)
	for _, alg := range []string{"RS384", "ES512", "EdDSA"} {
		s.add(caseFile{Name: "alg-mixed-set-" + strings.ToLower(alg), Policy: policy(asym...), Keys: all,
			Token:   mustSign(t, fixtureFor(fx, alg), richClaims(), core.WithAlgorithm(alg)),
			Comment: "a set of five public keys, every public-key algorithm allowed: the kid picks the key"})
	}
	for _, alg := range []string{"PS256", "ES384", "HS384"} {
		keys, algs := all, asym
		if core.IsSymmetric(alg) {
			keys, algs = jwks(t, fx["oct"].key), []string{"HS256", "HS384", "HS512"}
		}
		s.add(caseFile{Name: "alg-no-kid-" + strings.ToLower(alg), Policy: policy(algs...), Keys: keys,
			Token:   mustSign(t, fixtureFor(fx, alg), richClaims(), core.WithAlgorithm(alg), core.WithKeyID("")),
			Comment: "no kid: every key that fits " + alg + " is tried"})
	}
}

// claimRow is one row of a claim rule, signed HS256 with the fixed secret.
type claimRow struct {
	name   string
	claims string
	policy abi.Policy
	now    time.Duration // after caseNow
	want   string
	why    string
}

// addClaimCases ports the rows of claims_test.go, plus edges at the
// millisecond that the host's clock crosses the boundary with.
func addClaimCases(t *testing.T, s *caseSet) {
	oct := fixtures(t)["oct"]
	keys := jwks(t, oct.key)
	leeway := abi.Policy{LeewayMillis: 60_000}
	exp := `"exp":` + sec(time.Hour)
	rows := []claimRow{
		// exp
		{name: "exp expired by one second", claims: `{"exp":` + sec(-time.Second) + `}`, want: "expired"},
		{name: "exp expired long ago", claims: `{"exp":` + sec(-72*time.Hour) + `}`, want: "expired", why: "the message rounds to days"},
		{name: "exp exactly now is expired", claims: `{"exp":` + sec(0) + `}`, want: "expired"},
		{name: "exp within leeway", claims: `{"exp":` + sec(-30*time.Second) + `}`, policy: leeway},
		{name: "exp exactly at leeway", claims: `{"exp":` + sec(-time.Minute) + `}`, policy: leeway, want: "expired"},
		{name: "exp past leeway", claims: `{"exp":` + sec(-2*time.Minute) + `}`, policy: leeway, want: "expired"},
		{name: "exp missing", claims: `{"sub":"alice"}`, want: "missing_claim"},
		{name: "exp missing but allowed", claims: `{"sub":"alice"}`, policy: abi.Policy{AllowNoExpiry: true}},
		{name: "exp allowed missing does not excuse expired", claims: `{"exp":` + sec(-time.Second) + `}`, policy: abi.Policy{AllowNoExpiry: true}, want: "expired"},
		{name: "exp fractional in the future", claims: `{"exp":` + sec(0) + `.5}`},
		{name: "exp fractional in the past", claims: `{"exp":` + sec(-time.Second) + `.999}`, want: "expired"},
		{name: "exp exponent notation", claims: `{"exp":1.8e9}`},
		{name: "exp negative", claims: `{"exp":-1}`, want: "expired"},
		// Milliseconds: the host passes now in whole milliseconds.
		{name: "exp one millisecond before", claims: `{"exp":` + sec(time.Second) + `}`, now: 999 * time.Millisecond},
		{name: "exp at the millisecond", claims: `{"exp":` + sec(time.Second) + `}`, now: time.Second, want: "expired"},
		{name: "exp sub-millisecond fraction before", claims: `{"exp":` + sec(0) + `.0015}`, now: time.Millisecond, why: "exp is 1.5 ms after now"},
		{name: "exp sub-millisecond fraction after", claims: `{"exp":` + sec(0) + `.0015}`, now: 2 * time.Millisecond, want: "expired"},
		{name: "exp leeway in milliseconds inside", claims: `{"exp":` + sec(0) + `}`, policy: abi.Policy{LeewayMillis: 1500}, now: 1499 * time.Millisecond},
		{name: "exp leeway in milliseconds at the edge", claims: `{"exp":` + sec(0) + `}`, policy: abi.Policy{LeewayMillis: 1500}, now: 1500 * time.Millisecond, want: "expired"},
		// nbf
		{name: "nbf exactly now", claims: `{` + exp + `,"nbf":` + sec(0) + `}`},
		{name: "nbf one second ahead", claims: `{` + exp + `,"nbf":` + sec(time.Second) + `}`, want: "not_yet_valid"},
		{name: "nbf ahead exactly by leeway", claims: `{` + exp + `,"nbf":` + sec(time.Minute) + `}`, policy: leeway},
		{name: "nbf ahead past leeway", claims: `{` + exp + `,"nbf":` + sec(61*time.Second) + `}`, policy: leeway, want: "not_yet_valid"},
		{name: "nbf fractional just ahead", claims: `{` + exp + `,"nbf":` + sec(0) + `.25}`, want: "not_yet_valid"},
		{name: "nbf one millisecond early", claims: `{` + exp + `,"nbf":` + sec(time.Second) + `}`, now: 999 * time.Millisecond, want: "not_yet_valid"},
		{name: "nbf at the millisecond", claims: `{` + exp + `,"nbf":` + sec(time.Second) + `}`, now: time.Second},
		// nbf against exp
		{name: "never valid nbf after exp", claims: `{"nbf":` + sec(time.Hour) + `,"exp":` + sec(-time.Hour) + `}`, want: "never_valid",
			why: "no moment is both at or after nbf and before exp (RFC 7519 §4.1.4, §4.1.5)"},
		{name: "never valid nbf equal to exp", claims: `{"nbf":` + sec(time.Hour) + `,"exp":` + sec(time.Hour) + `}`, want: "never_valid"},
		{name: "never valid whatever the leeway", claims: `{"nbf":` + sec(time.Second) + `,"exp":` + sec(-time.Second) + `}`, policy: leeway, want: "never_valid",
			why: "leeway tolerates clocks, it does not widen the token's own window"},
		// iat
		{name: "iat in the future", claims: `{` + exp + `,"iat":` + sec(time.Second) + `}`, want: "issued_in_future"},
		{name: "iat future within leeway", claims: `{` + exp + `,"iat":` + sec(45*time.Second) + `}`, policy: leeway},
		{name: "iat future past leeway", claims: `{` + exp + `,"iat":` + sec(2*time.Minute) + `}`, policy: leeway, want: "issued_in_future"},
		// max age
		{name: "max age exactly", claims: `{` + exp + `,"iat":` + sec(-time.Hour) + `}`, policy: abi.Policy{MaxAgeMillis: 3_600_000}},
		{name: "max age one second too old", claims: `{` + exp + `,"iat":` + sec(-time.Hour-time.Second) + `}`, policy: abi.Policy{MaxAgeMillis: 3_600_000}, want: "expired"},
		{name: "max age old but within leeway", claims: `{` + exp + `,"iat":` + sec(-time.Hour-30*time.Second) + `}`, policy: abi.Policy{MaxAgeMillis: 3_600_000, LeewayMillis: 60_000}},
		{name: "max age old past leeway", claims: `{` + exp + `,"iat":` + sec(-time.Hour-2*time.Minute) + `}`, policy: abi.Policy{MaxAgeMillis: 3_600_000, LeewayMillis: 60_000}, want: "expired"},
		{name: "max age missing iat", claims: `{` + exp + `}`, policy: abi.Policy{MaxAgeMillis: 3_600_000}, want: "missing_claim"},
		{name: "max age in milliseconds at the edge", claims: `{` + exp + `,"iat":` + sec(0) + `}`, policy: abi.Policy{MaxAgeMillis: 1000}, now: time.Second},
		{name: "max age in milliseconds one over", claims: `{` + exp + `,"iat":` + sec(0) + `}`, policy: abi.Policy{MaxAgeMillis: 1000}, now: 1001 * time.Millisecond, want: "expired"},
		{name: "max age odd milliseconds in the message", claims: `{` + exp + `,"iat":` + sec(-time.Hour) + `}`, policy: abi.Policy{MaxAgeMillis: 1_234_567}, want: "expired",
			why: "the message prints the maximum age as a Go duration (20m34.567s)"},
		// iss
		{name: "iss match with escapes", claims: `{` + exp + `,"iss":"https:\/\/issuer.example"}`, policy: abi.Policy{Issuer: "https://issuer.example"}},
		{name: "iss other", claims: `{` + exp + `,"iss":"https://evil.example"}`, policy: abi.Policy{Issuer: "https://issuer.example"}, want: "bad_issuer"},
		{name: "iss prefix is not a match", claims: `{` + exp + `,"iss":"https://issuer.example.evil"}`, policy: abi.Policy{Issuer: "https://issuer.example"}, want: "bad_issuer"},
		{name: "iss absent", claims: `{` + exp + `}`, policy: abi.Policy{Issuer: "https://issuer.example"}, want: "bad_issuer"},
		{name: "iss not a string", claims: `{` + exp + `,"iss":1}`, policy: abi.Policy{Issuer: "https://issuer.example"}, want: "malformed"},
		{name: "iss unicode", claims: `{` + exp + `,"iss":"https://\u00e9metteur.example"}`, policy: abi.Policy{Issuer: "https://émetteur.example"},
			why: "an escaped non-ASCII issuer equals the policy's UTF-8"},
		// aud
		{name: "aud list match", claims: `{` + exp + `,"aud":["other","api"]}`, policy: abi.Policy{Audiences: []string{"api"}}},
		{name: "aud second policy audience", claims: `{` + exp + `,"aud":"web"}`, policy: abi.Policy{Audiences: []string{"api", "web"}}},
		{name: "aud string mismatch", claims: `{` + exp + `,"aud":"apis"}`, policy: abi.Policy{Audiences: []string{"api"}}, want: "bad_audience"},
		{name: "aud list none match", claims: `{` + exp + `,"aud":["x","y"]}`, policy: abi.Policy{Audiences: []string{"api", "web"}}, want: "bad_audience"},
		{name: "aud empty list", claims: `{` + exp + `,"aud":[]}`, policy: abi.Policy{Audiences: []string{"api"}}, want: "bad_audience"},
		{name: "aud absent", claims: `{` + exp + `}`, policy: abi.Policy{Audiences: []string{"api"}}, want: "bad_audience"},
		{name: "aud number", claims: `{` + exp + `,"aud":7}`, policy: abi.Policy{Audiences: []string{"api"}}, want: "malformed"},
		{name: "aud list of non-strings", claims: `{` + exp + `,"aud":["api",1]}`, policy: abi.Policy{Audiences: []string{"api"}}, want: "malformed"},
		{name: "aud wrong type refused without audience policy", claims: `{` + exp + `,"aud":true}`, want: "malformed"},
		{name: "aud at the limit", claims: `{` + exp + `,"aud":` + audList(core.MaxAudiences) + `}`, policy: abi.Policy{Audiences: []string{"api"}}},
		{name: "aud over the limit", claims: `{` + exp + `,"aud":` + audList(core.MaxAudiences+1) + `}`, policy: abi.Policy{Audiences: []string{"api"}}, want: "too_large"},
		// sub
		{name: "sub match", claims: `{` + exp + `,"sub":"alice"}`, policy: abi.Policy{Subject: "alice"}},
		{name: "sub other", claims: `{` + exp + `,"sub":"mallory"}`, policy: abi.Policy{Subject: "alice"}, want: "bad_subject"},
		{name: "sub absent", claims: `{` + exp + `}`, policy: abi.Policy{Subject: "alice"}, want: "bad_subject"},
		{name: "sub not a string", claims: `{` + exp + `,"sub":["alice"]}`, policy: abi.Policy{Subject: "alice"}, want: "malformed"},
		// required claims
		{name: "required both present", claims: `{` + exp + `,"tenant":"acme","jti":"1"}`, policy: abi.Policy{RequiredClaims: []string{"tenant", "jti"}}},
		{name: "required present as null counts", claims: `{` + exp + `,"tenant":null,"jti":"1"}`, policy: abi.Policy{RequiredClaims: []string{"tenant", "jti"}}},
		{name: "required one missing", claims: `{` + exp + `,"tenant":"acme"}`, policy: abi.Policy{RequiredClaims: []string{"tenant", "jti"}}, want: "missing_claim"},
		{name: "required nested does not count", claims: `{` + exp + `,"x":{"tenant":"acme"},"jti":"1"}`, policy: abi.Policy{RequiredClaims: []string{"tenant", "jti"}}, want: "missing_claim"},
		// types
		{name: "type exp string", claims: `{"exp":"` + sec(time.Hour) + `"}`, want: "malformed"},
		{name: "type exp null", claims: `{"exp":null}`, want: "malformed"},
		{name: "type exp out of float range", claims: `{"exp":1e400}`, want: "malformed"},
		{name: "type exp beyond 2^53 seconds", claims: `{"exp":18014398509481984}`, want: "malformed"},
		{name: "type nbf string", claims: `{"nbf":"0"}`, policy: abi.Policy{AllowNoExpiry: true}, want: "malformed"},
		{name: "type sub null", claims: `{"sub":null}`, policy: abi.Policy{AllowNoExpiry: true}, want: "malformed"},
		{name: "type custom claims of any type", claims: `{"x":null,"y":[1,{"z":true}],"n":1.5,"s":"\u00e9\ud83d\ude00"}`, policy: abi.Policy{AllowNoExpiry: true}},
		{name: "type trailing data", claims: `{}{}`, policy: abi.Policy{AllowNoExpiry: true}, want: "malformed"},
		{name: "type invalid UTF-8", claims: "{\"name\":\"\xff\"}", policy: abi.Policy{AllowNoExpiry: true}, want: "malformed"},
		{name: "type duplicate claim", claims: `{"sub":"alice","sub":"admin"}`, policy: abi.Policy{AllowNoExpiry: true}, want: "malformed"},
		{name: "type nested too deep", claims: `{` + exp + `,"x":` + strings.Repeat("[", core.MaxJSONDepth) + strings.Repeat("]", core.MaxJSONDepth) + `}`, want: "malformed"},
		{name: "type nested at the depth limit", claims: `{` + exp + `,"x":` + strings.Repeat("[", core.MaxJSONDepth-1) + strings.Repeat("]", core.MaxJSONDepth-1) + `}`},
		// several failures at once: every one reported, the first one's code.
		{name: "several failures", claims: `{"iss":"bad","aud":"web","sub":"bob","exp":` + sec(-time.Hour) + `,"iat":` + sec(time.Hour) + `}`,
			policy: abi.Policy{Issuer: "good", Audiences: []string{"api"}, Subject: "alice", RequiredClaims: []string{"tenant"}}, want: "expired",
			why: "six rules fail: the message joins them all; errors.Is finds each code natively"},
		{name: "several failures never valid first", claims: `{"iss":"bad","aud":"api","exp":` + sec(-time.Hour) + `,"nbf":` + sec(time.Hour) + `}`,
			policy: abi.Policy{Issuer: "good", Audiences: []string{"api"}}, want: "never_valid",
			why: "never valid comes first, and replaces expired and not yet valid, which depend only on the clock"},
		{name: "several failures nbf first", claims: `{"iss":"good","aud":"api","sub":"bob","tenant":1,"exp":` + sec(time.Hour) + `,"nbf":` + sec(time.Minute) + `}`,
			policy: abi.Policy{Issuer: "good", Audiences: []string{"api"}, Subject: "alice", RequiredClaims: []string{"tenant"}}, want: "not_yet_valid",
			why: "the order follows the rules: nbf, then sub"},
	}
	for _, r := range rows {
		p := r.policy
		p.Algorithms = []string{"HS256"}
		want := r.want
		if want == "" {
			want = "valid"
		}
		comment := "claim rule row, HS256 with the fixed secret"
		if r.why != "" {
			comment += ": " + r.why
		}
		s.add(caseFile{Name: "claim-" + slug(r.name), Expect: want, Now: ms(r.now), Policy: p, Keys: keys,
			Token: rawToken(t, oct, "HS256", `{"alg":"HS256","kid":"hmac-1"}`, r.claims), Comment: comment})
	}
}

// audList is an "aud" array of n entries, the last one "api".
func audList(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`"aud-%d"`, i)
	}
	items[n-1] = `"api"`
	return "[" + strings.Join(items, ",") + "]"
}

// addCodeCases ports TestVerifyCodes and TestWeakHMACSecret: each code
// Verify returns through the public API, and the key metadata that limits
// which key may verify.
func addCodeCases(t *testing.T, s *caseSet) {
	fx := fixtures(t)
	es, es384, rs, ed := fx["p256"].withKID("es-1"), fx["p384"], fx["rsa"].withKID("rsa-1"), fx["ed"].withKID("ed-1")
	weakPriv, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weak := newFixture(t, weakPriv).withKID("legacy")
	otherPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other := newFixture(t, otherPriv)

	mixed := jwks(t, es.key, rs.key, ed.key)
	esOnly := jwks(t, es.key)
	both := abi.Policy{Algorithms: []string{"ES256", "RS256", "EdDSA"}, AllowNoExpiry: true}
	es256 := abi.Policy{Algorithms: []string{"ES256"}}
	good := validClaims()
	withAlg := func(k *core.Key, alg string) *core.Key {
		k, err := k.Public().WithAlgorithm(alg)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	rows := []struct {
		name, keys string
		policy     abi.Policy
		token      string
		want       string
		why        string
	}{
		{"valid es256 in a mixed set", mixed, both, mustSign(t, es, good), "valid", ""},
		{"valid rs256 in a mixed set", mixed, both, mustSign(t, rs, good), "valid", ""},
		{"valid without kid in a mixed set", mixed, both, mustSign(t, es, good, core.WithKeyID("")), "valid", ""},
		{"malformed not a token", mixed, both, "not-a-token", "malformed", ""},
		{"alg not allowed", esOnly, es256, mustSign(t, rs, good, core.WithKeyID("es-1")), "alg_not_allowed", "an RS256 token naming the ES256 key"},
		{"alg allowed by another verifier only", mixed, abi.Policy{Algorithms: []string{"ES256", "EdDSA"}}, mustSign(t, rs, good), "alg_not_allowed", "the set holds the RSA key, the policy does not allow RS256"},
		{"unknown kid", mixed, both, mustSign(t, es, good, core.WithKeyID("nope")), "unknown_kid", ""},
		{"kid names a key of the wrong type", mixed, both, mustSign(t, es, good, core.WithKeyID("rsa-1")), "key_mismatch", ""},
		{"no kid and no key fits", esOnly, abi.Policy{Algorithms: []string{"ES256", "ES384"}}, mustSign(t, es384, good, core.WithKeyID("")), "key_mismatch", ""},
		{"bad signature", mixed, both, testkit.FlipSignatureBit(t, mustSign(t, rs, good), 7), "bad_signature", ""},
		{"bad signature without kid", mixed, both, testkit.FlipSignatureBit(t, mustSign(t, ed, good, core.WithKeyID("")), 0), "bad_signature", "the message counts the keys tried"},
		{"signed by another key with a known kid", mixed, both, mustSign(t, other, good, core.WithKeyID("es-1")), "bad_signature", ""},
		{"missing required claim", mixed, abi.Policy{Algorithms: []string{"ES256"}, RequiredClaims: []string{"tenant"}}, mustSign(t, es, good), "missing_claim", ""},
		{"unsupported crit", mixed, both, mustSign(t, es, good, core.WithHeader("crit", []string{"exp"}), core.WithHeader("exp", 1)), "unsupported_crit", ""},
		{"weak rsa key by kid", jwks(t, weak.key), abi.Policy{Algorithms: []string{"RS256"}, AllowNoExpiry: true}, mustSign(t, weak, good, core.AllowWeakKeys()), "weak_key", "a 1024-bit RSA key"},
		{"weak rsa key without kid", jwks(t, weak.key), abi.Policy{Algorithms: []string{"RS256"}}, mustSign(t, weak, good, core.AllowWeakKeys(), core.WithKeyID("")), "weak_key", "a 1024-bit RSA key"},
		{"weak rsa key allowed by policy", jwks(t, weak.key), abi.Policy{Algorithms: []string{"RS256"}, AllowWeakKeys: true}, mustSign(t, weak, good, core.AllowWeakKeys()), "valid", "a 1024-bit RSA key, allow_weak_keys"},
		{"weak rsa key allowed without kid", jwks(t, weak.key), abi.Policy{Algorithms: []string{"RS256"}, AllowWeakKeys: true}, mustSign(t, weak, good, core.AllowWeakKeys(), core.WithKeyID("")), "valid", "a 1024-bit RSA key, allow_weak_keys"},
		{"key use enc", jwksOf(jwk(t, es.key, map[string]any{"use": "enc"}), jwk(t, ed.key, nil)), abi.Policy{Algorithms: []string{"ES256", "EdDSA"}}, mustSign(t, es, good), "key_mismatch", "the EdDSA key lets the verifier build"},
		{"key use sig", jwksOf(jwk(t, es.key, map[string]any{"use": "sig"})), es256, mustSign(t, es, good), "valid", ""},
		{"key alg is another algorithm", jwks(t, withAlg(rs.key, "RS512"), ed.key), abi.Policy{Algorithms: []string{"RS256", "EdDSA"}}, mustSign(t, rs, good), "key_mismatch", ""},
		{"key alg is the algorithm", jwks(t, withAlg(rs.key, "RS256")), abi.Policy{Algorithms: []string{"RS256"}}, mustSign(t, rs, good), "valid", ""},
		{"key ops lack verify", jwksOf(jwk(t, es.key, map[string]any{"key_ops": []string{"encrypt"}}), jwk(t, ed.key, nil)), abi.Policy{Algorithms: []string{"ES256", "EdDSA"}}, mustSign(t, es, good), "key_mismatch", ""},
		{"key ops include verify", jwksOf(jwk(t, es.key, map[string]any{"key_ops": []string{"verify"}})), es256, mustSign(t, es, good), "valid", ""},
	}
	for _, r := range rows {
		comment := "TestVerifyCodes row"
		if r.why != "" {
			comment += ": " + r.why
		}
		s.add(caseFile{Name: "code-" + slug(r.name), Expect: r.want, Policy: r.policy, Keys: r.keys, Token: r.token, Comment: comment})
	}

	// Short HMAC secrets: Sign refuses them, so the tokens are built by
	// hand as a legacy issuer would. AllowWeakKeys is for RSA only.
	short := secretFixture(t, []byte("0123456789abcdef"), "legacy")
	for _, hdr := range []struct{ name, header string }{{"by kid", `{"alg":"HS256","kid":"legacy"}`}, {"without kid", `{"alg":"HS256"}`}} {
		tok := rawToken(t, short, "HS256", hdr.header, good)
		for _, allow := range []bool{false, true} {
			if allow && hdr.name == "without kid" {
				continue
			}
			name := "weak-hmac-16-bytes-" + slug(hdr.name)
			if allow {
				name += "-weak-allowed"
			}
			s.add(caseFile{Name: name, Expect: "weak_key", Policy: abi.Policy{Algorithms: []string{"HS256"}, AllowWeakKeys: allow}, Keys: jwks(t, short.key), Token: tok,
				Comment: "a 16-byte secret is too short for HS256 whatever the policy: it can be brute-forced offline"})
		}
	}
	k32 := secretFixture(t, []byte(strings.Repeat("k", 32)), "k32")
	p := abi.Policy{Algorithms: []string{"HS256", "HS384"}}
	s.add(caseFile{Name: "weak-hmac-32-bytes-hs256", Policy: p, Keys: jwks(t, k32.key), Token: rawToken(t, k32, "HS256", `{"alg":"HS256"}`, good),
		Comment: "32 bytes are enough for HS256"})
	s.add(caseFile{Name: "weak-hmac-32-bytes-hs384", Expect: "weak_key", Policy: p, Keys: jwks(t, k32.key), Token: rawToken(t, k32, "HS384", `{"alg":"HS384"}`, good),
		Comment: "32 bytes are not enough for HS384"})
}

// addRuleCases: access rules on valid tokens (TestVerifyForbidden and
// rules_test.go), forbidden tokens carrying their claims.
func addRuleCases(t *testing.T, s *caseSet) {
	fx := fixtures(t)
	es, oct := fx["p256"].withKID("es-1"), fx["oct"]
	exp := `"exp":` + sec(time.Hour)
	adminPolicy := abi.Policy{Algorithms: []string{"ES256"}, Require: []string{"role=admin", "email_verified"}}
	esKeys := jwks(t, es.key)
	s.add(caseFile{Name: "rule-role-user-forbidden", Expect: "forbidden", Policy: adminPolicy, Keys: esKeys,
		Token:   mustSign(t, es, `{"sub":"alice","role":"user",`+exp+`,"email_verified":true}`),
		Comment: "role=admin fails: forbidden, with the claims, so the caller can say who was refused"})
	s.add(caseFile{Name: "rule-both-rules-hold", Policy: adminPolicy, Keys: esKeys,
		Token: mustSign(t, es, `{"sub":"alice","role":"admin",`+exp+`,"email_verified":true}`), Comment: "both rules hold"})
	s.add(caseFile{Name: "rule-email-not-verified-forbidden", Expect: "forbidden", Policy: adminPolicy, Keys: esKeys,
		Token: mustSign(t, es, `{"role":"admin",`+exp+`,"email_verified":false}`), Comment: "the second rule fails alone"})
	s.add(caseFile{Name: "rule-expired-is-expired-not-forbidden", Expect: "expired", Policy: adminPolicy, Keys: esKeys,
		Token: mustSign(t, es, `{"role":"user","exp":`+sec(-time.Hour)+`}`), Comment: "rules run only on otherwise valid tokens"})

	claims := `{` + exp + `,"sub":"alice","role":"admin","scope":"read:orders  write:orders","groups":["ops","dev"],"ids":[1,2,3],"level":3,` +
		`"banned":false,"nothing":null,"realm_access":{"roles":["admin","user"],"tier":"gold"},"https://example.com/roles":["editor"],` +
		`"long":"` + strings.Repeat("0123456789", 9) + `"}`
	tok := rawToken(t, oct, "HS256", `{"alg":"HS256","kid":"hmac-1"}`, claims)
	keys := jwks(t, oct.key)
	for _, r := range []struct {
		rule string
		ok   bool
		why  string
	}{
		{"scope~read:orders", true, "a word of a space-separated string"},
		{"scope~read", false, "whole words only"},
		{"groups~ops", true, "an array member"},
		{"level=3", true, "a number as written"},
		{"role!=guest", true, ""},
		{"missing!=x", true, "!= holds for an absent claim"},
		{"banned", false, "present but false"},
		{"missing=x", false, "the token has no such claim"},
		{"realm_access.roles~admin", true, "a dotted path into nested objects"},
		{"realm_access.tier=silver", false, "a dotted path whose value differs"},
		{"https://example.com/roles~editor", true, "a name with dots is found as written first"},
		{"long=x", false, "the message cuts a value over 80 bytes at 77"},
	} {
		want := "forbidden"
		if r.ok {
			want = "valid"
		}
		comment := "access rule " + r.rule
		if r.why != "" {
			comment += ": " + r.why
		}
		s.add(caseFile{Name: "rule-" + slug(strings.NewReplacer("!=", " not ", "=", " is ", "~", " has ").Replace(r.rule)), Expect: want, Policy: abi.Policy{Algorithms: []string{"HS256"}, Require: []string{r.rule}}, Keys: keys, Token: tok, Comment: comment})
	}
	// Byte 77 of the value falls inside an "é": the cut backs off to the
	// rune's start.
	utf8Claims := `{` + exp + `,"long":"` + strings.Repeat("x", 75) + "éééééé and more" + `"}`
	s.add(caseFile{Name: "rule-long-value-cut-on-a-rune", Expect: "forbidden", Policy: abi.Policy{Algorithms: []string{"HS256"}, Require: []string{"long=x"}}, Keys: keys,
		Token:   rawToken(t, oct, "HS256", `{"alg":"HS256","kid":"hmac-1"}`, utf8Claims),
		Comment: "the message cuts a long value at 77 bytes, backing off to a rune boundary"})
	s.add(caseFile{Name: "rule-several-first-failure-reported", Expect: "forbidden",
		Policy: abi.Policy{Algorithms: []string{"HS256"}, Require: []string{"groups~ops", "role=user", "level=4"}}, Keys: keys, Token: tok,
		Comment: "the first failing rule is the one reported"})
}

// addSizeCases ports TestVerifyTokenSize: the limit is checked before
// anything is parsed.
func addSizeCases(t *testing.T, s *caseSet) {
	oct := fixtures(t)["oct"]
	keys := jwks(t, oct.key)
	// tokenOfSize returns a valid token exactly n bytes long, padding a
	// claim and a header member (base64url cannot make every length from
	// the payload alone).
	tokenOfSize := func(n int) string {
		for pad := 0; pad < 4; pad++ {
			hdr := `{"alg":"HS256","kid":"hmac-1","x":"` + strings.Repeat("k", pad) + `"}`
			for fill := max(0, (n-200)*3/4-50); fill < n; fill++ {
				tok := rawToken(t, oct, "HS256", hdr, `{"exp":`+sec(time.Hour)+`,"pad":"`+strings.Repeat("p", fill)+`"}`)
				if len(tok) == n {
					return tok
				}
				if len(tok) > n {
					break
				}
			}
		}
		t.Fatalf("cannot make a token of %d bytes", n)
		return ""
	}
	atDefault, overDefault, small := tokenOfSize(core.DefaultMaxTokenSize), tokenOfSize(core.DefaultMaxTokenSize+2), tokenOfSize(1000)
	for _, r := range []struct {
		name  string
		limit int
		token string
		want  string
	}{
		{"default limit at the limit", 0, atDefault, "valid"},
		{"default limit over", 0, overDefault, "too_large"},
		{"custom limit at the limit", 1000, small, "valid"},
		{"custom limit one under", 1001, small, "valid"},
		{"custom limit one over", 999, small, "too_large"},
		{"garbage over the limit is too large not malformed", 1000, strings.Repeat("\x00garbage", 150), "too_large"},
	} {
		s.add(caseFile{Name: "size-" + slug(r.name), Expect: r.want, Policy: abi.Policy{Algorithms: []string{"HS256"}, MaxTokenSize: r.limit}, Keys: keys, Token: r.token,
			Comment: fmt.Sprintf("a %d-byte token, max_token_size %d (0: the default %d)", len(r.token), r.limit, core.DefaultMaxTokenSize)})
	}
}

// addAttackCases ports TestAttacks, TestHeaderKeysNeverUsed and
// TestPSSSaltLength: hostile tokens against an ES256 verifier (and others
// where the attack needs them).
func addAttackCases(t *testing.T, s *caseSet) {
	fx := fixtures(t)
	es := fx["p256"].withKID("es-1")
	esKeys := jwks(t, es.key)
	esPolicy := abi.Policy{Algorithms: []string{"ES256"}}
	attackerPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	attacker := newFixture(t, attackerPriv)
	claims := validClaims()
	hdr := `{"alg":"ES256","kid":"es-1","typ":"JWT"}`
	good := rawToken(t, es, "ES256", hdr, claims)
	goodSig := signature(t, good)
	signingInput := good[:strings.LastIndexByte(good, '.')]

	n := elliptic.P256().Params().N
	nn := make([]byte, 64)
	n.FillBytes(nn[:32])
	n.FillBytes(nn[32:])
	d := crypto.SHA256.New()
	d.Write([]byte(signingInput))
	der, err := ecdsa.SignASN1(rand.Reader, es.priv.(*ecdsa.PrivateKey), d.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	attackerJWK := jwk(t, attacker.key, nil)
	jwkHeader := func(kid string) string {
		h := `{"alg":"ES256","jwk":` + attackerJWK
		if kid != "" {
			h += `,"kid":"` + kid + `"`
		}
		return h + `}`
	}
	// noncanonical sets the unused low bits of the last base64url character.
	noncanonical := func(tok string) string {
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		i := strings.IndexByte(alphabet, tok[len(tok)-1])
		return tok[:len(tok)-1] + string(alphabet[i^1])
	}
	payloadB64 := b64.EncodeToString([]byte(claims))
	ncInput := b64.EncodeToString([]byte(hdr)) + "." + noncanonical(payloadB64)
	ncSig := rawSignature(t, "ES256", es.priv, ncInput)

	rs := fx["rsa"].withKID("rsa-1")
	rsaPEM, err := rs.key.Public().MarshalPEM(core.PEMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	confused := fixture{priv: rsaPEM} // the public key's PEM as an HMAC secret
	oct := fx["oct"]

	rows := []struct {
		name   string
		keys   string     // esKeys if empty
		policy abi.Policy // esPolicy if no algorithms
		token  string
		want   string
		why    string
	}{
		{name: "control valid token", token: good, want: "valid"},

		{name: "alg none", token: unsigned(`{"alg":"none"}`, claims, nil), want: "alg_not_allowed"},
		{name: "alg NONE in capitals", token: unsigned(`{"alg":"NONE"}`, claims, nil), want: "alg_not_allowed"},
		{name: "alg none with the real signature", token: unsigned(`{"alg":"none"}`, claims, goodSig), want: "alg_not_allowed"},
		{name: "alg empty", token: unsigned(`{"alg":""}`, claims, goodSig), want: "alg_not_allowed"},

		{name: "HS256 with RSA PEM under an RS256 policy", keys: jwks(t, rs.key), policy: abi.Policy{Algorithms: []string{"RS256"}},
			token: rawToken(t, confused, "HS256", `{"alg":"HS256","kid":"rsa-1"}`, claims), want: "alg_not_allowed", why: "key confusion: the RSA public key's PEM as an HMAC secret"},
		{name: "HS256 with RSA PEM kid names the RSA key", keys: jwks(t, oct.key), policy: abi.Policy{Algorithms: []string{"HS256"}},
			token: rawToken(t, confused, "HS256", `{"alg":"HS256","kid":"rsa-1"}`, claims), want: "unknown_kid",
			why: "key confusion: a set that mixes the RSA key with secrets is refused (invalid_key), and the secrets alone do not hold it"},
		{name: "HS256 with RSA PEM no kid", keys: jwks(t, oct.key), policy: abi.Policy{Algorithms: []string{"HS256"}},
			token: rawToken(t, confused, "HS256", `{"alg":"HS256"}`, claims), want: "bad_signature", why: "key confusion: only the real secret is tried"},
		{name: "HS256 token under an ES256 policy", token: rawToken(t, oct, "HS256", `{"alg":"HS256","kid":"es-1"}`, claims), want: "alg_not_allowed"},

		{name: "header jwk attacker kid", token: rawToken(t, attacker, "ES256", jwkHeader(attacker.key.KeyID()), claims), want: "unknown_kid", why: "keys in the header are never used (RFC 8725 §3.10)"},
		{name: "header jwk no kid", token: rawToken(t, attacker, "ES256", jwkHeader(""), claims), want: "bad_signature", why: "keys in the header are never used"},
		{name: "header jwk victim kid", token: rawToken(t, attacker, "ES256", jwkHeader("es-1"), claims), want: "bad_signature", why: "keys in the header are never used"},
		{name: "empty kid is no kid", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":""}`, claims), want: "valid"},
		{name: "jku x5u x5c ignored valid signature", token: rawToken(t, es, "ES256",
			`{"alg":"ES256","kid":"es-1","jku":"https://evil.example/jwks","x5u":"https://evil.example/cert","x5c":["MIIB"]}`, claims), want: "valid"},
		{name: "jku x5u x5c ignored attacker signature", token: rawToken(t, attacker, "ES256",
			`{"alg":"ES256","kid":"es-1","jku":"https://evil.example/jwks","x5u":"https://evil.example/cert","x5c":["MIIB"]}`, claims), want: "bad_signature"},
		{name: "x5c with the attacker key no kid", token: rawToken(t, attacker, "ES256",
			`{"alg":"ES256","x5c":["`+base64.StdEncoding.EncodeToString([]byte("not a certificate"))+`"]}`, claims), want: "bad_signature"},

		{name: "ECDSA r = s = 0", token: testkit.WithSignature(good, make([]byte, 64)), want: "bad_signature"},
		{name: "ECDSA r = s = n", token: testkit.WithSignature(good, nn), want: "bad_signature"},
		{name: "ECDSA DER-encoded", token: testkit.WithSignature(good, der), want: "bad_signature", why: "RFC 7518 §3.4 signatures are R||S, never DER"},
		{name: "ECDSA one byte short", token: testkit.WithSignature(good, goodSig[:63]), want: "bad_signature"},
		{name: "truncated signature", token: testkit.WithSignature(good, goodSig[:32]), want: "bad_signature"},
		{name: "empty signature", token: good[:strings.LastIndexByte(good, '.')+1], want: "bad_signature"},

		{name: "non-canonical signature base64url", token: noncanonical(good), want: "malformed", why: "one signature must not stand for several token strings"},
		{name: "non-canonical header base64url", token: noncanonical(b64.EncodeToString([]byte(`{"alg":"ES256"}`))) + "." + payloadB64 + "." + b64.EncodeToString(goodSig), want: "malformed"},
		{name: "payload signed over non-canonical base64url", token: ncInput + "." + b64.EncodeToString(ncSig), want: "malformed", why: "the signature verifies; the payload does not decode strictly"},
		{name: "padding in the signature", token: good + "==", want: "malformed"},
		{name: "newline inside", token: good[:20] + "\n" + good[20:], want: "malformed", why: "Go's base64 decoder would skip it"},
		{name: "CRLF inside the signature", token: good[:len(good)-10] + "\r\n" + good[len(good)-10:], want: "malformed"},
		{name: "space inside", token: good[:20] + " " + good[20:], want: "malformed"},
		{name: "leading space", token: " " + good, want: "malformed"},
		{name: "trailing newline", token: good + "\n", want: "malformed"},
		{name: "standard base64 alphabet", token: good[:len(good)-6] + "+/" + good[len(good)-4:], want: "malformed"},
		{name: "non-ASCII byte inside", token: good[:20] + "\xc3\xa9" + good[20:], want: "malformed"},

		{name: "one part", token: "eyJhbGciOiJFUzI1NiJ9", want: "malformed"},
		{name: "two parts", token: signingInput, want: "malformed"},
		{name: "four parts", token: good + ".e30", want: "malformed", why: "extra segments"},
		{name: "five parts JWE", token: "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn", want: "malformed", why: "a JWE-shaped token is named as such"},
		{name: "empty header", token: "." + payloadB64 + "." + b64.EncodeToString(goodSig), want: "malformed"},
		{name: "empty payload signed", token: rawToken(t, es, "ES256", hdr, ""), want: "malformed"},
		{name: "empty string", token: "", want: "malformed"},

		{name: "header not JSON", token: unsigned(`alg=ES256`, claims, goodSig), want: "malformed"},
		{name: "header without alg", token: unsigned(`{"kid":"es-1"}`, claims, goodSig), want: "malformed"},
		{name: "alg not a string", token: unsigned(`{"alg":["ES256"]}`, claims, goodSig), want: "malformed"},
		{name: "kid not a string", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":1}`, claims), want: "malformed"},
		{name: "duplicate alg", token: rawToken(t, es, "ES256", `{"alg":"ES256","alg":"none"}`, claims), want: "malformed"},
		{name: "duplicate alg spelled with an escape", token: rawToken(t, es, "ES256", `{"alg":"ES256","\u0061lg":"HS256"}`, claims), want: "malformed"},
		{name: "duplicate kid", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","kid":"other"}`, claims), want: "malformed"},
		{name: "header nested too deep", token: rawToken(t, es, "ES256", `{"alg":"ES256","x":`+strings.Repeat("[", core.MaxJSONDepth)+strings.Repeat("]", core.MaxJSONDepth)+`}`, claims), want: "malformed"},
		{name: "zip header", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","zip":"DEF"}`, claims), want: "malformed", why: "compressed payloads are not allowed in a JWS"},

		{name: "unknown crit", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["exp"],"exp":1}`, claims), want: "unsupported_crit"},
		{name: "crit understood by the policy", policy: abi.Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}},
			token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["exp"],"exp":1}`, claims), want: "valid"},
		{name: "crit understood one of two not", policy: abi.Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}},
			token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["exp","nonce"],"exp":1,"nonce":"x"}`, claims), want: "unsupported_crit"},
		{name: "crit names a registered header", policy: abi.Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}},
			token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["kid"]}`, claims), want: "malformed"},
		{name: "crit names alg", token: rawToken(t, es, "ES256", `{"alg":"ES256","crit":["alg"]}`, claims), want: "malformed"},
		{name: "crit names an absent header", policy: abi.Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}},
			token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["exp"]}`, claims), want: "malformed"},
		{name: "crit empty", token: rawToken(t, es, "ES256", `{"alg":"ES256","crit":[]}`, claims), want: "malformed"},
		{name: "crit not an array", token: rawToken(t, es, "ES256", `{"alg":"ES256","crit":"exp","exp":1}`, claims), want: "malformed"},

		{name: "string exp", token: rawToken(t, es, "ES256", hdr, `{"exp":"`+sec(time.Hour)+`"}`), want: "malformed", why: "a NumericDate is a number (RFC 7519 §2)"},
		{name: "duplicate claim", token: rawToken(t, es, "ES256", hdr, `{"exp":`+sec(time.Hour)+`,"sub":"alice","sub":"admin"}`), want: "malformed"},
		{name: "duplicate nested claim", token: rawToken(t, es, "ES256", hdr, `{"exp":`+sec(time.Hour)+`,"realm_access":{"roles":["user"],"roles":["admin"]}}`), want: "malformed",
			why: "duplicates are refused at any depth: a lax decoder downstream would take either"},
		{name: "duplicate exp expired one last", token: rawToken(t, es, "ES256", hdr, `{"exp":`+sec(time.Hour)+`,"exp":`+sec(-time.Hour)+`}`), want: "malformed"},
		{name: "claims not an object", token: rawToken(t, es, "ES256", hdr, `"alice"`), want: "malformed"},
	}
	for _, r := range rows {
		keys, p := r.keys, r.policy
		if keys == "" {
			keys = esKeys
		}
		if len(p.Algorithms) == 0 {
			p = esPolicy
		}
		comment := "TestAttacks row"
		if r.why != "" {
			comment += ": " + r.why
		}
		s.add(caseFile{Name: "attack-" + slug(r.name), Expect: r.want, Policy: p, Keys: keys, Token: r.token, Comment: comment})
	}

	// PSS: the salt is as long as the hash (RFC 7518 §3.5).
	rsaPriv := rs.priv.(*rsa.PrivateKey)
	input := b64.EncodeToString([]byte(`{"alg":"PS256","kid":"rsa-1"}`)) + "." + b64.EncodeToString([]byte(claims))
	digest := crypto.SHA256.New()
	digest.Write([]byte(input))
	for _, r := range []struct {
		name string
		salt int
		want string
	}{
		{"salt 32 bytes", 32, "valid"},
		{"no salt", 0, "bad_signature"},
		{"salt 20 bytes", 20, "bad_signature"},
		{"longest salt", rsa.PSSSaltLengthAuto, "bad_signature"},
	} {
		sig, err := rsa.SignPSS(rand.Reader, rsaPriv, crypto.SHA256, digest.Sum(nil), &rsa.PSSOptions{SaltLength: r.salt})
		if err != nil {
			t.Fatal(err)
		}
		s.add(caseFile{Name: "attack-pss-" + slug(r.name), Expect: r.want, Policy: abi.Policy{Algorithms: []string{"PS256"}}, Keys: jwks(t, rs.key),
			Token: input + "." + b64.EncodeToString(sig), Comment: "PS256 with a salt of another length than the hash's is refused (jwx accepts it)"})
	}
}

// addVectorCases turns the RFC vectors of testdata/vectors into cases: as
// published, with a flipped signature, and (JWTs) at their "exp".
func addVectorCases(t *testing.T, s *caseSet) {
	files, err := filepath.Glob(filepath.Join("testdata", "vectors", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors in testdata/vectors (%v)", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := strings.Cut(string(data), "\n\n")
		f := map[string]string{}
		for _, line := range strings.Split(head, "\n") {
			name, value, _ := strings.Cut(line, ": ")
			f[name] = value
		}
		token := strings.TrimSpace(body)
		name := "vector-" + strings.TrimSuffix(filepath.Base(file), ".txt")
		now := caseNow.UnixMilli()
		if f["now"] != "" {
			sec, err := strconv.ParseInt(f["now"], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			now = sec * 1000
		}
		p := abi.Policy{Algorithms: []string{f["alg"]}, AllowNoExpiry: true}
		want, comment := f["expect"], f["source"]+", verified with its published key (one JWK, not a set)"
		if f["jwt"] == "false" {
			// The payload is not a claims set: the signature verifies, then
			// the claims do not parse.
			want, comment = "malformed", f["source"]+": the signature verifies, but the payload is not a JWT claims set"
		}
		s.add(caseFile{Name: name, Expect: want, Now: now, Policy: p, Keys: f["key"], Token: token, Comment: comment})
		s.add(caseFile{Name: name + "-flipped", Expect: "bad_signature", Now: now, Policy: p, Keys: f["key"], Token: testkit.FlipSignatureBit(t, token, 0),
			Comment: f["source"] + " with the first signature bit flipped"})
		if f["jwt"] == "true" {
			payload, err := b64.DecodeString(strings.Split(token, ".")[1])
			if err != nil {
				t.Fatal(err)
			}
			var c struct {
				Exp int64 `json:"exp"`
			}
			if err := json.Unmarshal(payload, &c); err != nil || c.Exp == 0 {
				t.Fatalf("%s: no exp (%v)", file, err)
			}
			s.add(caseFile{Name: name + "-at-exp", Expect: "expired", Now: c.Exp * 1000, Policy: p, Keys: f["key"], Token: token,
				Comment: f["source"] + " judged at its exp"})
		}
	}
}

// addKeyDocumentCases: key documents in other forms than a JWKS of keys
// with kids, which the host re-encodes before handing them to the module.
func addKeyDocumentCases(t *testing.T, s *caseSet) {
	fx := fixtures(t)
	p256, oct := fx["p256"], fx["oct"]
	es256 := abi.Policy{Algorithms: []string{"ES256"}}
	pemDoc, err := p256.key.Public().MarshalPEM(core.PEMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.add(caseFile{Name: "keys-pem-spki", Policy: es256, Keys: string(pemDoc), Token: mustSign(t, p256, validClaims()),
		Comment: "an SPKI PEM public key; its kid is its RFC 7638 thumbprint"})
	s.add(caseFile{Name: "keys-jwk-without-kid", Policy: es256, Keys: jwk(t, p256.key, map[string]any{"kid": nil}), Token: mustSign(t, p256, validClaims()),
		Comment: "one JWK without a kid: the token names the key's thumbprint"})
	s.add(caseFile{Name: "keys-jwks-with-unsupported-key", Policy: es256,
		Keys:    jwksOf(`{"kty":"OKP","crv":"X25519","kid":"enc","use":"enc","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}`, jwk(t, p256.key, nil)),
		Token:   mustSign(t, p256, validClaims()),
		Comment: "an X25519 key in the set is skipped (RFC 7517 §5)"})
	s.add(caseFile{Name: "keys-rsa-key-with-alg-and-use", Policy: abi.Policy{Algorithms: []string{"PS384"}},
		Keys:    jwksOf(jwk(t, fx["rsa"].key, map[string]any{"alg": "PS384", "use": "sig", "key_ops": []string{"verify"}})),
		Token:   mustSign(t, fx["rsa"], validClaims(), core.WithAlgorithm("PS384")),
		Comment: "alg, use and key_ops all allow the verification"})
	// Two secrets without kids: the second one verifies.
	second := secretFixture(t, bytes.Repeat([]byte("s"), 64), "")
	first := secretFixture(t, bytes.Repeat([]byte("f"), 64), "")
	s.add(caseFile{Name: "keys-two-secrets-without-kid", Policy: abi.Policy{Algorithms: []string{"HS512"}}, Keys: jwks(t, first.key, second.key),
		Token:   rawToken(t, second, "HS512", `{"alg":"HS512"}`, validClaims()),
		Comment: "no kid anywhere: the second of two secrets verifies"})
	s.add(caseFile{Name: "keys-secret-and-kid-mismatch", Expect: "unknown_kid", Policy: abi.Policy{Algorithms: []string{"HS256"}}, Keys: jwks(t, oct.key),
		Token:   rawToken(t, oct, "HS256", `{"alg":"HS256","kid":"hmac-2"}`, validClaims()),
		Comment: "the right secret, the wrong kid"})
}

// addWireCases: tokens whose header, claims or key ID must cross the
// WebAssembly boundary byte for byte, on success and when forbidden.
func addWireCases(t *testing.T, s *caseSet) {
	oct := fixtures(t)["oct"]
	keys := jwks(t, oct.key)
	exp := `"exp":` + sec(time.Hour)
	spaced := "{\r\n \"role\": \"user\",\r\n " + exp + "\r\n}"
	html := `{` + exp + `,"role":"<user> & co","note":"line separator"}`
	for _, r := range []struct {
		name, header, claims string
		require              []string
		want, why            string
	}{
		{"claims with white space", `{"alg":"HS256","kid":"hmac-1"}`, spaced, nil, "valid", "claims are returned as sent, white space and all"},
		{"claims with white space forbidden", `{"alg":"HS256","kid":"hmac-1"}`, spaced, []string{"role=admin"}, "forbidden", "a forbidden token's claims are returned as sent too"},
		{"header with white space", `{ "alg": "HS256",` + "\t" + `"kid": "hmac-1" }`, `{` + exp + `,"role":"user"}`, nil, "valid", "the header is returned as sent"},
		{"header with white space forbidden", `{ "alg": "HS256",` + "\t" + `"kid": "hmac-1" }`, `{` + exp + `,"role":"user"}`, []string{"role=admin"}, "forbidden", "a forbidden token's header is returned as sent"},
		{"claims with html characters", `{"alg":"HS256","kid":"hmac-1"}`, html, nil, "valid", "<, >, & and U+2028 are returned unescaped"},
		{"claims with html characters forbidden", `{"alg":"HS256","kid":"hmac-1"}`, html, []string{"role=admin"}, "forbidden", "<, >, & and U+2028 are returned unescaped when forbidden too"},
		{"header alg with invalid UTF-8", "{\"alg\":\"HS256\xff\"}", `{` + exp + `}`, nil, "malformed", "the header is not UTF-8"},
		{"header kid with invalid UTF-8", "{\"alg\":\"HS256\",\"kid\":\"\xff\"}", `{` + exp + `}`, nil, "malformed", "the header is not UTF-8"},
	} {
		p := abi.Policy{Algorithms: []string{"HS256"}, Require: r.require}
		s.add(caseFile{Name: "wire-" + slug(r.name), Expect: r.want, Policy: p, Keys: keys,
			Token: rawToken(t, oct, "HS256", r.header, r.claims), Comment: r.why})
	}
	odd := secretFixture(t, bytes.Repeat([]byte("o"), 32), "<k&1>")
	s.add(caseFile{Name: "wire-kid-with-html-characters", Policy: abi.Policy{Algorithms: []string{"HS256"}}, Keys: jwks(t, odd.key),
		Token: rawToken(t, odd, "HS256", `{"alg":"HS256","kid":"<k&1>"}`, validClaims()), Comment: "the key ID crosses the boundary as it is"})
	s.add(caseFile{Name: "wire-kid-with-html-characters-forbidden", Expect: "forbidden", Policy: abi.Policy{Algorithms: []string{"HS256"}, Require: []string{"role=admin"}},
		Keys: jwks(t, odd.key), Token: rawToken(t, odd, "HS256", `{"alg":"HS256","kid":"<k&1>"}`, validClaims()), Comment: "the key ID crosses the boundary as it is when forbidden"})
}
