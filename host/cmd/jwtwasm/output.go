package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
)

// outputFile is -o FILE on the commands that print a token, a report or
// a payload (sign, verify, inspect, thumbprint, jws sign, jws verify):
// what would go to stdout goes to FILE instead, written whole (a temporary
// file renamed into place) with mode 0600, since a token is a credential.
//
// Such a file may replace an existing one: rerunning "sign -o token.jwt"
// is the common case. A file that holds key material (a PEM key, a JWK or
// a JWKS) is never replaced without --force, so that a slip such as
// "sign --key key.pem -o key.pem" cannot destroy a key. Key files written
// by keygen and jwks are never replaced without --force at all.
type outputFile struct {
	path  string
	force bool

	stdout io.Writer     // the real stdout, while output is captured
	buf    *bytes.Buffer // what the command printed
}

func (o *outputFile) addFlags(fs *flag.FlagSet, what string) {
	fs.StringVar(&o.path, "o", "", "write "+what+" to `FILE` (mode 0600) instead of stdout")
	fs.BoolVar(&o.force, "force", false, "replace the -o file even if it holds a key")
}

// start checks the flags and, with -o FILE, captures what the command
// prints until run hands the error to flushOutput.
func (o *outputFile) start(e *env, fs *flag.FlagSet) error {
	if err := refuseForceWithoutOutput(fs, o.path); err != nil {
		return err
	}
	if o.path == "" || o.path == "-" {
		return nil
	}
	if !o.force && holdsKey(o.path) {
		return withHint(inputError("%q holds a key; not replacing it", o.path), "use --force to replace it")
	}
	o.stdout, o.buf = e.stdout, &bytes.Buffer{}
	e.stdout, e.output = o.buf, o
	return nil
}

// flushOutput ends the capture of -o FILE: it writes the output, if the
// command succeeded or printed a report of its failure (verify --json),
// and returns err, or the write's error.
func (e *env) flushOutput(err error) error {
	o := e.output
	if o == nil {
		return err
	}
	e.stdout, e.output = o.stdout, nil
	var rej *rejection
	if err != nil && o.buf.Len() == 0 && e.json && errors.As(err, &rej) {
		// The --json report of a rejected token is the output.
		writeJSONError(o.buf, asCLIError(err))
		e.json = false
		err = silentError(err)
	}
	if err != nil && o.buf.Len() == 0 {
		return err
	}
	if !o.force && holdsKey(o.path) { // it may have appeared meanwhile
		return withHint(inputError("%q holds a key; not replacing it", o.path), "use --force to replace it")
	}
	if werr := atomicWrite(o.path, o.buf.Bytes(), 0o600, true); werr != nil {
		return werr
	}
	return err
}

// holdsKey reports whether path is a file that holds key material: a PEM
// key block, a JWK or a JWKS.
func holdsKey(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxInput))
	if err != nil {
		return false
	}
	return bytes.Contains(data, []byte("-----BEGIN ")) && bytes.Contains(data, []byte(" KEY-----")) || jsonKeyKind(data) != ""
}
