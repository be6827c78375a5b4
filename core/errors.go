package core

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies a failure. Codes are stable: they cross the WebAssembly
// boundary as numbers and reach users as names (see [Code.String]), so new
// codes are appended and existing ones are never renumbered.
//
// A Code is itself an error, so errors.Is(err, core.CodeExpired) reports
// whether err (or any error it joins) carries that code.
type Code uint8

// The codes. The zero value is not a code: a result without error has none.
const (
	// CodeInternal reports a bug: a failure that no input should cause.
	CodeInternal Code = iota + 1
	// CodeMalformed reports a token, key or document that does not parse.
	CodeMalformed
	// CodeTooLarge reports input over a named size limit, refused before
	// it was parsed.
	CodeTooLarge
	// CodeAlgNotAllowed reports a token whose "alg" is not in the policy's
	// allow-list, or an algorithm that is never allowed ("none").
	CodeAlgNotAllowed
	// CodeUnknownKID reports a token whose "kid" names no key of the set.
	CodeUnknownKID
	// CodeKeyMismatch reports that no key of the set may be used with the
	// token's algorithm (wrong type, curve, use, key_ops or key "alg").
	CodeKeyMismatch
	// CodeBadSignature reports a signature that does not verify.
	CodeBadSignature
	// CodeExpired reports a token past its "exp" (plus leeway), or older
	// than the policy's maximum age.
	CodeExpired
	// CodeNotYetValid reports a token before its "nbf" (minus leeway).
	CodeNotYetValid
	// CodeIssuedInFuture reports an "iat" later than now (plus leeway).
	CodeIssuedInFuture
	// CodeBadIssuer reports an "iss" other than the policy's.
	CodeBadIssuer
	// CodeBadAudience reports an "aud" that names none of the policy's
	// audiences.
	CodeBadAudience
	// CodeBadSubject reports a "sub" other than the policy's.
	CodeBadSubject
	// CodeMissingClaim reports that a claim the policy requires is absent.
	CodeMissingClaim
	// CodeUnsupportedCrit reports a "crit" header naming an extension that
	// the verifier does not understand.
	CodeUnsupportedCrit
	// CodeWeakKey reports a key too weak to use: RSA under 2048 bits, or an
	// HMAC secret shorter than the hash output.
	CodeWeakKey
	// CodeForbidden reports a valid token whose claims fail an access rule.
	CodeForbidden
	// CodeInvalidKey reports key material that cannot be read: bad PEM or
	// JWK, an unsupported key type, a missing or wrong passphrase.
	CodeInvalidKey
	// CodeInvalidArgument reports a bad option, policy or request, as
	// opposed to a bad token.
	CodeInvalidArgument
	// CodeCanceled reports a call whose context was cancelled before it
	// finished.
	CodeCanceled
	// CodeTimeout reports a call whose deadline passed before it
	// finished: the context's, or a host's time limit.
	CodeTimeout
	// CodeNeverValid reports a token whose "nbf" is not before its "exp":
	// no moment exists at which it is valid, whatever the clock says.
	CodeNeverValid
	// CodeUnsupported reports an operation or an input that this build
	// leaves out: the verify-only build (build tag jwtwasm_lean, the
	// module jwtwasm-verify.wasm) neither signs nor makes keys, and reads
	// public keys only. The message names what is missing; the full build
	// does it.
	CodeUnsupported

	codeEnd // keep last: the number of codes plus one
)

var codeNames = [...]string{
	CodeInternal:        "internal",
	CodeMalformed:       "malformed",
	CodeTooLarge:        "too_large",
	CodeAlgNotAllowed:   "alg_not_allowed",
	CodeUnknownKID:      "unknown_kid",
	CodeKeyMismatch:     "key_mismatch",
	CodeBadSignature:    "bad_signature",
	CodeExpired:         "expired",
	CodeNotYetValid:     "not_yet_valid",
	CodeIssuedInFuture:  "issued_in_future",
	CodeBadIssuer:       "bad_issuer",
	CodeBadAudience:     "bad_audience",
	CodeBadSubject:      "bad_subject",
	CodeMissingClaim:    "missing_claim",
	CodeUnsupportedCrit: "unsupported_crit",
	CodeWeakKey:         "weak_key",
	CodeForbidden:       "forbidden",
	CodeInvalidKey:      "invalid_key",
	CodeInvalidArgument: "invalid_argument",
	CodeCanceled:        "canceled",
	CodeTimeout:         "timeout",
	CodeNeverValid:      "never_valid",
	CodeUnsupported:     "unsupported",
}

// String returns the code's stable name, such as "bad_signature".
func (c Code) String() string {
	if c > 0 && c < codeEnd {
		return codeNames[c]
	}
	return fmt.Sprintf("code(%d)", uint8(c))
}

// Error returns the code's name, so that a Code can be used as a sentinel.
func (c Code) Error() string { return c.String() }

// ParseCode returns the Code named name, as printed by [Code.String].
func ParseCode(name string) (Code, bool) {
	for c := Code(1); c < codeEnd; c++ {
		if codeNames[c] == name {
			return c, true
		}
	}
	return 0, false
}

// Codes returns every code in numeric order.
func Codes() []Code {
	cs := make([]Code, 0, codeEnd-1)
	for c := Code(1); c < codeEnd; c++ {
		cs = append(cs, c)
	}
	return cs
}

// IsTokenRejection reports whether c says something about a token (it was
// refused) rather than about the caller's keys, options or a bug. A command
// exits 1 for these and 2 for the rest.
func (c Code) IsTokenRejection() bool {
	switch c {
	case CodeInternal, CodeInvalidKey, CodeInvalidArgument, CodeCanceled, CodeTimeout, CodeUnsupported, 0:
		return false
	}
	return true
}

// Error is the error type of this package: a [Code], a message naming what
// was wrong, and optionally the errors it joins or wraps.
type Error struct {
	code  Code
	msg   string
	cause error   // a lower-level error, such as one from encoding/json
	errs  []error // several failures reported at once (claim rules)
}

// Errorf returns an [*Error] with code and a formatted message, for
// packages that report failures in this package's terms (the WebAssembly
// guest, the host).
func Errorf(code Code, format string, args ...any) error {
	return newError(code, format, args...)
}

// WrapError returns an [*Error] with code and a formatted message that
// wraps cause: its message follows, and errors.Is and errors.As reach it.
func WrapError(code Code, cause error, format string, args ...any) error {
	return wrapError(code, cause, format, args...)
}

func newError(code Code, format string, args ...any) *Error {
	return &Error{code: code, msg: fmt.Sprintf(format, args...)}
}

func wrapError(code Code, cause error, format string, args ...any) *Error {
	return &Error{code: code, msg: fmt.Sprintf(format, args...), cause: cause}
}

// joinErrors reports several failures as one error whose code is that of the
// first: callers get one verdict, and errors.Is still finds every code.
func joinErrors(errs []*Error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	msgs := make([]string, len(errs))
	all := make([]error, len(errs))
	for i, e := range errs {
		msgs[i] = e.msg
		all[i] = e
	}
	return &Error{code: errs[0].code, msg: strings.Join(msgs, "; "), errs: all}
}

// JoinErrors reports several failures as one error whose code is that of
// the first; errors.Is finds every code. Hosts use it to rebuild what a
// verifier across a boundary reported.
func JoinErrors(errs ...error) error {
	list := make([]*Error, 0, len(errs))
	for _, err := range errs {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{code: CodeOf(err), msg: MessageOf(err)}
		}
		list = append(list, e)
	}
	return joinErrors(list)
}

// Failures returns the failures a joined error reports (several claim
// rules that failed at once), or nil if it reports one.
func (e *Error) Failures() []error { return e.errs }

// Code returns the failure's code.
func (e *Error) Code() Code { return e.code }

// Message returns the failure's message without the code.
func (e *Error) Message() string {
	if e.cause != nil {
		return e.msg + ": " + MessageOf(e.cause)
	}
	return e.msg
}

// Error returns "code: message".
func (e *Error) Error() string { return e.code.String() + ": " + e.Message() }

// Is reports whether target is this error's code, so that errors.Is(err,
// CodeExpired) works.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.code
}

// Unwrap returns the wrapped cause and the joined failures, if any.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return e.errs
	}
	return append([]error{e.cause}, e.errs...)
}

// CodeOf returns the code carried by err: its own if it is an [*Error] or a
// [Code], else CodeInternal. It returns 0 for a nil error.
func CodeOf(err error) Code {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.code
	}
	var c Code
	if errors.As(err, &c) {
		return c
	}
	return CodeInternal
}

// MessageOf returns err's message without its code prefix.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
