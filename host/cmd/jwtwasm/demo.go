package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

const demoAbout = `
Walk through the whole flow in a temporary directory, running the real
commands and printing each one with its output: make a signing key set,
publish its public keys, sign a token, inspect it, verify it, decide access
from its claims, rotate the key, check that tokens from before and after the
rotation verify, and watch a tampered and an expired token be refused.
Exits 0 if every step behaved as expected.`

// demoStep is one command of the demo and the exit status it must have.
type demoStep struct {
	title string
	args  []string
	want  int
	save  string // file to save stdout to, relative to the demo directory
	stdin string
}

func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", "[flags]", demoAbout, "  jwtwasm demo\n  jwtwasm demo --keep-dir")
	var keepDir bool
	fs.BoolVar(&keepDir, "keep-dir", false, "keep the temporary directory and print its path")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("demo takes no arguments")
	}
	dir, err := os.MkdirTemp("", "jwtwasm-demo-")
	if err != nil {
		return inputError("cannot make a temporary directory: %v", err)
	}
	if keepDir {
		fmt.Fprintf(e.stdout, "# working in %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	c := palette(colorEnabled(e.stdout))
	p := func(name string) string { return filepath.Join(dir, name) }
	verify := []string{"verify", "--jwks", p("public.jwks"), "--alg", "ES256", "--iss", "https://issuer.example", "--aud", "orders-api"}
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)

	steps := []demoStep{
		{title: "Make a signing key set: one EC P-256 key for ES256, its kid the RFC 7638 thumbprint",
			args: []string{"keygen", "--alg", "ES256", "--format", "jwks", "-o", p("signing.jwks")}},
		{title: "Publish the public keys (what a JWKS endpoint serves): no private member",
			args: []string{"jwks", "public", p("signing.jwks"), "-o", p("public.jwks")}},
		{title: "", args: []string{"@cat", p("public.jwks")}},
		{title: "Sign a token for alice, valid for 15 minutes, with a role and scopes",
			args: []string{"sign", "--key", p("signing.jwks"), "--iss", "https://issuer.example", "--aud", "orders-api",
				"--sub", "alice", "--exp", "15m", "--claims", `{"role":"admin","scope":"read:orders write:orders"}`},
			save: "token1.jwt"},
		{title: "Inspect it without verifying: header, claims, dates, findings",
			args: []string{"inspect", p("token1.jwt")}},
		{title: "Verify it against the published keys and the policy: signature, alg, iss, aud, exp",
			args: append(append([]string{}, verify...), p("token1.jwt"))},
		{title: "Decide access from the verified claims: admins with write:orders may pass",
			args: append(append([]string{}, verify...), "--require", "role=admin", "--require", "scope~write:orders", p("token1.jwt"))},
		{title: "A rule the claims do not meet: a valid token, but forbidden (exit 1)",
			args: append(append([]string{}, verify...), "--require", "role=superuser", p("token1.jwt")), want: exitRejected},
		{title: "Rotate: a fresh active key; the old one stays, public only, to verify older tokens",
			args: []string{"jwks", "rotate", p("signing.jwks")}},
		{title: "Publish the rotated set",
			args: []string{"jwks", "public", "--force", p("signing.jwks"), "-o", p("public.jwks")}},
		{title: "Sign a new token: it carries the new kid",
			args: []string{"sign", "--key", p("signing.jwks"), "--iss", "https://issuer.example", "--aud", "orders-api",
				"--sub", "bob", "--exp", "15m", "--claims", `{"role":"viewer"}`},
			save: "token2.jwt"},
		{title: "The token from before the rotation still verifies",
			args: append(append([]string{}, verify...), p("token1.jwt"))},
		{title: "The token from after the rotation verifies",
			args: append(append([]string{}, verify...), p("token2.jwt"))},
		{title: "Tamper with the new token (role viewer -> admin, signature kept): refused (exit 1)",
			args: append(append([]string{}, verify...), p("tampered.jwt")), want: exitRejected},
		{title: "A token that expired: signed an hour ago for 15 minutes, refused (exit 1)",
			args: []string{"sign", "--key", p("signing.jwks"), "--iss", "https://issuer.example", "--aud", "orders-api",
				"--sub", "carol", "--exp", "15m", "--now", hourAgo}, save: "expired.jwt"},
		{title: "", args: append(append([]string{}, verify...), p("expired.jwt")), want: exitRejected},
	}

	failed, n := 0, 0
	for _, s := range steps {
		if strings.HasSuffix(s.args[len(s.args)-1], "tampered.jwt") {
			if err := tamper(p("token2.jwt"), p("tampered.jwt")); err != nil {
				return err
			}
		}
		if s.title != "" {
			n++
			fmt.Fprintf(e.stdout, "\n%s# %d. %s%s\n", c.bold, n, s.title, c.reset)
		}
		shown := strings.ReplaceAll(shellQuote(s.args), dir+string(filepath.Separator), "")
		if s.args[0] == "@cat" {
			fmt.Fprintf(e.stdout, "$ cat %s\n", shown[len("@cat "):])
			data, err := os.ReadFile(s.args[1])
			if err != nil {
				return inputError("demo: %v", err)
			}
			e.stdout.Write(data)
			continue
		}
		line := "$ jwtwasm " + shown
		if s.save != "" {
			line += " > " + s.save
		}
		fmt.Fprintln(e.stdout, line)
		var out, errOut bytes.Buffer
		var stdin io.Reader = strings.NewReader(s.stdin)
		status := run(e.ctx, s.args, stdin, &out, &errOut)
		if s.save != "" {
			if err := os.WriteFile(p(s.save), out.Bytes(), 0o600); err != nil {
				return inputError("demo: %v", err)
			}
		}
		e.stdout.Write([]byte(strings.ReplaceAll(out.String(), dir+string(filepath.Separator), "")))
		e.stdout.Write([]byte(strings.ReplaceAll(errOut.String(), dir+string(filepath.Separator), "")))
		mark := c.green + "ok" + c.reset
		if status != s.want {
			failed++
			mark = fmt.Sprintf("%sUNEXPECTED: want exit %d%s", c.red, s.want, c.reset)
		}
		fmt.Fprintf(e.stdout, "%s(exit %d: %s)%s\n", c.dim, status, mark, c.reset)
	}
	if failed > 0 {
		return &cliError{code: core.CodeInternal, msg: fmt.Sprintf("demo: %d steps did not behave as expected", failed)}
	}
	fmt.Fprintf(e.stdout, "\n%sEvery step behaved as expected.%s\n", c.bold, c.reset)
	return nil
}

// tamper rewrites the token's payload, keeping the signature, as an
// attacker who wants more rights would.
func tamper(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return inputError("demo: %v", err)
	}
	parts := strings.Split(strings.TrimSpace(string(data)), ".")
	if len(parts) != 3 {
		return inputError("demo: %s is not a token", src)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return inputError("demo: %v", err)
	}
	payload = bytes.Replace(payload, []byte(`"viewer"`), []byte(`"admin"`), 1)
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return os.WriteFile(dst, []byte(strings.Join(parts, ".")+"\n"), 0o600)
}

// shellQuote joins args as a shell would need them typed.
func shellQuote(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \"'{}$&|;<>*?~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
