package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

type policyFlags struct {
	algs       listFlag
	iss, sub   string
	aud        listFlag
	required   listFlag
	require    repeatFlag
	crit       listFlag
	leeway     time.Duration
	maxAge     time.Duration
	maxSize    int
	allowNoExp bool
	allowWeak  bool
	ignoreAud  bool
	kid        string
	now        string
}

func (p *policyFlags) addFlags(fs *flag.FlagSet) {
	fs.Var(&p.algs, "alg", "accepted algorithms, a comma `LIST` (required): RS256, PS256, ES256, EdDSA, ...")
	fs.StringVar(&p.iss, "iss", "", "required issuer")
	fs.Var(&p.aud, "aud", "accepted audience; repeat or use a comma list for several. Without it, a token that has \"aud\" is refused")
	fs.BoolVar(&p.ignoreAud, "ignore-aud", false, "accept the token whatever its \"aud\" (instead of naming it with --aud)")
	fs.StringVar(&p.sub, "sub", "", "required subject")
	fs.Var(&p.required, "required", "claims that must be present, a comma `LIST`")
	fs.Var(&p.require, "require", "access `RULE` on the claims, e.g. role=admin, scope~read:orders, groups~ops; repeatable")
	fs.Var(&p.crit, "crit", "\"crit\" header extensions the caller understands, a comma `LIST`")
	fs.DurationVar(&p.leeway, "leeway", 0, "clock skew allowed on exp, nbf and iat, e.g. 30s")
	fs.DurationVar(&p.maxAge, "max-age", 0, "refuse tokens issued longer ago than this (needs iat)")
	fs.IntVar(&p.maxSize, "max-size", core.DefaultMaxTokenSize, "largest token accepted, in `bytes`")
	fs.BoolVar(&p.allowNoExp, "allow-no-exp", false, "accept tokens without exp (they never expire)")
	fs.BoolVar(&p.allowWeak, "allow-weak-keys", false, "accept RSA keys under 2048 bits (legacy only)")
	fs.StringVar(&p.kid, "kid", "", "verify only with the key whose kid is `KID`, however many the key set holds")
	fs.StringVar(&p.now, "now", "", "judge the token as of this `TIME` (RFC 3339 or Unix seconds)")
}

func (p *policyFlags) policy() (core.Policy, error) {
	if len(p.algs) == 0 {
		return core.Policy{}, withHint(usageError("--alg is required: the token's own \"alg\" is never trusted"),
			"name the algorithms your issuer signs with, e.g. --alg RS256 or --alg ES256,EdDSA")
	}
	return core.Policy{
		Algorithms:     p.algs,
		Issuer:         p.iss,
		Audiences:      p.aud,
		Subject:        p.sub,
		RequiredClaims: p.required,
		Leeway:         p.leeway,
		MaxAge:         p.maxAge,
		AllowNoExpiry:  p.allowNoExp,
		MaxTokenSize:   p.maxSize,
		Critical:       p.crit,
		Require:        p.require,
		AllowWeakKeys:  p.allowWeak,
		IgnoreAudience: p.ignoreAud,
		KeyID:          p.kid,
	}, nil
}

const verifyAbout = `
Verify a compact JWT: signature against the given keys, algorithm against
the --alg list, then exp, nbf, iat and the other claims, then access rules.
On success print the claims as JSON and exit 0; a rejected token exits 1
with "jwtwasm: <code>: <message>" on stderr; bad flags or keys exit 2.
Keys carried in the token (jwk, jku, x5u, x5c) are never used.`

const verifyExamples = `  jwtwasm verify --jwks public.jwks --alg ES256 --iss https://issuer.example --aud api token.jwt
  jwtwasm verify --jwks https://issuer.example/.well-known/jwks.json --alg RS256 -
  jwtwasm verify --key public.pem --alg RS256 --require role=admin --require scope~read:orders "$TOKEN"
  jwtwasm verify --secret-file secret.bin --alg HS256 --json "$TOKEN"`

func runVerify(e *env, args []string) error {
	fs := newFlags(e, "verify", "[flags] TOKEN|FILE|-", verifyAbout, verifyExamples)
	var keys keySources
	var pf policyFlags
	var engineName, cryptoName string
	keys.addFlags(fs, true)
	pf.addFlags(fs)
	engineFlag(fs, &engineName)
	cryptoFlag(fs, &cryptoName)
	fs.BoolVar(&e.json, "json", false, "print {\"valid\":…, \"claims\":…, \"error\":…} on stdout")
	var out outputFile
	out.addFlags(fs, "the claims (or the --json report)")
	pos, eng, err := begin(e, fs, args, &out, &engineName,
		func([]string) error { return fetchFlagsApply(fs, &keys) },
		func([]string) error { return checkMaxSize(pf.maxSize) })
	if err != nil {
		return err
	}
	token, err := readToken(e, pos)
	if err != nil {
		return rejected(err)
	}
	policy, err := pf.policy()
	if err != nil {
		return err
	}
	now, err := clock(pf.now)
	if err != nil {
		return err
	}
	doc, err := keys.document(e)
	if err != nil {
		return err
	}
	if err := weakKeyCheck(pf.allowWeak, doc); err != nil {
		return err
	}
	v, err := eng.NewVerifier(e.ctx, doc.keys, policy, append(doc.opts(), host.WithCrypto(cryptoName))...)
	if err != nil {
		if isURL(keys.jwks) && core.CodeOf(err) == core.CodeInvalidKey {
			return withHint(err, fmt.Sprintf("the document at %s is not a usable JWKS", keys.jwks))
		}
		return keys.keyHint(err)
	}
	tok, verr := v.VerifyAt(e.ctx, token, now())
	if verr != nil && tok == nil {
		if !e.json {
			verr = claimHint(verr, token, &pf)
		}
		return rejected(verr)
	}
	if e.json {
		out := map[string]any{
			"valid":  verr == nil,
			"header": json.RawMessage(tok.Header.JSON()),
			"claims": json.RawMessage(tok.Claims.JSON()),
			"kid":    tok.Key.KeyID(),
		}
		if verr != nil {
			out["error"] = map[string]string{"code": core.CodeOf(verr).String(), "message": core.MessageOf(verr)}
			writeJSON(e.stdout, out)
			e.json = false // already reported
			return silentError(rejected(verr))
		}
		writeJSON(e.stdout, out)
		return nil
	}
	if verr != nil {
		return rejected(claimHint(verr, token, &pf))
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", indentJSON(tok.Claims.JSON()))
	return err
}

// silentError carries an exit status for a failure already printed.
func silentError(err error) error { return &quietError{err} }

type quietError struct{ err error }

func (q *quietError) Error() string { return q.err.Error() }
func (q *quietError) Unwrap() error { return q.err }
