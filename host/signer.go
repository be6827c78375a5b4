package host

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"runtime"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// wasmSigner is a signing key prepared in the module: parsed, decrypted
// and checked once per instance (for RSA that takes milliseconds inside
// the module), then used for any number of tokens.
type wasmSigner struct {
	*prepared
	keyID string
}

// NewSigner prepares the active key of keys in the module.
func (r *Runtime) NewSigner(ctx context.Context, keys []byte, opts ...CallOption) (Signer, error) {
	o, err := resolve("NewSigner", signerOptions, opts)
	if err != nil {
		return nil, err
	}
	kr, err := keysRequest(keys, o.passphrase)
	if err != nil {
		return nil, err
	}
	body, err := jsonMarshal(abi.SignerRequest{KeysRequest: kr, ReturnKeys: true})
	if err != nil {
		return nil, err
	}
	s := &wasmSigner{prepared: r.newPrepared(abi.OpSignerNew, abi.OpSignerFree, nil)}
	hr, err := s.first(ctx, body, func(hr *abi.HandleResult) ([]byte, error) {
		return jsonMarshal(abi.SignerRequest{KeysRequest: abi.KeysRequest{Keys: hr.Keys}})
	})
	if err != nil {
		return nil, err
	}
	s.keyID = hr.KeyID
	runtime.AddCleanup(s, r.retire, s.id)
	return s, nil
}

// KeyID returns the signing key's kid, which tokens carry by default.
func (s *wasmSigner) KeyID() string { return s.keyID }

// Sign signs claims, a JSON object as core.BuildClaims makes.
func (s *wasmSigner) Sign(ctx context.Context, claims []byte, opts ...CallOption) (string, error) {
	o, err := resolve("Sign", signOptions, opts)
	if err != nil {
		return "", err
	}
	if !json.Valid(claims) {
		return "", core.Errorf(core.CodeInvalidArgument, "claims are not valid JSON")
	}
	return s.sign(ctx, abi.SignRequest{Claims: claims}, &o)
}

// SignJWS signs payload, any bytes, as a compact JWS.
func (s *wasmSigner) SignJWS(ctx context.Context, payload []byte, opts ...CallOption) (string, error) {
	o, err := resolve("SignJWS", signOptions, opts)
	if err != nil {
		return "", err
	}
	if len(payload) == 0 {
		return "", core.Errorf(core.CodeInvalidArgument, "empty payload")
	}
	return s.sign(ctx, abi.SignRequest{Payload: base64.RawURLEncoding.EncodeToString(payload)}, &o)
}

// sign runs a sign request, JWT or JWS, with the signer's handle.
func (s *wasmSigner) sign(ctx context.Context, req abi.SignRequest, o *callOptions) (string, error) {
	req.Alg, req.KeyID, req.Type, req.AllowWeakKeys = o.alg, o.keyID, o.typ, o.weakKeys
	var out abi.SignResult
	err := s.run(ctx, func(inst *instance, h int32) error {
		req.Handle = h
		body, err := jsonMarshal(req)
		if err != nil {
			return err
		}
		res, err := inst.callOp(ctx, abi.OpSign, body)
		if err != nil {
			return err
		}
		return decodeResult(res, &out)
	})
	return out.Token, err
}
