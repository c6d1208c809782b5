package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/streamscope/streamscope/backend/project"
)

// Store keeps secret values by project id, environment and variable name.
type Store interface {
	Get(projectID, env, name string) (value string, ok bool, err error)
	Set(projectID, env, name, value string) error
	Delete(projectID, env, name string) error
}

var _ project.SecretSource = (*FileStore)(nil)

// FileStore is a Store of 0600 JSON files in Dir, one per project.
type FileStore struct {
	Dir string
}

// fileSchema is the schema of a secrets file.
const fileSchema = 1

type file struct {
	Schema       int                          `json:"schema"`
	Project      string                       `json:"project"`
	Environments map[string]map[string]string `json:"environments"`
}

var mu sync.Mutex // serialises read-modify-write of the files in this process

// DefaultDir returns $XDG_CONFIG_HOME/streamscope/secrets, or the same under
// ~/.config (Unix) or the platform's configuration directory. getenv reads
// the environment (nil: os.Getenv).
func DefaultDir(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "streamscope", "secrets"), nil
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, ".config", "streamscope", "secrets"), nil
		}
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory for secrets: %w", err)
	}
	return filepath.Join(dir, "streamscope", "secrets"), nil
}

// Default returns the FileStore in DefaultDir.
func Default(getenv func(string) string) (*FileStore, error) {
	dir, err := DefaultDir(getenv)
	if err != nil {
		return nil, err
	}
	return &FileStore{Dir: dir}, nil
}

func (s *FileStore) path(projectID string) (string, error) {
	if !validID(projectID) {
		return "", fmt.Errorf("project id %q is not valid (letters, digits, '-' and '_')", projectID)
	}
	return filepath.Join(s.Dir, projectID+".json"), nil
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (s *FileStore) read(projectID string) (*file, string, error) {
	p, err := s.path(projectID)
	if err != nil {
		return nil, "", err
	}
	f := &file{Schema: fileSchema, Project: projectID, Environments: map[string]map[string]string{}}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return f, p, nil
	}
	if err != nil {
		return nil, p, err
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, p, fmt.Errorf("%s: permissions %04o are too open; secrets must be private (chmod 600 %s)", p, st.Mode().Perm(), p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, p, err
	}
	if err := json.Unmarshal(data, f); err != nil {
		return nil, p, fmt.Errorf("%s: %v", p, err)
	}
	if f.Schema < 1 || f.Schema > fileSchema {
		return nil, p, fmt.Errorf("%s: schema %d is not one this streamscope understands (1..%d)", p, f.Schema, fileSchema)
	}
	if f.Environments == nil {
		f.Environments = map[string]map[string]string{}
	}
	return f, p, nil
}

// Get returns a secret's value and whether it is stored.
func (s *FileStore) Get(projectID, env, name string) (string, bool, error) {
	mu.Lock()
	defer mu.Unlock()
	f, _, err := s.read(projectID)
	if err != nil {
		return "", false, err
	}
	v, ok := f.Environments[env][name]
	return v, ok, nil
}

// Set stores a secret's value.
func (s *FileStore) Set(projectID, env, name, value string) error {
	return s.update(projectID, func(f *file) {
		if f.Environments[env] == nil {
			f.Environments[env] = map[string]string{}
		}
		f.Environments[env][name] = value
	})
}

// Delete removes a secret (no error when it was not stored).
func (s *FileStore) Delete(projectID, env, name string) error {
	return s.update(projectID, func(f *file) {
		delete(f.Environments[env], name)
		if len(f.Environments[env]) == 0 {
			delete(f.Environments, env)
		}
	})
}

// Names lists the stored secret names of one environment, sorted.
func (s *FileStore) Names(projectID, env string) ([]string, error) {
	mu.Lock()
	defer mu.Unlock()
	f, _, err := s.read(projectID)
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range f.Environments[env] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (s *FileStore) update(projectID string, change func(*file)) error {
	mu.Lock()
	defer mu.Unlock()
	f, p, err := s.read(projectID)
	if err != nil {
		return err
	}
	change(f)
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(s.Dir, 0o700); err != nil {
		return err
	}
	return project.WriteFileAtomic(p, append(data, '\n'), 0o600)
}
