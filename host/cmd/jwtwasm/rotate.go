package main

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/jwtwasm/jwtwasm/core"
)

// keepFlag is --keep: unset keeps every retiring key, N at most N (0 none).
type keepFlag struct {
	n   int
	set bool
}

func (k *keepFlag) String() string {
	if !k.set {
		return ""
	}
	return strconv.Itoa(k.n)
}

func (k *keepFlag) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("--keep %s: want 0 or more", v)
	}
	k.n, k.set = n, true
	return nil
}

// limit is the keep argument of core's KeySet methods: -1 keeps all.
func (k *keepFlag) limit() int {
	if !k.set {
		return -1
	}
	return k.n
}

// setOutput is where rotate, retire and remove write: the input set,
// replaced in place, or -o FILE, which needs --force to replace a file.
type setOutput struct {
	out   string
	force bool
}

func (o *setOutput) addFlags(fs *flag.FlagSet, what string) {
	fs.StringVar(&o.out, "o", "", "write the "+what+" set to `FILE` instead of replacing the input")
	fs.BoolVar(&o.force, "force", false, "replace the -o file if it exists")
}

// check refuses --force without -o and an existing -o file, early,
// before any work.
func (o *setOutput) check(fs *flag.FlagSet, input string) error {
	if err := refuseForceWithoutOutput(fs, o.out); err != nil {
		return err
	}
	if samePath(o.out, input) {
		o.out = "" // -o naming the input: change it in place
	}
	return refuseExisting(o.out, o.force)
}

func (o *setOutput) write(input string, set *core.KeySet) error {
	b, err := set.MarshalJSON()
	if err != nil {
		return err
	}
	dest, replace := input, true
	if o.out != "" {
		dest, replace = o.out, o.force
	}
	return atomicWrite(dest, append(indentJSON(b), '\n'), 0o600, replace)
}

// setLimitHint names --keep when a set would be over MaxKeySetKeys (the
// only way the KeySet methods return CodeTooLarge).
func setLimitHint(err error) error {
	if core.CodeOf(err) == core.CodeTooLarge {
		return withHint(err, fmt.Sprintf("drop the oldest retiring keys with --keep N, e.g. --keep 5 (a set holds at most %d keys)", core.MaxKeySetKeys))
	}
	return err
}

// loadSigningSet reads the set FILE of rotate, retire and remove.
func loadSigningSet(e *env, path string) (*core.KeySet, error) {
	ks := keySources{key: path}
	set, err := ks.load(e)
	if err != nil {
		return nil, err
	}
	if set.Active() == nil {
		return nil, withHint(inputError("%s has no active private key: it is not a signing set", displayName(path)),
			"make one with: jwtwasm keygen --format jwks -o FILE")
	}
	return set, nil
}

func runJWKSRotate(e *env, args []string) error {
	fs := newFlags(e, "jwks rotate", "[flags] FILE", jwksAbout, jwksExamples)
	var kp keyParamFlags
	kp.addFlags(fs)
	var keep keepFlag
	var stage bool
	var out setOutput
	fs.Var(&keep, "keep", "keep at most `N` retiring keys, 0 for none (default: keep all)")
	fs.BoolVar(&stage, "stage", false, "add the fresh key staged: published, but the active key keeps signing until the next plain rotate")
	out.addFlags(fs, "rotated")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] == "-" {
		return usageError("jwks rotate takes one key set FILE")
	}
	if err := out.check(fs, pos[0]); err != nil {
		return err
	}
	set, err := loadSigningSet(e, pos[0])
	if err != nil {
		return err
	}
	active := set.Active()
	if staged := set.Staged(); staged != nil && !stage {
		// Promote the staged key: it was made, and published, already.
		if given := keyFlagsGiven(fs); given != "" {
			return withHint(usageError("%s does not apply: key %q is staged, and rotate makes it active", given, staged.KeyID()),
				fmt.Sprintf("to use other key parameters, first drop the staged key: jwtwasm jwks remove %s %s", pos[0], staged.KeyID()))
		}
		rotated, err := set.Promote(nil, keep.limit())
		if err != nil {
			return setLimitHint(err)
		}
		if err := out.write(pos[0], rotated); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "active key: %s (%s, was staged)\n", staged.KeyID(), describeKey(staged))
		printRetiring(e, rotated.Keys()[1:])
		return nil
	}
	req, err := kp.request(active)
	if err != nil {
		return err
	}
	if nextSym := req.Type == core.KeyTypeOct || core.IsSymmetric(req.Alg); nextSym != (active.Type() == core.KeyTypeOct) {
		return mixedSetError(pos[0], kp, nextSym)
	}
	next, err := core.GenerateKey(req)
	if err != nil {
		return err
	}
	var rotated *core.KeySet
	if stage {
		rotated, err = set.Stage(next, keep.limit())
	} else {
		rotated, err = set.Promote(next, keep.limit())
	}
	if err != nil {
		return setLimitHint(err)
	}
	if err := out.write(pos[0], rotated); err != nil {
		return err
	}
	if stage {
		fmt.Fprintf(e.stdout, "active key: %s (%s, still signing)\n", active.KeyID(), describeKey(active))
		fmt.Fprintf(e.stdout, "staged key: %s (%s, published, signs after the next rotate)\n", next.KeyID(), describeKey(next))
		printRetiring(e, rotated.Keys()[2:])
		return nil
	}
	fmt.Fprintf(e.stdout, "active key: %s (%s)\n", next.KeyID(), describeKey(next))
	printRetiring(e, rotated.Keys()[1:])
	return nil
}

func printRetiring(e *env, keys []*core.Key) {
	for _, k := range keys {
		note := ", public only"
		if k.Type() == core.KeyTypeOct {
			note = ""
		}
		fmt.Fprintf(e.stdout, "retiring:   %s (%s%s)\n", k.KeyID(), describeKey(k), note)
	}
}

// keyFlagsGiven returns the first key parameter flag given on the command
// line, as "--name", or "".
func keyFlagsGiven(fs *flag.FlagSet) string {
	given := ""
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "type", "bits", "curve", "alg", "kid", "use":
			if given == "" {
				given = "--" + f.Name
			}
		}
	})
	return given
}

// mixedSetError refuses a rotation that would put an HMAC secret and
// asymmetric keys in one set.
func mixedSetError(path string, kp keyParamFlags, nextSym bool) error {
	what := "--alg " + kp.alg
	if kp.alg == "" {
		what = "--type " + kp.typ
	}
	if nextSym {
		return withHint(usageError("%s makes an HMAC secret, but %s holds asymmetric keys: a key set holds one kind of key (RFC 8725 §3.1)", what, displayName(path)),
			"keep secrets in a set of their own: jwtwasm keygen --type oct --format jwks -o FILE")
	}
	return withHint(usageError("%s makes an asymmetric key, but %s holds HMAC secrets: a key set holds one kind of key (RFC 8725 §3.1)", what, displayName(path)),
		"make a new signing set: jwtwasm keygen --format jwks -o FILE")
}

// runJWKSDrop is "jwks retire" and "jwks remove".
func runJWKSDrop(e *env, name string, args []string) error {
	fs := newFlags(e, "jwks "+name, "[flags] FILE KID", jwksAbout, jwksExamples)
	var out setOutput
	out.addFlags(fs, "changed")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] == "-" {
		return usageError("jwks %s takes a key set FILE and a KID, got %d arguments", name, len(pos))
	}
	if err := out.check(fs, pos[0]); err != nil {
		return err
	}
	set, err := loadSigningSet(e, pos[0])
	if err != nil {
		return err
	}
	kid := pos[1]
	k := set.Lookup(kid)
	if k == nil {
		return withHint(inputError("%s has no key %q", displayName(pos[0]), kid), "list its kids with: jwtwasm thumbprint "+pos[0])
	}
	if k == set.Active() {
		return withHint(inputError("key %q is the active signing key of %s", kid, displayName(pos[0])),
			fmt.Sprintf("rotate first (jwtwasm jwks rotate %s), then %s it", pos[0], name))
	}
	var changed *core.KeySet
	if name == "retire" {
		changed, err = set.Retire(kid)
	} else {
		changed, err = set.Remove(kid)
	}
	if err != nil {
		return err
	}
	if err := out.write(pos[0], changed); err != nil {
		return err
	}
	if name == "retire" {
		fmt.Fprintf(e.stdout, "retired: %s (%s, public only)\n", kid, describeKey(k))
	} else {
		fmt.Fprintf(e.stdout, "removed: %s (%s)\n", kid, describeKey(k))
	}
	return nil
}
