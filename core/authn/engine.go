package authn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// Headers gives read access to a request's headers, by name without regard
// to case. net/http's http.Header satisfies it.
type Headers interface {
	Values(name string) []string
}

// Request is what the engine needs of an HTTP request.
type Request struct {
	// Method is the request method, e.g. "GET".
	Method string
	// Target is the request target as received: the path and, if any,
	// "?" and the raw query.
	Target string
	// Header holds the request's headers.
	Header Headers
}

// Options are the front end's services: the engine itself reads no file
// and no clock of its own, so core stays free of I/O and the plugin can
// give it the proxy's wall clock.
type Options struct {
	// ReadFile reads a provider's KeysFile. Required if any provider has
	// one.
	ReadFile func(name string) ([]byte, error)
	// Now returns the current time; default time.Now. Only its wall clock
	// is used: inside some proxies a guest's monotonic clock is fake.
	Now func() time.Time
	// Log receives what happens to key files (reloaded, unreadable);
	// default: nothing.
	Log func(msg string)
	// WaitForKeyFiles makes New succeed when a key file cannot be read or
	// holds no usable key: that issuer's tokens get 503 until a reload
	// reads a usable set (every request retries). The proxy plugin sets
	// it: a proxy builds new instances of the plugin at any time, and one
	// whose start fails because a file is being replaced would take the
	// whole middleware down (Traefik then drops the route, or answers with
	// its own errors), which is worse than refusing for a moment.
	WaitForKeyFiles bool
}

// Engine decides requests under one configuration. It is safe for
// concurrent use.
type Engine struct {
	cfg       Config
	providers []*provider
	byIssuer  map[string]*provider
	sources   []Source
	forward   []forwardRule
	removed   []string // canonical names of the headers forwarded
	challenge string   // WWW-Authenticate for a request without a token
	opts      Options

	reloadEvery int64        // nanoseconds; 0 checks on every request
	nextReload  atomic.Int64 // wall-clock UnixNano of the next check
	awaiting    atomic.Int32 // providers whose key file is awaited
	reloading   sync.Mutex
}

type provider struct {
	issuer   string
	file     string
	policy   core.Policy
	vopts    []core.VerifierOption
	verifier atomic.Pointer[core.Verifier] // nil while a key file is awaited
	content  []byte                        // the key file's bytes behind the current set
	waitErr  error                         // why the keys are awaited
	retry    int64                         // when an awaited file is read next
}

type forwardRule struct {
	claim, header, sep string
}

// New builds an engine. It reads every key file once and fails, naming
// the provider, if one is unreadable or holds no usable key: a proxy
// should not start serving refusals for a configuration mistake.
func New(cfg *Config, opts Options) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	e := &Engine{cfg: *cfg, opts: opts, byIssuer: map[string]*provider{}}
	realm := cfg.Realm
	if realm == "" {
		realm = "jwtwasm"
	}
	e.challenge = fmt.Sprintf("Bearer realm=%q", realm)
	e.sources = cfg.Sources
	if len(e.sources) == 0 {
		e.sources = []Source{{Header: "Authorization", Scheme: "Bearer"}}
	}
	for _, f := range cfg.Forward {
		sep := ","
		if f.Separator != nil {
			sep = *f.Separator
		}
		canon := canonicalHeader(f.Header)
		e.forward = append(e.forward, forwardRule{claim: f.Claim, header: canon, sep: sep})
		e.removed = append(e.removed, canon)
	}
	e.reloadEvery = int64(DefaultKeysReload)
	if cfg.KeysReload != nil {
		e.reloadEvery = int64(*cfg.KeysReload)
	}
	cacheSize := DefaultCacheSize
	if cfg.CacheSize != nil {
		cacheSize = int(*cfg.CacheSize)
	}
	for i, pc := range cfg.Providers {
		p, err := e.newProvider(pc, cacheSize)
		if err != nil {
			return nil, core.WrapError(core.CodeOf(err), err, "configuration: providers[%d] (issuer %q)", i, pc.Issuer)
		}
		e.providers = append(e.providers, p)
		e.byIssuer[p.issuer] = p
	}
	e.nextReload.Store(e.opts.Now().UnixNano() + e.reloadEvery)
	return e, nil
}

func (e *Engine) newProvider(pc Provider, cacheSize int) (*provider, error) {
	p := &provider{issuer: pc.Issuer, file: pc.KeysFile}
	p.policy = core.Policy{
		Algorithms:     pc.Algorithms,
		Issuer:         pc.Issuer,
		Audiences:      pc.Audiences,
		IgnoreAudience: bool(pc.IgnoreAudience),
		RequiredClaims: pc.RequiredClaims,
		Require:        pc.Require,
		Leeway:         time.Duration(pc.Leeway),
		MaxAge:         time.Duration(pc.MaxAge),
		AllowNoExpiry:  bool(pc.AllowNoExpiry),
		MaxTokenSize:   int(pc.MaxTokenSize),
		RequireKeyID:   true,
	}
	p.vopts = []core.VerifierOption{core.WithClock(e.opts.Now)}
	if cacheSize > 0 {
		p.vopts = append(p.vopts, core.WithCache(cacheSize))
	}
	if p.file == "" {
		doc, err := inlineKeys(pc.Keys)
		if err != nil {
			return nil, err
		}
		return p, p.load(doc)
	}
	if e.opts.ReadFile == nil {
		return nil, core.Errorf(core.CodeInvalidArgument, "keysFile %q: this front end reads no files", p.file)
	}
	data, err := e.opts.ReadFile(p.file)
	if err != nil {
		err = core.WrapError(core.CodeInvalidKey, err, "keysFile %q", p.file)
	} else {
		p.content = data
		err = p.load(data)
	}
	if err != nil && e.opts.WaitForKeyFiles {
		// The policy must still be sound: only the keys may come later.
		if perr := p.policy.Validate(); perr != nil {
			return nil, perr
		}
		p.waitErr = err
		e.awaiting.Add(1)
		e.logf("keys of issuer %q: %v; its tokens get 503 until the file holds a usable key set", p.issuer, core.MessageOf(err))
		return p, nil
	}
	return p, err
}

// load makes the provider's verifier from a key document.
func (p *provider) load(doc []byte) error {
	keys, err := core.ParseKeySet(doc)
	if err != nil {
		return err
	}
	v, err := core.NewVerifier(keys, p.policy, p.vopts...)
	if err != nil {
		return err
	}
	p.verifier.Store(v)
	return nil
}

// inlineKeys returns the key document of an inline "keys": a JSON object
// as it is, or the text of a JSON string (PEM).
func inlineKeys(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '{':
		return raw, nil
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, core.WrapError(core.CodeInvalidKey, err, "keys")
		}
		return []byte(s), nil
	}
	return nil, core.Errorf(core.CodeInvalidKey, "keys: want a JWKS or JWK object, or a PEM string")
}

// reload reads key files again if their time has come. One caller does
// the work; the others go on with the keys they have.
func (e *Engine) reload(now int64) {
	next := e.nextReload.Load()
	awaiting := e.awaiting.Load() > 0
	if now < next && !awaiting || !e.reloading.TryLock() {
		return
	}
	defer e.reloading.Unlock()
	if e.nextReload.Load() != next {
		return // another caller has just reloaded
	}
	if now >= next {
		e.nextReload.Store(now + e.reloadEvery)
	}
	for _, p := range e.providers {
		if p.file == "" {
			continue
		}
		v := p.verifier.Load()
		if v == nil {
			if now < next && now < p.retry {
				continue
			}
			p.retry = now + int64(time.Second) // a missing file is read at most once a second
			data, err := e.opts.ReadFile(p.file)
			if err == nil {
				err = p.load(data)
			}
			if err == nil {
				p.content = data
				e.awaiting.Add(-1)
				e.logf("keys of issuer %q: read %d keys from %q", p.issuer, p.verifier.Load().Keys().Len(), p.file)
			}
			continue
		}
		if now < next {
			continue
		}
		data, err := e.opts.ReadFile(p.file)
		if err != nil {
			e.logf("keys of issuer %q: cannot read %q, keeping the %d keys read before: %v", p.issuer, p.file, v.Keys().Len(), err)
			continue
		}
		if bytes.Equal(data, p.content) {
			continue
		}
		keys, err := core.ParseKeySet(data)
		if err == nil {
			err = v.UpdateKeys(keys)
		}
		if err != nil {
			e.logf("keys of issuer %q: %q holds no usable key set, keeping the %d keys read before: %v", p.issuer, p.file, v.Keys().Len(), err)
			// Remember the bad content so the same mistake is logged once.
			p.content = data
			continue
		}
		p.content = data
		e.logf("keys of issuer %q: reloaded %d keys from %q", p.issuer, keys.Len(), p.file)
	}
}

// Reload reads every key file now, whatever KeysReload says.
func (e *Engine) Reload() {
	e.nextReload.Store(0)
	e.reload(e.opts.Now().UnixNano())
}

func (e *Engine) logf(format string, args ...any) {
	if e.opts.Log != nil {
		e.opts.Log(fmt.Sprintf(format, args...))
	}
}
