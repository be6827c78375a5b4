package bench

// Start-up: the cold and warm paths to a first verification, kept apart
// from the per-token benchmarks.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
	"github.com/jwtwasm/jwtwasm/wasm/blob"
)

// The start-up steps are measured through host.New wherever the host has
// an API for them (BenchmarkNew, BenchmarkFirstVerify, MiB/instance).
// Compiling alone (BenchmarkCompile) and instantiating alone
// (BenchmarkInstantiate) have none, so those two drive wazero directly,
// with the configuration below. It mirrors host.New's (host/runtime.go:
// New, compile and newInstance) and must stay identical to it, or the
// numbers describe some other runtime: in particular no
// WithCloseOnContextDone, which host.New leaves out because the checks it
// compiles into the module make it 8-9x slower. BenchmarkNew/cache=dir ≈
// Compile/cache=dir + Instantiate cross-checks the mirror.

// hostRuntimeConfig mirrors the wazero.RuntimeConfig host.New makes with
// its default options (the compiler, host.DefaultMemoryLimitPages), with
// cache as its compilation cache.
func hostRuntimeConfig(cache wazero.CompilationCache) wazero.RuntimeConfig {
	return wazero.NewRuntimeConfig().
		WithMemoryLimitPages(host.DefaultMemoryLimitPages).
		WithCompilationCache(cache)
}

// hostModuleConfig mirrors the wazero.ModuleConfig host.New gives each
// instance.
func hostModuleConfig() wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStdout(io.Discard).
		WithStderr(io.Discard)
}

// hostCompile mirrors host.New's compile step: a runtime with
// hostRuntimeConfig(cache), WASI in it, the embedded module compiled.
// The caller closes the runtime.
func hostCompile(ctx context.Context, cache wazero.CompilationCache) (wazero.Runtime, wazero.CompiledModule, error) {
	return hostCompileModule(ctx, cache, blob.Module)
}

// hostCompileModule is hostCompile for any module.
func hostCompileModule(ctx context.Context, cache wazero.CompilationCache, module []byte) (wazero.Runtime, wazero.CompiledModule, error) {
	r := wazero.NewRuntimeWithConfig(ctx, hostRuntimeConfig(cache))
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		r.Close(ctx)
		return nil, nil, err
	}
	compiled, err := r.CompileModule(ctx, module)
	if err != nil {
		r.Close(ctx)
		return nil, nil, err
	}
	return r, compiled, nil
}

// compileOnce compiles the embedded module as host.New does, in a runtime
// of its own, as a new process would, and closes everything.
func compileOnce(ctx context.Context, cache wazero.CompilationCache) error {
	return compileModuleOnce(ctx, cache, blob.Module)
}

// compileModuleOnce is compileOnce for any module.
func compileModuleOnce(ctx context.Context, cache wazero.CompilationCache, module []byte) error {
	r, _, err := hostCompileModule(ctx, cache, module)
	if err != nil {
		return err
	}
	return r.Close(ctx)
}

// BenchmarkCompile compiles the embedded module with wazero's compiler, as
// host.New does but without starting an instance: cache=none from scratch
// into a new in-memory cache (host.New's default; seconds per op: use
// -benchtime=Nx), cache=dir from a warm file cache, with a fresh runtime
// and cache object per op so that nothing is reused from memory, as in a
// second process. Both report the module's size, raw and gzipped
// (compress/gzip at its best compression), in MB. impl=wasm-verify is
// cache=none for the verify-only module (wasm/blob/jwtwasm-verify.wasm),
// with its sizes: its goal is 1.5 MiB gzipped (host's
// TestVerifyModuleSize).
func BenchmarkCompile(b *testing.B) {
	ctx := context.Background()
	raw, gz := moduleSizes(b, blob.Module)
	b.Run("cache=none/impl=wasm-verify", func(b *testing.B) {
		module := verifyModule(b)
		raw, gz := moduleSizes(b, module)
		b.ReportAllocs()
		for b.Loop() {
			cache := wazero.NewCompilationCache()
			err := compileModuleOnce(ctx, cache, module)
			cache.Close(ctx)
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(raw, "module-MB")
		b.ReportMetric(gz, "module-gzip-MB")
	})
	b.Run("cache=none/impl=wasm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cache := wazero.NewCompilationCache()
			err := compileOnce(ctx, cache)
			cache.Close(ctx)
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(raw, "module-MB")
		b.ReportMetric(gz, "module-gzip-MB")
	})
	b.Run("cache=dir/impl=wasm", func(b *testing.B) {
		dir := rawCacheDir(b) // warm: primed before timing
		b.ReportAllocs()
		for b.Loop() {
			cache, err := wazero.NewCompilationCacheWithDir(dir)
			if err != nil {
				b.Fatal(err)
			}
			err = compileOnce(ctx, cache)
			cache.Close(ctx)
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(raw, "module-MB")
		b.ReportMetric(gz, "module-gzip-MB")
	})
}

// moduleSizes returns a module's size and gzipped size in MB (10^6
// bytes).
func moduleSizes(b *testing.B, module []byte) (raw, gz float64) {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := w.Write(module); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return float64(len(module)) / 1e6, float64(buf.Len()) / 1e6
}

// rawCache is the file compilation cache of the raw wazero steps: a
// directory of this process's own, primed once (a cold compile, seconds)
// and removed by TestMain. It is not the host's cacheDir: host.New keeps
// each build's code in a subdirectory it names and prunes itself, and the
// raw steps must not depend on that naming.
var rawCache struct {
	once sync.Once
	dir  string
	err  error
}

// rawCacheDir returns rawCache's directory, primed with the embedded
// module compiled as host.New compiles it.
func rawCacheDir(tb testing.TB) string {
	tb.Helper()
	rawCache.once.Do(func() {
		ctx := context.Background()
		if rawCache.dir, rawCache.err = os.MkdirTemp("", "jwtwasm-bench-raw-cache"); rawCache.err != nil {
			return
		}
		cache, err := wazero.NewCompilationCacheWithDir(rawCache.dir)
		if err != nil {
			rawCache.err = err
			return
		}
		defer cache.Close(ctx)
		rawCache.err = compileOnce(ctx, cache)
	})
	if rawCache.err != nil {
		tb.Fatal(rawCache.err)
	}
	return rawCache.dir
}

func removeRawCache() {
	if rawCache.dir != "" {
		os.RemoveAll(rawCache.dir)
	}
}

// BenchmarkNew starts a host runtime and closes it again, as a process
// does at start-up: host.New from a warm compilation cache directory (the
// module compiled from the cache, WASI, the module's exports checked, one
// instance started and _initialize run), then Close. Compile/cache=none
// plus Instantiate is the same without a cache.
func BenchmarkNew(b *testing.B) {
	b.Run("cache=dir/impl=wasm", func(b *testing.B) {
		ctx := context.Background()
		dir := cacheDir(b)
		wasmRuntime(b) // the module is in dir from now on
		b.ReportAllocs()
		for b.Loop() {
			rt, err := host.New(ctx, host.WithCompilationCacheDir(dir))
			if err != nil {
				b.Fatal(err)
			}
			if err := rt.Close(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkInstantiate measures what one more instance costs a running
// host: instantiating the compiled module with the host's configuration,
// running _initialize (the guest's Go runtime start), and closing it
// again. This is what the pool pays when it grows under load or replaces
// an instance that trapped; compiling is not in it (see BenchmarkCompile),
// nor is preparing a verifier in the new instance. The host has no call
// that starts one instance alone, so this drives wazero with the mirrored
// configuration (hostCompile, hostModuleConfig).
//
// MiB/instance is the linear memory of a host instance after it has
// prepared a verifier (RS256) and verified one token (instanceMemory):
// wasm memory never shrinks, so this is what each instance of a pool
// holds. Go's allocs/op cannot see inside the guest.
func BenchmarkInstantiate(b *testing.B) {
	b.Run("impl=wasm", func(b *testing.B) {
		ctx := context.Background()
		mib := instanceMemory(b, fixtureFor(b, "RS256"))
		cache, err := wazero.NewCompilationCacheWithDir(rawCacheDir(b))
		if err != nil {
			b.Fatal(err)
		}
		defer cache.Close(ctx)
		r, compiled, err := hostCompile(ctx, cache)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close(ctx)
		cfg := hostModuleConfig()
		b.ReportAllocs()
		for b.Loop() {
			mod, err := r.InstantiateModule(ctx, compiled, cfg)
			if err != nil {
				b.Fatal(err)
			}
			if err := mod.Close(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(mib, "MiB/instance")
	})
}

// instanceMemory starts a host runtime of one instance, prepares a
// verifier for f in it and verifies f's token, all through the host, and
// returns the instance's linear memory in MiB. The host reports no memory
// sizes, so the instance's memory is allocated through wazero's
// experimental memory allocator hook (which host.New's context carries to
// the instance it starts), a plain growing slice that only records its
// length.
func instanceMemory(b *testing.B, f *fixture) float64 {
	b.Helper()
	var mems []*recordedMemory
	alloc := experimental.MemoryAllocatorFunc(func(capacity, _ uint64) experimental.LinearMemory {
		m := &recordedMemory{buf: make([]byte, 0, capacity)}
		mems = append(mems, m)
		return m
	})
	ctx := experimental.WithMemoryAllocator(context.Background(), alloc)
	rt, err := host.New(ctx, host.WithCompilationCacheDir(cacheDir(b)), host.WithPoolSize(1))
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close(ctx)
	v, err := rt.NewVerifier(ctx, f.entry.JWKS, f.policy)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close(ctx)
	if _, err := v.Verify(ctx, f.entry.Token); err != nil {
		b.Fatal(err)
	}
	if len(mems) != 1 || rt.Instances() != 1 {
		b.Fatalf("%d memories allocated and %d instances, want one of each", len(mems), rt.Instances())
	}
	return float64(len(mems[0].buf)) / (1 << 20)
}

// recordedMemory is a linear memory that grows as wazero's default one
// does (a slice, copied when its capacity is outgrown) and whose length
// is the instance's memory size.
type recordedMemory struct{ buf []byte }

func (m *recordedMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		grown := make([]byte, size, max(size, 2*uint64(cap(m.buf))))
		copy(grown, m.buf)
		m.buf = grown
	} else {
		m.buf = m.buf[:size]
	}
	return m.buf
}

func (m *recordedMemory) Free() { m.buf = nil }

// Environment and output of TestFirstVerifyChild.
const (
	childImplEnv  = "JWTWASM_BENCH_FIRST_VERIFY"
	childCacheEnv = "JWTWASM_BENCH_CACHE_DIR"
	childPhase    = "first-verify-phase " // then "<name> <ns>"
)

// firstVerifyPhases are the parts of the child's work, in order, each
// reported as <name>-ms; inproc-ms is their sum.
var firstVerifyPhases = []string{"start", "prepare", "verify"}

// BenchmarkFirstVerify times a whole process that verifies one token and
// exits: this test binary run again for TestFirstVerifyChild alone, so
// that nothing is shared with the benchmarking process but the files.
// impl=wasm starts a host Runtime from a warm compilation cache, prepares
// a verifier and verifies; impl=core does the same natively, which shows
// what starting a process costs by itself.
//
// ns/op is the whole process: exec, the Go runtime, the test binary's
// start, the work, exit. The child reports the parts of its work:
// start-ms (host.New: the module compiled from the cache, one instance
// started; nothing for core), prepare-ms (the verifier: keys and policy),
// verify-ms (the first token); inproc-ms is their sum.
func BenchmarkFirstVerify(b *testing.B) {
	for _, impl := range []string{"core", "wasm"} {
		b.Run("alg=RS256/impl="+impl, func(b *testing.B) {
			if impl == "wasm" {
				wasmRuntime(b) // the module is in cacheDir from now on
			}
			env := append(os.Environ(), childImplEnv+"="+impl, childCacheEnv+"="+cacheDir(b))
			sums := map[string]time.Duration{}
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				phases, err := runChild(env)
				if err != nil {
					b.Fatal(err)
				}
				for name, d := range phases {
					sums[name] += d
				}
				n++
			}
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(n) }
			var total time.Duration
			for _, name := range firstVerifyPhases {
				b.ReportMetric(ms(sums[name]), name+"-ms")
				total += sums[name]
			}
			b.ReportMetric(ms(total), "inproc-ms")
		})
	}
}

// runChild runs TestFirstVerifyChild and returns the phases it reports.
func runChild(env []string) (map[string]time.Duration, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFirstVerifyChild$", "-test.count=1")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("first-verify child: %v\n%s%s", err, out, stderr.Bytes())
	}
	phases := map[string]time.Duration{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), childPhase)
		if !ok {
			continue
		}
		name, v, _ := strings.Cut(rest, " ")
		ns, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("first-verify child: %q: %v", sc.Text(), err)
		}
		phases[name] = time.Duration(ns)
	}
	for _, name := range firstVerifyPhases {
		if _, ok := phases[name]; !ok {
			return nil, fmt.Errorf("first-verify child reported no %q phase:\n%s", name, out)
		}
	}
	return phases, nil
}

// TestFirstVerifyChild is BenchmarkFirstVerify's child process; it skips
// unless that benchmark started it.
func TestFirstVerifyChild(t *testing.T) {
	impl := os.Getenv(childImplEnv)
	if impl == "" {
		t.Skip("run by BenchmarkFirstVerify in a process of its own")
	}
	ctx := context.Background()
	entries, err := readTokens()
	if err != nil {
		t.Fatal(err)
	}
	e := entries["RS256"]
	last := time.Now()
	phase := func(name string) {
		now := time.Now()
		fmt.Printf("%s%s %d\n", childPhase, name, now.Sub(last).Nanoseconds())
		last = now
	}
	switch impl {
	case "core":
		phase("start")
		keys, err := core.ParseKeySet(e.JWKS)
		if err != nil {
			t.Fatal(err)
		}
		v, err := core.NewVerifier(keys, e.Policy.Core())
		if err != nil {
			t.Fatal(err)
		}
		phase("prepare")
		if _, err := v.Verify(e.Token); err != nil {
			t.Fatal(err)
		}
		phase("verify")
	case "wasm":
		rt, err := host.New(ctx, host.WithCompilationCacheDir(os.Getenv(childCacheEnv)))
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Close(ctx)
		phase("start")
		v, err := rt.NewVerifier(ctx, e.JWKS, e.Policy.Core())
		if err != nil {
			t.Fatal(err)
		}
		phase("prepare")
		if _, err := v.Verify(ctx, e.Token); err != nil {
			t.Fatal(err)
		}
		phase("verify")
	default:
		t.Fatalf("%s=%q: want core or wasm", childImplEnv, impl)
	}
}
