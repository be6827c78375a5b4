package host

import (
	"context"
	"encoding/json"

	"github.com/tetratelabs/wazero/api"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// instance is one module instance and its state: the handles of the
// verifiers prepared in it. It serves one call at a time.
type instance struct {
	mod                                               api.Module
	alloc, free, call, verify, check, input, verifyIn api.Function
	handles                                           map[uint64]handle // handles of the state prepared here, by id
	broken                                            bool              // trapped or closed: discard, never reuse
	// in is the guest's input buffer (abi.ExportInput), inCap its size:
	// tokens are written there and verified in one call.
	in, inCap uint32
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
func (inst *instance) guestError(what string, err error) error {
	inst.broken = true
	return core.WrapError(core.CodeInternal, err, "%s: the module failed", what)
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
		return 0, inst.guestError(abi.ExportAlloc, err)
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
		return nil, inst.guestError(abi.ExportFree, err)
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
		return nil, inst.guestError(abi.ExportCall, err)
	}
	return inst.result(ctx, res)
}

// verifyInput verifies token with handle in one call: the token goes into
// the instance's input buffer, and the result is read from the guest's
// own result buffer, which is not freed (abi.ExportVerifyInput). The
// returned view of guest memory is valid until the next call.
func (inst *instance) verifyInput(ctx context.Context, handle int32, nowMillis int64, token string) ([]byte, error) {
	if uint32(len(token)) > inst.inCap || inst.in == 0 {
		ptr, err := inst.invoke(ctx, inst.input, uint64(len(token)))
		if err != nil {
			return nil, inst.guestError(abi.ExportInput, err)
		}
		if ptr == 0 {
			return nil, core.Errorf(core.CodeTooLarge, "token of %d bytes is over the module's limit of %d", len(token), abi.MaxAlloc)
		}
		inst.in, inst.inCap = uint32(ptr), uint32(max(len(token), 1))
	}
	mem := inst.mod.Memory()
	if !mem.WriteString(inst.in, token) {
		inst.broken = true
		return nil, core.Errorf(core.CodeInternal, "the module gave input buffer %#x, outside its memory", inst.in)
	}
	res, err := inst.invoke(ctx, inst.verifyIn, uint64(uint32(handle)), uint64(nowMillis), uint64(len(token)))
	if err != nil {
		return nil, inst.guestError(abi.ExportVerifyInput, err)
	}
	ptr, size := abi.Unpack(res)
	view, ok := mem.Read(ptr, size)
	if !ok || size == 0 {
		inst.broken = true
		return nil, core.Errorf(core.CodeInternal, "the module returned result (%#x, %d), outside its memory", ptr, size)
	}
	return view, nil
}

func jsonMarshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, core.WrapError(core.CodeInvalidArgument, err, "encoding request")
	}
	return b, nil
}

// resultError turns a failed result into a core error with the guest's
// code and message.
func resultError(res []byte) (*abi.ErrorBody, error) {
	var body abi.ErrorBody
	if err := json.Unmarshal(res[1:], &body); err != nil {
		return nil, core.WrapError(core.CodeInternal, err, "the module returned an unreadable error")
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
		return core.WrapError(core.CodeInternal, err, "the module returned an unreadable result")
	}
	return nil
}
