// Package authn decides whether an HTTP request may pass, from the JWT it
// carries: the request-authentication engine under both the http-wasm
// proxy plugin (wasm/plugin) and the net/http middleware, which are thin
// adapters over it, so the two answer every request alike.
//
// It is transport-neutral. A [Request] is a method, a request target and a
// header getter; a [Decision] says which request headers to remove (on
// every path: the headers claims are forwarded in can never come from the
// client), and then either which to set before forwarding or what to
// answer: a status, an RFC 6750 WWW-Authenticate challenge and a small
// JSON body.
//
// The parts:
//
//   - config.go: [Config], the JSON schema every front end reads, and its
//     validation, which names the field that is wrong.
//   - engine.go: [New] builds a core.Verifier per issuer (with its
//     verified-token cache) and reads key files again on a schedule.
//   - decide.go: [Engine.Authenticate], provider choice by "iss" and the
//     RFC 6750 answers.
//   - sources.go: where tokens are found (headers, cookies, query) and how
//     they are stripped.
//   - forward.go: claims rendered as header values.
//   - paths.go: skip and optional paths, matched only on paths the
//     upstream cannot read differently.
//
// Like core, it reads no file, no network and no clock of its own: the
// front end passes them in [Options].
package authn
