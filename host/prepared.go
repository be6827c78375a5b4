package host

import (
	"context"
	"encoding/json"

	"github.com/jwtwasm/jwtwasm/core/abi"
)

// prepared is state made once in the module, a verifier or a signer, and
// present in whichever instance serves a call: each instance makes its own
// handle from req on first use.
type prepared struct {
	r             *Runtime
	id            uint64 // names the state's handles in instances
	newOp, freeOp abi.Op
	// req is the newOp request. The first instance gets the caller's key
	// document and returns the keys as a plain JWKS (ReturnKeys); req is
	// then that plain request, so that no other instance runs the
	// passphrase's KDF again. It is set before the state is shared.
	req    []byte
	closed closedFlag
}

// handle is one instance's handle for prepared state, and the operation
// that frees it.
type handle struct {
	h    int32
	free abi.Op
}

func (r *Runtime) newPrepared(newOp, freeOp abi.Op, req []byte) *prepared {
	return &prepared{r: r, id: r.nextID.Add(1), newOp: newOp, freeOp: freeOp, req: req}
}

// Close retires the state's handles, once: each instance frees its own at
// its next use. Later calls fail with ErrClosed.
func (p *prepared) Close(context.Context) error {
	if !p.closed.Swap(true) {
		p.r.retire(p.id)
	}
	return nil
}

// handleFor returns p's handle in this instance, preparing it if needed.
func (inst *instance) handleFor(ctx context.Context, p *prepared) (int32, error) {
	if h, ok := inst.handles[p.id]; ok {
		return h.h, nil
	}
	hr, err := inst.prepare(ctx, p, p.req)
	if err != nil {
		return 0, err
	}
	return hr.Handle, nil
}

// prepare makes p's state in inst from the newOp request req.
func (inst *instance) prepare(ctx context.Context, p *prepared, req []byte) (*abi.HandleResult, error) {
	res, err := inst.callOp(ctx, p.newOp, req)
	if err != nil {
		return nil, err
	}
	var hr abi.HandleResult
	if err := decodeResult(res, &hr); err != nil {
		return nil, err
	}
	inst.handles[p.id] = handle{h: hr.Handle, free: p.freeOp}
	p.r.mu.Lock()
	p.r.holders[p.id]++
	p.r.mu.Unlock()
	return &hr, nil
}

// retire marks prepared state's handles for freeing: it was closed, or it
// was collected without being closed (a program that rebuilds its verifier
// on every key refresh and forgets Close must not run every instance out
// of handles).
func (r *Runtime) retire(id uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.holders[id] > 0 && !r.retired[id] {
		r.retired[id] = true
		r.nretired.Add(1)
	}
}

// forget records that an instance no longer holds handle id (freed, or
// the instance is gone); the caller holds r.mu.
func (r *Runtime) forget(id uint64) {
	if r.holders[id]--; r.holders[id] <= 0 {
		delete(r.holders, id)
		if r.retired[id] {
			delete(r.retired, id)
			r.nretired.Add(-1)
		}
	}
}

// forgetInstance records that inst and its handles are gone.
func (r *Runtime) forgetInstance(inst *instance) {
	r.dropInstance(inst)
	r.forgetHandles(inst)
}

// dropInstance removes inst from the runtime's instances.
func (r *Runtime) dropInstance(inst *instance) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.all, inst)
}

// forgetHandles records that inst's handles are gone. No call may be
// running in inst: a call can add handles.
func (r *Runtime) forgetHandles(inst *instance) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range inst.handles {
		r.forget(id)
	}
}

// freeRetired frees the handles of retired state held by inst.
func (r *Runtime) freeRetired(ctx context.Context, inst *instance) {
	if r.nretired.Load() == 0 {
		return
	}
	r.mu.Lock()
	var ids []uint64
	for id := range inst.handles {
		if r.retired[id] {
			ids = append(ids, id)
		}
	}
	r.mu.Unlock()
	for _, id := range ids {
		h := inst.handles[id]
		req, _ := json.Marshal(abi.HandleRequest{Handle: h.h}) // cannot fail
		if _, err := inst.callOp(ctx, h.free, req); err != nil {
			return
		}
		delete(inst.handles, id)
		r.mu.Lock()
		r.forget(id)
		r.mu.Unlock()
	}
}

// run calls f in an instance from the pool with p's handle there,
// preparing the state in that instance first if needed.
func (p *prepared) run(ctx context.Context, f func(inst *instance, h int32) error) error {
	if err := p.closed.check(ctx); err != nil {
		return err
	}
	return p.r.do(ctx, func(inst *instance) error {
		h, err := inst.handleFor(ctx, p)
		if err != nil {
			return err
		}
		return f(inst, h)
	})
}

// first prepares p in an instance from the pool from the caller's request
// req, which asks for the keys back, and makes the plain request that
// other instances are prepared from; plain builds it from the first
// instance's result.
func (p *prepared) first(ctx context.Context, req []byte, plain func(*abi.HandleResult) ([]byte, error)) (*abi.HandleResult, error) {
	var hr *abi.HandleResult
	err := p.r.do(ctx, func(inst *instance) error {
		var err error
		if hr, err = inst.prepare(ctx, p, req); err != nil {
			return err
		}
		p.req, err = plain(hr)
		return err
	})
	return hr, err
}
