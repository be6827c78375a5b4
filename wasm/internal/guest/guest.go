// Package guest carries out the jwtwasm ABI's operations on core: it takes
// request bytes and returns result bytes laid out as package abi says. It
// knows nothing of WebAssembly memory, so it is tested natively; wasm/'s
// main package adds the exports and the memory glue around it.
package guest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// MaxVerifiers bounds the live verifier handles of one instance, so that a
// host that never frees them runs into an error rather than out of memory.
const MaxVerifiers = 4096

// Guest holds one module instance's state: its prepared verifiers. It is
// not safe for concurrent use, like the instance it serves.
type Guest struct {
	verifiers map[int32]*core.Verifier
	next      int32
}

// New returns an empty Guest.
func New() *Guest {
	return &Guest{verifiers: make(map[int32]*core.Verifier)}
}

// result lays out a result buffer: status byte, then body.
func result(code core.Code, body []byte) []byte {
	out := make([]byte, 0, 1+len(body))
	out = append(out, byte(code))
	return append(out, body...)
}

func okResult(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		return errResult(fmt.Errorf("encoding result: %w", err))
	}
	return result(abi.StatusOK, body)
}

// errResult reports err with its code; an error without one is internal.
func errResult(err error) []byte {
	body, _ := json.Marshal(abi.ErrorBody{Message: core.MessageOf(err)})
	return result(core.CodeOf(err), body)
}

func badRequest(format string, args ...any) []byte {
	body, _ := json.Marshal(abi.ErrorBody{Message: fmt.Sprintf(format, args...)})
	return result(core.CodeInvalidArgument, body)
}

// Internal reports a recovered panic or another failure of the glue.
func Internal(msg string) []byte {
	body, _ := json.Marshal(abi.ErrorBody{Message: msg})
	return result(core.CodeInternal, body)
}

// Call runs operation op on a JSON request.
func (g *Guest) Call(op abi.Op, req []byte) []byte {
	switch op {
	case abi.OpInspect:
		return decodeThen(req, inspect)
	case abi.OpVerifierNew:
		return decodeThen(req, g.newVerifier)
	case abi.OpVerifierFree:
		return decodeThen(req, g.freeVerifier)
	case abi.OpVerify:
		return decodeThen(req, func(r *abi.VerifyRequest) []byte {
			return g.Verify(r.Handle, r.NowMillis, []byte(r.Token))
		})
	case abi.OpSign:
		return decodeThen(req, sign)
	case abi.OpKeygen:
		return decodeThen(req, keygen)
	case abi.OpConvertKeys:
		return decodeThen(req, convert)
	case abi.OpThumbprint:
		return decodeThen(req, thumbprint)
	}
	return badRequest("unknown operation %d", op)
}

// decodeThen decodes a request strictly (unknown members are errors, so a
// misspelt option is not silently ignored) and runs f on it.
func decodeThen[R any](req []byte, f func(*R) []byte) []byte {
	var r R
	dec := json.NewDecoder(bytes.NewReader(req))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return badRequest("request: %v", err)
	}
	if dec.More() {
		return badRequest("request: data after the JSON object")
	}
	return f(&r)
}

func parseKeys(r abi.KeysRequest) (*core.KeySet, error) {
	var opts []core.KeyOption
	if r.Passphrase != "" {
		opts = append(opts, core.WithPassphrase([]byte(r.Passphrase)))
	}
	if r.Keys == "" {
		return nil, core.Errorf(core.CodeInvalidArgument, "request has no \"keys\"")
	}
	return core.ParseKeySet([]byte(r.Keys), opts...)
}

func (g *Guest) newVerifier(r *abi.VerifierRequest) []byte {
	if len(g.verifiers) >= MaxVerifiers {
		return badRequest("%d verifiers are live, the most one instance holds (MaxVerifiers): free some", MaxVerifiers)
	}
	set, err := parseKeys(r.KeysRequest)
	if err != nil {
		return errResult(err)
	}
	if r.Cache < 0 {
		return badRequest("negative cache size %d", r.Cache)
	}
	v, err := core.NewVerifier(set, r.Policy.Core(), core.WithCache(r.Cache))
	if err != nil {
		return errResult(err)
	}
	g.next++
	if g.next <= 0 { // after 2^31 verifiers, start again past any live one
		g.next = 1
	}
	for g.verifiers[g.next] != nil {
		g.next++
	}
	g.verifiers[g.next] = v
	return okResult(abi.HandleResult{Handle: g.next})
}

func (g *Guest) freeVerifier(r *abi.HandleRequest) []byte {
	if g.verifiers[r.Handle] == nil {
		return badRequest("no verifier with handle %d (freed already, or never made)", r.Handle)
	}
	delete(g.verifiers, r.Handle)
	return result(abi.StatusOK, []byte("{}"))
}

// Verify verifies token with the verifier behind handle. nowMillis is the
// time to judge by, or 0 for the clock.
func (g *Guest) Verify(handle int32, nowMillis int64, token []byte) []byte {
	v := g.verifiers[handle]
	if v == nil {
		return badRequest("no verifier with handle %d (freed already, or never made)", handle)
	}
	now := time.Now()
	if nowMillis != 0 {
		now = time.UnixMilli(nowMillis)
	}
	tok, err := v.VerifyAt(string(token), now)
	if err != nil {
		if tok == nil {
			return errResult(err)
		}
		body, _ := json.Marshal(abi.ErrorBody{
			Message: core.MessageOf(err),
			Header:  tok.Header.JSON(),
			Claims:  tok.Claims.JSON(),
			KeyID:   tok.Key.KeyID(),
		})
		return result(core.CodeOf(err), body)
	}
	// Written by hand: header and claims are already checked JSON, and
	// encoding/json would scan and copy them again on the hot path.
	h, c := tok.Header.JSON(), tok.Claims.JSON()
	out := make([]byte, 0, len(h)+len(c)+2*len(tok.Key.KeyID())+40)
	out = append(out, abi.StatusOK)
	out = append(out, `{"header":`...)
	out = append(out, h...)
	out = append(out, `,"claims":`...)
	out = append(out, c...)
	out = append(out, `,"kid":`...)
	kid, _ := json.Marshal(tok.Key.KeyID())
	out = append(out, kid...)
	return append(out, '}')
}

// Live reports the number of live verifier handles.
func (g *Guest) Live() int { return len(g.verifiers) }
