package host

import (
	"context"

	"github.com/jwtwasm/jwtwasm/core/abi"
)

// Call runs one ABI operation: req is one of package abi's request types,
// and a successful result is decoded into out, a pointer to the matching
// result type. Failures are core errors with the module's code. Most
// programs use the typed methods ([Runtime.NewVerifier], [Runtime.Sign],
// [Runtime.Inspect], ...) instead; Call serves hosts that speak the ABI's
// types throughout, such as the jwtwasm command.
func (r *Runtime) Call(ctx context.Context, op abi.Op, req, out any) error {
	return r.call(ctx, op, req, out)
}
