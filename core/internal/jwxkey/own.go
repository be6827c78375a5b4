package jwxkey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
)

// Own is the codec written on the standard library and jsonobj, with no
// jwx. Where it and jwx disagree, Own follows RFC 7517/7518/7638:
//
//   - Binary members are base64url without padding and nothing else
//     (RFC 7515 §2, RFC 7517 §4); jwx also takes the standard alphabet,
//     padding, line breaks and non-zero trailing bits.
//   - A member the RFCs define as a string (or, for key_ops and x5c, an
//     array of strings) must be one; jwx reads null as "" or as absent.
//   - An integer member (RFC 7518 §2, Base64urlUInt) must not be empty;
//     jwx drops an empty "dp", "dq" or "qi", and reads an "e" longer than
//     8 bytes as its low 64 bits.
//   - An EC "d" must be the curve's full size (RFC 7518 §6.2.2.1), as "x"
//     and "y" must in both; jwx takes any length.
//   - "key_ops" may not repeat a value (RFC 7517 §4.3).
//   - Multi-prime RSA keys are not supported (RFC 7518 §6.3.2.7 allows
//     that): Own refuses "oth" when it reads it; jwx ignores "oth" and
//     reads the key as two-prime, which core refuses later when the primes
//     do not multiply to "n" (and accepts when they do).
//   - Marshal writes any "use" the key has; jwx refuses all but "sig" and
//     "enc", which its own parser accepts.
//   - Duplicate member names are refused, at the top level of the JWK
//     (jsonobj); jwx keeps the last. core refuses them before either
//     codec sees the JWK.
var Own = Codec{Name: "own", Parse: parseOwn, Marshal: marshalOwn, Thumbprint: thumbprintOwn}

// ownLimits bound a JWK read by Own alone; core reads every JWK with its
// own, tighter, limits first.
var ownLimits = jsonobj.Limits{MaxDepth: 64, MaxValues: 1 << 20}

// jwkObject is a parsed JWK object with typed access to its members.
type jwkObject struct {
	obj jsonobj.Object
}

// str returns the string member name, and whether it is present.
func (k jwkObject) str(name string) (string, bool, error) {
	v, ok := k.obj.Get(name)
	if !ok {
		return "", false, nil
	}
	if len(v) == 0 || v[0] != '"' {
		return "", true, fmt.Errorf("%q is not a string", name)
	}
	if bytes.IndexByte(v, '\\') < 0 {
		// jsonobj has checked the string: without escapes, its bytes
		// between the quotes are its value.
		return string(v[1 : len(v)-1]), true, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", true, fmt.Errorf("%q: %v", name, err)
	}
	return s, true, nil
}

// strings returns the member name, an array of strings, and whether it is
// present.
func (k jwkObject) strings(name string) ([]string, bool, error) {
	v, ok := k.obj.Get(name)
	if !ok {
		return nil, false, nil
	}
	if len(v) == 0 || v[0] != '[' {
		return nil, true, fmt.Errorf("%q is not an array of strings", name)
	}
	var elems []any
	if err := json.Unmarshal(v, &elems); err != nil {
		return nil, true, fmt.Errorf("%q: %v", name, err)
	}
	list := make([]string, len(elems))
	for i, e := range elems {
		s, ok := e.(string)
		if !ok {
			return nil, true, fmt.Errorf("%q is not an array of strings", name)
		}
		list[i] = s
	}
	return list, true, nil
}

// bytes returns the base64url member name decoded, and whether it is
// present.
func (k jwkObject) bytes(name string) ([]byte, bool, error) {
	s, ok, err := k.str(name)
	if !ok || err != nil {
		return nil, ok, err
	}
	b, err := decodeBase64URL(s)
	if err != nil {
		return nil, true, fmt.Errorf("%q: %v", name, err)
	}
	return b, true, nil
}

// required returns the base64url member name decoded, refusing it absent
// or empty.
func (k jwkObject) required(what, name string) ([]byte, error) {
	b, ok, err := k.bytes(name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s has no %q", what, name)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s has an empty %q", what, name)
	}
	return b, nil
}

// integer returns the Base64urlUInt member name (RFC 7518 §2) as a big
// integer, or nil when it is absent.
func (k jwkObject) integer(what, name string) (*big.Int, error) {
	if _, ok := k.obj.Get(name); !ok {
		return nil, nil
	}
	b, err := k.required(what, name)
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(b), nil
}

var rawURL = base64.RawURLEncoding.Strict()

// decodeBase64URL decodes s as base64url without padding (RFC 7515 §2),
// refusing everything else encoding/base64 would let through: line breaks
// and non-zero trailing bits (Strict).
func decodeBase64URL(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\r' || c == '\n' || c == '=' {
			return nil, fmt.Errorf("not base64url without padding: %q at offset %d", c, i)
		}
	}
	b, err := rawURL.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not base64url without padding: %v", err)
	}
	return b, nil
}

func parseOwn(data []byte) (any, Meta, error) {
	obj, err := jsonobj.Parse(data, ownLimits)
	if err != nil {
		return nil, Meta{}, err
	}
	k := jwkObject{obj}
	kty, ok, err := k.str("kty")
	if err != nil {
		return nil, Meta{}, err
	}
	if !ok {
		return nil, Meta{}, errors.New(`no "kty"`)
	}
	meta, err := k.meta()
	if err != nil {
		return nil, Meta{}, err
	}
	var raw any
	switch kty {
	case "RSA":
		raw, err = k.rsa()
	case "EC":
		raw, err = k.ec()
	case "OKP":
		raw, err = k.okp()
	case "oct":
		raw, err = k.required("oct key", "k")
	default:
		return nil, Meta{}, fmt.Errorf("unsupported key type %q", kty)
	}
	if err != nil {
		return nil, Meta{}, err
	}
	return raw, meta, nil
}

// meta reads the members common to every key type (RFC 7517 §4).
func (k jwkObject) meta() (Meta, error) {
	var m Meta
	var err error
	for _, f := range []struct {
		name string
		dst  *string
	}{{"kid", &m.KeyID}, {"alg", &m.Algorithm}, {"use", &m.Use}, {"x5u", nil}, {"x5t", nil}, {"x5t#S256", nil}} {
		var s string
		if s, _, err = k.str(f.name); err != nil {
			return Meta{}, err
		}
		if f.dst != nil {
			*f.dst = s
		}
	}
	if _, _, err := k.strings("x5c"); err != nil {
		return Meta{}, err
	}
	ops, _, err := k.strings("key_ops")
	if err != nil {
		return Meta{}, err
	}
	for i, op := range ops {
		if slices.Contains(ops[:i], op) {
			return Meta{}, fmt.Errorf("\"key_ops\" lists %q twice (RFC 7517 §4.3)", op)
		}
	}
	if len(ops) > 0 {
		m.KeyOps = ops
	}
	return m, nil
}

func (k jwkObject) rsa() (any, error) {
	if _, ok := k.obj.Get("oth"); ok {
		return nil, errors.New(`multi-prime RSA keys ("oth") are not supported`)
	}
	n, err := k.required("RSA key", "n")
	if err != nil {
		return nil, err
	}
	e, err := k.required("RSA key", "e")
	if err != nil {
		return nil, err
	}
	e = bytes.TrimLeft(e, "\x00")
	if len(e) > 8 {
		return nil, fmt.Errorf("RSA exponent of %d bytes is too large", len(e))
	}
	var e64 uint64
	for _, c := range e {
		e64 = e64<<8 | uint64(c)
	}
	pub := rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(e64)}
	if _, ok := k.obj.Get("d"); !ok {
		return &pub, nil
	}
	priv := &rsa.PrivateKey{PublicKey: pub}
	ints := []struct {
		name string
		dst  **big.Int
	}{{"d", &priv.D}, {"dp", &priv.Precomputed.Dp}, {"dq", &priv.Precomputed.Dq}, {"qi", &priv.Precomputed.Qinv}}
	for _, f := range ints {
		if *f.dst, err = k.integer("RSA private key", f.name); err != nil {
			return nil, err
		}
	}
	p, err := k.integer("RSA private key", "p")
	if err != nil {
		return nil, err
	}
	q, err := k.integer("RSA private key", "q")
	if err != nil {
		return nil, err
	}
	if p == nil || q == nil {
		return nil, errors.New(`RSA private key without "p" and "q" is not supported`)
	}
	priv.Primes = []*big.Int{p, q}
	return priv, nil
}

func (k jwkObject) ec() (any, error) {
	crv, ok, err := k.str("crv")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New(`EC key has no "crv"`)
	}
	var curve elliptic.Curve
	switch crv {
	case "P-256":
		curve = elliptic.P256()
	case "P-384":
		curve = elliptic.P384()
	case "P-521":
		curve = elliptic.P521()
	default:
		return nil, fmt.Errorf("unsupported EC curve %q", crv)
	}
	x, err := k.required("EC key", "x")
	if err != nil {
		return nil, err
	}
	y, err := k.required("EC key", "y")
	if err != nil {
		return nil, err
	}
	if err := checkCoordinateSizes(crv, x, y); err != nil {
		return nil, err
	}
	// Unlike jwx, which builds the key from its numbers unchecked, this
	// refuses a point off the curve here; core would refuse it later.
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, slices.Concat([]byte{4}, x, y))
	if err != nil {
		return nil, fmt.Errorf("EC public key is not a point on %s", crv)
	}
	if _, ok := k.obj.Get("d"); !ok {
		return pub, nil
	}
	d, err := k.required("EC private key", "d")
	if err != nil {
		return nil, err
	}
	if size := coordinateSize(crv); len(d) != size {
		return nil, fmt.Errorf("EC %s \"d\" is %d bytes, want %d (RFC 7518 §6.2.2.1)", crv, len(d), size)
	}
	priv, err := ecdsa.ParseRawPrivateKey(curve, d)
	if err != nil {
		return nil, fmt.Errorf("invalid EC private key: %v", err)
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, errors.New("EC private key does not match its public point")
	}
	return priv, nil
}

// checkCoordinateSizes refuses EC coordinates that are not the curve's full
// size (RFC 7518 §6.2.1.2 and §6.2.1.3), and the point (0, 0).
func checkCoordinateSizes(crv string, x, y []byte) error {
	size := coordinateSize(crv)
	if len(x) != size || len(y) != size {
		return fmt.Errorf("EC %s coordinates are %d and %d bytes, want %d each (RFC 7518 §6.2.1.2)", crv, len(x), len(y), size)
	}
	// (0, 0) is how encodings without a point-at-infinity form write it;
	// say so rather than "not on the curve".
	if allZero(x) && allZero(y) {
		return errors.New("EC public key is the point at infinity (x = y = 0)")
	}
	return nil
}

func (k jwkObject) okp() (any, error) {
	crv, ok, err := k.str("crv")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New(`OKP key has no "crv"`)
	}
	if crv != "Ed25519" {
		return nil, fmt.Errorf("unsupported OKP curve %q", crv)
	}
	x, err := k.required("Ed25519 key", "x")
	if err != nil {
		return nil, err
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("Ed25519 public key is %d bytes, want %d", len(x), ed25519.PublicKeySize)
	}
	if _, ok := k.obj.Get("d"); !ok {
		return ed25519.PublicKey(x), nil
	}
	d, err := k.required("Ed25519 private key", "d")
	if err != nil {
		return nil, err
	}
	if len(d) != ed25519.SeedSize {
		return nil, fmt.Errorf("Ed25519 private key is %d bytes, want %d", len(d), ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(d)
	if !bytes.Equal(priv.Public().(ed25519.PublicKey), x) {
		return nil, errors.New("Ed25519 private key: \"x\" is not the public key of \"d\"")
	}
	return priv, nil
}

// member is one member of a JWK being written.
type member struct {
	name  string
	value []byte // raw JSON
}

func b64(b []byte) []byte {
	out := make([]byte, 0, base64.RawURLEncoding.EncodedLen(len(b))+2)
	out = append(out, '"')
	out = base64.RawURLEncoding.AppendEncode(out, b)
	return append(out, '"')
}

func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// keyMembers returns the key-material members of raw's JWK, kty included.
// With public, only the members of the public key (the RFC 7638 set).
func keyMembers(raw any, public bool) ([]member, error) {
	str := func(name, v string) member { return member{name, jsonString(v)} }
	bin := func(name string, v []byte) member { return member{name, b64(v)} }
	rsaPub := func(pub *rsa.PublicKey) ([]member, error) {
		if pub.N == nil {
			return nil, errors.New("RSA public key has no modulus")
		}
		var e [8]byte
		for i, v := 7, uint64(pub.E); i >= 0; i, v = i-1, v>>8 {
			e[i] = byte(v)
		}
		return []member{bin("e", bytes.TrimLeft(e[:], "\x00")), str("kty", "RSA"), bin("n", pub.N.Bytes())}, nil
	}
	ecPub := func(pub *ecdsa.PublicKey) ([]member, error) {
		if pub.Curve == nil {
			return nil, errors.New("EC public key has no curve")
		}
		crv := pub.Curve.Params().Name
		size := coordinateSize(crv)
		if size == 0 {
			return nil, fmt.Errorf("unsupported EC curve %q", crv)
		}
		point, err := pub.Bytes() // 4 || x || y
		if err != nil {
			return nil, err
		}
		return []member{str("crv", crv), str("kty", "EC"), bin("x", point[1:1+size]), bin("y", point[1+size:])}, nil
	}
	switch r := raw.(type) {
	case *rsa.PublicKey:
		return rsaPub(r)
	case *rsa.PrivateKey:
		ms, err := rsaPub(&r.PublicKey)
		if err != nil || public {
			return ms, err
		}
		if len(r.Primes) > 2 {
			return nil, fmt.Errorf("multi-prime RSA keys (%d primes) are not supported", len(r.Primes))
		}
		if r.D == nil {
			return nil, errors.New("RSA private key has no private exponent")
		}
		ms = append(ms, bin("d", r.D.Bytes()))
		for i, name := range []string{"p", "q"} {
			if i < len(r.Primes) && r.Primes[i] != nil {
				ms = append(ms, bin(name, r.Primes[i].Bytes()))
			}
		}
		for _, f := range []struct {
			name string
			v    *big.Int
		}{{"dp", r.Precomputed.Dp}, {"dq", r.Precomputed.Dq}, {"qi", r.Precomputed.Qinv}} {
			if f.v != nil {
				ms = append(ms, bin(f.name, f.v.Bytes()))
			}
		}
		return ms, nil
	case *ecdsa.PublicKey:
		return ecPub(r)
	case *ecdsa.PrivateKey:
		ms, err := ecPub(&r.PublicKey)
		if err != nil || public {
			return ms, err
		}
		d, err := r.Bytes()
		if err != nil {
			return nil, err
		}
		return append(ms, bin("d", d)), nil
	case ed25519.PublicKey:
		if len(r) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("Ed25519 public key is %d bytes, want %d", len(r), ed25519.PublicKeySize)
		}
		return []member{str("crv", "Ed25519"), str("kty", "OKP"), bin("x", r)}, nil
	case ed25519.PrivateKey:
		if len(r) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("Ed25519 private key is %d bytes, want %d", len(r), ed25519.PrivateKeySize)
		}
		ms := []member{str("crv", "Ed25519"), str("kty", "OKP"), bin("x", r.Public().(ed25519.PublicKey))}
		if public {
			return ms, nil
		}
		return append(ms, bin("d", r.Seed())), nil
	case []byte:
		return []member{bin("k", r), str("kty", "oct")}, nil
	}
	return nil, fmt.Errorf("unsupported key type %T", raw)
}

// writeObject writes members as a JSON object sorted by name, which is
// both jwx's order and RFC 7638's.
func writeObject(ms []member) []byte {
	slices.SortFunc(ms, func(a, b member) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(jsonString(m.name))
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func marshalOwn(raw any, meta Meta) ([]byte, error) {
	ms, err := keyMembers(raw, false)
	if err != nil {
		return nil, err
	}
	if meta.KeyID != "" {
		ms = append(ms, member{"kid", jsonString(meta.KeyID)})
	}
	if meta.Algorithm != "" {
		ms = append(ms, member{"alg", jsonString(meta.Algorithm)})
	}
	if meta.Use != "" {
		ms = append(ms, member{"use", jsonString(meta.Use)})
	}
	if len(meta.KeyOps) > 0 {
		ops, _ := json.Marshal(meta.KeyOps) // strings always marshal
		ms = append(ms, member{"key_ops", ops})
	}
	return writeObject(ms), nil
}

func thumbprintOwn(raw any) ([]byte, error) {
	ms, err := keyMembers(raw, true)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(writeObject(ms))
	return sum[:], nil
}
