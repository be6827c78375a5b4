package host

// Tests of a Runtime's life: concurrency and the pool, contexts, traps and
// the memory limit, Close, Verifier.Close, the compilation cache.

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// handlesOf returns the handle of v in each instance of r that holds one.
func handlesOf(r *Runtime, v Verifier) []int32 {
	id := v.(*wasmVerifier).id
	r.mu.Lock()
	defer r.mu.Unlock()
	var hs []int32
	for inst := range r.all {
		if h, ok := inst.handles[id]; ok {
			hs = append(hs, h.h)
		}
	}
	return hs
}

func TestConcurrentVerify(t *testing.T) {
	const pool, workers, each = 2, 8, 50
	rt := newTestRuntime(t, WithPoolSize(pool))
	ctx := context.Background()
	f := newFixture(t, "ec-p256.pem", "")
	v, err := rt.NewVerifier(ctx, f.jwks, es256Policy)
	if err != nil {
		t.Fatal(err)
	}
	bad := f.token[:len(f.token)-4] + "AAAA"
	var most atomic.Int32
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if i%10 == w%10 {
					if _, err := v.VerifyAt(ctx, bad, testNow); !errors.Is(err, core.CodeBadSignature) {
						t.Errorf("worker %d, tampered token: got %v, want bad_signature", w, err)
						return
					}
				} else {
					tok, err := v.VerifyAt(ctx, f.token, testNow)
					if err != nil {
						t.Errorf("worker %d, verify %d: %v", w, i, err)
						return
					}
					if tok.Claims.Subject != "alice" || tok.Key == nil || tok.Key.KeyID() != tok.Header.KeyID {
						t.Errorf("worker %d: token %+v, key %v", w, tok.Claims, tok.Key)
						return
					}
				}
				n := int32(rt.Instances())
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
			}
		})
	}
	wg.Wait()
	if n := most.Load(); n > pool {
		t.Errorf("%d instances at once, pool size %d", n, pool)
	}
	t.Logf("%d verifications on %d goroutines; at most %d instances, verifier prepared in %d",
		workers*each, workers, most.Load(), len(handlesOf(rt, v)))
	if got := len(handlesOf(rt, v)); got != rt.Instances() {
		t.Errorf("verifier prepared in %d of %d instances", got, rt.Instances())
	}
}

// A verifier is prepared in the instance that serves NewVerifier, and in
// any other on first use there.
func TestVerifierAcrossInstances(t *testing.T) {
	rt := newTestRuntime(t, WithPoolSize(2))
	ctx := context.Background()
	f := newFixture(t, "ed25519.pem", "")
	v, err := rt.NewVerifier(ctx, f.jwks, core.Policy{Algorithms: []string{"EdDSA"}})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Instances() != 1 || len(handlesOf(rt, v)) != 1 {
		t.Fatalf("after NewVerifier: %d instances, prepared in %d", rt.Instances(), len(handlesOf(rt, v)))
	}

	first, err := rt.acquire(ctx) // keep the instance it was prepared in busy
	if err != nil {
		t.Fatal(err)
	}
	tok, err := v.VerifyAt(ctx, f.token, testNow)
	rt.release(ctx, first)
	if err != nil {
		t.Fatalf("verify in a second instance: %v", err)
	}
	if tok.Claims.Subject != "alice" || tok.Key == nil || tok.Key.KeyID() != f.key.KeyID() {
		t.Errorf("verified %+v with key %v, want alice and kid %q", tok.Claims, tok.Key, f.key.KeyID())
	}
	if rt.Instances() != 2 || len(handlesOf(rt, v)) != 2 {
		t.Errorf("after a verify elsewhere: %d instances, prepared in %d", rt.Instances(), len(handlesOf(rt, v)))
	}
}

// Results: a verified token, a rejected one, one refused by an access rule
// (which still carries its claims).
func TestVerifyResults(t *testing.T) {
	rt := sharedTestRuntime(t)
	ctx := context.Background()
	f := newFixture(t, "ec-p256.pem", `{"scope":"read"}`)
	p := es256Policy
	p.Require = []string{"scope~write"}
	v, err := rt.NewVerifier(ctx, f.jwks, p)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close(ctx)
	tok, err := v.VerifyAt(ctx, f.token, testNow)
	if !errors.Is(err, core.CodeForbidden) || tok == nil || tok.Claims.Subject != "alice" || tok.Key == nil {
		t.Errorf("forbidden: got %v, %v; want forbidden with the token's claims and key", tok, err)
	}
	tok, err = v.VerifyAt(ctx, f.token, testNow.Add(2*time.Hour))
	if !errors.Is(err, core.CodeExpired) || tok != nil {
		t.Errorf("expired: got %v, %v", tok, err)
	}
	if _, err := rt.NewVerifier(ctx, f.jwks, core.Policy{}); !errors.Is(err, core.CodeInvalidArgument) {
		t.Errorf("empty policy: got %v, want invalid_argument", err)
	}
}

// Requests over the ABI's buffer limit, and key documents over core's
// limit, are too_large errors, and the instance lives on.
func TestHostOverLimits(t *testing.T) {
	rt := sharedTestRuntime(t)
	ctx := context.Background()
	for _, n := range []int{3 << 20, abi.MaxAlloc + 1} {
		doc := []byte(`{"keys":[` + strings.Repeat(" ", n) + `]}`)
		if _, err := rt.Thumbprints(ctx, doc); !errors.Is(err, core.CodeTooLarge) {
			t.Errorf("%d-byte key document: got %v, want too_large", len(doc), err)
		}
	}
	f := newFixture(t, "ec-p256.pem", "")
	if _, err := rt.Thumbprints(ctx, f.jwks); err != nil {
		t.Errorf("after the large ones: %v", err)
	}
}

// A context that is already done costs no instance and no guest call.
func TestContextAlreadyDone(t *testing.T) {
	rt := newTestRuntime(t, WithPoolSize(1))
	f := newFixture(t, "ec-p256.pem", "")
	v, err := rt.NewVerifier(context.Background(), f.jwks, es256Policy)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]func() error{
		"Verify": func() error { _, err := v.Verify(ctx, f.token); return err },
		"Sign": func() error {
			_, err := Sign(ctx, rt, []byte(`{"kty":"oct","k":"AAAA"}`), []byte(`{}`))
			return err
		},
		"Inspect": func() error { _, err := rt.Inspect(ctx, f.token); return err },
		"GenerateKey": func() error {
			_, err := rt.GenerateKey(ctx, core.KeyParams{Alg: "ES256"}, core.FormatJWK)
			return err
		},
		"ConvertKeys": func() error { _, err := rt.ConvertKeys(ctx, f.jwks, core.KeyFormat("pem")); return err },
		"Thumbprints": func() error { _, err := rt.Thumbprints(ctx, f.jwks); return err },
		"NewVerifier": func() error { _, err := rt.NewVerifier(ctx, f.jwks, es256Policy); return err },
	}
	start := time.Now()
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) || !errors.Is(err, core.CodeCanceled) {
			t.Errorf("%s: got %v, want context.Canceled with code canceled", name, err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("calls with a cancelled context took %v", d)
	}
	if n := rt.Instances(); n != 1 {
		t.Errorf("%d instances after the cancelled calls, want the 1 from before", n)
	}
	if _, err := v.VerifyAt(context.Background(), f.token, testNow); err != nil {
		t.Errorf("after the cancelled calls: %v", err)
	}

	// Waiting for a busy instance ends with the context too.
	busy, err := rt.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer wcancel()
	if _, err := v.Verify(wctx, f.token); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, core.CodeTimeout) {
		t.Errorf("waiting for an instance: got %v, want context.DeadlineExceeded with code timeout", err)
	}
	rt.release(context.Background(), busy)
}

// A context that ends during a guest call does not stop it: the context
// is checked between calls, never inside one (see Runtime.do). The call
// returns its result, its instance stays in the pool, and the next call
// under the ended context fails with canceled before entering the module.
func TestContextDoneDuringCall(t *testing.T) {
	rt := newTestRuntime(t, WithPoolSize(1))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the call holds the pool's one instance: from then on the
	// module is making an RSA key, which takes it tens of milliseconds.
	go func() {
		for len(rt.idle) > 0 {
			time.Sleep(50 * time.Microsecond)
		}
		cancel()
	}()
	key, err := rt.GenerateKey(ctx, core.KeyParams{Type: core.KeyTypeRSA}, core.FormatJWK)
	if err != nil {
		t.Fatalf("a call whose context ended while it ran: %v", err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the context never ended")
	}
	if key.Info.Type != core.KeyTypeRSA || key.Info.Bits != 2048 {
		t.Errorf("key %+v", key.Info)
	}
	if n := rt.Instances(); n != 1 {
		t.Errorf("%d instances after the call, want 1: it stays in the pool", n)
	}
	if _, err := rt.Thumbprints(ctx, key.Private); !errors.Is(err, core.CodeCanceled) {
		t.Errorf("the next call under the ended context: %v, want canceled", err)
	}
}

// A context that ends as a call returns may close the instance after the
// call succeeded (wazero closes it from another goroutine): such an
// instance goes back to no pool, and the next caller gets a fresh one.
func TestReleaseClosedInstance(t *testing.T) {
	rt := newTestRuntime(t, WithPoolSize(1))
	ctx := context.Background()
	inst, err := rt.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inst.mod.Close(ctx) // as closeModuleOnCanceledOrTimeout does, late
	rt.release(ctx, inst)
	if n := rt.Instances(); n != 0 {
		t.Errorf("%d instances after releasing a closed one, want 0", n)
	}
	f := newFixture(t, "ec-p256.pem", "")
	if _, err := rt.Thumbprints(ctx, f.jwks); err != nil {
		t.Errorf("the next call: %v", err)
	}
}

// An instance that runs out of memory traps; it is replaced, and the
// caller gets an internal error.
func TestMemoryLimit(t *testing.T) {
	ctx := context.Background()
	if _, err := New(ctx, WithCompilationCacheDir(testCacheDir(t)), WithMemoryLimitPages(16)); err == nil {
		t.Error("New with 16 pages (1 MiB) for a module that starts with 75: no error")
	} else {
		t.Logf("New with 16 pages: %v", err)
	}

	rt := newTestRuntime(t, WithPoolSize(1), WithMemoryLimitPages(128)) // 8 MiB
	f := newFixture(t, "ec-p256.pem", "")
	v, err := rt.NewVerifier(ctx, f.jwks, es256Policy)
	if err != nil {
		t.Fatal(err)
	}
	huge := []byte(`{"keys":[` + strings.Repeat(" ", 3<<20) + `]}`)
	for range 2 {
		_, err := rt.Thumbprints(ctx, huge)
		if !errors.Is(err, core.CodeInternal) || !strings.Contains(err.Error(), "the module failed") {
			t.Fatalf("3 MiB request in 8 MiB of memory: got %v, want internal", err)
		}
		t.Logf("3 MiB request in 8 MiB of memory: %s", strings.SplitN(err.Error(), "\n", 2)[0])
		if n := rt.Instances(); n != 0 {
			t.Errorf("%d instances after the trap, want 0", n)
		}
		if _, err := v.VerifyAt(ctx, f.token, testNow); err != nil {
			t.Fatalf("verify after the trap: %v", err)
		}
		if n := rt.Instances(); n != 1 {
			t.Errorf("%d instances after the next call, want 1", n)
		}
	}
}

// openFiles counts this process's open file descriptors.
func openFiles(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(entries)
}

// settle polls until count() is at most want, or gives up after a while,
// and returns the last count.
func settle(want int, count func() int) int {
	n := count()
	for deadline := time.Now().Add(5 * time.Second); n > want && time.Now().Before(deadline); n = count() {
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

// Close releases everything: instances, goroutines, files; then every
// call returns ErrClosed.
func TestClose(t *testing.T) {
	ctx := context.Background()
	goroutines := runtime.NumGoroutine()
	files := openFiles(t)

	rt, err := New(ctx, WithCompilationCacheDir(testCacheDir(t)), WithPoolSize(2))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, "ec-p256.pem", "")
	v, err := rt.NewVerifier(ctx, f.jwks, es256Policy)
	if err != nil {
		t.Fatal(err)
	}
	closedEarly, err := rt.NewVerifier(ctx, f.jwks, es256Policy)
	if err != nil {
		t.Fatal(err)
	}
	closedEarly.Close(ctx)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			tctx, cancel := context.WithTimeout(ctx, time.Minute) // a context with a Done channel
			defer cancel()
			for range 10 {
				if _, err := v.VerifyAt(tctx, f.token, testNow); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	t.Logf("before Close: %d instances, %d goroutines (%d at start), %d files (%d at start)",
		rt.Instances(), runtime.NumGoroutine(), goroutines, openFiles(t), files)

	if err := rt.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := rt.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if n := rt.Instances(); n != 0 {
		t.Errorf("%d instances after Close", n)
	}
	if n := settle(goroutines, runtime.NumGoroutine); n > goroutines {
		t.Errorf("%d goroutines after Close, %d before New\n%s", n, goroutines, allStacks())
	}
	if n := settle(files, func() int { return openFiles(t) }); n > files {
		t.Errorf("%d open files after Close, %d before New", n, files)
	}

	calls := map[string]func() error{
		"Verify":              func() error { _, err := v.Verify(ctx, f.token); return err },
		"Verify (closed too)": func() error { _, err := closedEarly.Verify(ctx, f.token); return err },
		"Sign": func() error {
			_, err := Sign(ctx, rt, []byte(`{"kty":"oct","k":"AAAA"}`), []byte(`{}`))
			return err
		},
		"Inspect": func() error { _, err := rt.Inspect(ctx, f.token); return err },
		"GenerateKey": func() error {
			_, err := rt.GenerateKey(ctx, core.KeyParams{Alg: "ES256"}, core.FormatJWK)
			return err
		},
		"ConvertKeys": func() error { _, err := rt.ConvertKeys(ctx, f.jwks, core.KeyFormat("pem")); return err },
		"Thumbprints": func() error { _, err := rt.Thumbprints(ctx, f.jwks); return err },
		"NewVerifier": func() error { _, err := rt.NewVerifier(ctx, f.jwks, es256Policy); return err },
		"Verifier.Close": func() error {
			if err := v.Close(ctx); err != nil {
				return err
			}
			_, err := v.Verify(ctx, f.token)
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: got %v, want ErrClosed", name, err)
		}
	}
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// Verifier.Close frees the verifier's handle in each instance at the
// instance's next use; the module then no longer knows the handle.
func TestVerifierClose(t *testing.T) {
	rt := newTestRuntime(t, WithPoolSize(1))
	ctx := context.Background()
	f := newFixture(t, "ec-p256.pem", "")
	v1, err := rt.NewVerifier(ctx, f.jwks, es256Policy)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := rt.NewVerifier(ctx, f.jwks, es256Policy)
	if err != nil {
		t.Fatal(err)
	}
	h1 := handlesOf(rt, v1)
	if len(h1) != 1 {
		t.Fatalf("v1 prepared in %d instances", len(h1))
	}
	if err := v1.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := v1.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := v1.Verify(ctx, f.token); !errors.Is(err, ErrClosed) {
		t.Errorf("Verify after Close: got %v, want ErrClosed", err)
	}
	if _, err := v2.VerifyAt(ctx, f.token, testNow); err != nil { // the instance's next use
		t.Fatal(err)
	}
	if hs := handlesOf(rt, v1); len(hs) != 0 {
		t.Errorf("the instance still lists v1's handle %v", hs)
	}

	inst, err := rt.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.release(ctx, inst)
	req, _ := json.Marshal(abi.HandleRequest{Handle: h1[0]})
	res, err := inst.callOp(ctx, abi.OpVerifierFree, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeResult(res, nil); !errors.Is(err, core.CodeInvalidArgument) {
		t.Errorf("freeing v1's handle %d again in the module: got %v, want invalid_argument (freed already)", h1[0], err)
	}
	res, err = inst.verifyInput(ctx, h1[0], testNow.UnixMilli(), f.token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resultError(res); !errors.Is(err, core.CodeInvalidArgument) {
		t.Errorf("verify with v1's old handle: got %v, want invalid_argument", err)
	}
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// A second Runtime with the same cache directory loads the compiled
// module instead of compiling it. The times are reported, not checked.
func TestCompilationCacheDir(t *testing.T) {
	if testing.Short() || raceEnabled() {
		t.Skip("compiles the module without a cache: seconds, half a minute under -race")
	}
	ctx := context.Background()
	dir := t.TempDir()
	var took [2]time.Duration
	for i := range took {
		start := time.Now()
		rt, err := New(ctx, WithCompilationCacheDir(dir), WithPoolSize(1))
		if err != nil {
			t.Fatal(err)
		}
		took[i] = time.Since(start)
		if err := rt.Close(ctx); err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) == 0 {
			t.Fatalf("cache dir after New: %d entries, %v", len(entries), err)
		}
	}
	t.Logf("New with an empty cache dir: %v; with the filled one: %v", took[0], took[1])
}

// TestForgottenVerifiers checks that verifiers dropped without Close give
// their handles back: a program that builds a verifier on every key
// refresh and never closes one must not run the instances out of handles.
func TestForgottenVerifiers(t *testing.T) {
	rt := newTestRuntime(t, WithPoolSize(1))
	ctx := context.Background()
	f := newFixture(t, "ec-p256.pem", "")
	held := func() (handles, holders, retired int) {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		for inst := range rt.all {
			handles += len(inst.handles)
		}
		return handles, len(rt.holders), len(rt.retired)
	}
	keep, err := rt.NewVerifier(ctx, f.jwks, es256Policy)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := rt.NewVerifier(ctx, f.jwks, es256Policy); err != nil {
			t.Fatal(err)
		}
	}
	if h, _, _ := held(); h != 21 {
		t.Fatalf("%d handles held after 21 verifiers, want 21", h)
	}
	// Collection runs the cleanups; any call then frees the retired
	// handles of the instance it runs in. Cleanups run when the runtime
	// gets to them, so wait for them rather than assume a moment.
	deadline := time.Now().Add(30 * time.Second)
	for {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
		if _, err := keep.VerifyAt(ctx, f.token, testNow); err != nil {
			t.Fatal(err)
		}
		if h, _, _ := held(); h == 1 || time.Now().After(deadline) {
			break
		}
	}
	if h, holders, retired := held(); h != 1 || holders != 1 || retired != 0 {
		t.Errorf("after collection: %d handles, %d holders, %d retired; want 1, 1, 0 (the verifier still in use)", h, holders, retired)
	}
	runtime.KeepAlive(keep)
}

// TestPanicInCall checks that a panic inside a call reaches the caller,
// its instance is discarded and the next call is served.
func TestPanicInCall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt := newTestRuntime(t, WithPoolSize(1))
	got := func() (p any) {
		defer func() { p = recover() }()
		_ = rt.do(ctx, func(*instance) error { panic("boom") })
		return nil
	}()
	if got != "boom" {
		t.Fatalf("recovered %v, want the call's panic", got)
	}
	if n := rt.Instances(); n != 0 {
		t.Errorf("%d instances after the panic, want 0: it is discarded", n)
	}
	f := newFixture(t, "ec-p256.pem", "")
	v, err := rt.NewVerifier(ctx, f.jwks, core.Policy{Algorithms: []string{"ES256"}})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close(ctx)
	if _, err := v.VerifyAt(ctx, f.token, testNow); err != nil {
		t.Errorf("the call after the panic: %v", err)
	}
}
