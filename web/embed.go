// Package web is the token inspector page: plain HTML, CSS and ES modules
// that decode, verify and make JWTs in the browser with the jwtwasm module,
// embedded so that "jwtwasm serve" serves it from its own binary.
//
// Most programs need [Site], the whole tree as the page expects it on a
// server, and [CSP], the Content-Security-Policy to send with every file.
// [Files] is the page's own files alone.
package web

import (
	"embed"
	"io/fs"
	"path"
	"strings"
	"testing/fstest"

	"github.com/jwtwasm/jwtwasm/wasm/blob"
	"github.com/jwtwasm/jwtwasm/wasm/js"
)

//go:embed index.html style.css app.mjs worker.mjs sw.js manifest.webmanifest icon.svg icon-maskable.svg
var files embed.FS

// Files holds the page's own files at its root: index.html, style.css,
// app.mjs (the page's script), worker.mjs (the Web Worker that runs the
// module), sw.js (the service worker), manifest.webmanifest and the icons.
var Files fs.FS = files

// CSP is the Content-Security-Policy of the page. The page makes no
// request but to its own origin and to key set and discovery URLs the user
// types (https, or plain http on loopback); scripts are its own files, and
// 'wasm-unsafe-eval' lets them compile the module. index.html carries the
// same policy in a meta tag, without frame-ancestors, which a meta tag
// cannot set; a test checks that the two agree.
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
	"connect-src 'self' https: http://127.0.0.1:* http://localhost:*; " +
	"style-src 'self'; img-src 'self'; manifest-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Site returns the page as served: [Files] at the root, the JS package
// (package js of wasm/js) under js/, and the module under
// blob/jwtwasm.wasm, where jwtwasm.mjs looks for it by default
// (../blob/jwtwasm.wasm from js/).
//
// The tree is made in memory on each call; the file contents are shared,
// not copied.
func Site() fs.FS {
	site := fstest.MapFS{"blob/jwtwasm.wasm": &fstest.MapFile{Data: blob.Module, Mode: 0o444}}
	add := func(prefix string, fsys fs.FS) {
		err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			site[path.Join(prefix, name)] = &fstest.MapFile{Data: data, Mode: 0o444}
			return nil
		})
		if err != nil {
			// Embedded files are always readable.
			panic("web: reading embedded files: " + err.Error())
		}
	}
	add(".", Files)
	add("js", js.Files)
	return site
}

// ContentType returns the Content-Type to serve name with, by its
// extension, or "" for a file the page does not have.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".mjs", ".js":
		return "text/javascript; charset=utf-8"
	case ".wasm":
		return "application/wasm"
	case ".webmanifest":
		return "application/manifest+json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	return ""
}

// MetaCSP returns the policy the page's meta tag must carry: [CSP] without
// the directives a meta tag cannot set.
func MetaCSP() string {
	var keep []string
	for _, d := range strings.Split(CSP, ";") {
		d = strings.TrimSpace(d)
		if d != "" && !strings.HasPrefix(d, "frame-ancestors") {
			keep = append(keep, d)
		}
	}
	return strings.Join(keep, "; ")
}
