package core

import (
	"strings"
	"testing"
)

// ruleClaims is the claims set the rule rows are checked against.
const ruleClaims = `{
	"sub": "alice",
	"role": "admin",
	"scope": "read:orders  write:orders",
	"groups": ["ops", "dev"],
	"ids": [1, 2, 3],
	"level": 3,
	"ratio": 0.5,
	"admin": true,
	"banned": false,
	"nothing": null,
	"empty": "",
	"zero": 0,
	"realm_access": {"roles": ["admin", "user"], "tier": "gold", "deep": {"x": "y"}},
	"https://example.com/roles": ["editor"],
	"a.b": "flat",
	"a": {"b": "nested"},
	"quoted": "say \"hi\"",
	"long": "` + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789" + `"
}`

func TestRuleCheck(t *testing.T) {
	t.Parallel()
	claims, err := parseClaims([]byte(ruleClaims))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		rule string
		ok   bool
	}{
		// = on strings, numbers and booleans.
		{"role=admin", true},
		{"role=Admin", false},
		{"role=admi", false},
		{"sub=alice", true},
		{"level=3", true},
		{"level=3.0", false}, // numbers compare as written
		{"level=4", false},
		{"ratio=0.5", true},
		{"admin=true", true},
		{"admin=false", false},
		{"banned=false", true},
		{"empty=", true},
		{"role=", false},
		{"missing=x", false},
		{"nothing=null", false},
		{"groups=ops", false}, // an array is not equal to a string
		{"realm_access=x", false},
		{`quoted=say "hi"`, true},
		// != is true for an absent claim.
		{"role!=guest", true},
		{"role!=admin", false},
		{"level!=3", false},
		{"level!=4", true},
		{"missing!=x", true},
		{"groups!=ops", true},
		// ~ on space-separated strings and arrays.
		{"scope~read:orders", true},
		{"scope~write:orders", true},
		{"scope~read", false}, // whole words only
		{"scope~orders", false},
		{"groups~ops", true},
		{"groups~dev", true},
		{"groups~op", false},
		{"ids~2", true},
		{"ids~4", false},
		{"role~admin", true}, // one-word string
		{"level~3", false},   // a number has no members
		{"missing~x", false},
		// Presence: present and not false or null.
		{"admin", true},
		{"role", true},
		{"zero", true},
		{"empty", true},
		{"groups", true},
		{"banned", false},
		{"nothing", false},
		{"missing", false},
		// Dotted paths into nested objects.
		{"realm_access.roles~admin", true},
		{"realm_access.roles~root", false},
		{"realm_access.tier=gold", true},
		{"realm_access.deep.x=y", true},
		{"realm_access.deep.y", false},
		{"realm_access.missing", false},
		{"realm_access.tier.x", false}, // through a string
		{"groups.ops", false},          // through an array
		{"realm_access", true},
		// A claim name that contains dots is found as written first.
		{"https://example.com/roles~editor", true},
		{"a.b=flat", true},
		{"a.b=nested", false},
		{"a.b", true},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r, err := ParseRule(tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			if r.String() != tt.rule {
				t.Errorf("String() = %q", r.String())
			}
			err = r.Check(claims)
			if tt.ok {
				if err != nil {
					t.Errorf("Check: %v, want ok", err)
				}
				return
			}
			wantCode(t, err, CodeForbidden)
			if !strings.Contains(err.Error(), `claim "`+r.name+`"`) {
				t.Errorf("message %q does not name claim %q", err, r.name)
			}
		})
	}
}

func TestRuleMessages(t *testing.T) {
	t.Parallel()
	claims, err := parseClaims([]byte(ruleClaims))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ rule, want string }{
		{"role=user", `rule "role=user": claim "role" is "admin"`},
		{"missing=x", `rule "missing=x": the token has no claim "missing"`},
		{"banned", `rule "banned": claim "banned" is absent, false or null`},
		{"role!=admin", `rule "role!=admin": claim "role" is "admin"`},
		{"groups~x", `claim "groups" is ["ops", "dev"]`},
		{"long=x", `claim "long" is "0123456789012345678901234567890123456789012345678901234567890123456789012345...`},
	}
	for _, tt := range tests {
		r, err := ParseRule(tt.rule)
		if err != nil {
			t.Fatal(err)
		}
		err = r.Check(claims)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want it to contain %q", tt.rule, err, tt.want)
		}
	}
}

func TestParseRuleErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"",
		" ",
		"=admin",
		"!=admin",
		"~admin",
		"scope~",
		"role name=admin",
		"ro\tle=admin",
		`"role"=admin`,
		strings.Repeat("a", MaxRuleLength+1),
		"role=" + strings.Repeat("a", MaxRuleLength),
	} {
		r, err := ParseRule(bad)
		wantCode(t, err, CodeInvalidArgument)
		if r != (Rule{}) {
			t.Errorf("ParseRule(%.20q) returned a rule with the error", bad)
		}
	}
	// At the length limit is fine.
	if _, err := ParseRule("role=" + strings.Repeat("a", MaxRuleLength-5)); err != nil {
		t.Errorf("rule of MaxRuleLength bytes: %v", err)
	}
	// Spaces around the name are trimmed; in the value they are kept.
	r, err := ParseRule(" role =a b")
	if err != nil || r.name != "role" || r.value != "a b" || r.op != "=" {
		t.Errorf("ParseRule(\" role =a b\") = %+v, %v", r, err)
	}
	r, err = ParseRule("x!=y")
	if err != nil || r.op != "!=" || r.name != "x" || r.value != "y" {
		t.Errorf("ParseRule(x!=y) = %+v, %v", r, err)
	}
	r, err = ParseRule("x~=y")
	if err != nil || r.op != "~" || r.value != "=y" {
		t.Errorf("ParseRule(x~=y) = %+v, %v", r, err)
	}
}
