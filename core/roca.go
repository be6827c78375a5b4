package core

import "math/big"

// The ROCA fingerprint (Nemec, Sys, Svenda, Klinec and Matyas, "The Return
// of Coppersmith's Attack", CCS 2017; CVE-2017-15361). Infineon's RSA
// library made primes of the form k·M + (65537^a mod M), M a primorial, so
// that every modulus it made is congruent, modulo each small prime p
// dividing M, to a power of 65537. Such a modulus can be factored. For a
// random modulus the chance of passing every test below is about 2^-154.

// rocaPrimes are the small primes the published detector tests.
var rocaPrimes = [...]int64{3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73,
	79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167}

// rocaPowers[i] is the set of residues 65537^k mod rocaPrimes[i], one bit
// per residue (every prime is under 192). A bit set rather than maps: it
// is built when the module starts, and 38 maps cost a hundred kilobytes and
// hundreds of allocations there.
var rocaPowers = func() (out [len(rocaPrimes)][3]uint64) {
	for i, p := range rocaPrimes {
		g := 65537 % p
		for x := int64(1); out[i][x/64]&(1<<(x%64)) == 0; x = x * g % p {
			out[i][x/64] |= 1 << (x % 64)
		}
	}
	return out
}()

// hasROCAFingerprint reports whether n has the structure of an RSA
// modulus made by the vulnerable Infineon library.
func hasROCAFingerprint(n *big.Int) bool {
	var r, p big.Int
	for i, prime := range rocaPrimes {
		p.SetInt64(prime)
		x := r.Mod(n, &p).Int64()
		if rocaPowers[i][x/64]&(1<<(x%64)) == 0 {
			return false
		}
	}
	return true
}
