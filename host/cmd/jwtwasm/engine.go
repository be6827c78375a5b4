package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/core/ops"
	"github.com/jwtwasm/jwtwasm/host"
)

// engine carries out the operations that touch keys and tokens: in the
// WebAssembly module (wasm, the default) or natively (native). Both take
// the ABI's requests and give its results, so the command prints the same
// bytes, exit statuses and codes whichever runs.
type engine interface {
	newVerifier(ctx context.Context, r *abi.VerifierRequest) (verifier, error)
	inspect(ctx context.Context, r *abi.InspectRequest) (*abi.InspectResult, error)
	sign(ctx context.Context, r *abi.SignRequest) (*abi.SignResult, error)
	keygen(ctx context.Context, r *abi.KeygenRequest) (*abi.KeygenResult, error)
	thumbprint(ctx context.Context, r *abi.KeysRequest) (*abi.ThumbprintResult, error)
}

type verifier interface {
	verifyAt(ctx context.Context, token string, now time.Time) (*core.Token, error)
	verifyJWS(ctx context.Context, token string) (*core.JWS, error)
}

// engineEnv names the environment variable that sets the default engine.
const engineEnv = "JWTWASM_ENGINE"

// cacheDirEnv names the environment variable that overrides where the
// compiled module is cached; "off" keeps it in memory only.
const cacheDirEnv = "JWTWASM_CACHE_DIR"

// engineFlag registers --engine on fs.
func engineFlag(fs interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	fs.StringVar(p, "engine", "", "where keys and tokens are handled: wasm (the WebAssembly module, the default) or native (set "+engineEnv+" to change the default)")
}

// cryptoFlag adds --crypto, the signature code of verify and jws verify.
func cryptoFlag(fs interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	fs.StringVar(p, "crypto", "", "signature code for RSA and ES256: fast (jwtwasm's own, the default in the WebAssembly module) or stdlib (Go's, the default natively)")
}

func pickEngine(name string) (engine, error) {
	if name == "" {
		name = os.Getenv(engineEnv)
	}
	switch name {
	case "", "wasm":
		return wasmEngine{}, nil
	case "native":
		return nativeEngine{}, nil
	}
	return nil, usageError("--engine %q: want wasm or native", name)
}

// nativeEngine runs the operations in this process with package core.
type nativeEngine struct{}

type nativeVerifier struct{ v *core.Verifier }

func (nativeEngine) newVerifier(_ context.Context, r *abi.VerifierRequest) (verifier, error) {
	v, _, err := ops.NewVerifier(r)
	if err != nil {
		return nil, err
	}
	return nativeVerifier{v}, nil
}

func (n nativeVerifier) verifyAt(_ context.Context, token string, now time.Time) (*core.Token, error) {
	return n.v.VerifyAt(token, now)
}

func (n nativeVerifier) verifyJWS(_ context.Context, token string) (*core.JWS, error) {
	return n.v.VerifyJWS(token)
}

func (nativeEngine) inspect(_ context.Context, r *abi.InspectRequest) (*abi.InspectResult, error) {
	return ops.Inspect(r)
}

func (nativeEngine) sign(_ context.Context, r *abi.SignRequest) (*abi.SignResult, error) {
	return ops.Sign(r)
}

func (nativeEngine) keygen(_ context.Context, r *abi.KeygenRequest) (*abi.KeygenResult, error) {
	return ops.Keygen(r)
}

func (nativeEngine) thumbprint(_ context.Context, r *abi.KeysRequest) (*abi.ThumbprintResult, error) {
	return ops.Thumbprint(r)
}

// wasmEngine runs the operations in the embedded module through one
// process-wide host.Runtime, compiled once and cached on disk so that the
// next process starts in milliseconds.
type wasmEngine struct{}

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

// wasmCall runs one operation in the shared runtime.
func wasmCall[T any](ctx context.Context, op abi.Op, req any) (*T, error) {
	rt, err := sharedRuntime(ctx)
	if err != nil {
		return nil, core.Errorf(core.CodeInternal, "starting the WebAssembly module: %v", err)
	}
	var out T
	if err := rt.Call(ctx, op, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

type wasmVerifier struct{ v *host.Verifier }

func (wasmEngine) newVerifier(ctx context.Context, r *abi.VerifierRequest) (verifier, error) {
	rt, err := sharedRuntime(ctx)
	if err != nil {
		return nil, core.Errorf(core.CodeInternal, "starting the WebAssembly module: %v", err)
	}
	opts := []host.VerifierOption{host.WithCache(r.Cache), host.WithCrypto(r.Crypto)}
	if r.Passphrase != "" {
		opts = append(opts, host.WithPassphrase([]byte(r.Passphrase)))
	}
	v, err := rt.NewVerifier(ctx, []byte(r.Keys), r.Policy.Core(), opts...)
	if err != nil {
		return nil, err
	}
	return wasmVerifier{v}, nil
}

func (w wasmVerifier) verifyAt(ctx context.Context, token string, now time.Time) (*core.Token, error) {
	return w.v.VerifyAt(ctx, token, now)
}

func (w wasmVerifier) verifyJWS(ctx context.Context, token string) (*core.JWS, error) {
	return w.v.VerifyJWS(ctx, token)
}

func (wasmEngine) inspect(ctx context.Context, r *abi.InspectRequest) (*abi.InspectResult, error) {
	return wasmCall[abi.InspectResult](ctx, abi.OpInspect, r)
}

func (wasmEngine) sign(ctx context.Context, r *abi.SignRequest) (*abi.SignResult, error) {
	return wasmCall[abi.SignResult](ctx, abi.OpSign, r)
}

func (wasmEngine) keygen(ctx context.Context, r *abi.KeygenRequest) (*abi.KeygenResult, error) {
	return wasmCall[abi.KeygenResult](ctx, abi.OpKeygen, r)
}

func (wasmEngine) thumbprint(ctx context.Context, r *abi.KeysRequest) (*abi.ThumbprintResult, error) {
	return wasmCall[abi.ThumbprintResult](ctx, abi.OpThumbprint, r)
}
