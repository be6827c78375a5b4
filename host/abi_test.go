package host

// Tests of the module's exports driven directly through wazero, as a host
// in another language would drive them: every hostile call must come back
// as a result with an error code, never as a trap, and leave the instance
// working. The last tests feed host.New modules of the wrong shape.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/wasm/blob"
)

// rawModule is the embedded module compiled once in a wazero runtime of
// the tests' own, never closed.
var rawModule struct {
	once     sync.Once
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	err      error
}

// rawInstance is one instance of the embedded module, driven through its
// exports.
type rawInstance struct {
	t   *testing.T
	ctx context.Context
	mod api.Module
}

// newRawInstance instantiates the module with the WASI imports, a real
// clock and crypto/rand; initialise says whether _initialize runs.
func newRawInstance(t *testing.T, initialise bool) *rawInstance {
	t.Helper()
	ctx := context.Background()
	rawModule.once.Do(func() {
		// A directory of its own under the shared root: host.New removes
		// the wazero-* directories wazero makes straight under a root
		// (moduleCacheDir), and would delete this cache's files while it
		// writes them.
		cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(testCacheDir(t), "raw"))
		if err != nil {
			rawModule.err = err
			return
		}
		rawModule.rt = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, rawModule.rt); err != nil {
			rawModule.err = err
			return
		}
		rawModule.compiled, rawModule.err = rawModule.rt.CompileModule(ctx, blob.Module)
	})
	if rawModule.err != nil {
		t.Fatalf("compiling the module: %v", rawModule.err)
	}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStdout(io.Discard).
		WithStderr(io.Discard)
	if initialise {
		cfg = cfg.WithStartFunctions("_initialize")
	} else {
		cfg = cfg.WithStartFunctions()
	}
	mod, err := rawModule.rt.InstantiateModule(ctx, rawModule.compiled, cfg)
	if err != nil {
		t.Fatalf("instantiating the module: %v", err)
	}
	t.Cleanup(func() { mod.Close(ctx) })
	return &rawInstance{t: t, ctx: ctx, mod: mod}
}

// call calls an export and fails the test if it traps.
func (ri *rawInstance) call(name string, params ...uint64) uint64 {
	ri.t.Helper()
	res, err := ri.mod.ExportedFunction(name).Call(ri.ctx, params...)
	if err != nil {
		ri.t.Fatalf("%s%v trapped: %v", name, params, err)
	}
	return res[0]
}

func (ri *rawInstance) alloc(size int32) uint32 {
	ri.t.Helper()
	return uint32(ri.call(abi.ExportAlloc, uint64(uint32(size))))
}

func (ri *rawInstance) free(ptr uint32) int32 {
	ri.t.Helper()
	return int32(ri.call(abi.ExportFree, uint64(ptr)))
}

// input copies data into a fresh buffer, freed when the test ends.
func (ri *rawInstance) input(data []byte) uint32 {
	ri.t.Helper()
	ptr := ri.alloc(int32(len(data)))
	if ptr == 0 {
		ri.t.Fatalf("%s(%d) = 0", abi.ExportAlloc, len(data))
	}
	if !ri.mod.Memory().Write(ptr, data) {
		ri.t.Fatalf("%s(%d) = %#x, outside memory", abi.ExportAlloc, len(data), ptr)
	}
	ri.t.Cleanup(func() { ri.free(ptr) })
	return ptr
}

// rawResult is a result buffer: status byte and JSON body.
type rawResult struct {
	code core.Code
	body []byte
}

func (r rawResult) String() string { return fmt.Sprintf("%s %s", r.code, r.body) }

// message is the message of an error result.
func (r rawResult) message() string {
	var b abi.ErrorBody
	json.Unmarshal(r.body, &b)
	return b.Message
}

// result reads a packed result, checks its layout and frees it.
func (ri *rawInstance) result(packed uint64) rawResult {
	ri.t.Helper()
	ptr, size := abi.Unpack(packed)
	view, ok := ri.mod.Memory().Read(ptr, size)
	if !ok || size == 0 {
		ri.t.Fatalf("result (%#x, %d) is not inside memory", ptr, size)
	}
	out := rawResult{code: core.Code(view[0]), body: append([]byte(nil), view[1:]...)}
	if got := ri.free(ptr); got != 0 {
		ri.t.Fatalf("%s(result %#x) = %d, want 0", abi.ExportFree, ptr, got)
	}
	if !json.Valid(out.body) {
		ri.t.Fatalf("result body is not JSON: %q", out.body)
	}
	if out.code != abi.StatusOK {
		var b abi.ErrorBody
		if err := json.Unmarshal(out.body, &b); err != nil || b.Message == "" {
			ri.t.Fatalf("error result without a message: %s", out)
		}
	}
	return out
}

// op runs jwtwasm_call on a request.
func (ri *rawInstance) op(op abi.Op, req string) rawResult {
	ri.t.Helper()
	ptr := ri.input([]byte(req))
	return ri.result(ri.call(abi.ExportCall, uint64(uint32(op)), uint64(ptr), uint64(len(req))))
}

// verify runs jwtwasm_verify on a token, judged at testNow.
func (ri *rawInstance) verify(handle int32, token string) rawResult {
	ri.t.Helper()
	ptr := ri.input([]byte(token))
	return ri.result(ri.call(abi.ExportVerify, uint64(uint32(handle)), uint64(testNow.UnixMilli()), uint64(ptr), uint64(len(token))))
}

// prepare makes a verifier and returns its handle.
func (ri *rawInstance) prepare(jwks []byte, p core.Policy) int32 {
	ri.t.Helper()
	req, _ := json.Marshal(abi.VerifierRequest{KeysRequest: abi.KeysRequest{Keys: string(jwks)}, Policy: abi.PolicyFrom(p)})
	res := ri.op(abi.OpVerifierNew, string(req))
	var h abi.HandleResult
	if res.code != abi.StatusOK || json.Unmarshal(res.body, &h) != nil {
		ri.t.Fatalf("verifier_new: %s", res)
	}
	return h.Handle
}

// wantCode fails the test unless res carries code.
func wantCode(t *testing.T, res rawResult, code core.Code, msgPart string) {
	t.Helper()
	if res.code != code {
		t.Fatalf("got %s, want %s", res, code)
	}
	if msgPart != "" && !strings.Contains(res.message(), msgPart) {
		t.Errorf("message %q does not say %q", res.message(), msgPart)
	}
}

// stillWorks checks that a valid token still verifies in the instance.
func (ri *rawInstance) stillWorks(handle int32, token string) {
	ri.t.Helper()
	if res := ri.verify(handle, token); res.code != abi.StatusOK {
		ri.t.Fatalf("after the hostile call, a valid token gets %s", res)
	}
}

func TestABIVersion(t *testing.T) {
	ri := newRawInstance(t, true)
	if got := int32(ri.call(abi.ExportVersion)); got != abi.Version {
		t.Fatalf("the embedded module speaks ABI version %d, package abi %d: rebuild it with scripts/build-wasm.sh", got, abi.Version)
	}
}

// Out-of-range pointers and lengths, given to both exports that read
// input, are invalid_argument results.
func TestABIBadInput(t *testing.T) {
	ri := newRawInstance(t, true)
	f := newFixture(t, "ec-p256.pem", "")
	handle := ri.prepare(f.jwks, es256Policy)
	request := `{"token":"` + f.token + `"}`
	buf := ri.input([]byte(request)) // a live buffer of len(request) bytes
	freed := ri.alloc(16)
	ri.free(freed)
	memEnd := ri.mod.Memory().Size()

	cases := []struct {
		name string
		ptr  uint32
		size int32
	}{
		{"ptr 0", 0, 10},
		{"ptr 0 len 0", 0, 0},
		{"ptr at memory end", memEnd, 1},
		{"ptr past memory end", memEnd + 4096, 10},
		{"ptr 0xffffffff", math.MaxUint32, 1},
		{"ptr inside a buffer", buf + 1, 4},
		{"ptr at a buffer's last byte", buf + uint32(len(request)) - 1, 1},
		{"ptr of a freed buffer", freed, 16},
		{"len negative", buf, -1},
		{"len MinInt32", buf, math.MinInt32},
		{"len one past the buffer", buf, int32(len(request)) + 1},
		{"len over MaxAlloc", buf, abi.MaxAlloc + 1},
		{"len MaxInt32", buf, math.MaxInt32},
	}
	for _, c := range cases {
		t.Run("call/"+c.name, func(t *testing.T) {
			ri.t = t
			res := ri.result(ri.call(abi.ExportCall, uint64(abi.OpInspect), uint64(c.ptr), uint64(uint32(c.size))))
			wantCode(t, res, core.CodeInvalidArgument, "is not inside a buffer from jwtwasm_alloc")
			ri.stillWorks(handle, f.token)
		})
		t.Run("verify/"+c.name, func(t *testing.T) {
			ri.t = t
			res := ri.result(ri.call(abi.ExportVerify, uint64(handle), 0, uint64(c.ptr), uint64(uint32(c.size))))
			wantCode(t, res, core.CodeInvalidArgument, "is not inside a buffer from jwtwasm_alloc")
			ri.stillWorks(handle, f.token)
		})
	}
	ri.t = t

	// The buffer itself, whole or a prefix, is fine.
	res := ri.result(ri.call(abi.ExportCall, uint64(abi.OpInspect), uint64(buf), uint64(len(request))))
	wantCode(t, res, abi.StatusOK, "")
	res = ri.result(ri.call(abi.ExportCall, uint64(abi.OpInspect), uint64(buf), 5))
	wantCode(t, res, core.CodeInvalidArgument, "request") // `{"tok`: cut JSON
	// A result buffer is a live buffer too, until it is freed.
	packed := ri.call(abi.ExportCall, uint64(abi.OpInspect), uint64(buf), uint64(len(request)))
	rptr, rlen := abi.Unpack(packed)
	res = ri.result(ri.call(abi.ExportVerify, uint64(handle), 0, uint64(rptr), uint64(rlen)))
	wantCode(t, res, core.CodeMalformed, "")
	ri.free(rptr)
	res = ri.result(ri.call(abi.ExportVerify, uint64(handle), 0, uint64(rptr), uint64(rlen)))
	wantCode(t, res, core.CodeInvalidArgument, "is not inside a buffer")
	ri.stillWorks(handle, f.token)
}

// Inputs over core's size limits are too_large results.
func TestABIOverLimits(t *testing.T) {
	ri := newRawInstance(t, true)
	f := newFixture(t, "ec-p256.pem", "")
	handle := ri.prepare(f.jwks, es256Policy)

	long := f.token + strings.Repeat("A", core.DefaultMaxTokenSize)
	wantCode(t, ri.verify(handle, long), core.CodeTooLarge, "")
	req, _ := json.Marshal(abi.VerifyRequest{Handle: handle, Token: long})
	wantCode(t, ri.op(abi.OpVerify, string(req)), core.CodeTooLarge, "")
	req, _ = json.Marshal(abi.KeysRequest{Keys: `{"keys":[` + strings.Repeat(" ", core.MaxKeySetSize) + `]}`})
	wantCode(t, ri.op(abi.OpThumbprint, string(req)), core.CodeTooLarge, "MaxKeySetSize")
	req, _ = json.Marshal(abi.InspectRequest{Token: long})
	wantCode(t, ri.op(abi.OpInspect, string(req)), core.CodeTooLarge, "")
	ri.stillWorks(handle, f.token)
}

func TestABIAlloc(t *testing.T) {
	ri := newRawInstance(t, true)
	for _, size := range []int32{-1, math.MinInt32, abi.MaxAlloc + 1, math.MaxInt32} {
		if got := ri.alloc(size); got != 0 {
			t.Errorf("%s(%d) = %#x, want 0", abi.ExportAlloc, size, got)
		}
	}
	seen := map[uint32]bool{}
	for _, size := range []int32{0, 0, 1, 4096, abi.MaxAlloc} {
		ptr := ri.alloc(size)
		if ptr == 0 || seen[ptr] {
			t.Fatalf("%s(%d) = %#x: want a fresh buffer", abi.ExportAlloc, size, ptr)
		}
		seen[ptr] = true
		if size > 0 && !ri.mod.Memory().Write(ptr+uint32(size)-1, []byte{1}) {
			t.Errorf("%s(%d) = %#x: the buffer ends outside memory", abi.ExportAlloc, size, ptr)
		}
	}
	for ptr := range seen {
		if got := ri.free(ptr); got != 0 {
			t.Errorf("%s(%#x) = %d, want 0", abi.ExportFree, ptr, got)
		}
	}
}

func TestABIFree(t *testing.T) {
	ri := newRawInstance(t, true)
	f := newFixture(t, "ec-p256.pem", "")
	handle := ri.prepare(f.jwks, es256Policy)
	buf := ri.alloc(64)
	for name, ptr := range map[string]uint32{
		"null":              0,
		"inside a buffer":   buf + 8,
		"past memory":       ri.mod.Memory().Size() + 64,
		"0xffffffff":        math.MaxUint32,
		"never allocated 4": 4,
	} {
		if got := ri.free(ptr); got != 1 {
			t.Errorf("%s(%s %#x) = %d, want 1", abi.ExportFree, name, ptr, got)
		}
	}
	if got := ri.free(buf); got != 0 {
		t.Errorf("first %s = %d, want 0", abi.ExportFree, got)
	}
	if got := ri.free(buf); got != 1 {
		t.Errorf("double %s = %d, want 1", abi.ExportFree, got)
	}
	// A result buffer freed twice.
	req, _ := json.Marshal(abi.HandleRequest{Handle: 12345})
	ptr := ri.input(req)
	rptr, _ := abi.Unpack(ri.call(abi.ExportCall, uint64(abi.OpVerifierFree), uint64(ptr), uint64(len(req))))
	if ri.free(rptr) != 0 || ri.free(rptr) != 1 {
		t.Errorf("freeing a result buffer twice: want 0, then 1")
	}
	ri.stillWorks(handle, f.token)
}

// Requests are strict JSON objects of the operation's members.
func TestABIRequests(t *testing.T) {
	ri := newRawInstance(t, true)
	f := newFixture(t, "ec-p256.pem", "")
	handle := ri.prepare(f.jwks, es256Policy)
	tok := `"` + f.token + `"`
	cases := []struct {
		name string
		op   abi.Op
		req  string
		want core.Code
		msg  string
	}{
		{"valid", abi.OpInspect, `{"token":` + tok + `}`, abi.StatusOK, ""},
		{"valid with spaces", abi.OpInspect, " \n{\"token\":" + tok + "}\n ", abi.StatusOK, ""},
		{"empty", abi.OpInspect, ``, core.CodeInvalidArgument, "request"},
		{"not JSON", abi.OpInspect, `token=abc`, core.CodeInvalidArgument, "not a JSON object"},
		{"bad JSON", abi.OpInspect, `{token}`, core.CodeInvalidArgument, "invalid character"},
		{"cut JSON", abi.OpInspect, `{"token":` + tok, core.CodeInvalidArgument, "request"},
		{"not UTF-8 in a string", abi.OpThumbprint, "{\"keys\":\"\xff\xfe\"}", core.CodeInvalidKey, ""},
		{"unknown member", abi.OpInspect, `{"token":` + tok + `,"bogus":1}`, core.CodeInvalidArgument, `"bogus"`},
		{"misspelt member", abi.OpVerifierNew, `{"keys":"x","polciy":{}}`, core.CodeInvalidArgument, `"polciy"`},
		{"unknown policy member", abi.OpVerifierNew, `{"keys":"x","policy":{"algorithms":["ES256"],"issuers":"a"}}`, core.CodeInvalidArgument, `"issuers"`},
		{"wrong type", abi.OpInspect, `{"token":5}`, core.CodeInvalidArgument, "string"},
		{"wrong handle type", abi.OpVerifierFree, `{"handle":"1"}`, core.CodeInvalidArgument, ""},
		{"handle out of int32", abi.OpVerifierFree, `{"handle":4294967296}`, core.CodeInvalidArgument, ""},
		{"array", abi.OpInspect, `[]`, core.CodeInvalidArgument, ""},
		{"string", abi.OpInspect, `"x"`, core.CodeInvalidArgument, ""},
		{"null", abi.OpInspect, `null`, core.CodeInvalidArgument, "object"},
		{"number", abi.OpThumbprint, `1`, core.CodeInvalidArgument, ""},
		{"trailing object", abi.OpInspect, `{"token":` + tok + `} {}`, core.CodeInvalidArgument, "after the JSON object"},
		{"trailing garbage", abi.OpInspect, `{"token":` + tok + `}x`, core.CodeInvalidArgument, "after the JSON object"},
		{"trailing brace", abi.OpInspect, `{"token":` + tok + `}}`, core.CodeInvalidArgument, "after the JSON object"},
		{"trailing bracket", abi.OpInspect, `{"token":` + tok + `}]`, core.CodeInvalidArgument, "after the JSON object"},
		{"no keys", abi.OpThumbprint, `{}`, core.CodeInvalidKey, "not a JWK, a JWKS or a PEM key"},
		{"bad key document", abi.OpThumbprint, `{"keys":"nope"}`, core.CodeInvalidKey, ""},
		{"empty policy", abi.OpVerifierNew, `{"keys":` + string(mustJSON(t, string(f.jwks))) + `,"policy":{}}`, core.CodeInvalidArgument, "no algorithm"},
		{"negative cache", abi.OpVerifierNew, `{"keys":` + string(mustJSON(t, string(f.jwks))) + `,"policy":{"algorithms":["ES256"]},"cache":-1}`, core.CodeInvalidArgument, "cache"},
		{"convert to nothing", abi.OpConvertKeys, `{"keys":` + string(mustJSON(t, string(f.jwks))) + `,"to":"der"}`, core.CodeInvalidArgument, `"der"`},
		{"keygen format", abi.OpKeygen, `{"type":"EC","format":"der"}`, core.CodeInvalidArgument, `"der"`},
		{"sign with public key", abi.OpSign, `{"keys":` + string(mustJSON(t, string(f.jwks))) + `,"claims":{}}`, core.CodeInvalidKey, "private key"},
		{"sign claims not object", abi.OpSign, `{"keys":"x","claims":}`, core.CodeInvalidArgument, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ri.t = t
			wantCode(t, ri.op(c.op, c.req), c.want, c.msg)
			ri.stillWorks(handle, f.token)
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestABIUnknownOp(t *testing.T) {
	ri := newRawInstance(t, true)
	f := newFixture(t, "ec-p256.pem", "")
	handle := ri.prepare(f.jwks, es256Policy)
	for _, op := range []abi.Op{0, 12, 99, -1, math.MinInt32, math.MaxInt32} {
		t.Run(fmt.Sprint(op), func(t *testing.T) {
			ri.t = t
			wantCode(t, ri.op(op, `{}`), core.CodeInvalidArgument, fmt.Sprintf("unknown operation %d", op))
			ri.stillWorks(handle, f.token)
		})
	}
}

// Stale, double-freed and never-made handles are invalid_argument results.
func TestABIHandles(t *testing.T) {
	ri := newRawInstance(t, true)
	f := newFixture(t, "ec-p256.pem", "")
	keep := ri.prepare(f.jwks, es256Policy)
	gone := ri.prepare(f.jwks, es256Policy)
	if gone == keep {
		t.Fatalf("two verifiers got handle %d", gone)
	}
	if res := ri.verify(gone, f.token); res.code != abi.StatusOK {
		t.Fatalf("verify with a fresh handle: %s", res)
	}
	free := func(h int32) rawResult {
		return ri.op(abi.OpVerifierFree, string(mustJSON(t, abi.HandleRequest{Handle: h})))
	}
	wantCode(t, free(gone), abi.StatusOK, "")
	if res := free(gone); res.code != core.CodeInvalidArgument || !strings.Contains(res.message(), "freed already") {
		t.Errorf("double free of handle %d: %s", gone, res)
	}
	for _, h := range []int32{gone, 0, -1, 12345, math.MaxInt32, math.MinInt32} {
		t.Run(fmt.Sprint(h), func(t *testing.T) {
			ri.t = t
			wantCode(t, ri.verify(h, f.token), core.CodeInvalidArgument, fmt.Sprintf("no verifier with handle %d", h))
			req := mustJSON(t, abi.VerifyRequest{Handle: h, Token: f.token, NowMillis: testNow.UnixMilli()})
			wantCode(t, ri.op(abi.OpVerify, string(req)), core.CodeInvalidArgument, fmt.Sprintf("no verifier with handle %d", h))
			wantCode(t, free(h), core.CodeInvalidArgument, fmt.Sprintf("no verifier with handle %d", h))
			ri.stillWorks(keep, f.token)
		})
	}
	ri.t = t
	// A new verifier never reuses the freed handle while others are free.
	if again := ri.prepare(f.jwks, es256Policy); again == gone || again == keep {
		t.Errorf("new verifier got handle %d, after %d and freed %d", again, keep, gone)
	}
}

// maxVerifiers is wasm/internal/guest.MaxVerifiers (wasm/ABI.md, "Limits"),
// which this package may not import.
const maxVerifiers = 4096

// One instance holds at most maxVerifiers verifiers.
func TestABIVerifierLimit(t *testing.T) {
	ri := newRawInstance(t, true)
	req := string(mustJSON(t, abi.VerifierRequest{
		KeysRequest: abi.KeysRequest{Keys: `{"kty":"oct","kid":"s","k":"` + strings.Repeat("A", 43) + `"}`},
		Policy:      abi.Policy{Algorithms: []string{"HS256"}},
	}))
	var last abi.HandleRequest // a HandleResult, as a request
	for i := range maxVerifiers {
		res := ri.op(abi.OpVerifierNew, req)
		if res.code != abi.StatusOK {
			t.Fatalf("verifier %d of %d: %s", i+1, maxVerifiers, res)
		}
		json.Unmarshal(res.body, &last)
	}
	wantCode(t, ri.op(abi.OpVerifierNew, req), core.CodeInvalidArgument, "MaxVerifiers")
	wantCode(t, ri.op(abi.OpVerifierFree, string(mustJSON(t, last))), abi.StatusOK, "")
	wantCode(t, ri.op(abi.OpVerifierNew, req), abi.StatusOK, "")
	wantCode(t, ri.op(abi.OpVerifierNew, req), core.CodeInvalidArgument, "MaxVerifiers")
}

// A host that forgets _initialize gets an error (a trap), not a crash, and
// nothing it can mistake for an answer. Each export is the first call of a
// fresh instance. A second call is logged only: after a trap the instance
// is in an unknown state, and wasm/ABI.md tells hosts to discard it.
func TestABIBeforeInitialise(t *testing.T) {
	exports := []struct {
		name   string
		params []uint64
	}{
		{abi.ExportVersion, nil},
		{abi.ExportAlloc, []uint64{16}},
		{abi.ExportFree, []uint64{16}},
		{abi.ExportCall, []uint64{uint64(abi.OpInspect), 16, 2}},
		{abi.ExportVerify, []uint64{1, 0, 16, 2}},
	}
	for _, e := range exports {
		ri := newRawInstance(t, false)
		for i := range 2 {
			res, err := ri.mod.ExportedFunction(e.name).Call(ri.ctx, e.params...)
			if err != nil {
				err = errors.New(strings.SplitN(err.Error(), "\n", 2)[0]) // without the stack
			}
			t.Logf("%s%v, call %d before _initialize: %v, %v", e.name, e.params, i+1, res, err)
			if i == 0 && err == nil && (e.name != abi.ExportVersion || int32(res[0]) != abi.Version) {
				t.Errorf("%s%v before _initialize = %v: want an error or a correct answer", e.name, e.params, res)
			}
		}
	}
}

// host.New checks the module's shape: every export, with its signature,
// and the ABI version.
func TestNewRefusesWrongModules(t *testing.T) {
	ctx := context.Background()
	without := func(name string) []wasmFunc {
		var out []wasmFunc
		for _, f := range fakeABI(abi.Version) {
			if f.name != name {
				out = append(out, f)
			}
		}
		return out
	}
	retype := func(name string, params, results []api.ValueType) []wasmFunc {
		fs := fakeABI(abi.Version)
		for i := range fs {
			if fs[i].name == name {
				fs[i].params, fs[i].results, fs[i].body = params, results, nil
			}
		}
		return fs
	}
	cases := []struct {
		name string
		mod  wasmModule
		want []string // parts of the error message
	}{
		{"no version", wasmModule{funcs: without(abi.ExportVersion), memoryPages: 1, exportMemory: true},
			[]string{"does not export jwtwasm_abi_version() -> i32"}},
		{"no verify", wasmModule{funcs: without(abi.ExportVerify), memoryPages: 1, exportMemory: true},
			[]string{"does not export jwtwasm_verify(i32, i64, i32, i32) -> i64"}},
		{"free takes i64", wasmModule{funcs: retype(abi.ExportFree, []api.ValueType{wI64}, []api.ValueType{wI32}), memoryPages: 1, exportMemory: true},
			[]string{"jwtwasm_free", "signature (i64) -> (i32)", "want (i32) -> (i32)"}},
		{"call returns i32", wasmModule{funcs: retype(abi.ExportCall, []api.ValueType{wI32, wI32, wI32}, []api.ValueType{wI32}), memoryPages: 1, exportMemory: true},
			[]string{"jwtwasm_call", "want (i32, i32, i32) -> (i64)"}},
		{"verify without now", wasmModule{funcs: retype(abi.ExportVerify, []api.ValueType{wI32, wI32, wI32}, []api.ValueType{wI64}), memoryPages: 1, exportMemory: true},
			[]string{"jwtwasm_verify", "signature (i32, i32, i32) -> (i64)", "want (i32, i64, i32, i32) -> (i64)"}},
		{"version returns nothing", wasmModule{funcs: retype(abi.ExportVersion, nil, nil), memoryPages: 1, exportMemory: true},
			[]string{"jwtwasm_abi_version", "want () -> (i32)"}},
		{"ABI version 2", wasmModule{funcs: fakeABI(2), memoryPages: 1, exportMemory: true},
			[]string{"ABI version 2", "this host 1"}},
		{"ABI version 0", wasmModule{funcs: fakeABI(0), memoryPages: 1, exportMemory: true},
			[]string{"ABI version 0"}},
		{"no memory", wasmModule{funcs: fakeABI(abi.Version)},
			[]string{"memory"}},
		{"memory not exported", wasmModule{funcs: fakeABI(abi.Version), memoryPages: 1},
			[]string{"memory"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt, err := New(ctx, WithModule(c.mod.encode()), WithPoolSize(1))
			if err == nil {
				rt.Close(ctx)
				t.Fatal("New accepted the module")
			}
			for _, part := range c.want {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not say %q", err, part)
				}
			}
			if !strings.HasPrefix(err.Error(), "jwtwasm: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}

	if _, err := New(ctx, WithModule([]byte("\x00asm, but not really"))); err == nil || !strings.Contains(err.Error(), "jwtwasm: compiling the module") {
		t.Errorf("a module that is not wasm: got %v", err)
	}
	// The encoder itself: the fake module of the right shape is accepted.
	rt, err := New(ctx, WithModule(wasmModule{funcs: fakeABI(abi.Version), memoryPages: 1, exportMemory: true}.encode()))
	if err != nil {
		t.Fatalf("a module of the right shape: %v", err)
	}
	rt.Close(ctx)
}

// A module of the right shape that misbehaves — results outside its
// memory, traps — costs the caller an internal error and the module its
// instance, never the host its process.
func TestHostileModule(t *testing.T) {
	ctx := context.Background()
	const bufAt = 1024
	const dataAt = 4096
	data := []byte("\xc8{\"message\":\"hi\"}\x00{\"keys\":5}")
	module := func(alloc, call []byte) []byte {
		fs := fakeABI(abi.Version)
		fs[1].body = alloc
		fs[3].body = call
		return wasmModule{funcs: fs, memoryPages: 1, exportMemory: true, data: data, dataAt: dataAt}.encode()
	}
	allocOK := constOf(wI32, bufAt)
	packed := func(ptr, size uint32) []byte { return constOf(wI64, int64(abi.Pack(ptr, size))) }
	cases := []struct {
		name        string
		alloc, call []byte
		want        core.Code
		msg         string
		broken      bool // the instance must be discarded
	}{
		{"result past memory", allocOK, packed(1<<20, 10), core.CodeInternal, "outside its memory", true},
		{"result straddles memory end", allocOK, packed(65536-4, 10), core.CodeInternal, "outside its memory", true},
		{"empty result", allocOK, packed(bufAt, 0), core.CodeInternal, "outside its memory", true},
		{"buffer past memory", constOf(wI32, 1<<20), packed(bufAt, 1), core.CodeInternal, "outside its memory", true},
		{"call traps", allocOK, []byte{0x00}, core.CodeInternal, "unreachable", true},
		{"alloc traps", []byte{0x00}, packed(bufAt, 1), core.CodeInternal, "unreachable", true},
		{"unknown code", allocOK, packed(dataAt, 17), core.CodeInternal, "unknown code 200: hi", false},
		{"error not JSON", allocOK, packed(bufAt, 8), core.CodeInternal, "unreadable error", false}, // the request
		{"result of the wrong shape", allocOK, packed(dataAt+17, 11), core.CodeInternal, "unreadable result", false},
		{"alloc refuses", constOf(wI32, 0), packed(bufAt, 1), core.CodeTooLarge, "over the module's limit", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt, err := New(ctx, WithModule(module(c.alloc, c.call)), WithPoolSize(1))
			if err != nil {
				t.Fatal(err)
			}
			defer rt.Close(ctx)
			for range 3 { // each time on a fresh instance if the last broke
				_, err = rt.Thumbprints(ctx, []byte(`{"kty":"oct","k":"AAAA"}`))
				if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
					t.Fatalf("got %v, want %s saying %q", err, c.want, c.msg)
				}
				if want := map[bool]int{true: 0, false: 1}[c.broken]; rt.Instances() != want {
					t.Fatalf("%d instances after the call, want %d", rt.Instances(), want)
				}
			}
		})
	}
}
