package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The end-to-end tests build the real binary once and run it with
// os/exec, as a user would. testing.Short skips them.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary returns the path of the jwtwasm binary built from this package.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	buildOnce.Do(func() {
		binPath = filepath.Join(fixtureDir, "jwtwasm")
		// go test puts its own GOROOT/bin first on PATH.
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

// exe runs the binary with stdin and returns what it did.
func exe(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.Exited():
	case err != nil:
		t.Fatalf("jwtwasm %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return result{cmd.ProcessState.ExitCode(), out.String(), errOut.String()}
}

// exeOK runs the binary and fails unless it exits 0.
func exeOK(t *testing.T, stdin []byte, args ...string) string {
	t.Helper()
	r := exe(t, stdin, args...)
	if r.code != exitOK {
		t.Fatalf("jwtwasm %s: %v", strings.Join(args, " "), r)
	}
	return r.stdout
}

// TestE2EFlow is the README walkthrough, run with the real binary and
// the real clock: keygen, publish, sign, verify, rotate, sign again, both
// tokens verify, a tampered and an expired token are refused.
func TestE2EFlow(t *testing.T) {
	t.Parallel()
	binary(t)
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	verify := []string{"verify", "--jwks", p("public.jwks"), "--alg", "ES256", "--iss", "https://issuer.example", "--aud", "orders-api"}
	signArgs := []string{"sign", "--key", p("signing.jwks"), "--iss", "https://issuer.example", "--aud", "orders-api", "--exp", "15m"}

	r := exe(t, nil, "keygen", "--alg", "ES256", "--format", "jwks", "-o", p("signing.jwks"))
	wantExit(t, r, exitOK, "")
	kid1 := wroteKID(t, r.stderr)
	if m := fileMode(t, p("signing.jwks")); m != 0o600 {
		t.Errorf("signing set mode %o", m)
	}
	exeOK(t, nil, "jwks", "public", p("signing.jwks"), "-o", p("public.jwks"))
	checkPublicOnly(t, parseJWKS(t, readFile(t, p("public.jwks"))))

	token1 := strings.TrimSpace(exeOK(t, nil, append(signArgs, "--sub", "alice", "--claims", `{"role":"admin","scope":"read:orders write:orders"}`)...))
	claims := jsonObject(t, exeOK(t, nil, append(verify, "--require", "role=admin", "--require", "scope~write:orders", token1)...))
	if claims["sub"] != "alice" {
		t.Errorf("verified claims %v", claims)
	}
	// The token on stdin, and the --json document.
	doc := jsonObject(t, exeOK(t, []byte(token1+"\n"), append(verify, "--json", "-")...))
	if doc["valid"] != true || doc["kid"] != kid1 {
		t.Errorf("--json: %v", doc)
	}

	out := exeOK(t, nil, "jwks", "rotate", p("signing.jwks"))
	if !strings.Contains(out, "retiring:   "+kid1) {
		t.Errorf("rotate:\n%s", out)
	}
	if m := fileMode(t, p("signing.jwks")); m != 0o600 {
		t.Errorf("rotated set mode %o", m)
	}
	exeOK(t, nil, "jwks", "public", "--force", p("signing.jwks"), "-o", p("public.jwks"))
	token2 := strings.TrimSpace(exeOK(t, nil, append(signArgs, "--sub", "bob", "--claims", `{"role":"viewer"}`)...))
	h1, _ := tokenParts(t, token1)
	h2, _ := tokenParts(t, token2)
	if h1["kid"] != kid1 || h2["kid"] == kid1 {
		t.Errorf("kids %v then %v: want the new key's kid after rotation", h1["kid"], h2["kid"])
	}
	for _, tok := range []string{token1, token2} {
		exeOK(t, nil, append(verify, tok)...)
	}

	// Tampered: role viewer -> admin, signature kept.
	parts := strings.Split(token2, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"viewer"`), []byte(`"admin"`), 1))
	tampered := writeFile(t, dir, "tampered.jwt", []byte(strings.Join(parts, ".")+"\n"))
	wantExit(t, exe(t, nil, append(verify, tampered)...), exitRejected, "bad_signature")

	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	expired := strings.TrimSpace(exeOK(t, nil, append(signArgs, "--sub", "carol", "--now", hourAgo)...))
	wantExit(t, exe(t, nil, append(verify, expired)...), exitRejected, "expired")
	wantExit(t, exe(t, nil, append(verify, "--require", "role=superuser", token1)...), exitRejected, "forbidden")
	wantExit(t, exe(t, nil, "verify", "--jwks", p("public.jwks"), token1), exitUsage, "invalid_argument")
}

func TestE2EDemo(t *testing.T) {
	t.Parallel()
	r := exe(t, nil, "demo")
	wantExit(t, r, exitOK, "")
	if !strings.Contains(r.stdout, "Every step behaved as expected") {
		t.Errorf("demo:\n%s", r.stdout)
	}
	if strings.ContainsRune(r.stdout, '\x1b') {
		t.Error("demo wrote escape sequences to a pipe")
	}
}

func TestE2EHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range helpCommands {
		r := exe(t, nil, append(append([]string{}, cmd...), "--help")...)
		want := jw(t, "", append(append([]string{}, cmd...), "--help")...)
		if r.code != exitOK || r.stdout != want.stdout || r.stderr != "" {
			t.Errorf("%q --help from the binary differs from run(): %v", cmd, r)
		}
	}
}

// garbageCase is hostile or broken input to one command.
type garbageCase struct {
	name  string
	args  []string
	stdin []byte
}

// garbageCases returns bad input for every command: random bytes as a
// token, a key file, a key set and claims; empty and huge stdin; a
// directory and a missing file where a file is wanted.
func garbageCases(t *testing.T) []garbageCase {
	t.Helper()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	rng := rand.New(rand.NewChaCha8([32]byte{'j', 'w', 't'}))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	// Arguments cannot hold NUL bytes.
	randomArg := func(n int) string { return strings.ReplaceAll(string(random(n)), "\x00", "") }
	junk := writeFile(t, dir, "junk.bin", random(4096))
	junkRotate := writeFile(t, dir, "junk.jwks", random(4096))
	jsonJunk := writeFile(t, dir, "junk.json", []byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"},{"kty":"RSA","n":"AA","e":"AQAB"}]}`))
	deep := writeFile(t, dir, "deep.json", []byte(strings.Repeat("[", 100000)))
	hugeFile := writeFile(t, dir, "huge.bin", bytes.Repeat([]byte("A"), 2<<20))
	empty := writeFile(t, dir, "empty", nil)
	sub := filepath.Join(dir, "subdir")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	huge := bytes.Repeat([]byte("eyJhbGciOiJFUzI1NiJ9."), (2<<20)/21+1)
	randTok := randomArg(200) + "." + randomArg(200) + "." + randomArg(100)
	ok := func(args ...string) []string { // a verify that would pass but for the garbage
		return append([]string{"verify", "--alg", "ES256", "--jwks", k.public}, args...)
	}
	token := sign(t, k)
	cases := []garbageCase{
		{"verify random token", ok(randTok), nil},
		{"verify random argument", ok(randomArg(300)), nil},
		{"verify random token file", ok(junk), nil},
		{"verify random stdin", ok("-"), random(5000)},
		{"verify empty stdin", ok("-"), nil},
		{"verify huge stdin", ok("-"), huge},
		{"verify huge token file", ok(hugeFile), nil},
		{"verify token is a directory", ok(sub), nil},
		{"verify token file missing", ok(missing), nil},
		{"verify random key file", []string{"verify", "--alg", "ES256", "--key", junk, token}, nil},
		{"verify random JWKS", []string{"verify", "--alg", "ES256", "--jwks", junk, token}, nil},
		{"verify broken JWKS", []string{"verify", "--alg", "ES256", "--jwks", jsonJunk, token}, nil},
		{"verify deep JSON JWKS", []string{"verify", "--alg", "ES256", "--jwks", deep, token}, nil},
		{"verify empty JWKS file", []string{"verify", "--alg", "ES256", "--jwks", empty, token}, nil},
		{"verify huge JWKS", []string{"verify", "--alg", "ES256", "--jwks", hugeFile, token}, nil},
		{"verify JWKS is a directory", []string{"verify", "--alg", "ES256", "--jwks", sub, token}, nil},
		{"verify JWKS missing", []string{"verify", "--alg", "ES256", "--jwks", missing, token}, nil},
		{"verify random secret against ES256", []string{"verify", "--alg", "ES256", "--secret-file", junk, token}, nil},
		{"verify random rule", ok("--require", randomArg(40), token), nil},
		{"verify random alg", ok("--alg", randomArg(20), token), nil},
		{"verify random now", ok("--now", randomArg(20), token), nil},
		{"sign random key", []string{"sign", "--key", junk}, nil},
		{"sign key is a directory", []string{"sign", "--key", sub}, nil},
		{"sign key missing", []string{"sign", "--key", missing}, nil},
		{"sign random claims file", []string{"sign", "--key", k.signing, "--claims", "@" + junk}, nil},
		{"sign random claims argument", []string{"sign", "--key", k.signing, "--claims", randomArg(100)}, nil},
		{"sign random claims stdin", []string{"sign", "--key", k.signing, "--claims", "-"}, random(1000)},
		{"sign deep claims", []string{"sign", "--key", k.signing, "--claims", "@" + deep}, nil},
		{"sign empty claims stdin", []string{"sign", "--key", k.signing, "--claims", "-"}, nil},
		{"sign huge claims stdin", []string{"sign", "--key", k.signing, "--claims", "-"}, huge},
		{"sign claims is a directory", []string{"sign", "--key", k.signing, "--claims", "@" + sub}, nil},
		{"sign random exp", []string{"sign", "--key", k.signing, "--exp", randomArg(10)}, nil},
		{"inspect random token", []string{"inspect", randTok}, nil},
		{"inspect random file", []string{"inspect", junk}, nil},
		{"inspect random stdin", []string{"inspect", "-"}, random(3000)},
		{"inspect empty stdin", []string{"inspect", "-"}, nil},
		{"inspect huge stdin", []string{"inspect", "-"}, huge},
		{"inspect directory", []string{"inspect", sub}, nil},
		{"inspect missing", []string{"inspect", missing}, nil},
		{"inspect random key", []string{"inspect", "--key", junk, token}, nil},
		{"thumbprint random file", []string{"thumbprint", junk}, nil},
		{"thumbprint random stdin", []string{"thumbprint", "-"}, random(3000)},
		{"thumbprint empty stdin", []string{"thumbprint", "-"}, nil},
		{"thumbprint huge stdin", []string{"thumbprint", "-"}, huge},
		{"thumbprint broken JWKS", []string{"thumbprint", jsonJunk}, nil},
		{"thumbprint directory", []string{"thumbprint", sub}, nil},
		{"thumbprint missing", []string{"thumbprint", missing}, nil},
		{"thumbprint passphrase file is a directory", []string{"thumbprint", "--passphrase-file", sub, k.signing}, nil},
		{"jwks public random file", []string{"jwks", "public", junk}, nil},
		{"jwks public random stdin", []string{"jwks", "public", "-"}, random(3000)},
		{"jwks public empty stdin", []string{"jwks", "public", "-"}, nil},
		{"jwks public huge stdin", []string{"jwks", "public", "-"}, huge},
		{"jwks public directory", []string{"jwks", "public", sub}, nil},
		{"jwks public missing", []string{"jwks", "public", missing}, nil},
		{"jwks merge random file", []string{"jwks", "merge", k.public, junk}, nil},
		{"jwks merge deep JSON", []string{"jwks", "merge", deep}, nil},
		{"jwks merge directory", []string{"jwks", "merge", sub}, nil},
		{"jwks merge missing", []string{"jwks", "merge", missing}, nil},
		{"jwks merge huge stdin", []string{"jwks", "merge", "-"}, huge},
		{"jwks rotate random file", []string{"jwks", "rotate", junkRotate}, nil},
		{"jwks rotate directory", []string{"jwks", "rotate", sub}, nil},
		{"jwks rotate missing", []string{"jwks", "rotate", missing}, nil},
		{"jwks rotate random type", []string{"jwks", "rotate", "--type", randomArg(10), k.signing}, nil},
		{"keygen passphrase file is a directory", []string{"keygen", "--passphrase-file", sub}, nil},
		{"keygen empty passphrase file", []string{"keygen", "--passphrase-file", empty}, nil},
		{"keygen output is a directory", []string{"keygen", "-o", sub}, nil},
		{"keygen output is a directory, forced", []string{"keygen", "-o", sub, "--force"}, nil},
		{"keygen random alg", []string{"keygen", "--alg", randomArg(12)}, nil},
		{"random command", []string{randomArg(12)}, nil},
		{"random flag", []string{"verify", "--" + strings.ReplaceAll(randomArg(12), "=", "")}, nil},
		{"demo argument", []string{"demo", randomArg(12)}, nil},
	}
	t.Cleanup(func() {
		// jwks rotate must not have touched a file it could not read.
		if got := readFile(t, junkRotate); len(got) != 4096 {
			t.Errorf("jwks rotate changed an unreadable key set")
		}
	})
	return cases
}

// checkGarbage checks the error contract on a run given bad input: exit
// 1 or 2, nothing on stdout, one error line and hints on stderr, no panic.
func checkGarbage(t *testing.T, r result) {
	t.Helper()
	if r.code != exitRejected && r.code != exitUsage {
		t.Fatalf("want exit 1 or 2: %v", r)
	}
	checkStderr(t, r.stderr, "")
	if r.stdout != "" {
		t.Errorf("stdout on failure: %.200q", r.stdout)
	}
}

// TestGarbage runs every garbage case in-process.
func TestGarbage(t *testing.T) {
	t.Parallel()
	for _, c := range garbageCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			checkGarbage(t, jw(t, string(c.stdin), c.args...))
		})
	}
}

// TestE2EGarbage runs every garbage case through the binary: the process
// exits 1 or 2 with the one-line error, never a Go panic or trace.
func TestE2EGarbage(t *testing.T) {
	t.Parallel()
	binary(t)
	for _, c := range garbageCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			checkGarbage(t, exe(t, c.stdin, c.args...))
		})
	}
}
