package host

import (
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// CallOption configures one operation of an [Engine], a [Verifier] or a
// [Signer]. Each operation's documentation lists the options it takes; an
// option given to an operation it does not apply to is an
// invalid_argument error, never silently ignored, and so is an option
// whose value is out of range.
type CallOption struct {
	kind  optKind
	name  string
	apply func(*callOptions) error
}

type optKind uint16

const (
	optPassphrase optKind = 1 << iota
	optCache
	optCrypto
	optAlgorithm
	optKeyID
	optType
	optWeakKeys
	optTime
	optKeys
	optMaxTokenSize
	optPEMFormat
)

// The options each operation takes.
const (
	verifierOptions = optPassphrase | optCache | optCrypto
	signerOptions   = optPassphrase
	signOptions     = optAlgorithm | optKeyID | optType | optWeakKeys
	inspectOptions  = optTime | optKeys | optPassphrase | optMaxTokenSize
	keygenOptions   = optPassphrase | optPEMFormat
	convertOptions  = optPassphrase | optPEMFormat
	keysOptions     = optPassphrase
)

// callOptions is what the options of one call set.
type callOptions struct {
	passphrase []byte
	cache      int
	crypto     string
	alg        string
	keyID      *string // nil: the key's kid; "": none
	typ        *string // nil: the default; "": none
	weakKeys   bool
	now        time.Time
	keys       []byte
	maxSize    int
	pemFormat  string
}

// resolve applies opts for operation op, which takes the options in
// allowed.
func resolve(op string, allowed optKind, opts []CallOption) (callOptions, error) {
	var o callOptions
	for _, opt := range opts {
		if opt.apply == nil {
			return o, core.Errorf(core.CodeInvalidArgument, "%s: a zero CallOption: make options with host.WithX", op)
		}
		if opt.kind&allowed == 0 {
			return o, core.Errorf(core.CodeInvalidArgument, "%s does not take option host.%s", op, opt.name)
		}
		if err := opt.apply(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// splitOptions separates the options of the kinds in kinds from the rest.
func splitOptions(opts []CallOption, kinds optKind) (in, out []CallOption) {
	for _, o := range opts {
		if o.kind&kinds != 0 {
			in = append(in, o)
		} else {
			out = append(out, o)
		}
	}
	return in, out
}

// WithPassphrase decrypts an encrypted PKCS#8 key in a key document; for
// [Engine.GenerateKey], it encrypts the PEM written.
func WithPassphrase(passphrase []byte) CallOption {
	p := append([]byte(nil), passphrase...)
	return CallOption{optPassphrase, "WithPassphrase", func(o *callOptions) error {
		o.passphrase = p
		return nil
	}}
}

// WithCache keeps up to n verified tokens, as [core.WithCache] does: a
// repeated token is served from memory while it is inside its validity
// window (for the module, on the host's side, without entering it).
func WithCache(n int) CallOption {
	return CallOption{optCache, "WithCache", func(o *callOptions) error {
		if n < 0 {
			return core.Errorf(core.CodeInvalidArgument, "negative cache size %d", n)
		}
		o.cache = n
		return nil
	}}
}

// WithCrypto chooses the signature code for RSA and ES256, as
// [core.WithCrypto] does: [core.CryptoFast] (the default inside the
// module) or [core.CryptoStdlib] (the default natively). The verifier
// refuses any other value.
func WithCrypto(c string) CallOption {
	return CallOption{optCrypto, "WithCrypto", func(o *callOptions) error {
		o.crypto = c
		return nil
	}}
}

// WithAlgorithm signs with alg instead of the key's default algorithm.
func WithAlgorithm(alg string) CallOption {
	return CallOption{optAlgorithm, "WithAlgorithm", func(o *callOptions) error {
		o.alg = alg
		return nil
	}}
}

// WithKeyID sets the header's "kid"; "" leaves it out. Without it, a
// token carries its key's kid.
func WithKeyID(kid string) CallOption {
	return CallOption{optKeyID, "WithKeyID", func(o *callOptions) error {
		o.keyID = &kid
		return nil
	}}
}

// WithType sets the header's "typ"; "" leaves it out. Without it, a JWT
// carries "JWT" and a JWS none.
func WithType(typ string) CallOption {
	return CallOption{optType, "WithType", func(o *callOptions) error {
		o.typ = &typ
		return nil
	}}
}

// AllowWeakKeys lets RSA keys under 2048 bits sign: for legacy peers
// only, as [core.AllowWeakKeys].
func AllowWeakKeys() CallOption {
	return CallOption{optWeakKeys, "AllowWeakKeys", func(o *callOptions) error {
		o.weakKeys = true
		return nil
	}}
}

// WithTime judges an inspected token's dates as of t instead of the clock.
func WithTime(t time.Time) CallOption {
	return CallOption{optTime, "WithTime", func(o *callOptions) error {
		if t.IsZero() {
			return core.Errorf(core.CodeInvalidArgument, "WithTime: the zero time")
		}
		o.now = t
		return nil
	}}
}

// WithKeys adds findings about the key an inspected token would be
// verified with: the key of the document keys that its kid names, else
// the first.
func WithKeys(keys []byte) CallOption {
	k := append([]byte(nil), keys...)
	return CallOption{optKeys, "WithKeys", func(o *callOptions) error {
		o.keys = k
		return nil
	}}
}

// WithMaxTokenSize replaces [core.DefaultMaxTokenSize] as the largest
// token an inspection reads.
func WithMaxTokenSize(n int) CallOption {
	return CallOption{optMaxTokenSize, "WithMaxTokenSize", func(o *callOptions) error {
		if n <= 0 {
			return core.Errorf(core.CodeInvalidArgument, "maximum token size %d: want a positive number of bytes", n)
		}
		o.maxSize = n
		return nil
	}}
}

// WithPEMFormat chooses the PEM encoding of a key written as PEM: one of
// core's PEM constants.
func WithPEMFormat(format string) CallOption {
	return CallOption{optPEMFormat, "WithPEMFormat", func(o *callOptions) error {
		o.pemFormat = format
		return nil
	}}
}

// signOpts turns sign options into core's.
func (o *callOptions) signOpts() []core.SignOption {
	var opts []core.SignOption
	if o.alg != "" {
		opts = append(opts, core.WithAlgorithm(o.alg))
	}
	if o.keyID != nil {
		opts = append(opts, core.WithKeyID(*o.keyID))
	}
	if o.typ != nil {
		opts = append(opts, core.WithType(*o.typ))
	}
	if o.weakKeys {
		opts = append(opts, core.AllowWeakKeys())
	}
	return opts
}

// keyOpts turns a passphrase into core's key options.
func (o *callOptions) keyOpts() []core.KeyOption {
	if len(o.passphrase) == 0 {
		return nil
	}
	return []core.KeyOption{core.WithPassphrase(o.passphrase)}
}

// inspectOpts turns inspect options into core's, given the parsed keys.
func (o *callOptions) inspectOpts(keys *core.KeySet) []core.InspectOption {
	var opts []core.InspectOption
	if !o.now.IsZero() {
		now := o.now
		opts = append(opts, core.InspectAt(func() time.Time { return now }))
	}
	if o.maxSize != 0 {
		opts = append(opts, core.InspectMaxSize(o.maxSize))
	}
	if keys != nil {
		opts = append(opts, core.InspectWithKeys(keys))
	}
	return opts
}
