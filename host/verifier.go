package host

import (
	"context"
	"encoding/base64"
	"runtime"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// Verifier is a prepared verifier in the module: keys parsed and policy
// checked once, then any number of tokens. It is present in whichever
// instance serves a call (prepared there on first use). It is safe for
// concurrent use.
type Verifier struct {
	*prepared             // the OpVerifierNew request, keys as a plain JWKS
	keys      []*core.Key // the same keys natively, to fill Token.Key
	maxSize   int         // the policy's token size limit, checked here first
	policy    core.Policy
	cache     *core.TokenCache // nil without WithCache
}

// VerifierOption configures [Runtime.NewVerifier].
type VerifierOption func(*verifierOptions)

type verifierOptions struct {
	passphrase string
	cache      int
	crypto     string
}

// WithPassphrase decrypts an encrypted PKCS#8 key in the key document.
func WithPassphrase(passphrase []byte) VerifierOption {
	return func(o *verifierOptions) { o.passphrase = string(passphrase) }
}

// WithCache keeps up to n verified tokens, as core.WithCache does, on the
// host's side: a hit costs a map lookup and never enters the module. A hit
// is served only while the token is inside its validity window.
func WithCache(n int) VerifierOption {
	return func(o *verifierOptions) { o.cache = n }
}

// WithCrypto chooses the module's signature code for RSA and ES256, as
// core.WithCrypto does: core.CryptoFast (the default inside the module) or
// core.CryptoStdlib, Go's crypto/rsa and crypto/ecdsa compiled to wasm.
func WithCrypto(c string) VerifierOption {
	return func(o *verifierOptions) { o.crypto = c }
}

// NewVerifier prepares a verifier for keys, a key document (JWKS, JWK or
// PEM, as core.ParseKeySet reads), under policy p. Errors are those of
// core.NewVerifier, with the same codes.
func (r *Runtime) NewVerifier(ctx context.Context, keys []byte, p core.Policy, opts ...VerifierOption) (*Verifier, error) {
	var o verifierOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.cache < 0 {
		return nil, core.Errorf(core.CodeInvalidArgument, "negative cache size %d", o.cache)
	}
	kr, err := keysRequest(keys, []byte(o.passphrase))
	if err != nil {
		return nil, err
	}
	req := abi.VerifierRequest{KeysRequest: kr, Policy: abi.PolicyFrom(p), Crypto: o.crypto}
	maxSize := p.MaxTokenSize
	if maxSize == 0 {
		maxSize = core.DefaultMaxTokenSize
	}
	if maxSize > abi.MaxAlloc {
		return nil, core.Errorf(core.CodeInvalidArgument, "maximum token size %d is over the module's limit of %d bytes per call", maxSize, abi.MaxAlloc)
	}
	// Decrypt and normalise the keys once: every other instance then
	// parses a plain JWKS instead of running the passphrase's KDF again.
	var plain abi.ConvertResult
	// Kids the document lacks stay out, so that a lone PEM key stays bare.
	if err := r.call(ctx, abi.OpConvertKeys, abi.ConvertRequest{KeysRequest: req.KeysRequest, To: "jwks", OmitDerivedKIDs: true}, &plain); err != nil {
		return nil, err
	}
	set, err := core.ParseKeySet([]byte(plain.Output))
	if err != nil {
		return nil, err
	}
	req.KeysRequest = abi.KeysRequest{Keys: plain.Output}
	body, err := jsonMarshal(req)
	if err != nil {
		return nil, err
	}
	v := &Verifier{prepared: r.newPrepared(abi.OpVerifierNew, abi.OpVerifierFree, body), keys: set.Keys(), maxSize: maxSize, policy: p}
	runtime.AddCleanup(v, r.retire, v.id)
	if o.cache > 0 {
		v.cache = core.NewTokenCache(o.cache)
	}
	// Prepare it in one instance now, so that policy errors surface here.
	if _, err := v.run(ctx, nil); err != nil {
		return nil, err
	}
	return v, nil
}

// Verify checks a compact JWT as core.Verifier.Verify does, inside the
// module, by the module's clock (the host's wall clock).
func (v *Verifier) Verify(ctx context.Context, token string) (*core.Token, error) {
	return v.VerifyAt(ctx, token, time.Time{})
}

// VerifyAt is Verify judging time as of now; the zero Time means the clock.
// The module works in milliseconds.
func (v *Verifier) VerifyAt(ctx context.Context, token string, now time.Time) (*core.Token, error) {
	if v.closed.Load() {
		return nil, ErrClosed
	}
	// The module checks the size too, but a token over the limit should
	// not be copied into it first; the message is core's.
	if len(token) > v.maxSize {
		return nil, core.Errorf(core.CodeTooLarge, "token of %d bytes is over the limit of %d", len(token), v.maxSize)
	}
	if v.cache != nil {
		at := now
		if at.IsZero() {
			at = time.Now()
		}
		if tok, ok := v.cache.Get(token, 0, at); ok {
			return tok, nil
		}
	}
	var nowMillis int64
	if !now.IsZero() {
		nowMillis = now.UnixMilli()
		if nowMillis == 0 {
			nowMillis = -1 // 0 would mean "the clock"; 1 ms off at the epoch
		}
	}
	res, err := v.run(ctx, func(inst *instance, h int32) ([]byte, error) {
		return inst.verifyToken(ctx, h, nowMillis, token)
	})
	if err != nil {
		return nil, err
	}
	if res[0] != abi.StatusOK {
		body, err := resultError(res)
		if body == nil || body.Claims == nil {
			return nil, err
		}
		index := -1
		if body.KeyIndex != nil {
			index = *body.KeyIndex
		}
		tok, terr := v.token(body.Header, body.Claims, index)
		if terr != nil {
			return nil, terr
		}
		return tok, err // verified, but refused by an access rule
	}
	vr, err := abi.ParseVerifyResult(res[1:])
	if err != nil {
		return nil, core.Errorf(core.CodeInternal, "the module returned an unreadable result: %v", err)
	}
	tok, err := v.token(vr.Header, vr.Claims, vr.KeyIndex)
	if err == nil && v.cache != nil {
		from, until := v.policy.ValidityWindow(tok.Claims)
		v.cache.Put(token, 0, from, until, tok)
	}
	return tok, err
}

func (v *Verifier) token(header, claims []byte, keyIndex int) (*core.Token, error) {
	if keyIndex < 0 || keyIndex >= len(v.keys) {
		return nil, core.Errorf(core.CodeInternal, "the module named key %d of a set of %d", keyIndex, len(v.keys))
	}
	h, err := core.ParseHeader(header)
	if err != nil {
		return nil, core.Errorf(core.CodeInternal, "the module returned a bad header: %v", err)
	}
	c, err := core.ParseClaims(claims)
	if err != nil {
		return nil, core.Errorf(core.CodeInternal, "the module returned bad claims: %v", err)
	}
	return &core.Token{Header: h, Claims: c, Key: v.keys[keyIndex]}, nil
}

// Close frees the verifier in every instance (at the instance's next use).
// Later calls return ErrClosed.
func (v *Verifier) Close(ctx context.Context) error {
	v.close()
	return nil
}

// CheckSignature runs the bare signature check of a compact token inside
// the module, with the verifier's first key, first algorithm and signature code: no
// header, policy or claims. It exists so that benchmarks can measure what
// Verify adds to the cryptography; never use it to accept a token.
func (v *Verifier) CheckSignature(ctx context.Context, token string) (bool, error) {
	if v.closed.Load() {
		return false, ErrClosed
	}
	var ok int32 = -2
	_, err := v.run(ctx, func(inst *instance, h int32) ([]byte, error) {
		ptr, err := inst.write(ctx, token)
		if err != nil {
			return nil, err
		}
		defer inst.release(ctx, ptr)
		if inst.check == nil {
			return nil, nil
		}
		res, err := inst.invoke(ctx, inst.check, uint64(uint32(h)), uint64(ptr), uint64(len(token)))
		if err != nil {
			return nil, inst.guestError(ctx, abi.ExportCheckSignature, err)
		}
		ok = int32(res)
		return nil, nil
	})
	if err != nil {
		return false, err
	}
	switch ok {
	case -2:
		return false, core.Errorf(core.CodeInvalidArgument, "the module does not export %s", abi.ExportCheckSignature)
	case -1:
		return false, core.Errorf(core.CodeInvalidArgument, "the module could not check the token's signature")
	}
	return ok == 1, nil
}

// VerifyJWS runs the JWS layer of the verifier inside the module: a
// compact JWS whose payload may be any bytes, checked as
// core.Verifier.VerifyJWS does (size, algorithm, crit, key, signature), no
// claim rules and no cache.
func (v *Verifier) VerifyJWS(ctx context.Context, token string) (*core.JWS, error) {
	if v.closed.Load() {
		return nil, ErrClosed
	}
	if len(token) > v.maxSize {
		return nil, core.Errorf(core.CodeTooLarge, "token of %d bytes is over the limit of %d", len(token), v.maxSize)
	}
	res, err := v.run(ctx, func(inst *instance, h int32) ([]byte, error) {
		req, err := jsonMarshal(abi.VerifyRequest{Handle: h, Token: token})
		if err != nil {
			return nil, err
		}
		return inst.callOp(ctx, abi.OpVerifyJWS, req)
	})
	if err != nil {
		return nil, err
	}
	var jr abi.JWSResult
	if err := decodeResult(res, &jr); err != nil {
		return nil, err
	}
	payload, err := base64.RawURLEncoding.DecodeString(jr.Payload)
	if err != nil {
		return nil, core.Errorf(core.CodeInternal, "the module returned a bad payload: %v", err)
	}
	h, err := core.ParseHeader(jr.Header)
	if err != nil {
		return nil, core.Errorf(core.CodeInternal, "the module returned a bad header: %v", err)
	}
	if jr.KeyIndex < 0 || jr.KeyIndex >= len(v.keys) {
		return nil, core.Errorf(core.CodeInternal, "the module named key %d of a set of %d", jr.KeyIndex, len(v.keys))
	}
	return &core.JWS{Header: h, Payload: payload, Key: v.keys[jr.KeyIndex]}, nil
}
