package fastverify

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/bits"
)

// Errors. A Verify method returns ErrVerification for a signature that does
// not verify, and the others for calls the standard library would also
// refuse whatever the signature.
var (
	// ErrVerification is returned for a signature that does not verify.
	ErrVerification = errors.New("signature does not verify")

	// ErrUnsupportedHash is returned for a hash other than SHA-256,
	// SHA-384 and SHA-512.
	ErrUnsupportedHash = errors.New("unsupported hash: want SHA-256, SHA-384 or SHA-512")

	// ErrHashLength is returned when the digest is not as long as the
	// hash's output.
	ErrHashLength = errors.New("digest length does not match the hash")

	// ErrUnsupportedKey is returned by the constructors for keys this
	// package does not handle, valid or not; verify with the standard
	// library instead.
	ErrUnsupportedKey = errors.New("unsupported key")
)

// RSA key sizes NewRSAPublicKey accepts. crypto/rsa refuses moduli under
// 1024 bits by default; over 8192 bits a verification costs more than a
// JWT is worth, and the standard library still handles them.
const (
	minRSABits = 1024
	maxRSABits = 8192
)

// RSAPublicKey is an RSA public key prepared for verification: the
// modulus in limbs with its Montgomery constants. Make one with
// [NewRSAPublicKey] and keep it; it is immutable and safe for concurrent
// use.
type RSAPublicKey struct {
	mod  *modulus
	e    uint64
	bits int // the modulus's bit length
	size int // the modulus's byte length: every signature is this long
}

// NewRSAPublicKey prepares pub for verification. It returns an error
// wrapping [ErrUnsupportedKey] for a key crypto/rsa would refuse to verify
// with (even modulus, exponent even, below 3 or above 2³¹−1) and for
// moduli outside 1024..8192 bits; for the latter, verify with crypto/rsa.
func NewRSAPublicKey(pub *rsa.PublicKey) (*RSAPublicKey, error) {
	if pub == nil || pub.N == nil {
		return nil, fmt.Errorf("%w: missing RSA modulus", ErrUnsupportedKey)
	}
	if pub.N.Sign() <= 0 || pub.N.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: RSA modulus is not a positive odd number", ErrUnsupportedKey)
	}
	nb := pub.N.BitLen()
	if nb < minRSABits || nb > maxRSABits {
		return nil, fmt.Errorf("%w: %d-bit RSA modulus: want %d to %d bits", ErrUnsupportedKey, nb, minRSABits, maxRSABits)
	}
	// The same bounds as crypto/rsa, which keeps e within 31 bits so that
	// 32- and 64-bit platforms behave alike.
	if pub.E < 3 || pub.E%2 == 0 || pub.E > 1<<31-1 {
		return nil, fmt.Errorf("%w: RSA public exponent %d: want an odd number from 3 to 2³¹−1", ErrUnsupportedKey, pub.E)
	}
	return &RSAPublicKey{
		mod:  newModulus(pub.N),
		e:    uint64(pub.E),
		bits: nb,
		size: (nb + 7) / 8,
	}, nil
}

// Size returns the modulus's length in bytes, which is also the length of
// every valid signature.
func (k *RSAPublicKey) Size() int { return k.size }

// stackLimbs is the largest modulus, in limbs, whose public operation
// works in memory on the stack (4096 bits); larger ones allocate it.
const stackLimbs = 64

// publicOp sets em, which must be k.size bytes, to sig^e mod n, big-endian.
// As RFC 8017 §8.2.2 and §8.1.2 require, and crypto/rsa checks, the
// signature must be exactly k.size bytes and its value less than n.
//
// It allocates nothing for moduli up to 4096 bits: every verification
// that allocates makes work for the garbage collector, which costs
// verifiers on several cores more than the allocation itself.
func (k *RSAPublicKey) publicOp(em, sig []byte) error {
	if len(sig) != k.size {
		return ErrVerification
	}
	md := k.mod
	n := md.limbs()
	// Every number in one buffer: s, s·R, the running power, and the
	// multiplications' scratch.
	var stack [4*stackLimbs + 1]uint64
	buf := stack[:]
	if n > stackLimbs {
		buf = make([]uint64, 4*n+1)
	}
	s, sR, a, t := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n+1]
	bytesToLimbs(s, sig)
	if !less(s, md.m) {
		return ErrVerification
	}

	// Left-to-right square-and-multiply in Montgomery form, starting at
	// the top bit of e. e is odd, so the last step multiplies by s: done
	// with s itself rather than s·R, the product leaves Montgomery form
	// at no extra cost.
	md.mul(sR, s, md.rr, t)
	copy(a, sR)
	for i := bits.Len64(k.e) - 2; i > 0; i-- {
		md.mul(a, a, a, t)
		if k.e>>i&1 == 1 {
			md.mul(a, a, sR, t)
		}
	}
	md.mul(a, a, a, t)
	md.mul(a, a, s, t)

	limbsToBytes(em, a)
	return nil
}

// emBuffer returns room for k's encoded message: in stack, which the
// caller declares, when it fits.
func (k *RSAPublicKey) emBuffer(stack *[8 * stackLimbs]byte) []byte {
	if k.size > len(stack) {
		return make([]byte, k.size)
	}
	return stack[:k.size]
}

// The DER encodings of the DigestInfo that precedes the digest in an
// EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2, note 1).
var (
	prefixSHA256 = []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}
	prefixSHA384 = []byte{0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30}
	prefixSHA512 = []byte{0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40}
)

// hashPrefix returns the DigestInfo prefix for h, or nil for a hash this
// package does not support. Callers must not modify it.
func hashPrefix(h crypto.Hash) []byte {
	switch h {
	case crypto.SHA256:
		return prefixSHA256
	case crypto.SHA384:
		return prefixSHA384
	case crypto.SHA512:
		return prefixSHA512
	}
	return nil
}

// checkHash checks that h is supported and that hashed is one of its
// digests.
func checkHash(h crypto.Hash, hashed []byte) error {
	if hashPrefix(h) == nil {
		return ErrUnsupportedHash
	}
	if len(hashed) != h.Size() {
		return ErrHashLength
	}
	return nil
}

// VerifyPKCS1v15 verifies an RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2.2)
// of the digest hashed, made with h: SHA-256, SHA-384 or SHA-512. It
// returns nil for a valid signature, ErrVerification for an invalid one,
// and ErrUnsupportedHash or ErrHashLength for a bad h or hashed. It
// accepts exactly what rsa.VerifyPKCS1v15 accepts.
//
// The expected encoding is built from the digest and compared in full, so
// nothing is parsed out of the signature.
func (k *RSAPublicKey) VerifyPKCS1v15(h crypto.Hash, hashed, sig []byte) error {
	if err := checkHash(h, hashed); err != nil {
		return err
	}
	prefix := hashPrefix(h)
	// EM = 0x00 || 0x01 || PS || 0x00 || T with at least 8 bytes of 0xff
	// in PS (RFC 8017 §9.2, step 3).
	tLen := len(prefix) + len(hashed)
	if k.size < tLen+11 {
		return ErrVerification
	}
	var stack [8 * stackLimbs]byte
	em := k.emBuffer(&stack)
	if err := k.publicOp(em, sig); err != nil {
		return err
	}
	// Compared in place, part by part, with the encoding built from the
	// digest: nothing is parsed out of em.
	psEnd := k.size - tLen - 1
	if em[0] != 0x00 || em[1] != 0x01 || em[psEnd] != 0x00 {
		return ErrVerification
	}
	for _, b := range em[2:psEnd] {
		if b != 0xff {
			return ErrVerification
		}
	}
	if !bytes.Equal(em[psEnd+1:k.size-len(hashed)], prefix) || !bytes.Equal(em[k.size-len(hashed):], hashed) {
		return ErrVerification
	}
	return nil
}

// VerifyPSS verifies an RSASSA-PSS signature (RFC 8017 §8.1.2) of the
// digest hashed, made with h (SHA-256, SHA-384 or SHA-512), MGF1 with h,
// and a salt as long as the digest, as RFC 7518 §3.5 requires for PS256,
// PS384 and PS512. It returns nil for a valid signature, ErrVerification
// for an invalid one, and ErrUnsupportedHash or ErrHashLength for a bad h
// or hashed. It accepts exactly what rsa.VerifyPSS accepts with
// PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}.
func (k *RSAPublicKey) VerifyPSS(h crypto.Hash, hashed, sig []byte) error {
	if err := checkHash(h, hashed); err != nil {
		return err
	}
	var stack [8 * stackLimbs]byte
	em := k.emBuffer(&stack)
	if err := k.publicOp(em, sig); err != nil {
		return err
	}
	// EM is emBits = modBits−1 bits long (RFC 8017 §8.1.2 step 2c), so
	// one byte shorter than the modulus when modBits ≡ 1 mod 8, in which
	// case the extra leading byte of the public operation must be zero.
	emBits := k.bits - 1
	emLen := (emBits + 7) / 8
	if len(em) > emLen {
		if em[0] != 0 {
			return ErrVerification
		}
		em = em[1:]
	}
	if !emsaPSSVerify(h, hashed, em, emBits) {
		return ErrVerification
	}
	return nil
}

// emsaPSSVerify is EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with sLen = hLen, for
// an em of (emBits+7)/8 bytes and h one of the hashes checkHash accepts.
// It may overwrite em.
func emsaPSSVerify(h crypto.Hash, mHash, em []byte, emBits int) bool {
	hLen := h.Size()
	sLen := hLen
	emLen := len(em)
	// Step 3.
	if emLen < hLen+sLen+2 {
		return false
	}
	// Step 4.
	if em[emLen-1] != 0xbc {
		return false
	}
	// Steps 5 and 6: the bits of the first byte above emBits are zero.
	db, hPrime := em[:emLen-hLen-1], em[emLen-hLen-1:emLen-1]
	topMask := byte(0xff >> (8*emLen - emBits))
	if db[0]&^topMask != 0 {
		return false
	}
	// Steps 7 to 9.
	mgf1XOR(h, db, hPrime)
	db[0] &= topMask
	// Step 10: DB = PS || 0x01 || salt, with PS all zeros.
	psLen := emLen - hLen - sLen - 2
	for _, b := range db[:psLen] {
		if b != 0 {
			return false
		}
	}
	if db[psLen] != 0x01 {
		return false
	}
	// Steps 11 to 14: H = Hash(0x00 × 8 || mHash || salt).
	salt := db[len(db)-sLen:]
	var zeros [8]byte
	var sum [64]byte
	return bytes.Equal(hashOf(h, &sum, zeros[:], mHash, salt), hPrime)
}

// mgf1XOR XORs out with MGF1(seed, len(out)) over h (RFC 8017 §B.2.1).
func mgf1XOR(h crypto.Hash, out, seed []byte) {
	var counter [4]byte
	var sum [64]byte
	for done := 0; done < len(out); {
		block := hashOf(h, &sum, seed, counter[:], nil)
		done += subtle.XORBytes(out[done:], out[done:], block)
		for i := 3; i >= 0; i-- {
			counter[i]++
			if counter[i] != 0 {
				break
			}
		}
	}
}

// hashOf returns the hash h of a, b and c concatenated, in sum. The
// digests are the concrete types, which the compiler keeps on the stack
// (h.New() would allocate one per call, and every Sum through the
// hash.Hash interface its output).
func hashOf(h crypto.Hash, sum *[64]byte, a, b, c []byte) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.New()
		d.Write(a)
		d.Write(b)
		d.Write(c)
		return d.Sum(sum[:0])
	case crypto.SHA384:
		d := sha512.New384()
		d.Write(a)
		d.Write(b)
		d.Write(c)
		return d.Sum(sum[:0])
	case crypto.SHA512:
		d := sha512.New()
		d.Write(a)
		d.Write(b)
		d.Write(c)
		return d.Sum(sum[:0])
	}
	panic("fastverify: unexpected hash " + h.String())
}
