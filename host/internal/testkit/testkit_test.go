package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSameAsCore holds this copy to core/internal/testkit/testkit.go, word
// for word: the package doc says why there are two. Change that file, then
// copy it here.
func TestSameAsCore(t *testing.T) {
	ours, err := os.ReadFile("testkit.go")
	if err != nil {
		t.Fatal(err)
	}
	core, err := os.ReadFile(filepath.Join("..", "..", "..", "core", "internal", "testkit", "testkit.go"))
	if err != nil {
		t.Fatal(err)
	}
	if string(ours) != string(core) {
		t.Error("host/internal/testkit/testkit.go differs from core/internal/testkit/testkit.go: copy core's over this one (core's tests cover it)")
	}
}
