//go:build !wasip1

package core

// The JWK codecs, differentially: jwxkey.Own (the WebAssembly module's)
// against jwxkey.JWX (native builds', jwx/v2) over every JWK of the test
// corpora and of Wycheproof, every key of testdata/keys written out by
// both, and FuzzJWKCodecs seeded from all of them.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
	"github.com/jwtwasm/jwtwasm/core/internal/jwxkey"
)

// jwkKnownDifferences are the inputs on which the codecs may disagree,
// each a test on the input alone and the reason Own is right (RFC 7517,
// 7518). On every one of them Own refuses a JWK that jwx, and core after
// it, would accept; the reverse is never allowed. The jwxkey.Own doc says
// the same for readers of the code.
var jwkKnownDifferences = []struct {
	name, why string
	applies   func(obj map[string]json.RawMessage) bool
}{
	{"base64", "binary members are base64url without padding (RFC 7515 §2, RFC 7517 §4); jwx also takes padding, '+', '/', line breaks, non-zero trailing bits",
		func(obj map[string]json.RawMessage) bool {
			for _, name := range jwkBinaryMembers {
				var s string
				if v, ok := obj[name]; ok && json.Unmarshal(v, &s) == nil && !isRawURL(s) {
					return true
				}
			}
			return false
		}},
	{"not-a-string", "members RFC 7517/7518 define as strings (or arrays of strings) must be; jwx reads null as \"\" or absent",
		func(obj map[string]json.RawMessage) bool {
			for name, v := range obj {
				if !slices.Contains(jwkStringMembers, name) && !slices.Contains(jwkBinaryMembers, name) {
					continue
				}
				if t := bytes.TrimSpace(v); bytes.Equal(t, []byte("null")) ||
					(name == "key_ops" || name == "x5c") && bytes.Contains(t, []byte("null")) {
					return true
				}
			}
			return false
		}},
	{"empty-integer", "an empty Base64urlUInt is no integer (RFC 7518 §2: zero is \"AA\"); jwx drops an empty \"dp\", \"dq\", \"qi\"",
		func(obj map[string]json.RawMessage) bool {
			for _, name := range []string{"dp", "dq", "qi"} {
				if v, ok := obj[name]; ok && string(bytes.TrimSpace(v)) == `""` {
					return true
				}
			}
			return false
		}},
	{"long-exponent", "an RSA \"e\" over 8 bytes; jwx keeps its low 64 bits",
		func(obj map[string]json.RawMessage) bool {
			var s string
			_ = json.Unmarshal(obj["e"], &s)
			b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
			return err == nil && len(bytes.TrimLeft(b, "\x00")) > 8
		}},
	{"ec-d-size", "an EC \"d\" must be the curve's full size (RFC 7518 §6.2.2.1), as \"x\" and \"y\" must in both codecs",
		func(obj map[string]json.RawMessage) bool {
			var kty, crv, d string
			_ = json.Unmarshal(obj["kty"], &kty)
			_ = json.Unmarshal(obj["crv"], &crv)
			_ = json.Unmarshal(obj["d"], &d)
			sizes := map[string]int{"P-256": 32, "P-384": 48, "P-521": 66}
			b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(d, "="))
			return kty == "EC" && err == nil && len(b) != sizes[crv]
		}},
	{"oth", "jwx ignores \"oth\" and reads a multi-prime key as two-prime (refused later when the primes do not multiply to \"n\"); Own refuses multi-prime keys when it reads \"oth\" (RFC 7518 §6.3.2.7)",
		func(obj map[string]json.RawMessage) bool {
			_, ok := obj["oth"]
			return ok
		}},
	{"key_ops-repeated", "\"key_ops\" must not repeat a value (RFC 7517 §4.3)",
		func(obj map[string]json.RawMessage) bool {
			var ops []string
			if json.Unmarshal(obj["key_ops"], &ops) != nil {
				return false
			}
			for i, op := range ops {
				if slices.Contains(ops[:i], op) {
					return true
				}
			}
			return false
		}},
}

var (
	jwkBinaryMembers = []string{"n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y", "k"}
	jwkStringMembers = []string{"kty", "crv", "kid", "alg", "use", "x5u", "x5t", "x5t#S256", "x5c", "key_ops"}
)

func isRawURL(s string) bool {
	if strings.ContainsAny(s, "=\r\n") {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

// knownDifference returns the name of the first known difference that
// applies to data, or "".
func knownDifference(data []byte) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return ""
	}
	for _, d := range jwkKnownDifferences {
		if d.applies(obj) {
			return d.name
		}
	}
	return ""
}

// codecResult is what one codec, and core after it, make of a JWK.
type codecResult struct {
	raw      any
	meta     jwxkey.Meta
	parseErr error // the codec's
	coreErr  error // keyFromRaw's on the codec's result
}

func (r codecResult) accepted() bool { return r.parseErr == nil && r.coreErr == nil }

func (r codecResult) String() string {
	switch {
	case r.parseErr != nil:
		return "refused by the codec: " + r.parseErr.Error()
	case r.coreErr != nil:
		return "refused by core: " + r.coreErr.Error()
	}
	return "accepted"
}

func runCodec(c jwxkey.Codec, data []byte) codecResult {
	var r codecResult
	r.raw, r.meta, r.parseErr = c.Parse(data)
	if r.parseErr == nil {
		// keyFromRaw precomputes RSA values in place: give it a copy.
		_, r.coreErr = keyFromRaw(cloneRaw(r.raw), r.meta)
	}
	return r
}

func cloneRaw(raw any) any {
	switch r := raw.(type) {
	case *rsa.PrivateKey:
		c := *r
		c.Primes = slices.Clone(r.Primes)
		return &c
	case *ecdsa.PrivateKey:
		c := *r
		return &c
	}
	return raw
}

// jwkVerdict is the outcome of comparing the codecs on one JWK, for the
// counts.
type jwkVerdict string

const (
	verdictSkipped  jwkVerdict = "refused by core before either codec"
	verdictAccepted jwkVerdict = "accepted by both, same key, metadata, thumbprint and JWK"
	verdictRefused  jwkVerdict = "refused by both"
)

// compareJWKCodecs runs data through both codecs and fails t on any
// difference not in jwkKnownDifferences.
func compareJWKCodecs(t testing.TB, data []byte) jwkVerdict {
	t.Helper()
	// What parseJWK checks before handing the JWK to a codec.
	obj, err := jsonobj.Parse(data, jsonLimits)
	if err != nil {
		return verdictSkipped
	}
	if _, ok := obj.Get("kty"); !ok {
		return verdictSkipped
	}
	jwx, own := runCodec(jwxkey.JWX, data), runCodec(jwxkey.Own, data)
	if jwx.parseErr == nil && own.parseErr == nil {
		if !sameRaw(jwx.raw, own.raw) {
			t.Fatalf("codecs read different keys from %s:\njwx %#v\nown %#v", data, jwx.raw, own.raw)
		}
		if !sameMeta(jwx.meta, own.meta) {
			t.Fatalf("codecs read different metadata from %s:\njwx %+v\nown %+v", data, jwx.meta, own.meta)
		}
	}
	switch {
	case jwx.accepted() && own.accepted():
		compareWrites(t, data, own.raw, own.meta)
		return verdictAccepted
	case !jwx.accepted() && !own.accepted():
		return verdictRefused
	case jwx.accepted():
		if d := knownDifference(data); d != "" {
			return jwkVerdict("known difference: " + d)
		}
	}
	t.Fatalf("codecs disagree on %s:\njwx: %v\nown: %v", data, jwx, own)
	return ""
}

// compareWrites checks that both codecs give raw the same thumbprint and
// write it as the same JWK, which both read back as raw and meta.
func compareWrites(t testing.TB, from []byte, raw any, meta jwxkey.Meta) {
	t.Helper()
	tj, errJ := jwxkey.JWX.Thumbprint(raw)
	to, errO := jwxkey.Own.Thumbprint(raw)
	if errJ != nil || errO != nil || !bytes.Equal(tj, to) {
		t.Fatalf("thumbprints of %s differ: jwx %x (%v), own %x (%v)", from, tj, errJ, to, errO)
	}
	if meta.Use != "sig" && meta.Use != "enc" {
		// jwx writes no "use" but "sig" and "enc" (see jwxkey.Own).
		meta.Use = ""
	}
	mj, errJ := jwxkey.JWX.Marshal(raw, meta)
	mo, errO := jwxkey.Own.Marshal(raw, meta)
	if errJ != nil || errO != nil {
		t.Fatalf("writing the key of %s: jwx %v, own %v", from, errJ, errO)
	}
	// Semantically equal is what counts; both sort their members, so the
	// bytes are equal too, and golden files may rely on that.
	if !bytes.Equal(mj, mo) {
		var vj, vo any
		if json.Unmarshal(mj, &vj) != nil || json.Unmarshal(mo, &vo) != nil || !reflect.DeepEqual(vj, vo) {
			t.Fatalf("codecs write the key of %s differently:\njwx %s\nown %s", from, mj, mo)
		}
		t.Fatalf("codecs write the key of %s as equal JSON but different bytes:\njwx %s\nown %s", from, mj, mo)
	}
	for _, c := range []jwxkey.Codec{jwxkey.JWX, jwxkey.Own} {
		back, backMeta, err := c.Parse(mo)
		if err != nil || !sameRaw(back, raw) || !sameMeta(backMeta, meta) {
			t.Fatalf("%s does not read back %s (from %s): %v", c.Name, mo, from, err)
		}
	}
}

func sameMeta(a, b jwxkey.Meta) bool {
	return a.KeyID == b.KeyID && a.Algorithm == b.Algorithm && a.Use == b.Use && slices.Equal(a.KeyOps, b.KeyOps)
}

func sameInt(a, b *big.Int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Cmp(b) == 0
}

// sameRaw reports whether two keys as the codecs return them are of the
// same type and hold the same numbers.
func sameRaw(a, b any) bool {
	switch a := a.(type) {
	case *rsa.PublicKey:
		b, ok := b.(*rsa.PublicKey)
		return ok && sameInt(a.N, b.N) && a.E == b.E
	case *rsa.PrivateKey:
		b, ok := b.(*rsa.PrivateKey)
		return ok && a.Equal(b) &&
			slices.EqualFunc(a.Primes, b.Primes, sameInt) && sameInt(a.Precomputed.Dp, b.Precomputed.Dp) &&
			sameInt(a.Precomputed.Dq, b.Precomputed.Dq) && sameInt(a.Precomputed.Qinv, b.Precomputed.Qinv)
	case *ecdsa.PublicKey:
		b, ok := b.(*ecdsa.PublicKey)
		return ok && a.Equal(b)
	case *ecdsa.PrivateKey:
		b, ok := b.(*ecdsa.PrivateKey)
		return ok && a.Equal(b)
	case ed25519.PublicKey:
		b, ok := b.(ed25519.PublicKey)
		return ok && bytes.Equal(a, b)
	case ed25519.PrivateKey:
		b, ok := b.(ed25519.PrivateKey)
		return ok && bytes.Equal(a, b)
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	}
	return false
}

// jwkCorpus returns every JWK of core's test data and of every Wycheproof
// file (the JOSE files, and the keys of the ECDSA, EdDSA and RSA signature
// files), each under a name saying where it came from.
func jwkCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	add := func(where string, data []byte) {
		collectJWKs(where, data, out)
	}
	var files []string
	for _, pattern := range []string{"testdata/keys/*.jwk", "testdata/fuzz/keys/*.jwk", "testdata/fuzz/keys/*.json"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		add(file, data)
	}
	// Case and vector files: "key: value" lines, some values JSON.
	var texts []string
	for _, pattern := range []string{"testdata/cases/*", "testdata/vectors/*"} {
		m, _ := filepath.Glob(pattern)
		texts = append(texts, m...)
	}
	for _, file := range texts {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if _, v, ok := strings.Cut(line, ": "); ok && strings.HasPrefix(v, "{") {
				add(fmt.Sprintf("%s:%d", file, i+1), []byte(v))
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no JWK in core's test data")
	}
	wp := 0
	if _, err := os.Stat(jwkWycheproofDir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Wycheproof vectors not found at %s: %v", jwkWycheproofDir, err)
		}
		t.Logf("Wycheproof vectors not found at %s (../shared is absent in a fresh clone; CI has it): %v", jwkWycheproofDir, err)
	} else {
		// The JOSE files, and every other file's "publicKeyJwk" and
		// "keyJwk" (the ECDSA, EdDSA and RSA signature vectors).
		names, err := filepath.Glob(filepath.Join(jwkWycheproofDir, "*_test.json"))
		if err != nil || len(names) < 3 {
			t.Fatalf("Wycheproof files in %s: %d (%v)", jwkWycheproofDir, len(names), err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			before := len(out)
			add("wycheproof/"+filepath.Base(name), data)
			wp += len(out) - before
		}
		if wp == 0 {
			t.Fatal("no JWK in the Wycheproof files")
		}
	}
	return out
}

// collectJWKs adds to out every JSON object in data that has a "kty"
// member, as its exact bytes, named by where and its path.
func collectJWKs(where string, data []byte, out map[string][]byte) {
	var walk func(path string, v json.RawMessage)
	walk = func(path string, v json.RawMessage) {
		v = bytes.TrimSpace(v)
		switch {
		case bytes.HasPrefix(v, []byte("{")):
			var obj map[string]json.RawMessage
			if json.Unmarshal(v, &obj) != nil {
				return
			}
			if _, ok := obj["kty"]; ok {
				out[where+path] = v
			}
			names := make([]string, 0, len(obj))
			for name := range obj {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				walk(path+"."+name, obj[name])
			}
		case bytes.HasPrefix(v, []byte("[")):
			var arr []json.RawMessage
			if json.Unmarshal(v, &arr) != nil {
				return
			}
			for i, e := range arr {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("", data)
}

func TestJWKCodecsAgree(t *testing.T) {
	corpus := jwkCorpus(t)
	counts := map[jwkVerdict]int{}
	distinct := map[string]bool{}
	for name, data := range corpus {
		distinct[string(data)] = true
		t.Run(name, func(t *testing.T) {
			v := compareJWKCodecs(t, data)
			if strings.HasPrefix(string(v), "known") {
				t.Logf("%s: %s", v, data)
			}
			source := "core testdata"
			if strings.HasPrefix(name, "wycheproof/") {
				source = "Wycheproof"
			}
			counts[jwkVerdict(source+": "+string(v))]++
		})
	}
	t.Logf("%d JWKs (%d distinct):", len(corpus), len(distinct))
	verdicts := make([]string, 0, len(counts))
	for v := range counts {
		verdicts = append(verdicts, string(v))
	}
	sort.Strings(verdicts)
	for _, v := range verdicts {
		t.Logf("  %4d %s", counts[jwkVerdict(v)], v)
	}
}

// TestJWKCodecsWriteAlike writes every key of testdata/keys, PEM ones
// included, private and public, with both codecs.
func TestJWKCodecsWriteAlike(t *testing.T) {
	files, _ := filepath.Glob("testdata/keys/*.*")
	n := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		k, err := ParseKey(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, k := range []*Key{k, k.Public()} {
			if k == nil { // a secret has no public part
				continue
			}
			meta := jwxkey.Meta{KeyID: k.kid, Algorithm: k.alg, Use: k.use, KeyOps: k.keyOps}
			compareWrites(t, []byte(file), k.raw(), meta)
			// Characters encoding/json escapes, as jwx's writer does.
			withMeta := jwxkey.Meta{KeyID: "a<b>&c\u2028\"", Algorithm: "RS256", Use: "sig", KeyOps: []string{"verify", "sign"}}
			compareWrites(t, []byte(file), k.raw(), withMeta)
			n += 2
		}
	}
	if n == 0 {
		t.Fatal("no keys in testdata/keys")
	}
	t.Logf("%d keys written alike", n)
}

// FuzzJWKCodecs holds the codecs to the same verdict, key material,
// metadata, thumbprint and written JWK on any input, seeded with every JWK
// of the corpora.
func FuzzJWKCodecs(f *testing.F) {
	corpus := jwkCorpus(f)
	names := make([]string, 0, len(corpus))
	for name := range corpus {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f.Add(corpus[name])
	}
	for _, data := range jwkEdits(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareJWKCodecs(t, data)
	})
}

// jwkWycheproofDir is wpDir of wycheproof_test.go, which is in package
// core_test.
const jwkWycheproofDir = "../../shared/testdata/wycheproof"

// jwkEdits returns variants of the fixed keys' JWKs, each with one member
// changed, named by the change: the edge cases the corpora lack, for
// TestJWKCodecEdges and as fuzz seeds. A nil value removes the member.
func jwkEdits(t testing.TB) map[string][]byte {
	t.Helper()
	base := func(name string, public bool) map[string]any {
		k := fixedKey(t, name)
		if public {
			k = k.Public()
		}
		data, err := k.MarshalJWK()
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	out := map[string][]byte{}
	edit := func(name, key string, public bool, changes map[string]any) {
		m := base(key, public)
		for k, v := range changes {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = data
	}
	null := json.RawMessage("null")
	rsaN := base("rsa", true)["n"].(string)
	p256 := base("p256", false)
	ed := base("ed", true)
	// Known differences: own refuses, jwx accepts.
	edit("base64-padding", "ed", true, map[string]any{"x": ed["x"].(string) + "="})
	edit("base64-std-alphabet", "rsa", true, map[string]any{"n": strings.NewReplacer("-", "+", "_", "/").Replace(rsaN)})
	edit("base64-line-break", "rsa", true, map[string]any{"n": rsaN[:64] + "\n" + rsaN[64:]})
	edit("not-a-string-kid-null", "rsa", true, map[string]any{"kid": null})
	edit("not-a-string-key_ops-null-element", "rsa", true, map[string]any{"key_ops": []any{"verify", nil}})
	edit("empty-integer-dp", "rsa", false, map[string]any{"dp": ""})
	out["ec-d-size-short"] = shortECScalarJWK(t)
	edit("key_ops-repeated", "rsa", true, map[string]any{"key_ops": []string{"verify", "verify"}})
	// Agreements, refused by both.
	edit("oth-two-prime", "rsa", false, map[string]any{"oth": []any{map[string]any{"r": "AQ", "d": "AQ", "t": "AQ"}}})
	edit("rsa-private-without-primes", "rsa", false, map[string]any{"p": nil, "q": nil, "dp": nil, "dq": nil, "qi": nil})
	edit("ec-x-short", "p256", true, map[string]any{"x": p256["x"].(string)[2:]})
	edit("ec-curve-unknown", "p256", true, map[string]any{"crv": "secp256k1"})
	edit("okp-x25519", "ed", true, map[string]any{"crv": "X25519"})
	edit("okp-x-mismatch", "ed", false, map[string]any{"x": base("ed", false)["d"]})
	edit("kty-unknown", "oct", false, map[string]any{"kty": "OCT"})
	edit("kid-number", "rsa", true, map[string]any{"kid": 7})
	edit("key_ops-string", "rsa", true, map[string]any{"key_ops": "verify"})
	edit("oct-empty", "oct", false, map[string]any{"k": ""})
	edit("rsa-n-missing", "rsa", true, map[string]any{"n": nil})
	// Agreements, accepted by both.
	edit("unknown-members", "p256", true, map[string]any{"ext": true, "x5c": []string{"MIIB"}, "x5t": "abc", "foo": map[string]any{"a": []any{1, nil}}})
	edit("use-other", "ed", true, map[string]any{"use": "other"})
	edit("key_ops-other", "ed", true, map[string]any{"key_ops": []string{"verify", "frob"}})
	edit("alg-and-kid", "p256", true, map[string]any{"alg": "ES256", "kid": "k<1>"})
	return out
}

// shortECScalarJWK returns a P-256 private JWK whose "d" is written
// without its leading zero byte, as some writers do.
func shortECScalarJWK(t testing.TB) []byte {
	t.Helper()
	for {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		d, err := k.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if d[0] != 0 {
			continue
		}
		data, err := jwxkey.Own.Marshal(k, jwxkey.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		m["d"] = base64.RawURLEncoding.EncodeToString(d[1:])
		data, err = json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
}

func TestJWKCodecEdges(t *testing.T) {
	edits := jwkEdits(t)
	names := make([]string, 0, len(edits))
	for name := range edits {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data := edits[name]
		t.Run(name, func(t *testing.T) {
			got := compareJWKCodecs(t, data)
			want := verdictRefused
			for _, d := range jwkKnownDifferences {
				if strings.HasPrefix(name, d.name) {
					want = jwkVerdict("known difference: " + d.name)
				}
			}
			if strings.HasPrefix(name, "unknown-") || strings.HasSuffix(name, "-other") || name == "alg-and-kid" {
				want = verdictAccepted
			}
			if got != want {
				t.Fatalf("%s: got %q, want %q", data, got, want)
			}
		})
	}
}

// TestParseKeySetFollowsOwnCodec checks that a native build refuses what
// the module's codec refuses though jwx would read it, with the module's
// message: the engines must agree on every key document.
func TestParseKeySetFollowsOwnCodec(t *testing.T) {
	for _, doc := range []string{
		`{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}`, // padded base64url
		`{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8","kid":null}`,
		`{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8","key_ops":["sign","sign"]}`,
	} {
		_, _, ownErr := jwxkey.Own.Parse([]byte(doc))
		_, err := ParseKeySet([]byte(doc))
		if err == nil || ownErr == nil || !strings.Contains(err.Error(), ownErr.Error()) {
			t.Errorf("%s: ParseKeySet %v, the module's codec %v", doc, err, ownErr)
		}
	}
}
