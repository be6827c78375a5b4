package core

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// vector is one file of testdata/vectors: "name: value" lines, a blank
// line, then the token.
type vector struct {
	fields map[string]string
	token  string
}

func readVector(t *testing.T, path string) vector {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := vector{fields: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	inBody := false
	var body []string
	for sc.Scan() {
		line := sc.Text()
		if !inBody {
			if line == "" {
				inBody = true
				continue
			}
			name, value, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("%s: header line %q is not \"name: value\"", path, line)
			}
			if _, dup := v.fields[name]; dup {
				t.Fatalf("%s: field %q given twice", path, name)
			}
			v.fields[name] = value
			continue
		}
		body = append(body, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	v.token = strings.TrimSpace(strings.Join(body, ""))
	for _, need := range []string{"expect", "alg", "jwt", "key"} {
		if v.fields[need] == "" {
			t.Fatalf("%s: no %q field", path, need)
		}
	}
	if v.token == "" {
		t.Fatalf("%s: no token after the blank line", path)
	}
	return v
}

// TestVectors verifies the known-answer vectors (RFC 7515 Appendix A,
// RFC 8037 Appendix A.4) with the listed key and algorithm, and checks that
// a signature with one byte flipped is refused.
func TestVectors(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "vectors", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no vectors in testdata/vectors: the glob matched nothing")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			t.Parallel()
			vec := readVector(t, file)
			key, err := ParseKey([]byte(vec.fields["key"]))
			if err != nil {
				t.Fatalf("key: %v", err)
			}
			alg := vec.fields["alg"]
			a := lookupAlg(alg)
			if a == nil {
				t.Fatalf("unknown alg %q", alg)
			}
			now := testNow
			if s, ok := vec.fields["now"]; ok {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					t.Fatalf("now: %v", err)
				}
				now = time.Unix(n, 0)
			}
			isJWT, err := strconv.ParseBool(vec.fields["jwt"])
			if err != nil {
				t.Fatalf("jwt: %v", err)
			}
			var want Code
			if e := vec.fields["expect"]; e != "valid" {
				var ok bool
				if want, ok = ParseCode(e); !ok {
					t.Fatalf("expect %q: want \"valid\" or a code name", e)
				}
			}
			set := mustSet(t, key)
			// AllowNoExpiry: RFC examples need not carry "exp"; when they
			// do, it is still checked.
			v := mustVerifier(t, set, Policy{Algorithms: []string{alg}, AllowNoExpiry: true}, WithClock(at(now)))

			if isJWT {
				tok, err := v.Verify(vec.token)
				checkErr(t, err, want)
				if err == nil && tok.Claims == nil {
					t.Fatal("no claims")
				}
			} else {
				// The payload is not a claims set, so Verify would refuse
				// it; check the JWS layer alone.
				var h Header
				c, sig, err := splitCompact(vec.token, &h, nil)
				if err != nil {
					t.Fatalf("splitCompact: %v", err)
				}
				if h.Algorithm != alg {
					t.Fatalf("header alg %q, vector says %q", h.Algorithm, alg)
				}
				ok := checkSignature(a, key, c.signingInput, sig, 0)
				if ok != (want == 0) {
					t.Fatalf("verifySignature = %v, expect %q", ok, vec.fields["expect"])
				}
				_, _, err = v.verifySignature(vec.token, set, new(Header))
				checkErr(t, err, want)
			}
			if want != 0 {
				return
			}

			// One flipped byte anywhere in the signature breaks it.
			_, _, sig := tokenParts(t, vec.token)
			for _, i := range []int{0, len(sig) / 2, len(sig) - 1} {
				bad := testkit.FlipSignatureBit(t, vec.token, i)
				if isJWT {
					_, err = v.Verify(bad)
				} else {
					_, _, err = v.verifySignature(bad, set, new(Header))
				}
				wantCode(t, err, CodeBadSignature)
			}
			// A JWT vector that carries "exp" is expired from that moment.
			if !isJWT {
				return
			}
			tok, err := v.Verify(vec.token)
			if err != nil || tok.Claims.ExpiresAt.IsZero() {
				return
			}
			late := mustVerifier(t, set, Policy{Algorithms: []string{alg}}, WithClock(at(tok.Claims.ExpiresAt)))
			_, err = late.Verify(vec.token)
			wantCode(t, err, CodeExpired)
		})
	}
}
