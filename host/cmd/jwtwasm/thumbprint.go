package main

import (
	"fmt"
)

const thumbprintAbout = `
Print the RFC 7638 JWK SHA-256 thumbprint (base64url) of each key in a PEM,
JWK or JWKS file: the default kid of keys this tool makes. A private key has
the thumbprint of its public key. For a set, each line is "thumbprint kid".`

const thumbprintExamples = `  jwtwasm thumbprint public.pem
  jwtwasm thumbprint signing.jwks
  curl -s https://issuer.example/.well-known/jwks.json | jwtwasm thumbprint -`

func runThumbprint(e *env, args []string) error {
	fs := newFlags(e, "thumbprint", "[flags] FILE|-", thumbprintAbout, thumbprintExamples)
	var passFile, engineName string
	engineFlag(fs, &engineName)
	fs.StringVar(&passFile, "passphrase-file", "", "`FILE` holding the passphrase of an encrypted private key")
	var out outputFile
	out.addFlags(fs, "the thumbprints")
	pos, eng, err := begin(e, fs, args, &out, &engineName, oneArgument("thumbprint takes one FILE or -"))
	if err != nil {
		return err
	}
	ks := keySources{key: pos[0], passphraseFile: passFile}
	doc, err := ks.document(e)
	if err != nil {
		return err
	}
	infos, err := eng.Thumbprints(e.ctx, doc.keys, doc.opts()...)
	if err != nil {
		return ks.keyHint(err)
	}
	for _, k := range infos {
		if len(infos) == 1 {
			fmt.Fprintln(e.stdout, k.Thumbprint)
		} else {
			fmt.Fprintf(e.stdout, "%s %s\n", k.Thumbprint, k.KeyID)
		}
	}
	return nil
}
