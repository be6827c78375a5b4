package main

import (
	"fmt"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/core/ops"
)

const jwksAbout = `
Work with key sets (JWKS, RFC 7517 §5).

  public FILE|-       print the set to publish: public keys only, never a
                      private member, secrets left out
  merge FILE...       print the public union of several keys or sets, each
                      key once; two different keys under one kid are an error
  rotate FILE         add a fresh active key to a signing set and keep the
                      previous keys, public only, for verification; FILE is
                      replaced atomically

A signing set has its active private key first; "jwtwasm sign --key FILE"
signs with it, and new tokens carry its kid.`

const jwksExamples = `  jwtwasm jwks public signing.jwks > public.jwks
  jwtwasm jwks merge public.jwks partner.pem > trusted.jwks
  jwtwasm jwks rotate signing.jwks
  jwtwasm jwks rotate --alg RS256 --bits 3072 --keep 2 signing.jwks`

func runJWKS(e *env, args []string) error {
	if len(args) == 0 {
		return withHint(usageError("jwks needs a subcommand: public, merge or rotate"), "run \"jwtwasm jwks --help\"")
	}
	switch args[0] {
	case "public":
		return runJWKSPublic(e, args[1:])
	case "merge":
		return runJWKSMerge(e, args[1:])
	case "rotate":
		return runJWKSRotate(e, args[1:])
	case "-h", "-help", "--help", "help":
		newFlags(e, "jwks", "public|merge|rotate [flags] FILE...", jwksAbout, jwksExamples).Usage()
		return errHelp
	}
	return withHint(usageError("unknown jwks subcommand %q: want public, merge or rotate", args[0]), "run \"jwtwasm jwks --help\"")
}

func printSet(e *env, set *core.KeySet, out string, force bool) error {
	b, err := set.MarshalJSON()
	if err != nil {
		return err
	}
	return writeOutput(e, out, append(indentJSON(b), '\n'), 0o644, force)
}

func runJWKSPublic(e *env, args []string) error {
	fs := newFlags(e, "jwks public", "[flags] FILE|-", jwksAbout, jwksExamples)
	var passFile, out string
	var force bool
	fs.StringVar(&passFile, "passphrase-file", "", "`FILE` holding the passphrase of an encrypted private key")
	fs.StringVar(&out, "o", "", "write to `FILE` instead of stdout")
	fs.BoolVar(&force, "force", false, "replace the output file if it exists")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("jwks public takes one FILE or -, got %d arguments", len(pos))
	}
	ks := keySources{key: pos[0], passphraseFile: passFile}
	set, err := ks.load(e)
	if err != nil {
		return err
	}
	pub := set.Public()
	if pub.Len() == 0 {
		return inputError("%s holds only HMAC secrets, which are never published", displayName(pos[0]))
	}
	return printSet(e, pub, out, force)
}

func runJWKSMerge(e *env, args []string) error {
	fs := newFlags(e, "jwks merge", "[flags] FILE...", jwksAbout, jwksExamples)
	var passFile, out string
	var force bool
	fs.StringVar(&passFile, "passphrase-file", "", "`FILE` holding the passphrase of encrypted private keys")
	fs.StringVar(&out, "o", "", "write to `FILE` instead of stdout")
	fs.BoolVar(&force, "force", false, "replace the output file if it exists")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError("jwks merge takes one or more FILEs")
	}
	var sets []*core.KeySet
	for _, p := range pos {
		ks := keySources{key: p, passphraseFile: passFile}
		set, err := ks.load(e)
		if err != nil {
			return withHint(err, fmt.Sprintf("while reading %s", displayName(p)))
		}
		sets = append(sets, set.Public())
	}
	merged, err := core.MergeKeySets(sets...)
	if err != nil {
		return err
	}
	return printSet(e, merged, out, force)
}

func runJWKSRotate(e *env, args []string) error {
	fs := newFlags(e, "jwks rotate", "[flags] FILE", jwksAbout, jwksExamples)
	var kp keyParamFlags
	kp.addFlags(fs)
	var keep int
	var out string
	var force bool
	fs.IntVar(&keep, "keep", 0, "keep at most `N` retiring keys (default: keep all)")
	fs.StringVar(&out, "o", "", "write the rotated set to `FILE` instead of replacing the input")
	fs.BoolVar(&force, "force", false, "replace the -o file if it exists")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] == "-" {
		return usageError("jwks rotate takes one key set FILE")
	}
	if keep < 0 {
		return usageError("--keep %d: want 0 or more", keep)
	}
	if samePath(out, pos[0]) {
		out = "" // -o naming the input: rotate it in place
	}
	if err := refuseExisting(out, force); err != nil {
		return err
	}
	ks := keySources{key: pos[0]}
	set, err := ks.load(e)
	if err != nil {
		return err
	}
	active := set.Active()
	if active == nil {
		return withHint(inputError("%s has no active private key: it is not a signing set", displayName(pos[0])),
			"make one with: jwtwasm keygen --format jwks -o FILE")
	}
	req, err := kp.request(active)
	if err != nil {
		return err
	}
	next, err := ops.GenerateKey(&req)
	if err != nil {
		return err
	}
	rotated, err := set.Rotate(next, keep)
	if err != nil {
		return err
	}
	b, err := rotated.MarshalJSON()
	if err != nil {
		return err
	}
	// The input set is replaced in place, as documented; an -o file only
	// with --force.
	dest, replace := pos[0], true
	if out != "" {
		dest, replace = out, force
	}
	if err := atomicWrite(dest, append(indentJSON(b), '\n'), 0o600, replace); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "active key: %s (%s)\n", next.KeyID(), describeKey(next))
	for _, k := range rotated.Keys()[1:] {
		note := ", public only"
		if k.Type() == core.KeyTypeOct {
			note = ""
		}
		fmt.Fprintf(e.stdout, "retiring:   %s (%s%s)\n", k.KeyID(), describeKey(k), note)
	}
	return nil
}
