package testkit

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// outcome records what a helper did to the test it was given.
type outcome struct {
	testing.TB
	fatal, skip string
}

func (o *outcome) Helper() {}

func (o *outcome) Fatalf(format string, args ...any) {
	o.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (o *outcome) Skipf(format string, args ...any) {
	o.skip = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run runs f on its own goroutine, as the testing package runs a test, so
// that Fatalf and Skipf can end it, and reports what f did.
func run(t *testing.T, f func(testing.TB)) *outcome {
	o := &outcome{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(o)
	}()
	<-done
	return o
}

func lookup(t *testing.T) (dir string, o *outcome) {
	o = run(t, func(tb testing.TB) { dir = WycheproofDir(tb) })
	return dir, o
}

func TestWycheproofDirMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "wycheproof")
	t.Setenv(EnvWycheproofDir, missing)

	t.Run("CI set: fails", func(t *testing.T) {
		t.Setenv("CI", "true")
		_, o := lookup(t)
		if o.fatal == "" || o.skip != "" {
			t.Fatalf("with CI set and no vectors: fatal %q, skip %q; want a failure", o.fatal, o.skip)
		}
		if !strings.Contains(o.fatal, missing) {
			t.Errorf("the failure %q does not name %s", o.fatal, missing)
		}
	})
	t.Run("CI unset: skips", func(t *testing.T) {
		t.Setenv("CI", "")
		_, o := lookup(t)
		if o.skip == "" || o.fatal != "" {
			t.Fatalf("without CI and no vectors: fatal %q, skip %q; want a skip", o.fatal, o.skip)
		}
		if !strings.Contains(o.skip, missing) {
			t.Errorf("the skip %q does not name %s", o.skip, missing)
		}
	})
}

func TestWycheproofDirFound(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvWycheproofDir, dir)
	t.Setenv("CI", "true")
	got, o := lookup(t)
	if got != dir || o.fatal != "" || o.skip != "" {
		t.Fatalf("WycheproofDir = %q (fatal %q, skip %q), want %q", got, o.fatal, o.skip, dir)
	}
}

// TestWycheproofDirDefault checks the default: shared/testdata/wycheproof
// beside the module's root, whichever package directory a test runs in.
func TestWycheproofDirDefault(t *testing.T) {
	t.Setenv(EnvWycheproofDir, "")
	dir, _ := wycheproofDir()
	want, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "shared", "testdata", "wycheproof"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Clean(dir) != want {
		t.Errorf("default directory %s, want %s", dir, want)
	}
}

func TestFlipSignatureBit(t *testing.T) {
	const token = "eyJhbGciOiJIUzI1NiJ9.e30.AAECAwQF" // signature 00 01 02 03 04 05
	for _, tc := range []struct {
		i    int
		want string
	}{
		{0, "eyJhbGciOiJIUzI1NiJ9.e30.AQECAwQF"},
		{6, "eyJhbGciOiJIUzI1NiJ9.e30.AQECAwQF"},  // modulo the length
		{-1, "eyJhbGciOiJIUzI1NiJ9.e30.AAECAwQE"}, // from the end
	} {
		if got := FlipSignatureBit(t, token, tc.i); got != tc.want {
			t.Errorf("FlipSignatureBit(%d) = %s, want %s", tc.i, got, tc.want)
		}
	}
	if o := run(t, func(tb testing.TB) { FlipSignatureBit(tb, "a.b.", 0) }); o.fatal == "" {
		t.Error("FlipSignatureBit on a token without a signature did not fail")
	}
}
