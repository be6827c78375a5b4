package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"sync"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

// engineEnv names the environment variable that sets the default engine.
const engineEnv = "JWTWASM_ENGINE"

// cacheDirEnv names the environment variable that overrides where the
// compiled module is cached; "off" keeps it in memory only.
const cacheDirEnv = "JWTWASM_CACHE_DIR"

// engineFlag registers --engine on fs.
func engineFlag(fs interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	fs.StringVar(p, "engine", "", "where keys and tokens are handled: native (in this process, the default) or wasm (the WebAssembly module through wazero; set "+engineEnv+" to change the default)")
}

// cryptoFlag adds --crypto, the signature code of verify and jws verify.
func cryptoFlag(fs interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	fs.StringVar(p, "crypto", "", "signature code for RSA and ES256: fast (jwtwasm's own, the default in the WebAssembly module) or stdlib (Go's, the default natively)")
}

// pickEngine returns the engine --engine (or JWTWASM_ENGINE) names. The
// default is native: the same core as the module, proven equal by the
// differential tests, without the module's start-up (tens of milliseconds
// from a warm cache, seconds on the first run).
func pickEngine(e *env, name string) (host.Engine, error) {
	if name == "" {
		name = os.Getenv(engineEnv)
	}
	switch name {
	case "", "native":
		return host.Native(), nil
	case "wasm":
		rt, err := sharedRuntime(e.ctx)
		if err != nil {
			return nil, core.WrapError(core.CodeInternal, err, "starting the WebAssembly module")
		}
		return rt, nil
	}
	return nil, usageError("--engine %q: want native or wasm", name)
}

// The wasm engine: one process-wide host.Runtime, compiled once and
// cached on disk so that the next process starts in milliseconds.
var (
	wasmOnce    sync.Once
	wasmRuntime *host.Runtime
	wasmErr     error
)

func sharedRuntime(ctx context.Context) (*host.Runtime, error) {
	wasmOnce.Do(func() {
		opts := []host.Option{host.WithPoolSize(1)}
		if dir := compilationCacheDir(); dir != "" {
			opts = append(opts, host.WithCompilationCacheDir(dir))
		}
		wasmRuntime, wasmErr = host.New(context.WithoutCancel(ctx), opts...)
	})
	return wasmRuntime, wasmErr
}

// closeSharedRuntime closes the runtime, if one was started.
func closeSharedRuntime(ctx context.Context) {
	if wasmRuntime != nil {
		wasmRuntime.Close(ctx)
	}
}

func compilationCacheDir() string {
	switch dir := os.Getenv(cacheDirEnv); dir {
	case "off":
		return ""
	case "":
	default:
		return dir
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "jwtwasm", "wazero")
}

// keyDocument is a key document and its passphrase, as the engines take
// them.
type keyDocument struct {
	keys, passphrase []byte
}

// opts returns the passphrase as a call option, if there is one.
func (d keyDocument) opts() []host.CallOption {
	if len(d.passphrase) == 0 {
		return nil
	}
	return []host.CallOption{host.WithPassphrase(d.passphrase)}
}

// begin is the common start of a command that runs on an engine and
// writes output: it parses args, opens -o (out), runs checks on the
// positional arguments and flags (usage errors, before any engine
// starts), and picks the engine --engine names.
func begin(e *env, fs *flag.FlagSet, args []string, out *outputFile, engineName *string, checks ...func(pos []string) error) ([]string, host.Engine, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if err := out.start(e, fs); err != nil {
		return nil, nil, err
	}
	for _, check := range checks {
		if err := check(pos); err != nil {
			return nil, nil, err
		}
	}
	eng, err := pickEngine(e, *engineName)
	if err != nil {
		return nil, nil, err
	}
	return pos, eng, nil
}

// oneArgument is a check for begin: exactly one positional argument.
func oneArgument(usage string) func([]string) error {
	return func(pos []string) error {
		if len(pos) != 1 {
			return usageError("%s, got %d arguments", usage, len(pos))
		}
		return nil
	}
}
