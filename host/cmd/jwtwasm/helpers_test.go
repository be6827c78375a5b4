package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The fixed moment tests sign and judge tokens at, so that no test depends
// on the real clock: 2030-01-01T00:00:00Z.
const (
	t0     = "2030-01-01T00:00:00Z"
	t0Unix = 1893456000
)

// fixtureDir holds keys shared by tests (made once: RSA generation is
// slow) and the binary of the end-to-end tests.
var fixtureDir string

func TestMain(m *testing.M) {
	// The environment must not change what the command does: a passphrase
	// would encrypt every PEM key the tests write.
	os.Unsetenv(passphraseEnv)
	// In-process tests run on the command's default engine (native) unless
	// JWTWASM_ENGINE says otherwise: scripts/test.sh runs the whole suite a
	// second time with JWTWASM_ENGINE=wasm, and TestEngines compares the
	// two directly, command by command.
	dir, err := os.MkdirTemp("", "jwtwasm-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// jw runs the command in-process with stdin.
func jw(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// mustRun runs the command and fails the test unless it exits 0.
func mustRun(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	r := jw(t, stdin, args...)
	if r.code != exitOK {
		t.Fatalf("jwtwasm %s: %v", strings.Join(args, " "), r)
	}
	return r.stdout
}

// wantExit checks the exit status and, for failures, that stderr is one
// "jwtwasm: CODE: message" line and optional hint lines, CODE being code
// unless code is "". It returns the message.
func wantExit(t testing.TB, r result, status int, code string) string {
	t.Helper()
	if r.code != status {
		t.Fatalf("want exit %d: %v", status, r)
	}
	if status == exitOK {
		return ""
	}
	return checkStderr(t, r.stderr, code)
}

var errLine = regexp.MustCompile(`^jwtwasm: ([a-z_]+): (.+)$`)

// checkStderr checks the error contract of a failed run: exactly one
// "jwtwasm: <code>: <message>" line, then only "jwtwasm: hint: " lines, and
// no trace of a panic. It returns the message.
func checkStderr(t testing.TB, stderr, code string) string {
	t.Helper()
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Fatalf("stderr shows a panic:\n%s", stderr)
	}
	if !strings.HasSuffix(stderr, "\n") {
		t.Fatalf("stderr %q does not end in a newline", stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	m := errLine.FindStringSubmatch(lines[0])
	if m == nil || m[1] == "hint" {
		t.Fatalf("stderr does not start with \"jwtwasm: <code>: <message>\":\n%s", stderr)
	}
	if code != "" && m[1] != code {
		t.Fatalf("error code %q, want %q:\n%s", m[1], code, stderr)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "jwtwasm: hint: ") || len(l) == len("jwtwasm: hint: ") {
			t.Fatalf("stderr line %q after the error is not a hint:\n%s", l, stderr)
		}
	}
	return m[2]
}

// hints returns the hint lines of stderr, without their prefix.
func hints(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if h, ok := strings.CutPrefix(l, "jwtwasm: hint: "); ok {
			out = append(out, h)
		}
	}
	return out
}

// writeFile writes data to name in dir and returns its path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonObject parses s as one JSON object.
func jsonObject(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, s)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value:\n%s", s)
	}
	return m
}

// jwks is a parsed key set document.
type jwks struct {
	Keys []map[string]any `json:"keys"`
}

func parseJWKS(t testing.TB, data []byte) jwks {
	t.Helper()
	var s jwks
	if err := json.Unmarshal(data, &s); err != nil || s.Keys == nil {
		t.Fatalf("not a JWKS (%v):\n%s", err, data)
	}
	return s
}

// privateMembers are the JWK members that hold private or secret material
// (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// checkPublicOnly fails if any key of the set has a private member.
func checkPublicOnly(t testing.TB, set jwks) {
	t.Helper()
	for i, k := range set.Keys {
		for _, m := range privateMembers {
			if _, ok := k[m]; ok {
				t.Errorf("key %d (kid %v) has private member %q", i, k["kid"], m)
			}
		}
	}
}

// tokenParts decodes a compact token's header and claims without checking
// anything.
func tokenParts(t testing.TB, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", token, len(parts))
	}
	dec := func(s string) map[string]any {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("token part %q: %v", s, err)
		}
		return jsonObject(t, string(b))
	}
	return dec(parts[0]), dec(parts[1])
}

// num returns a JSON number member as an int64.
func num(t testing.TB, m map[string]any, name string) int64 {
	t.Helper()
	n, ok := m[name].(json.Number)
	if !ok {
		t.Fatalf("member %q is %v (%T), want a number", name, m[name], m[name])
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("member %q: %v", name, err)
	}
	return i
}

// keyFiles is a signing set with its published form.
type keyFiles struct {
	signing, public string // JWKS files
	kid             string
}

// newSigningSet makes a one-key signing set with keygen args (besides
// --format and -o) in dir, and its public set.
func newSigningSet(t testing.TB, dir string, args ...string) keyFiles {
	t.Helper()
	k := keyFiles{signing: filepath.Join(dir, "signing.jwks"), public: filepath.Join(dir, "public.jwks")}
	mustRun(t, "", append([]string{"keygen", "--format", "jwks", "-o", k.signing}, args...)...)
	mustRun(t, "", "jwks", "public", k.signing, "-o", k.public)
	k.kid = parseJWKS(t, readFile(t, k.signing)).Keys[0]["kid"].(string)
	return k
}

var (
	rsaOnce sync.Once
	rsaKeys keyFiles
)

// sharedRSA returns an RSA-2048 signing set made once for the package.
func sharedRSA(t testing.TB) keyFiles {
	t.Helper()
	rsaOnce.Do(func() {
		dir := filepath.Join(fixtureDir, "rsa")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		rsaKeys = newSigningSet(t, dir, "--type", "rsa", "--bits", "2048")
	})
	if rsaKeys.kid == "" {
		t.Fatal("the shared RSA key could not be made")
	}
	return rsaKeys
}

// sign signs with the signing set and returns the token.
func sign(t testing.TB, k keyFiles, args ...string) string {
	t.Helper()
	return strings.TrimSpace(mustRun(t, "", append([]string{"sign", "--key", k.signing}, args...)...))
}
