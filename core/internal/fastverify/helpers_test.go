package fastverify

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"math/big"
	"sync"
	"testing"
)

// The differential harness: every check runs the same input through this
// package and the standard library and fails if they disagree.

var fastRSAKeys sync.Map // *rsa.PublicKey → *RSAPublicKey

func fastRSA(t testing.TB, pub *rsa.PublicKey) *RSAPublicKey {
	t.Helper()
	if k, ok := fastRSAKeys.Load(pub); ok {
		return k.(*RSAPublicKey)
	}
	k, err := NewRSAPublicKey(pub)
	if err != nil {
		t.Fatalf("NewRSAPublicKey(%d bits, e = %d): %v", pub.N.BitLen(), pub.E, err)
	}
	fastRSAKeys.Store(pub, k)
	return k
}

var fastP256Keys sync.Map // *ecdsa.PublicKey → *P256PublicKey

func fastP256(t testing.TB, pub *ecdsa.PublicKey) *P256PublicKey {
	t.Helper()
	if k, ok := fastP256Keys.Load(pub); ok {
		return k.(*P256PublicKey)
	}
	k, err := NewP256PublicKey(pub)
	if err != nil {
		t.Fatalf("NewP256PublicKey: %v", err)
	}
	fastP256Keys.Store(pub, k)
	return k
}

// scheme is PKCS #1 v1.5 or PSS.
type scheme int

const (
	pkcs1v15 scheme = iota
	pss
)

func (s scheme) String() string {
	if s == pss {
		return "PSS"
	}
	return "PKCS1v15"
}

// pssOpts are the options of RFC 7518 §3.5.
var pssOpts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}

// rsaVerdicts returns whether this package and crypto/rsa accept sig. It
// fails the test if an error is neither a verification failure nor one of
// the documented misuse errors.
func rsaVerdicts(t testing.TB, fk *RSAPublicKey, pub *rsa.PublicKey, sc scheme, h crypto.Hash, hashed, sig []byte) (fast, std bool) {
	t.Helper()
	var errFast, errStd error
	if sc == pss {
		errFast = fk.VerifyPSS(h, hashed, sig)
		errStd = rsa.VerifyPSS(pub, h, hashed, sig, pssOpts)
	} else {
		errFast = fk.VerifyPKCS1v15(h, hashed, sig)
		errStd = rsa.VerifyPKCS1v15(pub, h, hashed, sig)
	}
	if errFast != nil && !errors.Is(errFast, ErrVerification) && !errors.Is(errFast, ErrHashLength) && !errors.Is(errFast, ErrUnsupportedHash) {
		t.Errorf("unexpected error %v", errFast)
	}
	return errFast == nil, errStd == nil
}

// checkRSA fails the test if this package and crypto/rsa disagree on sig,
// or if want is not nil and they both disagree with it.
func checkRSA(t testing.TB, name string, priv *rsa.PrivateKey, sc scheme, h crypto.Hash, hashed, sig []byte, want *bool) {
	t.Helper()
	fast, std := rsaVerdicts(t, fastRSA(t, &priv.PublicKey), &priv.PublicKey, sc, h, hashed, sig)
	if fast != std {
		t.Errorf("%d-bit e=%d %v %v %s: fastverify accepts: %v, crypto/rsa accepts: %v\nhashed %x\nsig %x", priv.N.BitLen(), priv.E, sc, h, name, fast, std, hashed, sig)
		return
	}
	if want != nil && fast != *want {
		t.Errorf("%d-bit e=%d %v %v %s: both accept: %v, want %v", priv.N.BitLen(), priv.E, sc, h, name, fast, *want)
	}
}

// rawSign returns em^d mod n as a signature, by the Chinese remainder
// theorem: it signs any encoding, malformed ones included. em must be
// less than n.
func rawSign(priv *rsa.PrivateKey, em []byte) []byte {
	c := new(big.Int).SetBytes(em)
	p, q := priv.Primes[0], priv.Primes[1]
	m1 := new(big.Int).Exp(c, priv.Precomputed.Dp, p)
	m2 := new(big.Int).Exp(c, priv.Precomputed.Dq, q)
	h := new(big.Int).Sub(m1, m2)
	h.Mul(h, priv.Precomputed.Qinv).Mod(h, p)
	m := h.Mul(h, q).Add(h, m2)
	return m.FillBytes(make([]byte, priv.Size()))
}

// pkcs1Encode returns EMSA-PKCS1-v1_5(hashed) for a k-byte modulus.
func pkcs1Encode(h crypto.Hash, hashed []byte, k int) []byte {
	prefix := hashPrefix(h)
	em := make([]byte, k)
	em[1] = 1
	for i := 2; i < k-len(prefix)-len(hashed)-1; i++ {
		em[i] = 0xff
	}
	copy(em[k-len(prefix)-len(hashed):], prefix)
	copy(em[k-len(hashed):], hashed)
	return em
}

// pssEncoding is EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with hooks to break it.
type pssEncoding struct {
	salt      []byte
	psByte    int  // if > 0, set DB[psByte-1] (in PS) to 1
	separator byte // the byte after PS, 0x01 when valid
	trailer   byte // the last byte, 0xbc when valid
	topBits   bool // set the bits above emBits after masking
	badH      bool // flip a bit of H after masking
}

func (p pssEncoding) encode(h crypto.Hash, hashed []byte, emBits int) []byte {
	emLen := (emBits + 7) / 8
	hLen := h.Size()
	m := h.New()
	m.Write(make([]byte, 8))
	m.Write(hashed)
	m.Write(p.salt)
	hh := m.Sum(nil)
	dbLen := emLen - hLen - 1
	db := make([]byte, dbLen)
	psLen := dbLen - len(p.salt) - 1
	db[psLen] = p.separator
	copy(db[psLen+1:], p.salt)
	if p.psByte > 0 {
		db[p.psByte-1] = 1
	}
	// MGF1 by the definition, independent of mgf1XOR.
	var mask []byte
	for c := uint32(0); len(mask) < dbLen; c++ {
		m := h.New()
		m.Write(hh)
		m.Write([]byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)})
		mask = m.Sum(mask)
	}
	for i := range db {
		db[i] ^= mask[i]
	}
	if p.topBits {
		db[0] |= ^byte(0xff >> (8*emLen - emBits))
	} else {
		db[0] &= 0xff >> (8*emLen - emBits)
	}
	if p.badH {
		hh[0] ^= 1
	}
	em := append(append(db, hh...), p.trailer)
	return em
}

// validPSS returns a valid encoding with the given salt.
func validPSS(salt []byte) pssEncoding {
	return pssEncoding{salt: salt, separator: 1, trailer: 0xbc}
}

// p256Pub returns the public key (x, y), which may be invalid: ecdsa's
// constructors refuse those, and the tests need them.
func p256Pub(x, y *big.Int) *ecdsa.PublicKey {
	return &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y} //lint:ignore SA1019 no other way to make an invalid key
}

// pubXY returns the coordinates of a valid key.
func pubXY(pub *ecdsa.PublicKey) (x, y *big.Int) {
	b, err := pub.Bytes()
	if err != nil {
		panic(err)
	}
	return new(big.Int).SetBytes(b[1:33]), new(big.Int).SetBytes(b[33:])
}

// privD returns the private scalar of priv.
func privD(priv *ecdsa.PrivateKey) *big.Int {
	b, err := priv.Bytes()
	if err != nil {
		panic(err)
	}
	return new(big.Int).SetBytes(b)
}

// p256Verdicts returns whether this package and crypto/ecdsa accept
// (r, s) for hashed.
func p256Verdicts(fk *P256PublicKey, pub *ecdsa.PublicKey, hashed, r, s []byte) (fast, std bool) {
	fast = fk.Verify(hashed, r, s)
	std = ecdsa.Verify(pub, hashed, new(big.Int).SetBytes(r), new(big.Int).SetBytes(s))
	return fast, std
}

// checkP256 is checkRSA for P-256.
func checkP256(t testing.TB, name string, pub *ecdsa.PublicKey, hashed, r, s []byte, want *bool) {
	t.Helper()
	fast, std := p256Verdicts(fastP256(t, pub), pub, hashed, r, s)
	if fast != std {
		key, _ := pub.Bytes()
		t.Errorf("P-256 %s: fastverify accepts: %v, crypto/ecdsa accepts: %v\nkey %x\nhashed %x\nr %x\ns %x", name, fast, std, key, hashed, r, s)
		return
	}
	if want != nil && fast != *want {
		t.Errorf("P-256 %s: both accept: %v, want %v", name, fast, *want)
	}
}

var (
	yes, no = true, false
	accept  = &yes
	refuse  = &no
)

var (
	curveN = elliptic.P256().Params().N
	curveP = elliptic.P256().Params().P
)

// signP256 signs hashed with a nonce derived from seed, so that fuzz
// failures reproduce (ecdsa.Sign always draws a random nonce). It returns
// 32-byte r and s.
func signP256(priv *ecdsa.PrivateKey, hashed, seed []byte) (r, s []byte) {
	d := privD(priv)
	e := hashToScalar(hashed)
	for ctr := byte(0); ; ctr++ {
		m := sha256.New()
		m.Write(seed)
		m.Write(d.Bytes())
		m.Write(hashed)
		m.Write([]byte{ctr})
		k := new(big.Int).SetBytes(m.Sum(nil))
		k.Mod(k, curveN)
		if k.Sign() == 0 {
			continue
		}
		kb := k.FillBytes(make([]byte, 32))
		ek, err := ecdh.P256().NewPrivateKey(kb)
		if err != nil {
			panic(err)
		}
		x := new(big.Int).SetBytes(ek.PublicKey().Bytes()[1:33])
		rr := x.Mod(x, curveN)
		if rr.Sign() == 0 {
			continue
		}
		ss := new(big.Int).Mul(rr, d)
		ss.Add(ss, e)
		ss.Mul(ss, new(big.Int).ModInverse(k, curveN)).Mod(ss, curveN)
		if ss.Sign() == 0 {
			continue
		}
		return rr.FillBytes(make([]byte, 32)), ss.FillBytes(make([]byte, 32))
	}
}

// hashToScalar is ECDSA's conversion of a digest to an integer for P-256:
// its leftmost 256 bits (not reduced).
func hashToScalar(hashed []byte) *big.Int {
	if len(hashed) > 32 {
		hashed = hashed[:32]
	}
	return new(big.Int).SetBytes(hashed)
}

// A reference implementation of P-256 point arithmetic in affine
// coordinates with math/big, slow and plain, to build special signatures
// and to check the point code. nil is the point at infinity.

type refPoint struct{ x, y *big.Int }

var refG = &refPoint{elliptic.P256().Params().Gx, elliptic.P256().Params().Gy}

func refAdd(a, b *refPoint) *refPoint {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	p := curveP
	var l *big.Int
	if a.x.Cmp(b.x) == 0 {
		if new(big.Int).Add(a.y, b.y).Mod(new(big.Int).Add(a.y, b.y), p).Sign() == 0 {
			return nil
		}
		// λ = (3x² − 3) / 2y
		num := new(big.Int).Mul(a.x, a.x)
		num.Mul(num, big.NewInt(3)).Sub(num, big.NewInt(3))
		den := new(big.Int).Lsh(a.y, 1)
		l = num.Mul(num, den.ModInverse(den.Mod(den, p), p))
	} else {
		num := new(big.Int).Sub(b.y, a.y)
		den := new(big.Int).Sub(b.x, a.x)
		l = num.Mul(num, den.ModInverse(den.Mod(den, p), p))
	}
	l.Mod(l, p)
	x := new(big.Int).Mul(l, l)
	x.Sub(x, a.x).Sub(x, b.x).Mod(x, p)
	y := new(big.Int).Sub(a.x, x)
	y.Mul(y, l).Sub(y, a.y).Mod(y, p)
	return &refPoint{x, y}
}

func refNeg(a *refPoint) *refPoint {
	if a == nil {
		return nil
	}
	return &refPoint{a.x, new(big.Int).Sub(curveP, a.y).Mod(new(big.Int).Sub(curveP, a.y), curveP)}
}

func refMul(k *big.Int, a *refPoint) *refPoint {
	var acc *refPoint
	for i := k.BitLen() - 1; i >= 0; i-- {
		acc = refAdd(acc, acc)
		if k.Bit(i) == 1 {
			acc = refAdd(acc, a)
		}
	}
	return acc
}

func (a *refPoint) publicKey() *ecdsa.PublicKey { return p256Pub(a.x, a.y) }
