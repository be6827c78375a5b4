// Command wasmsize says where the bytes of a Go-built WebAssembly module go:
// code per Go package (from the module's name section), data, and the other
// sections, each with its share of the whole and of the gzip-compressed
// size. It is the size profile behind the module-size target of the bench
// suite:
//
//	scripts/build-wasm.sh --names /tmp/m.wasm
//	go run ./bench/cmd/wasmsize [-top 30] /tmp/m.wasm
//
// (scripts/bench.sh --size does both.) The module must keep its name
// section, which is what maps code to packages: the committed, stripped
// module has none. Compressed shares are estimated per package by compressing
// that package's function bodies alone, so they add up to more than the
// compressed whole; they rank packages, they do not partition the file.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

func main() {
	top := flag.Int("top", 30, "packages to list")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-top N] module.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err == nil {
		err = report(os.Stdout, data, *top)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

// module is what report needs of a parsed module.
type module struct {
	sections map[string]int // section name -> bytes
	imports  int            // imported functions, which precede defined ones
	bodies   [][]byte       // defined function bodies, in index order
	names    map[int]string // function index -> name
}

func report(w io.Writer, data []byte, top int) error {
	m, err := parse(data)
	if err != nil {
		return err
	}
	if len(m.names) == 0 {
		return errors.New("the module has no function names: build it without -ldflags=-s")
	}
	type pkg struct {
		name       string
		code, gzip int
		bodies     [][]byte
	}
	byPkg := map[string]*pkg{}
	for i, body := range m.bodies {
		name := packageOf(m.names[m.imports+i])
		p := byPkg[name]
		if p == nil {
			p = &pkg{name: name}
			byPkg[name] = p
		}
		p.code += len(body)
		p.bodies = append(p.bodies, body)
	}
	list := make([]*pkg, 0, len(byPkg))
	for _, p := range byPkg {
		p.gzip = gzipSize(bytes.Join(p.bodies, nil))
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].code > list[j].code })

	total, totalGzip := len(data), gzipSize(data)
	fmt.Fprintf(w, "module: %d bytes, %d gzip -9\n\n", total, totalGzip)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "section\tbytes\tshare\t")
	names := make([]string, 0, len(m.sections))
	for name := range m.sections {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return m.sections[names[i]] > m.sections[names[j]] })
	for _, name := range names {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t\n", name, m.sections[name], 100*float64(m.sections[name])/float64(total))
	}
	tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "package\tcode bytes\tshare of code\tgzip alone\t")
	code := m.sections["code"]
	for i, p := range list {
		if i == top {
			break
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%d\t\n", p.name, p.code, 100*float64(p.code)/float64(code), p.gzip)
	}
	return tw.Flush()
}

// packageOf returns the Go package of a function symbol as the linker
// writes it in the name section, with "/" turned into "_":
// "crypto_internal_fips140_bigmod.(*Nat).Exp", "main.main",
// "github.com_lestrrat_go_jwx_v2_jwk.ParseKey" (dashes too). A leading element with a
// dot in it is a module's domain, not the end of the package path.
func packageOf(symbol string) string {
	if symbol == "" {
		return "(unnamed)"
	}
	if rest, ok := strings.CutPrefix(symbol, "vendor_"); ok {
		return "vendor_" + packageOf(rest)
	}
	from := 0
	if dot, us := strings.IndexByte(symbol, '.'), strings.IndexByte(symbol, '_'); dot >= 0 && us > dot && domainEnds[symbol[dot+1:us]] {
		from = us
	}
	if dot := strings.IndexByte(symbol[from:], '.'); dot >= 0 {
		return symbol[:from+dot]
	}
	return symbol
}

// domainEnds are the top-level domains of module paths: "github.com_x"
// starts a module path, "fmt.__pp_" and "runtime.gc_x" do not.
var domainEnds = map[string]bool{"com": true, "org": true, "net": true, "io": true, "in": true, "dev": true}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Len()
}

var sectionNames = map[byte]string{
	1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount",
}

// parse reads the sections of a WebAssembly binary (format version 1).
func parse(data []byte) (*module, error) {
	if len(data) < 8 || !bytes.Equal(data[:8], []byte("\x00asm\x01\x00\x00\x00")) {
		return nil, errors.New("not a WebAssembly module (version 1)")
	}
	m := &module{sections: map[string]int{}, names: map[int]string{}}
	r := &reader{b: data[8:]}
	for r.len() > 0 {
		id := r.byte()
		size := r.uint()
		body := r.bytes(size)
		if r.err != nil {
			return nil, fmt.Errorf("section %d: %w", id, r.err)
		}
		name := sectionNames[id]
		s := &reader{b: body}
		switch id {
		case 0:
			name = "custom " + s.name()
			if name == "custom name" {
				m.readNames(s)
			}
		case 2:
			m.readImports(s)
		case 10:
			for n := s.uint(); n > 0 && s.err == nil; n-- {
				m.bodies = append(m.bodies, s.bytes(s.uint()))
			}
		}
		if s.err != nil {
			return nil, fmt.Errorf("section %s: %w", name, s.err)
		}
		m.sections[name] += int(size)
	}
	return m, nil
}

func (m *module) readImports(s *reader) {
	for n := s.uint(); n > 0 && s.err == nil; n-- {
		s.name() // module
		s.name() // field
		switch kind := s.byte(); kind {
		case 0: // function: a type index
			s.uint()
			m.imports++
		case 1: // table: reftype, limits
			s.byte()
			s.limits()
		case 2: // memory: limits
			s.limits()
		case 3: // global: valtype, mutability
			s.byte()
			s.byte()
		default:
			s.err = fmt.Errorf("import kind %d", kind)
		}
	}
}

// readNames reads the function names subsection (1) of the name section.
func (m *module) readNames(s *reader) {
	for s.len() > 0 && s.err == nil {
		id := s.byte()
		sub := &reader{b: s.bytes(s.uint())}
		if id != 1 {
			continue
		}
		for n := sub.uint(); n > 0 && sub.err == nil; n-- {
			idx := sub.uint()
			m.names[int(idx)] = sub.name()
		}
		s.err = sub.err
	}
}

// reader decodes the LEB128 integers and vectors of the binary format; the
// first error sticks and later reads return zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) len() int { return len(r.b) }

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

func (r *reader) name() string { return string(r.bytes(r.uint())) }

func (r *reader) limits() {
	if r.byte()&1 != 0 {
		r.uint()
	}
	r.uint()
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = io.ErrUnexpectedEOF
	}
}
