package fastverify

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"testing"
)

var testHashes = []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512}

func randBytes(r *mrand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func flipBit(b []byte, bit int) []byte {
	c := append([]byte(nil), b...)
	c[bit/8] ^= 0x80 >> (bit % 8)
	return c
}

// rsaEdgeSignatures returns signature values that must not verify: 0, 1,
// 2, n−1, n, n+1, the largest k-byte value, and lengths one off.
func rsaEdgeSignatures(pub *rsa.PublicKey, valid []byte) map[string][]byte {
	k := pub.Size()
	num := func(x *big.Int) []byte {
		if x.BitLen() > 8*k {
			return nil
		}
		return x.FillBytes(make([]byte, k))
	}
	one := big.NewInt(1)
	all := make([]byte, k)
	for i := range all {
		all[i] = 0xff
	}
	neg := new(big.Int).Sub(pub.N, new(big.Int).SetBytes(valid))
	return map[string][]byte{
		"0":             num(big.NewInt(0)),
		"1":             num(one),
		"2":             num(big.NewInt(2)),
		"n-1":           num(new(big.Int).Sub(pub.N, one)),
		"n":             num(pub.N),
		"n+1":           num(new(big.Int).Add(pub.N, one)),
		"n+sig":         num(new(big.Int).Add(pub.N, new(big.Int).SetBytes(valid))),
		"2^8k-1":        all,
		"n-sig":         num(neg),
		"empty":         {},
		"one byte":      {1},
		"short":         valid[1:],
		"zero prefixed": append([]byte{0}, valid...),
		"twice":         append(append([]byte(nil), valid...), valid...),
	}
}

// TestRSA signs random digests with every test key and checks valid
// signatures, bit flips of signature and digest, edge values and wrong
// lengths against crypto/rsa.
func TestRSA(t *testing.T) {
	r := mrand.New(mrand.NewPCG(21, 22))
	for _, priv := range rsaKeys(t) {
		pub := &priv.PublicKey
		for _, sc := range []scheme{pkcs1v15, pss} {
			for _, h := range testHashes {
				seed := r.Uint64()
				t.Run(fmt.Sprintf("bits=%d/e=%d/%v/%v", pub.N.BitLen(), pub.E, sc, h), func(t *testing.T) {
					t.Parallel()
					r := mrand.New(mrand.NewPCG(seed, 0))
					hashed := randBytes(r, h.Size())
					var sig []byte
					var err error
					if sc == pss {
						sig, err = rsa.SignPSS(rand.Reader, priv, h, hashed, pssOpts)
					} else {
						sig, err = rsa.SignPKCS1v15(nil, priv, h, hashed)
					}
					if err != nil {
						// PSS with SHA-512 does not fit a 1024-bit key.
						sig = randBytes(r, pub.Size())
						checkRSA(t, "no signature fits", priv, sc, h, hashed, sig, refuse)
						return
					}
					checkRSA(t, "valid", priv, sc, h, hashed, sig, accept)
					bitsToFlip := []int{0, 1, 2, 7, 8, 8*len(sig) - 1, 8*len(sig) - 8}
					for range 12 {
						bitsToFlip = append(bitsToFlip, r.IntN(8*len(sig)))
					}
					for _, bit := range bitsToFlip {
						checkRSA(t, fmt.Sprintf("sig bit %d flipped", bit), priv, sc, h, hashed, flipBit(sig, bit), refuse)
					}
					for _, bit := range []int{0, 8*len(hashed) - 1, r.IntN(8 * len(hashed)), r.IntN(8 * len(hashed))} {
						checkRSA(t, fmt.Sprintf("hash bit %d flipped", bit), priv, sc, h, flipBit(hashed, bit), sig, refuse)
					}
					for name, s := range rsaEdgeSignatures(pub, sig) {
						if s != nil {
							checkRSA(t, "sig "+name, priv, sc, h, hashed, s, refuse)
						}
					}
					checkRSA(t, "digest one byte short", priv, sc, h, hashed[1:], sig, refuse)
					checkRSA(t, "digest one byte long", priv, sc, h, append(hashed, 0), sig, refuse)
					checkRSA(t, "empty digest", priv, sc, h, nil, sig, refuse)
					for _, other := range testHashes {
						if other != h {
							d := make([]byte, other.Size())
							copy(d, hashed)
							checkRSA(t, "other hash "+other.String(), priv, sc, other, d, sig, refuse)
						}
					}
				})
			}
		}
	}
}

// TestRSAPKCS1v15Encodings signs malformed encodings directly with the
// private key, so that the public operation yields them: only the one
// exact encoding may verify.
func TestRSAPKCS1v15Encodings(t *testing.T) {
	r := mrand.New(mrand.NewPCG(23, 24))
	for _, priv := range rsaKeys(t) {
		pub := &priv.PublicKey
		k := pub.Size()
		for _, h := range testHashes {
			if skipSlowKey(pub, h) {
				continue
			}
			seed := r.Uint64()
			t.Run(fmt.Sprintf("bits=%d/e=%d/%v", pub.N.BitLen(), pub.E, h), func(t *testing.T) {
				t.Parallel()
				r := mrand.New(mrand.NewPCG(seed, 0))
				hashed := randBytes(r, h.Size())
				good := pkcs1Encode(h, hashed, k)
				prefix := hashPrefix(h)
				tLen := len(prefix) + len(hashed)
				variants := map[string]struct {
					em   []byte
					want bool
				}{"exact": {good, true}}
				add := func(name string, f func(em []byte) []byte) {
					em := f(append([]byte(nil), good...))
					variants[name] = struct {
						em   []byte
						want bool
					}{em, false}
				}
				add("block type 2", func(em []byte) []byte { em[1] = 2; return em })
				add("block type 0", func(em []byte) []byte { em[1] = 0; return em })
				add("PS byte fe", func(em []byte) []byte { em[5] = 0xfe; return em })
				add("last PS byte 0", func(em []byte) []byte { em[k-tLen-2] = 0; return em })
				add("separator 1", func(em []byte) []byte { em[k-tLen-1] = 1; return em })
				add("leading byte 1", func(em []byte) []byte { em[0] = 1; return em })
				add("prefix byte flipped", func(em []byte) []byte { em[k-tLen+3] ^= 1; return em })
				add("digest byte flipped", func(em []byte) []byte { em[k-1] ^= 1; return em })
				// Garbage after the digest, PS shortened (Bleichenbacher's
				// e = 3 forgery needs a parser that stops at the digest).
				add("garbage after digest", func(em []byte) []byte {
					out := make([]byte, k)
					out[1] = 1
					for i := 2; i < 10; i++ {
						out[i] = 0xff
					}
					copy(out[11:], prefix)
					copy(out[11+len(prefix):], hashed)
					for i := 11 + tLen; i < k; i++ {
						out[i] = byte(r.Uint32())
					}
					return out
				})
				add("missing NULL", func(em []byte) []byte {
					// 30 (len−2) 30 (len−2) OID, no 05 00: one more
					// byte of PS.
					p := append([]byte(nil), prefix...)
					p[1] -= 2
					p[3] -= 2
					p = append(p[:15], p[17:]...)
					out := make([]byte, k)
					out[1] = 1
					for i := 2; i < k-len(p)-len(hashed)-1; i++ {
						out[i] = 0xff
					}
					copy(out[k-len(p)-len(hashed):], p)
					copy(out[k-len(hashed):], hashed)
					return out
				})
				add("digest of other length", func(em []byte) []byte {
					other := crypto.SHA256
					if h == crypto.SHA256 {
						other = crypto.SHA512
					}
					d := make([]byte, other.Size())
					copy(d, hashed)
					return pkcs1Encode(other, d, k)
				})
				for name, v := range variants {
					if new(big.Int).SetBytes(v.em).Cmp(pub.N) >= 0 {
						continue // not a value the public operation can yield
					}
					sig := rawSign(priv, v.em)
					want := v.want
					checkRSA(t, name, priv, pkcs1v15, h, hashed, sig, &want)
				}
			})
		}
	}
}

// skipSlowKey reports whether to skip the encoding tests for pub and h:
// signing with an 8192-bit key takes a tenth of a second (seconds in
// WebAssembly), and the encodings do not depend on the key size, so the
// largest key gets one hash, and none in -short mode.
func skipSlowKey(pub *rsa.PublicKey, h crypto.Hash) bool {
	return pub.N.BitLen() > 4096 && (h != crypto.SHA256 || testing.Short())
}

// TestRSAPSSEncodings is TestRSAPKCS1v15Encodings for PSS: other salt
// lengths, bad trailer, separator, padding and top bits, for moduli where
// emLen is the modulus length and where it is one byte less (2049, 1025).
func TestRSAPSSEncodings(t *testing.T) {
	r := mrand.New(mrand.NewPCG(25, 26))
	for _, priv := range rsaKeys(t) {
		pub := &priv.PublicKey
		k := pub.Size()
		emBits := pub.N.BitLen() - 1
		for _, h := range testHashes {
			hLen := h.Size()
			if (emBits+7)/8 < 2*hLen+2 || skipSlowKey(pub, h) {
				continue
			}
			seed := r.Uint64()
			t.Run(fmt.Sprintf("bits=%d/e=%d/%v", pub.N.BitLen(), pub.E, h), func(t *testing.T) {
				t.Parallel()
				r := mrand.New(mrand.NewPCG(seed, 0))
				hashed := randBytes(r, hLen)
				salt := randBytes(r, hLen)
				type variant struct {
					enc  pssEncoding
					want bool
				}
				variants := map[string]variant{
					"valid":            {validPSS(salt), true},
					"empty salt":       {validPSS(nil), false},
					"salt one short":   {validPSS(salt[1:]), false},
					"salt one long":    {validPSS(append(salt, 7)), false},
					"salt twice":       {validPSS(append(salt, salt...)), false},
					"salt of 20 bytes": {validPSS(salt[:20]), false},
				}
				e := validPSS(salt)
				e.trailer = 0xbd
				variants["trailer bd"] = variant{e, false}
				e = validPSS(salt)
				e.trailer = 0
				variants["trailer 0"] = variant{e, false}
				e = validPSS(salt)
				e.separator = 2
				variants["separator 2"] = variant{e, false}
				e = validPSS(salt)
				e.separator = 0
				variants["separator 0"] = variant{e, false}
				e = validPSS(salt)
				e.psByte = 1
				variants["first PS byte 1"] = variant{e, false}
				e = validPSS(salt)
				e.psByte = (emBits+7)/8 - 2*hLen - 2
				variants["last PS byte 1"] = variant{e, false}
				e = validPSS(salt)
				e.badH = true
				variants["H flipped"] = variant{e, false}
				if emBits%8 != 0 {
					e = validPSS(salt)
					e.topBits = true
					variants["bits above emBits set"] = variant{e, false}
				}
				for name, v := range variants {
					if len(v.enc.salt)+hLen+2 > (emBits+7)/8 {
						continue // does not fit
					}
					em := v.enc.encode(h, hashed, emBits)
					full := make([]byte, k)
					copy(full[k-len(em):], em)
					if k > len(em) {
						// The extra leading byte must be zero.
						lead := append([]byte(nil), full...)
						lead[0] = 1
						if new(big.Int).SetBytes(lead).Cmp(pub.N) < 0 {
							checkRSA(t, name+", leading byte 1", priv, pss, h, hashed, rawSign(priv, lead), refuse)
						}
					}
					if new(big.Int).SetBytes(full).Cmp(pub.N) >= 0 {
						continue
					}
					want := v.want
					checkRSA(t, name, priv, pss, h, hashed, rawSign(priv, full), &want)
				}
			})
		}
	}
}

// TestRSAUnsupportedHash checks that hashes other than SHA-2 are refused
// with ErrUnsupportedHash, and a wrong digest length with ErrHashLength.
func TestRSAUnsupportedHash(t *testing.T) {
	priv := rsaKey(t, 2048, 65537)
	k := fastRSA(t, &priv.PublicKey)
	sig := make([]byte, k.Size())
	for _, h := range []crypto.Hash{0, crypto.SHA1, crypto.SHA224, crypto.MD5, crypto.SHA3_256, crypto.SHA512_256} {
		if err := k.VerifyPKCS1v15(h, make([]byte, 32), sig); !errors.Is(err, ErrUnsupportedHash) {
			t.Errorf("VerifyPKCS1v15(%v) = %v, want ErrUnsupportedHash", h, err)
		}
		if err := k.VerifyPSS(h, make([]byte, 32), sig); !errors.Is(err, ErrUnsupportedHash) {
			t.Errorf("VerifyPSS(%v) = %v, want ErrUnsupportedHash", h, err)
		}
	}
	if err := k.VerifyPKCS1v15(crypto.SHA256, make([]byte, 31), sig); !errors.Is(err, ErrHashLength) {
		t.Errorf("VerifyPKCS1v15 with a 31-byte digest = %v, want ErrHashLength", err)
	}
	if err := k.VerifyPSS(crypto.SHA384, make([]byte, 32), sig); !errors.Is(err, ErrHashLength) {
		t.Errorf("VerifyPSS with a 32-byte SHA-384 digest = %v, want ErrHashLength", err)
	}
	if err := k.VerifyPKCS1v15(crypto.SHA256, make([]byte, 32), sig); !errors.Is(err, ErrVerification) {
		t.Errorf("VerifyPKCS1v15 of a zero signature = %v, want ErrVerification", err)
	}
}

func TestNewRSAPublicKey(t *testing.T) {
	odd := func(nbits int) *big.Int {
		n := new(big.Int).Lsh(big.NewInt(1), uint(nbits-1))
		return n.Add(n, big.NewInt(1))
	}
	n2048 := rsaKey(t, 2048, 65537).N
	tests := []struct {
		name string
		pub  *rsa.PublicKey
		ok   bool
	}{
		{"nil", nil, false},
		{"nil modulus", &rsa.PublicKey{E: 65537}, false},
		{"even modulus", &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 2047), E: 65537}, false},
		{"negative modulus", &rsa.PublicKey{N: new(big.Int).Neg(n2048), E: 65537}, false},
		{"1023 bits", &rsa.PublicKey{N: odd(1023), E: 65537}, false},
		{"1024 bits", &rsa.PublicKey{N: odd(1024), E: 65537}, true},
		{"8192 bits", &rsa.PublicKey{N: odd(8192), E: 65537}, true},
		{"8193 bits", &rsa.PublicKey{N: odd(8193), E: 65537}, false},
		{"e = 1", &rsa.PublicKey{N: n2048, E: 1}, false},
		{"e = 2", &rsa.PublicKey{N: n2048, E: 2}, false},
		{"e = 3", &rsa.PublicKey{N: n2048, E: 3}, true},
		{"e = 65536", &rsa.PublicKey{N: n2048, E: 65536}, false},
		{"e = −3", &rsa.PublicKey{N: n2048, E: -3}, false},
		{"e = 2³¹−1", &rsa.PublicKey{N: n2048, E: 1<<31 - 1}, true},
		{"e = 2³¹+1", &rsa.PublicKey{N: n2048, E: 1<<31 + 1}, false},
	}
	for _, tt := range tests {
		k, err := NewRSAPublicKey(tt.pub)
		if tt.ok != (err == nil) {
			t.Errorf("%s: NewRSAPublicKey: %v, want ok: %v", tt.name, err, tt.ok)
		}
		if err != nil {
			if !errors.Is(err, ErrUnsupportedKey) {
				t.Errorf("%s: error %v does not wrap ErrUnsupportedKey", tt.name, err)
			}
			continue
		}
		if k.Size() != (tt.pub.N.BitLen()+7)/8 {
			t.Errorf("%s: Size() = %d", tt.name, k.Size())
		}
		// Whatever the key, verdicts match crypto/rsa's, which also
		// refuses these keys' signatures when their checks fail.
		sig := make([]byte, k.Size())
		sig[len(sig)-1] = 2
		fast, std := rsaVerdicts(t, k, tt.pub, pkcs1v15, crypto.SHA256, make([]byte, 32), sig)
		if fast || std {
			t.Errorf("%s: a signature of 2 verifies: fast %v, stdlib %v", tt.name, fast, std)
		}
	}
}

// TestRSAExponents checks the public operation for exponents other than
// the test keys', against math/big.
func TestRSAExponents(t *testing.T) {
	priv := rsaKey(t, 2048, 65537)
	r := mrand.New(mrand.NewPCG(27, 28))
	for _, e := range []int{3, 5, 7, 17, 257, 65537, 65539, 1<<31 - 1, 0x5555_5555} {
		k, err := NewRSAPublicKey(&rsa.PublicKey{N: priv.N, E: e})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			s := new(big.Int).Mod(new(big.Int).SetBytes(randBytes(r, k.Size())), priv.N)
			sig := s.FillBytes(make([]byte, k.Size()))
			got := make([]byte, k.Size())
			if err := k.publicOp(got, sig); err != nil {
				t.Fatal(err)
			}
			want := new(big.Int).Exp(s, big.NewInt(int64(e)), priv.N).FillBytes(make([]byte, k.Size()))
			if string(got) != string(want) {
				t.Fatalf("e = %d: s^e = %x, want %x", e, got, want)
			}
		}
	}
}

// TestRSAAllocs pins that verifying allocates nothing up to 4096 bits: on
// several cores, a verifier's garbage costs more than its arithmetic.
func TestRSAAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("instrumented builds allocate")
	}
	for _, nbits := range []int{2048, 4096} {
		priv := rsaKey(t, nbits, 65537)
		k := fastRSA(t, &priv.PublicKey)
		for _, h := range testHashes {
			hashed := make([]byte, h.Size())
			pkcs, err := rsa.SignPKCS1v15(nil, priv, h, hashed)
			if err != nil {
				t.Fatal(err)
			}
			pss, err := rsa.SignPSS(rand.Reader, priv, h, hashed, pssOpts)
			if err != nil {
				t.Fatal(err)
			}
			if n := testing.AllocsPerRun(10, func() {
				if k.VerifyPKCS1v15(h, hashed, pkcs) != nil || k.VerifyPSS(h, hashed, pss) != nil {
					t.Fatal("a valid signature does not verify")
				}
			}); n != 0 {
				t.Errorf("RSA-%d with %v: %v allocations per verification, want 0", nbits, h, n)
			}
		}
	}
}
