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
// duplicate member names in every object at any depth (a nested duplicate
// read by a lax decoder downstream, such as a claim's "roles" decoded with
// encoding/json, would be as ambiguous as a top-level one), and hands back
// each top-level value as raw bytes for the caller to decode only if it
// needs it.
package jsonobj

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// nameBit is a name's bit in a 64-bit filter of the names seen so far,
// from its length and end bytes: a name whose bit is not yet set cannot
// be a duplicate. Inside WebAssembly each string comparison is a call,
// and comparing every member's name with every other's cost a microsecond
// per claims set.
func nameBit(name string) uint64 {
	h := uint(len(name))
	if len(name) > 0 {
		h = h*31 + uint(name[0])*7 + uint(name[len(name)-1])
	}
	return 1 << (h % 64)
}

var colon = []byte{':'}

// Errors returned by Parse, wrapped with the position and detail.
var (
	ErrSyntax    = errors.New("invalid JSON")
	ErrNotObject = errors.New("not a JSON object")
	ErrDuplicate = errors.New("duplicate member")
	ErrTooDeep   = errors.New("JSON nested too deeply")
	ErrTooMany   = errors.New("too many JSON values")
)

// manyNames is the number of members past which an object's names go into
// a map: below it, the bit filter and a scan of the names are cheaper; above
// it, a scan per member would make a hostile object of thousands of members
// cost quadratic time.
const manyNames = 32

// dupError is a duplicate found inside a nested value, with the path to
// it, innermost first, filled in as the parse unwinds.
type dupError struct{ path []string }

func (e *dupError) Error() string { return "duplicate member" }

// pointer returns the path as a JSON Pointer (RFC 6901), outermost first.
func (e *dupError) pointer() string {
	var b strings.Builder
	for i := len(e.path) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(e.path[i], "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// parser holds the limits and the running count of values. The position
// travels as a parameter and a result instead of living in the struct: in
// WebAssembly, Go keeps struct fields in linear memory, and a load and
// store of p.pos per byte made this parser about ten times slower than
// natively (measured inside the module; a header took ~5 µs).
type parser struct {
	limits    Limits
	values    int
	maxValues int    // limits.MaxValues, or the largest int for none
	text      string // the document as a string, once: names are substrings of it
}

// Parse validates data as one JSON object (RFC 8259) within limits and
// returns its top-level members.
func Parse(data []byte, limits Limits) (Object, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not valid UTF-8", ErrSyntax)
	}
	p := parser{limits: limits, maxValues: limits.MaxValues}
	if p.maxValues <= 0 {
		p.maxValues = int(^uint(0) >> 1)
	}
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, ErrNotObject
	}
	p.text = string(data)
	obj, i, err := p.object(data, i, 1, true)
	if err != nil {
		if d, ok := err.(*dupError); ok {
			return nil, fmt.Errorf("%w %q", ErrDuplicate, d.pointer())
		}
		return nil, err
	}
	if i = skipSpace(data, i); i != len(data) {
		return nil, syntaxError(i, "unexpected data after the object")
	}
	return obj, nil
}

func syntaxError(pos int, msg string) error {
	return fmt.Errorf("%w at byte %d: %s", ErrSyntax, pos, msg)
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// count counts one more value; inlined, so that the check costs no call.
func (p *parser) count() error {
	if p.values++; p.values > p.maxValues {
		return p.tooMany()
	}
	return nil
}

func (p *parser) tooMany() error {
	return fmt.Errorf("%w: over %d", ErrTooMany, p.limits.MaxValues)
}

// plainString returns the position after the string at data[i] (a '"')
// when it has no escape and no control character; ok is false otherwise,
// and scanString then reads it. Inlined into the member loop: in
// WebAssembly every call costs as much as scanning tens of bytes.
func plainString(data []byte, i int) (end int, ok bool) {
	for i++; i < len(data); i++ {
		if c := data[i]; c == '"' {
			return i + 1, true
		} else if c == '\\' || c < 0x20 {
			return i, false
		}
	}
	return i, false
}

// object parses the object at data[i] (a '{') and returns the position
// after it. Only the top level (keep) keeps its members; nested objects
// are validated and skipped, their names kept only to find duplicates.
func (p *parser) object(data []byte, i, depth int, keep bool) (Object, int, error) {
	if p.limits.MaxDepth > 0 && depth > p.limits.MaxDepth {
		return nil, i, fmt.Errorf("%w: over %d levels", ErrTooDeep, p.limits.MaxDepth)
	}
	var obj Object
	text := p.text
	var seen uint64 // nameBit of every name so far
	// The names of a nested object, on the stack while there are few
	// (the top level's are in obj); set holds them all past manyNames.
	var few [8]string
	names := few[:0]
	var set map[string]struct{}
	members := 0
	if keep {
		// Room for as many members as the document has colons, nested
		// and quoted ones included: one allocation of about the right size
		// (a Member is 40 bytes, and inside WebAssembly allocation costs
		// about a nanosecond per byte).
		obj = make(Object, 0, min(bytes.Count(data, colon), 32))
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return obj, i + 1, nil
	}
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != '"' {
			return nil, i, syntaxError(i, "want a member name")
		}
		start := i
		end, plain := plainString(data, i)
		escaped, err := false, error(nil)
		if !plain {
			if end, escaped, err = scanString(data, i); err != nil {
				return nil, end, err
			}
		}
		if err := p.count(); err != nil {
			return nil, end, err
		}
		var name string
		if escaped {
			if name, err = decodeName(data[start:end]); err != nil {
				return nil, end, err
			}
		} else {
			name = text[start+1 : end-1]
		}
		bit := nameBit(name)
		if seen&bit != 0 {
			var dup bool
			switch {
			case set != nil:
				_, dup = set[name]
			case keep:
				_, dup = obj.Get(name)
			default:
				dup = slices.Contains(names, name)
			}
			if dup {
				return nil, start, &dupError{path: []string{name}}
			}
		}
		seen |= bit
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, i, syntaxError(i, "want ':' after member name")
		}
		vstart := skipSpace(data, i+1)
		if vstart < len(data) && data[vstart] == '"' {
			i, plain = plainString(data, vstart)
		} else {
			plain = false
		}
		if !plain {
			if i, err = p.value(data, vstart, depth); err != nil {
				if d, ok := err.(*dupError); ok {
					d.path = append(d.path, name)
				}
				return nil, i, err
			}
		}
		if keep {
			obj = append(obj, Member{Name: name, Value: data[vstart:i:i]})
		} else if set == nil {
			names = append(names, name)
		}
		if members++; set != nil {
			set[name] = struct{}{}
		} else if members == manyNames {
			set = make(map[string]struct{}, 2*manyNames)
			for _, m := range obj {
				set[m.Name] = struct{}{}
			}
			for _, n := range names {
				set[n] = struct{}{}
			}
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return nil, i, syntaxError(i, "unterminated object")
		}
		switch data[i] {
		case ',':
			i++
		case '}':
			return obj, i + 1, nil
		default:
			return nil, i, syntaxError(i, "want ',' or '}'")
		}
	}
}

func decodeName(raw []byte) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	return s, nil
}

// array validates the array at data[i] (a '[') and returns the position
// after it.
func (p *parser) array(data []byte, i, depth int) (int, error) {
	if p.limits.MaxDepth > 0 && depth > p.limits.MaxDepth {
		return i, fmt.Errorf("%w: over %d levels", ErrTooDeep, p.limits.MaxDepth)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		i = skipSpace(data, i)
		if err := p.count(); err != nil {
			return i, err
		}
		var err error
		if i, err = p.value(data, i, depth); err != nil {
			if d, ok := err.(*dupError); ok {
				d.path = append(d.path, strconv.Itoa(n))
			}
			return i, err
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return i, syntaxError(i, "unterminated array")
		}
		switch data[i] {
		case ',':
			i++
		case ']':
			return i + 1, nil
		default:
			return i, syntaxError(i, "want ',' or ']'")
		}
	}
}

// value validates the value at data[i], nested at depth (its
// container's), and returns the position after it.
func (p *parser) value(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return i, syntaxError(i, "want a value")
	}
	switch c := data[i]; {
	case c == '"':
		end, _, err := scanString(data, i)
		return end, err
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(data, i)
	case c == '{':
		_, end, err := p.object(data, i, depth+1, false)
		return end, err
	case c == '[':
		return p.array(data, i, depth+1)
	case c == 't':
		return literal(data, i, "true")
	case c == 'f':
		return literal(data, i, "false")
	case c == 'n':
		return literal(data, i, "null")
	}
	return i, syntaxError(i, "want a value")
}

func literal(data []byte, i int, lit string) (int, error) {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return i, syntaxError(i, "want "+lit)
	}
	return i + len(lit), nil
}

// scanString validates the string at data[i] (a '"'), returns the
// position after its closing quote, and reports whether it has escapes.
func scanString(data []byte, i int) (end int, escaped bool, err error) {
	for i++; i < len(data); i++ {
		c := data[i]
		if c == '"' {
			return i + 1, escaped, nil
		}
		if c < 0x20 {
			return i, false, syntaxError(i, "control character in string")
		}
		if c != '\\' {
			continue
		}
		escaped = true
		i++
		if i >= len(data) {
			return i, false, syntaxError(i, "unterminated escape")
		}
		switch data[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if len(data)-i < 5 {
				return i, false, syntaxError(i, "short \\u escape")
			}
			for _, h := range data[i+1 : i+5] {
				if !isHex(h) {
					return i, false, syntaxError(i, "bad \\u escape")
				}
			}
			i += 4
		default:
			return i, false, syntaxError(i, "bad escape")
		}
	}
	return i, false, syntaxError(i, "unterminated string")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// scanNumber validates the number at data[i] and returns the position
// after it.
func scanNumber(data []byte, i int) (int, error) {
	start := i
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(data, i)
	default:
		return start, syntaxError(start, "bad number")
	}
	if i < len(data) && data[i] == '.' {
		j := digits(data, i+1)
		if j == i+1 {
			return j, syntaxError(j, "bad number fraction")
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return j, syntaxError(j, "bad number exponent")
		}
		i = j
	}
	return i, nil
}

func digits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}
