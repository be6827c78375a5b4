package host

import (
	"context"
	"encoding/json"
	"sync/atomic"

	"github.com/jwtwasm/jwtwasm/core/abi"
)

// prepared is state made once in the module, a verifier or a signer, and
// present in whichever instance serves a call: each instance makes its own
// handle from req on first use.
type prepared struct {
	r             *Runtime
	id            uint64 // names the state's handles in instances
	newOp, freeOp abi.Op
	req           []byte // the newOp request
	closed        atomic.Bool
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

// close retires the state's handles, once.
func (p *prepared) close() {
	if !p.closed.Swap(true) {
		p.r.retire(p.id)
	}
}

// handleFor returns p's handle in this instance, preparing it if needed.
func (inst *instance) handleFor(ctx context.Context, p *prepared) (int32, error) {
	if h, ok := inst.handles[p.id]; ok {
		return h.h, nil
	}
	res, err := inst.callOp(ctx, p.newOp, p.req)
	if err != nil {
		return 0, err
	}
	var hr abi.HandleResult
	if err := decodeResult(res, &hr); err != nil {
		return 0, err
	}
	inst.handles[p.id] = handle{h: hr.Handle, free: p.freeOp}
	p.r.mu.Lock()
	p.r.holders[p.id]++
	p.r.mu.Unlock()
	return hr.Handle, nil
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
		req, _ := json.Marshal(abi.HandleRequest{Handle: h.h})
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
// preparing the state in that instance first if needed. A nil f only
// prepares it.
func (p *prepared) run(ctx context.Context, f func(inst *instance, h int32) ([]byte, error)) ([]byte, error) {
	return p.r.do(ctx, func(inst *instance) ([]byte, error) {
		h, err := inst.handleFor(ctx, p)
		if err != nil || f == nil {
			return nil, err
		}
		return f(inst, h)
	})
}
