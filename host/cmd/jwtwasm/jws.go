package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

const jwsAbout = `
Verify or sign a compact JWS whose payload is any bytes, not a JWT.

  verify [flags] TOKEN|FILE|-   check size, the --alg list, crit, the key and
                                the signature, and print the payload bytes;
                                no claim rules apply
  sign [flags] FILE|-           sign the bytes of FILE (or stdin) and print
                                the compact JWS; no "typ" unless --typ

Exit status and errors as for "jwtwasm verify".`

const jwsExamples = `  jwtwasm jws sign --key signing.jwks payload.bin > payload.jws
  jwtwasm jws verify --jwks public.jwks --alg ES256 payload.jws > payload.bin
  jwtwasm jws verify --key public.pem --alg RS256 --json "$TOKEN"`

func runJWS(e *env, args []string) error {
	if len(args) == 0 {
		return withHint(usageError("jws needs a subcommand: verify or sign"), "run \"jwtwasm jws --help\"")
	}
	switch args[0] {
	case "verify":
		return runJWSVerify(e, args[1:])
	case "sign":
		return runJWSSign(e, args[1:])
	case "-h", "-help", "--help", "help":
		newFlags(e, "jws", "verify|sign [flags] ...", jwsAbout, jwsExamples).Usage()
		return errHelp
	}
	return withHint(usageError("unknown jws subcommand %q: want verify or sign", args[0]), "run \"jwtwasm jws --help\"")
}

func runJWSVerify(e *env, args []string) error {
	fs := newFlags(e, "jws verify", "[flags] TOKEN|FILE|-", jwsAbout, jwsExamples)
	var keys keySources
	var algs, crit listFlag
	var maxSize int
	var allowWeak bool
	var engineName, cryptoName, kid string
	keys.addFlags(fs, true)
	fs.Var(&algs, "alg", "accepted algorithms, a comma `LIST` (required)")
	fs.StringVar(&kid, "kid", "", "verify only with the key whose kid is `KID`, however many the key set holds")
	fs.Var(&crit, "crit", "\"crit\" header extensions the caller understands, a comma `LIST`")
	fs.IntVar(&maxSize, "max-size", core.DefaultMaxTokenSize, "largest token accepted, in `bytes`")
	fs.BoolVar(&allowWeak, "allow-weak-keys", false, "accept RSA keys under 2048 bits (legacy only)")
	fs.BoolVar(&e.json, "json", false, "print {\"valid\":…, \"header\":…, \"payload\": base64url, \"error\":…} on stdout")
	engineFlag(fs, &engineName)
	cryptoFlag(fs, &cryptoName)
	var out outputFile
	out.addFlags(fs, "the payload (or the --json report)")
	pos, eng, err := begin(e, fs, args, &out, &engineName,
		func([]string) error { return fetchFlagsApply(fs, &keys) },
		func([]string) error { return checkMaxSize(maxSize) })
	if err != nil {
		return err
	}
	token, err := readToken(e, pos)
	if err != nil {
		return rejected(err)
	}
	if len(algs) == 0 {
		return withHint(usageError("--alg is required: the token's own \"alg\" is never trusted"),
			"name the algorithms the signer uses, e.g. --alg ES256")
	}
	doc, err := keys.document(e)
	if err != nil {
		return err
	}
	if err := weakKeyCheck(allowWeak, doc); err != nil {
		return err
	}
	// The JWS layer has no claims: the verifier's claim rules never run.
	p := core.Policy{Algorithms: algs, Critical: crit, MaxTokenSize: maxSize, AllowWeakKeys: allowWeak, AllowNoExpiry: true, KeyID: kid}
	v, err := eng.NewVerifier(e.ctx, doc.keys, p, append(doc.opts(), host.WithCrypto(cryptoName))...)
	if err != nil {
		return keys.keyHint(err)
	}
	jws, err := v.VerifyJWS(e.ctx, token)
	if err != nil {
		return rejected(err)
	}
	if e.json {
		writeJSON(e.stdout, map[string]any{
			"valid":   true,
			"header":  json.RawMessage(jws.Header.JSON()),
			"payload": base64.RawURLEncoding.EncodeToString(jws.Payload),
			"kid":     jws.Key.KeyID(),
		})
		return nil
	}
	_, err = e.stdout.Write(jws.Payload)
	return err
}

func runJWSSign(e *env, args []string) error {
	fs := newFlags(e, "jws sign", "[flags] FILE|-", jwsAbout, jwsExamples)
	var keys keySources
	var alg, kid, typ, engineName string
	var allowWeak bool
	keys.addFlags(fs, false)
	fs.StringVar(&alg, "alg", "", "signature `ALG` (default: from the key)")
	fs.StringVar(&kid, "kid", "", "header kid (default: the key's kid)")
	fs.StringVar(&typ, "typ", "", "header typ (default: none, the payload is not a JWT)")
	fs.BoolVar(&allowWeak, "allow-weak-keys", false, "sign with an RSA key under 2048 bits (legacy only)")
	engineFlag(fs, &engineName)
	var out outputFile
	out.addFlags(fs, "the JWS")
	pos, eng, err := begin(e, fs, args, &out, &engineName, oneArgument("jws sign takes one FILE or - (the payload)"))
	if err != nil {
		return err
	}
	payload, err := readSource(e, pos[0])
	if err != nil {
		return err
	}
	if len(payload) == 0 {
		return inputError("%s is empty: there is nothing to sign", displayName(pos[0]))
	}
	doc, err := keys.document(e)
	if err != nil {
		return err
	}
	if err := weakKeyCheck(allowWeak, doc); err != nil {
		return err
	}
	s, err := eng.NewSigner(e.ctx, doc.keys, doc.opts()...)
	if err != nil {
		return keys.keyHint(err)
	}
	defer s.Close(e.ctx)
	token, err := s.SignJWS(e.ctx, payload, signOptions(alg, kid, typ, allowWeak)...)
	if err != nil {
		return keys.keyHint(err)
	}
	_, err = fmt.Fprintln(e.stdout, token)
	return err
}
