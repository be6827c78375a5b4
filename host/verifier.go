package host

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"runtime"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// wasmVerifier is a verifier prepared in the module: keys parsed and
// policy checked once per instance, then one call per token. It is
// present in whichever instance serves a call (prepared there on first
// use).
type wasmVerifier struct {
	*prepared             // OpVerifierNew, with the keys as a plain JWKS
	keys      []*core.Key // the same keys natively, to fill Token.Key
	maxSize   int         // the policy's token size limit, checked here first
	policy    core.Policy
	cache     *core.TokenCache // nil without WithCache
}

// NewVerifier prepares a verifier for keys under policy p in the module.
// Errors are those of core.NewVerifier, with the same codes.
func (r *Runtime) NewVerifier(ctx context.Context, keys []byte, p core.Policy, opts ...CallOption) (Verifier, error) {
	o, err := resolve("NewVerifier", verifierOptions, opts)
	if err != nil {
		return nil, err
	}
	kr, err := keysRequest(keys, o.passphrase)
	if err != nil {
		return nil, err
	}
	maxSize := p.MaxTokenSize
	if maxSize == 0 {
		maxSize = core.DefaultMaxTokenSize
	}
	req := abi.VerifierRequest{KeysRequest: kr, Policy: abi.PolicyFrom(p), Crypto: o.crypto, ReturnKeys: true}
	body, err := jsonMarshal(req)
	if err != nil {
		return nil, err
	}
	v := &wasmVerifier{prepared: r.newPrepared(abi.OpVerifierNew, abi.OpVerifierFree, nil), maxSize: maxSize, policy: p}
	// Keys are parsed in the module (the first instance, which checks the
	// policy too) and once here, from the plain JWKS it returns, to name
	// the key that verified each token.
	_, err = v.first(ctx, body, func(hr *abi.HandleResult) ([]byte, error) {
		set, err := core.ParseKeySet([]byte(hr.Keys))
		if err != nil {
			return nil, core.WrapError(core.CodeInternal, err, "the module returned unreadable keys")
		}
		v.keys = set.Keys()
		req.KeysRequest, req.ReturnKeys = abi.KeysRequest{Keys: hr.Keys}, false
		return jsonMarshal(req)
	})
	if err != nil {
		return nil, err
	}
	runtime.AddCleanup(v, r.retire, v.id)
	if o.cache > 0 {
		v.cache = core.NewTokenCache(o.cache)
	}
	return v, nil
}

// Verify checks a compact JWT as core.Verifier.Verify does, inside the
// module, by the module's clock (the host's wall clock).
func (v *wasmVerifier) Verify(ctx context.Context, token string) (*core.Token, error) {
	return v.VerifyAt(ctx, token, time.Time{})
}

// VerifyAt is Verify judging time as of now; the zero Time means the clock.
// The module works in milliseconds.
func (v *wasmVerifier) VerifyAt(ctx context.Context, token string, now time.Time) (*core.Token, error) {
	if err := v.closed.check(ctx); err != nil {
		return nil, err // before the cache: a closed verifier serves nothing
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
	var tok *core.Token
	var verdict error
	err := v.run(ctx, func(inst *instance, h int32) error {
		res, err := inst.verifyInput(ctx, h, nowMillis, token)
		if err != nil {
			return err
		}
		// res is guest memory, valid until the next call: read it now.
		tok, verdict, err = v.result(res)
		return err
	})
	if err != nil {
		return nil, err
	}
	if verdict == nil && v.cache != nil {
		from, until := v.policy.ValidityWindow(tok.Claims)
		v.cache.Put(token, 0, from, until, tok)
	}
	return tok, verdict
}

// result reads an ExportVerifyInput result: a token and no verdict, a
// verdict (with the token, for a verified token that an access rule
// refused), or an error in the result itself.
func (v *wasmVerifier) result(res []byte) (tok *core.Token, verdict, err error) {
	if res[0] != abi.StatusOK {
		body, verdict := resultError(res)
		if body == nil || body.Claims == nil {
			return nil, verdict, nil
		}
		index := -1
		if body.KeyIndex != nil {
			index = *body.KeyIndex
		}
		tok, err := v.token(append(append([]byte(nil), body.Header...), body.Claims...), len(body.Header), index)
		return tok, verdict, err
	}
	if len(res) < abi.VerifiedLayout {
		return nil, nil, core.Errorf(core.CodeInternal, "the module returned a result of %d bytes, shorter than its layout", len(res))
	}
	index := binary.LittleEndian.Uint32(res[1:])
	hlen := binary.LittleEndian.Uint32(res[5:])
	body := res[abi.VerifiedLayout:]
	if uint64(hlen) > uint64(len(body)) {
		return nil, nil, core.Errorf(core.CodeInternal, "the module returned a header of %d bytes in a result of %d", hlen, len(body))
	}
	// One copy out of guest memory; header and claims keep sub-slices.
	tok, err = v.token(append([]byte(nil), body...), int(hlen), int(index))
	return tok, nil, err
}

// token builds a Token from header and claims, laid end to end in data,
// the header's length hlen, and the index of the key that verified it.
// Each is parsed once.
func (v *wasmVerifier) token(data []byte, hlen, keyIndex int) (*core.Token, error) {
	if keyIndex < 0 || keyIndex >= len(v.keys) {
		return nil, core.Errorf(core.CodeInternal, "the module named key %d of a set of %d", keyIndex, len(v.keys))
	}
	h, err := core.ParseHeader(data[:hlen:hlen])
	if err != nil {
		return nil, core.WrapError(core.CodeInternal, err, "the module returned a bad header")
	}
	c, err := core.ParseClaims(data[hlen:])
	if err != nil {
		return nil, core.WrapError(core.CodeInternal, err, "the module returned bad claims")
	}
	return &core.Token{Header: h, Claims: c, Key: v.keys[keyIndex]}, nil
}

// CheckSignature runs the bare signature check of a compact token inside
// the module, with a wasm engine verifier's first key, first algorithm and
// signature code: no header, policy or claims. It exists so that
// benchmarks can measure what Verify adds to the cryptography; never use
// it to accept a token. A verifier of the native engine has no such
// check: it is an invalid_argument error.
func CheckSignature(ctx context.Context, v Verifier, token string) (bool, error) {
	w, ok := v.(*wasmVerifier)
	if !ok {
		return false, core.Errorf(core.CodeInvalidArgument, "CheckSignature takes a verifier of the wasm engine")
	}
	var ok32 int32 = -2
	err := w.run(ctx, func(inst *instance, h int32) error {
		if inst.check == nil {
			return nil
		}
		ptr, err := inst.write(ctx, token)
		if err != nil {
			return err
		}
		defer inst.release(ctx, ptr)
		res, err := inst.invoke(ctx, inst.check, uint64(uint32(h)), uint64(ptr), uint64(len(token)))
		if err != nil {
			return inst.guestError(abi.ExportCheckSignature, err)
		}
		ok32 = int32(res)
		return nil
	})
	if err != nil {
		return false, err
	}
	switch ok32 {
	case -2:
		return false, core.Errorf(core.CodeInvalidArgument, "the module does not export %s", abi.ExportCheckSignature)
	case -1:
		return false, core.Errorf(core.CodeInvalidArgument, "the module could not check the token's signature")
	}
	return ok32 == 1, nil
}

// VerifyJWS runs the JWS layer of the verifier inside the module: a
// compact JWS whose payload may be any bytes, checked as
// core.Verifier.VerifyJWS does (size, algorithm, crit, key, signature), no
// claim rules and no cache.
func (v *wasmVerifier) VerifyJWS(ctx context.Context, token string) (*core.JWS, error) {
	if len(token) > v.maxSize {
		return nil, core.Errorf(core.CodeTooLarge, "token of %d bytes is over the limit of %d", len(token), v.maxSize)
	}
	var jr abi.JWSResult
	err := v.run(ctx, func(inst *instance, h int32) error {
		req, err := jsonMarshal(abi.VerifyRequest{Handle: h, Token: token})
		if err != nil {
			return err
		}
		res, err := inst.callOp(ctx, abi.OpVerifyJWS, req)
		if err != nil {
			return err
		}
		return decodeResult(res, &jr)
	})
	if err != nil {
		return nil, err
	}
	payload, err := base64.RawURLEncoding.DecodeString(jr.Payload)
	if err != nil {
		return nil, core.WrapError(core.CodeInternal, err, "the module returned a bad payload")
	}
	h, err := core.ParseHeader(jr.Header)
	if err != nil {
		return nil, core.WrapError(core.CodeInternal, err, "the module returned a bad header")
	}
	if jr.KeyIndex < 0 || jr.KeyIndex >= len(v.keys) {
		return nil, core.Errorf(core.CodeInternal, "the module named key %d of a set of %d", jr.KeyIndex, len(v.keys))
	}
	return &core.JWS{Header: h, Payload: payload, Key: v.keys[jr.KeyIndex]}, nil
}
