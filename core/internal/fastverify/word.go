package fastverify

// mask32 selects the low 32 bits of a 64-bit word.
const mask32 = 1<<32 - 1

// mulAdd, the 64×64→128-bit multiply-add under all the RSA and scalar
// arithmetic, has one definition per platform (word_wasm.go,
// word_other.go) rather than a shared wrapper, because a wrapper would
// exceed the inlining budget and a call per limb product costs more than
// the product. The test suite runs on both (natively, and in WebAssembly
// with scripts/wasmexec.sh).
