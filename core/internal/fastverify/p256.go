package fastverify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"fmt"
	"math/big"
	"math/bits"
	"sync"
)

// Window widths of the wNAF digits: the digits of u1 index a table of
// 2^(gWindow−2) odd multiples of G, built once per process; those of u2 a
// table of 2^(qWindow−2) odd multiples of Q, built with each key. A wider
// window means fewer additions and a bigger table to build.
const (
	gWindow = 7
	qWindow = 5
)

// P256PublicKey is an ECDSA P-256 public key prepared for verification,
// with a table of multiples of its point. Make one with
// [NewP256PublicKey] and keep it; it is immutable and safe for concurrent
// use.
type P256PublicKey struct {
	table []affine // Q, 3Q, 5Q, …
}

// NewP256PublicKey prepares pub for verification. It returns an error
// wrapping [ErrUnsupportedKey] for a key on another curve (verify those
// with crypto/ecdsa) and for a point that is not on P-256, with which
// ecdsa.Verify refuses every signature.
//
// Preparing a key costs about a tenth of a verification.
func NewP256PublicKey(pub *ecdsa.PublicKey) (*P256PublicKey, error) {
	if pub == nil || pub.Curve == nil || pub.Curve.Params() != elliptic.P256().Params() {
		return nil, fmt.Errorf("%w: not a P-256 key", ErrUnsupportedKey)
	}
	//lint:ignore SA1019 Bytes panics on nil coordinates, so check them first
	if pub.X == nil || pub.Y == nil {
		return nil, fmt.Errorf("%w: P-256 public key without coordinates", ErrUnsupportedKey)
	}
	// Bytes refuses points off the curve; the check below repeats that
	// for this package's own arithmetic.
	b, err := pub.Bytes()
	if err != nil || len(b) != 65 || b[0] != 4 {
		return nil, fmt.Errorf("%w: P-256 public key is not a point on the curve", ErrUnsupportedKey)
	}
	var q affine
	if !feSetBytes(&q.x, b[1:33]) || !feSetBytes(&q.y, b[33:]) || !q.onCurve() {
		return nil, fmt.Errorf("%w: P-256 public key is not a point on the curve", ErrUnsupportedKey)
	}
	return &P256PublicKey{table: oddMultiples(&q, 1<<(qWindow-2))}, nil
}

// The group order n of P-256, as a modulus for scalar arithmetic.
var (
	p256N = [4]uint64{0xf3b9cac2fc632551, 0xbce6faada7179e84, 0xffffffffffffffff, 0xffffffff00000000}

	// p256Order is built on first use, as gTable is: a program that never
	// verifies ES256 on the fast path pays nothing for it at start-up.
	p256Order = sync.OnceValue(func() *modulus {
		return newModulus(new(big.Int).SetBits(limbsToWords(p256N[:])))
	})
)

// limbsToWords returns x as big.Words.
func limbsToWords(x []uint64) []big.Word {
	if bits.UintSize == 64 {
		w := make([]big.Word, len(x))
		for i, l := range x {
			w[i] = big.Word(l)
		}
		return w
	}
	w := make([]big.Word, 2*len(x))
	for i, l := range x {
		w[2*i], w[2*i+1] = big.Word(uint32(l)), big.Word(l>>32)
	}
	return w
}

// gTable holds G, 3G, 5G, …; built on first use.
var gTable = sync.OnceValue(func() []affine {
	return oddMultiples(&p256G, 1<<(gWindow-2))
})

// Verify reports whether (r, s) is a valid ECDSA signature of the digest
// hashed (FIPS 186-5 §6.4.2). r and s are big-endian unsigned integers of
// any length; JWS (RFC 7518 §3.4) gives them as the two 32-byte halves of
// the signature. hashed is used as ECDSA says: its leftmost 256 bits if it
// is longer, reduced mod n.
//
// It accepts exactly what ecdsa.Verify(pub, hashed, r, s) accepts, with r
// and s read by big.Int.SetBytes.
func (k *P256PublicKey) Verify(hashed, r, s []byte) bool {
	var rs, ss [4]uint64
	if !scalarFromBytes(&rs, r) || !scalarFromBytes(&ss, s) {
		return false
	}
	var e [4]uint64
	if len(hashed) > 32 {
		hashed = hashed[:32]
	}
	bytesToLimbs(e[:], hashed)
	if !less(e[:], p256N[:]) {
		// e < 2²⁵⁶ < 2n, so one subtraction reduces it.
		var b uint64
		for i := range e {
			e[i], b = bits.Sub64(e[i], p256N[i], b)
		}
	}

	// u1 = e·s⁻¹, u2 = r·s⁻¹ (mod n).
	w := scalarInverse(&ss)
	u1 := scalarMul(&e, &w)
	u2 := scalarMul(&rs, &w)

	// R = u1·G + u2·Q, both scalars' wNAF digits interleaved over one
	// chain of doublings.
	var naf1, naf2 [257]int8
	n1 := wnaf(&naf1, &u1, gWindow)
	n2 := wnaf(&naf2, &u2, qWindow)
	gt := gTable()
	var acc jacobian // the point at infinity
	for i := max(n1, n2) - 1; i >= 0; i-- {
		acc.double()
		if d := naf1[i]; d > 0 {
			acc.addAffine(&gt[d>>1], false)
		} else if d < 0 {
			acc.addAffine(&gt[(-d)>>1], true)
		}
		if d := naf2[i]; d > 0 {
			acc.addAffine(&k.table[d>>1], false)
		} else if d < 0 {
			acc.addAffine(&k.table[(-d)>>1], true)
		}
	}
	if acc.isInf() {
		return false
	}

	// Accept if x(R) mod n = r, x(R) = X/Z². x(R) < p < 2n, so x(R) is r or
	// r + n; compare X with r·Z² and, where r + n < p, with (r+n)·Z²,
	// rather than invert Z.
	var zz, x, t2 fe
	feSqr(&zz, &acc.z)
	feSetLimbs(&x, &rs)
	feMul(&t2, &x, &zz)
	if t2 == acc.x {
		return true
	}
	var rn [4]uint64
	var c uint64
	for i := range rn {
		rn[i], c = bits.Add64(rs[i], p256N[i], c)
	}
	var rnFe fe
	if c != 0 {
		return false
	}
	feSetLimbs(&rnFe, &rn)
	if !feLess(&rnFe, &feP) {
		return false
	}
	feMul(&t2, &rnFe, &zz)
	return t2 == acc.x
}

// scalarMul returns x·y mod n for x, y < n, as two Montgomery products:
// the first divides by R, multiplying by R² mod n puts it back. The
// Montgomery code works on whole blocks of limbs, hence the padding.
func scalarMul(x, y *[4]uint64) [4]uint64 {
	var xp, yp, z [block]uint64
	var t [block + 1]uint64
	copy(xp[:], x[:])
	copy(yp[:], y[:])
	md := p256Order()
	md.mul(z[:], xp[:], yp[:], t[:])
	md.mul(z[:], z[:], md.rr, t[:])
	return [4]uint64(z[:4])
}

// scalarFromBytes sets z to the big-endian b and reports whether it is in
// [1, n−1], the range FIPS 186-5 §6.4.2 step 1 requires of r and s.
func scalarFromBytes(z *[4]uint64, b []byte) bool {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 32 {
		return false
	}
	bytesToLimbs(z[:], b)
	return less(z[:], p256N[:])
}

// scalarInverse returns x⁻¹ mod n for x in [1, n−1], by the binary
// extended Euclidean algorithm: variable-time, which is fine for public
// values, and much cheaper than x^(n−2).
//
// Invariants: a·x ≡ u and b·x ≡ v (mod n), 0 ≤ a, b < n, gcd(u, v) = 1.
func scalarInverse(x *[4]uint64) [4]uint64 {
	u, v := *x, p256N
	a, b := [4]uint64{1}, [4]uint64{}
	one := [4]uint64{1}
	for u != one && v != one {
		for u[0]&1 == 0 {
			shr1(&u, 0)
			halveModN(&a)
		}
		for v[0]&1 == 0 {
			shr1(&v, 0)
			halveModN(&b)
		}
		if less(u[:], v[:]) {
			sub4(&v, &u)
			subModN(&b, &a)
		} else {
			sub4(&u, &v)
			subModN(&a, &b)
		}
	}
	if u == one {
		return a
	}
	return b
}

// shr1 shifts x right by one bit, shifting top in at the top.
func shr1(x *[4]uint64, top uint64) {
	x[0] = x[0]>>1 | x[1]<<63
	x[1] = x[1]>>1 | x[2]<<63
	x[2] = x[2]>>1 | x[3]<<63
	x[3] = x[3]>>1 | top<<63
}

// halveModN sets x = x/2 mod n for x < n: x/2 if x is even, else
// (x + n)/2, which may need bit 256.
func halveModN(x *[4]uint64) {
	if x[0]&1 == 0 {
		shr1(x, 0)
		return
	}
	var c uint64
	for i := range x {
		x[i], c = bits.Add64(x[i], p256N[i], c)
	}
	shr1(x, c)
}

// sub4 sets x = x − y, for x ≥ y.
func sub4(x, y *[4]uint64) {
	var b uint64
	for i := range x {
		x[i], b = bits.Sub64(x[i], y[i], b)
	}
}

// subModN sets x = x − y mod n, for x, y < n.
func subModN(x, y *[4]uint64) {
	var b uint64
	for i := range x {
		x[i], b = bits.Sub64(x[i], y[i], b)
	}
	if b != 0 {
		var c uint64
		for i := range x {
			x[i], c = bits.Add64(x[i], p256N[i], c)
		}
	}
}

// wnaf writes the width-w non-adjacent form of k into naf, least
// significant digit first, and returns its length (at most 257). Each
// nonzero digit is odd and in (−2^(w−1), 2^(w−1)), and any w consecutive
// digits hold at most one nonzero one: hence one addition per w+1 bits on
// average.
func wnaf(naf *[257]int8, k *[4]uint64, w uint) int {
	x := [5]uint64{k[0], k[1], k[2], k[3]}
	window := uint64(1)<<w - 1
	half := int64(1) << (w - 1)
	n := 0
	for x != [5]uint64{} {
		var d int64
		if x[0]&1 == 1 {
			d = int64(x[0] & window)
			if d >= half {
				d -= 1 << w
			}
			// x −= d leaves x divisible by 2^w.
			var c uint64
			if d > 0 {
				x[0], c = bits.Sub64(x[0], uint64(d), 0)
				for i := 1; i < 5 && c != 0; i++ {
					x[i], c = bits.Sub64(x[i], 0, c)
				}
			} else {
				x[0], c = bits.Add64(x[0], uint64(-d), 0)
				for i := 1; i < 5 && c != 0; i++ {
					x[i], c = bits.Add64(x[i], 0, c)
				}
			}
		}
		naf[n] = int8(d)
		n++
		x[0] = x[0]>>1 | x[1]<<63
		x[1] = x[1]>>1 | x[2]<<63
		x[2] = x[2]>>1 | x[3]<<63
		x[3] = x[3]>>1 | x[4]<<63
		x[4] >>= 1
	}
	return n
}
