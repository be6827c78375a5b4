package core

import (
	"regexp"
	"testing"
)

// sensitiveRegexp is what sensitiveName replaced, and is held to.
var sensitiveRegexp = regexp.MustCompile(`(?i)(passw(or)?d|pwd|secret|private_?key|api_?key|ssn|social_?security|credit_?card|card_?number|cc_?num|cvv|iban)`)

var sensitiveSeeds = []string{
	"password", "PassWord", "user_passwd", "pwd", "client_secret", "private_key", "PrivateKey",
	"privatekey", "apiKey", "api_key", "ssn", "SSN", "social_security", "SocialSecurity",
	"credit_card", "CreditCard", "card_number", "cardNumber", "cc_num", "ccnum", "cvv", "iban",
	"role", "email", "passport", "pass_word", "private__key", "api-key", "", "passwor", "sec ret",
	"\u212aey",                                  // Kelvin sign: not in any word
	"api_\u212aey", "\u017fsn", "\u017f\u017fn", // Kelvin sign folds to k, long s to s
	"pa\u017f\u017fword", "cre\u0130it", "\xffssn", "ss\xffn", "s\u00dfn", "İBAN", "ıban",
}

func TestSensitiveNameMatchesRegexp(t *testing.T) {
	for _, name := range sensitiveSeeds {
		if got, want := sensitiveName(name), sensitiveRegexp.MatchString(name); got != want {
			t.Errorf("sensitiveName(%q) = %v, the regexp says %v", name, got, want)
		}
	}
}

func FuzzSensitiveName(f *testing.F) {
	for _, name := range sensitiveSeeds {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := sensitiveName(name), sensitiveRegexp.MatchString(name); got != want {
			t.Fatalf("sensitiveName(%q) = %v, the regexp says %v", name, got, want)
		}
	})
}
