package host

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"runtime"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// Signer is a signing key prepared in the module: parsed, decrypted and
// checked once (for RSA that takes milliseconds inside the module), then
// used for any number of tokens. Like a Verifier it is present in
// whichever instance serves a call, and safe for concurrent use.
type Signer struct {
	*prepared
	keyID string
}

// NewSigner prepares the active key of keys, a key document (a private
// JWK or JWKS, or PEM), for signing. passphrase decrypts an encrypted
// PKCS#8 key, or is nil.
func (r *Runtime) NewSigner(ctx context.Context, keys, passphrase []byte) (*Signer, error) {
	// Decrypt and normalise once, as NewVerifier does, so that other
	// instances do not run the passphrase's KDF again.
	plain, err := r.ConvertKeys(ctx, keys, passphrase, "jwks")
	if err != nil {
		return nil, err
	}
	set, err := core.ParseKeySet(plain)
	if err != nil {
		return nil, err
	}
	active := set.Active()
	if active == nil {
		return nil, core.Errorf(core.CodeInvalidKey, "no private key to sign with: sign with a private key or key set, not a published (public) one")
	}
	body, err := jsonMarshal(abi.KeysRequest{Keys: string(plain)})
	if err != nil {
		return nil, err
	}
	s := &Signer{prepared: r.newPrepared(abi.OpSignerNew, abi.OpSignerFree, body), keyID: active.KeyID()}
	runtime.AddCleanup(s, r.retire, s.id)
	if _, err := s.run(ctx, nil); err != nil {
		return nil, err
	}
	return s, nil
}

// KeyID returns the signing key's kid, which tokens carry by default.
func (s *Signer) KeyID() string { return s.keyID }

// Sign signs claims, a JSON object as core.BuildClaims makes, with the
// prepared key. o.Passphrase is not used: the key was decrypted once.
func (s *Signer) Sign(ctx context.Context, claims []byte, o SignOptions) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	if !json.Valid(claims) {
		return "", core.Errorf(core.CodeInvalidArgument, "claims are not valid JSON")
	}
	return s.sign(ctx, abi.SignRequest{Claims: claims, Alg: o.Alg, KeyID: o.KeyID, Type: o.Type, AllowWeakKeys: o.AllowWeakKeys})
}

// sign runs a sign request, JWT or JWS, with the signer's handle.
func (s *Signer) sign(ctx context.Context, req abi.SignRequest) (string, error) {
	res, err := s.run(ctx, func(inst *instance, h int32) ([]byte, error) {
		req.Handle = h
		body, err := jsonMarshal(req)
		if err != nil {
			return nil, err
		}
		return inst.callOp(ctx, abi.OpSign, body)
	})
	if err != nil {
		return "", err
	}
	var out abi.SignResult
	if err := decodeResult(res, &out); err != nil {
		return "", err
	}
	return out.Token, nil
}

// SignJWS signs payload, any bytes, as a compact JWS with the prepared
// key (core.SignJWS): "typ" only if o.Type sets one.
func (s *Signer) SignJWS(ctx context.Context, payload []byte, o SignOptions) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	if len(payload) == 0 {
		return "", core.Errorf(core.CodeInvalidArgument, "empty payload")
	}
	return s.sign(ctx, abi.SignRequest{Payload: base64.RawURLEncoding.EncodeToString(payload),
		Alg: o.Alg, KeyID: o.KeyID, Type: o.Type, AllowWeakKeys: o.AllowWeakKeys})
}

// Close frees the signer in every instance (at the instance's next use).
// Later calls return ErrClosed.
func (s *Signer) Close(ctx context.Context) error {
	s.close()
	return nil
}
