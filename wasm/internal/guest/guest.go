// Package guest carries out the jwtwasm ABI's operations on core: it takes
// request bytes and returns result bytes laid out as package abi says. It
// knows nothing of WebAssembly memory, so it is tested natively; wasm/'s
// main package adds the exports and the memory glue around it.
package guest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// MaxVerifiers bounds the live verifier handles of one instance, so that a
// host that never frees them runs into an error rather than out of memory.
const MaxVerifiers = 4096

// Guest holds one module instance's state: its prepared verifiers and
// signers, under handles from one counter. It is not safe for concurrent
// use, like the instance it serves.
type Guest struct {
	verifiers map[int32]*prepared
	signers   map[int32]*core.Key
	next      int32
	// in and out are the buffers of VerifyInput, kept across calls so that
	// the hot path allocates neither (abi.ExportInput, ExportVerifyInput).
	in, out []byte
}

// prepared is a verifier and the key set it was made from, to report
// which key verified a token by its position.
type prepared struct {
	v    *core.Verifier
	keys []*core.Key
	alg  string // the policy's first algorithm, for CheckSignature
	// crypto is the verifier's signature code, which CheckSignature uses
	// too, so that the bare check measures the same code.
	crypto string
	cached bool // the verifier keeps verified tokens, by their text
}

// tokenText returns token as a string for p's verifier. Without a cache,
// the verifier keeps nothing of the text once the call returns, so the
// string may share the input buffer's bytes, which the host frees only
// after the call: one copy less per verification. The returned Token does
// hold substrings of it (its Header lives in the split token, next to the
// signing input), so Verify must not keep the Token past the call; it
// copies what the result needs. A cache keeps the text as its key, which
// must be a copy.
func (p *prepared) tokenText(token []byte) string {
	if p.cached || len(token) == 0 {
		return string(token)
	}
	return unsafe.String(&token[0], len(token))
}

// New returns an empty Guest.
func New() *Guest {
	return &Guest{verifiers: make(map[int32]*prepared), signers: make(map[int32]*core.Key)}
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

// errResult reports err with its code (an error without one is
// internal), and each failure when it joins several.
func errResult(err error) []byte {
	return result(core.CodeOf(err), errorBody(err, nil, -1))
}

// errorBody writes an ErrorBody by hand: for a verified token refused by a
// rule, its header and claims go back exactly as sent, which
// encoding/json would compact and re-escape.
func errorBody(err error, tok *core.Token, keyIndex int) []byte {
	var items []abi.ErrorItem
	var e *core.Error
	if errors.As(err, &e) {
		for _, f := range e.Failures() {
			items = append(items, abi.ErrorItem{Code: core.CodeOf(f).String(), Message: core.MessageOf(f)})
		}
	}
	head, _ := json.Marshal(abi.ErrorBody{Message: core.MessageOf(err), Errors: items})
	if tok == nil {
		return head
	}
	out := append([]byte(nil), head[:len(head)-1]...) // without its '}'
	return appendToken(append(out, ','), tok, keyIndex)
}

// appendToken appends the members of a VerifyResult and the closing '}'.
// Header and claims are checked JSON, copied as they are.
func appendToken(out []byte, tok *core.Token, keyIndex int) []byte {
	out = append(out, `"header":`...)
	out = append(out, tok.Header.JSON()...)
	out = append(out, `,"claims":`...)
	out = append(out, tok.Claims.JSON()...)
	out = append(out, `,"kid":`...)
	out = appendJSONString(out, tok.Key.KeyID())
	out = append(out, `,"key_index":`...)
	out = strconv.AppendInt(out, int64(keyIndex), 10)
	return append(out, '}')
}

// appendJSONString appends s as a JSON string. A kid of printable ASCII
// needing no escape, nearly every kid, is copied as it is: encoding/json's
// reflection cost microseconds per verification inside the module.
func appendJSONString(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			quoted, _ := json.Marshal(s)
			return append(out, quoted...)
		}
	}
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
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
	case abi.OpVerifyJWS:
		return decodeThen(req, func(r *abi.VerifyRequest) []byte {
			return g.VerifyJWS(r.Handle, []byte(r.Token))
		})
	case abi.OpSign, abi.OpSignerNew, abi.OpSignerFree, abi.OpKeygen, abi.OpConvertKeys:
		return g.keyOp(op, req)
	case abi.OpThumbprint:
		return decodeThen(req, thumbprint)
	}
	return badRequest("unknown operation %d", op)
}

// decodeThen decodes a request strictly (unknown members are errors, so a
// misspelt option is not silently ignored) and runs f on it.
func decodeThen[R any](req []byte, f func(*R) []byte) []byte {
	var r R
	if t := bytes.TrimLeft(req, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return badRequest("request: not a JSON object") // null would decode as {}
	}
	dec := json.NewDecoder(bytes.NewReader(req))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return badRequest("request: %v", err)
	}
	// Not dec.More: it takes a stray '}' or ']' for the end of the input.
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("request: data after the JSON object")
	}
	if err := exactNames(req, reflect.TypeOf(r)); err != nil {
		return badRequest("request: %v", err)
	}
	return f(&r)
}

// exactNames refuses member names that match a field only when case is
// ignored: encoding/json accepts "Algorithms" for "algorithms", and a
// request that is not written as documented should say so. It checks
// nested objects of struct fields too (the policy).
func exactNames(data []byte, t reflect.Type) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return err
	}
	fields := map[string]reflect.Type{}
	var collect func(reflect.Type)
	collect = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				collect(f.Type)
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
	}
	collect(t)
	for name, raw := range members {
		ft, ok := fields[name]
		if !ok {
			return fmt.Errorf("unknown member %q (names are case-sensitive)", name)
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(json.RawMessage{}) && len(raw) > 0 && raw[0] == '{' {
			if err := exactNames(raw, ft); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

func (g *Guest) newVerifier(r *abi.VerifierRequest) []byte {
	if len(g.verifiers) >= MaxVerifiers {
		return badRequest("%d verifiers are live, the most one instance holds (MaxVerifiers): free some", MaxVerifiers)
	}
	v, set, err := newVerifier(r)
	if err != nil {
		return errResult(err)
	}
	res := abi.HandleResult{}
	if r.ReturnKeys {
		if res.Keys, err = plainKeys(set); err != nil {
			return errResult(err)
		}
	}
	res.Handle = g.handle()
	g.verifiers[res.Handle] = &prepared{v: v, keys: set.Keys(), alg: r.Policy.Algorithms[0], crypto: r.Crypto, cached: r.Cache > 0}
	return okResult(res)
}

// plainKeys writes set as a plain JWKS, private members and all: what a
// host needs to prepare the same state in another instance without the
// passphrase. Kids the document did not have (a PEM key's thumbprint) are
// left out, so that a lone such key stays bare there too and verifies a
// token whatever its kid, as it does here.
func plainKeys(set *core.KeySet) (string, error) {
	keys := set.Keys()
	for i, k := range keys {
		if !k.OwnKeyID() {
			keys[i] = k.WithKeyID("")
		}
	}
	bare, err := core.NewKeySet(keys...)
	if err != nil {
		return "", err
	}
	b, err := bare.MarshalJSON()
	return string(b), err
}

// handle returns the next free handle.
func (g *Guest) handle() int32 {
	for {
		g.next++
		if g.next <= 0 { // after 2^31 handles, start again past any live one
			g.next = 1
		}
		if g.verifiers[g.next] == nil && g.signers[g.next] == nil {
			return g.next
		}
	}
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
	tok, index, failed := g.verify(handle, nowMillis, token)
	if failed != nil {
		return failed
	}
	h, c := tok.Header.JSON(), tok.Claims.JSON()
	out := make([]byte, 0, len(h)+len(c)+2*len(tok.Key.KeyID())+64)
	out = append(out, abi.StatusOK, '{')
	return appendToken(out, tok, index)
}

// verify verifies token with the verifier behind handle and returns the
// verified token and the index of its key, or the result that reports
// its failure.
func (g *Guest) verify(handle int32, nowMillis int64, token []byte) (*core.Token, int, []byte) {
	p := g.verifiers[handle]
	if p == nil {
		return nil, 0, badRequest("no verifier with handle %d (freed already, or never made)", handle)
	}
	var now time.Time // the verifier's clock
	if nowMillis != 0 {
		now = time.UnixMilli(nowMillis)
	}
	tok, err := p.v.VerifyAt(p.tokenText(token), now)
	if tok == nil {
		return nil, 0, errResult(err)
	}
	index := slices.Index(p.keys, tok.Key)
	if err != nil {
		return nil, 0, result(core.CodeOf(err), errorBody(err, tok, index))
	}
	return tok, index, nil
}

// Input returns the input buffer of VerifyInput, grown to hold at least
// size bytes; nil if size is negative or over abi.MaxAlloc.
func (g *Guest) Input(size int32) []byte {
	if size < 0 || size > abi.MaxAlloc {
		return nil
	}
	if int(size) > cap(g.in) || g.in == nil {
		g.in = make([]byte, max(int(size), 1))
	}
	return g.in[:cap(g.in)]
}

// VerifyInput verifies the first size bytes of the input buffer with the
// verifier behind handle, as Verify does, and writes the result into the
// output buffer it returns, which the next call reuses. A success is laid
// out as abi.VerifiedLayout says.
func (g *Guest) VerifyInput(handle int32, nowMillis int64, size int32) []byte {
	if size < 0 || int(size) > len(g.in) {
		return badRequest("input of %d bytes: the input buffer (%s) holds %d", size, abi.ExportInput, len(g.in))
	}
	tok, index, failed := g.verify(handle, nowMillis, g.in[:size])
	if failed != nil {
		return failed
	}
	h, c := tok.Header.JSON(), tok.Claims.JSON()
	out := g.out[:0]
	out = append(out, abi.StatusOK)
	out = binary.LittleEndian.AppendUint32(out, uint32(index))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(h)))
	out = append(out, h...)
	out = append(out, c...)
	g.out = out
	return out
}

// VerifyJWS runs the JWS layer of the verifier behind handle: any payload
// bytes, returned in base64url; no claim or access rules.
func (g *Guest) VerifyJWS(handle int32, token []byte) []byte {
	p := g.verifiers[handle]
	if p == nil {
		return badRequest("no verifier with handle %d (freed already, or never made)", handle)
	}
	jws, err := p.v.VerifyJWS(string(token))
	if err != nil {
		return errResult(err)
	}
	// Header by hand, as sent; the rest through encoding/json.
	rest, _ := json.Marshal(struct {
		Payload  string `json:"payload"`
		KeyID    string `json:"kid"`
		KeyIndex int    `json:"key_index"`
	}{base64.RawURLEncoding.EncodeToString(jws.Payload), jws.Key.KeyID(), slices.Index(p.keys, jws.Key)})
	out := append([]byte{abi.StatusOK}, `{"header":`...)
	out = append(out, jws.Header.JSON()...)
	out = append(out, ',')
	return append(out, rest[1:]...)
}

// CheckSignature is the bare signature check of a compact token with the
// verifier's first key, first algorithm and signature code, for benchmarks: 1 if it
// verifies, 0 if not, -1 for a bad handle or token.
func (g *Guest) CheckSignature(handle int32, token []byte) int32 {
	p := g.verifiers[handle]
	if p == nil || len(p.keys) == 0 {
		return -1
	}
	last := bytes.LastIndexByte(token, '.')
	if last < 0 {
		return -1
	}
	sig, err := base64.RawURLEncoding.DecodeString(string(token[last+1:]))
	if err != nil {
		return -1
	}
	if core.CheckSignature(p.crypto, p.alg, p.keys[0], string(token[:last]), sig) {
		return 1
	}
	return 0
}

// Live reports the number of live verifier handles.
func (g *Guest) Live() int { return len(g.verifiers) }
