package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPackageDocLinks keeps the package doc true: every [Name] and
// [Type.Method] it links to must be an exported identifier of this package,
// so a rename or a removal fails here rather than leaving a dead link.
func TestPackageDocLinks(t *testing.T) {
	fset := token.NewFileSet()
	names := map[string]bool{}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Doc != nil {
			doc += f.Doc.Text()
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
					continue
				}
				recv := d.Recv.List[0].Type
				if s, ok := recv.(*ast.StarExpr); ok {
					recv = s.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					names[id.Name+"."+d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	if doc == "" {
		t.Fatal("no package doc found")
	}
	if _, err := os.Stat("doc.go"); err != nil {
		t.Fatalf("the package doc lives in doc.go: %v", err)
	}
	links := regexp.MustCompile(`\[\*?([A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)?)\]`).FindAllStringSubmatch(doc, -1)
	if len(links) == 0 {
		t.Fatal("the package doc links to nothing")
	}
	for _, l := range links {
		if !names[l[1]] {
			t.Errorf("package doc links to [%s], which is not an identifier of package core", l[1])
		}
	}
}
