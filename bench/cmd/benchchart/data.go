package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// A cell is one bar of the chart: the samples of one implementation of one
// operation under one setting of the other sub-benchmark keys.
type cell struct {
	Op    string // "Verify" for BenchmarkVerify/...
	Group string // the sub-name keys other than impl, e.g. "alg=RS256"; "" if none
	Impl  string // the impl= key; "" if none
	Procs int    // GOMAXPROCS, from the name's -N suffix; 1 without one
}

// Data is what was read from benchmark files: every time-per-op sample,
// grouped by cell.
type Data struct {
	samples map[cell][]float64 // ns/op
	cells   []cell             // in the order first seen
	config  map[string]map[string]string
}

func newData() *Data {
	return &Data{samples: map[cell][]float64{}, config: map[string]map[string]string{}}
}

// ReadFiles reads benchfmt files. Lines that are not results are skipped as
// benchstat skips them; a malformed Benchmark line is an error.
func ReadFiles(paths ...string) (*Data, error) {
	d := newData()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		err = d.read(f, p)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// read adds the results of one benchfmt stream to d.
func (d *Data) read(r io.Reader, name string) error {
	br := benchfmt.NewReader(r, name)
	var errs []error
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			errs = append(errs, rec)
		case *benchfmt.Result:
			sec, ok := rec.Value("sec/op")
			if !ok {
				continue // a result with other units only (sizes, say)
			}
			c, err := parseName(rec.Name)
			if err != nil {
				file, line := rec.Pos()
				errs = append(errs, fmt.Errorf("%s:%d: %w", file, line, err))
				continue
			}
			if _, seen := d.samples[c]; !seen {
				d.cells = append(d.cells, c)
			}
			d.samples[c] = append(d.samples[c], sec*1e9)
			if _, seen := d.config[c.Op]; !seen {
				cfg := map[string]string{}
				for _, kv := range rec.Config {
					if kv.File {
						cfg[kv.Key] = string(kv.Value)
					}
				}
				d.config[c.Op] = cfg
			}
		}
	}
	if err := br.Err(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// parseName splits a benchmark name such as
// "BenchmarkVerify/alg=RS256/impl=core-2" into its cell.
func parseName(n benchfmt.Name) (cell, error) {
	base, parts := n.Parts()
	c := cell{Op: strings.TrimPrefix(string(base), "Benchmark"), Procs: 1}
	var group []string
	for _, p := range parts {
		switch p[0] {
		case '-':
			procs, err := strconv.Atoi(string(p[1:]))
			if err != nil || procs < 1 {
				return cell{}, fmt.Errorf("benchmark %s: bad GOMAXPROCS suffix %q", n, p)
			}
			c.Procs = procs
		case '/':
			kv := string(p[1:])
			if impl, ok := strings.CutPrefix(kv, "impl="); ok {
				c.Impl = impl
			} else {
				group = append(group, kv)
			}
		}
	}
	c.Group = strings.Join(group, "/")
	return c, nil
}

// Ops returns the operations read, in the order first seen.
func (d *Data) Ops() []string {
	var ops []string
	for _, c := range d.cells {
		if !slices.Contains(ops, c.Op) {
			ops = append(ops, c.Op)
		}
	}
	return ops
}

// Table is one operation's medians, ready to draw: Groups are the bar
// groups along the X axis (algorithms, usually), Impls the bars in each
// group, NsPerOp[impl][group] the median time per op (NaN where that impl
// has no result for that group).
type Table struct {
	Op      string
	Groups  []string
	Impls   []string
	NsPerOp [][]float64
	Samples [][]int // how many samples each median is of
	// GroupLabel names what the groups are: "algorithm" when every one is
	// an alg= key, "" otherwise (the groups then read "cache=dir", ...).
	GroupLabel string
	Machine    string // the machine the results came from, from the file's config lines
}

// Table aggregates the samples of op: per group and impl, the median time
// per op. When op ran with several GOMAXPROCS values (VerifyParallel with
// -cpu 1,2), each value is a group of its own.
func (d *Data) Table(op string) (*Table, error) {
	t := &Table{Op: op, Machine: machine(d.config[op])}
	var procs []int
	for _, c := range d.cells {
		if c.Op == op && !slices.Contains(procs, c.Procs) {
			procs = append(procs, c.Procs)
		}
	}
	if len(procs) == 0 {
		return nil, fmt.Errorf("no Benchmark%s results with ns/op (ops read: %s)", op, strings.Join(d.Ops(), ", "))
	}
	groupOf := func(c cell) string {
		g := strings.TrimPrefix(c.Group, "alg=")
		if len(procs) > 1 {
			cpus := "CPUs"
			if c.Procs == 1 {
				cpus = "CPU"
			}
			g = strings.TrimSpace(fmt.Sprintf("%s\n%d %s", g, c.Procs, cpus))
		}
		return g
	}
	t.GroupLabel = "algorithm"
	for _, c := range d.cells {
		if c.Op != op {
			continue
		}
		if !strings.HasPrefix(c.Group, "alg=") || strings.Contains(c.Group, "/") {
			t.GroupLabel = ""
		}
		if g := groupOf(c); !slices.Contains(t.Groups, g) {
			t.Groups = append(t.Groups, g)
		}
		if !slices.Contains(t.Impls, c.Impl) {
			t.Impls = append(t.Impls, c.Impl)
		}
	}
	t.NsPerOp = make([][]float64, len(t.Impls))
	t.Samples = make([][]int, len(t.Impls))
	for i := range t.Impls {
		t.NsPerOp[i] = make([]float64, len(t.Groups))
		t.Samples[i] = make([]int, len(t.Groups))
		for g := range t.Groups {
			t.NsPerOp[i][g] = math.NaN()
		}
	}
	for _, c := range d.cells {
		if c.Op != op {
			continue
		}
		i := slices.Index(t.Impls, c.Impl)
		g := slices.Index(t.Groups, groupOf(c))
		t.NsPerOp[i][g] = median(d.samples[c])
		t.Samples[i][g] = len(d.samples[c])
	}
	return t, nil
}

// median returns the median of xs (which it sorts); NaN for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// machine names the machine from benchfmt config lines: the CPU, its
// count, the platform and the runtimes (go test writes cpu, goos and
// goarch; scripts/bench.sh adds cpu-model, the kernel's name for the CPU,
// nproc, go and node).
func machine(cfg map[string]string) string {
	var b bytes.Buffer
	add := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	cpu, model := strings.TrimSpace(cfg["cpu"]), strings.TrimSpace(cfg["cpu-model"])
	switch {
	case cpu == "":
		add(model)
	case model != "" && model != cpu:
		add(cpu + " (" + model + ")")
	default:
		add(cpu)
	}
	if n := cfg["nproc"]; n != "" {
		if n == "1" {
			add("1 CPU")
		} else {
			add(n + " CPUs")
		}
	}
	if cfg["goos"] != "" && cfg["goarch"] != "" {
		add(cfg["goos"] + "/" + cfg["goarch"])
	}
	add(cfg["go"])
	if v := cfg["node"]; v != "" {
		add("Node " + v)
	}
	return b.String()
}
