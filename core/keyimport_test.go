package core

import (
	"strings"
	"testing"
)

// TestKeyImportRefusals goes through every kind of key that cannot be safe
// and checks that each is refused where it first shows (reading the key,
// building the set, building the verifier, or choosing the token's key)
// with its own code and a message that names what is wrong. Two kinds of
// refusal never share a message, so an operator can tell them apart.
func TestKeyImportRefusals(t *testing.T) {
	t.Parallel()
	rsaPriv, ec, ecPub := fixedKey(t, "rsa"), fixedKey(t, "p256"), fixedKey(t, "p256").Public()
	rsaPub := rsaPriv.Public()
	claims := validClaims(t)
	policy := func(algs ...string) Policy { return Policy{Algorithms: algs} }

	// parse reads one JWK; set reads a JWKS of the given keys.
	parse := func(jwk []byte) error { _, err := ParseKey(jwk); return err }
	set := func(jwks ...[]byte) error {
		doc := `{"keys":[`
		for i, j := range jwks {
			if i > 0 {
				doc += ","
			}
			doc += string(j)
		}
		_, err := ParseKeySet([]byte(doc + `]}`))
		return err
	}
	// verify builds a verifier on the public JWK and checks a token signed
	// by signer under alg with the JWK's kid.
	verify := func(signer *Key, alg string, public []byte, p Policy) error {
		k, err := ParseKey(public)
		if err != nil {
			t.Fatalf("the public key itself must import: %v", err)
		}
		v, err := NewVerifier(mustSet(t, k), p, WithClock(at(testNow)))
		if err != nil {
			return err
		}
		// rawToken, not Sign: Sign refuses to use a weak key at all.
		_, err = v.Verify(rawToken(t, signer, alg, `{"alg":"`+alg+`","kid":"`+k.KeyID()+`"}`, string(claims)))
		return err
	}
	ecOther := fixedKey(t, "p384").Public()
	y := []byte(jwkField(t, ecPub, "y"))
	y[len(y)-2] ^= 1 // another base64url letter: the point leaves the curve

	tests := []struct {
		name  string
		err   error
		want  Code
		words string
	}{
		{"RSA exponent 1", parse(jwkWith(t, rsaPub, map[string]any{"e": "AQ"})), CodeInvalidKey, "RSA public exponent 1 is unsafe"},
		{"RSA even exponent", parse(jwkWith(t, rsaPub, map[string]any{"e": "AQAA"})), CodeInvalidKey, "RSA public exponent 65536 is unsafe"},
		{"RSA modulus under 2048 bits", verify(weakRSAKey(t), "RS256", jwkWith(t, weakRSAKey(t).Public(), nil), policy("RS256")), CodeWeakKey, "has 1024 bits, under the minimum of 2048"},
		{"EC point off the curve", parse(jwkWith(t, ecPub, map[string]any{"y": string(y)})), CodeInvalidKey, "is not a point on P-256"},
		{"EC point at infinity", parse(jwkWith(t, ecPub, map[string]any{"x": b64.EncodeToString(make([]byte, 32)), "y": b64.EncodeToString(make([]byte, 32))})), CodeInvalidKey, "point at infinity"},
		{"EC coordinates of another curve's size", parse(jwkWith(t, ecPub, map[string]any{"crv": "P-384"})), CodeInvalidKey, "coordinates are 32 and 32 bytes, want 48"},
		{"curve that does not fit the key's alg", parse(jwkWith(t, ecPub, map[string]any{"alg": "ES384"})), CodeInvalidKey, `key "alg" "ES384" does not fit the key (EC P-256)`},
		{"control: a P-384 key for ES384", verify(fixedKey(t, "p384"), "ES384", jwkWith(t, ecOther, nil), policy("ES256", "ES384")), 0, ""},
		{"curve that does not fit the token's alg", func() error {
			v := mustVerifier(t, mustSet(t, ecOther, ecPub), policy("ES256", "ES384"), WithClock(at(testNow)))
			header := `{"alg":"ES256","kid":"` + ecOther.KeyID() + `"}`
			_, err := v.Verify(unsigned(header, string(claims), make([]byte, 64)))
			return err
		}(), CodeKeyMismatch, "EC P-384 key cannot be used with ES256"},
		{"P-384 key for an ES256-only verifier", func() error {
			_, err := NewVerifier(mustSet(t, ecOther), policy("ES256"))
			return err
		}(), CodeKeyMismatch, "no key in the set can verify ES256"},
		{"use enc", verify(ec, "ES256", jwkWith(t, ecPub, map[string]any{"use": "enc"}), policy("ES256")), CodeKeyMismatch, `key "use" is "enc", not "sig"`},
		{"key_ops without verify", verify(ec, "ES256", jwkWith(t, ecPub, map[string]any{"key_ops": []string{"encrypt"}}), policy("ES256")), CodeKeyMismatch, `key "key_ops" ["encrypt"] lacks "verify"`},
		{"key alg other than the token's", verify(rsaPriv, "PS384", jwkWith(t, rsaPub, map[string]any{"alg": "PS256"}), policy("PS256", "PS384")), CodeKeyMismatch, "key is for PS256, not PS384"},
		{"duplicate kid in one set", set(jwkWith(t, ecPub, map[string]any{"kid": "k"}), jwkWith(t, rsaPub, map[string]any{"kid": "k"})), CodeInvalidKey, `duplicate kid "k"`},
		{"symmetric key in an asymmetric set", func() error {
			_, err := NewVerifier(mustSet(t, rsaPub, fixedKey(t, "oct")), policy("RS256"))
			return err
		}(), CodeInvalidKey, "mixes HMAC secrets with public keys"},
		{"ROCA modulus", parse(jwkWith(t, rsaPub, map[string]any{"n": b64.EncodeToString(rocaShapedModulus().Bytes())})), CodeWeakKey, "ROCA fingerprint"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.err, tt.want)
			if tt.err == nil {
				return
			}
			msg := MessageOf(tt.err)
			if !strings.Contains(msg, tt.words) {
				t.Errorf("message %q does not say %q", msg, tt.words)
			}
			if other, ok := seen[msg]; ok {
				t.Errorf("same message as %q: %q", other, msg)
			}
			seen[msg] = tt.name
		})
	}
}
