package host

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/wasm/blob"
)

// TestModuleCacheDir checks that each build of the module gets its own
// cache directory and that starting one removes what other builds left
// unused for pruneAfter, and only that.
func TestModuleCacheDir(t *testing.T) {
	root := t.TempDir()
	old := moduleCacheDir(root, []byte("an older module"))
	if err := os.MkdirAll(filepath.Join(old, "wazero-v1"), 0o700); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(root, "not-ours")
	if err := os.Mkdir(keep, 0o700); err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(root, "wazero-v1.12.0-amd64-linux") // before per-module directories
	if err := os.MkdirAll(filepath.Join(legacy, "0123abcd"), 0o700); err != nil {
		t.Fatal(err)
	}
	cur := moduleCacheDir(root, []byte("this module"))
	if cur == old {
		t.Fatalf("two modules share cache directory %s", cur)
	}
	// Another build's directory in recent use stays: a second version of
	// the program may be writing to it.
	if _, err := os.Stat(old); err != nil {
		t.Errorf("a recently used cache of another build was removed: %v", err)
	}
	stale := time.Now().Add(-pruneAfter - time.Minute)
	if err := os.Chtimes(old, stale, stale); err != nil {
		t.Fatal(err)
	}
	moduleCacheDir(root, []byte("this module"))
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the older module's cache survived %v unused: %v", pruneAfter, err)
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Errorf("wazero's directory of the old layout survived: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a directory that is not a module cache was removed: %v", err)
	}
	if again := moduleCacheDir(root, []byte("this module")); again != cur {
		t.Errorf("the same module moved from %s to %s", cur, again)
	}
}

// TestBrokenCacheDir checks that New still starts when the cache directory
// fails: wazero's own subdirectory has become a file (the cache cannot be
// opened), or its entries have become directories (opened, but reading and
// writing fail).
func TestBrokenCacheDir(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the module four times")
	}
	ctx := context.Background()
	f := newFixture(t, "ec-p256.pem", "")
	for _, breakage := range []string{"subdirectory is a file", "entries are directories"} {
		t.Run(breakage, func(t *testing.T) {
			root := t.TempDir()
			rt, err := New(ctx, WithCompilationCacheDir(root))
			if err != nil {
				t.Fatal(err)
			}
			rt.Close(ctx)
			dir := moduleCacheDir(root, blob.Module)
			subdirs, err := os.ReadDir(dir)
			if err != nil || len(subdirs) == 0 {
				t.Fatalf("wazero wrote nothing in %s: %v", dir, err)
			}
			for _, sub := range subdirs {
				path := filepath.Join(dir, sub.Name())
				if breakage == "subdirectory is a file" {
					replace(t, path, func() error { return os.WriteFile(path, []byte("not a directory"), 0o600) })
					continue
				}
				entries, _ := os.ReadDir(path)
				for _, e := range entries {
					p := filepath.Join(path, e.Name())
					replace(t, p, func() error { return os.Mkdir(p, 0o700) })
				}
			}
			rt, err = New(ctx, WithCompilationCacheDir(root))
			if err != nil {
				t.Fatalf("New with a broken cache directory: %v", err)
			}
			defer rt.Close(ctx)
			v, err := rt.NewVerifier(ctx, f.jwks, core.Policy{Algorithms: []string{"ES256"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.VerifyAt(ctx, f.token, testNow); err != nil {
				t.Error(err)
			}
		})
	}
}

// replace removes path and makes something else there.
func replace(t *testing.T, path string, make func() error) {
	t.Helper()
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	if err := make(); err != nil {
		t.Fatal(err)
	}
}
