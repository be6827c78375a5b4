package main

import (
	"flag"
	"fmt"

	"github.com/jwtwasm/jwtwasm/core"
)

const jwksAbout = `
Work with key sets (JWKS, RFC 7517 §5).

  public FILE|-       print the set to publish: public keys only, never a
                      private member, secrets left out
  merge FILE...       print the public union of several keys or sets, each
                      key once; two different keys under one kid are an error
  rotate FILE         make a fresh key active and keep the previous keys,
                      public only, for verification; if a key is staged,
                      make that one active instead of a fresh one
  rotate --stage FILE add a fresh key, published but not yet signing
  retire FILE KID     keep key KID public only: tokens it signed still
                      verify, and it signs no more
  remove FILE KID     drop key KID: tokens it signed no longer verify
                      (a kid may start with "-": put -- before it)

A signing set has its active private key first; "jwtwasm sign --key FILE"
signs with it, and new tokens carry its kid. A staged key is a private key
second in the set: "jwks public" publishes it, so verifiers can fetch it
before any token carries its kid, and a plain "jwks rotate" later makes it
active. Secrets cannot be staged. rotate, retire and remove replace FILE
atomically (or write -o FILE), and never touch the active key otherwise.
--keep N keeps at most N retiring keys after the active (and staged) key;
--keep 0 keeps none.`

const jwksExamples = `  jwtwasm jwks public signing.jwks > public.jwks
  jwtwasm jwks merge public.jwks partner.pem > trusted.jwks
  jwtwasm jwks rotate signing.jwks
  jwtwasm jwks rotate --stage signing.jwks   # publish, wait for caches, then:
  jwtwasm jwks rotate signing.jwks           # the staged key signs from now on
  jwtwasm jwks rotate --alg RS256 --bits 3072 --keep 2 signing.jwks
  jwtwasm jwks retire signing.jwks -- 1XXI_owceTvTipm5E3MNU8GnjPemORDoYUJcBTUeofY
  jwtwasm jwks remove signing.jwks -- 1XXI_owceTvTipm5E3MNU8GnjPemORDoYUJcBTUeofY`

func runJWKS(e *env, args []string) error {
	if len(args) == 0 {
		return withHint(usageError("jwks needs a subcommand: public, merge, rotate, retire or remove"), "run \"jwtwasm jwks --help\"")
	}
	switch args[0] {
	case "public":
		return runJWKSPublic(e, args[1:])
	case "merge":
		return runJWKSMerge(e, args[1:])
	case "rotate":
		return runJWKSRotate(e, args[1:])
	case "retire", "remove":
		return runJWKSDrop(e, args[0], args[1:])
	case "-h", "-help", "--help", "help":
		newFlags(e, "jwks", "public|merge|rotate|retire|remove [flags] FILE...", jwksAbout, jwksExamples).Usage()
		return errHelp
	}
	return withHint(usageError("unknown jwks subcommand %q: want public, merge, rotate, retire or remove", args[0]), "run \"jwtwasm jwks --help\"")
}

func printSet(e *env, set *core.KeySet, out string, force bool) error {
	b, err := set.MarshalJSON()
	if err != nil {
		return err
	}
	return writeOutput(e, out, append(indentJSON(b), '\n'), 0o644, force)
}

// setFlags are the flags of the jwks commands that read key files and
// write one set.
type setFlags struct {
	passFile, out string
	force         bool
}

// parse registers the flags on fs, parses args and returns the positional
// arguments.
func (f *setFlags) parse(fs *flag.FlagSet, args []string, passUsage string) ([]string, error) {
	fs.StringVar(&f.passFile, "passphrase-file", "", passUsage)
	fs.StringVar(&f.out, "o", "", "write to `FILE` instead of stdout")
	fs.BoolVar(&f.force, "force", false, "replace the output file if it exists")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	return pos, refuseForceWithoutOutput(fs, f.out)
}

func runJWKSPublic(e *env, args []string) error {
	fs := newFlags(e, "jwks public", "[flags] FILE|-", jwksAbout, jwksExamples)
	var f setFlags
	pos, err := f.parse(fs, args, "`FILE` holding the passphrase of an encrypted private key")
	if err != nil {
		return err
	}
	passFile, out, force := f.passFile, f.out, f.force
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
	var f setFlags
	pos, err := f.parse(fs, args, "`FILE` holding the passphrase of encrypted private keys")
	if err != nil {
		return err
	}
	passFile, out, force := f.passFile, f.out, f.force
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
