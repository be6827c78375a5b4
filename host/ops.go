package host

import (
	"context"
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// SignOptions configures [Runtime.Sign]; the zero value signs with the
// key's default algorithm, its kid and typ "JWT".
type SignOptions struct {
	// Alg is the algorithm; empty for the key's default.
	Alg string
	// KeyID and Type override the header's kid and typ; nil keeps the
	// defaults, a pointer to "" leaves them out.
	KeyID, Type *string
	// AllowWeakKeys lets RSA keys under 2048 bits sign (legacy only).
	AllowWeakKeys bool
	// Passphrase decrypts an encrypted PKCS#8 key.
	Passphrase []byte
}

// Sign signs claims (a JSON object, as core.BuildClaims makes) with the
// active key of the key document keys, inside the module.
func (r *Runtime) Sign(ctx context.Context, keys, claims []byte, o SignOptions) (string, error) {
	kr, err := keysRequest(keys, o.Passphrase)
	if err != nil {
		return "", err
	}
	req := abi.SignRequest{
		KeysRequest:   kr,
		Claims:        json.RawMessage(claims),
		Alg:           o.Alg,
		KeyID:         o.KeyID,
		Type:          o.Type,
		AllowWeakKeys: o.AllowWeakKeys,
	}
	if !json.Valid(claims) {
		return "", core.Errorf(core.CodeInvalidArgument, "claims are not valid JSON")
	}
	var res abi.SignResult
	if err := r.call(ctx, abi.OpSign, req, &res); err != nil {
		return "", err
	}
	return res.Token, nil
}

// InspectOptions configures [Runtime.Inspect].
type InspectOptions struct {
	// Now judges dates as of this time; zero for the clock.
	Now time.Time
	// Key, if set, is a key document whose key is judged too.
	Key        []byte
	Passphrase []byte
	// MaxSize replaces core.DefaultMaxTokenSize.
	MaxSize int
}

// Inspect decodes a token without verifying it, inside the module, as
// core.Inspect does.
func (r *Runtime) Inspect(ctx context.Context, token string, o InspectOptions) (*core.Inspection, error) {
	req := abi.InspectRequest{Token: token, Key: string(o.Key), Passphrase: string(o.Passphrase), MaxSize: o.MaxSize}
	if !o.Now.IsZero() {
		req.NowMillis = o.Now.UnixMilli()
	}
	var res abi.InspectResult
	if err := r.call(ctx, abi.OpInspect, req, &res); err != nil {
		return nil, err
	}
	h, err := core.ParseHeader(res.Header)
	if err != nil {
		return nil, core.Errorf(core.CodeInternal, "the module returned a bad header: %v", err)
	}
	in := &core.Inspection{Header: h, SignatureSize: res.SignatureSize, Dates: res.Dates, Findings: res.Findings, Payload: []byte(res.Payload)}
	if res.Claims != nil {
		if in.Claims, err = core.ParseClaims(res.Claims); err != nil {
			return nil, core.Errorf(core.CodeInternal, "the module returned bad claims: %v", err)
		}
		in.Payload = res.Claims
	}
	if len(in.Dates) == 0 {
		in.Dates = nil
	}
	if len(in.Findings) == 0 {
		in.Findings = nil
	}
	return in, nil
}

// GenerateKey makes a key inside the module and returns it encoded as req
// asks (PEM, JWK or JWKS), with its public part.
func (r *Runtime) GenerateKey(ctx context.Context, req abi.KeygenRequest) (*abi.KeygenResult, error) {
	var res abi.KeygenResult
	if err := r.call(ctx, abi.OpKeygen, req, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// ConvertKeys converts a key document inside the module: to "jwks",
// "public-jwks", "jwk" or "pem".
func (r *Runtime) ConvertKeys(ctx context.Context, keys []byte, passphrase []byte, to string) ([]byte, error) {
	var res abi.ConvertResult
	kr, err := keysRequest(keys, passphrase)
	if err != nil {
		return nil, err
	}
	req := abi.ConvertRequest{KeysRequest: kr, To: to}
	if err := r.call(ctx, abi.OpConvertKeys, req, &res); err != nil {
		return nil, err
	}
	return []byte(res.Output), nil
}

// Thumbprints describes each key of a key document, with its RFC 7638
// thumbprint, computed inside the module.
func (r *Runtime) Thumbprints(ctx context.Context, keys []byte, passphrase []byte) ([]abi.KeyInfo, error) {
	var res abi.ThumbprintResult
	kr, err := keysRequest(keys, passphrase)
	if err != nil {
		return nil, err
	}
	if err := r.call(ctx, abi.OpThumbprint, kr, &res); err != nil {
		return nil, err
	}
	return res.Keys, nil
}

// keysRequest carries a key document and passphrase into the module, whose
// requests are JSON: text only. An empty or non-UTF-8 document gets core's
// own error, so that both engines answer alike; a passphrase that is not
// UTF-8 is refused rather than changed on the way.
func keysRequest(keys, passphrase []byte) (abi.KeysRequest, error) {
	if len(keys) == 0 || !utf8.Valid(keys) {
		if _, err := core.ParseKeySet(keys); err != nil {
			return abi.KeysRequest{}, err
		}
		return abi.KeysRequest{}, core.Errorf(core.CodeInvalidKey, "key document is empty or not UTF-8 text")
	}
	if !utf8.Valid(passphrase) {
		return abi.KeysRequest{}, core.Errorf(core.CodeInvalidArgument, "passphrase is not UTF-8 text: the module takes it as a JSON string")
	}
	return abi.KeysRequest{Keys: string(keys), Passphrase: string(passphrase)}, nil
}
