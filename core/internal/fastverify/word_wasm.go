//go:build wasm

package fastverify

// mulAdd returns a·b + c + d as a 128-bit hi:lo; a0 and a1 are the low and
// high 32-bit halves of a. The result cannot overflow:
// (2⁶⁴−1)² + 2(2⁶⁴−1) = 2¹²⁸−1.
//
// WebAssembly has no wider product than 64×64→64, and math/bits.Mul64 is
// emulated with more work than this, so the product is built from four
// 32×32→64 multiplies. Each partial sum below fits in 64 bits for the same
// reason the whole does ((2³²−1)² + 2(2³²−1) = 2⁶⁴−1), so no carry has to
// be detected. a comes split because callers multiply one a by a whole
// row of b; a itself goes unused.
func mulAdd(a, a0, a1, b, c, d uint64) (hi, lo uint64) {
	b0, b1 := b&mask32, b>>32
	t := a0*b0 + c&mask32 + d&mask32
	u := a1*b0 + t>>32 + c>>32
	v := a0*b1 + u&mask32 + d>>32
	return a1*b1 + u>>32 + v>>32, v<<32 | t&mask32
}
