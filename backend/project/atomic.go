package project

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// tempPrefix starts the name of every temporary file WriteFileAtomic makes.
// Loading skips such files (they start with a dot), so a write cut short by a
// killed process never shows up as a project file.
const tempPrefix = ".streamscope-tmp-"

var fileLocks sync.Map // absolute path -> *sync.Mutex

// lockFile serialises writers of one path within this process and returns
// the unlock function.
func lockFile(path string) func() {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	m, _ := fileLocks.LoadOrStore(abs, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// WriteFileAtomic replaces path with data so that a reader (or a process
// started after a crash) sees either the old content or the new one, never
// a mix: the data goes to a temporary file in the same directory, which is
// fsynced, renamed over path, and then the directory itself is fsynced.
// Writers of the same path are serialised. perm applies to a new file; an
// existing file keeps being replaced with perm too.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	unlock := lockFile(path)
	defer unlock()
	return writeFileAtomicLocked(path, data, perm)
}

func writeFileAtomicLocked(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	// The temporary name does not grow with path's: a name near the file
	// system's limit (255 bytes) must still be writable.
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: fsync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Some platforms cannot open a
// directory for syncing; that is not an error there.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !isUnsupportedSync(err) {
		return fmt.Errorf("fsync directory %s: %w", dir, err)
	}
	return nil
}

func isUnsupportedSync(err error) bool {
	s := err.Error()
	return strings.Contains(s, "invalid argument") || strings.Contains(s, "not supported") || strings.Contains(s, "Access is denied")
}

// isTempName reports whether a directory entry is a leftover temporary file.
func isTempName(name string) bool { return strings.HasPrefix(name, tempPrefix) }
