package fastverify

import (
	"crypto/ecdh"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"slices"
	"testing"
)

// The fuzz targets are differential: each input picks a key from a small
// fixed set, a message and a mutation, and fails if this package and the
// standard library disagree. Signatures are deterministic (PKCS #1 v1.5,
// PSS with a salt from the input, ECDSA with a nonce from the input), so a
// failing input reproduces.
//
//	go test ./core/internal/fastverify -run '^$' -fuzz FuzzRSAPKCS1v15 -fuzztime 60s

// fuzzRSAKeys are the RSA keys the fuzzers use: small ones, to keep an
// iteration cheap, with both exponents and both PSS layouts.
func fuzzRSAKeys(t testing.TB) []*rsa.PrivateKey {
	return []*rsa.PrivateKey{
		rsaKey(t, 1024, 65537),
		rsaKey(t, 1025, 3),
		rsaKey(t, 2048, 3),
		rsaKey(t, 2049, 65537),
	}
}

// RSA mutations.
const (
	rsaValid    = iota // the signature as made
	rsaFlipSig         // flip bit pos of the signature
	rsaFlipHash        // flip bit pos of the digest
	rsaRawSig          // the signature is data
	rsaEdgeSig         // the signature is edge value pos
	rsaEditEM          // XOR data into the encoding at pos, then sign it
	rsaResize          // cut the signature to pos bytes, or extend it with data
	rsaHashLen         // cut or extend the digest
	rsaSaltLen         // PSS only: a salt of pos bytes, well encoded
	rsaModes
)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func fuzzRSA(f *testing.F, sc scheme) {
	keys := fuzzRSAKeys(f)
	for mode := range rsaModes {
		for key := range keys {
			f.Add(uint8(key), uint8(mode%3), []byte("eyJhbGciOiJSUzI1NiJ9.e30"), uint8(mode), uint16(7*mode+key), []byte{0x80, 1})
		}
	}
	f.Add(uint8(0), uint8(0), []byte{}, uint8(rsaEditEM), uint16(0), []byte{0xff})
	f.Add(uint8(1), uint8(1), []byte{}, uint8(rsaEditEM), uint16(1), []byte{0x01})
	f.Add(uint8(3), uint8(2), []byte{}, uint8(rsaEditEM), uint16(0), []byte{0x01})
	f.Add(uint8(2), uint8(0), []byte("x"), uint8(rsaSaltLen), uint16(0), []byte{})
	f.Fuzz(func(t *testing.T, keyIdx, hashIdx uint8, msg []byte, mode uint8, pos uint16, data []byte) {
		priv := keys[int(keyIdx)%len(keys)]
		pub := &priv.PublicKey
		h := testHashes[int(hashIdx)%len(testHashes)]
		hashed := digest(h, msg)
		k := pub.Size()
		emBits := pub.N.BitLen() - 1

		// The valid encoding and signature. PSS takes its salt from the
		// digest of the input, so that the signature is deterministic.
		var em []byte
		if sc == pss {
			if (emBits+7)/8 < 2*h.Size()+2 {
				// No PSS signature fits: anything must be refused.
				checkRSA(t, "no signature fits", priv, sc, h, hashed, data, refuse)
				return
			}
			salt := digest(h, append(append([]byte(nil), data...), msg...))
			em = validPSS(salt).encode(h, hashed, emBits)
			em = append(make([]byte, k-len(em)), em...)
		} else {
			em = pkcs1Encode(h, hashed, k)
		}
		sig := rawSign(priv, em)

		var want *bool
		switch int(mode) % rsaModes {
		case rsaValid:
			want = accept
		case rsaFlipSig:
			sig = flipBit(sig, int(pos)%(8*len(sig)))
			want = refuse
		case rsaFlipHash:
			hashed = flipBit(hashed, int(pos)%(8*len(hashed)))
			want = refuse
		case rsaRawSig:
			sig = data
		case rsaEdgeSig:
			edges := rsaEdgeSignatures(pub, sig)
			names := sortedKeys(edges)
			sig = edges[names[int(pos)%len(names)]]
			want = refuse
		case rsaEditEM:
			em = slices.Clone(em)
			for i, b := range data {
				em[(int(pos)+i)%k] ^= b
			}
			if new(big.Int).SetBytes(em).Cmp(pub.N) >= 0 {
				return
			}
			sig = rawSign(priv, em)
		case rsaResize:
			if n := int(pos) % (k + 2); n <= k {
				sig = sig[:n]
			} else {
				sig = append(sig, data...)
			}
			if len(sig) != k {
				want = refuse
			}
		case rsaHashLen:
			if n := int(pos) % (len(hashed) + 2); n <= len(hashed) {
				hashed = hashed[:n]
			} else {
				hashed = append(hashed, data...)
			}
		case rsaSaltLen:
			if sc != pss {
				return
			}
			emLen := (emBits + 7) / 8
			salt := make([]byte, int(pos)%(emLen-h.Size()-1))
			copy(salt, data)
			em = validPSS(salt).encode(h, hashed, emBits)
			em = append(make([]byte, k-len(em)), em...)
			sig = rawSign(priv, em)
			want = accept
			if len(salt) != h.Size() {
				want = refuse
			}
		}
		checkRSA(t, "fuzz", priv, sc, h, hashed, sig, want)
	})
}

func FuzzRSAPKCS1v15(f *testing.F) { fuzzRSA(f, pkcs1v15) }
func FuzzRSAPSS(f *testing.F)      { fuzzRSA(f, pss) }

// P-256 mutations.
const (
	p256Valid    = iota // the signature as made
	p256FlipR           // flip bit pos of r
	p256FlipS           // flip bit pos of s
	p256FlipHash        // flip bit pos of the digest
	p256RawR            // r is data
	p256RawS            // s is data
	p256EdgeR           // r is edge value pos
	p256EdgeS           // s is edge value pos
	p256NegS            // (r, n − s), also valid
	p256RawHash         // the digest is data, of any length, and signed
	p256Infinity        // u1·G + u2·Q = ∞ (r from data)
	p256Twice           // u1·G = u2·Q, so R = 2·u1·G: valid
	p256Modes
)

func FuzzP256(f *testing.F) {
	keys := testP256Keys()
	for mode := range p256Modes {
		for key := range keys {
			f.Add(uint8(key), []byte("eyJhbGciOiJFUzI1NiJ9.e30"), uint8(mode), uint16(13*mode+key), []byte{0x80, 0, 1})
		}
	}
	f.Add(uint8(6), []byte{}, uint8(p256Twice), uint16(0), []byte{1})
	f.Add(uint8(7), []byte{}, uint8(p256Twice), uint16(0), []byte{1})
	f.Add(uint8(0), []byte{}, uint8(p256RawHash), uint16(0), make([]byte, 64))
	f.Fuzz(func(t *testing.T, keyIdx uint8, msg []byte, mode uint8, pos uint16, data []byte) {
		priv := keys[int(keyIdx)%len(keys)]
		pub := &priv.PublicKey
		d := sha256.Sum256(msg)
		hashed := d[:]
		if int(mode)%p256Modes == p256RawHash {
			hashed = data
		}
		r, s := signP256(priv, hashed, data)

		var want *bool
		switch int(mode) % p256Modes {
		case p256Valid, p256RawHash:
			want = accept
		case p256FlipR:
			r = flipBit(r, int(pos)%256)
			want = refuse
		case p256FlipS:
			s = flipBit(s, int(pos)%256)
			want = refuse
		case p256FlipHash:
			hashed = flipBit(hashed, int(pos)%256)
			want = refuse
		case p256RawR:
			r = data
		case p256RawS:
			s = data
		case p256EdgeR, p256EdgeS:
			edges := p256EdgeScalars()
			names := sortedKeys(edges)
			v := edges[names[int(pos)%len(names)]]
			if int(mode)%p256Modes == p256EdgeR {
				r = v
			} else {
				s = v
			}
		case p256NegS:
			s = new(big.Int).Sub(curveN, new(big.Int).SetBytes(s)).Bytes()
			want = accept
		case p256Infinity:
			// e ≡ −r·d makes u1 + u2·d ≡ 0.
			rr := new(big.Int).Mod(new(big.Int).SetBytes(data), curveN)
			if rr.Sign() == 0 {
				return
			}
			e := new(big.Int).Mul(rr, privD(priv))
			e.Neg(e).Mod(e, curveN)
			hashed = e.FillBytes(make([]byte, 32))
			r = rr.Bytes()
			want = refuse
		case p256Twice:
			// u1 = u2·d, so u1·G = u2·Q and R = 2u1·G.
			u2 := new(big.Int).Mod(new(big.Int).SetBytes(data), curveN)
			if u2.Sign() == 0 {
				return
			}
			u1 := new(big.Int).Mul(u2, privD(priv))
			u1.Mod(u1, curveN)
			k := new(big.Int).Lsh(u1, 1)
			k.Mod(k, curveN)
			if k.Sign() == 0 {
				return
			}
			ek, err := ecdh.P256().NewPrivateKey(k.FillBytes(make([]byte, 32)))
			if err != nil {
				t.Fatal(err)
			}
			rr := new(big.Int).SetBytes(ek.PublicKey().Bytes()[1:33])
			rr.Mod(rr, curveN)
			if rr.Sign() == 0 {
				return
			}
			ss := new(big.Int).Mul(rr, new(big.Int).ModInverse(u2, curveN)) // r/s = u2
			ss.Mod(ss, curveN)
			e := new(big.Int).Mul(u1, ss) // e/s = u1
			e.Mod(e, curveN)
			hashed, r, s = e.FillBytes(make([]byte, 32)), rr.Bytes(), ss.Bytes()
			want = accept
		}
		checkP256(t, "fuzz", pub, hashed, r, s, want)
	})
}
