package host

import (
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
)

// moduleCacheDir returns the cache directory for module under root and
// removes those of other builds. The name needs only to tell builds apart
// cheaply (wazero keys its own files by a hash of the module); a CRC of
// the 8 MB module takes about a millisecond.
func moduleCacheDir(root string, module []byte) string {
	name := fmt.Sprintf("module-%d-%08x", len(module), crc32.ChecksumIEEE(module))
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			if e.IsDir() && strings.HasPrefix(e.Name(), "module-") && e.Name() != name {
				os.RemoveAll(filepath.Join(root, e.Name()))
			}
		}
	}
	return filepath.Join(root, name)
}
