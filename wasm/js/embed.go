// Package js holds the files of the JS package (@jwtwasm/jwtwasm) that a
// browser loads, so that Go programs can serve them: the token inspector
// page of package web embeds them through [Files].
//
// The package exists only for go:embed, which cannot reach a file outside
// the directory of the Go package that embeds it. Embedding the files here,
// where they are written, means the page served by "jwtwasm serve" runs
// exactly the committed package: no copy to keep in step, and nothing to
// check for drift.
package js

import (
	"embed"
	"io/fs"
)

//go:embed jwtwasm.mjs instance.mjs pool.mjs wasi.mjs
var files embed.FS

// Files holds jwtwasm.mjs and the modules it imports (instance.mjs,
// pool.mjs, wasi.mjs) at its root: what a browser fetches. Tests, type
// declarations and package.json are left out.
var Files fs.FS = files
