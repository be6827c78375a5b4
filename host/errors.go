package host

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/jwtwasm/jwtwasm/core"
)

// ErrClosed is returned by calls on a closed Runtime, Verifier or Signer.
var ErrClosed = errors.New("jwtwasm: closed")

// contextError reports an ended context with core's codes: canceled for a
// cancellation, timeout for a deadline. The context's own error stays
// reachable with errors.Is.
func contextError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return core.WrapError(core.CodeTimeout, err, "the call's deadline passed")
	}
	return core.WrapError(core.CodeCanceled, err, "the call was cancelled")
}

// closedFlag marks a verifier or signer closed.
type closedFlag struct{ atomic.Bool }

func (c *closedFlag) close() { c.Store(true) }

// check fails for a closed object or an ended context.
func (c *closedFlag) check(ctx context.Context) error {
	if c.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return contextError(err)
	}
	return nil
}
