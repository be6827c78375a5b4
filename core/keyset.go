package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/jwtwasm/jwtwasm/core/internal/jsonobj"
	"github.com/jwtwasm/jwtwasm/core/internal/jwxkey"
)

// KeySet is an ordered set of keys with distinct key IDs, as in a JWKS
// (RFC 7517 §5).
//
// A set that signs has its active signing key first, with private material;
// the keys after it are retiring public keys kept so that tokens signed
// before a rotation still verify (see [KeySet.Rotate]). A published set
// ([KeySet.Public]) holds only public keys.
type KeySet struct {
	keys []*Key
}

// NewKeySet returns a set of keys, first key active. Key IDs must be
// distinct; only secrets may lack one.
func NewKeySet(keys ...*Key) (*KeySet, error) {
	if len(keys) > MaxKeySetKeys {
		return nil, newError(CodeTooLarge, "%d keys is over the limit of %d (MaxKeySetKeys)", len(keys), MaxKeySetKeys)
	}
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if k == nil {
			return nil, newError(CodeInvalidArgument, "nil key in key set")
		}
		if k.kid != "" && seen[k.kid] {
			return nil, newError(CodeInvalidKey, "duplicate kid %q in key set", k.kid)
		}
		seen[k.kid] = true
	}
	return &KeySet{keys: append([]*Key(nil), keys...)}, nil
}

// Len returns the number of keys.
func (s *KeySet) Len() int { return len(s.keys) }

// Keys returns the keys in order.
func (s *KeySet) Keys() []*Key { return append([]*Key(nil), s.keys...) }

// Lookup returns the key with key ID kid, or nil.
func (s *KeySet) Lookup(kid string) *Key {
	for _, k := range s.keys {
		if k.kid == kid {
			return k
		}
	}
	return nil
}

// bare returns the set's only key if it has no kid of its own (a PEM key,
// a certificate, a JWK without "kid"), else nil. Such a key is the one
// the caller means whatever "kid" a token names: the thumbprint filled in
// for it is this package's choice, not the issuer's.
func (s *KeySet) bare() *Key {
	if len(s.keys) == 1 && !s.keys[0].OwnKeyID() {
		return s.keys[0]
	}
	return nil
}

// Active returns the signing key: the first key, if it can sign. It returns
// nil for a set of public keys.
func (s *KeySet) Active() *Key {
	if len(s.keys) > 0 && s.keys[0].IsPrivate() {
		return s.keys[0]
	}
	return nil
}

// Public returns the set to publish: every key's public part, secrets left
// out. It never holds a private member.
func (s *KeySet) Public() *KeySet {
	out := &KeySet{}
	for _, k := range s.keys {
		if p := k.Public(); p != nil {
			out.keys = append(out.keys, p)
		}
	}
	return out
}

// Rotate returns a new set whose active key is next, followed by the public
// parts of the current keys, newest first: tokens signed with them still
// verify, and new tokens carry next's key ID. If keep is positive, at most
// keep retiring keys are kept. Secrets stay whole, since a secret is also
// what verifies. [KeySet.Promote] is Rotate where keep 0 keeps none.
func (s *KeySet) Rotate(next *Key, keep int) (*KeySet, error) {
	if next == nil {
		return nil, newError(CodeInvalidArgument, "the new active key must be a private key or a secret")
	}
	if keep <= 0 {
		keep = -1
	}
	return s.Promote(next, keep)
}

// Staged returns the staged key, or nil: a private key second in a signing
// set, after the active key. [KeySet.Public] publishes it, so verifiers
// learn it before it signs, but signers keep signing with the active key
// until [KeySet.Promote] makes the staged key active. [KeySet.Stage] puts
// it there. Secrets are never staged: a retiring secret stays whole, so a
// second secret is a retiring one.
func (s *KeySet) Staged() *Key {
	if s.Active() == nil || len(s.keys) < 2 {
		return nil
	}
	if k := s.keys[1]; k.IsPrivate() && k.kty != KeyTypeOct {
		return k
	}
	return nil
}

// Stage returns a new set with next staged (see [KeySet.Staged]) after the
// active key, which stays active; the retiring keys follow as they are. A
// negative keep keeps every retiring key; otherwise at most keep.
func (s *KeySet) Stage(next *Key, keep int) (*KeySet, error) {
	active := s.Active()
	switch {
	case active == nil:
		return nil, newError(CodeInvalidArgument, "the set has no active private key to stage a key behind")
	case next == nil || !next.IsPrivate():
		return nil, newError(CodeInvalidArgument, "the staged key must be a private key")
	case next.kty == KeyTypeOct || active.kty == KeyTypeOct:
		return nil, newError(CodeInvalidArgument, "secrets cannot be staged: a staged secret and a retiring one look alike")
	case s.Staged() != nil:
		return nil, newError(CodeInvalidArgument, "key %q is already staged", s.Staged().kid)
	}
	keys := []*Key{active, next}
	for _, k := range s.keys[1:] {
		if keep >= 0 && len(keys)-2 >= keep {
			break
		}
		keys = append(keys, k)
	}
	return NewKeySet(keys...)
}

// Promote returns a new set whose active key is next, or the staged key if
// next is nil, followed by the public parts of the other keys, newest
// first, as [KeySet.Rotate] does. A negative keep keeps every retiring key;
// otherwise at most keep (0 keeps none).
func (s *KeySet) Promote(next *Key, keep int) (*KeySet, error) {
	if next == nil {
		next = s.Staged()
		if next == nil {
			return nil, newError(CodeInvalidArgument, "the set has no staged key to promote")
		}
	}
	if !next.IsPrivate() {
		return nil, newError(CodeInvalidArgument, "the new active key must be a private key or a secret")
	}
	keys := []*Key{next}
	for _, k := range s.keys {
		if k == next {
			continue
		}
		if keep >= 0 && len(keys)-1 >= keep {
			break
		}
		if p := k.Public(); p != nil {
			keys = append(keys, p)
		} else {
			keys = append(keys, k)
		}
	}
	return NewKeySet(keys...)
}

// Retire returns a new set in which the key kid keeps only its public
// part: tokens it signed still verify, and it signs no more (a staged key
// is unstaged but stays published). The active key cannot be retired, nor
// a secret, which has no public part.
func (s *KeySet) Retire(kid string) (*KeySet, error) {
	i, err := s.changeable(kid)
	if err != nil {
		return nil, err
	}
	k := s.keys[i]
	if k.kty == KeyTypeOct {
		return nil, newError(CodeInvalidArgument, "key %q is a secret, which has no public part to keep: remove it instead", kid)
	}
	keys := append([]*Key(nil), s.keys...)
	keys[i] = k.Public()
	return NewKeySet(keys...)
}

// Remove returns a new set without the key kid: tokens it signed no longer
// verify. The active key cannot be removed.
func (s *KeySet) Remove(kid string) (*KeySet, error) {
	i, err := s.changeable(kid)
	if err != nil {
		return nil, err
	}
	keys := append(append([]*Key(nil), s.keys[:i]...), s.keys[i+1:]...)
	return NewKeySet(keys...)
}

// changeable returns the index of the key kid, or an error if there is
// none or it is the active key.
func (s *KeySet) changeable(kid string) (int, error) {
	for i, k := range s.keys {
		if k.kid != kid {
			continue
		}
		if i == 0 && s.Active() != nil {
			return 0, newError(CodeInvalidArgument, "key %q is the active signing key", kid)
		}
		return i, nil
	}
	return 0, newError(CodeInvalidArgument, "no key %q in the set", kid)
}

// MergeKeySets returns the union of sets, in order. The same key found
// twice under the same key ID is kept once; two different keys with one key
// ID are an error.
func MergeKeySets(sets ...*KeySet) (*KeySet, error) {
	var keys []*Key
	for _, s := range sets {
	next:
		for _, k := range s.keys {
			for _, have := range keys {
				if have.kid == k.kid && (k.kid != "" || have.Equal(k)) {
					if !have.Equal(k) {
						return nil, newError(CodeInvalidKey, "kid %q names two different keys", k.kid)
					}
					continue next
				}
			}
			keys = append(keys, k)
		}
	}
	return NewKeySet(keys...)
}

// MarshalJSON returns the set as a JWKS: {"keys":[...]}.
func (s *KeySet) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"keys":[`)
	for i, k := range s.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		j, err := k.MarshalJWK()
		if err != nil {
			return nil, err
		}
		b.Write(j)
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// ParseKeySet reads keys from a JWKS, a single JWK, or PEM with one or more
// key blocks. In a JWKS, keys of a type or curve this package does not
// support are skipped (RFC 7517 §5); malformed keys of a supported type are
// an error. Keys without a "kid" get their thumbprint, secrets excepted.
func ParseKeySet(data []byte, opts ...KeyOption) (*KeySet, error) {
	var o keyOptions
	for _, opt := range opts {
		opt(&o)
	}
	if len(data) > MaxKeySetSize {
		return nil, newError(CodeTooLarge, "key document of %d bytes is over the limit of %d (MaxKeySetSize)", len(data), MaxKeySetSize)
	}
	// JSON is UTF-8 (RFC 8259 §8.1) and PEM is ASCII (RFC 7468 §2); the
	// module takes documents as JSON strings, which cannot carry other bytes.
	if !utf8.Valid(data) {
		return nil, newError(CodeInvalidKey, "key document is not UTF-8 text")
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, newError(CodeInvalidKey, "the key document is empty")
	case trimmed[0] == '{':
		keys, err := parseJWKDocument(trimmed)
		if err != nil {
			return nil, err
		}
		return NewKeySet(keys...)
	case bytes.Contains(data, []byte("-----BEGIN ")):
		keys, err := parsePEM(data, o)
		if err != nil {
			return nil, err
		}
		return NewKeySet(keys...)
	}
	return nil, newError(CodeInvalidKey, "not a JWK, a JWKS or a PEM key")
}

func parseJWKDocument(data []byte) ([]*Key, error) {
	obj, err := jsonobj.Parse(data, jsonLimits)
	if err != nil {
		return nil, wrapError(CodeInvalidKey, err, "key document")
	}
	rawKeys, isSet := obj.Get("keys")
	if !isSet {
		k, err := parseJWK(data)
		if err != nil {
			return nil, err
		}
		return []*Key{k}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(rawKeys, &list); err != nil {
		return nil, newError(CodeInvalidKey, "JWKS \"keys\" is not an array")
	}
	if len(list) > MaxKeySetKeys {
		return nil, newError(CodeTooLarge, "JWKS holds %d keys, over the limit of %d (MaxKeySetKeys)", len(list), MaxKeySetKeys)
	}
	var keys []*Key
	for i, raw := range list {
		if !supportedJWK(raw) {
			continue
		}
		k, err := parseJWK(raw)
		if err != nil {
			code := CodeInvalidKey
			if e := (*Error)(nil); errors.As(err, &e) {
				code = e.code // weak_key stays weak_key
			}
			return nil, wrapError(code, err, "JWKS key %d", i)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, newError(CodeInvalidKey, "JWKS holds no key of a supported type")
	}
	return keys, nil
}

// supportedJWK reports whether a JWK's kty and crv are ones this package
// uses; others (X25519 encryption keys, secp256k1) are skipped in sets.
func supportedJWK(raw []byte) bool {
	var h struct {
		Kty string `json:"kty"`
		Crv string `json:"crv"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return true // let parseJWK report it
	}
	switch h.Kty {
	case KeyTypeRSA, KeyTypeOct:
		return true
	case KeyTypeEC:
		return curveByName(h.Crv) != nil
	case KeyTypeOKP:
		return h.Crv == "Ed25519"
	}
	return false
}

func parseJWK(data []byte) (*Key, error) {
	obj, err := jsonobj.Parse(data, jsonLimits)
	if err != nil {
		return nil, wrapError(CodeInvalidKey, err, "JWK")
	}
	if _, ok := obj.Get("kty"); !ok {
		return nil, newError(CodeInvalidKey, "JWK has no \"kty\"")
	}
	raw, meta, err := jwxkey.Parse(data)
	if err != nil {
		return nil, wrapError(CodeInvalidKey, err, "JWK")
	}
	k, err := keyFromRaw(raw, meta)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// String describes the set for logs: its key IDs and types.
func (s *KeySet) String() string {
	var b bytes.Buffer
	b.WriteString("KeySet[")
	for i, k := range s.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", k.kid, k.describe())
	}
	b.WriteString("]")
	return b.String()
}
