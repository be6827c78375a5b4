package bench

// Start-up: the cold and warm paths to a first verification, kept apart
// from the per-token benchmarks.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/host"
	"github.com/jwtwasm/jwtwasm/wasm/blob"
)

// runtimeConfig is the wazero configuration host.New uses, with cache.
func runtimeConfig(cache wazero.CompilationCache) wazero.RuntimeConfig {
	cfg := wazero.NewRuntimeConfig().WithCloseOnContextDone(true).WithMemoryLimitPages(host.DefaultMemoryLimitPages)
	if cache != nil {
		cfg = cfg.WithCompilationCache(cache)
	}
	return cfg
}

// moduleConfig is the configuration host.New gives each instance.
func moduleConfig() wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStdout(io.Discard).
		WithStderr(io.Discard)
}

// compileOnce compiles the embedded module in a runtime of its own, as a
// new process would, and closes everything.
func compileOnce(ctx context.Context, cache wazero.CompilationCache) error {
	r := wazero.NewRuntimeWithConfig(ctx, runtimeConfig(cache))
	defer r.Close(ctx)
	_, err := r.CompileModule(ctx, blob.Module)
	return err
}

// BenchmarkCompile compiles the embedded module with wazero's compiler:
// cache=none from scratch (seconds per op: use -benchtime=Nx), cache=dir
// from a warm file cache, with a fresh runtime and cache object per op so
// that nothing is reused from memory, as in a second process. Both report
// the module's size, raw and gzipped (compress/gzip at its best
// compression), in MB.
func BenchmarkCompile(b *testing.B) {
	ctx := context.Background()
	raw, gz := moduleSizes(b)
	b.Run("cache=none/impl=wasm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := compileOnce(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(raw, "module-MB")
		b.ReportMetric(gz, "module-gzip-MB")
	})
	b.Run("cache=dir/impl=wasm", func(b *testing.B) {
		dir := b.TempDir()
		compileWithDir := func() error {
			cache, err := wazero.NewCompilationCacheWithDir(dir)
			if err != nil {
				return err
			}
			defer cache.Close(ctx)
			return compileOnce(ctx, cache)
		}
		if err := compileWithDir(); err != nil { // primes the cache
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := compileWithDir(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(raw, "module-MB")
		b.ReportMetric(gz, "module-gzip-MB")
	})
}

// moduleSizes returns the embedded module's size and gzipped size in MB
// (10^6 bytes).
func moduleSizes(b *testing.B) (raw, gz float64) {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := w.Write(blob.Module); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return float64(len(blob.Module)) / 1e6, float64(buf.Len()) / 1e6
}

// BenchmarkInstantiate measures what one more instance costs a running
// host: instantiating the compiled module with the host's configuration,
// running _initialize (the guest's Go runtime start), and closing it
// again. This is what the pool pays when it grows under load or replaces
// an instance that trapped; compiling is not in it (see BenchmarkCompile),
// nor is preparing a verifier in the new instance.
//
// MiB/instance is the instance's linear memory after it has prepared a
// verifier (RS256) and verified one token through the raw ABI: wasm memory
// never shrinks, so this is what each instance of a pool holds. Go's
// allocs/op cannot see inside the guest.
func BenchmarkInstantiate(b *testing.B) {
	b.Run("impl=wasm", func(b *testing.B) {
		ctx := context.Background()
		r, compiled := rawRuntime(b)
		cfg := moduleConfig()
		mib := instanceMemory(b, r, compiled, fixtureFor(b, "RS256"))
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

// moduleCacheDir is where host.New keeps the embedded module's compiled
// code under root: a directory per build, named as host/cachedir.go names
// it, so that the raw runtime below shares the host's warm entries (wazero
// keys its files by module and version) and host.New removes it once the
// module changes. Should host name it otherwise, this is one more
// "module-*" directory, which host.New removes, and one cold compile.
func moduleCacheDir(root string) string {
	return filepath.Join(root, fmt.Sprintf("module-%d-%08x", len(blob.Module), crc32.ChecksumIEEE(blob.Module)))
}

// rawRuntime is a wazero runtime configured as host.New configures its
// own, with WASI and the module compiled (from the warm cache), closed
// when b ends.
func rawRuntime(b *testing.B) (wazero.Runtime, wazero.CompiledModule) {
	ctx := context.Background()
	cache, err := wazero.NewCompilationCacheWithDir(moduleCacheDir(cacheDir(b)))
	if err != nil {
		b.Fatal(err)
	}
	r := wazero.NewRuntimeWithConfig(ctx, runtimeConfig(cache))
	b.Cleanup(func() {
		r.Close(ctx)
		cache.Close(ctx)
	})
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		b.Fatal(err)
	}
	compiled, err := r.CompileModule(ctx, blob.Module)
	if err != nil {
		b.Fatal(err)
	}
	return r, compiled
}

// instanceMemory starts an instance, verifies f's token in it through the
// raw ABI and returns its memory size in MiB.
func instanceMemory(b *testing.B, r wazero.Runtime, compiled wazero.CompiledModule, f *fixture) float64 {
	ctx := context.Background()
	mod, err := r.InstantiateModule(ctx, compiled, moduleConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer mod.Close(ctx)
	g := &guest{ctx: ctx, mod: mod}
	req, err := json.Marshal(abi.VerifierRequest{KeysRequest: abi.KeysRequest{Keys: string(f.entry.JWKS)}, Policy: f.entry.Policy})
	if err != nil {
		b.Fatal(err)
	}
	res, err := g.call(abi.ExportCall, []byte(req), uint64(uint32(abi.OpVerifierNew)))
	if err != nil {
		b.Fatal(err)
	}
	var h abi.HandleResult
	if res[0] != abi.StatusOK || json.Unmarshal(res[1:], &h) != nil {
		b.Fatalf("verifier_new: %s", res)
	}
	res, err = g.call(abi.ExportVerify, []byte(f.entry.Token), uint64(uint32(h.Handle)), 0)
	if err != nil {
		b.Fatal(err)
	}
	if res[0] != abi.StatusOK {
		b.Fatalf("verify: code %d %s", res[0], res[1:])
	}
	return float64(mod.Memory().Size()) / (1 << 20)
}

// guest drives one instance through the raw ABI.
type guest struct {
	ctx context.Context
	mod api.Module
}

// call copies input into a guest buffer and calls export with params
// followed by the buffer's pointer and length; it returns the result
// buffer (status byte and body), freeing both buffers.
func (g *guest) call(export string, input []byte, params ...uint64) ([]byte, error) {
	res, err := g.mod.ExportedFunction(abi.ExportAlloc).Call(g.ctx, uint64(len(input)))
	if err != nil {
		return nil, err
	}
	ptr := uint32(res[0])
	if ptr == 0 || !g.mod.Memory().Write(ptr, input) {
		return nil, errors.New("jwtwasm_alloc gave no usable buffer")
	}
	defer g.mod.ExportedFunction(abi.ExportFree).Call(g.ctx, uint64(ptr))
	res, err = g.mod.ExportedFunction(export).Call(g.ctx, append(params, uint64(ptr), uint64(len(input)))...)
	if err != nil {
		return nil, err
	}
	rptr, rlen := abi.Unpack(res[0])
	view, ok := g.mod.Memory().Read(rptr, rlen)
	if !ok || rlen == 0 {
		return nil, fmt.Errorf("%s returned a result outside memory", export)
	}
	out := bytes.Clone(view)
	if _, err := g.mod.ExportedFunction(abi.ExportFree).Call(g.ctx, uint64(rptr)); err != nil {
		return nil, err
	}
	return out, nil
}

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
