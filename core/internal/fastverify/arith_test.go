package fastverify

import (
	"crypto/elliptic"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// The arithmetic is checked against math/big, on random and edge values.

func randBig(r *rand.Rand, nbits int) *big.Int {
	b := make([]byte, (nbits+7)/8)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	if extra := 8*len(b) - nbits; extra > 0 {
		b[0] &= 0xff >> extra
	}
	return new(big.Int).SetBytes(b)
}

func limbsToBig(x []uint64) *big.Int {
	return new(big.Int).SetBits(limbsToWords(x))
}

func TestMulAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edges := []uint64{0, 1, 2, mask32, mask32 + 1, 1<<63 - 1, 1 << 63, 1<<64 - 1}
	var vals []uint64
	vals = append(vals, edges...)
	for range 20 {
		vals = append(vals, r.Uint64())
	}
	for _, a := range vals {
		for _, b := range vals {
			for _, c := range edges {
				d := r.Uint64()
				if r.IntN(2) == 0 {
					d = edges[r.IntN(len(edges))]
				}
				hi, lo := bits.Mul64(a, b)
				var cc uint64
				lo, cc = bits.Add64(lo, c, 0)
				hi += cc
				lo, cc = bits.Add64(lo, d, 0)
				hi += cc
				h, l := mulAdd(a, a&mask32, a>>32, b, c, d)
				if h != hi || l != lo {
					t.Fatalf("%#x·%#x + %#x + %#x = %#x:%#x; mulAdd: %#x:%#x", a, b, c, d, hi, lo, h, l)
				}
			}
		}
	}
}

// TestMontgomery checks mul for moduli of many sizes, padded or not, with
// operands 0, 1, m−1, m−2 and random ones, in place or not.
func TestMontgomery(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sizes := []int{64, 65, 127, 128, 192, 256, 1000, 1024, 1025, 2000, 2048, 2049, 2500, 3071, 3072, 4000, 4096, 4097, 8192}
	if testing.Short() {
		sizes = []int{65, 256, 1024, 2048, 2049, 2500, 3072, 4096}
	}
	for _, nbits := range sizes {
		for range 3 {
			m := randBig(r, nbits)
			m.SetBit(m, nbits-1, 1)
			m.SetBit(m, 0, 1)
			if r.IntN(2) == 0 {
				// All ones in the top limb: the largest moduli for
				// their size stress the carries.
				for i := nbits - 1; i >= nbits-70 && i > 0; i-- {
					m.SetBit(m, i, 1)
				}
			}
			checkMontgomery(t, r, m)
		}
	}
	checkMontgomery(t, r, limbsToBig(p256N[:]))
}

func TestLimbsFor(t *testing.T) {
	for _, tt := range []struct{ bits, limbs int }{
		{64, 8}, {256, 8}, {1024, 16}, {1025, 24}, {2048, 32}, {2049, 40}, {2500, 40}, {3000, 48},
		{3071, 48}, {3072, 48}, {4096, 64}, {3500, 56}, {4097, 72}, {8192, 128},
	} {
		if got := limbsFor(tt.bits); got != tt.limbs {
			t.Errorf("limbsFor(%d) = %d, want %d", tt.bits, got, tt.limbs)
		}
	}
}

func checkMontgomery(t *testing.T, r *rand.Rand, m *big.Int) {
	t.Helper()
	md := newModulus(m)
	n := md.limbs()
	rInv := new(big.Int).Lsh(big.NewInt(1), uint(64*n))
	rInv.ModInverse(rInv, m)
	if got, want := limbsToBig(md.rr), new(big.Int).Exp(big.NewInt(2), big.NewInt(int64(128*n)), m); got.Cmp(want) != 0 {
		t.Fatalf("m = %x: R² mod m = %x, want %x", m, got, want)
	}
	if md.m[0]*-md.k0 != 1 {
		t.Fatalf("m = %x: k0 = %#x is not −m⁻¹", m, md.k0)
	}
	values := []*big.Int{
		big.NewInt(0), big.NewInt(1),
		new(big.Int).Sub(m, big.NewInt(1)), new(big.Int).Sub(m, big.NewInt(2)),
	}
	for range 4 {
		values = append(values, new(big.Int).Mod(randBig(r, m.BitLen()), m))
	}
	x, y, z := make([]uint64, n), make([]uint64, n), make([]uint64, n)
	tmp := make([]uint64, n+1)
	for _, a := range values {
		for _, b := range values {
			bigToLimbs(x, a)
			bigToLimbs(y, b)
			want := new(big.Int).Mul(a, b)
			want.Mul(want, rInv).Mod(want, m)
			md.mul(z, x, y, tmp)
			if got := limbsToBig(z); got.Cmp(want) != 0 {
				t.Fatalf("mul: m = %x: mont(%x, %x) = %x, want %x", m, a, b, got, want)
			}
			md.mul(x, x, y, tmp) // z = x
			if got := limbsToBig(x); got.Cmp(want) != 0 {
				t.Fatalf("mul in place: m = %x: mont(%x, %x) = %x, want %x", m, a, b, got, want)
			}
		}
		bigToLimbs(x, a)
		want := new(big.Int).Mul(a, a)
		want.Mul(want, rInv).Mod(want, m)
		md.mul(x, x, x, tmp)
		if got := limbsToBig(x); got.Cmp(want) != 0 {
			t.Fatalf("square: m = %x: mont(%x, %x) = %x, want %x", m, a, a, got, want)
		}
	}
}

func TestBytesLimbs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 7, 8, 9, 31, 32, 33, 256, 257} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		x := make([]uint64, (n+7)/8+1)
		bytesToLimbs(x, b)
		if got, want := limbsToBig(x), new(big.Int).SetBytes(b); got.Cmp(want) != 0 {
			t.Fatalf("bytesToLimbs(%x) = %x", b, got)
		}
		back := make([]byte, n)
		limbsToBytes(back, x)
		if string(back) != string(b) {
			t.Fatalf("limbsToBytes(bytesToLimbs(%x)) = %x", b, back)
		}
	}
}

var bigP = elliptic.P256().Params().P

func feToBig(x *fe) *big.Int {
	var b [32]byte
	for i, w := range x {
		o := 28 - 4*i
		b[o], b[o+1], b[o+2], b[o+3] = byte(w>>24), byte(w>>16), byte(w>>8), byte(w)
	}
	return new(big.Int).SetBytes(b[:])
}

func bigFe(t testing.TB, x *big.Int) fe {
	t.Helper()
	var z fe
	if x.Sign() < 0 || x.BitLen() > 256 || !feSetBytes(&z, x.FillBytes(make([]byte, 32))) {
		t.Fatalf("%x is not a field element", x)
	}
	return z
}

// fieldValues returns edge values of the field (0, 1, 2, p−1, p−2, values
// with all-ones or all-zeros words, 2²⁵⁵) and random ones.
func fieldValues(r *rand.Rand) []*big.Int {
	one := big.NewInt(1)
	vals := []*big.Int{
		big.NewInt(0), one, big.NewInt(2), big.NewInt(3),
		new(big.Int).Sub(bigP, one), new(big.Int).Sub(bigP, big.NewInt(2)),
		new(big.Int).Lsh(one, 255),
		new(big.Int).Lsh(one, 224), new(big.Int).Lsh(one, 192), new(big.Int).Lsh(one, 96),
		new(big.Int).Sub(new(big.Int).Lsh(one, 224), one),
		new(big.Int).Sub(new(big.Int).Lsh(one, 192), one),
		new(big.Int).Sub(new(big.Int).Lsh(one, 96), one),
		new(big.Int).Sub(bigP, new(big.Int).Lsh(one, 96)),
		new(big.Int).Sub(bigP, new(big.Int).Lsh(one, 192)),
	}
	// Square roots of −1 do not exist (p ≡ 3 mod 4), but values whose
	// product lands just below or above p do: (p+1)/2 · 2 = p + 1.
	vals = append(vals, new(big.Int).Rsh(new(big.Int).Add(bigP, one), 1))
	for range 24 {
		vals = append(vals, new(big.Int).Mod(randBig(r, 256), bigP))
	}
	return vals
}

func TestField(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	vals := fieldValues(r)
	ops := []struct {
		name string
		fe   func(z, x, y *fe)
		big  func(x, y *big.Int) *big.Int
	}{
		{"mul", feMul, func(x, y *big.Int) *big.Int { return new(big.Int).Mul(x, y) }},
		{"add", feAdd, func(x, y *big.Int) *big.Int { return new(big.Int).Add(x, y) }},
		{"sub", feSub, func(x, y *big.Int) *big.Int { return new(big.Int).Sub(x, y) }},
		{"sqr", func(z, x, _ *fe) { feSqr(z, x) }, func(x, _ *big.Int) *big.Int { return new(big.Int).Mul(x, x) }},
		{"neg", func(z, x, _ *fe) { feNeg(z, x) }, func(x, _ *big.Int) *big.Int { return new(big.Int).Neg(x) }},
		{"inv", func(z, x, _ *fe) { feInvert(z, x) }, func(x, _ *big.Int) *big.Int {
			if x.Sign() == 0 {
				return new(big.Int)
			}
			return new(big.Int).ModInverse(x, bigP)
		}},
	}
	for _, op := range ops {
		for i, a := range vals {
			for _, b := range vals {
				if op.name == "inv" && i > 8 {
					break
				}
				x, y := bigFe(t, a), bigFe(t, b)
				var z fe
				op.fe(&z, &x, &y)
				want := op.big(a, b)
				want.Mod(want, bigP)
				if got := feToBig(&z); got.Cmp(want) != 0 {
					t.Fatalf("%s(%x, %x) = %x, want %x", op.name, a, b, got, want)
				}
				// Aliased output.
				op.fe(&x, &x, &y)
				if x != z {
					t.Fatalf("%s(%x, %x) in place differs", op.name, a, b)
				}
			}
		}
	}
}

// TestFieldRandomProducts runs many random products, where the Solinas
// folds' rarer paths (a second fold, a final subtraction) show up.
func TestFieldRandomProducts(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		a := new(big.Int).Mod(randBig(r, 256), bigP)
		b := new(big.Int).Mod(randBig(r, 256), bigP)
		// Push some operands towards p.
		if r.IntN(4) == 0 {
			a.Sub(bigP, big.NewInt(int64(r.IntN(1<<20)+1)))
		}
		x, y := bigFe(t, a), bigFe(t, b)
		var z fe
		feMul(&z, &x, &y)
		want := new(big.Int).Mul(a, b)
		want.Mod(want, bigP)
		if got := feToBig(&z); got.Cmp(want) != 0 {
			t.Fatalf("mul(%x, %x) = %x, want %x", a, b, got, want)
		}
		feSqr(&z, &x)
		want.Mul(a, a).Mod(want, bigP)
		if got := feToBig(&z); got.Cmp(want) != 0 {
			t.Fatalf("sqr(%x) = %x, want %x", a, got, want)
		}
	}
}

func TestFeSetBytes(t *testing.T) {
	var z fe
	pb := bigP.Bytes()
	if feSetBytes(&z, pb) {
		t.Error("feSetBytes(p) succeeded")
	}
	pm1 := new(big.Int).Sub(bigP, big.NewInt(1)).Bytes()
	if !feSetBytes(&z, pm1) || feToBig(&z).Cmp(new(big.Int).SetBytes(pm1)) != 0 {
		t.Error("feSetBytes(p−1) failed")
	}
}

func TestScalarInverse(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	n := limbsToBig(p256N[:])
	vals := []*big.Int{big.NewInt(1), big.NewInt(2), new(big.Int).Sub(n, big.NewInt(1)), new(big.Int).Sub(n, big.NewInt(2))}
	for range 200 {
		v := new(big.Int).Mod(randBig(r, 256), n)
		if v.Sign() != 0 {
			vals = append(vals, v)
		}
	}
	for _, v := range vals {
		var x [4]uint64
		bigToLimbs(x[:], v)
		w := scalarInverse(&x)
		if got, want := limbsToBig(w[:]), new(big.Int).ModInverse(v, n); got.Cmp(want) != 0 {
			t.Fatalf("1/%x = %x, want %x", v, got, want)
		}
	}
}

func TestWNAF(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	n := limbsToBig(p256N[:])
	one := big.NewInt(1)
	vals := []*big.Int{
		new(big.Int), one, new(big.Int).Sub(n, one),
		new(big.Int).Sub(new(big.Int).Lsh(one, 256), one), // 2²⁵⁶−1: a 257-digit wNAF
		new(big.Int).Lsh(one, 255),
	}
	for range 200 {
		vals = append(vals, randBig(r, 256))
	}
	for _, w := range []uint{2, 4, 5, 6, 7, 8} {
		for _, v := range vals {
			var k [4]uint64
			bigToLimbs(k[:], v)
			var naf [257]int8
			l := wnaf(&naf, &k, w)
			got := new(big.Int)
			last := -1000
			for i := l - 1; i >= 0; i-- {
				got.Lsh(got, 1)
				got.Add(got, big.NewInt(int64(naf[i])))
				if d := int(naf[i]); d != 0 {
					if d%2 == 0 || d >= 1<<(w-1) || d <= -(1<<(w-1)) {
						t.Fatalf("w = %d, k = %x: digit %d", w, v, d)
					}
					if last-i < int(w) && last >= 0 {
						t.Fatalf("w = %d, k = %x: nonzero digits %d and %d are closer than w", w, v, last, i)
					}
					last = i
				}
			}
			if got.Cmp(v) != 0 {
				t.Fatalf("w = %d: wNAF of %x sums to %x", w, v, got)
			}
			if l > 0 && naf[l-1] == 0 {
				t.Fatalf("w = %d, k = %x: leading zero digit", w, v)
			}
		}
	}
}
