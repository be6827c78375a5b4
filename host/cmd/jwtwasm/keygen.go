package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

const keygenAbout = `
Generate a key: RSA (2048, 3072 or 4096 bits), EC (P-256, P-384, P-521),
Ed25519, or an HMAC secret. Its kid is its RFC 7638 thumbprint unless --kid
says otherwise. Write it as PEM (PKCS#8, or PKCS#1 / SEC1 with --pem-format),
as a JWK, or as a key set (JWKS) ready for "jwtwasm sign" and "jwtwasm jwks
rotate". With --passphrase-file (or JWTWASM_PASSPHRASE) a PEM private key is
encrypted as PKCS#8 with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC). A JWK or
JWKS is never encrypted: there JWTWASM_PASSPHRASE is ignored and
--passphrase-file refused.`

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

// request turns the flags into key parameters; like is the key to resemble
// when no type is given (for rotation), or nil.
func (k *keyParamFlags) request(like *core.Key) (core.KeyParams, error) {
	r := core.KeyParams{Alg: k.alg, Bits: k.bits, Curve: k.curve, KeyID: k.kid, Use: k.use}
	switch {
	case k.typ != "":
		switch strings.ToLower(k.typ) {
		case "rsa":
			r.Type = core.KeyTypeRSA
		case "ec", "ecdsa":
			r.Type = core.KeyTypeEC
		case "ed25519", "okp", "eddsa":
			r.Type = core.KeyTypeOKP
		case "oct", "hmac", "secret":
			r.Type = core.KeyTypeOct
		default:
			return r, usageError("--type %q: want rsa, ec, ed25519 or oct", k.typ)
		}
		if k.alg != "" {
			if p, err := core.KeyParamsFor(k.alg); err == nil && p.Type != r.Type {
				return r, usageError("--type %s does not fit --alg %s", k.typ, k.alg)
			}
		}
	case k.alg != "":
	case like != nil:
		r.Type = like.Type()
		if r.Curve == "" {
			r.Curve = like.Curve()
		}
		if t := like.Type(); r.Bits == 0 && (t == core.KeyTypeRSA || t == core.KeyTypeOct) {
			r.Bits = like.Bits()
		}
		if like.Algorithm() != "" && r.Curve == like.Curve() {
			r.Alg = like.Algorithm()
		}
	default:
		r.Type = core.KeyTypeEC
	}
	return r, k.applies(r)
}

func runKeygen(e *env, args []string) error {
	fs := newFlags(e, "keygen", "[flags]", keygenAbout, keygenExamples)
	var kp keyParamFlags
	kp.addFlags(fs)
	var format, pemFormat, out, pub, passFile, engineName string
	engineFlag(fs, &engineName)
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
	if samePath(out, pub) {
		return usageError("-o and --pub name the same file %q: the public key would replace the private key", out)
	}
	// Check both outputs before making the key, and write both before
	// either appears: a refusal must not leave a new public key beside the
	// old private key.
	for _, p := range []string{out, pub} {
		if err := refuseExisting(p, force); err != nil {
			return err
		}
	}
	eng, err := pickEngine(e, engineName)
	if err != nil {
		return err
	}
	req, err := kp.request(nil)
	if err != nil {
		return err
	}
	switch format {
	case "", "pem", "jwk", "jwks":
	default:
		return usageError("--format %q: want pem, jwk or jwks", format)
	}
	if format == "" {
		format = "pem"
		if req.Type == core.KeyTypeOct || core.IsSymmetric(req.Alg) {
			format = "jwk" // a secret has no PEM form
		}
	}
	if pub != "" && (req.Type == core.KeyTypeOct || core.IsSymmetric(req.Alg)) {
		return usageError("an HMAC secret has no public key; drop --pub")
	}
	if err := keygenFlagsApply(fs, format, out, pub); err != nil {
		return err
	}
	pass, err := writePassphrase(e, passFile, format)
	if err != nil {
		return err
	}
	var opts []host.CallOption
	if format == "pem" {
		opts = append(opts, host.WithPEMFormat(pemFormat))
	}
	if pass != nil {
		opts = append(opts, host.WithPassphrase(pass))
	}
	res, err := eng.GenerateKey(e.ctx, req, core.KeyFormat(format), opts...)
	if err != nil {
		return err
	}
	if err := writeKeyPair(e, out, []byte(res.Private), pub, []byte(res.Public), force); err != nil {
		return err
	}
	if out != "" {
		fmt.Fprintf(e.stderr, "jwtwasm: wrote %s key %s to %s\n", describeKeyInfo(res.Info.Type, res.Info.Bits, res.Info.Curve), res.Info.KeyID, out)
	}
	return nil
}

func describeKey(k *core.Key) string { return describeKeyInfo(k.Type(), k.Bits(), k.Curve()) }

func describeKeyInfo(kty string, bits int, curve string) string {
	switch kty {
	case core.KeyTypeRSA:
		return fmt.Sprintf("RSA-%d", bits)
	case core.KeyTypeEC:
		return "EC " + curve
	case core.KeyTypeOKP:
		return "Ed25519"
	}
	return fmt.Sprintf("%d-bit secret", bits)
}

// writeKeyPair writes a private key to out (stdout for "") with mode 0600
// and, if pub is set, its public key to pub (stdout for "-") with mode
// 0644. Both files are written before either takes its name; if the second
// cannot take its name, the first is removed again (unless it replaced a
// file, with force).
func writeKeyPair(e *env, out string, private []byte, pub string, public []byte, force bool) error {
	var pending []*pendingFile
	defer func() {
		for _, p := range pending {
			p.abort()
		}
	}()
	for _, f := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{{out, private, 0o600}, {pub, public, 0o644}} {
		if f.path == "" || f.path == "-" {
			continue
		}
		p, err := prepareFile(f.path, f.data, f.mode, force)
		if err != nil {
			return err
		}
		pending = append(pending, p)
	}
	var done []string
	for _, p := range pending {
		if err := p.commit(); err != nil {
			if !force {
				for _, d := range done {
					os.Remove(d)
				}
			}
			return err
		}
		done = append(done, p.path)
	}
	if pub == "-" {
		if _, err := e.stdout.Write(public); err != nil {
			return err
		}
	}
	if out == "" || out == "-" {
		_, err := e.stdout.Write(private)
		return err
	}
	return nil
}
