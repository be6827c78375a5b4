package main

import (
	"flag"
	"fmt"

	"github.com/jwtwasm/jwtwasm/core"
)

// A flag that a combination of flags makes do nothing is refused, not
// ignored: whoever typed it expected it to change something. The checks
// are here, one function per command, called right after its flags parse.

// flagsGiven returns the names of the flags given on the command line.
func flagsGiven(fs *flag.FlagSet) map[string]bool {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given
}

func notApplying(flagName, format string, args ...any) error {
	return usageError("--%s does not apply %s", flagName, fmt.Sprintf(format, args...))
}

// refuseForceWithoutOutput refuses --force when nothing is written to a
// file.
func refuseForceWithoutOutput(fs *flag.FlagSet, out string) error {
	if flagsGiven(fs)["force"] && (out == "" || out == "-") {
		return notApplying("force", "without -o FILE: only an output file is replaced")
	}
	return nil
}

// keygenFlagsApply refuses keygen flags that the chosen format and key
// make do nothing.
func keygenFlagsApply(fs *flag.FlagSet, format, out, pub string) error {
	given := flagsGiven(fs)
	if given["pem-format"] && format != "pem" {
		return notApplying("pem-format", "to --format %s", format)
	}
	if given["force"] && (out == "" || out == "-") && (pub == "" || pub == "-") {
		return notApplying("force", "without -o FILE or --pub FILE: only an output file is replaced")
	}
	return nil
}

// applies refuses --bits and --curve for a key type they do not shape
// (core would silently ignore them).
func (k *keyParamFlags) applies(r core.KeyParams) error {
	typ := r.Type
	if typ == "" && r.Alg != "" {
		if p, err := core.KeyParamsFor(r.Alg); err == nil {
			typ = p.Type
		}
	}
	if k.bits != 0 && typ != "" && typ != core.KeyTypeRSA && typ != core.KeyTypeOct {
		return notApplying("bits", "to %s keys: it sizes RSA keys and HMAC secrets", keyTypeName(typ))
	}
	if k.curve != "" && typ != "" && typ != core.KeyTypeEC {
		return notApplying("curve", "to %s keys: it names an EC curve", keyTypeName(typ))
	}
	return nil
}

func keyTypeName(kty string) string {
	switch kty {
	case core.KeyTypeOKP:
		return "Ed25519"
	case core.KeyTypeOct:
		return "HMAC secret"
	}
	return kty
}

// signFlagsApply refuses a claim flag beside the flag that leaves the
// claim out.
func signFlagsApply(fs *flag.FlagSet) error {
	given := flagsGiven(fs)
	for _, p := range [][2]string{{"exp", "no-exp"}, {"iat", "no-iat"}, {"jti", "no-jti"}} {
		if given[p[0]] && given[p[1]] {
			return usageError("--%s and --%s contradict each other: give one", p[0], p[1])
		}
	}
	return nil
}

// fetchFlagsApply refuses --timeout and --allow-http unless --jwks is a
// URL.
func fetchFlagsApply(fs *flag.FlagSet, k *keySources) error {
	if k.jwks != "" && isURL(k.jwks) {
		return nil
	}
	given := flagsGiven(fs)
	for _, name := range []string{"timeout", "allow-http"} {
		if given[name] {
			return notApplying(name, "without --jwks URL: no key set is fetched")
		}
	}
	return nil
}

// inspectFlagsApply refuses --passphrase-file without --key.
func inspectFlagsApply(keyFile, passFile string) error {
	if passFile != "" && keyFile == "" {
		return notApplying("passphrase-file", "without --key: no key is read")
	}
	return nil
}

// checkMaxSize refuses a --max-size that is not positive (0 is not "the
// default") or over maxTokenSizeLimit.
func checkMaxSize(n int) error {
	switch {
	case n <= 0:
		return withHint(usageError("--max-size %d: want a positive number of bytes", n),
			fmt.Sprintf("the default is %d; leave the flag out to use it", core.DefaultMaxTokenSize))
	case n > core.MaxTokenSizeLimit:
		return usageError("--max-size %d is over the limit of %d bytes (the most the WebAssembly module takes in one call)", n, core.MaxTokenSizeLimit)
	}
	return nil
}
