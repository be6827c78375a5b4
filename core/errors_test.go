package core

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// codeTable pins every code's number and name. Codes cross the wasm
// boundary as numbers and reach users as names: renumbering or renaming
// one is a breaking change, so this table changes only by appending.
var codeTable = []struct {
	code Code
	num  uint8
	name string
}{
	{CodeInternal, 1, "internal"},
	{CodeMalformed, 2, "malformed"},
	{CodeTooLarge, 3, "too_large"},
	{CodeAlgNotAllowed, 4, "alg_not_allowed"},
	{CodeUnknownKID, 5, "unknown_kid"},
	{CodeKeyMismatch, 6, "key_mismatch"},
	{CodeBadSignature, 7, "bad_signature"},
	{CodeExpired, 8, "expired"},
	{CodeNotYetValid, 9, "not_yet_valid"},
	{CodeIssuedInFuture, 10, "issued_in_future"},
	{CodeBadIssuer, 11, "bad_issuer"},
	{CodeBadAudience, 12, "bad_audience"},
	{CodeBadSubject, 13, "bad_subject"},
	{CodeMissingClaim, 14, "missing_claim"},
	{CodeUnsupportedCrit, 15, "unsupported_crit"},
	{CodeWeakKey, 16, "weak_key"},
	{CodeForbidden, 17, "forbidden"},
	{CodeInvalidKey, 18, "invalid_key"},
	{CodeInvalidArgument, 19, "invalid_argument"},
	{CodeCanceled, 20, "canceled"},
	{CodeTimeout, 21, "timeout"},
	{CodeNeverValid, 22, "never_valid"},
	{CodeUnsupported, 23, "unsupported"},
}

func TestCodeNumbersAndNames(t *testing.T) {
	t.Parallel()
	codes := Codes()
	if len(codes) != len(codeTable) {
		t.Fatalf("Codes() has %d codes, the pinned table %d: a new code must be appended to the table", len(codes), len(codeTable))
	}
	seen := map[string]Code{}
	for i, row := range codeTable {
		if uint8(row.code) != row.num {
			t.Errorf("%s = %d, pinned as %d: codes are never renumbered", row.name, uint8(row.code), row.num)
		}
		if codes[i] != row.code {
			t.Errorf("Codes()[%d] = %d, want %d (numeric order)", i, codes[i], row.code)
		}
		if got := row.code.String(); got != row.name {
			t.Errorf("Code(%d).String() = %q, want %q", row.num, got, row.name)
		}
		if got := row.code.Error(); got != row.name {
			t.Errorf("Code(%d).Error() = %q, want %q", row.num, got, row.name)
		}
		if prev, dup := seen[row.code.String()]; dup {
			t.Errorf("codes %d and %d share the name %q", prev, row.code, row.code.String())
		}
		seen[row.code.String()] = row.code
	}
}

func TestCodeStringOutOfRange(t *testing.T) {
	t.Parallel()
	for _, c := range []Code{0, codeEnd, 255} {
		want := fmt.Sprintf("code(%d)", uint8(c))
		if got := c.String(); got != want {
			t.Errorf("Code(%d).String() = %q, want %q", uint8(c), got, want)
		}
	}
}

func TestParseCode(t *testing.T) {
	t.Parallel()
	for _, row := range codeTable {
		c, ok := ParseCode(row.name)
		if !ok || c != row.code {
			t.Errorf("ParseCode(%q) = %d, %v; want %d, true", row.name, c, ok, row.code)
		}
		if c2, ok := ParseCode(c.String()); !ok || c2 != c {
			t.Errorf("ParseCode(String()) does not round-trip for %d", c)
		}
	}
	for _, bad := range []string{"", "Expired", "EXPIRED", "code(1)", "1", "expired ", "none"} {
		if c, ok := ParseCode(bad); ok || c != 0 {
			t.Errorf("ParseCode(%q) = %d, %v; want 0, false", bad, c, ok)
		}
	}
}

func TestCodeOfAndMessageOf(t *testing.T) {
	t.Parallel()
	plain := errors.New("disk on fire")
	e := newError(CodeExpired, "token expired %s ago", "2h")
	wrapped := wrapError(CodeMalformed, io.ErrUnexpectedEOF, "token header")
	tests := []struct {
		name     string
		err      error
		wantCode Code
		wantMsg  string
		wantText string
	}{
		{"nil", nil, 0, "", ""},
		{"Error", e, CodeExpired, "token expired 2h ago", "expired: token expired 2h ago"},
		{"bare Code", CodeBadIssuer, CodeBadIssuer, "bad_issuer", "bad_issuer"},
		{"wrapped cause", wrapped, CodeMalformed, "token header: unexpected EOF", "malformed: token header: unexpected EOF"},
		{"fmt wrapped Error", fmt.Errorf("verifying: %w", e), CodeExpired, "token expired 2h ago", "verifying: expired: token expired 2h ago"},
		{"fmt wrapped Code", fmt.Errorf("step: %w", CodeTooLarge), CodeTooLarge, "step: too_large", "step: too_large"},
		{"foreign error", plain, CodeInternal, "disk on fire", "disk on fire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.wantCode {
				t.Errorf("CodeOf = %s, want %s", got, tt.wantCode)
			}
			if got := MessageOf(tt.err); got != tt.wantMsg {
				t.Errorf("MessageOf = %q, want %q", got, tt.wantMsg)
			}
			if tt.err != nil && tt.err.Error() != tt.wantText {
				t.Errorf("Error() = %q, want %q", tt.err.Error(), tt.wantText)
			}
		})
	}
}

func TestErrorIsAndUnwrap(t *testing.T) {
	t.Parallel()
	wrapped := wrapError(CodeInvalidKey, io.ErrUnexpectedEOF, "PEM block")
	if !errors.Is(wrapped, CodeInvalidKey) {
		t.Error("errors.Is(wrapped, CodeInvalidKey) = false")
	}
	if !errors.Is(wrapped, io.ErrUnexpectedEOF) {
		t.Error("the cause is not reachable through Unwrap")
	}
	if errors.Is(wrapped, CodeMalformed) {
		t.Error("errors.Is matched a code the error does not carry")
	}
	var e *Error
	if !errors.As(wrapped, &e) || e.Code() != CodeInvalidKey {
		t.Errorf("errors.As(*Error) failed or wrong code: %v", e)
	}
	// A bare Code is itself an error that matches itself only.
	if !errors.Is(CodeExpired, CodeExpired) || errors.Is(CodeExpired, CodeNotYetValid) {
		t.Error("Code as sentinel does not match exactly itself")
	}
}

func TestJoinedErrors(t *testing.T) {
	t.Parallel()
	if joinErrors(nil) != nil {
		t.Fatal("joinErrors(nil) is not nil")
	}
	one := newError(CodeBadIssuer, "issuer")
	if got := joinErrors([]*Error{one}); got != one {
		t.Fatalf("joinErrors of one error = %v, want that error itself", got)
	}
	parts := []*Error{
		newError(CodeExpired, "expired"),
		newError(CodeBadIssuer, "issuer"),
		newError(CodeBadAudience, "audience"),
		newError(CodeMissingClaim, "no tenant"),
	}
	err := joinErrors(parts)
	if CodeOf(err) != CodeExpired {
		t.Errorf("primary code = %s, want the first, expired", CodeOf(err))
	}
	for _, p := range parts {
		if !errors.Is(err, p.code) {
			t.Errorf("errors.Is(joined, %s) = false", p.code)
		}
	}
	for _, c := range []Code{CodeBadSignature, CodeNotYetValid, CodeInternal} {
		if errors.Is(err, c) {
			t.Errorf("errors.Is(joined, %s) = true for a code not joined", c)
		}
	}
	if want := "expired: expired; issuer; audience; no tenant"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if got := len(err.(*Error).Unwrap()); got != len(parts) {
		t.Errorf("Unwrap returns %d errors, want %d", got, len(parts))
	}
	// Joined with the standard library too.
	std := errors.Join(newError(CodeUnknownKID, "a"), fmt.Errorf("b: %w", CodeWeakKey))
	for _, c := range []Code{CodeUnknownKID, CodeWeakKey} {
		if !errors.Is(std, c) {
			t.Errorf("errors.Is(errors.Join(...), %s) = false", c)
		}
	}
	if CodeOf(std) != CodeUnknownKID {
		t.Errorf("CodeOf(errors.Join) = %s, want the first *Error's", CodeOf(std))
	}
}

func TestIsTokenRejection(t *testing.T) {
	t.Parallel()
	notRejections := map[Code]bool{0: true, CodeInternal: true, CodeInvalidKey: true, CodeInvalidArgument: true, CodeCanceled: true, CodeTimeout: true, CodeUnsupported: true}
	for _, c := range append(Codes(), 0) {
		want := !notRejections[c]
		if got := c.IsTokenRejection(); got != want {
			t.Errorf("%s.IsTokenRejection() = %v, want %v", c, got, want)
		}
	}
}

func TestErrorMessagesStyle(t *testing.T) {
	t.Parallel()
	// Messages are lowercase with no final period (STYLE.md §3). Sample the
	// messages that real failures produce.
	v := mustVerifier(t, verifySetFor(t, "ES256"), Policy{Algorithms: []string{"ES256"}}, WithClock(at(testNow)))
	_, err1 := v.Verify("a.b")
	_, err2 := v.Verify(strings.Repeat("x", DefaultMaxTokenSize+1))
	_, err3 := NewVerifier(verifySetFor(t, "ES256"), Policy{})
	for _, err := range []error{err1, err2, err3} {
		msg := MessageOf(err)
		if msg == "" || strings.HasSuffix(msg, ".") || strings.ToLower(msg[:1]) != msg[:1] {
			t.Errorf("message %q: want lowercase start and no final period", msg)
		}
	}
}

func TestErrorf(t *testing.T) {
	t.Parallel()
	err := Errorf(CodeUnknownKID, "no key %q", "k1")
	var e *Error
	if !errors.As(err, &e) || e.Code() != CodeUnknownKID || !errors.Is(err, CodeUnknownKID) {
		t.Fatalf("Errorf = %#v", err)
	}
	if err.Error() != `unknown_kid: no key "k1"` || MessageOf(err) != `no key "k1"` {
		t.Errorf("Error() = %q, MessageOf = %q", err.Error(), MessageOf(err))
	}
	// A wrapped *Error cause shows its message once, without its code.
	outer := wrapError(CodeInvalidKey, Errorf(CodeMalformed, "bad JSON"), "JWKS key %d", 2)
	if got, want := outer.Error(), "invalid_key: JWKS key 2: bad JSON"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(outer, CodeMalformed) || CodeOf(outer) != CodeInvalidKey {
		t.Errorf("the cause's code is lost or primary: %v", outer)
	}
}
