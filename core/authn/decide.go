package authn

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
)

// Header is one request header to set.
type Header struct {
	Name, Value string
}

// Decision is the engine's answer to a request. A front end applies it in
// this order: remove the headers of Remove from the request, then either
// forward the request (Status 0) with Set added and Target replaced if
// non-empty, or answer with Status, the WWW-Authenticate Challenge (if
// any) and Body as application/json.
type Decision struct {
	// Status is 0 to forward the request, else the status to answer with:
	// 400, 401, 403, 500 if the engine itself failed, or 503 while the
	// token's issuer has no keys yet (Options.WaitForKeyFiles).
	Status int
	// Remove lists request headers to delete before anything else, on
	// every decision: those claims are forwarded in (so a client cannot
	// forge them, not even on a skipped path), and the token's header if
	// StripToken is set.
	Remove []string
	// Set lists request headers to set when forwarding: claims, and the
	// Cookie header without the token's cookie.
	Set []Header
	// Target, if not empty, replaces the request target when forwarding
	// (the query without the token's parameter).
	Target string

	// Challenge is the WWW-Authenticate value of a refusal (RFC 6750 §3).
	Challenge string
	// Body is the JSON body of a refusal.
	Body []byte

	// Token is the verified token, or nil (skipped path, preflight, no
	// token on an optional path, refusal other than 403).
	Token *core.Token
	// Issuer is the issuer of the provider that verified the token.
	Issuer string
	// Reason says why a request passed without a token or was refused:
	// "skip", "preflight", "optional", "missing", "invalid_request", or
	// the name of the core code of the verification failure. Empty for a
	// verified token. For logs and metrics; never trusted from a client.
	Reason string
	// Err is the failure behind a refusal, with its full message.
	Err error
}

// Passed reports whether the request goes on to the upstream.
func (d *Decision) Passed() bool { return d.Status == 0 }

// Authenticate decides one request.
func (e *Engine) Authenticate(r Request) *Decision {
	now := e.opts.Now()
	e.reload(now.UnixNano())
	d := &Decision{Remove: e.removed}
	p, query := splitTarget(r.Target)
	switch {
	case matchPath(e.cfg.SkipPaths, p):
		d.Reason = "skip"
		return d
	case bool(e.cfg.AllowPreflight) && isPreflight(r):
		d.Reason = "preflight"
		return d
	}
	found, err := e.findToken(r, query)
	if err != nil {
		return e.refuse(d, 400, "invalid_request", err)
	}
	if found == nil {
		if matchPath(e.cfg.OptionalPaths, p) {
			d.Reason = "optional"
			return d
		}
		d.Status = 401
		d.Reason = "missing"
		d.Challenge = e.challenge
		d.Err = errors.New("the request carries no token")
		if e.cfg.HideDetails {
			d.Body = []byte(`{"error":"unauthorized"}`)
		} else {
			d.Body = e.body("unauthorized", "", "the request carries no token: send Authorization: Bearer <token>")
		}
		return d
	}
	if e.cfg.StripToken {
		e.strip(d, r, found, p, query)
	}
	prov, err := e.provider(found.token)
	if err != nil {
		return e.refuse(d, 401, "invalid_token", err)
	}
	v := prov.verifier.Load()
	if v == nil {
		d.Status, d.Reason, d.Err = 503, core.CodeInvalidKey.String(), prov.waitErr
		if !e.cfg.HideDetails {
			d.Body = e.body("temporarily_unavailable", core.CodeInvalidKey.String(), core.MessageOf(prov.waitErr))
		} else {
			d.Body = []byte(`{"error":"temporarily_unavailable"}`)
		}
		return d
	}
	tok, err := v.VerifyAt(found.token, now)
	if err != nil {
		if core.CodeOf(err) == core.CodeForbidden {
			d.Token, d.Issuer = tok, prov.issuer
			return e.refuse(d, 403, "insufficient_scope", err)
		}
		return e.refuse(d, 401, "invalid_token", err)
	}
	for _, f := range e.forward {
		raw, ok := tok.Claims.Lookup(f.claim)
		if !ok {
			continue
		}
		v, present, err := headerValue(raw, f.sep)
		if err != nil {
			return e.refuse(d, 401, "invalid_token",
				core.Errorf(core.CodeMalformed, "claim %q cannot be forwarded in header %s: %v", f.claim, f.header, err))
		}
		if present {
			d.Set = append(d.Set, Header{Name: f.header, Value: v})
		}
	}
	d.Token, d.Issuer = tok, prov.issuer
	return d
}

// provider picks the provider of the token's issuer. With one provider the
// verifier's own issuer check answers, so the payload is decoded once.
func (e *Engine) provider(token string) (*provider, error) {
	if len(e.providers) == 1 {
		return e.providers[0], nil
	}
	iss, err := peekIssuer(token)
	if err != nil {
		return nil, err
	}
	p, ok := e.byIssuer[iss]
	if !ok {
		return nil, core.Errorf(core.CodeBadIssuer, "issuer %q is not one this service accepts", iss)
	}
	return p, nil
}

// peekIssuer reads "iss" from a token's payload, before any check: it
// only chooses which provider's keys and policy will check the token.
func peekIssuer(token string) (string, error) {
	first := strings.IndexByte(token, '.')
	last := strings.LastIndexByte(token, '.')
	if first < 0 || first == last {
		return "", core.Errorf(core.CodeMalformed, "not a compact JWS: want three base64url parts separated by dots")
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(token[first+1 : last])
	if err != nil {
		return "", core.Errorf(core.CodeMalformed, "the payload is not base64url: %v", err)
	}
	obj, err := jsonobj.Parse(payload, jsonobj.Limits{MaxDepth: core.MaxJSONDepth, MaxValues: core.MaxJSONValues})
	if err != nil {
		return "", core.WrapError(core.CodeMalformed, err, "the claims set is not a JSON object: %v", err)
	}
	raw, ok := obj.Get("iss")
	if !ok {
		return "", core.Errorf(core.CodeMissingClaim, "the token has no \"iss\": this service takes tokens of several issuers, and picks one by it")
	}
	var iss string
	if err := json.Unmarshal(raw, &iss); err != nil {
		return "", core.Errorf(core.CodeMalformed, "\"iss\" is not a string: %s", raw)
	}
	return iss, nil
}

func isPreflight(r Request) bool {
	return r.Method == "OPTIONS" && len(r.Header.Values("Origin")) > 0 &&
		len(r.Header.Values("Access-Control-Request-Method")) > 0
}

// refuse fills in a refusal. The error attribute is one of RFC 6750
// §3.1's; error_description carries the core code and message unless the
// configuration hides details.
func (e *Engine) refuse(d *Decision, status int, errName string, err error) *Decision {
	d.Status = status
	d.Err = err
	code := core.CodeOf(err)
	d.Reason = errName
	if errName != "invalid_request" {
		d.Reason = code.String()
	}
	if status == 401 && code == core.CodeInternal {
		// Not the token's fault: say so rather than blame the client.
		d.Status, errName = 500, "server_error"
	}
	if e.cfg.HideDetails {
		if d.Status != 500 {
			d.Challenge = fmt.Sprintf("%s, error=%q", e.challenge, errName)
		}
		d.Body = []byte(fmt.Sprintf(`{"error":%q}`, errName))
		return d
	}
	desc := core.MessageOf(err)
	if errName != "invalid_request" {
		desc = code.String() + ": " + desc
	}
	if d.Status != 500 {
		d.Challenge = fmt.Sprintf("%s, error=%q, error_description=\"%s\"", e.challenge, errName, descriptionText(desc))
	}
	codeName := ""
	if errName != "invalid_request" {
		codeName = code.String()
	}
	d.Body = e.body(errName, codeName, core.MessageOf(err))
	return d
}

func (e *Engine) body(errName, code, msg string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the body is JSON for programs, not HTML
	enc.Encode(struct {
		Error   string `json:"error"`
		Code    string `json:"code,omitempty"`
		Message string `json:"message,omitempty"`
	}{errName, code, msg})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// maxDescription bounds error_description: a header that grows with the
// token (a message quoting a claim) would let a client make the proxy's
// response headers as large as it likes.
const maxDescription = 256

// descriptionText makes a message fit RFC 6750 §3's error_description,
// whose characters are %x20-21 / %x23-5B / %x5D-7E: no quote, no
// backslash, no control or non-ASCII character.
func descriptionText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteByte('\'')
		case r == '\\':
			b.WriteByte('/')
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
		if b.Len() >= maxDescription {
			return b.String()[:maxDescription-3] + "..."
		}
	}
	return b.String()
}
