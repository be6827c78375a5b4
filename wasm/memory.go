//go:build wasip1

package main

import (
	"encoding/json"
	"fmt"
	"unsafe"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// live holds every buffer handed to the host, by address: the map keeps
// the Go slices reachable (Go's collector does not move objects, so the
// addresses stay valid) until the host frees them.
var live = map[uint32][]byte{}

// allocate returns the address of a fresh buffer of size bytes, or 0.
func allocate(size int32) uint32 {
	if size < 0 || size > abi.MaxAlloc {
		return 0
	}
	b := make([]byte, max(size, 1)) // a zero-size slice may share an address
	return register(b[:size])
}

func register(b []byte) uint32 {
	addr := uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b[:cap(b)]))))
	live[addr] = b
	return addr
}

// release forgets the buffer at addr; false if there is none.
func release(addr uint32) bool {
	if _, ok := live[addr]; !ok {
		return false
	}
	delete(live, addr)
	return true
}

// input returns the first size bytes of the live buffer at addr. Pointers
// into the middle of a buffer, past its end, or to memory the module never
// handed out are refused: the host is not trusted with Go's heap.
func input(addr uint32, size int32) ([]byte, bool) {
	b, ok := live[addr]
	if !ok || size < 0 || int(size) > cap(b) {
		return nil, false
	}
	return b[:size:size], true
}

// emit registers a result buffer and packs its address and length.
func emit(result []byte) int64 {
	return int64(abi.Pack(register(result), uint32(len(result))))
}

func badInput(ptr, size int32) []byte {
	return resultError(core.CodeInvalidArgument,
		fmt.Sprintf("input (ptr %#x, len %d) is not inside a buffer from %s", uint32(ptr), size, abi.ExportAlloc))
}

func resultError(code core.Code, msg string) []byte {
	body, _ := json.Marshal(abi.ErrorBody{Message: msg})
	return append([]byte{byte(code)}, body...)
}
