package host

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/jwtwasm/jwtwasm/core"
)

// testCacheDir is the compilation cache the tests share, across runs and
// with the jwtwasm command (the same directory): compiling the module takes
// seconds (half a minute under -race), loading it from the cache a fraction
// of one. wazero keys entries by module and wazero version, so a rebuilt
// module never meets a stale entry. It is in the user's cache directory,
// not a shared temporary one: wazero runs the cached code as it finds it.
func testCacheDir(t testing.TB) string {
	t.Helper()
	cacheDir.once.Do(func() {
		if base, err := os.UserCacheDir(); err == nil {
			dir := filepath.Join(base, "jwtwasm", "wazero")
			if os.MkdirAll(dir, 0o700) == nil {
				cacheDir.dir = dir
				return
			}
		}
		cacheDir.dir, cacheDir.err = os.MkdirTemp("", "jwtwasm-host-test")
	})
	if cacheDir.err != nil {
		t.Fatal(cacheDir.err)
	}
	return cacheDir.dir
}

var cacheDir struct {
	once sync.Once
	dir  string
	err  error
}

var sharedRT struct {
	once sync.Once
	rt   *Runtime
	err  error
}

// sharedTestRuntime returns one Runtime for the tests that do not care about
// options. It is never closed: the process ends first. Tests that check a
// life cycle (Close, traps, limits) make their own.
func sharedTestRuntime(t testing.TB) *Runtime {
	t.Helper()
	sharedRT.once.Do(func() {
		sharedRT.rt, sharedRT.err = New(context.Background(), WithCompilationCacheDir(testCacheDir(t)), WithPoolSize(2))
	})
	if sharedRT.err != nil {
		t.Fatalf("host.New: %v", sharedRT.err)
	}
	return sharedRT.rt
}

// newTestRuntime starts a Runtime of its own, closed when the test ends.
func newTestRuntime(t testing.TB, opts ...Option) *Runtime {
	t.Helper()
	opts = append([]Option{WithCompilationCacheDir(testCacheDir(t))}, opts...)
	rt, err := New(context.Background(), opts...)
	if err != nil {
		t.Fatalf("host.New: %v", err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	return rt
}

// testNow is the fixed moment the tests judge tokens by.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// testKey reads a key of core/testdata/keys.
func testKey(t testing.TB, name string) *core.Key {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "core", "testdata", "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	key, err := core.ParseKey(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return key
}

// testFixture is a key, its public JWKS and a token it signed, valid an
// hour around testNow.
type testFixture struct {
	key   *core.Key
	jwks  []byte
	token string
}

func newFixture(t testing.TB, keyFile string, custom string) testFixture {
	t.Helper()
	key := testKey(t, keyFile)
	set, err := core.NewKeySet(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := set.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var extra []byte
	if custom != "" {
		extra = []byte(custom)
	}
	claims, err := core.BuildClaims(core.RegisteredClaims{
		Issuer:    "https://issuer.example",
		Subject:   "alice",
		IssuedAt:  testNow.Add(-time.Minute),
		ExpiresAt: testNow.Add(time.Hour),
	}, extra)
	if err != nil {
		t.Fatal(err)
	}
	token, err := core.Sign(key, claims)
	if err != nil {
		t.Fatal(err)
	}
	return testFixture{key: key, jwks: jwks, token: token}
}

var es256Policy = core.Policy{Algorithms: []string{"ES256"}, Issuer: "https://issuer.example"}

// A minimal WebAssembly binary encoder, for modules that are wrong on
// purpose: a missing export, a wrong signature, another ABI version, no
// memory, results that point outside memory. Each function's body is given
// as raw instructions (without the final end); nil pushes a zero of each
// result type.

type wasmFunc struct {
	name            string // export name; "" for none
	params, results []api.ValueType
	body            []byte
}

type wasmModule struct {
	funcs        []wasmFunc
	memoryPages  int  // 0: no memory
	exportMemory bool // export the memory as "memory"
	data         []byte
	dataAt       uint32 // where data is in memory
}

func (m wasmModule) encode() []byte {
	out := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}
	section := func(id byte, items [][]byte) {
		body := uleb(uint64(len(items)))
		for _, it := range items {
			body = append(body, it...)
		}
		out = append(out, id)
		out = append(out, uleb(uint64(len(body)))...)
		out = append(out, body...)
	}
	var types, funcs, exports, codes [][]byte
	for i, f := range m.funcs {
		t := []byte{0x60}
		t = append(t, uleb(uint64(len(f.params)))...)
		t = append(t, f.params...)
		t = append(t, uleb(uint64(len(f.results)))...)
		t = append(t, f.results...)
		types = append(types, t)
		funcs = append(funcs, uleb(uint64(i)))
		if f.name != "" {
			exports = append(exports, append(wasmName(f.name), 0x00, byte(i)))
		}
		body := f.body
		if body == nil {
			for _, r := range f.results {
				body = append(body, constOf(r, 0)...)
			}
		}
		code := append([]byte{0x00}, body...) // no locals
		code = append(code, 0x0b)             // end
		codes = append(codes, append(uleb(uint64(len(code))), code...))
	}
	section(1, types)
	section(3, funcs)
	if m.memoryPages > 0 {
		section(5, [][]byte{append([]byte{0x00}, uleb(uint64(m.memoryPages))...)})
		if m.exportMemory {
			exports = append(exports, append(wasmName("memory"), 0x02, 0x00))
		}
	}
	section(7, exports)
	section(10, codes)
	if len(m.data) > 0 {
		seg := append([]byte{0x00}, constOf(wI32, int64(m.dataAt))...)
		seg = append(seg, 0x0b)
		seg = append(seg, uleb(uint64(len(m.data)))...)
		section(11, [][]byte{append(seg, m.data...)})
	}
	return out
}

// constOf is the instruction pushing v as type t.
func constOf(t api.ValueType, v int64) []byte {
	switch t {
	case api.ValueTypeI32:
		return append([]byte{0x41}, sleb(v)...)
	case api.ValueTypeI64:
		return append([]byte{0x42}, sleb(v)...)
	}
	panic("constOf: type " + api.ValueTypeName(t))
}

func wasmName(s string) []byte { return append(uleb(uint64(len(s))), s...) }

func uleb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			c |= 0x80
		}
		b = append(b, c)
		if v == 0 {
			return b
		}
	}
}

func sleb(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

const (
	wI32 = api.ValueTypeI32
	wI64 = api.ValueTypeI64
)

// fakeABI returns the functions of a module that has the ABI's shape and
// does nothing: version returns version, everything else zero.
func fakeABI(version int64) []wasmFunc {
	return []wasmFunc{
		{name: "jwtwasm_abi_version", results: []api.ValueType{wI32}, body: constOf(wI32, version)},
		{name: "jwtwasm_alloc", params: []api.ValueType{wI32}, results: []api.ValueType{wI32}},
		{name: "jwtwasm_free", params: []api.ValueType{wI32}, results: []api.ValueType{wI32}},
		{name: "jwtwasm_call", params: []api.ValueType{wI32, wI32, wI32}, results: []api.ValueType{wI64}},
		{name: "jwtwasm_verify", params: []api.ValueType{wI32, wI64, wI32, wI32}, results: []api.ValueType{wI64}},
		{name: "jwtwasm_input", params: []api.ValueType{wI32}, results: []api.ValueType{wI32}},
		{name: "jwtwasm_verify_input", params: []api.ValueType{wI32, wI64, wI32}, results: []api.ValueType{wI64}},
	}
}
