package authn

import (
	"errors"
	"fmt"
	"strings"
)

// found is a token and where it came from.
type found struct {
	token  string
	source Source
}

// findToken looks in every source. A request that carries a token in more
// than one place, or one source twice (two Authorization headers, a cookie
// set twice by cookie tossing, a repeated query parameter), is refused as
// ambiguous (RFC 6750 §2: a client uses one method), rather than one copy
// being picked by some rule the client could game.
func (e *Engine) findToken(r Request, query string) (*found, error) {
	var f *found
	for _, s := range e.sources {
		tok, ok, err := take(r, query, s)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if f != nil {
			return nil, fmt.Errorf("the request carries a token in %s and in %s: send one", f.source.describe(), s.describe())
		}
		f = &found{token: tok, source: s}
	}
	return f, nil
}

func (s Source) describe() string {
	switch {
	case s.Cookie != "":
		return "cookie " + s.Cookie
	case s.Query != "":
		return "query parameter " + s.Query
	}
	return "header " + s.Header
}

func take(r Request, query string, s Source) (string, bool, error) {
	switch {
	case s.Cookie != "":
		vals := cookieValues(r.Header.Values("Cookie"), s.Cookie)
		switch len(vals) {
		case 0:
			return "", false, nil
		case 1:
			return checkToken(vals[0], s)
		}
		return "", false, fmt.Errorf("cookie %s is set %d times", s.Cookie, len(vals))
	case s.Query != "":
		vals, err := queryValues(query, s.Query)
		if err != nil {
			return "", false, err
		}
		switch len(vals) {
		case 0:
			return "", false, nil
		case 1:
			return checkToken(vals[0], s)
		}
		return "", false, fmt.Errorf("query parameter %s appears %d times", s.Query, len(vals))
	}
	vals := r.Header.Values(s.Header)
	var tokens []string
	for _, v := range vals {
		if s.Scheme == "" {
			tokens = append(tokens, strings.TrimSpace(v))
			continue
		}
		scheme, rest, _ := strings.Cut(strings.TrimLeft(v, " \t"), " ")
		if !strings.EqualFold(scheme, s.Scheme) {
			continue // another scheme (Basic, DPoP...): not ours to judge
		}
		tokens = append(tokens, strings.Trim(rest, " \t"))
	}
	switch len(tokens) {
	case 0:
		return "", false, nil
	case 1:
		return checkToken(tokens[0], s)
	}
	return "", false, fmt.Errorf("header %s carries %d tokens", s.Header, len(tokens))
}

// checkToken applies RFC 6750 §2.1's b64token syntax, which every compact
// JWS meets: anything else is a malformed request, not a bad token.
func checkToken(tok string, s Source) (string, bool, error) {
	if tok == "" {
		return "", false, fmt.Errorf("%s is empty", s.describe())
	}
	end := len(tok)
	for end > 0 && tok[end-1] == '=' {
		end--
	}
	for i := 0; i < end; i++ {
		c := tok[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0 {
			continue
		}
		what := fmt.Sprintf("%q", c)
		if c == ' ' {
			what = "a space"
		}
		return "", false, fmt.Errorf("the token in %s holds %s at byte %d, which no token has (RFC 6750 §2.1)", s.describe(), what, i)
	}
	return tok, true, nil
}

// cookieValues returns the values of every cookie named name in the
// Cookie headers (RFC 6265 §5.4: "name=value" pairs separated by "; "),
// with a pair of surrounding double quotes removed.
func cookieValues(headers []string, name string) []string {
	var vals []string
	for _, h := range headers {
		for part := range strings.SplitSeq(h, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || strings.TrimSpace(k) != name {
				continue
			}
			v = strings.TrimSpace(v)
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			vals = append(vals, v)
		}
	}
	return vals
}

// withoutCookie returns the Cookie headers joined without the cookie
// named name. A part holding a control character, which no cookie may
// (RFC 6265 §4.1.1), is left out too: the result becomes a header value the
// front end sets, and a proxy may refuse to set such a value at all.
func withoutCookie(headers []string, name string) string {
	var keep []string
	for _, h := range headers {
		for part := range strings.SplitSeq(h, ";") {
			part = strings.TrimSpace(part)
			k, _, _ := strings.Cut(part, "=")
			if part == "" || strings.TrimSpace(k) == name || !printable(part) {
				continue
			}
			keep = append(keep, part)
		}
	}
	return strings.Join(keep, "; ")
}

// queryValues returns the decoded values of parameter name in a raw query
// (application/x-www-form-urlencoded: "+" is a space, %XX a byte).
func queryValues(query, name string) ([]string, error) {
	var vals []string
	for part := range strings.SplitSeq(query, "&") {
		k, v, _ := strings.Cut(part, "=")
		key, err := unescape(k)
		if err != nil {
			return nil, fmt.Errorf("query parameter %q: %v", k, err)
		}
		if key != name {
			continue
		}
		val, err := unescape(v)
		if err != nil {
			return nil, fmt.Errorf("query parameter %s: %v", name, err)
		}
		vals = append(vals, val)
	}
	return vals, nil
}

// withoutParam returns the raw query without parameter name.
func withoutParam(query, name string) string {
	var keep []string
	for part := range strings.SplitSeq(query, "&") {
		k, _, _ := strings.Cut(part, "=")
		if key, err := unescape(k); err == nil && key == name || part == "" {
			continue
		}
		keep = append(keep, part)
	}
	return strings.Join(keep, "&")
}

// unescape decodes form encoding. net/url does the same, but would bring
// net into the proxy plugin for these few lines.
func unescape(s string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", errors.New("a \"%\" not followed by two hex digits")
			}
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// strip takes the token out of the request that goes upstream.
func (e *Engine) strip(d *Decision, r Request, f *found, p, query string) {
	s := f.source
	switch {
	case s.Cookie != "":
		rest := withoutCookie(r.Header.Values("Cookie"), s.Cookie)
		d.Remove = append(d.Remove[:len(d.Remove):len(d.Remove)], "Cookie")
		if rest != "" {
			d.Set = append(d.Set, Header{Name: "Cookie", Value: rest})
		}
	case s.Query != "":
		d.Target = p
		if rest := withoutParam(query, s.Query); rest != "" {
			d.Target += "?" + rest
		}
	default:
		d.Remove = append(d.Remove[:len(d.Remove):len(d.Remove)], canonicalHeader(s.Header))
	}
}

// canonicalHeader is net/textproto's canonical form of a header name
// ("x-user" → "X-User"), written here so the plugin does not link net.
func canonicalHeader(s string) string {
	b := []byte(s)
	upper := true
	for i, c := range b {
		if upper && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		} else if !upper && c >= 'A' && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
		upper = c == '-'
	}
	return string(b)
}
