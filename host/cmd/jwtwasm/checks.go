package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jwtwasm/jwtwasm/core"
)

// isPEM reports whether data holds a PEM block.
func isPEM(data []byte) bool { return bytes.Contains(data, []byte("-----BEGIN ")) }

// isEncryptedPEM reports whether data holds an encrypted PEM private key:
// PKCS#8 "ENCRYPTED PRIVATE KEY" or a legacy block with a Proc-Type
// header.
func isEncryptedPEM(data []byte) bool {
	return bytes.Contains(data, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----")) ||
		bytes.Contains(data, []byte("Proc-Type: 4,ENCRYPTED"))
}

// tokenText trims a token read from source (a file, "-" for standard
// input, or "" for an argument) and strips a "Bearer " prefix, as pasted
// from an Authorization header (RFC 6750 §2.1; the scheme is
// case-insensitive). Nothing at all is an input error, not a malformed
// token.
func tokenText(s, source string) (string, error) {
	s = strings.TrimSpace(s)
	const scheme = "Bearer"
	if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) &&
		(len(s) == len(scheme) || s[len(scheme)] == ' ' || s[len(scheme)] == '\t') {
		s = strings.TrimSpace(s[len(scheme):])
	}
	if s == "" {
		switch source {
		case "-":
			return "", withHint(inputError("no token on standard input"), "pipe the token in, or pass it as an argument")
		case "":
			return "", inputError("the token argument is empty")
		}
		return "", inputError("%q holds no token: it is empty", source)
	}
	return s, nil
}

// readSecret reads an HMAC secret file, refusing an empty one and one that
// holds a key document: a public key used as an HMAC secret lets anyone
// who has the public key forge tokens (RFC 8725 §3.1).
func readSecret(e *env, path string) ([]byte, error) {
	data, err := readSource(e, path)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, &cliError{code: core.CodeInvalidKey, msg: fmt.Sprintf("secret file %s is empty", displayName(path))}
	}
	what := ""
	switch {
	case isPEM(data):
		what = "a PEM key"
	default:
		if kind := jsonKeyKind(data); kind != "" {
			what = kind
		}
	}
	if what == "" {
		return data, nil
	}
	return nil, &cliError{
		code: core.CodeInvalidKey,
		msg:  fmt.Sprintf("secret file %s holds %s, not a raw HMAC secret: a key used as an HMAC secret is the algorithm-confusion attack (RFC 8725 §3.1)", displayName(path), what),
		hints: []string{
			"give a key file with --key FILE (or --jwks FILE) and its own algorithm, e.g. --alg RS256 or ES256",
			"an HMAC secret in a JWK (kty \"oct\") is read with --key FILE",
		},
	}
}

// jsonKeyKind returns "a JWK" or "a JWKS" if data is a JSON object with a
// "kty" or a "keys" member, or "".
func jsonKeyKind(data []byte) string {
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '{' {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(t, &m) != nil {
		return ""
	}
	if _, ok := m["keys"]; ok {
		return "a JWKS"
	}
	if _, ok := m["kty"]; ok {
		return "a JWK"
	}
	return ""
}

// goMinRSABits is the smallest RSA key Go's crypto/rsa signs or verifies
// with (Go 1.24 and later refuse smaller keys unless GODEBUG=rsa1024min=0),
// whatever --allow-weak-keys says.
const goMinRSABits = 1024

// refuseUnusableRSA returns a weak_key error if doc holds an RSA key
// smaller than goMinRSABits. --allow-weak-keys lets keys of 1024 to 2047
// bits through core's own check, but below 1024 bits crypto/rsa refuses
// every signature: signing would fail as an internal error and every
// verification as a bad signature. A document that does not parse is left
// to the engine to report.
func refuseUnusableRSA(doc keyDocument) error {
	var opts []core.KeyOption
	if len(doc.passphrase) > 0 {
		opts = append(opts, core.WithPassphrase(doc.passphrase))
	}
	set, err := core.ParseKeySet(doc.keys, opts...)
	if err != nil {
		return nil
	}
	for _, k := range set.Keys() {
		if k.Type() == core.KeyTypeRSA && k.Bits() < goMinRSABits {
			return withHint(&cliError{code: core.CodeWeakKey,
				msg: fmt.Sprintf("RSA key %q has %d bits: Go's crypto/rsa refuses keys under %d bits, even with --allow-weak-keys", k.KeyID(), k.Bits(), goMinRSABits)},
				"--allow-weak-keys accepts RSA keys of 1024 to 2047 bits only; make a new key with: jwtwasm keygen --type rsa")
		}
	}
	return nil
}

// weakKeyCheck runs refuseUnusableRSA when --allow-weak-keys is set
// (without it, core refuses every RSA key under 2048 bits itself).
func weakKeyCheck(allowWeak bool, doc keyDocument) error {
	if !allowWeak {
		return nil
	}
	return refuseUnusableRSA(doc)
}

// claimHint adds hints to a verdict that has a fix in a flag, chosen by
// the error's codes and by what the (signature-checked) token holds.
func claimHint(verr error, token string, pf *policyFlags) error {
	if core.CodeOf(verr) == core.CodeBadAudience && len(pf.aud) == 0 {
		return withHint(verr, "name the audience this verifier serves with --aud AUD, or accept any with --ignore-aud")
	}
	if !errors.Is(verr, core.CodeMissingClaim) {
		return verr
	}
	if !pf.allowNoExp && !tokenHasClaim(token, "exp") {
		verr = withHint(verr, "if this issuer's tokens have no exp on purpose, accept them with --allow-no-exp (such a token never expires)")
	}
	if pf.maxAge > 0 && !tokenHasClaim(token, "iat") {
		verr = withHint(verr, "--max-age needs an iat claim; drop --max-age for tokens without one")
	}
	return verr
}

// tokenHasClaim reports whether a compact token's payload is a JSON object
// with member name. It decodes without checking anything: use it only to
// choose a hint.
func tokenHasClaim(token, name string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return false
	}
	_, ok := m[name]
	return ok
}

// A passphrase applies only where a PEM private key is written or read.
// JWTWASM_PASSPHRASE is set once for a shell and so is ignored wherever
// it does not apply; --passphrase-file is given for one command and so is
// refused there, as a flag that does nothing.

// writePassphrase returns the passphrase to encrypt a key written in
// format with, or nil.
func writePassphrase(e *env, file, format string) ([]byte, error) {
	if format != "pem" {
		if file != "" {
			return nil, usageError("--passphrase-file does not apply to --format %s: only a PEM private key is encrypted", format)
		}
		return nil, nil
	}
	return passphrase(e, file)
}

// passphraseApplies refuses --passphrase-file for a key source that is
// never a PEM: a secret, a JWKS URL, or (with data) a JWK or JWKS file.
func (k *keySources) passphraseApplies(data []byte) error {
	if k.passphraseFile == "" {
		return nil
	}
	switch {
	case k.secretFile != "":
		return usageError("--passphrase-file does not apply to --secret-file: a raw secret is not encrypted")
	case k.jwks != "" && isURL(k.jwks):
		return usageError("--passphrase-file does not apply to a JWKS URL: a published key set holds no private key")
	case data != nil && !isPEM(data):
		path := k.key
		if path == "" {
			path = k.jwks
		}
		return usageError("--passphrase-file does not apply to %s: it is not a PEM file, and only PEM private keys are encrypted", displayName(path))
	}
	return nil
}
