// Package host runs the jwtwasm WebAssembly module in a Go program through
// wazero: the same bytes that verify tokens in Node, a browser or a proxy
// plugin verify them here, with the same verdicts and error codes as
// package core natively.
//
// Most programs need three calls:
//
//	rt, err := host.New(ctx)                        // compile, start one instance
//	v, err := rt.NewVerifier(ctx, jwks, policy)     // keys and policy, once
//	tok, err := v.Verify(ctx, token)                // any number of times, concurrently
//
// and rt.Close(ctx) at the end. Errors carry core's codes:
// errors.Is(err, core.CodeExpired) works as it does natively.
//
// # Instances and limits
//
// A [Runtime] keeps a pool of module instances (GOMAXPROCS by default,
// [WithPoolSize]); a call takes one, and waits when all are busy. A
// verifier is prepared in whichever instance serves a call, on first use.
// Each instance's memory is bounded ([WithMemoryLimitPages]); a call that
// traps discards its instance, the next call starts a fresh one, and the
// caller gets a CodeInternal error. Calls honour their context: when it is
// done, the call returns the context's error at once and its instance
// leaves the pool. The module's code itself runs to the end of that call in
// the background (compiled wasm cannot be stopped midway without checks
// that would slow every call ninefold) and the instance is then closed.
// [WithCallTimeout] adds a time limit of the Runtime's own to every call.
//
// Go cannot preempt a goroutine while it runs wazero's compiled code, so a
// garbage collection that must stop the world waits for the call under way
// to end, and the whole process with it. Verification calls take well
// under a millisecond; the long calls are key generation (RSA 4096 takes
// seconds in wasm) and decrypting a key at pkcs8's iteration limit (about
// four seconds). Make those once, at start-up, not on a request path. For
// the same reason a goroutine in a call holds its P (GOMAXPROCS) until the
// call returns: with long calls under way in every instance of a pool as
// large as GOMAXPROCS, other goroutines wait for one to end.
//
// # Start-up
//
// Compiling the module takes seconds. A Runtime caches the compilation in
// memory; [WithCompilationCacheDir] keeps it on disk for the next process.
package host
