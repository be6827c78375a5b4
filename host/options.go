package host

import (
	"runtime"

	"github.com/jwtwasm/jwtwasm/core"
)

// Option configures [New]. An option whose value is out of range makes
// New fail with an invalid_argument error naming it.
type Option func(*options) error

type options struct {
	module      []byte
	cacheDir    string
	interpreter bool
	poolSize    int
	memoryPages uint32
}

// DefaultMemoryLimitPages bounds each instance's linear memory: 1024 pages
// of 64 KiB, 64 MiB. An instance verifying tokens uses a few MiB; the
// bound keeps a hostile input from taking the process's memory with it.
const DefaultMemoryLimitPages = 1024

// MaxMemoryLimitPages is the most [WithMemoryLimitPages] takes: 65536
// pages, the 4 GiB that 32-bit WebAssembly can address.
const MaxMemoryLimitPages = 65536

func defaultOptions() options {
	return options{poolSize: runtime.GOMAXPROCS(0), memoryPages: DefaultMemoryLimitPages}
}

// WithModule runs module instead of the embedded one (wasm/blob), for
// example a build of a patched core. It must export ABI version
// abi.Version.
func WithModule(module []byte) Option {
	return func(o *options) error {
		if len(module) == 0 {
			return core.Errorf(core.CodeInvalidArgument, "WithModule: an empty module")
		}
		o.module = module
		return nil
	}
}

// WithCompilationCacheDir keeps compiled code in dir, so that a second
// process starts in a fraction of a second instead of compiling the module
// again (seconds). Without it, the compilation is cached in memory for the
// life of the process, shared by every Runtime of the same configuration.
//
// Each build of the module gets its own subdirectory of dir, and starting
// one removes what other builds left there unused for a day: compiled code
// takes tens of megabytes per build, and wazero never deletes it.
func WithCompilationCacheDir(dir string) Option {
	return func(o *options) error {
		o.cacheDir = dir
		return nil
	}
}

// WithInterpreter runs the module in wazero's interpreter rather than its
// compiler. The compiler is the default where wazero supports it (amd64
// and arm64); the interpreter is used elsewhere regardless.
func WithInterpreter() Option {
	return func(o *options) error {
		o.interpreter = true
		return nil
	}
}

// WithPoolSize sets how many module instances may run at once: calls
// beyond it wait for a free instance. The default is GOMAXPROCS.
func WithPoolSize(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return core.Errorf(core.CodeInvalidArgument, "WithPoolSize(%d): want at least 1 instance", n)
		}
		o.poolSize = n
		return nil
	}
}

// WithMemoryLimitPages bounds each instance's memory in 64 KiB pages
// (default [DefaultMemoryLimitPages], at most [MaxMemoryLimitPages]). A
// call that needs more traps; the instance is then replaced and the call
// returns an internal error.
func WithMemoryLimitPages(pages uint32) Option {
	return func(o *options) error {
		if pages == 0 || pages > MaxMemoryLimitPages {
			return core.Errorf(core.CodeInvalidArgument, "WithMemoryLimitPages(%d): want 1 to %d pages of 64 KiB", pages, MaxMemoryLimitPages)
		}
		o.memoryPages = pages
		return nil
	}
}
