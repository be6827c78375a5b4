//go:build wasip1

package main

// Every export of the module is in this file, so that the list reads in one
// place; package abi names them and wasm/ABI.md documents them.
//
// staticcheck cannot see that the host calls these functions, hence the
// lint:ignore lines.

import (
	"fmt"
	"unsafe"

	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/wasm/internal/guest"
)

var instance = guest.New()

//go:wasmexport jwtwasm_abi_version
//lint:ignore U1000 exported to the host
func abiVersion() int32 { return abi.Version }

//go:wasmexport jwtwasm_alloc
//lint:ignore U1000 exported to the host
func alloc(size int32) int32 { return int32(allocate(size)) }

//go:wasmexport jwtwasm_free
//lint:ignore U1000 exported to the host
func free(ptr int32) int32 {
	if release(uint32(ptr)) {
		return 0
	}
	return 1
}

//go:wasmexport jwtwasm_call
//lint:ignore U1000 exported to the host
func call(op, ptr, size int32) (packed int64) {
	defer recoverInto(&packed)
	req, ok := input(uint32(ptr), size)
	if !ok {
		return emit(badInput(ptr, size))
	}
	return emit(instance.Call(abi.Op(op), req))
}

//go:wasmexport jwtwasm_verify
//lint:ignore U1000 exported to the host
func verify(handle int32, nowMillis int64, ptr, size int32) (packed int64) {
	defer recoverInto(&packed)
	token, ok := input(uint32(ptr), size)
	if !ok {
		return emit(badInput(ptr, size))
	}
	return emit(instance.Verify(handle, nowMillis, token))
}

//go:wasmexport jwtwasm_check_signature
//lint:ignore U1000 exported to the host
func checkSignature(handle, ptr, size int32) (ok int32) {
	defer func() {
		if recover() != nil {
			ok = -1
		}
	}()
	token, valid := input(uint32(ptr), size)
	if !valid {
		return -1
	}
	return instance.CheckSignature(handle, token)
}

//go:wasmexport jwtwasm_input
//lint:ignore U1000 exported to the host
func inputBuffer(size int32) int32 {
	b := instance.Input(size)
	if b == nil {
		return 0
	}
	return int32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

// lastResult keeps the latest ExportVerifyInput result reachable until the
// next call: the host reads it after the call returns and does not free
// it.
//
//lint:ignore U1000 written to keep the result alive; never read
var lastResult []byte

//go:wasmexport jwtwasm_verify_input
//lint:ignore U1000 exported to the host
func verifyInput(handle int32, nowMillis int64, size int32) (packed int64) {
	defer func() {
		if r := recover(); r != nil { // as recoverInto, in the kept buffer
			packed = keep(guest.Internal(fmt.Sprintf("panic in the module: %v", r)))
		}
	}()
	return keep(instance.VerifyInput(handle, nowMillis, size))
}

// keep makes result the latest kept result and packs it.
func keep(result []byte) int64 {
	lastResult = result
	return int64(abi.Pack(uint32(uintptr(unsafe.Pointer(unsafe.SliceData(result)))), uint32(len(result))))
}

// recoverInto turns a panic into an "internal" result: a Go panic must
// never cross the boundary as a trap.
func recoverInto(packed *int64) {
	if r := recover(); r != nil {
		*packed = emit(guest.Internal(fmt.Sprintf("panic in the module: %v", r)))
	}
}
