//go:build !wasm

package fastverify

import "math/bits"

// mulAdd returns a·b + c + d as a 128-bit hi:lo, which cannot overflow:
// (2⁶⁴−1)² + 2(2⁶⁴−1) = 2¹²⁸−1. a0 and a1, the halves of a that the
// WebAssembly version (word_wasm.go) uses, go unused: here math/bits.Mul64
// is a single instruction.
func mulAdd(a, a0, a1, b, c, d uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(a, b)
	var cc uint64
	lo, cc = bits.Add64(lo, c, 0)
	hi += cc
	lo, cc = bits.Add64(lo, d, 0)
	return hi + cc, lo
}
