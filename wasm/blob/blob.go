// Package blob holds the jwtwasm WebAssembly module, built from wasm/ by
// scripts/build-wasm.sh and committed, so that Go programs embed it without
// a wasm toolchain. See README.md beside it.
package blob

import _ "embed"

// Module is the module's bytes: a WASI preview 1 reactor that exports the
// ABI of package core/abi. Hosts may run it in any WASI runtime.
//
//go:embed jwtwasm.wasm
var Module []byte
