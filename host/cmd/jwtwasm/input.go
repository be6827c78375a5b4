package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
)

// maxInput bounds any file or stream the command reads: the largest key
// document plus room, far above any token.
const maxInput = core.MaxKeySetSize + 64<<10

// passphraseEnv names the environment variable that may hold the
// passphrase of an encrypted private key.
const passphraseEnv = "JWTWASM_PASSPHRASE"

func inputError(format string, args ...any) error {
	return &cliError{code: core.CodeInvalidArgument, msg: fmt.Sprintf(format, args...)}
}

// readSource reads path, or stdin for "-", up to maxInput bytes.
func readSource(e *env, path string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, inputError("cannot read %s", describePathErr(path, err))
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, inputError("reading %s: %v", displayName(path), err)
	}
	if len(data) > maxInput {
		return nil, &cliError{code: core.CodeTooLarge, msg: fmt.Sprintf("%s is over %d bytes", displayName(path), maxInput)}
	}
	return data, nil
}

func displayName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return strconv.Quote(path)
}

func describePathErr(path string, err error) string {
	switch {
	case os.IsNotExist(err):
		return fmt.Sprintf("%q: no such file", path)
	case os.IsPermission(err):
		return fmt.Sprintf("%q: permission denied", path)
	}
	return fmt.Sprintf("%q: %v", path, err)
}

// readToken takes the token from the one positional argument: "-" for
// stdin, the name of a file holding it, or the token itself.
func readToken(e *env, args []string) (string, error) {
	switch len(args) {
	case 0:
		return "", withHint(inputError("no token given"), "pass the token, a file holding it, or - to read standard input")
	case 1:
	default:
		return "", inputError("want one token, got %d arguments", len(args))
	}
	arg := args[0]
	if arg == "-" || isFile(arg) {
		data, err := readSource(e, arg)
		if err != nil {
			return "", err
		}
		return tokenText(string(data), arg)
	}
	if strings.Count(arg, ".") < 2 {
		if _, err := os.Stat(arg); err != nil && (strings.ContainsAny(arg, `/\`) || filepath.Ext(arg) != "") {
			return "", inputError("cannot read %s", describePathErr(arg, err))
		}
		return "", inputError("%q is neither a file nor a token", arg)
	}
	return tokenText(arg, "")
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// passphrase returns the passphrase from --passphrase-file or the
// environment, or nil.
func passphrase(e *env, file string) ([]byte, error) {
	if file != "" {
		data, err := readSource(e, file)
		if err != nil {
			return nil, err
		}
		p := bytes.TrimRight(data, "\r\n")
		if len(p) == 0 {
			return nil, inputError("passphrase file %q is empty", file)
		}
		return p, nil
	}
	if p := os.Getenv(passphraseEnv); p != "" {
		return []byte(p), nil
	}
	return nil, nil
}

// keySources are the flags that say where keys come from.
type keySources struct {
	key            string // --key: PEM, JWK or JWKS file
	jwks           string // --jwks: file or URL
	secretFile     string // --secret-file: raw HMAC secret
	passphraseFile string
	timeout        time.Duration
	allowHTTP      bool // --allow-http: fetch --jwks over plain http from a host that is not loopback

	// encrypted is set by document when the key document holds an
	// encrypted PEM private key and no passphrase was given: the
	// situation in which keyHint names the passphrase flags.
	encrypted bool
}

// addFlags registers the key flags; verification also takes --jwks.
func (k *keySources) addFlags(fs *flag.FlagSet, verifying bool) {
	fs.StringVar(&k.key, "key", "", "key `FILE`: PEM (PKCS#1, PKCS#8, SEC1, SPKI, certificate), JWK or JWKS")
	fs.StringVar(&k.secretFile, "secret-file", "", "HMAC shared secret `FILE`, used as raw bytes")
	fs.StringVar(&k.passphraseFile, "passphrase-file", "", "`FILE` holding the passphrase of an encrypted private key (or set "+passphraseEnv+")")
	if verifying {
		fs.StringVar(&k.jwks, "jwks", "", "key set `FILE|URL`: a JWKS file, or an http(s) URL to fetch it from")
		fs.DurationVar(&k.timeout, "timeout", 10*time.Second, "time limit for fetching --jwks from a URL")
		fs.BoolVar(&k.allowHTTP, "allow-http", false, "fetch --jwks over plain http from a host that is not loopback (keys an attacker on the path can replace)")
	}
}

// document returns the key document the flags name, and the passphrase,
// as the engines take them. Exactly one source is allowed.
func (k *keySources) document(e *env) (keyDocument, error) {
	n := 0
	for _, s := range []string{k.key, k.jwks, k.secretFile} {
		if s != "" {
			n++
		}
	}
	if n == 0 {
		return keyDocument{}, withHint(inputError("no key given"), "use --key FILE, --jwks FILE|URL or --secret-file FILE")
	}
	if n > 1 {
		return keyDocument{}, inputError("give only one of --key, --jwks and --secret-file")
	}
	if err := k.passphraseApplies(nil); err != nil {
		return keyDocument{}, err
	}
	switch {
	case k.secretFile != "":
		// A raw secret becomes a JWK, the form every engine reads.
		data, err := readSecret(e, k.secretFile)
		if err != nil {
			return keyDocument{}, err
		}
		key, err := core.NewSecretKey(data)
		if err != nil {
			return keyDocument{}, err
		}
		jwk, err := key.MarshalJWK()
		if err != nil {
			return keyDocument{}, err
		}
		return keyDocument{keys: jwk}, nil
	case k.jwks != "" && isURL(k.jwks):
		data, err := fetchJWKS(e.ctx, k.jwks, k.timeout, k.allowHTTP)
		if err != nil {
			return keyDocument{}, err
		}
		return keyDocument{keys: data}, nil
	}
	path := k.key
	if path == "" {
		path = k.jwks
	}
	data, err := readSource(e, path)
	if err != nil {
		return keyDocument{}, err
	}
	if err := k.passphraseApplies(data); err != nil {
		return keyDocument{}, err
	}
	pass, err := passphrase(e, k.passphraseFile)
	if err != nil {
		return keyDocument{}, err
	}
	k.encrypted = pass == nil && isEncryptedPEM(data)
	return keyDocument{keys: data, passphrase: pass}, nil
}

// load returns the key set the flags name, parsed natively (for the key
// set commands, which are not engine operations).
func (k *keySources) load(e *env) (*core.KeySet, error) {
	doc, err := k.document(e)
	if err != nil {
		return nil, err
	}
	var opts []core.KeyOption
	if len(doc.passphrase) > 0 {
		opts = append(opts, core.WithPassphrase(doc.passphrase))
	}
	set, err := core.ParseKeySet(doc.keys, opts...)
	if err != nil {
		return nil, k.keyHint(err)
	}
	return set, nil
}

// keyHint adds a hint naming the fix to key errors that have one, chosen
// by the error's code and what document saw, never by its message.
func (k *keySources) keyHint(err error) error {
	if core.CodeOf(err) == core.CodeInvalidKey && k.encrypted {
		return withHint(err, "use --passphrase-file FILE or set "+passphraseEnv)
	}
	return err
}

// parseTime reads an RFC 3339 time or Unix seconds.
func parseTime(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, inputError("time %q: want RFC 3339 (2026-01-02T15:04:05Z) or Unix seconds", s)
	}
	return t, nil
}

// parseWhen reads a time relative to now ("15m", "-1h") or absolute.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(d), nil
	}
	return parseTime(s)
}

// clock returns the --now time, or the real clock.
func clock(now string) (func() time.Time, error) {
	if now == "" {
		return time.Now, nil
	}
	t, err := parseTime(now)
	if err != nil {
		return nil, err
	}
	return func() time.Time { return t }, nil
}

// readJSONArg reads inline JSON, @file, or - for stdin. An empty file or
// stdin is an error: it is more likely a failed pipeline than "no claims".
func readJSONArg(e *env, arg string) ([]byte, error) {
	path := ""
	switch {
	case arg == "":
		return nil, nil
	case arg == "-":
		path = "-"
	case strings.HasPrefix(arg, "@"):
		path = arg[1:]
	default:
		return []byte(arg), nil
	}
	data, err := readSource(e, path)
	if err == nil && len(bytes.TrimSpace(data)) == 0 {
		return nil, inputError("%s is empty: want a JSON object", displayName(path))
	}
	return data, err
}

func writeJSON(w io.Writer, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintf(w, "{\"valid\":false,\"error\":{\"code\":\"internal\",\"message\":%q}}\n", err.Error())
		return
	}
	w.Write(append(b, '\n'))
}

// indentJSON pretty-prints raw JSON, or returns it unchanged if it is not
// JSON.
func indentJSON(raw []byte) []byte {
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return raw
	}
	return b.Bytes()
}
