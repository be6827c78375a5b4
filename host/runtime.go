package host

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/wasm/blob"
)

// Runtime runs the jwtwasm module: one compiled module and a pool of
// instances. It is safe for concurrent use; each instance serves one call
// at a time.
type Runtime struct {
	rt    wazero.Runtime
	cache wazero.CompilationCache
	// fileCache says cache is r's own, on disk, closed with r; otherwise
	// it is the process's shared in-memory cache (memoryCache).
	fileCache bool
	compiled  wazero.CompiledModule
	opts      options

	idle   chan *instance // instances ready for a call
	slots  chan struct{}  // one token per instance that may exist
	closed atomic.Bool
	// inflight counts calls under way, abandoned ones included; wazero
	// must not close a module while code runs in it, so Close leaves the
	// shutdown to the last of them.
	inflight int

	nextID   atomic.Uint64
	holders  map[uint64]int  // verifier id -> instances holding a handle for it
	retired  map[uint64]bool // closed or collected verifiers whose handles to free
	nretired atomic.Int64
	mu       sync.Mutex // guards all
	all      map[*instance]struct{}
}

// New compiles the module and starts one instance, so that a module that
// cannot run fails here rather than on the first call. Close releases
// everything it holds.
func New(ctx context.Context, opts ...Option) (*Runtime, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	module := o.module
	if module == nil {
		module = blob.Module
	}
	var cfg wazero.RuntimeConfig
	if o.interpreter {
		cfg = wazero.NewRuntimeConfigInterpreter()
	} else {
		cfg = wazero.NewRuntimeConfig()
	}
	r := &Runtime{opts: o, all: map[*instance]struct{}{}, holders: map[uint64]int{}, retired: map[uint64]bool{}}
	// A cache directory that fails (not a directory, a full disk, files
	// removed under us) must not stop the program: the cache is only a
	// shortcut, so compile again with the cache in memory.
	fileCache := false
	if o.cacheDir != "" {
		if c, err := wazero.NewCompilationCacheWithDir(moduleCacheDir(o.cacheDir, module)); err == nil {
			r.cache, fileCache = c, true
		}
	}
	if !fileCache {
		r.cache = memoryCache(o)
	}
	// Not WithCloseOnContextDone: the checks it compiles into every loop
	// and call make the module 8-9x slower (an RS256 check: 2.4 ms with,
	// 0.27 ms without). Contexts are checked between calls instead (do).
	cfg = cfg.WithMemoryLimitPages(o.memoryPages)
	compiled, err := r.compile(ctx, cfg, module)
	if err != nil && fileCache {
		_ = r.rt.Close(ctx)
		_ = r.cache.Close(ctx)
		r.cache, fileCache = memoryCache(o), false
		compiled, err = r.compile(ctx, cfg, module)
	}
	if err != nil {
		r.Close(ctx)
		return nil, err
	}
	r.compiled, r.fileCache = compiled, fileCache
	if err := checkShape(compiled); err != nil {
		r.Close(ctx)
		return nil, err
	}
	r.idle = make(chan *instance, o.poolSize)
	r.slots = make(chan struct{}, o.poolSize)
	r.slots <- struct{}{}
	inst, err := r.newInstance(ctx)
	if err != nil {
		<-r.slots
		r.Close(ctx)
		return nil, err
	}
	r.idle <- inst
	return r, nil
}

// compile starts r's wazero runtime with WASI and r.cache and compiles
// module in it.
func (r *Runtime) compile(ctx context.Context, cfg wazero.RuntimeConfig, module []byte) (wazero.CompiledModule, error) {
	r.rt = wazero.NewRuntimeWithConfig(ctx, cfg.WithCompilationCache(r.cache))
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r.rt); err != nil {
		return nil, fmt.Errorf("jwtwasm: WASI: %w", err)
	}
	compiled, err := r.rt.CompileModule(ctx, module)
	if err != nil {
		return nil, fmt.Errorf("jwtwasm: compiling the module: %w", err)
	}
	return compiled, nil
}

// checkShape verifies that the module exports every ABI function with the
// right signature.
func checkShape(m wazero.CompiledModule) error {
	if _, ok := m.ExportedMemories()["memory"]; !ok {
		return errors.New("jwtwasm: the module does not export its memory as \"memory\"")
	}
	defs := m.ExportedFunctions()
	for _, want := range abi.Exports {
		d, ok := defs[want.Name]
		if !ok && want.Optional {
			continue
		}
		if !ok {
			return fmt.Errorf("jwtwasm: the module does not export %s(%s) -> %s", want.Name,
				strings.Join(want.Params, ", "), strings.Join(want.Results, ", "))
		}
		got := signature(d.ParamTypes(), d.ResultTypes())
		if exp := signature2(want.Params, want.Results); got != exp {
			return fmt.Errorf("jwtwasm: the module exports %s with signature %s, want %s", want.Name, got, exp)
		}
	}
	return nil
}

func signature(params, results []api.ValueType) string {
	names := func(ts []api.ValueType) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = api.ValueTypeName(t)
		}
		return strings.Join(s, ", ")
	}
	return "(" + names(params) + ") -> (" + names(results) + ")"
}

func signature2(params, results []string) string {
	return "(" + strings.Join(params, ", ") + ") -> (" + strings.Join(results, ", ") + ")"
}

// acquire returns an idle instance, making one if the pool has room, or
// waits for one until ctx is done.
func (r *Runtime) acquire(ctx context.Context) (*instance, error) {
	if r.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	select {
	case inst := <-r.idle:
		return inst, nil
	default:
	}
	select {
	case inst := <-r.idle:
		return inst, nil
	case r.slots <- struct{}{}:
		inst, err := r.newInstance(ctx)
		if err != nil {
			<-r.slots
			return nil, err
		}
		return inst, nil
	case <-ctx.Done():
		return nil, contextError(ctx.Err())
	}
}

// release returns inst to the pool, or discards it if a call broke it.
func (r *Runtime) release(ctx context.Context, inst *instance) {
	// A context that ends as a call returns may have closed the module
	// after the call succeeded.
	if inst.broken || r.closed.Load() || inst.mod.IsClosed() {
		r.discard(ctx, inst)
		return
	}
	r.idle <- inst
}

func (r *Runtime) discard(ctx context.Context, inst *instance) {
	r.forgetInstance(inst)
	_ = inst.mod.Close(context.WithoutCancel(ctx))
	<-r.slots
}

func (r *Runtime) newInstance(ctx context.Context) (*instance, error) {
	cfg := wazero.NewModuleConfig().
		WithName(""). // anonymous: many instances of one module
		WithStartFunctions("_initialize").
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStdout(io.Discard).
		WithStderr(io.Discard)
	mod, err := r.rt.InstantiateModule(ctx, r.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("jwtwasm: starting an instance: %w", err)
	}
	inst := &instance{
		mod:      mod,
		alloc:    mod.ExportedFunction(abi.ExportAlloc),
		free:     mod.ExportedFunction(abi.ExportFree),
		call:     mod.ExportedFunction(abi.ExportCall),
		verify:   mod.ExportedFunction(abi.ExportVerify),
		check:    mod.ExportedFunction(abi.ExportCheckSignature),
		input:    mod.ExportedFunction(abi.ExportInput),
		verifyIn: mod.ExportedFunction(abi.ExportVerifyInput),
		handles:  map[uint64]handle{},
	}
	v, err := mod.ExportedFunction(abi.ExportVersion).Call(ctx)
	if err != nil {
		mod.Close(ctx)
		return nil, fmt.Errorf("jwtwasm: %s: %w", abi.ExportVersion, err)
	}
	if got := int32(v[0]); got != abi.Version {
		mod.Close(ctx)
		return nil, fmt.Errorf("jwtwasm: the module speaks ABI version %d, this host %d", got, abi.Version)
	}
	r.mu.Lock()
	r.all[inst] = struct{}{}
	r.mu.Unlock()
	return inst, nil
}

// Instances reports how many module instances exist now.
func (r *Runtime) Instances() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.all)
}

// Close closes every instance, the compiled module, the runtime and the
// compilation cache. Later calls return ErrClosed. Calls under way, and
// calls abandoned because their context ended, run to their end first;
// the last of them then releases everything, and Close returns at once.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed.Swap(true) {
		r.mu.Unlock()
		return nil
	}
	busy := r.inflight > 0
	r.mu.Unlock()
	if busy {
		return nil
	}
	return r.shutdown(ctx)
}

// enter counts a call in, unless the runtime is closed.
func (r *Runtime) enter() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed.Load() {
		return false
	}
	r.inflight++
	return true
}

// leave counts a call out, and shuts down if it was the last one after
// Close.
func (r *Runtime) leave(ctx context.Context) {
	r.mu.Lock()
	r.inflight--
	last := r.inflight == 0 && r.closed.Load()
	r.mu.Unlock()
	if last {
		_ = r.shutdown(context.WithoutCancel(ctx))
	}
}

func (r *Runtime) shutdown(ctx context.Context) error {
	r.mu.Lock()
	clear(r.all) // closed with the runtime below
	r.mu.Unlock()
	var err error
	if r.rt != nil {
		err = r.rt.Close(ctx) // closes every module instance
	}
	if r.cache != nil && r.fileCache { // the memory cache outlives r
		if cerr := r.cache.Close(ctx); err == nil {
			err = cerr
		}
	}
	return err
}

// memoryCaches holds the in-memory compilation caches of the process, one
// per runtime configuration that changes compiled code: every Runtime
// without a cache directory shares one, so that only the first compiles
// the module (seconds) and later ones start in milliseconds. They are
// never closed: the compiled module stays for the life of the process.
var memoryCaches struct {
	sync.Mutex
	byConfig map[memoryCacheKey]wazero.CompilationCache
}

type memoryCacheKey struct {
	interpreter bool
	memoryPages uint32
}

func memoryCache(o options) wazero.CompilationCache {
	memoryCaches.Lock()
	defer memoryCaches.Unlock()
	key := memoryCacheKey{o.interpreter, o.memoryPages}
	c, ok := memoryCaches.byConfig[key]
	if !ok {
		if memoryCaches.byConfig == nil {
			memoryCaches.byConfig = map[memoryCacheKey]wazero.CompilationCache{}
		}
		c = wazero.NewCompilationCache()
		memoryCaches.byConfig[key] = c
	}
	return c
}

// do runs f on an instance from the pool, on the caller's goroutine.
//
// The context is checked before each call into the module, never during
// one: wazero's WithCloseOnContextDone would stop a call midway, but the
// checks it compiles into every loop and function make the module 8-9x
// slower, and a goroutine per call to abandon a running one cost ~30 µs
// and a second instance's memory until it ended. Every call's work is
// bounded by the input limits (a verification takes well under a
// millisecond; the longest calls, RSA-4096 key generation and a key
// decrypted at pkcs8's iteration limit, take seconds), so a call that has
// begun runs to its end and the caller gets the context's error at its
// next step.
func (r *Runtime) do(ctx context.Context, f func(*instance) error) error {
	if !r.enter() {
		return ErrClosed
	}
	defer r.leave(ctx)
	inst, err := r.acquire(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			// A panic leaves the instance in an unknown state.
			inst.broken = true
			r.release(ctx, inst)
			panic(p)
		}
		r.release(ctx, inst)
	}()
	r.freeRetired(ctx, inst)
	return f(inst)
}

// call runs an operation with a JSON request and decodes a successful
// result into out.
func (r *Runtime) call(ctx context.Context, op abi.Op, req, out any) error {
	body, err := jsonMarshal(req)
	if err != nil {
		return err
	}
	return r.do(ctx, func(inst *instance) error {
		res, err := inst.callOp(ctx, op, body)
		if err != nil {
			return err
		}
		return decodeResult(res, out)
	})
}
