package authn

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// headerValue renders a claim's JSON value for a request header: a string
// as its text, a number in canonical form, true or false, an array as its
// elements joined by sep, an object as compact JSON. null counts as
// absent. A value holding a control character cannot be forwarded: in a
// header it would end the line, or be refused by the proxy halfway.
func headerValue(raw []byte, sep string) (string, bool, error) {
	switch raw[0] {
	case 'n':
		return "", false, nil
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return "", false, err
		}
		parts := make([]string, 0, len(elems))
		for _, el := range elems {
			s, ok, err := scalarText(el)
			if err != nil {
				return "", false, err
			}
			if ok {
				parts = append(parts, s)
			}
		}
		return checkValue(strings.Join(parts, sep))
	}
	s, ok, err := scalarText(raw)
	if err != nil || !ok {
		return "", false, err
	}
	return checkValue(s)
}

func checkValue(s string) (string, bool, error) {
	if !printable(s) {
		return "", false, errors.New("its value holds a control character")
	}
	return s, true, nil
}

// scalarText renders one JSON value; nested arrays and objects become
// compact JSON.
func scalarText(raw []byte) (string, bool, error) {
	switch raw[0] {
	case 'n':
		return "", false, nil
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err == nil, err
	case 't', 'f':
		return string(raw), true, nil
	case '{', '[':
		var b bytes.Buffer
		err := json.Compact(&b, raw)
		return b.String(), err == nil, err
	}
	s, err := canonicalNumber(string(raw))
	return s, err == nil, err
}

// canonicalNumber writes a JSON number as ECMAScript does (and RFC 8785
// after it), so 1.50, 15e-1 and 1.5 forward alike. An integer written
// without fraction or exponent stays as written: JSON's grammar already
// makes that form unique, and reading it as a float would round IDs past
// 2^53.
func canonicalNumber(s string) (string, error) {
	if !strings.ContainsAny(s, ".eE") {
		if s == "-0" {
			return "0", nil
		}
		return s, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return "", errors.New("number " + s + " is out of range")
	}
	if f == 0 {
		return "0", nil
	}
	if abs := math.Abs(f); abs >= 1e21 || abs < 1e-6 {
		out := strconv.FormatFloat(f, 'e', -1, 64)
		// Go writes e+21 and e-07; ECMAScript e+21 and e-7.
		mant, exp, _ := strings.Cut(out, "e")
		sign, digits := exp[:1], strings.TrimLeft(exp[1:], "0")
		return mant + "e" + sign + digits, nil
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}
