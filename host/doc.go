// Package host is jwtwasm's Go API: one [Engine] interface over two
// implementations of the same core. [Native] runs package core in this
// process; [New] starts a [Runtime] that runs core compiled to WebAssembly
// (the module of wasm/blob) through wazero, the same bytes that verify
// tokens in Node, a browser or a proxy plugin. Both take and return core's
// types (core.Policy, core.Token, core.Inspection, *core.Error with its
// Code) and give the same verdicts, codes and messages; the differential
// tests hold them to it.
//
// Most programs need three calls:
//
//	e := host.Native()                              // or: e, err := host.New(ctx)
//	v, err := e.NewVerifier(ctx, jwks, policy)      // keys and policy, once
//	tok, err := v.Verify(ctx, token)                // any number of times, concurrently
//
// and Close at the end. errors.Is(err, core.CodeExpired) works on either
// engine. Options of one call are [CallOption] values (WithPassphrase,
// WithCache, WithAlgorithm, ...); an option a call does not take is an
// error, never silently ignored.
//
// # Which engine
//
// Native is the fast path for Go programs: no start-up, Go's assembly for
// the cryptography. The wasm engine runs the module that other runtimes
// run, in a sandbox with its own bounded memory; choose it to verify with
// exactly the bytes a proxy plugin or a browser uses, or to keep key
// parsing out of the process's memory.
//
// # Instances and limits (the wasm engine)
//
// A [Runtime] keeps a pool of module instances (GOMAXPROCS by default,
// [WithPoolSize]); a call takes one, and waits when all are busy. A
// verifier is prepared in whichever instance serves a call, on first use;
// a verification is then one call into the module, with the token written
// into a buffer the instance keeps. Each instance's memory is bounded
// ([WithMemoryLimitPages]); a call that traps discards its instance, the
// next call starts a fresh one, and the caller gets a CodeInternal error
// that wraps the trap.
//
// Contexts are checked before each call into the module, never during one:
// a call that has begun runs to its end (see Runtime.do for why). An ended
// context is a CodeCanceled error, a passed deadline CodeTimeout; both also
// match context.Canceled and context.DeadlineExceeded.
//
// Go cannot preempt a goroutine while it runs wazero's compiled code, so a
// garbage collection that must stop the world waits for the call under way
// to end, and the whole process with it. Verification calls take well
// under a millisecond; the long calls are key generation (RSA 4096 takes
// seconds in wasm) and decrypting a key at pkcs8's iteration limit (about
// four seconds). Make those once, at start-up, not on a request path.
//
// # Start-up
//
// Compiling the module takes seconds. A Runtime caches the compilation in
// memory; [WithCompilationCacheDir] keeps it on disk for the next process.
//
// # Imports
//
// host imports core and wasm/blob (the module's bytes, embedded), nothing
// else of jwtwasm's; it speaks to the module only through core/abi, the
// wire contract, whose types never appear in this package's API.
package host
