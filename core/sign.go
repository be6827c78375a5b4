package core

import (
	"encoding/json"
	"strings"

	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
)

// SignOption configures [Sign].
type SignOption func(*signOptions)

type signOptions struct {
	alg       string
	typ       string
	kid       *string
	extra     []jsonobj.Member
	allowWeak bool
}

// WithAlgorithm signs with alg instead of the key's default (see
// [Key.DefaultAlgorithm]).
func WithAlgorithm(alg string) SignOption { return func(o *signOptions) { o.alg = alg } }

// WithType sets the "typ" header, "JWT" by default; "" leaves it out. Use
// a specific type such as "at+jwt" (RFC 9068) so that tokens of one kind
// cannot be mistaken for another (RFC 8725 §3.11).
func WithType(typ string) SignOption { return func(o *signOptions) { o.typ = typ } }

// WithKeyID sets the "kid" header instead of the key's own key ID; ""
// leaves it out.
func WithKeyID(kid string) SignOption { return func(o *signOptions) { o.kid = &kid } }

// WithHeader adds a header parameter. Registered parameters that Sign sets
// itself (alg, kid, typ) and keys in the header (jwk, jku, x5u, x5c) cannot
// be set this way; Sign reports an error if asked.
func WithHeader(name string, value any) SignOption {
	return func(o *signOptions) {
		v, err := json.Marshal(value)
		if err != nil {
			v = nil // reported by Sign
		}
		o.extra = append(o.extra, jsonobj.Member{Name: name, Value: v})
	}
}

// AllowWeakKeys lets RSA keys under 2048 bits sign, for legacy systems
// that cannot take larger keys. Such tokens are refused by default
// verifiers, and inspect reports the key as weak.
func AllowWeakKeys() SignOption { return func(o *signOptions) { o.allowWeak = true } }

// Sign returns a compact JWT whose payload is claims, a JSON object as
// [BuildClaims] makes, signed by key. The header has "alg", "kid" (the
// key's) and "typ": "JWT" unless options say otherwise.
func Sign(key *Key, claims []byte, opts ...SignOption) (string, error) {
	if _, err := jsonobj.Parse(claims, jsonLimits); err != nil {
		return "", wrapError(CodeInvalidArgument, err, "claims")
	}
	o := signOptions{typ: "JWT"}
	for _, opt := range opts {
		opt(&o)
	}
	return sign(key, claims, o)
}

// SignJWS returns a compact JWS over payload, any bytes, signed by key. The
// header has "alg" and "kid", and "typ" only if WithType sets one: the
// payload is not a JWT. [Verifier.VerifyJWS] checks such tokens.
func SignJWS(key *Key, payload []byte, opts ...SignOption) (string, error) {
	var o signOptions
	for _, opt := range opts {
		opt(&o)
	}
	return sign(key, payload, o)
}

func sign(key *Key, payload []byte, o signOptions) (string, error) {
	if key == nil || !key.IsPrivate() {
		return "", newError(CodeInvalidKey, "signing needs a private key or a secret")
	}
	alg := o.alg
	if alg == "" {
		alg = key.DefaultAlgorithm()
	}
	a := lookupAlg(alg)
	if a == nil {
		return "", newError(CodeAlgNotAllowed, "cannot sign with algorithm %q: want one of %s", alg, strings.Join(Algorithms(), ", "))
	}
	if why := key.usableFor(a, "sign"); why != "" {
		return "", newError(CodeKeyMismatch, "%s", why)
	}
	if err := key.weakFor(a); err != nil && !(o.allowWeak && key.kty == KeyTypeRSA) {
		return "", err
	}
	kid := key.kid
	if o.kid != nil {
		kid = *o.kid
	}
	hdr := []jsonobj.Member{{Name: "alg", Value: mustJSON(alg)}}
	if kid != "" {
		hdr = append(hdr, jsonobj.Member{Name: "kid", Value: mustJSON(kid)})
	}
	if o.typ != "" {
		hdr = append(hdr, jsonobj.Member{Name: "typ", Value: mustJSON(o.typ)})
	}
	for _, m := range o.extra {
		switch m.Name {
		case "alg", "kid", "typ", "jwk", "jku", "x5u", "x5c", "zip", "":
			return "", newError(CodeInvalidArgument, "header %q cannot be set as an extra header", m.Name)
		}
		if m.Value == nil {
			return "", newError(CodeInvalidArgument, "header %q has a value that is not JSON", m.Name)
		}
		for _, h := range hdr {
			if h.Name == m.Name {
				return "", newError(CodeInvalidArgument, "header %q given twice", m.Name)
			}
		}
		hdr = append(hdr, m)
	}
	var hj strings.Builder
	hj.WriteByte('{')
	for i, m := range hdr {
		if i > 0 {
			hj.WriteByte(',')
		}
		hj.Write(mustJSON(m.Name))
		hj.WriteByte(':')
		hj.Write(m.Value)
	}
	hj.WriteByte('}')
	input := b64.EncodeToString([]byte(hj.String())) + "." + b64.EncodeToString(payload)
	sig, err := createSignature(a, key, input)
	if err != nil {
		return "", wrapError(CodeInternal, err, "signing")
	}
	return input + "." + b64.EncodeToString(sig), nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("core: " + err.Error())
	}
	return b
}
