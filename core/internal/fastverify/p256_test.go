package fastverify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"strings"
	"testing"
)

func jacToRef(p *jacobian) *refPoint {
	if p.isInf() {
		return nil
	}
	a := toAffine([]jacobian{*p})[0]
	return &refPoint{feToBig(&a.x), feToBig(&a.y)}
}

func refToAffine(t testing.TB, p *refPoint) affine {
	return affine{bigFe(t, p.x), bigFe(t, p.y)}
}

func samePoint(a, b *refPoint) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.x.Cmp(b.x) == 0 && a.y.Cmp(b.y) == 0
}

// TestPointOps checks doubling and mixed addition, with their special
// cases, against the math/big reference.
func TestPointOps(t *testing.T) {
	r := mrand.New(mrand.NewPCG(31, 32))
	var pts []*refPoint
	for range 6 {
		pts = append(pts, refMul(randBig(r, 255), refG))
	}
	pts = append(pts, refG, refNeg(refG))
	for i, a := range pts {
		var p jacobian
		qa := refToAffine(t, a)
		p.addAffine(&qa, false) // ∞ + a
		if !samePoint(jacToRef(&p), a) {
			t.Fatalf("%d: ∞ + a ≠ a", i)
		}
		p.double()
		if !samePoint(jacToRef(&p), refAdd(a, a)) {
			t.Fatalf("%d: double(a) wrong", i)
		}
		for j, b := range pts {
			qb := refToAffine(t, b)
			for _, neg := range []bool{false, true} {
				var s jacobian
				s.addAffine(&qa, false)
				s.double() // Z ≠ 1
				s.addAffine(&qa, true)
				// s = a again, with a non-trivial Z
				want := b
				if neg {
					want = refNeg(b)
				}
				s.addAffine(&qb, neg)
				if got, want := jacToRef(&s), refAdd(a, want); !samePoint(got, want) {
					t.Fatalf("%d + %s%d wrong", i, map[bool]string{true: "−"}[neg], j)
				}
			}
		}
		// a − a = ∞, and the doubling of ∞ stays there.
		var s jacobian
		s.addAffine(&qa, false)
		s.addAffine(&qa, true)
		if !s.isInf() {
			t.Fatalf("%d: a − a ≠ ∞", i)
		}
		s.double()
		if !s.isInf() {
			t.Fatalf("%d: 2∞ ≠ ∞", i)
		}
	}
}

func TestTables(t *testing.T) {
	g := gTable()
	if len(g) != 1<<(gWindow-2) {
		t.Fatalf("len(gTable) = %d", len(g))
	}
	acc := refG
	twoG := refAdd(refG, refG)
	for i := range g {
		if got := (&refPoint{feToBig(&g[i].x), feToBig(&g[i].y)}); !samePoint(got, acc) {
			t.Fatalf("gTable[%d] is not %d·G", i, 2*i+1)
		}
		acc = refAdd(acc, twoG)
	}
	priv := testP256Keys()[0]
	k := fastP256(t, &priv.PublicKey)
	qx, qy := pubXY(&priv.PublicKey)
	q := &refPoint{qx, qy}
	acc, twoQ := q, refAdd(q, q)
	for i := range k.table {
		if got := (&refPoint{feToBig(&k.table[i].x), feToBig(&k.table[i].y)}); !samePoint(got, acc) {
			t.Fatalf("table[%d] is not %d·Q", i, 2*i+1)
		}
		acc = refAdd(acc, twoQ)
	}
}

func TestNewP256PublicKey(t *testing.T) {
	priv := testP256Keys()[0]
	x, y := pubXY(&priv.PublicKey)
	p := elliptic.P256().Params().P
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pub  *ecdsa.PublicKey
		ok   bool
	}{
		{"valid", &priv.PublicKey, true},
		{"G", refG.publicKey(), true},
		{"nil", nil, false},
		{"nil curve", &ecdsa.PublicKey{X: x, Y: y}, false}, //lint:ignore SA1019 an invalid key on purpose
		{"P-384", &p384.PublicKey, false},
		{"nil x", p256Pub(nil, y), false},
		{"(0, 0)", p256Pub(new(big.Int), new(big.Int)), false},
		{"off the curve", p256Pub(x, new(big.Int).Add(y, big.NewInt(1))), false},
		{"x + p", p256Pub(new(big.Int).Add(x, p), y), false},
		{"y + p", p256Pub(x, new(big.Int).Add(y, p)), false},
		{"−y", p256Pub(x, new(big.Int).Neg(y)), false},
		{"p − y", p256Pub(x, new(big.Int).Sub(p, y)), true},
	}
	for _, tt := range tests {
		k, err := NewP256PublicKey(tt.pub)
		if tt.ok != (err == nil) {
			t.Errorf("%s: NewP256PublicKey: %v, want ok: %v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrUnsupportedKey) {
			t.Errorf("%s: error %v does not wrap ErrUnsupportedKey", tt.name, err)
		}
		if err != nil && tt.pub != nil && tt.pub.Curve == elliptic.P256() && !strings.HasPrefix(tt.name, "nil") {
			// crypto/ecdsa refuses everything with such a key.
			hashed := sha256.Sum256(nil)
			r, s := signP256(priv, hashed[:], nil)
			if ecdsa.Verify(tt.pub, hashed[:], new(big.Int).SetBytes(r), new(big.Int).SetBytes(s)) {
				t.Errorf("%s: crypto/ecdsa accepts a signature with a key NewP256PublicKey refuses", tt.name)
			}
		}
		_ = k
	}
}

// p256EdgeScalars are values for r and s around n and p, and of odd
// lengths. Only 1 ≤ v < n may pass the range checks.
func p256EdgeScalars() map[string][]byte {
	one := big.NewInt(1)
	b := func(x *big.Int) []byte { return x.Bytes() }
	pad := func(x *big.Int, n int) []byte { return x.FillBytes(make([]byte, n)) }
	return map[string][]byte{
		"empty":     {},
		"0":         {0},
		"0 (32)":    make([]byte, 32),
		"1":         {1},
		"n-1":       b(new(big.Int).Sub(curveN, one)),
		"n":         b(curveN),
		"n+1":       b(new(big.Int).Add(curveN, one)),
		"p-n":       b(new(big.Int).Sub(curveP, curveN)),
		"p-1":       b(new(big.Int).Sub(curveP, one)),
		"p":         b(curveP),
		"p+1":       b(new(big.Int).Add(curveP, one)),
		"2^256-1":   b(new(big.Int).Sub(new(big.Int).Lsh(one, 256), one)),
		"2^256":     b(new(big.Int).Lsh(one, 256)),
		"1 (33)":    pad(one, 33),
		"n-1 (40)":  pad(new(big.Int).Sub(curveN, one), 40),
		"n (33)":    pad(curveN, 33),
		"2^255":     b(new(big.Int).Lsh(one, 255)),
		"(n-1)/2":   b(new(big.Int).Rsh(curveN, 1)),
		"(n+1)/2":   b(new(big.Int).Rsh(new(big.Int).Add(curveN, one), 1)),
		"2^128":     b(new(big.Int).Lsh(one, 128)),
		"ff (1)":    {0xff},
		"0...0 ff ": append(make([]byte, 31), 0xff),
	}
}

// TestP256 signs random digests with the test keys and checks valid
// signatures, the malleable (r, n−s), bit flips, edge values of r and s,
// and digests of other lengths against crypto/ecdsa.
func TestP256(t *testing.T) {
	r := mrand.New(mrand.NewPCG(33, 34))
	for ki, priv := range testP256Keys() {
		pub := &priv.PublicKey
		seed := r.Uint64()
		t.Run(fmt.Sprintf("key=%d", ki), func(t *testing.T) {
			t.Parallel()
			r := mrand.New(mrand.NewPCG(seed, 0))
			for _, hlen := range []int{32, 0, 1, 20, 31, 33, 48, 64} {
				hashed := randBytes(r, hlen)
				rb, sb := signP256(priv, hashed, []byte{byte(hlen)})
				name := fmt.Sprintf("hash %d bytes", hlen)
				checkP256(t, name+": valid", pub, hashed, rb, sb, accept)
				if hlen == 32 {
					// The standard library's own signatures too.
					rr, ss, err := ecdsa.Sign(rand.Reader, priv, hashed)
					if err != nil {
						t.Fatal(err)
					}
					checkP256(t, name+": ecdsa.Sign", pub, hashed, rr.Bytes(), ss.Bytes(), accept)
				}
				ns := new(big.Int).Sub(curveN, new(big.Int).SetBytes(sb))
				checkP256(t, name+": (r, n−s)", pub, hashed, rb, ns.Bytes(), accept)
				checkP256(t, name+": (r, n+s)", pub, hashed, rb, new(big.Int).Add(curveN, new(big.Int).SetBytes(sb)).Bytes(), refuse)
				checkP256(t, name+": (s, r)", pub, hashed, sb, rb, refuse)
				checkP256(t, name+": (r+n, s)", pub, hashed, new(big.Int).Add(curveN, new(big.Int).SetBytes(rb)).Bytes(), sb, refuse)
				if hlen > 32 {
					// Bytes past the 32nd are not part of the digest.
					h2 := append([]byte(nil), hashed...)
					h2[32] ^= 1
					checkP256(t, name+": byte 33 changed", pub, h2, rb, sb, accept)
				}
				if hlen == 0 {
					continue
				}
				for _, bit := range []int{0, 7, 8*hlen - 1, r.IntN(8 * hlen)} {
					if hlen > 32 && bit >= 256 {
						continue
					}
					checkP256(t, fmt.Sprintf("%s: hash bit %d", name, bit), pub, flipBit(hashed, bit), rb, sb, refuse)
				}
				for _, bit := range []int{0, 255, r.IntN(256), r.IntN(256)} {
					checkP256(t, fmt.Sprintf("%s: r bit %d", name, bit), pub, hashed, flipBit(rb, bit), sb, refuse)
					checkP256(t, fmt.Sprintf("%s: s bit %d", name, bit), pub, hashed, rb, flipBit(sb, bit), refuse)
				}
			}
			hashed := randBytes(r, 32)
			rb, sb := signP256(priv, hashed, nil)
			for name, v := range p256EdgeScalars() {
				checkP256(t, "r = "+name, pub, hashed, v, sb, nil)
				checkP256(t, "s = "+name, pub, hashed, rb, v, nil)
				checkP256(t, "r = s = "+name, pub, hashed, v, v, nil)
				checkP256(t, "r = s = "+name+", hash = r", pub, v, v, v, nil)
			}
		})
	}
}

// TestP256Infinity builds signatures for which u1·G + u2·Q is the point
// at infinity: with Q = k·G, u1 + u2·k ≡ 0 (mod n) when e ≡ −r·k. Both
// implementations must refuse them.
func TestP256Infinity(t *testing.T) {
	r := mrand.New(mrand.NewPCG(35, 36))
	for ki, priv := range testP256Keys() {
		for range 3 {
			rr := new(big.Int).Mod(randBig(r, 256), curveN)
			ss := new(big.Int).Mod(randBig(r, 256), curveN)
			e := new(big.Int).Mul(rr, privD(priv))
			e.Neg(e).Mod(e, curveN)
			checkP256(t, fmt.Sprintf("key %d: R = ∞", ki), &priv.PublicKey, e.FillBytes(make([]byte, 32)), rr.Bytes(), ss.Bytes(), refuse)
		}
	}
}

// TestP256Doubling makes the interleaved additions meet equal points:
// with Q = G and u1 = u2 = 1 (e = r = s), u1·G + u2·Q adds G to G, which
// must take the doubling path. r = x(2G) mod n makes it a valid signature.
func TestP256Doubling(t *testing.T) {
	keys := testP256Keys()
	pubG := &keys[len(keys)-2].PublicKey
	pubNegG := &keys[len(keys)-1].PublicKey
	if gx, gy := pubXY(pubG); gx.Cmp(refG.x) != 0 || gy.Cmp(refG.y) != 0 {
		t.Fatal("the second to last test key is not G")
	}
	twoG := refAdd(refG, refG)
	rr := new(big.Int).Mod(twoG.x, curveN)
	b := rr.FillBytes(make([]byte, 32))
	checkP256(t, "G + G", pubG, b, b, b, accept)
	// With Q = −G the same sum is G − G = ∞.
	checkP256(t, "G − G", pubNegG, b, b, b, refuse)
	// More sums u·G + u·G for small u.
	for u := int64(1); u < 40; u++ {
		// R = 2u·G; choose s = 1/1 … : e = u·s, r = u·s with r = x(R).
		R := refMul(big.NewInt(2*u), refG)
		rr := new(big.Int).Mod(R.x, curveN)
		s := new(big.Int).ModInverse(big.NewInt(u), curveN)
		s.Mul(s, rr).Mod(s, curveN) // s = r/u, so r/s = u
		e := new(big.Int).Mul(big.NewInt(u), s)
		e.Mod(e, curveN) // e/s = u
		checkP256(t, fmt.Sprintf("%d·G + %d·G", u, u), pubG, e.FillBytes(make([]byte, 32)), rr.Bytes(), s.Bytes(), accept)
		checkP256(t, fmt.Sprintf("%d·G − %d·G", u, u), pubNegG, e.FillBytes(make([]byte, 32)), rr.Bytes(), s.Bytes(), refuse)
	}
}

// p256SqrtP returns a square root of a mod p, or nil.
func p256SqrtP(a *big.Int) *big.Int {
	// p ≡ 3 (mod 4): a^((p+1)/4).
	e := new(big.Int).Add(curveP, big.NewInt(1))
	e.Rsh(e, 2)
	y := new(big.Int).Exp(a, e, curveP)
	if new(big.Int).Mul(y, y).Mod(new(big.Int).Mul(y, y), curveP).Cmp(new(big.Int).Mod(a, curveP)) != 0 {
		return nil
	}
	return y
}

// TestP256LargeX builds valid signatures whose R has n ≤ x(R) < p, so that
// r = x(R) − n and only the comparison with (r + n)·Z² accepts. R is picked
// first and the key made to fit: Q = u2⁻¹·(R − u1·G), s = r/u2, e = u1·s.
func TestP256LargeX(t *testing.T) {
	r := mrand.New(mrand.NewPCG(37, 38))
	b := elliptic.P256().Params().B
	found := 0
	for x := new(big.Int).Add(curveN, big.NewInt(1)); found < 4; x.Add(x, big.NewInt(1)) {
		rhs := new(big.Int).Mul(x, x)
		rhs.Mul(rhs, x).Sub(rhs, new(big.Int).Mul(big.NewInt(3), x)).Add(rhs, b).Mod(rhs, curveP)
		y := p256SqrtP(rhs)
		if y == nil {
			continue
		}
		found++
		R := &refPoint{new(big.Int).Set(x), y}
		rr := new(big.Int).Sub(x, curveN)
		u1 := new(big.Int).Mod(randBig(r, 256), curveN)
		u2 := new(big.Int).Mod(randBig(r, 256), curveN)
		if found == 2 {
			u1.SetInt64(0) // e = 0: R = u2·Q alone
		}
		Q := refMul(new(big.Int).ModInverse(u2, curveN), refAdd(R, refNeg(refMul(u1, refG))))
		s := new(big.Int).Mul(rr, new(big.Int).ModInverse(u2, curveN))
		s.Mod(s, curveN)
		e := new(big.Int).Mul(u1, s)
		e.Mod(e, curveN)
		pub := Q.publicKey()
		hashed := e.FillBytes(make([]byte, 32))
		checkP256(t, fmt.Sprintf("x(R) = n + %d", rr), pub, hashed, rr.Bytes(), s.Bytes(), accept)
		// r = x(R) itself is out of range.
		checkP256(t, fmt.Sprintf("r = x(R) = n + %d", rr), pub, hashed, x.Bytes(), s.Bytes(), refuse)
		// The digest with e + n is the same scalar.
		checkP256(t, "e + n", pub, new(big.Int).Add(e, curveN).Bytes(), rr.Bytes(), s.Bytes(), nil)
	}
}

// TestP256HashReduction uses digests ≥ n, which reduce to e − n.
func TestP256HashReduction(t *testing.T) {
	priv := testP256Keys()[1]
	for _, e := range []*big.Int{
		curveN,
		new(big.Int).Add(curveN, big.NewInt(1)),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)),
		new(big.Int).Sub(curveN, big.NewInt(1)),
	} {
		hashed := e.FillBytes(make([]byte, 32))
		rb, sb := signP256(priv, hashed, nil)
		checkP256(t, fmt.Sprintf("e = %x", e), &priv.PublicKey, hashed, rb, sb, accept)
		// The reduced digest is a different message with the same
		// signature, for both.
		red := new(big.Int).Mod(e, curveN).FillBytes(make([]byte, 32))
		checkP256(t, fmt.Sprintf("e = %x reduced", e), &priv.PublicKey, red, rb, sb, accept)
	}
}
