package host

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tetratelabs/wazero/api"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// instance is one module instance and its state: the handles of the
// verifiers prepared in it. It serves one call at a time.
type instance struct {
	mod                              api.Module
	alloc, free, call, verify, check api.Function
	handles                          map[uint64]handle // handles of the state prepared here, by id
	broken                           bool              // trapped or closed: discard, never reuse
	// stack holds the parameters and results of one call (CallWithStack),
	// so that a call allocates no slices; an instance serves one call at
	// a time.
	stack [4]uint64
}

// invoke calls fn with params and returns its first result.
func (inst *instance) invoke(ctx context.Context, fn api.Function, params ...uint64) (uint64, error) {
	n := copy(inst.stack[:], params)
	if err := fn.CallWithStack(ctx, inst.stack[:max(n, 1)]); err != nil {
		return 0, err
	}
	return inst.stack[0], nil
}

// guestError is a failure inside a call: a trap, a closed module, a bad
// result. The instance that had it is discarded.
func (inst *instance) guestError(ctx context.Context, what string, err error) error {
	inst.broken = true
	if ctx.Err() != nil {
		return fmt.Errorf("jwtwasm: %s: %w", what, ctx.Err())
	}
	return core.Errorf(core.CodeInternal, "%s: the module failed: %v", what, err)
}

// write copies data into a fresh guest buffer.
func (inst *instance) write(ctx context.Context, data string) (uint32, error) {
	ptr, err := inst.allocate(ctx, len(data))
	if err != nil {
		return 0, err
	}
	if !inst.mod.Memory().WriteString(ptr, data) {
		inst.broken = true
		return 0, core.Errorf(core.CodeInternal, "the module gave buffer %#x, outside its memory", ptr)
	}
	return ptr, nil
}

// allocate asks the guest for a buffer of size bytes.
func (inst *instance) allocate(ctx context.Context, size int) (uint32, error) {
	res, err := inst.invoke(ctx, inst.alloc, uint64(size))
	if err != nil {
		return 0, inst.guestError(ctx, abi.ExportAlloc, err)
	}
	ptr := uint32(res)
	if ptr == 0 {
		return 0, core.Errorf(core.CodeTooLarge, "request of %d bytes is over the module's limit of %d", size, abi.MaxAlloc)
	}
	return ptr, nil
}

// result reads and frees the packed result buffer of a call.
func (inst *instance) result(ctx context.Context, packed uint64) ([]byte, error) {
	ptr, size := abi.Unpack(packed)
	view, ok := inst.mod.Memory().Read(ptr, size)
	if !ok || size == 0 {
		inst.broken = true
		return nil, core.Errorf(core.CodeInternal, "the module returned result (%#x, %d), outside its memory", ptr, size)
	}
	out := append([]byte(nil), view...) // the view dies with the buffer
	if _, err := inst.invoke(ctx, inst.free, uint64(ptr)); err != nil {
		return nil, inst.guestError(ctx, abi.ExportFree, err)
	}
	return out, nil
}

func (inst *instance) release(ctx context.Context, ptr uint32) {
	if _, err := inst.invoke(ctx, inst.free, uint64(ptr)); err != nil {
		inst.broken = true
	}
}

// callOp runs ExportCall and returns the raw result (status byte + body).
func (inst *instance) callOp(ctx context.Context, op abi.Op, req []byte) ([]byte, error) {
	ptr, err := inst.write(ctx, string(req))
	if err != nil {
		return nil, err
	}
	defer inst.release(ctx, ptr)
	res, err := inst.invoke(ctx, inst.call, uint64(uint32(op)), uint64(ptr), uint64(len(req)))
	if err != nil {
		return nil, inst.guestError(ctx, abi.ExportCall, err)
	}
	return inst.result(ctx, res)
}

// verifyToken runs ExportVerify with handle.
func (inst *instance) verifyToken(ctx context.Context, handle int32, nowMillis int64, token string) ([]byte, error) {
	ptr, err := inst.write(ctx, token)
	if err != nil {
		return nil, err
	}
	defer inst.release(ctx, ptr)
	res, err := inst.invoke(ctx, inst.verify, uint64(uint32(handle)), uint64(nowMillis), uint64(ptr), uint64(len(token)))
	if err != nil {
		return nil, inst.guestError(ctx, abi.ExportVerify, err)
	}
	return inst.result(ctx, res)
}

func jsonMarshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, core.Errorf(core.CodeInvalidArgument, "encoding request: %v", err)
	}
	return b, nil
}

// resultError turns a failed result into a core error with the guest's
// code and message.
func resultError(res []byte) (*abi.ErrorBody, error) {
	var body abi.ErrorBody
	if err := json.Unmarshal(res[1:], &body); err != nil {
		return nil, core.Errorf(core.CodeInternal, "the module returned an unreadable error: %v", err)
	}
	code := core.Code(res[0])
	if _, known := core.ParseCode(code.String()); !known {
		return &body, core.Errorf(core.CodeInternal, "the module returned unknown code %d: %s", res[0], body.Message)
	}
	if len(body.Errors) > 1 {
		// Several claim rules failed: rebuild the joined error, so that
		// errors.Is finds each code as it does natively.
		errs := make([]error, len(body.Errors))
		for i, item := range body.Errors {
			c, ok := core.ParseCode(item.Code)
			if !ok {
				c = core.CodeInternal
			}
			errs[i] = core.Errorf(c, "%s", item.Message)
		}
		return &body, core.JoinErrors(errs...)
	}
	return &body, core.Errorf(code, "%s", body.Message)
}

// decodeResult decodes a result: its body into out on success, else the
// error it carries.
func decodeResult(res []byte, out any) error {
	if res[0] != abi.StatusOK {
		_, err := resultError(res)
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(res[1:], out); err != nil {
		return core.Errorf(core.CodeInternal, "the module returned an unreadable result: %v", err)
	}
	return nil
}
