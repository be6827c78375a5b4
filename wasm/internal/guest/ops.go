package guest

import (
	"encoding/base64"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// The operations without state: an ABI request in, core's work, an ABI
// result out. Natively, the host's engine calls core the same way.

func inspect(r *abi.InspectRequest) []byte { return answer(inspectToken(r)) }
func keygen(r *abi.KeygenRequest) []byte   { return answer(generate(r)) }
func convert(r *abi.ConvertRequest) []byte { return answer(convertKeys(r)) }
func thumbprint(r *abi.KeysRequest) []byte { return answer(thumbprints(r)) }

// answer encodes an operation's result, or its error.
func answer[T any](res *T, err error) []byte {
	if err != nil {
		return errResult(err)
	}
	return okResult(res)
}

// parseKeys reads the key document of a request, with core's errors (an
// empty document is core's invalid_key, as natively).
func parseKeys(r abi.KeysRequest) (*core.KeySet, error) {
	var opts []core.KeyOption
	if r.Passphrase != "" {
		opts = append(opts, core.WithPassphrase([]byte(r.Passphrase)))
	}
	return core.ParseKeySet([]byte(r.Keys), opts...)
}

// newVerifier prepares a verifier from a request, and returns the key set
// it was made with.
func newVerifier(r *abi.VerifierRequest) (*core.Verifier, *core.KeySet, error) {
	set, err := parseKeys(r.KeysRequest)
	if err != nil {
		return nil, nil, err
	}
	if r.Cache < 0 {
		return nil, nil, core.Errorf(core.CodeInvalidArgument, "negative cache size %d", r.Cache)
	}
	v, err := core.NewVerifier(set, r.Policy.Core(), core.WithCache(r.Cache), core.WithCrypto(r.Crypto))
	return v, set, err
}

func inspectToken(r *abi.InspectRequest) (*abi.InspectResult, error) {
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
			return nil, err
		}
		opts = append(opts, core.InspectWithKeys(set))
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

// signingKey returns the active key of a key document.
func signingKey(r abi.KeysRequest) (*core.Key, *core.KeySet, error) {
	set, err := parseKeys(r)
	if err != nil {
		return nil, nil, err
	}
	key := set.Active()
	if key == nil {
		return nil, nil, core.Errorf(core.CodeInvalidKey, "no private key to sign with: sign with a private key or key set, not a published (public) one")
	}
	return key, set, nil
}

// signWith signs the request's claims, or payload, with key.
func signWith(key *core.Key, r *abi.SignRequest) (*abi.SignResult, error) {
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
	var token string
	var err error
	if r.Payload != "" {
		if len(r.Claims) != 0 {
			return nil, core.Errorf(core.CodeInvalidArgument, "a sign request has claims (a JWT) or a payload (a JWS), not both")
		}
		payload, derr := base64.RawURLEncoding.DecodeString(r.Payload)
		if derr != nil {
			return nil, core.WrapError(core.CodeInvalidArgument, derr, "payload is not base64url without padding")
		}
		token, err = core.SignJWS(key, payload, opts...)
	} else {
		token, err = core.Sign(key, r.Claims, opts...)
	}
	if err != nil {
		return nil, err
	}
	return &abi.SignResult{Token: token}, nil
}

// generate makes a key and writes it, private and public parts.
func generate(r *abi.KeygenRequest) (*abi.KeygenResult, error) {
	key, err := core.GenerateKey(core.KeyParams{Type: r.Type, Bits: r.Bits, Curve: r.Curve, Alg: r.Alg, KeyID: r.KeyID, Use: r.Use})
	if err != nil {
		return nil, err
	}
	priv, pub, err := core.EncodeKeyPair(key, core.KeyFormat(r.Format), core.PEMOptions{Format: r.PEMFormat, Passphrase: []byte(r.Passphrase)})
	if err != nil {
		return nil, err
	}
	return &abi.KeygenResult{Private: string(priv), Public: string(pub), KeyID: key.KeyID(), Type: key.Type(), Bits: key.Bits(), Curve: key.Curve(), Thumbprint: key.Thumbprint()}, nil
}

func convertKeys(r *abi.ConvertRequest) (*abi.ConvertResult, error) {
	set, err := parseKeys(r.KeysRequest)
	if err != nil {
		return nil, err
	}
	out, err := core.EncodeKeys(set, core.KeyFormat(r.To), core.PEMOptions{Format: r.PEMFormat})
	if err != nil {
		return nil, err
	}
	return &abi.ConvertResult{Output: string(out)}, nil
}

func thumbprints(r *abi.KeysRequest) (*abi.ThumbprintResult, error) {
	set, err := parseKeys(*r)
	if err != nil {
		return nil, err
	}
	res := &abi.ThumbprintResult{Keys: []abi.KeyInfo{}}
	for _, k := range set.Keys() {
		res.Keys = append(res.Keys, k.Info())
	}
	return res, nil
}
