package core

import (
	"bytes"
	"errors"
	"testing"
)

// TestVerifyJWS checks the JWS layer under Verify: any payload bytes, the
// same refusals up to the signature, and none of the claim rules.
func TestVerifyJWS(t *testing.T) {
	es := fixedKey(t, "p256").WithKeyID("es-1")
	attacker, err := GenerateKey(KeyParams{Type: KeyTypeEC})
	if err != nil {
		t.Fatal(err)
	}
	set := mustSet(t, es.Public())
	v := mustVerifier(t, set, Policy{Algorithms: []string{"ES256"}, Issuer: "https://issuer.example"}, WithClock(at(testNow)))
	hdr := `{"alg":"ES256","kid":"es-1"}`
	expired := `{"iss":"someone else","exp":1}`
	tests := []struct {
		name    string
		token   string
		payload []byte
		want    Code
	}{
		{"bytes that are not JSON", rawToken(t, es, "ES256", hdr, "Example of a JWS payload\x00\xff"), []byte("Example of a JWS payload\x00\xff"), 0},
		{"empty payload", rawToken(t, es, "ES256", hdr, ""), []byte{}, 0},
		{"claims the JWT rules would refuse", rawToken(t, es, "ES256", hdr, expired), []byte(expired), 0},
		{"alg not allowed", rawToken(t, es, "ES256", `{"alg":"ES384","kid":"es-1"}`, "x"), nil, CodeAlgNotAllowed},
		{"alg none", unsigned(`{"alg":"none"}`, "x", nil), nil, CodeAlgNotAllowed},
		{"unknown kid", rawToken(t, es, "ES256", `{"alg":"ES256","kid":"nope"}`, "x"), nil, CodeUnknownKID},
		{"another key's signature", rawToken(t, attacker, "ES256", hdr, "x"), nil, CodeBadSignature},
		{"unknown crit", rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["x"],"x":1}`, "x"), nil, CodeUnsupportedCrit},
		{"not three parts", "a.b", nil, CodeMalformed},
		{"over the size limit", string(bytes.Repeat([]byte("a"), DefaultMaxTokenSize+1)), nil, CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jws, err := v.VerifyJWS(tt.token)
			checkErr(t, err, tt.want)
			if tt.want != 0 {
				if jws != nil {
					t.Error("a refused JWS was returned")
				}
				return
			}
			if !bytes.Equal(jws.Payload, tt.payload) || jws.Key.KeyID() != "es-1" || jws.Header.Algorithm != "ES256" {
				t.Errorf("got payload %q, key %q, alg %q", jws.Payload, jws.Key.KeyID(), jws.Header.Algorithm)
			}
		})
	}
	// The same expired token is refused by Verify, which adds the claims.
	if _, err := v.Verify(tests[2].token); err == nil {
		t.Error("Verify accepted claims that the policy refuses")
	}
}

// TestSignJWS signs bytes that are no JWT and checks them through
// VerifyJWS: no "typ" by default, one when asked, the key's kid.
func TestSignJWS(t *testing.T) {
	es := fixedKey(t, "p256").WithKeyID("es-1")
	v := mustVerifier(t, mustSet(t, es.Public()), Policy{Algorithms: []string{"ES256"}}, WithClock(at(testNow)))
	for _, tt := range []struct {
		opts []SignOption
		typ  string
	}{{nil, ""}, {[]SignOption{WithType("example+jws")}, "example+jws"}} {
		token, err := SignJWS(es, []byte{0, 1, 2, 0xff}, tt.opts...)
		if err != nil {
			t.Fatal(err)
		}
		jws, err := v.VerifyJWS(token)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(jws.Payload, []byte{0, 1, 2, 0xff}) || jws.Header.Type != tt.typ || jws.Header.KeyID != "es-1" {
			t.Errorf("payload %x typ %q kid %q, want typ %q", jws.Payload, jws.Header.Type, jws.Header.KeyID, tt.typ)
		}
	}
	if _, err := SignJWS(es.Public(), []byte("x")); !errors.Is(err, CodeInvalidKey) {
		t.Errorf("signing with a public key: %v", err)
	}
}
