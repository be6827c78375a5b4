package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/help-*.golden from the current output")

// TestHelpGolden compares each command's help, byte for byte, with
// testdata/help-<command>.golden. After changing a flag or a help text,
// run "go test -run TestHelpGolden -update" and review the diff.
func TestHelpGolden(t *testing.T) {
	t.Parallel()
	cases := append([][]string{{}}, helpCommands...)
	for _, cmd := range cases {
		name := "jwtwasm"
		if len(cmd) > 0 {
			name = strings.Join(cmd, "-")
		}
		golden := filepath.Join("testdata", "help-"+name+".golden")
		t.Run(name, func(t *testing.T) {
			var r result
			if len(cmd) == 0 {
				r = jw(t, "", "help")
			} else {
				r = jw(t, "", append(append([]string{}, cmd...), "--help")...)
			}
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("%v", r)
			}
			if *update {
				if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal([]byte(r.stdout), want) {
				t.Errorf("help differs from %s (run with -update to accept):\n--- got:\n%s\n--- want:\n%s", golden, r.stdout, want)
			}
		})
	}
}
