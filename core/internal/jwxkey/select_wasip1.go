//go:build wasip1

package jwxkey

// selected is the codec of the WebAssembly module: see the package doc.
var selected = Own
