package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInspect(t *testing.T) {
	t.Parallel()
	f := newVerifyFixture(t)
	tokenFile := writeFile(t, f.dir, "token.jwt", []byte(f.token+"\n"))

	r := jw(t, "", "inspect", "--now", at(2*time.Hour), tokenFile)
	wantExit(t, r, exitOK, "")
	for _, want := range []string{"Header\n", "\nClaims\n", "\nDates\n", "  exp  2030-01-01T01:00:00Z  ", "\nSignature\n  64 bytes (not verified)\n", "\nFindings\n", "info   expired: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, r.stdout)
		}
	}

	// --json, from stdin, with the key to check.
	r = jw(t, f.token, "inspect", "--json", "--key", f.keys.public, "--now", at(time.Minute), "-")
	wantExit(t, r, exitOK, "")
	doc := jsonObject(t, r.stdout)
	if h, _ := doc["header"].(map[string]any); h["kid"] != f.keys.kid {
		t.Errorf("header %v", doc["header"])
	}
	if c, _ := doc["claims"].(map[string]any); c["sub"] != "alice" {
		t.Errorf("claims %v", doc["claims"])
	}
	if d, _ := doc["dates"].([]any); len(d) != 2 {
		t.Errorf("dates %v, want exp and iat", doc["dates"])
	}
	if _, ok := doc["findings"].([]any); !ok {
		t.Errorf("findings %v, want an array", doc["findings"])
	}

	// Nothing is verified: a token with alg none decodes, with a finding.
	none := craft(`{"alg":"none"}`, `{"sub":"x"}`, "")
	r = jw(t, "", "inspect", "--json", none)
	wantExit(t, r, exitOK, "")
	if !strings.Contains(r.stdout, `"alg_none"`) || !strings.Contains(r.stdout, `"no_exp"`) {
		t.Errorf("findings for an unsigned token without exp:\n%s", r.stdout)
	}
	// A key of the wrong type is a finding, not an error.
	ed := newSigningSet(t, t.TempDir(), "--type", "ed25519")
	r = jw(t, "", "inspect", "--key", ed.public, f.token)
	wantExit(t, r, exitOK, "")
	if !strings.Contains(r.stdout, "key_mismatch") {
		t.Errorf("no key_mismatch finding:\n%s", r.stdout)
	}

	// A token that cannot be decoded is rejected (exit 1); bad flags and
	// files are input errors (exit 2).
	wantExit(t, jw(t, "", "inspect", "not.a.token"), exitRejected, "malformed")
	wantExit(t, jw(t, "", "inspect", "-"), exitUsage, "invalid_argument") // no token at all
	wantExit(t, jw(t, "", "inspect"), exitUsage, "invalid_argument")
	wantExit(t, jw(t, "", "inspect", "--now", "x", f.token), exitUsage, "invalid_argument")
	wantExit(t, jw(t, "", "inspect", "--key", filepath.Join(f.dir, "nope"), f.token), exitUsage, "invalid_argument")
}

// TestNoColorOffTerminal pins that output written anywhere but a terminal
// has no escape sequences, NO_COLOR or not.
func TestNoColorOffTerminal(t *testing.T) {
	// t.Setenv then unset: NO_COLOR is absent here and restored after.
	t.Setenv("NO_COLOR", "")
	os.Unsetenv("NO_COLOR")
	t.Setenv("TERM", "xterm-256color")

	f := newVerifyFixture(t)
	for _, args := range [][]string{
		{"inspect", f.token},
		{"inspect", "--json", f.token},
		append(f.verify(), f.token),
		append(f.verify("--require", "role=x"), f.token),
		{"help"},
		{"verify", "--help"},
	} {
		r := jw(t, "", args...)
		if strings.ContainsRune(r.stdout+r.stderr, '\x1b') {
			t.Errorf("%q wrote an escape sequence: %v", args, r)
		}
	}
	if colorEnabled(&strings.Builder{}) {
		t.Error("colorEnabled(a buffer) = true")
	}
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if colorEnabled(file) {
		t.Error("colorEnabled(a regular file) = true")
	}
}

// TestNoColorEnv pins that NO_COLOR or TERM=dumb turn colour off even on
// a terminal; it uses /dev/tty when the test has one.
func TestNoColorEnv(t *testing.T) {
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err == nil {
		defer tty.Close()
	}
	for _, env := range []struct{ name, value string }{{"NO_COLOR", "1"}, {"NO_COLOR", "false"}, {"TERM", "dumb"}} {
		t.Run(env.name+"="+env.value, func(t *testing.T) {
			t.Setenv(env.name, env.value)
			if colorEnabled(os.Stdout) {
				t.Error("colorEnabled(os.Stdout) = true")
			}
			if tty != nil && colorEnabled(tty) {
				t.Error("colorEnabled(/dev/tty) = true")
			}
		})
	}
}

// TestDemo runs the demo in-process: every step as expected, exit 0, no
// colour into a buffer, and the temporary directory removed.
func TestDemo(t *testing.T) {
	t.Parallel()
	r := jw(t, "", "demo")
	wantExit(t, r, exitOK, "")
	if !strings.Contains(r.stdout, "Every step behaved as expected") || strings.Contains(r.stdout, "UNEXPECTED") {
		t.Errorf("demo output:\n%s", r.stdout)
	}
	if strings.ContainsRune(r.stdout, '\x1b') {
		t.Error("demo wrote escape sequences into a buffer")
	}
	if strings.Contains(r.stdout, os.TempDir()) {
		t.Error("demo output shows the temporary directory")
	}

	r = jw(t, "", "demo", "--keep-dir")
	wantExit(t, r, exitOK, "")
	dir, ok := strings.CutPrefix(strings.SplitN(r.stdout, "\n", 2)[0], "# working in ")
	if !ok {
		t.Fatalf("--keep-dir does not say where:\n%s", r.stdout)
	}
	defer os.RemoveAll(dir)
	for _, name := range []string{"signing.jwks", "public.jwks", "token1.jwt", "token2.jwt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("--keep-dir: %v", err)
		}
	}
}

// TestInspectDatesOutOfRange pins inspect on dates past year 9999, which
// RFC 3339 (and so encoding/json's time.Time) cannot write: the date is
// shown as its number with a date_out_of_range finding, in text and in
// JSON, and inspect exits 0.
func TestInspectDatesOutOfRange(t *testing.T) {
	t.Parallel()
	enc := base64.RawURLEncoding.EncodeToString
	for _, exp := range []string{"253402300800", "1e300"} {
		token := enc([]byte(`{"alg":"ES256","typ":"JWT"}`)) + "." + enc([]byte(`{"sub":"alice","exp":`+exp+`}`)) + "." + enc(make([]byte, 64))
		t.Run("exp="+exp, func(t *testing.T) {
			t.Parallel()
			r := jw(t, "", "inspect", "--json", token)
			wantExit(t, r, exitOK, "")
			var out struct {
				Dates []struct {
					Name     string          `json:"name"`
					Time     *string         `json:"time"`
					Seconds  json.RawMessage `json:"seconds"`
					Relative string          `json:"relative"`
				} `json:"dates"`
				Findings []struct{ Code, Severity string } `json:"findings"`
				Error    any                               `json:"error"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Error != nil {
				t.Fatalf("--json output %q: %v", r.stdout, err)
			}
			if len(out.Dates) != 1 || out.Dates[0].Name != "exp" || string(out.Dates[0].Seconds) != exp || out.Dates[0].Time != nil ||
				out.Dates[0].Relative != "past year 9999" {
				t.Errorf("dates %s, want exp as the number %s without a time", r.stdout, exp)
			}
			found := false
			for _, f := range out.Findings {
				found = found || (f.Code == "date_out_of_range" && f.Severity == "medium")
			}
			if !found {
				t.Errorf("no date_out_of_range finding: %s", r.stdout)
			}
			r = jw(t, "", "inspect", token)
			wantExit(t, r, exitOK, "")
			if !strings.Contains(r.stdout, "exp  "+exp+"  past year 9999") || !strings.Contains(r.stdout, "date_out_of_range") {
				t.Errorf("text output lacks the date as a number and its finding:\n%s", r.stdout)
			}
		})
	}
}
