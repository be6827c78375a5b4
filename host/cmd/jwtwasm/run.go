package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/jwtwasm/jwtwasm/core"
)

// Exit statuses.
const (
	exitOK       = 0
	exitRejected = 1 // the token was refused
	exitUsage    = 2 // bad flags, unreadable input, bad keys
)

// env is what a command works with; tests give it buffers.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	json   bool        // errors as JSON on stdout (verify --json)
	output *outputFile // -o FILE capturing stdout, or nil
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"keygen", "generate a key pair or secret", runKeygen},
		{"sign", "sign claims into a JWT", runSign},
		{"verify", "verify a JWT against keys and a policy", runVerify},
		{"inspect", "decode a JWT without verifying it, with findings", runInspect},
		{"jwks", "public, merge and rotate key sets", runJWKS},
		{"jws", "verify and sign a JWS whose payload is any bytes", runJWS},
		{"thumbprint", "print the RFC 7638 thumbprint of keys", runThumbprint},
		{"serve", "serve the token inspector page, with a demo issuer", runServe},
		{"demo", "walk through the whole flow in a temporary directory", runDemo},
	}
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			return run(ctx, []string{rest[0], "--help"}, stdin, stdout, stderr)
		}
		usage(stdout)
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, "jwtwasm", version())
		return exitOK
	}
	for _, c := range commands {
		if c.name == name {
			return e.finish(e.flushOutput(c.run(e, rest)))
		}
	}
	return e.finish(usageError("unknown command %q: run \"jwtwasm help\" for the list", name))
}

func usage(w io.Writer) {
	fmt.Fprint(w, `jwtwasm signs, verifies and inspects asymmetric JWTs.

Usage:
  jwtwasm COMMAND [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "jwtwasm COMMAND --help" for a command's flags and examples.
Exit status: 0 success, 1 token rejected, 2 usage or input error.
`)
}

// cliError is a failure with a code, a message and optional hints that
// name a fix.
type cliError struct {
	code  core.Code
	msg   string
	hints []string
}

func (e *cliError) Error() string { return e.code.String() + ": " + e.msg }

func usageError(format string, args ...any) error {
	return &cliError{code: core.CodeInvalidArgument, msg: fmt.Sprintf(format, args...)}
}

func withHint(err error, hint string) error {
	var ce *cliError
	if errors.As(err, &ce) {
		ce.hints = append(ce.hints, hint)
		return ce
	}
	return &cliError{code: core.CodeOf(err), msg: core.MessageOf(err), hints: []string{hint}}
}

// rejection marks an error that judges a token (verify's verdict, a token
// inspect cannot decode): only these may exit 1.
type rejection struct{ err error }

func (r *rejection) Error() string { return r.err.Error() }
func (r *rejection) Unwrap() error { return r.err }

func rejected(err error) error {
	if err == nil {
		return nil
	}
	return &rejection{err}
}

// errHelp is returned after a command printed its help.
var errHelp = errors.New("help shown")

// finish prints err as "jwtwasm: code: message" and returns the exit status.
func (e *env) finish(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	// Only a verdict on a token exits 1; a weak key at signing or a key
	// set over the size limit is an input error whatever its code.
	var rej *rejection
	verdict := errors.As(err, &rej)
	var quiet *quietError
	if errors.As(err, &quiet) {
		if verdict && core.CodeOf(quiet.err).IsTokenRejection() {
			return exitRejected
		}
		return exitUsage
	}
	ce := asCLIError(err)
	status := exitUsage
	if verdict && ce.code.IsTokenRejection() {
		status = exitRejected
	}
	if e.json {
		writeJSONError(e.stdout, ce)
		return status
	}
	fmt.Fprintf(e.stderr, "jwtwasm: %s: %s\n", ce.code, oneLine(ce.msg))
	for _, h := range ce.hints {
		fmt.Fprintf(e.stderr, "jwtwasm: hint: %s\n", h)
	}
	return status
}

func asCLIError(err error) *cliError {
	var ce *cliError
	if !errors.As(err, &ce) {
		ce = &cliError{code: core.CodeOf(err), msg: core.MessageOf(err)}
	}
	return ce
}

// writeJSONError writes the --json document of a failure.
func writeJSONError(w io.Writer, ce *cliError) {
	writeJSON(w, map[string]any{
		"valid": false,
		"error": map[string]string{"code": ce.code.String(), "message": ce.msg},
	})
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// newFlags returns a flag set whose help prints the command's synopsis,
// description and examples, then its flags in --double-dash form.
func newFlags(e *env, name, synopsis, about, examples string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := e.stdout
		fmt.Fprintf(w, "Usage: jwtwasm %s %s\n\n%s\n", name, synopsis, strings.TrimSpace(about))
		fmt.Fprintf(w, "\nFlags:\n")
		var lines []string
		fs.VisitAll(func(f *flag.Flag) { // in name order
			typ, help := flag.UnquoteUsage(f)
			line := "  --" + f.Name
			if len(f.Name) == 1 {
				line = "  -" + f.Name // as typed in the examples: -o FILE
			}
			if typ != "" {
				line += " " + typ
			}
			line += "\n      " + help
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "[]" {
				line += fmt.Sprintf(" (default %s)", f.DefValue)
			}
			lines = append(lines, line)
		})
		if len(lines) == 0 {
			lines = append(lines, "  none")
		}
		fmt.Fprintln(w, strings.Join(lines, "\n"))
		if examples != "" {
			fmt.Fprintf(w, "\nExamples:\n%s\n", strings.TrimRight(examples, "\n"))
		}
	}
	return fs
}

// parseFlags parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	// The flag package calls Usage itself on -h and on every parse error;
	// help goes out once, here, and never after a bad flag.
	help := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = help }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				help()
				return nil, errHelp
			}
			return nil, withHint(usageError("%s", err.Error()), fmt.Sprintf("run \"jwtwasm %s --help\"", fs.Name()))
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// listFlag is a repeatable flag; each use may also hold a comma list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// repeatFlag is a repeatable flag whose values may contain commas.
type repeatFlag []string

func (r *repeatFlag) String() string { return strings.Join(*r, " ") }

func (r *repeatFlag) Set(v string) error {
	*r = append(*r, v)
	return nil
}

func version() string { return "v0.1.0-dev" }
