package core

import (
	"container/list"
	"slices"
	"sync"
	"time"
)

// TokenCache is the bounded cache of verified tokens behind [WithCache]: an
// LRU map from token to result. Go's map hashes the whole token string and
// compares it in full on lookup, so a hit is always the very token that was
// verified; storing the tokens costs at most size × MaxTokenSize bytes. It
// is safe for concurrent use.
//
// Callers own what Get returns: each call gets its own copy of the Token,
// its Header and its Claims, so that a caller changing one (its Audience,
// say) cannot change what the next caller of the same token is served.
//
// Most programs get one through WithCache. Hosts that verify elsewhere,
// such as the WebAssembly host, keep one on their side so that a hit never
// crosses the boundary.
type TokenCache struct {
	mu    sync.Mutex
	size  int
	items map[string]*list.Element
	order *list.List // front: most recently used
}

type cacheEntry struct {
	token       string
	gen         uint64
	from, until time.Time // zero: unbounded on that side
	tok         *Token
}

// NewTokenCache returns a cache of at most size tokens (at least one).
func NewTokenCache(size int) *TokenCache {
	size = max(size, 1)
	return &TokenCache{size: size, items: make(map[string]*list.Element, size), order: list.New()}
}

// Get returns the result stored for token if it was stored under key set
// generation gen and now is inside its validity window; an entry that
// fails either test is dropped.
func (c *TokenCache) Get(token string, gen uint64, now time.Time) (*Token, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[token]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if e.gen != gen || (!e.from.IsZero() && now.Before(e.from)) || (!e.until.IsZero() && !now.Before(e.until)) {
		// Outside its window or verified by another key set: verify
		// again, which gives the right error or a fresh entry.
		c.order.Remove(el)
		delete(c.items, token)
		return nil, false
	}
	c.order.MoveToFront(el)
	return e.tok.clone(), true
}

// Put stores tok, the result of verifying token under key set generation
// gen, valid from from until until (see [Policy.ValidityWindow]), evicting
// the least recently used entry when full.
func (c *TokenCache) Put(token string, gen uint64, from, until time.Time, tok *Token) {
	tok = tok.clone() // the caller keeps tok, and may change it
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[token]; ok {
		el.Value = &cacheEntry{token: token, gen: gen, from: from, until: until, tok: tok}
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() >= c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*cacheEntry).token)
	}
	c.items[token] = c.order.PushFront(&cacheEntry{token: token, gen: gen, from: from, until: until, tok: tok})
}

// clone returns a copy of t that shares nothing a caller can change with
// it: the Header and Claims structs and their exported slices are copied.
// The JSON they were read from is shared; it is read-only ([Claims.JSON],
// and [Claims.Get] and [Header.Get], which return copies). The Key is
// immutable.
func (t *Token) clone() *Token {
	// One allocation for the three structs: a hit costs what it copies.
	c := &struct {
		tok    Token
		header Header
		claims Claims
	}{tok: *t}
	if t.Header != nil {
		c.header = *t.Header
		c.header.Critical = slices.Clone(c.header.Critical)
		c.tok.Header = &c.header
	}
	if t.Claims != nil {
		c.claims = *t.Claims
		c.claims.Audience = slices.Clone(c.claims.Audience)
		c.tok.Claims = &c.claims
	}
	return &c.tok
}

// Len returns the number of cached tokens.
func (c *TokenCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
