package main

import (
	"fmt"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

const signAbout = `
Sign claims into a compact JWT with a private key (the active key of a key
set) or an HMAC secret. Registered claims come from flags; custom claims
from --claims as inline JSON, @FILE or - (stdin). A claim given both ways is
an error. The header carries the key's kid and typ "JWT".`

const signExamples = `  jwtwasm sign --key signing.jwks --iss https://issuer.example --aud api --sub alice --exp 15m
  jwtwasm sign --key key.pem --alg PS256 --claims '{"role":"admin","scope":"read:orders"}'
  jwtwasm sign --secret-file secret.bin --alg HS256 --claims @claims.json --exp 1h`

func runSign(e *env, args []string) error {
	fs := newFlags(e, "sign", "[flags]", signAbout, signExamples)
	var keys keySources
	keys.addFlags(fs, false)
	var aud listFlag
	var alg, iss, sub, exp, nbf, iat, jti, claims, kid, typ, now string
	var noExp, noJTI, noIAT, allowWeak bool
	var engineName string
	engineFlag(fs, &engineName)
	fs.StringVar(&alg, "alg", "", "signature `ALG` (default: from the key: RS256, ES256/384/512, EdDSA, HS256)")
	fs.StringVar(&iss, "iss", "", "issuer claim")
	fs.StringVar(&sub, "sub", "", "subject claim")
	fs.Var(&aud, "aud", "audience; repeat or use a comma list for several")
	fs.StringVar(&exp, "exp", "15m", "lifetime (15m, 1h) or expiry time (RFC 3339, Unix seconds)")
	fs.BoolVar(&noExp, "no-exp", false, "leave out exp: the token never expires (not recommended)")
	fs.StringVar(&nbf, "nbf", "", "not-before: offset from now (-30s, 5m) or a time")
	fs.StringVar(&iat, "iat", "", "issued-at time (default: now)")
	fs.BoolVar(&noIAT, "no-iat", false, "leave out iat")
	fs.StringVar(&jti, "jti", "", "token ID (default: 128 random bits)")
	fs.BoolVar(&noJTI, "no-jti", false, "leave out jti")
	fs.StringVar(&claims, "claims", "", "custom claims: a JSON object, @FILE, or - for stdin")
	fs.StringVar(&kid, "kid", "", "header kid (default: the key's kid)")
	fs.StringVar(&typ, "typ", "JWT", "header typ, e.g. at+jwt; empty to leave it out")
	fs.StringVar(&now, "now", "", "sign as of this `TIME` instead of now (RFC 3339 or Unix seconds)")
	fs.BoolVar(&allowWeak, "allow-weak-keys", false, "sign with an RSA key under 2048 bits (legacy only)")
	var out outputFile
	out.addFlags(fs, "the token")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := out.start(e, fs); err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("sign takes no arguments, got %q", pos)
	}
	if err := signFlagsApply(fs); err != nil {
		return err
	}
	eng, err := pickEngine(e, engineName)
	if err != nil {
		return err
	}
	clk, err := clock(now)
	if err != nil {
		return err
	}
	t := clk().Truncate(time.Second)
	reg := core.RegisteredClaims{Issuer: iss, Subject: sub, Audience: aud, ID: jti}
	if !noExp {
		if reg.ExpiresAt, err = parseWhen(exp, t); err != nil {
			return err
		}
		if !reg.ExpiresAt.After(t) {
			return usageError("--exp %s is not in the future", exp)
		}
	}
	if nbf != "" {
		if reg.NotBefore, err = parseWhen(nbf, t); err != nil {
			return err
		}
	}
	if !noIAT {
		reg.IssuedAt = t
		if iat != "" {
			if reg.IssuedAt, err = parseWhen(iat, t); err != nil {
				return err
			}
		}
	}
	if jti == "" && !noJTI {
		reg.ID = core.NewTokenID()
	}
	custom, err := readJSONArg(e, claims)
	if err != nil {
		return err
	}
	payload, err := core.BuildClaims(reg, custom)
	if err != nil {
		return err
	}
	doc, err := keys.document(e)
	if err != nil {
		return err
	}
	if err := weakKeyCheck(allowWeak, doc); err != nil {
		return err
	}
	token, err := host.Sign(e.ctx, eng, doc.keys, payload, append(doc.opts(), signOptions(alg, kid, typ, allowWeak)...)...)
	if err != nil {
		return keys.keyHint(err)
	}
	_, err = fmt.Fprintln(e.stdout, token)
	return err
}

// signOptions turns the sign flags into the engines' options: an empty
// --kid keeps the key's own.
func signOptions(alg, kid, typ string, allowWeak bool) []host.CallOption {
	opts := []host.CallOption{host.WithType(typ)}
	if alg != "" {
		opts = append(opts, host.WithAlgorithm(alg))
	}
	if kid != "" {
		opts = append(opts, host.WithKeyID(kid))
	}
	if allowWeak {
		opts = append(opts, host.AllowWeakKeys())
	}
	return opts
}
