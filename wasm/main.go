// Command wasm is the jwtwasm WebAssembly module: core behind the ABI of
// package core/abi, documented in ABI.md. Build it with
// scripts/build-wasm.sh; the result is committed as blob/jwtwasm.wasm.
// Built with the tag jwtwasm_lean, it is the verify-only module,
// blob/jwtwasm-verify.wasm: the same exports, with the operations that
// sign or make keys answering unsupported.
//
// It is a WASI preview 1 reactor: a host calls _initialize once, then any
// export any number of times. main never runs.
package main

func main() {}
