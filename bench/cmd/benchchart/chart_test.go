package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// TestRenderSVG draws the sample's Verify results the way the command
// does and checks that the file is well-formed XML naming every impl and
// the machine.
func TestRenderSVG(t *testing.T) {
	out := filepath.Join(t.TempDir(), "chart.svg")
	if err := run("Verify", out, "", vg.Points(960), vg.Points(480), []string{"testdata/sample.txt"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	dec := xml.NewDecoder(bytes.NewReader(data))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", out, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			texts = append(texts, string(tok))
		}
	}
	if root != "svg" {
		t.Errorf("root element %q, want svg", root)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"stdlib", "core", "wasm", "wasm-interp", "jwx", "node-jose", "node-wasm",
		"RS256", "ES256", "jwtwasm Verify: operations per second", "Oxide Virtual Turin-like Processor (AMD EPYC), 2 CPUs", "operations per second (log scale"} {
		if !strings.Contains(all, want) {
			t.Errorf("the SVG's text has no %q", want)
		}
	}
}

// TestRenderOps draws every op of the sample, in every format the command
// offers, to catch a layout that panics (a log axis refuses zero).
func TestRenderOps(t *testing.T) {
	d, err := ReadFiles("testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range d.Ops() {
		tab, err := d.Table(op)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"svg", "png", "pdf"} {
			var buf bytes.Buffer
			if err := (Chart{Width: vg.Points(640), Height: vg.Points(320), Title: op}).Render(&buf, tab, format); err != nil {
				t.Errorf("%s as %s: %v", op, format, err)
			} else if buf.Len() < 1000 {
				t.Errorf("%s as %s: only %d bytes", op, format, buf.Len())
			}
		}
	}
	if err := run("Verify", filepath.Join(t.TempDir(), "chart"), "", 100, 100, []string{"testdata/sample.txt"}); err == nil {
		t.Error("an output file without an extension: no error")
	}
}

func TestHumanize(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{0.5, "0.5"}, {1, "1"}, {2.5, "2.5"}, {12.34, "12.3"}, {999, "999"}, {999.6, "1k"},
		{1000, "1k"}, {12345, "12.3k"}, {29411.7, "29.4k"}, {100000, "100k"}, {1.5e6, "1.5M"}, {3e9, "3G"},
	} {
		if got := humanize(tc.x); got != tc.want {
			t.Errorf("humanize(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}
