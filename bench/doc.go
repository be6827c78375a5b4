// Package bench is jwtwasm's benchmark suite: how fast tokens are verified,
// signed, inspected and keys made, natively and inside the WebAssembly
// module, against the standard library and three peer libraries. It holds
// no code but its tests; the peers (jwx v2, golang-jwt v5, go-jose v4) are
// used by the tests alone.
//
// # Names
//
// Benchmarks are named Benchmark<Op>/alg=<ALG>/impl=<impl>, so that
// benchstat's -col /impl puts the implementations side by side, one row
// per algorithm:
//
//	Op    Verify, VerifyCached, VerifyParallel, Sign, Inspect, KeyGen
//	ALG   RS256 (RSA-2048), RS256-4096 (RSA-4096), PS256, ES256, ES384, EdDSA
//
// The start-up benchmarks have their own first keys and impl=wasm:
// Compile/cache=none|dir, New/cache=dir, Instantiate, FirstVerify/alg=RS256
// (with impl=core beside it, for the cost of starting a process at all).
// New and FirstVerify go through host.New; Compile and Instantiate, which
// the host has no call for, drive wazero with a configuration that mirrors
// host.New's exactly (startup_test.go).
//
// # Implementations
//
//	stdlib       the floor: the bare signature check with crypto/rsa,
//	             crypto/ecdsa or crypto/ed25519 on a key prepared once and
//	             a token split and decoded before timing; an op is hash +
//	             verify. Sign: hash + sign of a prepared signing input.
//	             KeyGen: the crypto package's GenerateKey.
//	core         package core natively: core.Verifier (keys and policy
//	             prepared once), core.Sign, core.Inspect, core.GenerateKey.
//	wasm         the same through the module in wazero's compiler
//	             (package host): the host's Go side, the copy into and out
//	             of the instance and the guest's work. Its signature code
//	             is the module's default, core.CryptoFast.
//	wasm-check   host.CheckSignature with that same code: the bare
//	             signature check inside the module, called through the
//	             host's pool with a prepared verifier; wasm/wasm-check is
//	             what a whole verification adds to the cryptography.
//	wasm-stdlib  the bare check with core.CryptoStdlib: Go's crypto/rsa,
//	             crypto/ecdsa and crypto/ed25519 compiled to wasm, the floor
//	             of every Go library in wasm; wasm/wasm-stdlib is what the
//	             fast path gains.
//	wasm-interp  wasm in wazero's interpreter; Verify of RS256 and ES256
//	             only (tens of ms per op).
//	jwx          plain jwx/v2 jwt.ParseString with jwt.WithKey, validating
//	             iss, aud and a required exp.
//	golang-jwt   golang-jwt v5 jwt.Parse with WithValidMethods, WithIssuer,
//	             WithAudience, WithExpirationRequired.
//	go-jose      go-jose v4 jwt.ParseSigned with the allowed algorithm,
//	             Claims with the key, Expected validation with no leeway and
//	             a required exp.
//
// VerifyCached repeats one token through a verifier with a token cache
// (core.WithCache, host.WithCache: both keep hits on the Go side).
// VerifyParallel verifies from GOMAXPROCS goroutines (b.RunParallel);
// its wasm impl shares one Runtime with a pool of GOMAXPROCS instances, all
// started before timing. Run it with -cpu 1,2 to read the scaling.
//
// MiB/instance (on Instantiate) is a host instance's linear memory after it
// has prepared a verifier and verified a token (read through wazero's
// experimental memory allocator hook: the host reports no sizes): Go's
// allocs/op cannot see inside the guest. module-MB and module-gzip-MB (on
// Compile) are the module's size. New/cache=dir is host.New and Close from
// a warm cache: about Compile/cache=dir plus Instantiate.
// FirstVerify times a whole child process (this test binary run again for
// TestFirstVerifyChild) that verifies one token from a warm compilation
// cache; inproc-ms is the part inside the child, split into start-ms
// (host.New), prepare-ms (NewVerifier) and verify-ms (the first Verify).
//
// # Request authentication (proxy_test.go)
//
// BenchmarkProxy/alg=<ALG>/impl=<impl>/token=<cached|cold> is one request
// through a reverse proxy on loopback, one connection: impl=bare is the
// proxy alone, impl=middleware puts host/httpauth (core/authn natively)
// in front of it, impl=plugin the proxy plugin (wasm/plugin) in
// http-wasm-host-go's net/http handler, configured as Traefik loads it.
// token=cold turns the verified-token cache off, so every request checks
// a signature. BenchmarkPluginInstance is what a proxy pays for each new
// instance of the plugin (instantiation and _initialize, which builds the
// engine from its configuration), with its MiB/instance.
//
// # Same tokens, same policy, checked
//
// testdata/tokens.json holds, per ALG, a public JWKS, a valid token (iss,
// aud, sub, iat, exp in 2100, custom claims, kid), the same token with one
// signature byte flipped, and the policy. Every Go impl verifies exactly
// these, and so does the Node comparison. Before timing, every impl must
// accept the valid token and refuse the bad one, and every signed token
// must verify, or the benchmark fails: a fast impl that accepts anything
// cannot win. TestTokens holds the file to that shape; regenerate it with
//
//	go test ./bench -run TestWriteTokens -args -write-tokens
//
// # Running
//
// A smoke run, one op each (CI; under two minutes on two cores):
//
//	go test ./bench -run '^$' -bench . -benchtime=1x
//
// Real numbers, on a quiet machine:
//
//	go test ./bench -run '^$' -bench . -count 10 | tee new.txt
//	go tool benchstat -col /impl new.txt
//
// and benchstat old.txt new.txt to compare two commits. Compile/cache=none
// and KeyGen of RSA inside the module take seconds per op; select with
// -bench, or give them -benchtime=Nx.
//
// # Targets
//
// The project's targets are ratios within one run, such as core Verify ≤
// 1.15× stdlib, wasm Verify ≤ 1.15× wasm-check and, for RS256 and PS256,
// wasm Verify ≤ 0.6× wasm-stdlib (ES256 ≤ 0.5×). They are
// checked by reading benchstat's tables, never asserted in a test: timing
// assertions fail on a busy machine and pass on a lucky one.
package bench
