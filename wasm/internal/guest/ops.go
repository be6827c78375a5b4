package guest

import (
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/abi"
)

// The operations without state: an ABI request in, core's work, an ABI
// result out. Natively, the host's engine calls core the same way.

func inspect(r *abi.InspectRequest) []byte { return answer(inspectToken(r)) }
func thumbprint(r *abi.KeysRequest) []byte { return answer(thumbprints(r)) }

// answer encodes an operation's result, or its error.
func answer[T any](res *T, err error) []byte {
	if err != nil {
		return errResult(err)
	}
	return okResult(res)
}

// parseKeys reads the key document of a request, with core's errors (an
// empty document is core's invalid_key, as natively).
func parseKeys(r abi.KeysRequest) (*core.KeySet, error) {
	var opts []core.KeyOption
	if r.Passphrase != "" {
		opts = append(opts, core.WithPassphrase([]byte(r.Passphrase)))
	}
	return core.ParseKeySet([]byte(r.Keys), opts...)
}

// newVerifier prepares a verifier from a request, and returns the key set
// it was made with.
func newVerifier(r *abi.VerifierRequest) (*core.Verifier, *core.KeySet, error) {
	set, err := parseKeys(r.KeysRequest)
	if err != nil {
		return nil, nil, err
	}
	if r.Cache < 0 {
		return nil, nil, core.Errorf(core.CodeInvalidArgument, "negative cache size %d", r.Cache)
	}
	v, err := core.NewVerifier(set, r.Policy.Core(), core.WithCache(r.Cache), core.WithCrypto(r.Crypto))
	return v, set, err
}

func inspectToken(r *abi.InspectRequest) (*abi.InspectResult, error) {
	var opts []core.InspectOption
	if r.NowMillis != 0 {
		now := time.UnixMilli(r.NowMillis)
		opts = append(opts, core.InspectAt(func() time.Time { return now }))
	}
	if r.MaxSize != 0 {
		opts = append(opts, core.InspectMaxSize(r.MaxSize))
	}
	if r.Key != "" {
		set, err := parseKeys(abi.KeysRequest{Keys: r.Key, Passphrase: r.Passphrase})
		if err != nil {
			return nil, err
		}
		opts = append(opts, core.InspectWithKeys(set))
	}
	in, err := core.Inspect(r.Token, opts...)
	if err != nil {
		return nil, err
	}
	out := &abi.InspectResult{
		Header:        in.Header.JSON(),
		SignatureSize: in.SignatureSize,
		Dates:         in.Dates,
		Findings:      in.Findings,
	}
	if in.Claims != nil {
		out.Claims = in.Claims.JSON()
	} else {
		out.Payload = string(in.Payload)
	}
	if out.Dates == nil {
		out.Dates = []core.DateClaim{}
	}
	if out.Findings == nil {
		out.Findings = []core.Finding{}
	}
	return out, nil
}

func thumbprints(r *abi.KeysRequest) (*abi.ThumbprintResult, error) {
	set, err := parseKeys(*r)
	if err != nil {
		return nil, err
	}
	res := &abi.ThumbprintResult{Keys: []abi.KeyInfo{}}
	for _, k := range set.Keys() {
		res.Keys = append(res.Keys, k.Info())
	}
	return res, nil
}
