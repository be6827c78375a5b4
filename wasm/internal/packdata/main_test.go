package main

import (
	"bytes"
	"maps"
	"strings"
	"testing"
)

// module lays out a module of a type section, a data section of segs and
// a custom section.
func module(segs []segment) []byte {
	section := func(id byte, body []byte) []byte {
		return append(appendU32([]byte{id}, uint32(len(body))), body...)
	}
	out := []byte("\x00asm\x01\x00\x00\x00")
	out = append(out, section(1, []byte{1, 0x60, 0, 0})...)
	out = append(out, section(sectionData, writeSegments(segs))...)
	return append(out, section(0, []byte("\x04name\x00"))...)
}

// segmentsOf returns a module's data segments.
func segmentsOf(t *testing.T, m []byte) []segment {
	t.Helper()
	r := reader{b: m[8:]}
	for len(r.b) > 0 {
		id, body := r.byte(), r.bytes(int(r.u32()))
		if r.err != nil {
			t.Fatal(r.err)
		}
		if id == sectionData {
			segs, err := readSegments(body)
			if err != nil {
				t.Fatal(err)
			}
			return segs
		}
	}
	t.Fatal("no data section")
	return nil
}

// image is the memory a module's data segments write, as its non-zero
// bytes by address (fresh memory is zero).
func image(t *testing.T, m []byte) (map[uint32]byte, int) {
	t.Helper()
	segs := segmentsOf(t, m)
	mem := map[uint32]byte{}
	for _, s := range segs {
		for i, c := range s.data {
			if c != 0 {
				mem[s.addr+uint32(i)] = c
			} else {
				delete(mem, s.addr+uint32(i))
			}
		}
	}
	return mem, len(segs)
}

func TestPackKeepsTheMemoryImage(t *testing.T) {
	segs := []segment{
		{0x1000, []byte("abc")},
		{0x1000 + 3 + 8, []byte("def")},                             // a gap of 8: joined
		{0x1000 + 3 + 8 + 3 + MaxGap, []byte{1, 2}},                 // a gap of MaxGap: joined
		{0x1000 + 3 + 8 + 3 + MaxGap + 2 + MaxGap + 1, []byte("x")}, // one more: kept apart
		{0x7fff_fff0, []byte("high")},                               // an offset that needs five LEB128 bytes
		{0x800, []byte("low")},                                      // out of order, as Go writes some
	}
	in := module(segs)
	out, err := pack(in, MaxGap)
	if err != nil {
		t.Fatal(err)
	}
	before, n := image(t, in)
	after, m := image(t, out)
	if !maps.Equal(before, after) {
		t.Fatal("the memory image changed")
	}
	if n != 6 || m != 4 {
		t.Errorf("segments: %d before and %d after, want 6 and 4", n, m)
	}
	// The sections around the data section are copied as they are.
	if !bytes.Equal(in[:14], out[:14]) || !bytes.HasSuffix(out, []byte("\x04name\x00")) {
		t.Error("the other sections changed")
	}
	again, err := pack(out, MaxGap)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("packing twice changed the module again (%v)", err)
	}
}

func TestPackRefuses(t *testing.T) {
	overlapping := module([]segment{{0x100, []byte("abcd")}, {0x102, []byte("x")}})
	for name, m := range map[string][]byte{
		"not wasm":    []byte("\x00asm\x02\x00\x00\x00"),
		"overlapping": overlapping,
		"truncated":   overlapping[:len(overlapping)-12],
	} {
		if _, err := pack(m, MaxGap); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	body := []byte{1, 1, 3, 'a', 'b', 'c'} // one passive segment
	m := append([]byte("\x00asm\x01\x00\x00\x00"), sectionData, byte(len(body)))
	if _, err := pack(append(m, body...), MaxGap); err == nil || !strings.Contains(err.Error(), "active") {
		t.Errorf("passive segment: %v, want an error naming active segments", err)
	}
}
