package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/jwtwasm/jwtwasm/core"
)

const keygenAbout = `
Generate a key: RSA (2048, 3072 or 4096 bits), EC (P-256, P-384, P-521),
Ed25519, or an HMAC secret. Its kid is its RFC 7638 thumbprint unless --kid
says otherwise. Write it as PEM (PKCS#8, or PKCS#1 / SEC1 with --pem-format),
as a JWK, or as a key set (JWKS) ready for "jwtwasm sign" and "jwtwasm jwks
rotate". With --passphrase-file (or JWTWASM_PASSPHRASE) a PEM private key is
encrypted as PKCS#8 with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC).`

const keygenExamples = `  jwtwasm keygen --alg ES256 --format jwks -o signing.jwks
  jwtwasm keygen --type rsa --bits 3072 -o key.pem --pub public.pem
  jwtwasm keygen --type ed25519 --format jwk
  jwtwasm keygen --type ec --curve P-384 --passphrase-file pass.txt -o key.pem
  jwtwasm keygen --type oct --bits 256 --format jwk -o secret.jwk`

// keyParamFlags are the flags that choose a key, shared with jwks rotate.
type keyParamFlags struct {
	typ, curve, alg, kid, use string
	bits                      int
}

func (k *keyParamFlags) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&k.typ, "type", "", "key type: rsa, ec, ed25519 or oct (default ec, or from --alg)")
	fs.IntVar(&k.bits, "bits", 0, "RSA modulus size (2048, 3072, 4096) or secret size (256, 384, 512)")
	fs.StringVar(&k.curve, "curve", "", "EC curve: P-256, P-384 or P-521")
	fs.StringVar(&k.alg, "alg", "", "make a key for `ALG` (e.g. RS256, ES384, EdDSA) and record it in the JWK")
	fs.StringVar(&k.kid, "kid", "", "key ID (default: the RFC 7638 thumbprint)")
	fs.StringVar(&k.use, "use", "sig", "JWK \"use\"; empty to leave it out")
}

// generate makes the key the flags describe; like is the key to resemble
// when no type is given (for rotation), or nil.
func (k *keyParamFlags) generate(like *core.Key) (*core.Key, error) {
	var p core.KeyParams
	switch {
	case k.alg != "":
		var err error
		if p, err = core.KeyParamsFor(k.alg); err != nil {
			return nil, err
		}
		if k.typ != "" && !strings.EqualFold(k.typ, typeFlagName(p.Type)) {
			return nil, usageError("--type %s does not fit --alg %s", k.typ, k.alg)
		}
	case k.typ != "":
		switch strings.ToLower(k.typ) {
		case "rsa":
			p.Type = core.KeyTypeRSA
		case "ec", "ecdsa":
			p.Type = core.KeyTypeEC
		case "ed25519", "okp", "eddsa":
			p.Type = core.KeyTypeOKP
		case "oct", "hmac", "secret":
			p.Type = core.KeyTypeOct
		default:
			return nil, usageError("--type %q: want rsa, ec, ed25519 or oct", k.typ)
		}
	case like != nil:
		p = core.KeyParams{Type: like.Type(), Curve: like.Curve()}
		if t := like.Type(); t == core.KeyTypeRSA || t == core.KeyTypeOct {
			p.Bits = like.Bits()
		}
	default:
		p.Type = core.KeyTypeEC
	}
	if k.bits != 0 {
		p.Bits = k.bits
	}
	if k.curve != "" {
		p.Curve = k.curve
	}
	key, err := core.GenerateKey(p)
	if err != nil {
		return nil, err
	}
	if k.alg != "" {
		if key, err = key.WithAlgorithm(k.alg); err != nil {
			return nil, err
		}
	} else if like != nil && like.Algorithm() != "" && like.Type() == key.Type() && like.Curve() == key.Curve() {
		if key, err = key.WithAlgorithm(like.Algorithm()); err != nil {
			return nil, err
		}
	}
	if k.kid != "" {
		key = key.WithKeyID(k.kid)
	}
	if k.use != "" && key.Type() != core.KeyTypeOct {
		key = key.WithUse(k.use)
	}
	return key, nil
}

func typeFlagName(kty string) string {
	switch kty {
	case core.KeyTypeOKP:
		return "ed25519"
	case core.KeyTypeOct:
		return "oct"
	}
	return strings.ToLower(kty)
}

func runKeygen(e *env, args []string) error {
	fs := newFlags(e, "keygen", "[flags]", keygenAbout, keygenExamples)
	var kp keyParamFlags
	kp.addFlags(fs)
	var format, pemFormat, out, pub, passFile string
	var force bool
	fs.StringVar(&format, "format", "", "output format: pem, jwk or jwks (default pem; jwk for secrets)")
	fs.StringVar(&pemFormat, "pem-format", "pkcs8", "PEM encoding of the private key: pkcs8, pkcs1 (RSA) or sec1 (EC)")
	fs.StringVar(&out, "o", "", "write the private key to `FILE` (mode 0600) instead of stdout")
	fs.StringVar(&pub, "pub", "", "also write the public key to `FILE`, in the same format")
	fs.StringVar(&passFile, "passphrase-file", "", "encrypt the PEM private key with the passphrase in `FILE` (or set "+passphraseEnv+")")
	fs.BoolVar(&force, "force", false, "replace output files that exist")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("keygen takes no arguments, got %q", pos)
	}
	// Check both outputs before writing either: a refusal must not leave a
	// new public key beside the old private key.
	for _, p := range []string{out, pub} {
		if err := refuseExisting(p, force); err != nil {
			return err
		}
	}
	pass, err := passphrase(e, passFile)
	if err != nil {
		return err
	}
	if pass != nil && format != "pem" && format != "" {
		return usageError("only PEM private keys can be encrypted; use --format pem")
	}
	key, err := kp.generate(nil)
	if err != nil {
		return err
	}
	if format == "" {
		format = "pem"
		if key.Type() == core.KeyTypeOct {
			format = "jwk" // a secret has no PEM form
		}
	}
	if pub != "" && key.Type() == core.KeyTypeOct {
		return usageError("an HMAC secret has no public key; drop --pub")
	}
	priv, err := encodeKey(key, format, core.PEMOptions{Format: pemFormat, Passphrase: pass})
	if err != nil {
		return err
	}
	if pub != "" {
		pubData, err := encodeKey(key.Public(), format, core.PEMOptions{})
		if err != nil {
			return err
		}
		if err := writeOutput(e, pub, pubData, 0o644, force); err != nil {
			return err
		}
	}
	if err := writeOutput(e, out, priv, 0o600, force); err != nil {
		return err
	}
	if out != "" {
		fmt.Fprintf(e.stderr, "jwtwasm: wrote %s key %s to %s\n", describeKey(key), key.KeyID(), out)
	}
	return nil
}

// encodeKey writes key as PEM, JWK or a one-key JWKS.
func encodeKey(key *core.Key, format string, o core.PEMOptions) ([]byte, error) {
	switch format {
	case "pem":
		return key.MarshalPEM(o)
	case "jwk":
		b, err := key.MarshalJWK()
		return append(indentJSON(b), '\n'), err
	case "jwks":
		set, err := core.NewKeySet(key)
		if err != nil {
			return nil, err
		}
		b, err := set.MarshalJSON()
		return append(indentJSON(b), '\n'), err
	}
	return nil, usageError("--format %q: want pem, jwk or jwks", format)
}

func describeKey(k *core.Key) string {
	switch k.Type() {
	case core.KeyTypeRSA:
		return fmt.Sprintf("RSA-%d", k.Bits())
	case core.KeyTypeEC:
		return "EC " + k.Curve()
	case core.KeyTypeOKP:
		return "Ed25519"
	}
	return fmt.Sprintf("%d-bit secret", k.Bits())
}
