package core

import (
	"bytes"
	"encoding/base64"
	"encoding/json"

	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
)

// b64 decodes base64url without padding and refuses non-canonical
// encodings (stray bits in the last character), which would let one
// signature stand for several token strings (RFC 7515 §2, RFC 4648 §3.5).
var b64 = base64.RawURLEncoding.Strict()

// Header is a JWS protected header (RFC 7515 §4).
type Header struct {
	// Algorithm is "alg".
	Algorithm string
	// KeyID is "kid", or "" if absent.
	KeyID string
	// Type is "typ", or "" if absent.
	Type string
	// ContentType is "cty", or "" if absent.
	ContentType string
	// Critical is "crit": extensions the verifier must understand.
	Critical []string

	raw []byte
	obj jsonobj.Object
}

// JSON returns the header's JSON as sent. The caller must not modify it.
func (h *Header) JSON() []byte { return h.raw }

// Get returns a copy of the raw JSON value of header parameter name.
func (h *Header) Get(name string) (json.RawMessage, bool) {
	v, ok := h.obj.Get(name)
	return bytes.Clone(v), ok
}

// Names returns the header's parameter names in order.
func (h *Header) Names() []string {
	names := make([]string, len(h.obj))
	for i, m := range h.obj {
		names[i] = m.Name
	}
	return names
}

// registeredHeaders are the header parameters RFC 7515 §4.1 and RFC 7516
// §4.1 define; "crit" may not name them.
var registeredHeaders = []string{"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256",
	"typ", "cty", "crit", "enc", "zip"}

// compact is a compact JWS split into its parts.
type compact struct {
	signingInput string // BASE64URL(header) "." BASE64URL(payload)
	payloadB64   string
	// payload is room for the decoded payload: the rest of the buffer the
	// header's JSON was decoded into, so that one allocation holds both.
	payload []byte
}

// decodePayload decodes the payload into c.payload.
func (c *compact) decodePayload() ([]byte, error) {
	n, err := b64.Decode(c.payload, []byte(c.payloadB64))
	if err != nil {
		return nil, newError(CodeMalformed, "token payload is not canonical base64url")
	}
	return c.payload[:n:n], nil
}

// b64URLAlphabet marks the bytes of the base64url alphabet. Go's decoder
// skips CR and LF, which must not be allowed to change a token without
// changing its signature, so every byte is checked against it first.
var b64URLAlphabet = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

// splitCompact parses the parts of a compact JWS, decoding the header into
// h and the signature into sigBuf if it fits, but not the payload. Nothing
// it returns refers to sigBuf except sig, so that a caller's buffer on the
// stack stays there.
func splitCompact(token string, h *Header, sigBuf []byte) (compact, []byte, error) {
	// One pass finds the dots and the first byte outside the alphabet:
	// inside WebAssembly, where strings.Count and friends have no
	// assembly, separate passes cost microseconds per token.
	first, last, dots, bad := -1, -1, 0, -1
	for i := 0; i < len(token); i++ {
		c := token[i]
		switch {
		case b64URLAlphabet[c]:
		case c == '.':
			if first < 0 {
				first = i
			}
			last = i
			dots++
		case bad < 0:
			bad = i
		}
	}
	if dots != 2 {
		if dots == 4 {
			return compact{}, nil, newError(CodeMalformed, "token has 5 parts: it is an encrypted JWE, not a signed JWS")
		}
		return compact{}, nil, newError(CodeMalformed, "token has %d parts, want 3 (header.payload.signature)", dots+1)
	}
	h64, p64, s64 := token[:first], token[first+1:last], token[last+1:]
	if bad >= 0 {
		part := "signature"
		switch {
		case bad < first:
			part = "header"
		case bad < last:
			part = "payload"
		}
		return compact{}, nil, newError(CodeMalformed, "token %s has a character outside the base64url alphabet", part)
	}
	if h64 == "" {
		return compact{}, nil, newError(CodeMalformed, "token header is empty")
	}
	// The header's JSON and the payload share one buffer, sized once;
	// both end up in the verified token.
	buf := make([]byte, b64.DecodedLen(len(h64))+b64.DecodedLen(len(p64)))
	n, err := b64.Decode(buf, []byte(h64))
	if err != nil {
		return compact{}, nil, newError(CodeMalformed, "token header is not canonical base64url")
	}
	hjson := buf[:n:n]
	if b64.DecodedLen(len(s64)) > len(sigBuf) {
		sigBuf = make([]byte, b64.DecodedLen(len(s64)))
	}
	if n, err = b64.Decode(sigBuf, []byte(s64)); err != nil {
		return compact{}, nil, newError(CodeMalformed, "token signature is not canonical base64url")
	}
	sig := sigBuf[:n]
	if err := parseHeader(hjson, h); err != nil {
		return compact{}, nil, err
	}
	return compact{signingInput: token[:last], payloadB64: p64, payload: buf[len(hjson):]}, sig, nil
}

// ParseHeader reads a JWS protected header (decoded JSON) with the same
// rules as verification.
func ParseHeader(data []byte) (*Header, error) {
	h := new(Header)
	if err := parseHeader(data, h); err != nil {
		return nil, err
	}
	return h, nil
}

func parseHeader(data []byte, h *Header) error {
	obj, err := jsonobj.Parse(data, jsonLimits)
	if err != nil {
		return wrapError(CodeMalformed, err, "token header")
	}
	h.raw, h.obj = data, obj
	for _, m := range obj {
		switch m.Name {
		case "alg":
			err = stringMember("header", m, &h.Algorithm)
		case "kid":
			err = stringMember("header", m, &h.KeyID)
		case "typ":
			err = stringMember("header", m, &h.Type)
		case "cty":
			err = stringMember("header", m, &h.ContentType)
		case "crit":
			if json.Unmarshal(m.Value, &h.Critical) != nil || len(h.Critical) == 0 {
				err = newError(CodeMalformed, "header \"crit\" must be a non-empty array of strings (RFC 7515 §4.1.11)")
			}
		case "zip":
			err = newError(CodeMalformed, "header \"zip\": compressed payloads are not allowed in a JWS")
		}
		if err != nil {
			return err
		}
	}
	if _, ok := obj.Get("alg"); !ok {
		return newError(CodeMalformed, "token header has no \"alg\"")
	}
	return nil
}

// stringMember decodes a member that must be a JSON string.
func stringMember(where string, m jsonobj.Member, dst *string) error {
	if len(m.Value) == 0 || m.Value[0] != '"' {
		return newError(CodeMalformed, "%s %q must be a string", where, m.Name)
	}
	if bytes.IndexByte(m.Value, '\\') < 0 {
		*dst = string(m.Value[1 : len(m.Value)-1])
		return nil
	}
	if err := json.Unmarshal(m.Value, dst); err != nil {
		return wrapError(CodeMalformed, err, "%s %q", where, m.Name)
	}
	return nil
}
