// Package ops carries out jwtwasm's operations on Go values: the requests
// of package core/abi in, its results out. The WebAssembly guest wraps
// these functions in the ABI's JSON; native callers (the command's
// --engine native) call them directly, so that both engines produce the
// same bytes from the same request.
package ops

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// ParseKeys reads the key document of a request.
func ParseKeys(r abi.KeysRequest) (*core.KeySet, error) {
	if r.Keys == "" {
		return nil, core.Errorf(core.CodeInvalidArgument, "request has no \"keys\"")
	}
	var opts []core.KeyOption
	if r.Passphrase != "" {
		opts = append(opts, core.WithPassphrase([]byte(r.Passphrase)))
	}
	return core.ParseKeySet([]byte(r.Keys), opts...)
}

// NewVerifier prepares a verifier from a request, and returns the key set
// it was made with.
func NewVerifier(r *abi.VerifierRequest) (*core.Verifier, *core.KeySet, error) {
	set, err := ParseKeys(r.KeysRequest)
	if err != nil {
		return nil, nil, err
	}
	if r.Cache < 0 {
		return nil, nil, core.Errorf(core.CodeInvalidArgument, "negative cache size %d", r.Cache)
	}
	v, err := core.NewVerifier(set, r.Policy.Core(), core.WithCache(r.Cache), core.WithCrypto(r.Crypto))
	return v, set, err
}

// Inspect decodes a token without verifying it.
func Inspect(r *abi.InspectRequest) (*abi.InspectResult, error) {
	var opts []core.InspectOption
	if r.NowMillis != 0 {
		now := time.UnixMilli(r.NowMillis)
		opts = append(opts, core.InspectAt(func() time.Time { return now }))
	}
	if r.MaxSize != 0 {
		opts = append(opts, core.InspectMaxSize(r.MaxSize))
	}
	if r.Key != "" {
		set, err := ParseKeys(abi.KeysRequest{Keys: r.Key, Passphrase: r.Passphrase})
		if err != nil {
			return nil, err
		}
		opts = append(opts, core.InspectWithKey(keyForToken(set, r.Token)))
	}
	in, err := core.Inspect(r.Token, opts...)
	if err != nil {
		return nil, err
	}
	out := &abi.InspectResult{
		Header:        in.Header.JSON(),
		SignatureSize: in.SignatureSize,
		Dates:         in.Dates,
		Findings:      in.Findings,
	}
	if in.Claims != nil {
		out.Claims = in.Claims.JSON()
	} else {
		out.Payload = string(in.Payload)
	}
	if out.Dates == nil {
		out.Dates = []core.DateClaim{}
	}
	if out.Findings == nil {
		out.Findings = []core.Finding{}
	}
	return out, nil
}

// keyForToken returns the key of set that the token's kid names, else the
// first key: the key an inspection judges.
func keyForToken(set *core.KeySet, token string) *core.Key {
	if in, err := core.Inspect(token); err == nil && in.Header.KeyID != "" {
		if k := set.Lookup(in.Header.KeyID); k != nil {
			return k
		}
	}
	return set.Keys()[0]
}

// Sign signs a claims set with the active key of the request's keys.
func Sign(r *abi.SignRequest) (*abi.SignResult, error) {
	key, err := SigningKey(r.KeysRequest)
	if err != nil {
		return nil, err
	}
	return SignWith(key, r)
}

// SigningKey returns the active key of a key document: the key a signer
// signs with.
func SigningKey(r abi.KeysRequest) (*core.Key, error) {
	set, err := ParseKeys(r)
	if err != nil {
		return nil, err
	}
	key := set.Active()
	if key == nil {
		return nil, core.Errorf(core.CodeInvalidKey, "no private key to sign with: sign with a private key or key set, not a published (public) one")
	}
	return key, nil
}

// SignWith signs the request's claims with key, a prepared signing key;
// the request's key document is ignored.
func SignWith(key *core.Key, r *abi.SignRequest) (*abi.SignResult, error) {
	var opts []core.SignOption
	if r.Alg != "" {
		opts = append(opts, core.WithAlgorithm(r.Alg))
	}
	if r.KeyID != nil {
		opts = append(opts, core.WithKeyID(*r.KeyID))
	}
	if r.Type != nil {
		opts = append(opts, core.WithType(*r.Type))
	}
	if r.AllowWeakKeys {
		opts = append(opts, core.AllowWeakKeys())
	}
	if r.Payload == "" && len(r.Claims) == 0 {
		return nil, core.Errorf(core.CodeInvalidArgument, "a sign request needs claims (a JWT) or a payload (a JWS)")
	}
	if r.Payload != "" {
		if len(r.Claims) != 0 {
			return nil, core.Errorf(core.CodeInvalidArgument, "a sign request has claims (a JWT) or a payload (a JWS), not both")
		}
		payload, err := base64.RawURLEncoding.DecodeString(r.Payload)
		if err != nil {
			return nil, core.Errorf(core.CodeInvalidArgument, "payload is not base64url without padding: %v", err)
		}
		token, err := core.SignJWS(key, payload, opts...)
		if err != nil {
			return nil, err
		}
		return &abi.SignResult{Token: token}, nil
	}
	token, err := core.Sign(key, r.Claims, opts...)
	if err != nil {
		return nil, err
	}
	return &abi.SignResult{Token: token}, nil
}

// GenerateKey makes the key a request describes, without encoding it.
func GenerateKey(r *abi.KeygenRequest) (*core.Key, error) {
	var p core.KeyParams
	if r.Alg != "" {
		var err error
		if p, err = core.KeyParamsFor(r.Alg); err != nil {
			return nil, err
		}
		if r.Type != "" && r.Type != p.Type {
			return nil, core.Errorf(core.CodeInvalidArgument, "key type %s does not fit algorithm %s", r.Type, r.Alg)
		}
	} else {
		p.Type = r.Type
	}
	if r.Bits != 0 {
		p.Bits = r.Bits
	}
	if r.Curve != "" {
		p.Curve = r.Curve
	}
	key, err := core.GenerateKey(p)
	if err != nil {
		return nil, err
	}
	if r.Alg != "" {
		if key, err = key.WithAlgorithm(r.Alg); err != nil {
			return nil, err
		}
	}
	if r.KeyID != "" {
		key = key.WithKeyID(r.KeyID)
	}
	if r.Use != "" && key.Type() != core.KeyTypeOct {
		key = key.WithUse(r.Use)
	}
	return key, nil
}

// Keygen makes a key and encodes it, private and public parts.
func Keygen(r *abi.KeygenRequest) (*abi.KeygenResult, error) {
	key, err := GenerateKey(r)
	if err != nil {
		return nil, err
	}
	out, err := EncodeKey(key, r.Format, core.PEMOptions{Format: r.PEMFormat, Passphrase: []byte(r.Passphrase)})
	if err != nil {
		return nil, err
	}
	res := &abi.KeygenResult{Private: string(out), KeyID: key.KeyID(), Type: key.Type(), Bits: key.Bits(), Curve: key.Curve()}
	if pub := key.Public(); pub != nil {
		p, err := EncodeKey(pub, r.Format, core.PEMOptions{})
		if err != nil {
			return nil, err
		}
		res.Public = string(p)
	}
	return res, nil
}

// EncodeKey writes one key as "pem", "jwk" or "jwks"; JSON is indented
// and ends in a newline, as the command prints it.
func EncodeKey(key *core.Key, format string, o core.PEMOptions) ([]byte, error) {
	switch format {
	case "pem":
		return key.MarshalPEM(o)
	case "jwk":
		b, err := key.MarshalJWK()
		if err != nil {
			return nil, err
		}
		return indent(b), nil
	case "jwks":
		set, err := core.NewKeySet(key)
		if err != nil {
			return nil, err
		}
		return EncodeSet(set)
	}
	return nil, core.Errorf(core.CodeInvalidArgument, "format %q: want pem, jwk or jwks", format)
}

// EncodeSet writes a set as indented JSON with a final newline.
func EncodeSet(set *core.KeySet) ([]byte, error) {
	b, err := set.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return indent(b), nil
}

func indent(b []byte) []byte {
	var buf bytes.Buffer
	if json.Indent(&buf, b, "", "  ") != nil {
		return append(b, '\n')
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// Convert converts a key document to "jwks", "public-jwks", "jwk" or "pem".
func Convert(r *abi.ConvertRequest) (*abi.ConvertResult, error) {
	set, err := ParseKeys(r.KeysRequest)
	if err != nil {
		return nil, err
	}
	if r.OmitDerivedKIDs {
		if set, err = withoutDerivedKIDs(set); err != nil {
			return nil, err
		}
	}
	var out []byte
	switch r.To {
	case "jwks":
		out, err = EncodeSet(set)
	case "public-jwks":
		pub := set.Public()
		if pub.Len() == 0 {
			return nil, core.Errorf(core.CodeInvalidKey, "the document holds only HMAC secrets, which are never published")
		}
		out, err = EncodeSet(pub)
	case "jwk", "pem":
		if set.Len() != 1 {
			return nil, core.Errorf(core.CodeInvalidArgument, "the document holds %d keys; %s holds one", set.Len(), r.To)
		}
		out, err = EncodeKey(set.Keys()[0], r.To, core.PEMOptions{Format: r.PEMFormat})
	default:
		return nil, core.Errorf(core.CodeInvalidArgument, "convert to %q: want jwks, public-jwks, jwk or pem", r.To)
	}
	if err != nil {
		return nil, err
	}
	return &abi.ConvertResult{Output: string(out)}, nil
}

// withoutDerivedKIDs returns set with the kid of each key that has none of
// its own left empty, so that it is written without one.
func withoutDerivedKIDs(set *core.KeySet) (*core.KeySet, error) {
	keys := set.Keys()
	for i, k := range keys {
		if !k.OwnKeyID() {
			keys[i] = k.WithKeyID("")
		}
	}
	return core.NewKeySet(keys...)
}

// Thumbprint describes each key of a document with its RFC 7638
// thumbprint.
func Thumbprint(r *abi.KeysRequest) (*abi.ThumbprintResult, error) {
	set, err := ParseKeys(*r)
	if err != nil {
		return nil, err
	}
	res := &abi.ThumbprintResult{Keys: []abi.KeyInfo{}}
	for _, k := range set.Keys() {
		res.Keys = append(res.Keys, KeyInfo(k))
	}
	return res, nil
}

// KeyInfo describes a key for the wire.
func KeyInfo(k *core.Key) abi.KeyInfo {
	return abi.KeyInfo{KeyID: k.KeyID(), Thumbprint: k.Thumbprint(), Type: k.Type(), Bits: k.Bits(), Curve: k.Curve(), Private: k.IsPrivate()}
}
