package host

import (
	"runtime"
	"time"
)

// Option configures [New].
type Option func(*options)

type options struct {
	module      []byte
	cacheDir    string
	interpreter bool
	poolSize    int
	memoryPages uint32
	callTimeout time.Duration
}

// DefaultMemoryLimitPages bounds each instance's linear memory: 1024 pages
// of 64 KiB, 64 MiB. An instance verifying tokens uses a few MiB; the
// bound keeps a hostile input from taking the process's memory with it.
const DefaultMemoryLimitPages = 1024

// DefaultCallTimeout is the time limit a Runtime adds to each call: none.
// The caller's context is the limit, and the input limits bound the work of
// any call to seconds (the longest: decrypting a key at pkcs8's iteration
// limit, about 4 s inside wasm; RSA 4096 key generation). A limit of its
// own runs every call on a goroutine of its own, which measured about 30 µs
// per call, a fifth of an RS256 verification; see [WithCallTimeout].
const DefaultCallTimeout time.Duration = 0

func defaultOptions() options {
	return options{poolSize: runtime.GOMAXPROCS(0), memoryPages: DefaultMemoryLimitPages, callTimeout: DefaultCallTimeout}
}

// WithModule runs module instead of the embedded one (wasm/blob), for
// example a build of a patched core. It must export ABI version
// abi.Version.
func WithModule(module []byte) Option { return func(o *options) { o.module = module } }

// WithCompilationCacheDir keeps compiled code in dir, so that a second
// process starts in a fraction of a second instead of compiling the module
// again (seconds). The command uses the user cache directory. Without it,
// the compilation is cached in memory for the life of the process.
//
// Each build of the module gets its own subdirectory of dir, and starting
// one removes what other builds left there: compiled code takes tens of
// megabytes per build, and wazero never deletes it.
func WithCompilationCacheDir(dir string) Option { return func(o *options) { o.cacheDir = dir } }

// WithInterpreter runs the module in wazero's interpreter rather than its
// compiler. The compiler is the default where wazero supports it (amd64
// and arm64); the interpreter is used elsewhere regardless.
func WithInterpreter() Option { return func(o *options) { o.interpreter = true } }

// WithPoolSize sets how many module instances may run at once: calls
// beyond it wait for a free instance. The default is GOMAXPROCS. Values
// below 1 count as 1.
func WithPoolSize(n int) Option { return func(o *options) { o.poolSize = max(n, 1) } }

// WithMemoryLimitPages bounds each instance's memory in 64 KiB pages
// (default DefaultMemoryLimitPages). A call that needs more traps; the
// instance is then replaced and the call returns an error.
func WithMemoryLimitPages(pages uint32) Option {
	return func(o *options) { o.memoryPages = pages }
}

// WithCallTimeout bounds how long a call keeps its caller waiting, on top
// of the caller's context (0, DefaultCallTimeout, for no bound of its own).
// Past it the call returns a CodeTooLarge error that also matches
// context.DeadlineExceeded; as with any ended context, the call itself
// runs to its end in the background on an instance that has left the pool.
func WithCallTimeout(d time.Duration) Option { return func(o *options) { o.callTimeout = max(d, 0) } }
