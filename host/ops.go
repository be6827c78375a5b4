package host

import (
	"context"
	"unicode/utf8"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

var _ Engine = (*Runtime)(nil)

// Name returns "wasm".
func (r *Runtime) Name() string { return "wasm" }

// Inspect decodes a token without verifying it, inside the module, as
// core.Inspect does.
func (r *Runtime) Inspect(ctx context.Context, token string, opts ...CallOption) (*core.Inspection, error) {
	o, err := resolve("Inspect", inspectOptions, opts)
	if err != nil {
		return nil, err
	}
	req := abi.InspectRequest{Token: token, MaxSize: o.maxSize}
	if o.keys != nil {
		kr, err := keysRequest(o.keys, o.passphrase)
		if err != nil {
			return nil, err
		}
		req.Key, req.Passphrase = kr.Keys, kr.Passphrase
	} else if len(o.passphrase) > 0 {
		return nil, errPassphraseWithoutKeys
	}
	if !o.now.IsZero() {
		if req.NowMillis = o.now.UnixMilli(); req.NowMillis == 0 {
			req.NowMillis = -1 // 0 would mean "the clock"
		}
	}
	var res abi.InspectResult
	if err := r.call(ctx, abi.OpInspect, req, &res); err != nil {
		return nil, err
	}
	h, err := core.ParseHeader(res.Header)
	if err != nil {
		return nil, core.WrapError(core.CodeInternal, err, "the module returned a bad header")
	}
	in := &core.Inspection{Header: h, SignatureSize: res.SignatureSize, Dates: res.Dates, Findings: res.Findings, Payload: []byte(res.Payload)}
	if res.Claims != nil {
		if in.Claims, err = core.ParseInspectedClaims(res.Claims); err != nil {
			return nil, core.WrapError(core.CodeInternal, err, "the module returned bad claims")
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

// GenerateKey makes a key inside the module and writes it in format f.
func (r *Runtime) GenerateKey(ctx context.Context, p core.KeyParams, f core.KeyFormat, opts ...CallOption) (*GeneratedKey, error) {
	o, err := resolve("GenerateKey", keygenOptions, opts)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(o.passphrase) {
		return nil, errPassphraseNotText
	}
	req := abi.KeygenRequest{Type: p.Type, Bits: p.Bits, Curve: p.Curve, Alg: p.Alg, KeyID: p.KeyID, Use: p.Use,
		Format: string(f), PEMFormat: o.pemFormat, Passphrase: string(o.passphrase)}
	var res abi.KeygenResult
	if err := r.call(ctx, abi.OpKeygen, req, &res); err != nil {
		return nil, err
	}
	return &GeneratedKey{Private: []byte(res.Private), Public: []byte(res.Public), Info: core.KeyInfo{
		KeyID: res.KeyID, Thumbprint: res.Thumbprint, Type: res.Type, Bits: res.Bits, Curve: res.Curve, Private: true,
	}}, nil
}

// ConvertKeys rewrites a key document inside the module.
func (r *Runtime) ConvertKeys(ctx context.Context, keys []byte, f core.KeyFormat, opts ...CallOption) ([]byte, error) {
	o, err := resolve("ConvertKeys", convertOptions, opts)
	if err != nil {
		return nil, err
	}
	kr, err := keysRequest(keys, o.passphrase)
	if err != nil {
		return nil, err
	}
	var res abi.ConvertResult
	if err := r.call(ctx, abi.OpConvertKeys, abi.ConvertRequest{KeysRequest: kr, To: string(f), PEMFormat: o.pemFormat}, &res); err != nil {
		return nil, err
	}
	return []byte(res.Output), nil
}

// Thumbprints describes each key of a key document, with its RFC 7638
// thumbprint, computed inside the module.
func (r *Runtime) Thumbprints(ctx context.Context, keys []byte, opts ...CallOption) ([]core.KeyInfo, error) {
	o, err := resolve("Thumbprints", keysOptions, opts)
	if err != nil {
		return nil, err
	}
	kr, err := keysRequest(keys, o.passphrase)
	if err != nil {
		return nil, err
	}
	var res abi.ThumbprintResult
	if err := r.call(ctx, abi.OpThumbprint, kr, &res); err != nil {
		return nil, err
	}
	return res.Keys, nil
}

var errPassphraseNotText = core.Errorf(core.CodeInvalidArgument, "passphrase is not UTF-8 text: the module takes it as a JSON string")

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
		return abi.KeysRequest{}, errPassphraseNotText
	}
	return abi.KeysRequest{Keys: string(keys), Passphrase: string(passphrase)}, nil
}
