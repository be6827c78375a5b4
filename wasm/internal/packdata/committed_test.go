package main

import (
	"bytes"
	"os"
	"testing"
)

// TestCommittedModuleIsPacked checks that the committed verify-only module
// went through packdata: packing it again changes nothing.
func TestCommittedModuleIsPacked(t *testing.T) {
	for _, name := range []string{"jwtwasm-verify.wasm"} {
		m, err := os.ReadFile("../../blob/" + name)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pack(m, MaxGap)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(out, m) {
			t.Errorf("%s is not packed: run scripts/build-wasm.sh", name)
		}
		if n := len(segmentsOf(t, m)); n > 100 {
			t.Errorf("%s has %d data segments: packed, it has a handful", name, n)
		}
	}
}
