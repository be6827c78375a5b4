package fastverify

//go:generate go run gen_field.go

// fe is an element of the P-256 base field, integers modulo
// p = 2²⁵⁶ − 2²²⁴ + 2¹⁹² + 2⁹⁶ − 1, as eight little-endian 32-bit words,
// always reduced (< p) so that equal elements have equal words.
//
// Why 32-bit words? A product of two of them fits the 64-bit multiply
// WebAssembly has, so feMul (p256field_gen.go) sums products in 64-bit
// accumulators and never has to detect a carry, and p's Solinas form is
// written in 32-bit words too.
type fe [8]uint32

// feP is p.
var feP = fe{0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 1, 0xffffffff}

// feSetBytes sets z to the 32-byte big-endian b and reports whether b < p;
// if not, z is unchanged.
func feSetBytes(z *fe, b []byte) bool {
	var x fe
	for i := range x {
		o := 28 - 4*i
		x[i] = uint32(b[o])<<24 | uint32(b[o+1])<<16 | uint32(b[o+2])<<8 | uint32(b[o+3])
	}
	if !feLess(&x, &feP) {
		return false
	}
	*z = x
	return true
}

// feSetLimbs sets z to the 4-limb x, which must be < p.
func feSetLimbs(z *fe, x *[4]uint64) {
	for i, l := range x {
		z[2*i], z[2*i+1] = uint32(l), uint32(l>>32)
	}
}

// feLess reports whether x < y as integers.
func feLess(x, y *fe) bool {
	for i := 7; i >= 0; i-- {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// isZero reports whether x = 0.
func (x *fe) isZero() bool {
	return x[0]|x[1]|x[2]|x[3]|x[4]|x[5]|x[6]|x[7] == 0
}

// feNeg sets z = −x mod p.
func feNeg(z, x *fe) {
	var zero fe
	feSub(z, &zero, x)
}

// feSqrN sets z = x^(2ⁿ) by n squarings.
func feSqrN(z, x *fe, n int) {
	*z = *x
	for range n {
		feSqr(z, z)
	}
}

// feInvert sets z = x⁻¹ mod p (0 for x = 0) as x^(p−2), by an addition
// chain: p − 2 is, in 32-bit words from the top, ffffffff 00000001 0 0 0
// ffffffff ffffffff fffffffd, so powers x^(2ᵏ−1) for runs of ones and
// plain squarings for runs of zeros cover it in 255 squarings and 13
// multiplications. Only key and table preparation invert.
func feInvert(z, x *fe) {
	var x2, x4, x8, x16, x24, x28, x30, x32, t fe // xk = x^(2ᵏ−1)
	feSqr(&t, x)
	feMul(&x2, &t, x)
	feSqrN(&t, &x2, 2)
	feMul(&x4, &t, &x2)
	feSqrN(&t, &x4, 4)
	feMul(&x8, &t, &x4)
	feSqrN(&t, &x8, 8)
	feMul(&x16, &t, &x8)
	feSqrN(&t, &x16, 8)
	feMul(&x24, &t, &x8)
	feSqrN(&t, &x24, 4)
	feMul(&x28, &t, &x4)
	feSqrN(&t, &x28, 2)
	feMul(&x30, &t, &x2)
	feSqrN(&t, &x30, 2)
	feMul(&x32, &t, &x2)

	// ffffffff 00000001
	feSqrN(&t, &x32, 32)
	feMul(&t, &t, x)
	// 0 0 0 ffffffff
	feSqrN(&t, &t, 128)
	feMul(&t, &t, &x32)
	// ffffffff
	feSqrN(&t, &t, 32)
	feMul(&t, &t, &x32)
	// fffffffd: thirty ones, a zero, a one
	feSqrN(&t, &t, 30)
	feMul(&t, &t, &x30)
	feSqrN(&t, &t, 2)
	feMul(z, &t, x)
}

// feAdd sets z = x + y mod p. z may alias x or y.
//
// It is straight-line code: s = x + y and t = s + 2²⁵⁶ − p are both
// computed and t chosen when it reaches 2²⁵⁶ (s ≥ p). In WebAssembly a
// branch on a carry, or a loop that folds carries, costs more than the
// arithmetic it saves.
func feAdd(z, x, y *fe) {
	s0 := uint64(x[0]) + uint64(y[0])
	s1 := uint64(x[1]) + uint64(y[1]) + s0>>32
	s2 := uint64(x[2]) + uint64(y[2]) + s1>>32
	s3 := uint64(x[3]) + uint64(y[3]) + s2>>32
	s4 := uint64(x[4]) + uint64(y[4]) + s3>>32
	s5 := uint64(x[5]) + uint64(y[5]) + s4>>32
	s6 := uint64(x[6]) + uint64(y[6]) + s5>>32
	s7 := uint64(x[7]) + uint64(y[7]) + s6>>32
	// t = s + 2²⁵⁶ − p; words of 2²⁵⁶ − p: 1, 0, 0, ffffffff, ffffffff, ffffffff, fffffffe, 0.
	t0 := s0&mask32 + 1
	t1 := s1&mask32 + t0>>32
	t2 := s2&mask32 + t1>>32
	t3 := s3&mask32 + 0xffffffff + t2>>32
	t4 := s4&mask32 + 0xffffffff + t3>>32
	t5 := s5&mask32 + 0xffffffff + t4>>32
	t6 := s6&mask32 + 0xfffffffe + t5>>32
	t7 := s7 + t6>>32 // s7 keeps bit 256 of s
	// s ≥ p exactly when t reaches 2²⁵⁶.
	m := -(t7 >> 32) // all ones: take t
	z[0] = uint32(t0&m | s0&^m)
	z[1] = uint32(t1&m | s1&^m)
	z[2] = uint32(t2&m | s2&^m)
	z[3] = uint32(t3&m | s3&^m)
	z[4] = uint32(t4&m | s4&^m)
	z[5] = uint32(t5&m | s5&^m)
	z[6] = uint32(t6&m | s6&^m)
	z[7] = uint32(t7&m | s7&^m)
}

// feSub sets z = x − y mod p. z may alias x or y. Like feAdd, it adds p
// under a mask rather than a branch.
func feSub(z, x, y *fe) {
	d0 := int64(x[0]) - int64(y[0])
	d1 := int64(x[1]) - int64(y[1]) + d0>>32
	d2 := int64(x[2]) - int64(y[2]) + d1>>32
	d3 := int64(x[3]) - int64(y[3]) + d2>>32
	d4 := int64(x[4]) - int64(y[4]) + d3>>32
	d5 := int64(x[5]) - int64(y[5]) + d4>>32
	d6 := int64(x[6]) - int64(y[6]) + d5>>32
	d7 := int64(x[7]) - int64(y[7]) + d6>>32
	// d7>>32 is −1 when x < y: then add p (words ffffffff ×3, 0 ×3, 1, ffffffff).
	m := uint64(d7 >> 32) // all ones: add p
	t0 := uint64(d0)&mask32 + m&mask32
	t1 := uint64(d1)&mask32 + m&mask32 + t0>>32
	t2 := uint64(d2)&mask32 + m&mask32 + t1>>32
	t3 := uint64(d3)&mask32 + t2>>32
	t4 := uint64(d4)&mask32 + t3>>32
	t5 := uint64(d5)&mask32 + t4>>32
	t6 := uint64(d6)&mask32 + m&1 + t5>>32
	t7 := uint64(d7)&mask32 + m&mask32 + t6>>32
	z[0] = uint32(t0)
	z[1] = uint32(t1)
	z[2] = uint32(t2)
	z[3] = uint32(t3)
	z[4] = uint32(t4)
	z[5] = uint32(t5)
	z[6] = uint32(t6)
	z[7] = uint32(t7)
}
