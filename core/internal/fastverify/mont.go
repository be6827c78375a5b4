package fastverify

import (
	"math/big"
	"math/bits"
)

// modulus is an odd modulus m prepared for Montgomery arithmetic with
// R = 2^(64·len(m.m)). Numbers are little-endian slices of 64-bit limbs,
// as long as m.m, and reduced (< m) unless a comment says otherwise. A
// modulus is read-only after newModulus, so one can serve many goroutines.
type modulus struct {
	m  []uint64 // the modulus, padded with zero limbs to a multiple of block
	k0 uint64   // −m⁻¹ mod 2⁶⁴, which makes the low limb vanish at each step
	rr []uint64 // R² mod m, which takes a number into Montgomery form
}

// newModulus prepares m, which must be odd and greater than one.
func newModulus(m *big.Int) *modulus {
	n := limbsFor(m.BitLen())
	md := &modulus{m: make([]uint64, n), rr: make([]uint64, n)}
	bigToLimbs(md.m, m)

	// Newton's iteration doubles the number of correct low bits of an
	// inverse each time, and any odd m is its own inverse mod 2³:
	// 3 → 6 → 12 → 24 → 48 → 96 bits.
	m0 := md.m[0]
	inv := m0
	for range 5 {
		inv *= 2 - m0*inv
	}
	md.k0 = -inv

	rr := new(big.Int).Lsh(big.NewInt(1), uint(128*n))
	bigToLimbs(md.rr, rr.Mod(rr, m))
	return md
}

// block is the number of limbs montMul handles per step of its inner
// loop; moduli are padded to a multiple of it.
const block = 8

// limbsFor returns how many limbs numbers modulo an nbits-bit modulus get:
// enough to hold them, rounded up to a multiple of block for montMul.
// Padding with zero limbs is harmless, as Montgomery arithmetic only needs
// m < R, and cheap: the common sizes (1024, 2048, 3072, 4096 bits) need
// none, and in WebAssembly a block unrolled with constant offsets is about
// 1.5 times as fast as a plain loop, which pays for the padding of most
// other sizes.
func limbsFor(nbits int) int {
	n := (nbits + 63) / 64
	return (n + block - 1) / block * block
}

// limbs returns the number of 64-bit limbs of the numbers modulo md.
func (md *modulus) limbs() int { return len(md.m) }

// mul sets z = x·y·R⁻¹ mod m. z may alias x or y. t is scratch space of at
// least len(m)+1 limbs, which mul overwrites.
func (md *modulus) mul(z, x, y, t []uint64) {
	montMul(t, x, y, md.m, md.k0)
	md.finish(z, t)
}

// finish sets z = t mod m for t < 2m, where t has one limb more than m.
func (md *modulus) finish(z, t []uint64) {
	m := md.m
	n := len(m)
	z, t = z[:n], t[:n+1]
	if t[n] == 0 && less(t[:n], m) {
		copy(z, t[:n])
		return
	}
	var b uint64
	for i := range n {
		z[i], b = bits.Sub64(t[i], m[i], b)
	}
}

// less reports whether x < y, for numbers of equal length.
func less(x, y []uint64) bool {
	for i := len(x) - 1; i >= 0; i-- {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// montMul sets t[:len(m)+1] = x·y·R⁻¹ + εm, ε ∈ {0, 1}, for len(m) a
// multiple of block, by coarsely integrated operand scanning (CIOS): each
// row adds x[i]·y and q·m, with q chosen so that the low limb becomes zero
// and is shifted out, in one pass over the limbs. In WebAssembly mulAdd
// builds each product from 32-bit halves, and the halves of x[i] and q are
// split once per row.
//
// The row is unrolled in blocks of eight limbs, viewed as arrays, so that
// every index is a constant: one bounds check per block and no address
// arithmetic per load. Unrolling the whole row measured slower for
// 4096-bit moduli in WebAssembly, presumably because the code then
// outgrows the instruction cache.
//
// The result is below 2m because each row computes
// (t + x[i]·y + q·m)/2⁶⁴ < (2m + 2⁶⁴m + 2⁶⁴m)/2⁶⁴; so t[n] is 0 or 1.
func montMul(t, x, y, m []uint64, k0 uint64) {
	n := len(m)
	x, y, t = x[:n], y[:n], t[:n+1]
	clear(t)
	for _, xi := range x {
		x0, x1 := xi&mask32, xi>>32
		// The first block, where limb 0 determines q.
		yy, mm, tt := (*[block]uint64)(y), (*[block]uint64)(m), (*[block + 1]uint64)(t)
		c1, s := mulAdd(xi, x0, x1, yy[0], tt[0], 0)
		q := s * k0
		q0, q1 := q&mask32, q>>32
		c2, _ := mulAdd(q, q0, q1, mm[0], s, 0)
		c1, s = mulAdd(xi, x0, x1, yy[1], tt[1], c1)
		c2, tt[0] = mulAdd(q, q0, q1, mm[1], s, c2)
		c1, s = mulAdd(xi, x0, x1, yy[2], tt[2], c1)
		c2, tt[1] = mulAdd(q, q0, q1, mm[2], s, c2)
		c1, s = mulAdd(xi, x0, x1, yy[3], tt[3], c1)
		c2, tt[2] = mulAdd(q, q0, q1, mm[3], s, c2)
		c1, s = mulAdd(xi, x0, x1, yy[4], tt[4], c1)
		c2, tt[3] = mulAdd(q, q0, q1, mm[4], s, c2)
		c1, s = mulAdd(xi, x0, x1, yy[5], tt[5], c1)
		c2, tt[4] = mulAdd(q, q0, q1, mm[5], s, c2)
		c1, s = mulAdd(xi, x0, x1, yy[6], tt[6], c1)
		c2, tt[5] = mulAdd(q, q0, q1, mm[6], s, c2)
		c1, s = mulAdd(xi, x0, x1, yy[7], tt[7], c1)
		c2, tt[6] = mulAdd(q, q0, q1, mm[7], s, c2)
		for j := block; j < n; j += block {
			// Limbs j to j+7; the results land one limb lower.
			yy, mm, tt := (*[block]uint64)(y[j:]), (*[block]uint64)(m[j:]), (*[block + 1]uint64)(t[j-1:])
			c1, s = mulAdd(xi, x0, x1, yy[0], tt[1], c1)
			c2, tt[0] = mulAdd(q, q0, q1, mm[0], s, c2)
			c1, s = mulAdd(xi, x0, x1, yy[1], tt[2], c1)
			c2, tt[1] = mulAdd(q, q0, q1, mm[1], s, c2)
			c1, s = mulAdd(xi, x0, x1, yy[2], tt[3], c1)
			c2, tt[2] = mulAdd(q, q0, q1, mm[2], s, c2)
			c1, s = mulAdd(xi, x0, x1, yy[3], tt[4], c1)
			c2, tt[3] = mulAdd(q, q0, q1, mm[3], s, c2)
			c1, s = mulAdd(xi, x0, x1, yy[4], tt[5], c1)
			c2, tt[4] = mulAdd(q, q0, q1, mm[4], s, c2)
			c1, s = mulAdd(xi, x0, x1, yy[5], tt[6], c1)
			c2, tt[5] = mulAdd(q, q0, q1, mm[5], s, c2)
			c1, s = mulAdd(xi, x0, x1, yy[6], tt[7], c1)
			c2, tt[6] = mulAdd(q, q0, q1, mm[6], s, c2)
			c1, s = mulAdd(xi, x0, x1, yy[7], tt[8], c1)
			c2, tt[7] = mulAdd(q, q0, q1, mm[7], s, c2)
		}
		top, cc1 := bits.Add64(t[n], c1, 0)
		top, cc2 := bits.Add64(top, c2, 0)
		t[n-1], t[n] = top, cc1+cc2
	}
}

// bigToLimbs sets z to x, which must fit.
func bigToLimbs(z []uint64, x *big.Int) {
	clear(z)
	for i, w := range x.Bits() {
		// big.Word is 32 bits on some platforms; WebAssembly and the
		// 64-bit platforms we target have 64-bit words.
		if bits.UintSize == 64 {
			z[i] = uint64(w)
		} else {
			z[i/2] |= uint64(w) << (32 * (i % 2))
		}
	}
}

// bytesToLimbs sets z to the big-endian b, which must fit.
func bytesToLimbs(z []uint64, b []byte) {
	clear(z)
	for i := range b {
		v := b[len(b)-1-i]
		z[i/8] |= uint64(v) << (8 * (i % 8))
	}
}

// limbsToBytes writes x big-endian into b, which must be long enough for
// its value; leading bytes beyond the limbs are zero.
func limbsToBytes(b []byte, x []uint64) {
	for i := range b {
		k := i / 8
		var v byte
		if k < len(x) {
			v = byte(x[k] >> (8 * (i % 8)))
		}
		b[len(b)-1-i] = v
	}
}
