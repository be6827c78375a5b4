package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// helpCommands are the argument lists that show one command's help.
var helpCommands = [][]string{
	{"keygen"}, {"sign"}, {"verify"}, {"inspect"}, {"thumbprint"}, {"serve"}, {"demo"},
	{"jwks"}, {"jwks", "public"}, {"jwks", "merge"}, {"jwks", "rotate"}, {"jwks", "retire"}, {"jwks", "remove"},
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range helpCommands {
		name := strings.Join(cmd, " ")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := ""
			for _, h := range []string{"--help", "-h", "-help"} {
				r := jw(t, "", append(append([]string{}, cmd...), h)...)
				if r.code != exitOK || r.stderr != "" {
					t.Fatalf("%s %s: %v", name, h, r)
				}
				for _, section := range []string{"Usage: jwtwasm " + name + " ", "\nFlags:\n", "\nExamples:\n  jwtwasm " + cmd[0]} {
					if strings.Count(r.stdout, section) != 1 {
						t.Errorf("%s %s: want %q once in:\n%s", name, h, section, r.stdout)
					}
				}
				if want == "" {
					want = r.stdout
				} else if r.stdout != want {
					t.Errorf("%s %s prints other help than --help", name, h)
				}
			}
			// "jwtwasm help CMD" is "jwtwasm CMD --help" for commands.
			if len(cmd) == 1 {
				if r := jw(t, "", "help", cmd[0]); r.code != exitOK || r.stdout != want {
					t.Errorf("help %s: %v", name, r)
				}
			}
		})
	}
}

func TestTopLevel(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		r := jw(t, "", args...)
		if r.code != exitOK || r.stderr != "" || !strings.Contains(r.stdout, "Commands:\n") {
			t.Errorf("%q: %v", args, r)
		}
		for _, c := range commands {
			if !strings.Contains(r.stdout, "\n  "+c.name+" ") {
				t.Errorf("%q does not list %s", args, c.name)
			}
		}
	}
	// No command at all: the list on stderr, exit 2.
	r := jw(t, "")
	if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "Commands:\n") {
		t.Errorf("no arguments: %v", r)
	}
	r = jw(t, "", "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "jwtwasm v") {
		t.Errorf("version: %v", r)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k := newSigningSet(t, dir)
	token := sign(t, k)
	type usageCase struct {
		name string
		args []string
		want string // in the error message
		hint string // in a hint, if not ""
	}
	tests := []usageCase{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`, ""},
		{"help for an unknown command", []string{"help", "frobnicate"}, `unknown command "frobnicate"`, ""},
		{"jwks without subcommand", []string{"jwks"}, "needs a subcommand", "jwtwasm jwks --help"},
		{"jwks unknown subcommand", []string{"jwks", "publish"}, `unknown jwks subcommand "publish"`, "jwtwasm jwks --help"},
		{"keygen arguments", []string{"keygen", "extra"}, "takes no arguments", ""},
		{"sign arguments", []string{"sign", "--key", k.signing, "extra"}, "takes no arguments", ""},
		{"demo arguments", []string{"demo", "extra"}, "takes no arguments", ""},
		{"thumbprint two files", []string{"thumbprint", k.public, k.public}, "got 2 arguments", ""},
		{"jwks public no file", []string{"jwks", "public"}, "got 0 arguments", ""},
		{"jwks merge no file", []string{"jwks", "merge"}, "one or more FILEs", ""},
		{"jwks rotate stdin", []string{"jwks", "rotate", "-"}, "one key set FILE", ""},
		{"jwks rotate negative keep", []string{"jwks", "rotate", "--keep", "-1", k.signing}, "--keep -1", ""},
		{"verify without alg", []string{"verify", "--jwks", k.public, token}, "--alg is required", "--alg RS256"},
		{"verify without key", []string{"verify", "--alg", "ES256", token}, "no key given", "--jwks FILE|URL"},
		{"verify two key sources", []string{"verify", "--alg", "ES256", "--jwks", k.public, "--key", k.public, token}, "only one of", ""},
		{"verify without token", []string{"verify", "--alg", "ES256", "--jwks", k.public}, "no token given", "- to read standard input"},
		{"verify two tokens", []string{"verify", "--alg", "ES256", "--jwks", k.public, token, token}, "want one token", ""},
		{"verify not a token", []string{"verify", "--alg", "ES256", "--jwks", k.public, "nonsense"}, "neither a file nor a token", ""},
		{"verify bad now", []string{"verify", "--alg", "ES256", "--jwks", k.public, "--now", "tomorrow", token}, `time "tomorrow"`, ""},
		{"verify unknown alg", []string{"verify", "--alg", "XS256", "--jwks", k.public, token}, `unknown algorithm "XS256"`, ""},
		{"verify alg none", []string{"verify", "--alg", "none", "--jwks", k.public, token}, `"none" is never allowed`, ""},
		{"verify mixed hmac", []string{"verify", "--alg", "ES256,HS256", "--jwks", k.public, token}, "mixes HMAC", ""},
		{"verify bad rule", []string{"verify", "--alg", "ES256", "--jwks", k.public, "--require", "scope~", token}, "nothing after", ""},
		{"verify bad leeway", []string{"verify", "--alg", "ES256", "--jwks", k.public, "--leeway", "soon", token}, "invalid value", "jwtwasm verify --help"},
		{"verify negative leeway", []string{"verify", "--alg", "ES256", "--jwks", k.public, "--leeway", "-1s", token}, "negative", ""},
		{"sign bad exp", []string{"sign", "--key", k.signing, "--exp", "later"}, `time "later"`, ""},
		{"sign exp in the past", []string{"sign", "--key", k.signing, "--exp", "-1m"}, "not in the future", ""},
		{"sign bad nbf", []string{"sign", "--key", k.signing, "--nbf", "x"}, `time "x"`, ""},
		{"keygen bad format", []string{"keygen", "--format", "der"}, `--format "der"`, ""},
		{"keygen bad type", []string{"keygen", "--type", "dsa"}, `--type "dsa"`, ""},
		{"keygen type and alg disagree", []string{"keygen", "--type", "ec", "--alg", "RS256"}, "does not fit", ""},
		{"keygen bad curve", []string{"keygen", "--curve", "P-192"}, `"P-192"`, ""},
		{"keygen small rsa", []string{"keygen", "--type", "rsa", "--bits", "1024"}, "RSA key size 1024", ""},
		{"keygen bad secret size", []string{"keygen", "--type", "oct", "--bits", "100", "--format", "jwk"}, "secret size 100", ""},
		{"keygen oct as pem", []string{"keygen", "--type", "oct", "--format", "pem"}, "no PEM form", ""},
		{"keygen oct with pub", []string{"keygen", "--type", "oct", "--format", "jwk", "--pub", filepath.Join(dir, "x")}, "no public key", ""},
		{"keygen pkcs1 for ec", []string{"keygen", "--pem-format", "pkcs1"}, "only RSA", ""},
		{"keygen sec1 for rsa", []string{"keygen", "--type", "rsa", "--pem-format", "sec1"}, "only EC", ""},
		{"keygen bad pem format", []string{"keygen", "--pem-format", "pkcs12"}, `"pkcs12"`, ""},
	}
	// Every command refuses a flag it does not have, and names its help.
	for _, cmd := range helpCommands {
		if len(cmd) == 1 && cmd[0] == "jwks" {
			continue // "jwks --bogus" is an unknown subcommand, above
		}
		name := strings.Join(cmd, " ")
		tests = append(tests, usageCase{name + " unknown flag", append(append([]string{}, cmd...), "--bogus"),
			"flag provided but not defined", "jwtwasm " + name + " --help"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := jw(t, "", tt.args...)
			msg := wantExit(t, r, exitUsage, "")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
			if tt.hint != "" && !strings.Contains(strings.Join(hints(r.stderr), "\n"), tt.hint) {
				t.Errorf("no hint with %q:\n%s", tt.hint, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout is not empty:\n%s", r.stdout)
			}
		})
	}
}
