package host

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// TestNewOptionErrors checks that out-of-range options make New fail with
// an invalid_argument error naming the option, before any compilation,
// instead of a panic inside wazero.
func TestNewOptionErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  Option
		msg  string
	}{
		{"memory over 4 GiB", WithMemoryLimitPages(70000), "WithMemoryLimitPages(70000)"},
		{"no memory", WithMemoryLimitPages(0), "WithMemoryLimitPages(0)"},
		{"no instances", WithPoolSize(0), "WithPoolSize(0)"},
		{"negative pool", WithPoolSize(-3), "WithPoolSize(-3)"},
		{"empty module", WithModule(nil), "empty module"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			rt, err := New(context.Background(), c.opt)
			if rt != nil || !errors.Is(err, core.CodeInvalidArgument) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("New: %v, %v; want invalid_argument naming %q", rt, err, c.msg)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("the refusal took %v: it should come before compiling", d)
			}
		})
	}
	if _, err := New(context.Background(), WithMemoryLimitPages(MaxMemoryLimitPages), WithCompilationCacheDir(testCacheDir(t))); err != nil {
		t.Errorf("the largest memory limit: %v", err)
	}
}

// TestCallOptions checks that every operation refuses options it does not
// take, on both engines, with the same error.
func TestCallOptions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "ec-p256.pem", "")
	private, err := f.key.MarshalJWK()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []Engine{Native(), sharedTestRuntime(t)} {
		t.Run(e.Name(), func(t *testing.T) {
			_, err := e.NewVerifier(ctx, f.jwks, es256Policy, WithAlgorithm("ES256"))
			wantOptionError(t, err, "NewVerifier does not take option host.WithAlgorithm")
			_, err = e.Thumbprints(ctx, f.jwks, WithCache(3))
			wantOptionError(t, err, "Thumbprints does not take option host.WithCache")
			_, err = e.NewVerifier(ctx, f.jwks, es256Policy, WithCache(-1))
			wantOptionError(t, err, "negative cache size -1")
			_, err = e.Inspect(ctx, f.token, WithMaxTokenSize(0))
			wantOptionError(t, err, "maximum token size 0")
			_, err = e.Inspect(ctx, f.token, WithPassphrase([]byte("x")))
			wantOptionError(t, err, "none were given")
			_, err = e.Inspect(ctx, f.token, CallOption{})
			wantOptionError(t, err, "a zero CallOption")
			_, err = e.GenerateKey(ctx, core.KeyParams{Alg: "ES256"}, core.FormatJWK, WithPassphrase([]byte("x")))
			wantOptionError(t, err, "apply only to PEM")
			_, err = Sign(ctx, e, private, []byte(`{}`), WithCache(1))
			wantOptionError(t, err, "Sign does not take option host.WithCache")
			tok, err := Sign(ctx, e, private, []byte(`{"sub":"a"}`), WithKeyID(""), WithType("at+jwt"), WithAlgorithm("ES256"))
			if err != nil {
				t.Fatal(err)
			}
			in, err := e.Inspect(ctx, tok)
			if err != nil || in.Header.KeyID != "" || in.Header.Type != "at+jwt" {
				t.Errorf("signed without a kid, with typ at+jwt: %v, %+v", err, in)
			}
		})
	}
}

func wantOptionError(t *testing.T, err error, msg string) {
	t.Helper()
	if !errors.Is(err, core.CodeInvalidArgument) || !strings.Contains(err.Error(), msg) {
		t.Errorf("got %v, want invalid_argument saying %q", err, msg)
	}
}
