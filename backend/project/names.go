package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on folders and the file names made from names (see doc.go, "Names
// and limits").
const (
	// MaxFolderDepth is how deep folders may nest: a folder path has at most
	// this many parts. Deeper folders are refused on save and on import, and
	// listed in Problems (with nothing under them loaded) when found on disk.
	MaxFolderDepth = 64
	// MaxFolderPathBytes bounds a folder's path relative to the project, so
	// that the project's own path and a file name still fit in the 4096
	// bytes an operating system takes for a path.
	MaxFolderPathBytes = 1024
	// maxNameBytes is the longest file or directory name common file
	// systems take (ext4, APFS, NTFS: 255).
	maxNameBytes = 255
	// maxSlugBytes and maxSlugRunes bound the base name made from a name:
	// with a "-NNNNN" suffix and the longest extension (".endpoint.yaml") a
	// file name stays far below maxNameBytes.
	maxSlugBytes = 120
	maxSlugRunes = 80
	// maxProbes bounds the search for a free file name (base, base-2, ...).
	maxProbes = 10000
)

// slug turns a name into a file-name-safe base name: lower case, runs of
// other characters (spaces, controls, invisible formatting) as one '-', no
// leading '.', at most maxSlugRunes characters and maxSlugBytes bytes (cut
// on a character boundary). The name itself is kept inside the file, so a
// shortened slug loses nothing.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r > 127 && r != utf8.RuneError && !unicode.IsControl(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r)
		if ok && !(r == '.' && b.Len() == 0) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-.")
	n := 0
	for i, r := range s {
		if n == maxSlugRunes || i+utf8.RuneLen(r) > maxSlugBytes {
			s = strings.TrimRight(s[:i], "-.")
			break
		}
		n++
	}
	if s == "" {
		s = "endpoint"
	}
	return s
}

// probeName calls taken with base+ext, then base-2+ext, base-3+ext, ...
// and returns the first name it reports free. Any error from taken ends the
// search with that error (a name the file system refuses is never "free"
// and never "taken": it stops the loop), as does running past maxProbes.
func probeName(base, ext string, taken func(name string) (bool, error)) (string, error) {
	for i := 1; i <= maxProbes; i++ {
		name := base + ext
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		t, err := taken(name)
		if err != nil {
			return "", err
		}
		if !t {
			return name, nil
		}
	}
	return "", fmt.Errorf("no free file name for %s%s after %d tries (%s-2%s … %s-%d%s are taken)", base, ext, maxProbes, base, ext, base, maxProbes, ext)
}

// onDisk reports whether something (a file, a directory, a link, broken
// or not) is at full. An error other than "does not exist" (a name too
// long, a permission denied) is returned, never taken for "free".
func onDisk(full string) (bool, error) {
	_, err := os.Lstat(full)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}

// CheckFolderPath returns an error, naming the path and the rule, unless
// rel (slash-separated, relative to the project) can be a folder that
// loads again: at most MaxFolderDepth parts and MaxFolderPathBytes bytes;
// no empty, "." or ".." part; no part starting with '.' (hidden: never
// loaded) or over 255 bytes; no '\', ':' or control character; valid UTF-8;
// and not environments/ or recordings/ (or a folder inside them).
func CheckFolderPath(rel string) error {
	if rel == "" {
		return errors.New("a folder path is empty")
	}
	if err := checkFolderLimits(rel); err != nil {
		return err
	}
	parts := strings.Split(rel, "/")
	for i, part := range parts {
		err := checkFolderName(part)
		if err == nil && i == 0 && reservedDir(part) {
			err = fmt.Errorf("%q is the project's own %s/ folder, not one for endpoints (choose another name)", part, strings.ToLower(part))
		}
		if err != nil && len(parts) > 1 {
			return fmt.Errorf("folder %s: %w", quoteShort(rel), err)
		}
		if err != nil {
			return fmt.Errorf("folder %w", err)
		}
	}
	return nil
}

// checkFolderLimits applies the depth and length limits (also on load).
func checkFolderLimits(rel string) error {
	if d := strings.Count(rel, "/") + 1; d > MaxFolderDepth {
		return fmt.Errorf("folder %s is %d folders deep: folders nest at most %d deep", quoteShort(rel), d, MaxFolderDepth)
	}
	if len(rel) > MaxFolderPathBytes {
		return fmt.Errorf("folder %s: its path is %d bytes long, at most %d", quoteShort(rel), len(rel), MaxFolderPathBytes)
	}
	return nil
}

func checkFolderName(part string) error {
	switch {
	case part == "":
		return errors.New("path: no empty part (no leading, trailing or doubled '/')")
	case part == "." || part == "..":
		return fmt.Errorf("%q: '.' and '..' are not folder names", part)
	case strings.HasPrefix(part, "."):
		return fmt.Errorf("%s starts with '.': such (hidden) folders are not loaded", quoteShort(part))
	case len(part) > maxNameBytes:
		return fmt.Errorf("name %s is %d bytes long, at most %d", quoteShort(part), len(part), maxNameBytes)
	case !utf8.ValidString(part):
		return fmt.Errorf("%q: not valid UTF-8", part)
	}
	for _, r := range part {
		if r < 0x20 || r == 0x7F || r == '\\' || r == ':' {
			return fmt.Errorf("%q: a folder name cannot contain '\\', ':' or control characters", part)
		}
	}
	return nil
}

// reservedDir reports whether a top-level directory name is one of the
// project's own (any letter case: on a case-insensitive disk they are the
// same directory).
func reservedDir(name string) bool {
	return strings.EqualFold(name, EnvironmentsDir) || strings.EqualFold(name, RecordingsDir)
}

// ReservedFolder reports whether rel is, or is inside, a directory the
// project uses for itself (environments/, recordings/), which cannot hold
// endpoint folders.
func ReservedFolder(rel string) bool {
	top, _, _ := strings.Cut(rel, "/")
	return reservedDir(top)
}

// quoteShort quotes s for a message, cut to its first 40 characters when
// it is longer.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 48 {
		n := 0
		for i := range s {
			if n == 40 {
				return fmt.Sprintf("%q…", s[:i])
			}
			n++
		}
	}
	return fmt.Sprintf("%q", s)
}

// mkdirInside makes the directory rel (slash-separated, relative to the
// project; "" is the project itself) and its parents. It refuses to go
// through a symbolic link or anything else that is not a directory: Load
// does not follow links, so a file written through one would never load,
// and it might land outside the project.
func (p *Project) mkdirInside(rel string) error {
	return p.walkInside(rel, true)
}

// checkInside is mkdirInside without making anything: it fails when a part
// of rel that exists is a link or not a directory.
func (p *Project) checkInside(rel string) error {
	return p.walkInside(rel, false)
}

func (p *Project) walkInside(rel string, mkdir bool) error {
	rel = path.Clean(rel)
	if rel == "." || rel == "" {
		return nil
	}
	if !insideRelative(rel) {
		return fmt.Errorf("%s: not a path inside the project", rel)
	}
	cur := p.Dir
	for _, part := range strings.Split(rel, "/") {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			if !mkdir {
				return nil
			}
			if err = os.Mkdir(cur, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			fi, err = os.Lstat(cur)
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link: nothing is saved through links in a project (Load does not follow them); replace it with a directory", cur)
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", cur)
		}
	}
	return nil
}
