package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Files the command writes. Every file is written whole or not at all: the
// bytes go to a temporary file in the same directory, which then takes the
// file's name. Without --force an existing file is never replaced: the
// temporary file is linked to the name, which fails if the name exists,
// so there is no moment between a check and the write.

// writeOutput writes data to path, or to stdout for "" or "-". It refuses
// to replace a file unless force.
func writeOutput(e *env, path string, data []byte, mode os.FileMode, force bool) error {
	if path == "" || path == "-" {
		_, err := e.stdout.Write(data)
		return err
	}
	return atomicWrite(path, data, mode, force)
}

// refuseExisting returns an error if path (a file, not stdout) exists and
// force is not set. Commands call it before slow work, such as making a
// key, so that a refusal comes first; the write itself checks again.
func refuseExisting(path string, force bool) error {
	if force || path == "" || path == "-" {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return existsError(path)
	}
	return nil
}

func existsError(path string) error {
	return withHint(inputError("%q exists; not replacing it", path), "use --force to replace it")
}

// samePath reports whether a and b name one file: the same path once
// cleaned and made absolute, or, when both exist, the same file.
func samePath(a, b string) bool {
	if a == "" || b == "" || a == "-" || b == "-" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == bb {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// atomicWrite writes data to path through a temporary file in the same
// directory; see pendingFile.
func atomicWrite(path string, data []byte, mode os.FileMode, replace bool) error {
	p, err := prepareFile(path, data, mode, replace)
	if err != nil {
		return err
	}
	return p.commit()
}

// pendingFile is a file written to a temporary name, waiting to take its
// own: commands that write two files (a key and its public part) write
// both before either appears.
type pendingFile struct {
	path, tmp string
	replace   bool
}

// prepareFile writes data, with mode, to a temporary file beside path.
func prepareFile(path string, data []byte, mode os.FileMode, replace bool) (*pendingFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, inputError("cannot write %s", describePathErr(path, err))
	}
	p := &pendingFile{path: path, tmp: f.Name(), replace: replace}
	err = f.Chmod(mode)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		p.abort()
		return nil, inputError("cannot write %q: %v", path, err)
	}
	return p, nil
}

// commit gives the temporary file its name. Without replace it fails if
// the name exists.
func (p *pendingFile) commit() error {
	defer p.abort() // no-op once the file has its name
	if p.replace {
		if err := os.Rename(p.tmp, p.path); err != nil {
			return inputError("cannot write %q: %v", p.path, err)
		}
		return nil
	}
	err := os.Link(p.tmp, p.path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return existsError(p.path)
	}
	// A file system without hard links: check, then rename.
	if _, serr := os.Lstat(p.path); serr == nil {
		return existsError(p.path)
	}
	if err := os.Rename(p.tmp, p.path); err != nil {
		return inputError("cannot write %q: %v", p.path, err)
	}
	return nil
}

// abort removes the temporary file, if it is still there.
func (p *pendingFile) abort() { os.Remove(p.tmp) }
