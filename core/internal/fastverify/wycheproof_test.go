package fastverify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

type wycheproofFile struct {
	Algorithm     string `json:"algorithm"`
	NumberOfTests int    `json:"numberOfTests"`
	TestGroups    []struct {
		SHA       string `json:"sha"`
		MGF       string `json:"mgf"`
		MGFSHA    string `json:"mgfSha"`
		SLen      *int   `json:"sLen"`
		PublicKey struct {
			// RSA
			Modulus        string `json:"modulus"`
			PublicExponent string `json:"publicExponent"`
			// EC
			Curve string `json:"curve"`
			WX    string `json:"wx"`
			WY    string `json:"wy"`
		} `json:"publicKey"`
		Tests []struct {
			TcID    int      `json:"tcId"`
			Comment string   `json:"comment"`
			Flags   []string `json:"flags"`
			Msg     string   `json:"msg"`
			Sig     string   `json:"sig"`
			Result  string   `json:"result"`
		} `json:"tests"`
	} `json:"testGroups"`
}

func readWycheproof(t *testing.T, name string) *wycheproofFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.WycheproofDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	var f wycheproofFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &f
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wycheproofHash(t *testing.T, name string) crypto.Hash {
	switch name {
	case "SHA-256":
		return crypto.SHA256
	case "SHA-384":
		return crypto.SHA384
	case "SHA-512":
		return crypto.SHA512
	}
	t.Fatalf("unexpected hash %q", name)
	return 0
}

func digest(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	}
	d := sha512.Sum512(msg)
	return d[:]
}

// wycheproofCounts tallies a file's cases.
type wycheproofCounts struct {
	valid, invalid, acceptable, skipped, accepted int
}

// check records a case and fails the test if this package and the
// standard library disagree, or if they disagree with a "valid" or
// "invalid" verdict. "acceptable" cases only need agreement; they are
// logged with the verdict.
func (c *wycheproofCounts) check(t *testing.T, file string, tcID int, comment, result string, fast, std bool) {
	t.Helper()
	switch result {
	case "valid":
		c.valid++
	case "invalid":
		c.invalid++
	case "acceptable":
		c.acceptable++
	default:
		t.Fatalf("%s #%d: unknown result %q", file, tcID, result)
	}
	if fast {
		c.accepted++
	}
	if fast != std {
		t.Errorf("%s #%d (%s, %s): fastverify accepts: %v, standard library accepts: %v", file, tcID, comment, result, fast, std)
		return
	}
	switch {
	case result == "valid" && !fast:
		t.Errorf("%s #%d (%s): valid, but both refuse", file, tcID, comment)
	case result == "invalid" && fast:
		t.Errorf("%s #%d (%s): invalid, but both accept", file, tcID, comment)
	case result == "acceptable":
		t.Logf("%s #%d (%s): acceptable; both %s", file, tcID, comment, map[bool]string{true: "accept", false: "refuse"}[fast])
	}
}

func (c *wycheproofCounts) log(t *testing.T, file string) {
	t.Logf("%s: %d valid, %d invalid, %d acceptable checked (%d accepted); %d skipped",
		file, c.valid, c.invalid, c.acceptable, c.accepted, c.skipped)
}

func TestWycheproofRSAPKCS1v15(t *testing.T) {
	for _, name := range []string{
		"rsa_signature_2048_sha256_test.json",
		"rsa_signature_2048_sha384_test.json",
		"rsa_signature_2048_sha512_test.json",
		"rsa_signature_3072_sha256_test.json",
		"rsa_signature_3072_sha384_test.json",
		"rsa_signature_3072_sha512_test.json",
		"rsa_signature_4096_sha256_test.json",
		"rsa_signature_4096_sha384_test.json",
		"rsa_signature_4096_sha512_test.json",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runWycheproofRSA(t, name, pkcs1v15)
		})
	}
}

func TestWycheproofRSAPSS(t *testing.T) {
	for _, name := range []string{
		"rsa_pss_2048_sha256_mgf1_32_test.json",
		"rsa_pss_2048_sha384_mgf1_48_test.json",
		"rsa_pss_3072_sha256_mgf1_32_test.json",
		"rsa_pss_4096_sha256_mgf1_32_test.json",
		"rsa_pss_4096_sha384_mgf1_48_test.json",
		"rsa_pss_4096_sha512_mgf1_64_test.json",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runWycheproofRSA(t, name, pss)
		})
	}
}

func runWycheproofRSA(t *testing.T, name string, sc scheme) {
	f := readWycheproof(t, name)
	var c wycheproofCounts
	for _, g := range f.TestGroups {
		h := wycheproofHash(t, g.SHA)
		if sc == pss && (g.MGF != "MGF1" || g.MGFSHA != g.SHA || g.SLen == nil || *g.SLen != h.Size()) {
			// RFC 7518 allows only MGF1 with the same hash and a salt
			// as long as the hash.
			c.skipped += len(g.Tests)
			continue
		}
		e := new(big.Int).SetBytes(unhex(t, g.PublicKey.PublicExponent))
		if !e.IsInt64() {
			t.Fatalf("%s: exponent %v", name, e)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(unhex(t, g.PublicKey.Modulus)), E: int(e.Int64())}
		fk, err := NewRSAPublicKey(pub)
		if err != nil {
			t.Fatalf("%s: NewRSAPublicKey: %v", name, err)
		}
		for _, tc := range g.Tests {
			hashed := digest(h, unhex(t, tc.Msg))
			fast, std := rsaVerdicts(t, fk, pub, sc, h, hashed, unhex(t, tc.Sig))
			c.check(t, name, tc.TcID, tc.Comment, tc.Result, fast, std)
		}
	}
	if total := c.valid + c.invalid + c.acceptable + c.skipped; total != f.NumberOfTests {
		t.Errorf("%s: ran %d cases, the file says it has %d", name, total, f.NumberOfTests)
	}
	c.log(t, name)
}

// TestWycheproofP256 runs the IEEE P1363 vectors: the signature is r || s,
// 32 bytes each, as in JWS. Signatures of any other length are refused, as
// core refuses them before verifying; when such a signature splits in two
// halves, the halves are also checked for agreement with crypto/ecdsa.
func TestWycheproofP256(t *testing.T) {
	const name = "ecdsa_secp256r1_sha256_p1363_test.json"
	f := readWycheproof(t, name)
	var c wycheproofCounts
	for _, g := range f.TestGroups {
		if g.PublicKey.Curve != "secp256r1" || g.SHA != "SHA-256" {
			t.Fatalf("%s: unexpected group %s %s", name, g.PublicKey.Curve, g.SHA)
		}
		pub := p256Pub(new(big.Int).SetBytes(unhex(t, g.PublicKey.WX)), new(big.Int).SetBytes(unhex(t, g.PublicKey.WY)))
		fk, err := NewP256PublicKey(pub)
		for _, tc := range g.Tests {
			sig := unhex(t, tc.Sig)
			hashed := digest(crypto.SHA256, unhex(t, tc.Msg))
			var fast, std bool
			if err != nil {
				// A key the constructor refuses: the standard library
				// must refuse its signatures.
				if len(sig) == 64 {
					std = ecdsa.Verify(pub, hashed, new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
				}
			} else if len(sig) == 64 {
				fast, std = p256Verdicts(fk, pub, hashed, sig[:32], sig[32:])
			} else if len(sig)%2 == 0 {
				half := len(sig) / 2
				f2, s2 := p256Verdicts(fk, pub, hashed, sig[:half], sig[half:])
				if f2 != s2 {
					t.Errorf("%s #%d (%s): halves of a %d-byte signature: fastverify accepts: %v, crypto/ecdsa accepts: %v", name, tc.TcID, tc.Comment, len(sig), f2, s2)
				}
			}
			c.check(t, name, tc.TcID, tc.Comment, tc.Result, fast, std)
		}
	}
	if total := c.valid + c.invalid + c.acceptable + c.skipped; total != f.NumberOfTests {
		t.Errorf("%s: ran %d cases, the file says it has %d", name, total, f.NumberOfTests)
	}
	c.log(t, name)
}
