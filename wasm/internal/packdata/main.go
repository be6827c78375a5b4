// Command packdata rewrites the data section of a WebAssembly module built
// by Go so that it compresses better, without changing what the module
// does:
//
//	go run ./wasm/internal/packdata IN OUT
//
// Go's linker cuts the data section at every run of eight or more zero
// bytes, so a module holds tens of thousands of small active segments
// (the verify-only module: 59,109), each with a header of 6 to 9 bytes
// whose varying memory offset gzip cannot squeeze. packdata joins two
// neighbouring segments whenever the zero bytes between them number at
// most MaxGap, writing the zeros out. Memory is zero when a module is
// instantiated, so the memory image after the data segments are applied
// is the same byte for byte; the other sections are copied as they are.
// For the verify-only module this takes about 100 KB off the gzip size
// and adds about 580 KB of zeros to the raw size: the trade suits a module
// that is downloaded compressed. scripts/build-wasm.sh runs it on the
// verify-only module; the output is a function of the input alone, so
// builds stay reproducible.
//
// It reads only what Go's linker writes: active segments for memory 0
// (flag 0) at an i32.const offset, none overlapping another. Anything else
// is an error, and the module is left alone. It writes the segments in
// order of address.
package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
)

// MaxGap is the longest run of zeros joined into a segment. Most of the
// gain comes from runs of 17 to 32 bytes; past 64 it is a few hundred
// bytes, and the zeros cost raw size for nothing.
const MaxGap = 64

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: packdata IN.wasm OUT.wasm")
		os.Exit(2)
	}
	in, err := os.ReadFile(os.Args[1])
	if err == nil {
		var out []byte
		if out, err = pack(in, MaxGap); err == nil {
			err = os.WriteFile(os.Args[2], out, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "packdata:", err)
		os.Exit(1)
	}
}

const sectionData = 11

// segment is an active data segment: its bytes go to memory at addr.
type segment struct {
	addr uint32
	data []byte
}

// pack returns module with its data segments joined across gaps of at
// most maxGap zero bytes.
func pack(module []byte, maxGap int) ([]byte, error) {
	const header = "\x00asm\x01\x00\x00\x00"
	if len(module) < len(header) || string(module[:len(header)]) != header {
		return nil, errors.New("not a WebAssembly 1.0 binary module")
	}
	out := append([]byte(nil), module[:len(header)]...)
	r := reader{b: module[len(header):]}
	seen := false
	for len(r.b) > 0 {
		id := r.byte()
		size := r.u32()
		body := r.bytes(int(size))
		if r.err != nil {
			return nil, fmt.Errorf("section %d: %w", id, r.err)
		}
		if id == sectionData {
			if seen {
				return nil, errors.New("two data sections")
			}
			seen = true
			segs, err := readSegments(body)
			if err != nil {
				return nil, fmt.Errorf("data section: %w", err)
			}
			body = writeSegments(join(segs, maxGap))
		}
		out = append(out, id)
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	return out, nil
}

func readSegments(body []byte) ([]segment, error) {
	r := reader{b: body}
	n := r.u32()
	segs := make([]segment, 0, min(int(n), len(body)))
	for i := uint32(0); i < n && r.err == nil; i++ {
		if flag := r.u32(); flag != 0 {
			return nil, fmt.Errorf("segment %d: flag %d: only active segments of memory 0 are read", i, flag)
		}
		if op := r.byte(); op != 0x41 { // i32.const
			return nil, fmt.Errorf("segment %d: offset is not an i32.const", i)
		}
		addr := uint32(r.s32())
		if op := r.byte(); op != 0x0b { // end
			return nil, fmt.Errorf("segment %d: offset expression longer than one i32.const", i)
		}
		data := r.bytes(int(r.u32()))
		if r.err != nil {
			break
		}
		segs = append(segs, segment{addr, data})
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%d bytes after the last segment", len(r.b))
	}
	// Go writes each kind of data (read-only, pointer-free, ...) in
	// address order, but not the kinds themselves. Segments that do not
	// overlap give the same memory in any order; sorted, a gap between
	// neighbours holds no other segment's bytes.
	slices.SortStableFunc(segs, func(a, b segment) int { return cmp.Compare(a.addr, b.addr) })
	for i := 1; i < len(segs); i++ {
		if prev := segs[i-1]; uint64(prev.addr)+uint64(len(prev.data)) > uint64(segs[i].addr) {
			return nil, fmt.Errorf("segments at %#x and %#x overlap", prev.addr, segs[i].addr)
		}
	}
	return segs, nil
}

// join merges each segment into the one before it when at most maxGap
// bytes lie between them; those bytes become zeros in the segment.
func join(segs []segment, maxGap int) []segment {
	var out []segment
	for _, s := range segs {
		if n := len(out); n > 0 {
			last := &out[n-1]
			gap := int(s.addr) - int(last.addr) - len(last.data)
			if gap <= maxGap {
				last.data = append(last.data, make([]byte, gap)...)
				last.data = append(last.data, s.data...)
				continue
			}
		}
		out = append(out, segment{s.addr, append([]byte(nil), s.data...)})
	}
	return out
}

func writeSegments(segs []segment) []byte {
	out := appendU32(nil, uint32(len(segs)))
	for _, s := range segs {
		out = append(out, 0, 0x41) // active, memory 0; i32.const
		out = appendS32(out, int32(s.addr))
		out = append(out, 0x0b) // end
		out = appendU32(out, uint32(len(s.data)))
		out = append(out, s.data...)
	}
	return out
}

// reader reads the LEB128 encodings of a module; the first error sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = errors.New("truncated or malformed " + what)
	}
	r.b = nil
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.fail("byte")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.fail("bytes")
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

func (r *reader) u32() uint32 {
	var v uint64
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			if v > 1<<32-1 {
				r.fail("u32")
			}
			return uint32(v)
		}
	}
	r.fail("u32")
	return 0
}

func (r *reader) s32() int32 {
	var v int64
	shift := 0
	for shift < 35 {
		c := r.byte()
		v |= int64(c&0x7f) << shift
		shift += 7
		if c < 0x80 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			if v < -1<<31 || v > 1<<31-1 {
				r.fail("s32")
			}
			return int32(v)
		}
	}
	r.fail("s32")
	return 0
}

func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS32(b []byte, v int32) []byte {
	x := int64(v)
	for {
		c := byte(x & 0x7f)
		x >>= 7
		if x == 0 && c&0x40 == 0 || x == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
