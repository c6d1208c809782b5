package project

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Size limits of the files a project loads. A larger file is reported (it
// is not read), so a file that is huge by mistake or on purpose cannot eat
// the memory of the app or the CLI.
const (
	// MaxYAMLFile bounds streamscope.yaml, endpoint, folder and environment
	// files. A YAML parser holds 50-120 bytes per input byte at its worst.
	MaxYAMLFile = 4 << 20
	// MaxScriptFile bounds a post-processor script.
	MaxScriptFile = 4 << 20
	// MaxFormFile bounds a file sent as a part of a form body.
	MaxFormFile = 64 << 20
	// MaxRecordingFile bounds a recording (recordings/NAME.jsonl).
	MaxRecordingFile = 256 << 20
)

// OpenRegular opens name for reading, following links, and fails unless it
// is a regular file of at most limit bytes: a named pipe is opened without
// blocking and refused, as are devices (/dev/zero), sockets and
// directories. The error names the file and what it is.
func OpenRegular(name string, limit int64) (*os.File, error) {
	f, err := openNonBlocking(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, fileType(st.Mode()))}
	}
	if st.Size() > limit {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: tooLarge(st.Size(), limit)}
	}
	return f, nil
}

// ErrNotRegular is wrapped by the error for a file a project cannot load
// because it is not a regular file (a pipe, a device, a directory).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file over its size limit.
var ErrTooLarge = errors.New("file too large")

// ErrOutside is wrapped by the error for a path that leads out of the
// project folder (through a link or "..").
var ErrOutside = errors.New("outside the project folder")

func tooLarge(size, limit int64) error {
	return fmt.Errorf("%w: %s, more than the %s allowed", ErrTooLarge, sizeText(size), sizeText(limit))
}

// ReadRegular reads a regular file of at most limit bytes (see OpenRegular).
// A file that grows past limit while it is read is refused too.
func ReadRegular(name string, limit int64) ([]byte, error) {
	f, err := OpenRegular(name, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: tooLarge(int64(len(data)), limit)}
	}
	return data, nil
}

func fileType(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// fileReason is the text of a FileError for a read that failed: the
// underlying reason without the path (the FileError names it).
func fileReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readError is the FileError of a read of full that failed with err.
func readError(full string, err error) *FileError {
	return &FileError{Path: full, Reason: fileReason(err), err: err}
}

// readProjectFile reads a file the project loads: a regular file of at
// most limit bytes whose real location (after links) is inside the
// project folder. A failure is a *FileError naming full.
func (p *Project) readProjectFile(full string, limit int64) ([]byte, error) {
	real, err := p.inside(full)
	if err != nil {
		return nil, readError(full, err)
	}
	data, err := ReadRegular(real, limit)
	if err != nil {
		return nil, readError(full, err)
	}
	return data, nil
}

// inside resolves the links in full and returns the real path when it is
// inside the project folder (itself resolved); otherwise an error wrapping
// ErrOutside that says where it leads.
func (p *Project) inside(full string) (string, error) {
	root, err := filepath.EvalSymlinks(p.Dir)
	if err != nil {
		return "", err
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", err
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", &fs.PathError{Op: "open", Path: full, Err: fmt.Errorf("links %w (to %s)", ErrOutside, real)}
	}
	return real, nil
}
