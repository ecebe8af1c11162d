package transfer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Source is what a sender offers: the manifest and, for each entry, where
// it is on this computer. Make it with Scan.
type Source struct {
	Entries []Entry
	// Total is the sum of the file sizes.
	Total int64
	local []string // the path of each entry on this computer
}

// Files returns the number of regular files in the source.
func (s *Source) Files() int {
	n := 0
	for _, e := range s.Entries {
		if e.Kind == File {
			n++
		}
	}
	return n
}

// Scan lists what sending paths means: each file under its base name, each
// folder with everything beneath it (symbolic links inside folders are sent
// as links; a link named on the command line is followed). It fails with
// ErrSource when a path does not exist or cannot be read, holds something
// that is neither file, folder nor link (a device, a socket), or when two
// paths have the same base name.
func Scan(paths []string) (*Source, error) {
	s := &Source{}
	top := map[string]string{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %v", ErrSource, p, err)
		}
		base := filepath.Base(abs)
		if base == string(filepath.Separator) || base == "." {
			return nil, fmt.Errorf("%w: %q: the root folder has no name to send it under; send the folders inside it", ErrSource, p)
		}
		if other, dup := top[collisionKey(base)]; dup {
			return nil, fmt.Errorf("%w: %q and %q would both arrive as %q; send their folders, or rename one", ErrSource, other, p, base)
		}
		top[collisionKey(base)] = p
		fi, err := os.Stat(abs) // a link given by name is followed
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %q does not exist", ErrSource, p)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %v", ErrSource, p, unwrapPath(err))
		}
		if !fi.IsDir() {
			if err := s.add(abs, filepath.ToSlash(base), fi); err != nil {
				return nil, err
			}
			continue
		}
		err = filepath.WalkDir(abs, func(local string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("%w: %v", ErrSource, err)
			}
			rel, err := filepath.Rel(filepath.Dir(abs), local)
			if err != nil {
				return fmt.Errorf("%w: %q: %v", ErrSource, local, err)
			}
			fi, err := d.Info()
			if err != nil {
				return fmt.Errorf("%w: %v", ErrSource, err)
			}
			return s.add(local, filepath.ToSlash(rel), fi)
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// add appends one entry.
func (s *Source) add(local, name string, fi fs.FileInfo) error {
	e := Entry{Name: name}
	switch m := fi.Mode(); {
	case m.IsRegular():
		e.Kind, e.Size, e.Exec = File, fi.Size(), m.Perm()&0o100 != 0
		s.Total += e.Size
	case m.IsDir():
		e.Kind = Folder
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(local)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrSource, err)
		}
		e.Kind, e.Target = Link, filepath.ToSlash(target)
	default:
		return fmt.Errorf("%w: %q is a %s, not a file, folder or link; leave it out", ErrSource, local, kindOf(m))
	}
	s.Entries = append(s.Entries, e)
	s.local = append(s.local, local)
	return nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}
