// Command benchchart draws benchmark results as a bar chart: operations per
// second of every implementation, grouped by algorithm, on a log scale.
//
// Usage:
//
//	go run ./bench/cmd/benchchart [-op Verify] [-o chart.svg] results.txt...
//
// It reads Go benchmark format files (go test -bench output, with the
// Node comparison's lines appended, as scripts/bench.sh writes them) whose
// benchmarks are named Benchmark<Op>/alg=<ALG>/impl=<impl>, takes the
// median ns/op of each (Op, alg, impl) over all samples of all files, and
// draws the chosen op. The title names the machine from the files'
// configuration lines (cpu, nproc, goos, goarch, go, node). The output
// format follows the file name's extension: .svg, .png or .pdf.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
)

func main() {
	op := flag.String("op", "Verify", "the operation to draw: Benchmark<op>/...")
	out := flag.String("o", "chart.svg", "output `file`; its extension (.svg, .png, .pdf) picks the format")
	title := flag.String("title", "", "the title's first line (default: \"jwtwasm <op>: operations per second\")")
	width := flag.Float64("width", 960, "width in points")
	height := flag.Float64("height", 480, "height in points")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: benchchart [flags] results.txt...\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*op, *out, *title, vg.Points(*width), vg.Points(*height), flag.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "benchchart: %v\n", err)
		os.Exit(1)
	}
}

func run(op, out, title string, width, height vg.Length, files []string) error {
	d, err := ReadFiles(files...)
	if err != nil {
		return err
	}
	t, err := d.Table(op)
	if err != nil {
		return err
	}
	if title == "" {
		title = "jwtwasm " + op + ": operations per second"
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
	if format == "" {
		return fmt.Errorf("%s: no extension to tell the format by", out)
	}
	var buf bytes.Buffer
	ch := Chart{Width: width, Height: height, Title: title}
	if err := ch.Render(&buf, t, format); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
