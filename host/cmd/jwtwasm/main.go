// Command jwtwasm makes keys, signs, verifies and inspects asymmetric JWTs.
//
// Run "jwtwasm help" for the commands, "jwtwasm COMMAND --help" for one.
// Exit status: 0 success (a valid token), 1 a rejected token, 2 a usage or
// input error. Errors go to stderr as "jwtwasm: <code>: <message>".
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	closeSharedRuntime(context.Background())
	os.Exit(code)
}
