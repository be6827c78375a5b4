package authn

import (
	"errors"
	"path"
	"strconv"
	"strings"
)

// checkPattern validates a skip or optional path pattern: an absolute,
// clean path, optionally ending in "/*" for everything under it.
func checkPattern(p string) error {
	base, _ := strings.CutSuffix(p, "/*")
	switch {
	case !strings.HasPrefix(p, "/"):
		return errors.New("want an absolute path such as \"/healthz\" or \"/public/*\", got " + quote(p))
	case strings.Contains(base, "*"):
		return errors.New(quote(p) + ": \"*\" is allowed only as the last segment, \"/*\"")
	case base != "" && path.Clean(base) != base || strings.ContainsAny(base, "?#%;\\"):
		return errors.New(quote(p) + " is not a clean path: write it without dot segments, doubled slashes, escapes, queries or a trailing slash")
	}
	return nil
}

// matchPath reports whether the request target's path matches one of the
// patterns. A path that the upstream could read differently from how it
// reads here never matches: with dot segments ("/healthz/../admin"),
// doubled slashes, percent-escapes, a backslash or a ";" parameter, the
// request is authenticated, so a skip rule cannot be stretched over a
// route it was not written for.
func matchPath(patterns []string, p string) bool {
	if len(patterns) == 0 || ambiguousPath(p) {
		return false
	}
	for _, pat := range patterns {
		if base, ok := strings.CutSuffix(pat, "/*"); ok {
			if p == base || strings.HasPrefix(p, base+"/") {
				return true
			}
			continue
		}
		if p == pat {
			return true
		}
	}
	return false
}

func ambiguousPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "%\\;") {
		return true
	}
	if p == "/" {
		return false
	}
	trimmed := strings.TrimSuffix(p, "/")
	return path.Clean(trimmed) != trimmed
}

// splitTarget splits a request target into path and raw query. An
// absolute-form target ("http://host/path", RFC 9112 §3.2.2) yields its
// path.
func splitTarget(target string) (p, query string) {
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	p, query, _ = strings.Cut(target, "?")
	if !strings.HasPrefix(p, "/") {
		if i := strings.Index(p, "://"); i >= 0 {
			rest := p[i+3:]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				p = rest[j:]
			} else {
				p = "/"
			}
		}
	}
	return p, query
}

func quote(s string) string { return strconv.Quote(s) }
