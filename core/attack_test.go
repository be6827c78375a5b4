package core

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	jwxjwt "github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/jwtwasm/jwtwasm/core/internal/testkit"
)

// jwxVerdict says what jwx v2 (the reference) does with an attack token
// under the same key and algorithm.
type jwxVerdict int

const (
	jwxRejects jwxVerdict = iota // jwx refuses it too: the verdicts agree
	jwxAccepts                   // a known, documented disagreement
	jwxSkip                      // not comparable (core-only policy, several keys)
)

// TestAttacks sends hostile tokens to an ES256 verifier (and others where
// the attack needs them). Each is refused with its own code; where the
// row says so, jwx's verdict is compared too.
func TestAttacks(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256").WithKeyID("es-1")
	esPub := es.Public()
	esSet := mustSet(t, esPub)
	esPolicy := Policy{Algorithms: []string{"ES256"}}
	attacker, err := GenerateKey(KeyParams{Type: KeyTypeEC})
	if err != nil {
		t.Fatal(err)
	}
	claims := string(validClaims(t))
	hdr := `{"alg":"ES256","kid":"es-1","typ":"JWT"}`
	good := rawToken(t, es, "ES256", hdr, claims)
	_, _, goodSig := tokenParts(t, good)
	signingInput := good[:strings.LastIndexByte(good, '.')]

	// Signatures the ECDSA verifier must refuse.
	n := esPub.pub.(*ecdsa.PublicKey).Curve.Params().N
	nn := make([]byte, 64)
	n.FillBytes(nn[:32])
	n.FillBytes(nn[32:])
	digest := sha256.Sum256([]byte(signingInput))
	der, err := ecdsa.SignASN1(rand.Reader, es.priv.(*ecdsa.PrivateKey), digest[:])
	if err != nil {
		t.Fatal(err)
	}

	// The attacker's own key, published in the header.
	attackerJWK, err := attacker.Public().MarshalJWK()
	if err != nil {
		t.Fatal(err)
	}
	jwkHeader := func(kid string) string {
		h := `{"alg":"ES256","jwk":` + string(attackerJWK)
		if kid != "" {
			h += `,"kid":"` + kid + `"`
		}
		return h + `}`
	}

	// non-canonical base64url: the last character's unused low bits set.
	noncanonical := func(tok string) string {
		last := tok[len(tok)-1]
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		i := strings.IndexByte(alphabet, last)
		return tok[:len(tok)-1] + string(alphabet[i^1])
	}

	// A payload signed over non-canonical base64url.
	payloadB64 := b64.EncodeToString([]byte(claims))
	ncInput := b64.EncodeToString([]byte(hdr)) + "." + noncanonical(payloadB64)
	ncSig, err := createSignature(lookupAlg("ES256"), es, ncInput)
	if err != nil {
		t.Fatal(err)
	}

	rsaKey := fixedKey(t, "rsa").WithKeyID("rsa-1")
	rsaPEM, err := rsaKey.Public().MarshalPEM(PEMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	confused, err := NewSecretKey(rsaPEM) // the public key's PEM as an HMAC secret
	if err != nil {
		t.Fatal(err)
	}
	octKey := fixedKey(t, "oct")

	tests := []struct {
		name   string
		set    *KeySet // esSet if nil
		policy Policy  // esPolicy if no algorithms
		token  string
		want   Code
		jwx    jwxVerdict
		why    string // for jwxAccepts: why the verdicts differ
	}{
		{name: "control: valid token", token: good, want: 0},

		// alg none, in any case.
		{name: "alg none", token: unsigned(`{"alg":"none"}`, claims, nil), want: CodeAlgNotAllowed},
		{name: "alg None", token: unsigned(`{"alg":"None","kid":"es-1"}`, claims, nil), want: CodeAlgNotAllowed},
		{name: "alg NONE", token: unsigned(`{"alg":"NONE"}`, claims, nil), want: CodeAlgNotAllowed},
		{name: "alg none with the real signature", token: unsigned(`{"alg":"none"}`, claims, goodSig), want: CodeAlgNotAllowed},
		{name: "alg empty", token: unsigned(`{"alg":""}`, claims, goodSig), want: CodeAlgNotAllowed},

		// Algorithm confusion: HS256 keyed with the RSA public key's PEM.
		{name: "HS256 with RSA PEM, RS256 policy", set: mustSet(t, rsaKey.Public()), policy: Policy{Algorithms: []string{"RS256"}},
			token: rawToken(t, confused, "HS256", `{"alg":"HS256","kid":"rsa-1"}`, claims), want: CodeAlgNotAllowed, jwx: jwxSkip},
		// An HS256 policy over a set holding the RSA key is refused before
		// any token: see TestKeyConfusionSets.
		{name: "HS256 token under an ES256 policy", token: rawToken(t, octKey, "HS256", `{"alg":"HS256","kid":"es-1"}`, claims), want: CodeAlgNotAllowed},

		// Keys carried by the token are never used.
		{name: "header jwk, attacker's kid", token: rawToken(t, attacker, "ES256", jwkHeader(attacker.KeyID()), claims), want: CodeUnknownKID, jwx: jwxSkip},
		{name: "header jwk, no kid", token: rawToken(t, attacker, "ES256", jwkHeader(""), claims), want: CodeBadSignature},
		{name: "header jwk, victim's kid", token: rawToken(t, attacker, "ES256", jwkHeader("es-1"), claims), want: CodeBadSignature},
		{name: "empty kid is no kid", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":""}`, claims), want: 0},
		{name: "jku x5u x5c ignored, valid signature", token: rawToken(t, es, "ES256",
			`{"alg":"ES256","kid":"es-1","jku":"https://evil.example/jwks","x5u":"https://evil.example/cert","x5c":["MIIB"]}`, claims), want: 0},
		{name: "jku x5u x5c ignored, attacker's signature", token: rawToken(t, attacker, "ES256",
			`{"alg":"ES256","kid":"es-1","jku":"https://evil.example/jwks","x5u":"https://evil.example/cert","x5c":["MIIB"]}`, claims), want: CodeBadSignature},

		// Bad ECDSA signatures.
		{name: "ECDSA r = s = 0", token: testkit.WithSignature(good, make([]byte, 64)), want: CodeBadSignature},
		{name: "ECDSA r = s = n", token: testkit.WithSignature(good, nn), want: CodeBadSignature},
		{name: "ECDSA all ones", token: testkit.WithSignature(good, []byte(strings.Repeat("\xff", 64))), want: CodeBadSignature},
		{name: "ECDSA DER-encoded", token: testkit.WithSignature(good, der), want: CodeBadSignature},
		{name: "ECDSA one byte short", token: testkit.WithSignature(good, goodSig[:63]), want: CodeBadSignature},
		{name: "ECDSA one byte long", token: testkit.WithSignature(good, append(append([]byte{}, goodSig...), 0)), want: CodeBadSignature},
		{name: "ECDSA zero-padded front", token: testkit.WithSignature(good, append([]byte{0}, goodSig[:63]...)), want: CodeBadSignature},
		{name: "truncated signature", token: testkit.WithSignature(good, goodSig[:32]), want: CodeBadSignature},
		{name: "empty signature", token: good[:strings.LastIndexByte(good, '.')+1], want: CodeBadSignature},

		// Encoding.
		{name: "non-canonical signature base64url", token: noncanonical(good), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx decodes base64url leniently, ignoring the unused bits"},
		{name: "non-canonical header base64url", token: noncanonical(b64.EncodeToString([]byte(`{"alg":"ES256"}`))) + "." + payloadB64 + "." + b64.EncodeToString(goodSig), want: CodeMalformed},
		// jwx refuses this one too, though because it checks the signature
		// over a re-encoding of the payload rather than the text sent.
		{name: "payload signed over non-canonical base64url", token: ncInput + "." + b64.EncodeToString(ncSig), want: CodeMalformed},
		{name: "padding in the signature", token: good + "==", want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx accepts padded base64url"},
		{name: "equals sign inside", token: strings.Replace(good, ".", "=.", 1), want: CodeMalformed},
		{name: "newline inside", token: good[:20] + "\n" + good[20:], want: CodeMalformed,
			jwx: jwxAccepts, why: "Go's base64 decoder skips CR and LF"},
		{name: "CRLF inside the signature", token: good[:len(good)-10] + "\r\n" + good[len(good)-10:], want: CodeMalformed,
			jwx: jwxAccepts, why: "Go's base64 decoder skips CR and LF"},
		{name: "space inside", token: good[:20] + " " + good[20:], want: CodeMalformed},
		{name: "leading space", token: " " + good, want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx trims surrounding white space"},
		{name: "trailing newline", token: good + "\n", want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx trims surrounding white space"},
		{name: "standard base64 alphabet", token: good[:len(good)-6] + "+/" + good[len(good)-4:], want: CodeMalformed,
			jwx: jwxSkip},

		// Parts.
		{name: "one part", token: "eyJhbGciOiJFUzI1NiJ9", want: CodeMalformed},
		{name: "two parts", token: good[:strings.LastIndexByte(good, '.')], want: CodeMalformed},
		{name: "four parts", token: good + ".e30", want: CodeMalformed},
		{name: "trailing dot", token: good + ".", want: CodeMalformed},
		{name: "five parts (JWE)", token: "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn", want: CodeMalformed},
		{name: "empty header", token: "." + payloadB64 + "." + b64.EncodeToString(goodSig), want: CodeMalformed},
		{name: "all parts empty", token: "..", want: CodeMalformed},
		{name: "empty payload, signed", token: rawToken(t, es, "ES256", hdr, ""), want: CodeMalformed},
		{name: "empty string", token: "", want: CodeMalformed},

		// Header contents.
		{name: "header not JSON", token: unsigned(`alg=ES256`, claims, goodSig), want: CodeMalformed},
		{name: "header is an array", token: unsigned(`["ES256"]`, claims, goodSig), want: CodeMalformed},
		{name: "header without alg", token: unsigned(`{"kid":"es-1"}`, claims, goodSig), want: CodeMalformed},
		{name: "alg not a string", token: unsigned(`{"alg":["ES256"]}`, claims, goodSig), want: CodeMalformed},
		{name: "kid not a string", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":1}`, claims), want: CodeMalformed},
		{name: "duplicate alg", token: rawToken(t, es, "ES256", `{"alg":"ES256","alg":"none"}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx accepts duplicate header members"},
		{name: "duplicate alg, none first", token: rawToken(t, es, "ES256", `{"alg":"none","alg":"ES256"}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx accepts duplicate header members"},
		{name: "duplicate alg spelled with an escape", token: rawToken(t, es, "ES256", `{"alg":"ES256","\u0061lg":"HS256"}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx accepts duplicate header members"},
		{name: "duplicate kid", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","kid":"other"}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx accepts duplicate header members"},
		{name: "header nested too deep", token: rawToken(t, es, "ES256", `{"alg":"ES256","x":`+strings.Repeat("[", MaxJSONDepth)+strings.Repeat("]", MaxJSONDepth)+`}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx has no depth limit below encoding/json's"},
		{name: "zip header", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","zip":"DEF"}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx ignores zip in a JWS"},

		// crit.
		{name: "unknown crit", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["exp"],"exp":1}`, claims), want: CodeUnsupportedCrit,
			jwx: jwxAccepts, why: "jwx v2 does not process crit"},
		{name: "crit understood by the policy", policy: Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}},
			token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["exp"],"exp":1}`, claims), want: 0},
		{name: "crit understood, one of two not", policy: Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}},
			token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["exp","nonce"],"exp":1,"nonce":"x"}`, claims), want: CodeUnsupportedCrit, jwx: jwxSkip},
		{name: "crit names a registered header", policy: Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}},
			token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["kid"]}`, claims), want: CodeMalformed, jwx: jwxSkip},
		{name: "crit names alg", token: rawToken(t, es, "ES256", `{"alg":"ES256","crit":["alg"]}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx v2 does not process crit"},
		{name: "crit names an absent header", policy: Policy{Algorithms: []string{"ES256"}, Critical: []string{"exp"}},
			token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","crit":["exp"]}`, claims), want: CodeMalformed, jwx: jwxSkip},
		{name: "crit empty", token: rawToken(t, es, "ES256", `{"alg":"ES256","crit":[]}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx v2 does not process crit"},
		{name: "crit not an array", token: rawToken(t, es, "ES256", `{"alg":"ES256","crit":"exp","exp":1}`, claims), want: CodeMalformed},

		// Claims.
		{name: "string exp", token: rawToken(t, es, "ES256", hdr, `{"exp":"`+sec(time.Hour)+`"}`), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx reads a numeric string as a NumericDate"},
		{name: "duplicate claim", token: rawToken(t, es, "ES256", hdr, `{"exp":`+sec(time.Hour)+`,"sub":"alice","sub":"admin"}`), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx lets the last duplicate win"},
		{name: "duplicate nested claim", token: rawToken(t, es, "ES256", hdr, `{"exp":`+sec(time.Hour)+`,"realm_access":{"roles":["user"],"roles":["admin"]}}`), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx lets the last duplicate win, at any depth"},
		{name: "duplicate member in an object in a claim's array", token: rawToken(t, es, "ES256", hdr, `{"exp":`+sec(time.Hour)+`,"grants":[{"scope":"read","scope":"admin"}]}`), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx lets the last duplicate win, at any depth"},
		{name: "duplicate nested header member", token: rawToken(t, es, "ES256", `{"alg":"ES256","kid":"es-1","x-ext":{"a":1,"a":2}}`, claims), want: CodeMalformed,
			jwx: jwxAccepts, why: "jwx accepts duplicate header members"},
		{name: "duplicate exp, expired one last", token: rawToken(t, es, "ES256", hdr, `{"exp":`+sec(time.Hour)+`,"exp":`+sec(-time.Hour)+`}`), want: CodeMalformed},
		{name: "claims not an object", token: rawToken(t, es, "ES256", hdr, `"alice"`), want: CodeMalformed},

		// Size.
		{name: "20 KiB of garbage", token: strings.Repeat("#", 20<<10), want: CodeTooLarge, jwx: jwxSkip},
		{name: "oversized but well-formed", token: rawToken(t, es, "ES256", hdr, `{"exp":`+sec(time.Hour)+`,"pad":"`+strings.Repeat("x", DefaultMaxTokenSize)+`"}`), want: CodeTooLarge,
			jwx: jwxAccepts, why: "jwx has no token size limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set, p := tt.set, tt.policy
			if set == nil {
				set = esSet
			}
			if len(p.Algorithms) == 0 {
				p = esPolicy
			}
			v := mustVerifier(t, set, p, WithClock(at(testNow)))
			tok, err := v.Verify(tt.token)
			checkErr(t, err, tt.want)
			if err != nil && tok != nil {
				t.Fatal("a refused token was returned")
			}

			// The reference's verdict, with the same key and algorithm.
			if tt.jwx == jwxSkip || set != esSet {
				return
			}
			_, jerr := jwxjwt.Parse([]byte(tt.token), jwxjwt.WithKey(jwa.ES256, esPub.pub), jwxjwt.WithClock(jwxjwt.ClockFunc(at(testNow))))
			jwxOK := jerr == nil
			coreOK := err == nil
			switch {
			case tt.jwx == jwxAccepts && coreOK:
				t.Errorf("row says jwx disagrees (%s), but core accepts too", tt.why)
			case tt.jwx == jwxAccepts && !jwxOK:
				t.Errorf("row says jwx accepts (%s), but jwx refuses: %v", tt.why, jerr)
			case tt.jwx == jwxRejects && jwxOK != coreOK:
				t.Errorf("verdicts differ: core %v, jwx %v (jwx error: %v)", err, jwxOK, jerr)
			}
		})
	}
}

// TestHeaderKeysNeverUsed signs with an attacker key that the header
// embeds in every form a library might trust; the set never gains it.
func TestHeaderKeysNeverUsed(t *testing.T) {
	t.Parallel()
	es := fixedKey(t, "p256")
	attacker, err := GenerateKey(KeyParams{Type: KeyTypeEC})
	if err != nil {
		t.Fatal(err)
	}
	jwk, _ := attacker.Public().MarshalJWK()
	v := mustVerifier(t, mustSet(t, es.Public()), Policy{Algorithms: []string{"ES256"}}, WithClock(at(testNow)))
	for i := 0; i < 3; i++ {
		h := map[string]json.RawMessage{"alg": json.RawMessage(`"ES256"`), "jwk": jwk}
		hj, _ := json.Marshal(h)
		_, err := v.Verify(rawToken(t, attacker, "ES256", string(hj), string(validClaims(t))))
		wantCode(t, err, CodeBadSignature)
	}
	if v.keys.Load().set.Len() != 1 {
		t.Fatal("the key set grew")
	}
	// The attacker's key, given a valid-looking x5c, is still not used.
	cert := base64.StdEncoding.EncodeToString([]byte("not a certificate"))
	_, err = v.Verify(rawToken(t, attacker, "ES256", `{"alg":"ES256","x5c":["`+cert+`"]}`, string(validClaims(t))))
	wantCode(t, err, CodeBadSignature)
}

// TestPSSSaltLength: RFC 7518 §3.5 fixes the PSS salt length to the hash
// size; signatures with other salt lengths are refused (jwx accepts them).
func TestPSSSaltLength(t *testing.T) {
	t.Parallel()
	key := fixedKey(t, "rsa")
	v := mustVerifier(t, mustSet(t, key.Public()), Policy{Algorithms: []string{"PS256"}}, WithClock(at(testNow)))
	input := b64.EncodeToString([]byte(`{"alg":"PS256"}`)) + "." + b64.EncodeToString(validClaims(t))
	digest := sha256.Sum256([]byte(input))
	for _, tt := range []struct {
		name string
		salt int
		want Code
	}{
		{"salt = hash size", rsa.PSSSaltLengthEqualsHash, 0},
		{"salt 32 bytes, given as a number", 32, 0},
		{"no salt", 0, CodeBadSignature},
		{"salt 20 bytes", 20, CodeBadSignature},
		{"longest salt", rsa.PSSSaltLengthAuto, CodeBadSignature},
	} {
		sig, err := rsa.SignPSS(rand.Reader, key.priv.(*rsa.PrivateKey), crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: tt.salt})
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(input + "." + b64.EncodeToString(sig))
		if tt.want == 0 && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.want != 0 && CodeOf(err) != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
		}
	}
}

// TestKeyConfusionSets checks that the sets an HMAC key-confusion attack
// needs never make a verifier: a secret beside a public key (whatever the
// policy), and an HMAC policy over public keys only.
func TestKeyConfusionSets(t *testing.T) {
	rsaKey := fixedKey(t, "rsa").WithKeyID("rsa-1")
	pem, err := rsaKey.Public().MarshalPEM(PEMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := NewSecretKey(pem) // the public key's PEM as an HMAC secret
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		set  *KeySet
		algs []string
		want Code
	}{
		{"secret beside the RSA key, HS256 policy", mustSet(t, rsaKey.Public(), secret), []string{"HS256"}, CodeInvalidKey},
		{"secret beside the RSA key, RS256 policy", mustSet(t, rsaKey.Public(), secret), []string{"RS256"}, CodeInvalidKey},
		{"RSA key only, HS256 policy", mustSet(t, rsaKey.Public()), []string{"HS256"}, CodeKeyMismatch},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewVerifier(tt.set, Policy{Algorithms: tt.algs})
			checkErr(t, err, tt.want)
		})
	}
}
