package main

import (
	"math"
	"slices"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want cell
	}{
		{"BenchmarkVerify/alg=RS256/impl=core-2", cell{Op: "Verify", Group: "alg=RS256", Impl: "core", Procs: 2}},
		{"BenchmarkVerify/alg=RS256-4096/impl=wasm-stdlib-16", cell{Op: "Verify", Group: "alg=RS256-4096", Impl: "wasm-stdlib", Procs: 16}},
		{"BenchmarkVerifyParallel/alg=ES256/impl=wasm", cell{Op: "VerifyParallel", Group: "alg=ES256", Impl: "wasm", Procs: 1}},
		{"BenchmarkCompile/cache=none/impl=wasm-2", cell{Op: "Compile", Group: "cache=none", Impl: "wasm", Procs: 2}},
		{"BenchmarkInstantiate/impl=wasm", cell{Op: "Instantiate", Impl: "wasm", Procs: 1}},
		{"BenchmarkX/impl=a/alg=EdDSA/size=big", cell{Op: "X", Group: "alg=EdDSA/size=big", Impl: "a", Procs: 1}},
		{"BenchmarkPlain-8", cell{Op: "Plain", Procs: 8}},
		// A name ending in digits after a dash that is part of a value:
		// testing appends -N only for GOMAXPROCS > 1, so read it as Go does.
		{"BenchmarkVerify/alg=RS256-4096/impl=core", cell{Op: "Verify", Group: "alg=RS256-4096", Impl: "core", Procs: 1}},
	} {
		got, err := parseName(benchfmt.Name(tc.name))
		if err != nil {
			t.Errorf("parseName(%q): %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("parseName(%q) = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{10, 10, 10, 1000}, 10},
	} {
		if got := median(slices.Clone(tc.xs)); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
	if got := median(nil); !math.IsNaN(got) {
		t.Errorf("median(nil) = %v, want NaN", got)
	}
}

func TestTable(t *testing.T) {
	d, err := ReadFiles("testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Ops(), []string{"Verify", "Sign", "VerifyParallel", "Compile"}; !slices.Equal(got, want) {
		t.Errorf("Ops() = %q, want %q (ModuleSize has no ns/op)", got, want)
	}
	nan := math.NaN()
	for _, tc := range []struct {
		op         string
		groups     []string
		impls      []string
		ns         [][]float64
		samples    int // of every present median
		groupLabel string
	}{
		{
			op:     "Verify",
			groups: []string{"RS256", "ES256"},
			impls:  []string{"stdlib", "core", "wasm", "wasm-interp", "jwx", "node-jose", "node-wasm"},
			ns: [][]float64{
				{34680, 89760}, // the middle of 1, 1.02, 1.04 × the base
				{36720, 91800},
				{316200, 1224000},
				{9180000, nan}, // wasm-interp ran for RS256 only
				{63240, 96900},
				{78000, 121000},
				{161000, nan},
			},
			samples:    3,
			groupLabel: "algorithm",
		},
		{
			op:         "Sign",
			groups:     []string{"RS256", "ES256"},
			impls:      []string{"core"},
			ns:         [][]float64{{1500001, 30001}},
			samples:    3,
			groupLabel: "algorithm",
		},
		{
			// -cpu 1,2: one group per GOMAXPROCS.
			op:         "VerifyParallel",
			groups:     []string{"RS256\n1 CPU", "RS256\n2 CPUs"},
			impls:      []string{"core", "wasm"},
			ns:         [][]float64{{36001, 18001}, {320001, 160001}},
			samples:    3,
			groupLabel: "algorithm",
		},
		{
			op:      "Compile",
			groups:  []string{"cache=none", "cache=dir"},
			impls:   []string{"wasm"},
			ns:      [][]float64{{2.5e9, 2.2e8}},
			samples: 1,
		},
	} {
		tab, err := d.Table(tc.op)
		if err != nil {
			t.Errorf("Table(%s): %v", tc.op, err)
			continue
		}
		if !slices.Equal(tab.Groups, tc.groups) || !slices.Equal(tab.Impls, tc.impls) {
			t.Errorf("Table(%s): groups %q impls %q, want %q %q", tc.op, tab.Groups, tab.Impls, tc.groups, tc.impls)
			continue
		}
		if tab.GroupLabel != tc.groupLabel {
			t.Errorf("Table(%s).GroupLabel = %q, want %q", tc.op, tab.GroupLabel, tc.groupLabel)
		}
		for i := range tc.impls {
			for g := range tc.groups {
				got, want := tab.NsPerOp[i][g], tc.ns[i][g]
				if math.IsNaN(want) {
					if !math.IsNaN(got) || tab.Samples[i][g] != 0 {
						t.Errorf("Table(%s) %s %s = %v (%d samples), want none", tc.op, tc.impls[i], tc.groups[g], got, tab.Samples[i][g])
					}
					continue
				}
				if math.Abs(got-want) > want*1e-9 || tab.Samples[i][g] != tc.samples {
					t.Errorf("Table(%s) %s %s = %v ns/op of %d samples, want %v of %d", tc.op, tc.impls[i], tc.groups[g], got, tab.Samples[i][g], want, tc.samples)
				}
			}
		}
		if want := "Oxide Virtual Turin-like Processor (AMD EPYC), 2 CPUs, linux/amd64, go1.26.8, Node v20.20.2"; tab.Machine != want {
			t.Errorf("Table(%s).Machine = %q, want %q", tc.op, tab.Machine, want)
		}
	}
	if _, err := d.Table("KeyGen"); err == nil || !strings.Contains(err.Error(), "Verify, Sign") {
		t.Errorf("Table(KeyGen) = %v, want an error naming the ops there are", err)
	}
}

// TestReadSeveral pools the samples of several files, as benchstat does
// for one column, and reports a malformed result line.
func TestReadSeveral(t *testing.T) {
	d := newData()
	for i, text := range []string{
		"cpu: X\nBenchmarkVerify/alg=ES256/impl=core-2 \t 10 \t 100 ns/op\nBenchmarkVerify/alg=ES256/impl=core-2 \t 10 \t 300 ns/op\n",
		"BenchmarkVerify/alg=ES256/impl=core-2 \t 10 \t 200 ns/op\nPASS\nok  \tx\t1s\n",
	} {
		if err := d.read(strings.NewReader(text), "f"+string(rune('1'+i))); err != nil {
			t.Fatal(err)
		}
	}
	tab, err := d.Table("Verify")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(tab.NsPerOp[0][0]-200) > 1e-6 || tab.Samples[0][0] != 3 {
		t.Errorf("median %v of %d samples, want 200 of 3", tab.NsPerOp[0][0], tab.Samples[0][0])
	}
	if tab.Machine != "X" {
		t.Errorf("Machine = %q, want %q", tab.Machine, "X")
	}

	err = newData().read(strings.NewReader("BenchmarkVerify/alg=ES256/impl=core-2 \t ten \t 200 ns/op\n"), "bad.txt")
	if err == nil || !strings.Contains(err.Error(), "bad.txt:1") {
		t.Errorf("a malformed line: error %v, want one naming bad.txt:1", err)
	}
}

func TestMachine(t *testing.T) {
	for _, tc := range []struct {
		cfg  map[string]string
		want string
	}{
		{nil, ""},
		{map[string]string{"cpu": "AMD EPYC 7B13  ", "cpu-model": "AMD EPYC 7B13", "nproc": "1"}, "AMD EPYC 7B13, 1 CPU"},
		{map[string]string{"cpu-model": "AMD EPYC", "goos": "linux", "goarch": "arm64"}, "AMD EPYC, linux/arm64"},
		{map[string]string{"cpu": "Intel Xeon", "cpu-model": "Xeon", "nproc": "8", "go": "go1.26.8"}, "Intel Xeon (Xeon), 8 CPUs, go1.26.8"},
		{map[string]string{"goos": "linux", "node": "v20.20.2"}, "Node v20.20.2"},
	} {
		if got := machine(tc.cfg); got != tc.want {
			t.Errorf("machine(%v) = %q, want %q", tc.cfg, got, tc.want)
		}
	}
}
