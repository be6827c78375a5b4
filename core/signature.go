package core

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"math/big"
)

// digest hashes data with h, one of the SHA-2 hashes the algorithms use,
// into sum and returns the hash's bytes of it. It allocates nothing: the
// concrete digests stay on the stack, and data reaches them in chunks
// copied to the stack, where sha256.Sum256([]byte(data)) would copy the
// whole signing input to the heap.
func digest(sum *[64]byte, h crypto.Hash, data string) []byte {
	var chunk [512]byte
	switch h {
	case crypto.SHA256:
		d := sha256.New()
		for s := data; len(s) > 0; {
			n := copy(chunk[:], s)
			d.Write(chunk[:n])
			s = s[n:]
		}
		return d.Sum(sum[:0])
	case crypto.SHA384:
		d := sha512.New384()
		for s := data; len(s) > 0; {
			n := copy(chunk[:], s)
			d.Write(chunk[:n])
			s = s[n:]
		}
		return d.Sum(sum[:0])
	case crypto.SHA512:
		d := sha512.New()
		for s := data; len(s) > 0; {
			n := copy(chunk[:], s)
			d.Write(chunk[:n])
			s = s[n:]
		}
		return d.Sum(sum[:0])
	}
	panic("core: unexpected hash " + h.String())
}

// checkSignature reports whether sig is a signature of signingInput by k
// under a: with the fast path where fast selects it and it applies (RSA,
// and ECDSA on P-256), else with the standard library. The caller has
// checked that k fits a.
func checkSignature(a *algorithm, k *Key, signingInput string, sig []byte, fast fastPaths) bool {
	// Each case hashes into a sum of its own: a callee that lets its digest
	// escape (rsa.VerifyPSS does) moves only its own sum to the heap.
	rsaFamily := a.family == famRSA || a.family == famPSS
	if rsaFamily && (fast&fastRSA != 0 || fast&fastLargeRSA != 0 && k.Bits() > 2048) || fast&fastP256 != 0 && a.family == famECDSA {
		if f := k.fastFor(); f != nil {
			var sum [64]byte
			switch {
			case f.rsa != nil && a.family == famRSA:
				return f.rsa.VerifyPKCS1v15(a.hash, digest(&sum, a.hash, signingInput), sig) == nil
			case f.rsa != nil && a.family == famPSS:
				return f.rsa.VerifyPSS(a.hash, digest(&sum, a.hash, signingInput), sig) == nil
			case f.p256 != nil && a.family == famECDSA:
				// RFC 7518 §3.4: R and S, 32 bytes each, never DER.
				return len(sig) == 2*a.size && f.p256.Verify(digest(&sum, a.hash, signingInput), sig[:a.size], sig[a.size:])
			}
		}
	}
	switch a.family {
	case famRSA:
		var sum [64]byte
		return rsa.VerifyPKCS1v15(k.pub.(*rsa.PublicKey), a.hash, digest(&sum, a.hash, signingInput), sig) == nil
	case famPSS:
		// RFC 7518 §3.5: the salt is as long as the hash. Accepting any
		// salt length (what "auto" does) would accept signatures that no
		// conforming signer makes.
		var sum [64]byte
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: a.hash}
		return rsa.VerifyPSS(k.pub.(*rsa.PublicKey), a.hash, digest(&sum, a.hash, signingInput), sig, opts) == nil
	case famECDSA:
		// RFC 7518 §3.4: R and S as fixed-size big-endian integers, never
		// DER. ecdsa.Verify refuses r or s outside [1, n-1].
		if len(sig) != 2*a.size {
			return false
		}
		var sum [64]byte
		var r, s big.Int
		r.SetBytes(sig[:a.size])
		s.SetBytes(sig[a.size:])
		return ecdsa.Verify(k.pub.(*ecdsa.PublicKey), digest(&sum, a.hash, signingInput), &r, &s)
	case famEdDSA:
		return ed25519.Verify(k.pub.(ed25519.PublicKey), []byte(signingInput), sig)
	case famHMAC:
		mac := hmac.New(a.hash.New, k.secret)
		mac.Write([]byte(signingInput))
		return hmac.Equal(mac.Sum(nil), sig)
	}
	return false
}

// createSignature signs signingInput with k under a.
func createSignature(a *algorithm, k *Key, signingInput string) ([]byte, error) {
	var sum [64]byte
	switch a.family {
	case famRSA:
		return rsa.SignPKCS1v15(rand.Reader, k.priv.(*rsa.PrivateKey), a.hash, digest(&sum, a.hash, signingInput))
	case famPSS:
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: a.hash}
		return rsa.SignPSS(rand.Reader, k.priv.(*rsa.PrivateKey), a.hash, digest(&sum, a.hash, signingInput), opts)
	case famECDSA:
		r, s, err := ecdsa.Sign(rand.Reader, k.priv.(*ecdsa.PrivateKey), digest(&sum, a.hash, signingInput))
		if err != nil {
			return nil, err
		}
		sig := make([]byte, 2*a.size)
		r.FillBytes(sig[:a.size])
		s.FillBytes(sig[a.size:])
		return sig, nil
	case famEdDSA:
		return ed25519.Sign(k.priv.(ed25519.PrivateKey), []byte(signingInput)), nil
	case famHMAC:
		mac := hmac.New(a.hash.New, k.secret)
		mac.Write([]byte(signingInput))
		return mac.Sum(nil), nil
	}
	panic("core: unexpected algorithm family")
}

// CheckSignature reports whether signature is a signature of signingInput
// under alg by key: the bare cryptographic check of a JWS, with no header,
// no policy and no claims. It exists to measure what a full verification
// adds to it; to accept a token, use a [Verifier].
//
// crypto chooses the signature code as [WithCrypto] does; an unknown value
// reports false.
func CheckSignature(crypto, alg string, key *Key, signingInput string, signature []byte) bool {
	a := lookupAlg(alg)
	fast, ok := useFast(crypto)
	if !ok || a == nil || key == nil || !key.fits(a) || (a.family != famHMAC && key.pub == nil) {
		return false
	}
	return checkSignature(a, key, signingInput, signature, fast)
}
