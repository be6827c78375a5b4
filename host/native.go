package host

import (
	"context"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// Native returns the [Engine] that runs package core in this process: no
// module, no start-up cost, Go's assembly for the cryptography. Its
// verdicts, codes and messages are those of the module (the differential
// tests hold the two to it).
func Native() Engine { return nativeEngine{} }

type nativeEngine struct{}

var _ Engine = nativeEngine{}

func (nativeEngine) Name() string { return "native" }

// nativeStart begins an engine call: it checks the call's options, then
// its context, as the module's engine does before each call.
func nativeStart(ctx context.Context, op string, allowed optKind, opts []CallOption) (callOptions, error) {
	o, err := resolve(op, allowed, opts)
	if err != nil {
		return o, err
	}
	if err := ctx.Err(); err != nil {
		return o, contextError(err)
	}
	return o, nil
}

// nativeKeys is nativeStart for the calls that take a key document, and
// reads it.
func nativeKeys(ctx context.Context, op string, allowed optKind, opts []CallOption, keys []byte) (callOptions, *core.KeySet, error) {
	o, err := nativeStart(ctx, op, allowed, opts)
	if err != nil {
		return o, nil, err
	}
	set, err := core.ParseKeySet(keys, o.keyOpts()...)
	return o, set, err
}

func (nativeEngine) NewVerifier(ctx context.Context, keys []byte, p core.Policy, opts ...CallOption) (Verifier, error) {
	o, set, err := nativeKeys(ctx, "NewVerifier", verifierOptions, opts, keys)
	if err != nil {
		return nil, err
	}
	v, err := core.NewVerifier(set, p, core.WithCache(o.cache), core.WithCrypto(o.crypto))
	if err != nil {
		return nil, err
	}
	return &nativeVerifier{v: v}, nil
}

// nativeVerifier is a core.Verifier behind the Verifier interface.
type nativeVerifier struct {
	v      *core.Verifier
	closed closedFlag
}

func (n *nativeVerifier) Verify(ctx context.Context, token string) (*core.Token, error) {
	return n.VerifyAt(ctx, token, time.Time{})
}

func (n *nativeVerifier) VerifyAt(ctx context.Context, token string, now time.Time) (*core.Token, error) {
	if err := n.closed.check(ctx); err != nil {
		return nil, err
	}
	return n.v.VerifyAt(token, now)
}

func (n *nativeVerifier) VerifyJWS(ctx context.Context, token string) (*core.JWS, error) {
	if err := n.closed.check(ctx); err != nil {
		return nil, err
	}
	return n.v.VerifyJWS(token)
}

func (n *nativeVerifier) Close(context.Context) error {
	n.closed.close()
	return nil
}

func (nativeEngine) NewSigner(ctx context.Context, keys []byte, opts ...CallOption) (Signer, error) {
	_, set, err := nativeKeys(ctx, "NewSigner", signerOptions, opts, keys)
	if err != nil {
		return nil, err
	}
	key, err := activeKey(set)
	if err != nil {
		return nil, err
	}
	return &nativeSigner{key: key}, nil
}

// activeKey returns the key a signer signs with.
func activeKey(set *core.KeySet) (*core.Key, error) {
	key := set.Active()
	if key == nil {
		return nil, core.Errorf(core.CodeInvalidKey, "no private key to sign with: sign with a private key or key set, not a published (public) one")
	}
	return key, nil
}

type nativeSigner struct {
	key    *core.Key
	closed closedFlag
}

func (s *nativeSigner) KeyID() string { return s.key.KeyID() }

func (s *nativeSigner) Sign(ctx context.Context, claims []byte, opts ...CallOption) (string, error) {
	o, err := resolve("Sign", signOptions, opts)
	if err != nil {
		return "", err
	}
	if err := s.closed.check(ctx); err != nil {
		return "", err
	}
	return core.Sign(s.key, claims, o.signOpts()...)
}

func (s *nativeSigner) SignJWS(ctx context.Context, payload []byte, opts ...CallOption) (string, error) {
	o, err := resolve("SignJWS", signOptions, opts)
	if err != nil {
		return "", err
	}
	if err := s.closed.check(ctx); err != nil {
		return "", err
	}
	return core.SignJWS(s.key, payload, o.signOpts()...)
}

func (s *nativeSigner) Close(context.Context) error {
	s.closed.close()
	return nil
}

func (nativeEngine) Inspect(ctx context.Context, token string, opts ...CallOption) (*core.Inspection, error) {
	o, err := nativeStart(ctx, "Inspect", inspectOptions, opts)
	if err != nil {
		return nil, err
	}
	var set *core.KeySet
	if o.keys != nil {
		if set, err = core.ParseKeySet(o.keys, o.keyOpts()...); err != nil {
			return nil, err
		}
	} else if len(o.passphrase) > 0 {
		return nil, errPassphraseWithoutKeys
	}
	return core.Inspect(token, o.inspectOpts(set)...)
}

var errPassphraseWithoutKeys = core.Errorf(core.CodeInvalidArgument, "Inspect: host.WithPassphrase applies to the keys of host.WithKeys, and none were given")

func (nativeEngine) GenerateKey(ctx context.Context, p core.KeyParams, f core.KeyFormat, opts ...CallOption) (*GeneratedKey, error) {
	o, err := nativeStart(ctx, "GenerateKey", keygenOptions, opts)
	if err != nil {
		return nil, err
	}
	key, err := core.GenerateKey(p)
	if err != nil {
		return nil, err
	}
	priv, pub, err := core.EncodeKeyPair(key, f, core.PEMOptions{Format: o.pemFormat, Passphrase: o.passphrase})
	if err != nil {
		return nil, err
	}
	return &GeneratedKey{Private: priv, Public: pub, Info: key.Info()}, nil
}

func (nativeEngine) ConvertKeys(ctx context.Context, keys []byte, f core.KeyFormat, opts ...CallOption) ([]byte, error) {
	o, set, err := nativeKeys(ctx, "ConvertKeys", convertOptions, opts, keys)
	if err != nil {
		return nil, err
	}
	return core.EncodeKeys(set, f, core.PEMOptions{Format: o.pemFormat})
}

func (nativeEngine) Thumbprints(ctx context.Context, keys []byte, opts ...CallOption) ([]core.KeyInfo, error) {
	_, set, err := nativeKeys(ctx, "Thumbprints", keysOptions, opts, keys)
	if err != nil {
		return nil, err
	}
	return keyInfos(set), nil
}

func keyInfos(set *core.KeySet) []core.KeyInfo {
	infos := make([]core.KeyInfo, 0, set.Len())
	for _, k := range set.Keys() {
		infos = append(infos, k.Info())
	}
	return infos
}

func (nativeEngine) Close(context.Context) error { return nil }
