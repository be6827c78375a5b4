package host

import (
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// pruneAfter is how long another build's cache directory must have gone
// unused before moduleCacheDir removes it: two versions of a program may
// run side by side, and one must not delete the files the other is
// writing.
const pruneAfter = 24 * time.Hour

// moduleCacheDir returns the cache directory for module under root, marks
// it used now, and removes those of other builds unused for pruneAfter.
// The name needs only to tell builds apart cheaply (wazero keys its own
// files by a hash of the module); a CRC of the 8 MB module takes about a
// millisecond.
func moduleCacheDir(root string, module []byte) string {
	name := fmt.Sprintf("module-%d-%08x", len(module), crc32.ChecksumIEEE(module))
	dir := filepath.Join(root, name)
	now := time.Now()
	if os.MkdirAll(dir, 0o700) == nil {
		_ = os.Chtimes(dir, now, now)
	}
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			if e.IsDir() && strings.HasPrefix(e.Name(), "wazero-") {
				// wazero's own directory straight under root: the layout of
				// builds before per-module directories, never read again.
				os.RemoveAll(filepath.Join(root, e.Name()))
				continue
			}
			if !e.IsDir() || !strings.HasPrefix(e.Name(), "module-") || e.Name() == name {
				continue
			}
			if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > pruneAfter {
				os.RemoveAll(filepath.Join(root, e.Name()))
			}
		}
	}
	return dir
}
