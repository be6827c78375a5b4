package guest

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

func inspect(r *abi.InspectRequest) []byte {
	var opts []core.InspectOption
	if r.NowMillis != 0 {
		now := time.UnixMilli(r.NowMillis)
		opts = append(opts, core.InspectAt(func() time.Time { return now }))
	}
	if r.MaxSize != 0 {
		opts = append(opts, core.InspectMaxSize(r.MaxSize))
	}
	if r.Key != "" {
		set, err := parseKeys(abi.KeysRequest{Keys: r.Key, Passphrase: r.Passphrase})
		if err != nil {
			return errResult(err)
		}
		opts = append(opts, core.InspectWithKey(KeyForToken(set, r.Token)))
	}
	in, err := core.Inspect(r.Token, opts...)
	if err != nil {
		return errResult(err)
	}
	return okResult(InspectResult(in))
}

// KeyForToken returns the key of set that the token's kid names, else the
// first key: the key an inspection judges.
func KeyForToken(set *core.KeySet, token string) *core.Key {
	if in, err := core.Inspect(token); err == nil && in.Header.KeyID != "" {
		if k := set.Lookup(in.Header.KeyID); k != nil {
			return k
		}
	}
	return set.Keys()[0]
}

// InspectResult converts an inspection for the wire.
func InspectResult(in *core.Inspection) abi.InspectResult {
	out := abi.InspectResult{
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
	return out
}

func sign(r *abi.SignRequest) []byte {
	set, err := parseKeys(r.KeysRequest)
	if err != nil {
		return errResult(err)
	}
	key := set.Active()
	if key == nil {
		return errResult(core.Errorf(core.CodeInvalidKey, "no private key to sign with: sign with a private key or key set, not a published (public) one"))
	}
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
	token, err := core.Sign(key, r.Claims, opts...)
	if err != nil {
		return errResult(err)
	}
	return okResult(abi.SignResult{Token: token})
}

// GenerateKey makes the key a KeygenRequest describes, without encoding it.
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

func keygen(r *abi.KeygenRequest) []byte {
	key, err := GenerateKey(r)
	if err != nil {
		return errResult(err)
	}
	out, err := EncodeKeys(key, r.Format, core.PEMOptions{Format: r.PEMFormat, Passphrase: []byte(r.Passphrase)})
	if err != nil {
		return errResult(err)
	}
	res := abi.KeygenResult{Private: string(out), KeyID: key.KeyID(), Type: key.Type(), Bits: key.Bits(), Curve: key.Curve()}
	if pub := key.Public(); pub != nil {
		p, err := EncodeKeys(pub, r.Format, core.PEMOptions{})
		if err != nil {
			return errResult(err)
		}
		res.Public = string(p)
	}
	return okResult(res)
}

// EncodeKeys writes one key as "pem", "jwk" or "jwks" (indented JSON with a
// final newline, as the command prints it).
func EncodeKeys(key *core.Key, format string, o core.PEMOptions) ([]byte, error) {
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

func convert(r *abi.ConvertRequest) []byte {
	set, err := parseKeys(r.KeysRequest)
	if err != nil {
		return errResult(err)
	}
	var out []byte
	switch r.To {
	case "jwks":
		out, err = EncodeSet(set)
	case "public-jwks":
		pub := set.Public()
		if pub.Len() == 0 {
			return errResult(core.Errorf(core.CodeInvalidKey, "the document holds only HMAC secrets, which are never published"))
		}
		out, err = EncodeSet(pub)
	case "jwk", "pem":
		if set.Len() != 1 {
			return errResult(core.Errorf(core.CodeInvalidArgument, "the document holds %d keys; %s holds one", set.Len(), r.To))
		}
		out, err = EncodeKeys(set.Keys()[0], r.To, core.PEMOptions{Format: r.PEMFormat})
	default:
		return badRequest("convert to %q: want jwks, public-jwks, jwk or pem", r.To)
	}
	if err != nil {
		return errResult(err)
	}
	return okResult(abi.ConvertResult{Output: string(out)})
}

func thumbprint(r *abi.KeysRequest) []byte {
	set, err := parseKeys(*r)
	if err != nil {
		return errResult(err)
	}
	res := abi.ThumbprintResult{Keys: []abi.KeyInfo{}}
	for _, k := range set.Keys() {
		res.Keys = append(res.Keys, KeyInfo(k))
	}
	return okResult(res)
}

// KeyInfo describes a key for the wire.
func KeyInfo(k *core.Key) abi.KeyInfo {
	return abi.KeyInfo{KeyID: k.KeyID(), Thumbprint: k.Thumbprint(), Type: k.Type(), Bits: k.Bits(), Curve: k.Curve(), Private: k.IsPrivate()}
}
