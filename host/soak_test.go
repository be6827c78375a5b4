package host

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

var soakFor = flag.Duration("soak", 3*time.Second, "how long TestSoak runs (a minute or more before a release)")

// TestSoak has several goroutines verify a mix of valid, invalid and
// hostile tokens through one Runtime while traps and ended contexts are
// injected, then checks that every call was answered, that goroutines and
// the heap came back near where they started, and that the pool bound
// held throughout.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak run")
	}
	const pool, workers = 2, 6
	rt := newTestRuntime(t, WithPoolSize(pool), WithMemoryLimitPages(128)) // 8 MiB: the trap below fits nowhere
	ctx := context.Background()
	f := newFixture(t, "ec-p256.pem", `{"role":"admin"}`)
	v, err := rt.NewVerifier(ctx, f.jwks, core.Policy{Algorithms: []string{"ES256"}, Require: []string{"role=admin"}})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(f.token, ".")
	tokens := []string{
		f.token,                                 // valid
		parts[0] + "." + parts[1] + ".AAAA",     // bad signature
		"eyJhbGciOiJub25lIn0." + parts[1] + ".", // alg none
		"garbage",                               // malformed
		strings.Repeat("A", core.DefaultMaxTokenSize+1),          // too large
		parts[0] + "." + parts[1] + "\n." + parts[2],             // newline inside
		`eyJhbGciOiJFUzI1NiIsImFsZyI6Im5vbmUifQ.e30.` + parts[2], // duplicate alg
	}
	huge := []byte(`{"keys":[` + strings.Repeat(" ", 3<<20) + `]}`) // traps the instance

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()

	var calls, answered, maxInstances atomic.Int64
	var mu sync.Mutex
	codes := map[string]int{}
	deadline := time.Now().Add(*soakFor)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; time.Now().Before(deadline); i++ {
				calls.Add(1)
				var err error
				switch {
				case i%50 == 7: // a trap: the instance is discarded
					_, err = rt.Thumbprints(ctx, huge)
				case i%10 == 3: // a context that ends during the call
					cctx, cancel := context.WithTimeout(ctx, time.Duration(i%3)*100*time.Microsecond)
					_, err = v.VerifyAt(cctx, tokens[i%len(tokens)], testNow)
					cancel()
				default:
					_, err = v.VerifyAt(ctx, tokens[i%len(tokens)], testNow)
				}
				answered.Add(1)
				name := "valid"
				if err != nil {
					name = core.CodeOf(err).String()
					if ctx.Err() == nil && (strings.Contains(err.Error(), "context deadline") || strings.Contains(err.Error(), "context canceled")) {
						name = "context"
					}
				}
				mu.Lock()
				codes[name]++
				mu.Unlock()
				if n := int64(rt.Instances()); n > maxInstances.Load() {
					maxInstances.Store(n)
				}
			}
		}()
	}
	wg.Wait()

	if calls.Load() != answered.Load() {
		t.Errorf("%d calls, %d answered", calls.Load(), answered.Load())
	}
	if maxInstances.Load() > pool {
		t.Errorf("%d instances at once, over the pool size %d", maxInstances.Load(), pool)
	}
	if codes["internal"] == 0 || codes["valid"] == 0 || codes["bad_signature"] == 0 {
		t.Errorf("the mix did not run as planned: %v", codes)
	}
	// Calls abandoned when their context ended finish in the background.
	settle := time.Now().Add(30 * time.Second)
	for runtime.NumGoroutine() > goroutines+2 && time.Now().Before(settle) {
		time.Sleep(50 * time.Millisecond)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if g := runtime.NumGoroutine(); g > goroutines+2 {
		t.Errorf("%d goroutines after the soak, %d before", g, goroutines)
	}
	// Each instance is a few MiB of Go heap on the host side; the pool
	// holds at most two, so the heap must come back near its baseline.
	const slack = 64 << 20
	if after.HeapAlloc > before.HeapAlloc+slack {
		t.Errorf("heap %d MiB after the soak, %d MiB before", after.HeapAlloc>>20, before.HeapAlloc>>20)
	}
	names := make([]string, 0, len(codes))
	for n := range codes {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, " %s=%d", n, codes[n])
	}
	t.Logf("soak %v, %d workers, pool %d: %d calls, all answered; by outcome:%s; max instances %d; goroutines %d -> %d; heap %d MiB -> %d MiB",
		*soakFor, workers, pool, calls.Load(), b.String(), maxInstances.Load(), goroutines, runtime.NumGoroutine(), before.HeapAlloc>>20, after.HeapAlloc>>20)
}
