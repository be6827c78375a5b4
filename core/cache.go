package core

import (
	"container/list"
	"sync"
	"time"
)

// tokenCache is a bounded LRU map from token to verified result. Go's map
// hashes the whole token string and compares it in full on lookup, so a
// hit is always the very token that was verified; storing the token costs
// at most size × MaxTokenSize bytes.
type tokenCache struct {
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

func newTokenCache(size int) *tokenCache {
	return &tokenCache{size: size, items: make(map[string]*list.Element, size), order: list.New()}
}

func (c *tokenCache) get(token string, gen uint64, now time.Time) (*Token, bool) {
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
	return e.tok, true
}

func (c *tokenCache) put(token string, gen uint64, from, until time.Time, tok *Token) {
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

// len returns the number of cached tokens.
func (c *tokenCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
