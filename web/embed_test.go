package web

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestServiceWorkerList checks that sw.js keeps a copy of every file of the
// site, and of nothing else: a file missing from its list breaks the page
// offline; a name in the list that the site lacks fails its install.
func TestServiceWorkerList(t *testing.T) {
	t.Parallel()
	sw, err := fs.ReadFile(Files, "sw.js")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)const FILES = \[(.*?)\];`).FindSubmatch(sw)
	if block == nil {
		t.Fatal("sw.js has no FILES list")
	}
	var listed []string
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(block[1], -1) {
		listed = append(listed, string(m[1]))
	}
	var site []string
	fs.WalkDir(Site(), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && name != "sw.js" {
			site = append(site, name)
		}
		return err
	})
	want := append([]string{"./"}, site...)
	slices.Sort(listed)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Errorf("sw.js lists %q, the site has %q (and ./)", listed, want)
	}
}

// TestMetaCSP checks that index.html's meta tag carries CSP, less what a
// meta tag cannot set.
func TestMetaCSP(t *testing.T) {
	t.Parallel()
	page, err := fs.ReadFile(Files, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	want := `<meta http-equiv="Content-Security-Policy" content="` + MetaCSP() + `">`
	if !strings.Contains(string(page), want) {
		t.Errorf("index.html lacks %s", want)
	}
	if strings.Contains(MetaCSP(), "frame-ancestors") || !strings.Contains(CSP, "frame-ancestors 'none'") {
		t.Errorf("CSP %q, meta %q", CSP, MetaCSP())
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, want string }{
		{"index.html", "text/html; charset=utf-8"},
		{"js/jwtwasm.mjs", "text/javascript; charset=utf-8"},
		{"sw.js", "text/javascript; charset=utf-8"},
		{"blob/jwtwasm.wasm", "application/wasm"},
		{"manifest.webmanifest", "application/manifest+json"},
		{"icon.svg", "image/svg+xml"},
		{"style.css", "text/css; charset=utf-8"},
		{"README.md", ""},
	}
	for _, tt := range tests {
		if got := ContentType(tt.name); got != tt.want {
			t.Errorf("ContentType(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	// Every file of the site has one.
	fs.WalkDir(Site(), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && ContentType(name) == "" {
			t.Errorf("no content type for %s", name)
		}
		return err
	})
}
