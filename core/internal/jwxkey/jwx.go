//go:build !wasip1

package jwxkey

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// selected is the codec of native builds: jwx, held to the verdicts of
// the module's own codec. Own refuses a few kinds of input that jwx
// accepts (padded or non-canonical base64url, null where a string is
// due, an "e" over 64 bits, a short EC "d", "oth", repeated key_ops: see
// core's jwkcodec_test.go) and never the reverse, so that checking with
// Own first makes both engines accept exactly the same JWKs and refuse
// them with the same messages. Keys are parsed once per key set, never
// per token, so the second parse costs nothing that matters.
var selected = Codec{Name: "jwx", Parse: parseJWXAsOwn, Marshal: marshalJWX, Thumbprint: thumbprintJWX}

func parseJWXAsOwn(data []byte) (any, Meta, error) {
	if _, _, err := parseOwn(data); err != nil {
		return nil, Meta{}, err
	}
	return parseJWX(data)
}

// JWX is the codec that calls jwx/v2. The WebAssembly module does not
// have it (see the package doc).
var JWX = Codec{Name: "jwx", Parse: parseJWX, Marshal: marshalJWX, Thumbprint: thumbprintJWX}

func parseJWX(data []byte) (any, Meta, error) {
	k, err := jwk.ParseKey(data)
	if err != nil {
		return nil, Meta{}, err
	}
	if err := checkEncoding(k); err != nil {
		return nil, Meta{}, err
	}
	var raw any
	if err := k.Raw(&raw); err != nil {
		return nil, Meta{}, err
	}
	meta := Meta{KeyID: k.KeyID(), Use: k.KeyUsage()}
	if a := k.Algorithm(); a != nil {
		meta.Algorithm = a.String()
	}
	for _, op := range k.KeyOps() {
		meta.KeyOps = append(meta.KeyOps, string(op))
	}
	// jwx returns pointers for OKP keys in some paths; normalise to values.
	switch r := raw.(type) {
	case *ed25519.PrivateKey:
		raw = *r
	case *ed25519.PublicKey:
		raw = *r
	}
	return raw, meta, nil
}

// checkEncoding refuses what jwx would turn into a less precise error or
// accept: EC coordinates that are not the curve's full size (RFC 7518
// §6.2.1.2 and §6.2.1.3), and an Ed25519 private key whose "x" is not the
// public key of its "d".
func checkEncoding(k jwk.Key) error {
	switch k := k.(type) {
	case jwk.ECDSAPublicKey:
		return checkCoordinates(k.Crv(), k.X(), k.Y())
	case jwk.ECDSAPrivateKey:
		return checkCoordinates(k.Crv(), k.X(), k.Y())
	case jwk.OKPPrivateKey:
		if k.Crv() == jwa.Ed25519 && len(k.D()) == ed25519.SeedSize &&
			!bytes.Equal(ed25519.NewKeyFromSeed(k.D()).Public().(ed25519.PublicKey), k.X()) {
			return errors.New("Ed25519 private key: \"x\" is not the public key of \"d\"")
		}
	}
	return nil
}

func checkCoordinates(crv jwa.EllipticCurveAlgorithm, x, y []byte) error {
	size := coordinateSize(crv.String())
	if size == 0 {
		return nil // jwx names the unsupported curve
	}
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

func marshalJWX(raw any, meta Meta) ([]byte, error) {
	k, err := jwk.FromRaw(raw)
	if err != nil {
		return nil, err
	}
	set := func(name string, v any) {
		if err == nil {
			err = k.Set(name, v)
		}
	}
	if meta.KeyID != "" {
		set(jwk.KeyIDKey, meta.KeyID)
	}
	if meta.Algorithm != "" {
		set(jwk.AlgorithmKey, jwa.KeyAlgorithmFrom(meta.Algorithm))
	}
	if meta.Use != "" {
		set(jwk.KeyUsageKey, meta.Use)
	}
	if len(meta.KeyOps) > 0 {
		ops := make(jwk.KeyOperationList, len(meta.KeyOps))
		for i, op := range meta.KeyOps {
			ops[i] = jwk.KeyOperation(op)
		}
		set(jwk.KeyOpsKey, ops)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(k)
}

func thumbprintJWX(raw any) ([]byte, error) {
	switch raw.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey, *ecdsa.PrivateKey, *ecdsa.PublicKey,
		ed25519.PrivateKey, ed25519.PublicKey, []byte:
	default:
		return nil, fmt.Errorf("unsupported key type %T", raw)
	}
	k, err := jwk.FromRaw(raw)
	if err != nil {
		return nil, err
	}
	return k.Thumbprint(crypto.SHA256)
}
