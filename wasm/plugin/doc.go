// Command plugin is jwtwasm's http-wasm middleware: the proxy plugin that
// Traefik (v3, runtime: wasm) and any other http-wasm host load in front
// of an upstream. It is a thin adapter over core/authn: it reads the
// engine's JSON configuration through the host's get_config, builds the
// engine once per instance, and applies each decision to the request or
// the response. README.md documents its configuration and answers.
//
// It is built with standard Go, GOOS=wasip1 and -buildmode=c-shared (a
// reactor: without c-shared, Go's main returns and every request ends in
// "module closed with exit_code(0)"), on Traefik's fork of the http-wasm
// guest library, whose //go:wasmexport handle_request works under standard
// Go where the upstream TinyGo library exports nothing; go.mod's replace
// directive points the upstream path at the fork. A reactor runs
// _initialize, not main, so the engine is built in init.
//
// What a host gives a guest shapes the code: Traefik's loader provides the
// real wall clock but a fake monotonic one, so nothing here measures
// durations (key files are re-read by wall time; cache entries expire by
// the token's "exp"); its random source is a fixed seed, so nothing here
// needs randomness; and http-wasm has no outbound HTTP, so keys come
// inline or from a file in a directory the proxy mounts (settings.mounts),
// never from a JWKS URL.
package main

// main is empty: the module is a reactor, whose work starts in init
// (plugin.go) and continues in the host's calls to handle_request.
func main() {}
