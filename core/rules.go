package core

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// Rule is an access rule over verified claims, parsed by [ParseRule].
type Rule struct {
	text  string
	name  string
	op    string // "=", "!=", "~" or "" (present)
	value string
}

// ParseRule reads an access rule:
//
//	role=admin         claim "role" is the string "admin" (or the number
//	                   or boolean written so: level=3, admin=true)
//	role!=guest        claim "role" is absent or not "guest"
//	scope~read:orders  "scope" is a space-separated string containing
//	                   "read:orders", or an array containing it
//	groups~ops         "groups" is an array containing "ops"
//	email_verified     the claim is present and not false or null
//
// A claim name with dots, such as realm_access.roles, is looked up as
// written first, then as a path into nested objects.
func ParseRule(s string) (Rule, error) {
	if len(s) > MaxRuleLength {
		return Rule{}, newError(CodeInvalidArgument, "access rule of %d bytes is over the limit of %d (MaxRuleLength)", len(s), MaxRuleLength)
	}
	r := Rule{text: s}
	name := s
	if i := strings.IndexAny(s, "=~"); i >= 0 {
		name, r.op, r.value = s[:i], s[i:i+1], s[i+1:]
		if r.op == "=" && strings.HasSuffix(name, "!") {
			name, r.op = name[:len(name)-1], "!="
		}
		if r.op == "~" && r.value == "" {
			return Rule{}, newError(CodeInvalidArgument, "access rule %q: nothing after \"~\"", s)
		}
	}
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t\"") {
		return Rule{}, newError(CodeInvalidArgument, "access rule %q: want claim=value, claim!=value, claim~value or claim", s)
	}
	r.name = name
	return r, nil
}

// String returns the rule as written.
func (r Rule) String() string { return r.text }

// Check returns nil if the claims satisfy the rule, else a CodeForbidden
// error saying what the claim holds.
func (r Rule) Check(c *Claims) error {
	raw, ok := c.Lookup(r.name)
	name := r.name
	switch r.op {
	case "":
		if !ok || bytes.Equal(raw, []byte("false")) || bytes.Equal(raw, []byte("null")) {
			return newError(CodeForbidden, "rule %q: claim %q is absent, false or null", r.text, name)
		}
		return nil
	case "!=":
		if ok && scalarEquals(raw, r.value) {
			return newError(CodeForbidden, "rule %q: claim %q is %s", r.text, name, raw)
		}
		return nil
	}
	if !ok {
		return newError(CodeForbidden, "rule %q: the token has no claim %q", r.text, name)
	}
	if r.op == "=" && scalarEquals(raw, r.value) {
		return nil
	}
	if r.op == "~" && contains(raw, r.value) {
		return nil
	}
	shown := raw
	if len(shown) > 80 {
		cut := 77
		for cut > 0 && !utf8.RuneStart(shown[cut]) {
			cut--
		}
		shown = append(append([]byte(nil), shown[:cut]...), "..."...)
	}
	return newError(CodeForbidden, "rule %q: claim %q is %s", r.text, name, shown)
}

// scalarEquals compares a JSON string, number, or boolean with want as
// written in a rule.
func scalarEquals(raw []byte, want string) bool {
	switch raw[0] {
	case '"':
		var s string
		return json.Unmarshal(raw, &s) == nil && s == want
	case '{', '[', 'n':
		return false
	}
	return string(raw) == want
}

func contains(raw []byte, want string) bool {
	switch raw[0] {
	case '"':
		var s string
		return json.Unmarshal(raw, &s) == nil && slices.Contains(strings.Fields(s), want)
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return false
		}
		for _, item := range list {
			if len(item) > 0 && scalarEquals(item, want) {
				return true
			}
		}
	}
	return false
}
