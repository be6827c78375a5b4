// Package jsonobj reads the top level of a JSON object strictly and cheaply.
//
// JOSE headers and JWT claims sets are JSON objects read from untrusted
// tokens on the hot path. encoding/json would decode them, but it lets a
// later duplicate member silently replace an earlier one (RFC 7515 §5.2 and
// RFC 8725 §3.x want such documents refused or at least handled
// consistently), it has no nesting or size limits short of its own 10000
// levels, and decoding into map[string]any allocates for every value,
// which dominates the cost of a verification inside WebAssembly. This
// package validates the whole document in one pass, enforces limits, refuses
// duplicate member names at the top level, and hands back each top-level
// value as raw bytes for the caller to decode only if it needs it.
package jsonobj

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits bounds the work one document may cause.
type Limits struct {
	// MaxDepth is the deepest nesting of objects and arrays allowed; the
	// top-level object is depth 1.
	MaxDepth int
	// MaxValues is the largest number of object members plus array
	// elements allowed in the whole document.
	MaxValues int
}

// Member is one top-level member of an object.
type Member struct {
	Name  string
	Value []byte // the raw JSON value, a sub-slice of the input
}

// Object is the parsed top level of a JSON object, members in input order.
type Object []Member

// Get returns the raw value of the member named name.
func (o Object) Get(name string) ([]byte, bool) {
	for i := range o {
		if o[i].Name == name {
			return o[i].Value, true
		}
	}
	return nil, false
}

// Errors returned by Parse, wrapped with the position and detail.
var (
	ErrSyntax    = errors.New("invalid JSON")
	ErrNotObject = errors.New("not a JSON object")
	ErrDuplicate = errors.New("duplicate member")
	ErrTooDeep   = errors.New("JSON nested too deeply")
	ErrTooMany   = errors.New("too many JSON values")
)

type parser struct {
	data   []byte
	pos    int
	limits Limits
	values int
}

// Parse validates data as one JSON object (RFC 8259) within limits and
// returns its top-level members.
func Parse(data []byte, limits Limits) (Object, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not valid UTF-8", ErrSyntax)
	}
	p := parser{data: data, limits: limits}
	p.skipSpace()
	if p.pos >= len(data) || data[p.pos] != '{' {
		return nil, ErrNotObject
	}
	obj, err := p.object(1, true)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(data) {
		return nil, p.errorf("unexpected data after the object")
	}
	return obj, nil
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", ErrSyntax, p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) count() error {
	p.values++
	if p.limits.MaxValues > 0 && p.values > p.limits.MaxValues {
		return fmt.Errorf("%w: over %d", ErrTooMany, p.limits.MaxValues)
	}
	return nil
}

// object parses an object at p.pos (which holds '{'). Only the top level
// keeps its members; nested objects are validated and skipped.
func (p *parser) object(depth int, keep bool) (Object, error) {
	if p.limits.MaxDepth > 0 && depth > p.limits.MaxDepth {
		return nil, fmt.Errorf("%w: over %d levels", ErrTooDeep, p.limits.MaxDepth)
	}
	p.pos++ // '{'
	var obj Object
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return obj, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errorf("want a member name")
		}
		start := p.pos
		escaped, err := p.str()
		if err != nil {
			return nil, err
		}
		if err := p.count(); err != nil {
			return nil, err
		}
		var name string
		if keep {
			if name, err = decodeName(p.data[start:p.pos], escaped); err != nil {
				return nil, err
			}
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errorf("want ':' after member name")
		}
		p.pos++
		p.skipSpace()
		vstart := p.pos
		if err := p.value(depth); err != nil {
			return nil, err
		}
		if keep {
			if _, dup := obj.Get(name); dup {
				return nil, fmt.Errorf("%w %q", ErrDuplicate, name)
			}
			obj = append(obj, Member{Name: name, Value: p.data[vstart:p.pos]})
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return obj, nil
		default:
			return nil, p.errorf("want ',' or '}'")
		}
	}
}

func decodeName(raw []byte, escaped bool) (string, error) {
	if !escaped {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	return s, nil
}

func (p *parser) array(depth int) error {
	if p.limits.MaxDepth > 0 && depth > p.limits.MaxDepth {
		return fmt.Errorf("%w: over %d levels", ErrTooDeep, p.limits.MaxDepth)
	}
	p.pos++ // '['
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return nil
	}
	for {
		p.skipSpace()
		if err := p.count(); err != nil {
			return err
		}
		if err := p.value(depth); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return p.errorf("unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return nil
		default:
			return p.errorf("want ',' or ']'")
		}
	}
}

// value validates one value at p.pos, nested at depth (its container's).
func (p *parser) value(depth int) error {
	if p.pos >= len(p.data) {
		return p.errorf("want a value")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		_, err := p.object(depth+1, false)
		return err
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		_, err := p.str()
		return err
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return p.errorf("want a value")
}

func (p *parser) literal(lit string) error {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return p.errorf("want %s", lit)
	}
	p.pos += len(lit)
	return nil
}

// str validates a string at p.pos (which holds '"') and reports whether it
// contains escapes.
func (p *parser) str() (escaped bool, err error) {
	p.pos++
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return escaped, nil
		case c == '\\':
			escaped = true
			p.pos++
			if p.pos >= len(p.data) {
				return false, p.errorf("unterminated escape")
			}
			switch p.data[p.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				if len(p.data)-p.pos < 5 {
					return false, p.errorf("short \\u escape")
				}
				for _, h := range p.data[p.pos+1 : p.pos+5] {
					if !isHex(h) {
						return false, p.errorf("bad \\u escape")
					}
				}
				p.pos += 5
			default:
				return false, p.errorf("bad escape")
			}
		case c < 0x20:
			return false, p.errorf("control character in string")
		default:
			p.pos++
		}
	}
	return false, p.errorf("unterminated string")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (p *parser) number() error {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case p.pos < len(p.data) && p.data[p.pos] >= '1' && p.data[p.pos] <= '9':
		p.digits()
	default:
		p.pos = start
		return p.errorf("bad number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return p.errorf("bad number fraction")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return p.errorf("bad number exponent")
		}
	}
	return nil
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}
