package fastverify

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// BenchmarkMontgomery measures one Montgomery multiplication, the unit of
// an RSA verification (e = 65537 takes 18).
func BenchmarkMontgomery(b *testing.B) {
	for _, nbits := range []int{2048, 4096} {
		r := rand.New(rand.NewPCG(1, 1))
		m := randBig(r, nbits)
		m.SetBit(m, nbits-1, 1)
		m.SetBit(m, 0, 1)
		md := newModulus(m)
		n := md.limbs()
		x, y := make([]uint64, n), make([]uint64, n)
		bigToLimbs(x, new(big.Int).Rsh(m, 3))
		bigToLimbs(y, new(big.Int).Rsh(m, 5))
		t := make([]uint64, n+1)
		b.Run(fmt.Sprintf("bits=%d", nbits), func(b *testing.B) {
			for b.Loop() {
				md.mul(x, x, y, t)
			}
		})
	}
}
