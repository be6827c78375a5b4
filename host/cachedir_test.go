package host

import (
	"os"
	"path/filepath"
	"testing"
)

// TestModuleCacheDir checks that each build of the module gets its own
// cache directory and that starting one removes what other builds left.
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
	cur := moduleCacheDir(root, []byte("this module"))
	if cur == old {
		t.Fatalf("two modules share cache directory %s", cur)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the older module's cache survived: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a directory that is not a module cache was removed: %v", err)
	}
	if again := moduleCacheDir(root, []byte("this module")); again != cur {
		t.Errorf("the same module moved from %s to %s", cur, again)
	}
}
