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
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/wasm/blob"
)

// Runtime runs the jwtwasm module: one compiled module and a pool of
// instances. It is safe for concurrent use; each instance serves one call
// at a time.
type Runtime struct {
	rt       wazero.Runtime
	cache    wazero.CompilationCache
	compiled wazero.CompiledModule
	opts     options

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
		opt(&o)
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
		r.cache = wazero.NewCompilationCache()
	}
	// Not WithCloseOnContextDone: the checks it compiles into every loop
	// and call make the module 8-9x slower (an RS256 check: 2.4 ms with,
	// 0.27 ms without). Contexts are honoured by do instead.
	cfg = cfg.WithMemoryLimitPages(o.memoryPages)
	compiled, err := r.compile(ctx, cfg, module)
	if err != nil && fileCache {
		_ = r.rt.Close(ctx)
		_ = r.cache.Close(ctx)
		r.cache = wazero.NewCompilationCache()
		compiled, err = r.compile(ctx, cfg, module)
	}
	if err != nil {
		r.Close(ctx)
		return nil, err
	}
	r.compiled = compiled
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

// ErrClosed is returned by calls on a closed Runtime or Verifier.
var ErrClosed = errors.New("jwtwasm: closed")

// acquire returns an idle instance, making one if the pool has room, or
// waits for one until ctx is done.
func (r *Runtime) acquire(ctx context.Context) (*instance, error) {
	if r.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err // before a call that wazero would close the instance for
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
		return nil, ctx.Err()
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
		mod:     mod,
		alloc:   mod.ExportedFunction(abi.ExportAlloc),
		free:    mod.ExportedFunction(abi.ExportFree),
		call:    mod.ExportedFunction(abi.ExportCall),
		verify:  mod.ExportedFunction(abi.ExportVerify),
		check:   mod.ExportedFunction(abi.ExportCheckSignature),
		handles: map[uint64]handle{},
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
	if r.cache != nil {
		if cerr := r.cache.Close(ctx); err == nil {
			err = cerr
		}
	}
	return err
}

// do runs f on an instance from the pool.
//
// A call under a context that can end runs on its own goroutine. If the
// context ends first, do returns its error at once, and the instance
// leaves the pool so that the next caller is served; the call runs on in
// the background, because compiled wasm cannot be stopped midway without
// the per-loop checks that cost ~9x on every call, and its instance is
// closed when it ends. Calls are short (a verification takes
// milliseconds); the long ones are key generation and key derivation, so
// an abandoned call holds its memory for seconds at most.
func (r *Runtime) do(ctx context.Context, f func(*instance) ([]byte, error)) ([]byte, error) {
	if !r.enter() {
		return nil, ErrClosed
	}
	// The time limit starts before waiting for an instance: waiting is
	// part of what the caller is kept from.
	caller := ctx
	if limit := r.opts.callTimeout; limit > 0 {
		if d, ok := ctx.Deadline(); !ok || time.Until(d) > limit {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, limit)
			defer cancel()
		}
	}
	inst, err := r.acquire(ctx)
	if err != nil {
		r.leave(ctx)
		return nil, r.timedOut(caller, ctx, err)
	}
	if ctx.Done() == nil { // cannot end: no goroutine needed
		defer r.leave(ctx)
		defer r.release(ctx, inst)
		r.freeRetired(ctx, inst)
		return f(inst)
	}
	type outcome struct {
		res      []byte
		err      error
		panicked any
	}
	done := make(chan outcome, 1)
	bg := context.WithoutCancel(ctx) // the call itself must not see the end
	go func() {
		// A panic here would end the process: carry it to the caller, whose
		// goroutine it would have reached had the call run there.
		defer func() {
			if p := recover(); p != nil {
				inst.broken = true
				done <- outcome{panicked: p}
			}
		}()
		r.freeRetired(bg, inst)
		res, err := f(inst)
		done <- outcome{res: res, err: err}
	}()
	select {
	case o := <-done:
		r.release(ctx, inst)
		r.leave(ctx)
		if o.panicked != nil {
			panic(o.panicked)
		}
		return o.res, o.err
	case <-ctx.Done():
		// The instance leaves the pool now, but its handles are forgotten
		// only when the call ends: until then the call may add one.
		r.dropInstance(inst)
		<-r.slots
		go func() {
			<-done
			r.forgetHandles(inst)
			_ = inst.mod.Close(bg)
			r.leave(bg)
		}()
		return nil, r.timedOut(caller, ctx, fmt.Errorf("jwtwasm: %w", ctx.Err()))
	}
}

// timedOut turns err into a CodeTooLarge error naming the limit when the
// call's own time limit ended ctx, rather than the caller's context.
func (r *Runtime) timedOut(caller, ctx context.Context, err error) error {
	if caller.Err() != nil || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return err
	}
	limit := core.Errorf(core.CodeTooLarge, "the call ran past the time limit of %v (host.WithCallTimeout)", r.opts.callTimeout)
	return fmt.Errorf("%w: %w", limit, context.DeadlineExceeded)
}

// call runs an operation with a JSON request and decodes a successful
// result into out.
func (r *Runtime) call(ctx context.Context, op abi.Op, req, out any) error {
	body, err := jsonMarshal(req)
	if err != nil {
		return err
	}
	res, err := r.do(ctx, func(inst *instance) ([]byte, error) { return inst.callOp(ctx, op, body) })
	if err != nil {
		return err
	}
	return decodeResult(res, out)
}
