package fastverify

import "testing"

// BenchmarkField measures the P-256 field operations a verification is
// made of: about 2,000 multiplications and squarings.
func BenchmarkField(b *testing.B) {
	x, y := p256G.x, p256G.y
	b.Run("op=mul", func(b *testing.B) {
		for b.Loop() {
			feMul(&x, &x, &y)
		}
	})
	b.Run("op=sqr", func(b *testing.B) {
		for b.Loop() {
			feSqr(&x, &x)
		}
	})
	b.Run("op=add", func(b *testing.B) {
		for b.Loop() {
			feAdd(&x, &x, &y)
		}
	})
	b.Run("op=sub", func(b *testing.B) {
		for b.Loop() {
			feSub(&x, &x, &y)
		}
	})
	var p jacobian
	p.addAffine(&p256G, false)
	b.Run("op=double", func(b *testing.B) {
		for b.Loop() {
			p.double()
		}
	})
	b.Run("op=addAffine", func(b *testing.B) {
		for b.Loop() {
			p.addAffine(&p256G, false)
		}
	})
}

// BenchmarkScalar measures the scalar work of a P-256 verification:
// s⁻¹, the two products and the two wNAF recodings.
func BenchmarkScalar(b *testing.B) {
	s := [4]uint64{0x0123456789abcdef, 0xfedcba9876543210, 0x0f1e2d3c4b5a6978, 0x7f6e5d4c3b2a1908}
	b.Run("op=inverse", func(b *testing.B) {
		for b.Loop() {
			s = scalarInverse(&s)
		}
	})
	b.Run("op=mul", func(b *testing.B) {
		for b.Loop() {
			s = scalarMul(&s, &s)
		}
	})
	var naf [257]int8
	b.Run("op=wnaf", func(b *testing.B) {
		for b.Loop() {
			wnaf(&naf, &s, gWindow)
		}
	})
}
