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
// It does not check which folder asks: a project's code reaches its
// secrets through FileStore.Project, which does.
type Store interface {
	Get(projectID, env, name string) (value string, ok bool, err error)
	Set(projectID, env, name, value string) error
	Delete(projectID, env, name string) error
}

var (
	_ Store                = (*FileStore)(nil)
	_ project.SecretSource = (*ProjectStore)(nil)
)

// FileStore is a Store of 0600 JSON files in Dir, one per project, with
// the OS keyring in front of them when Keyring is set (Default sets it
// where a keyring is reachable):
//
//   - Set writes to the keyring and removes any copy of the value from the
//     file; when the keyring fails it writes the file instead.
//   - Get reads the file, then the keyring. A value is in a file only when
//     it was written there before the keyring was used or while it was
//     unreachable, so a file entry is never older than a keyring item.
//   - Delete removes the value from both.
//
// A keyring failure (an error, or no answer within its timeout) takes the
// keyring out of use for this FileStore: the files are used from then on and
// Warn, when set, is told once. With Keyring.Required the failure is the
// operation's error instead, and nothing is written to the file.
type FileStore struct {
	Dir string
	// Keyring is the OS keyring in front of the files; nil means files only.
	Keyring *Keyring
	// Warn, when set, receives the one warning that the keyring failed and
	// the files are used, like "secrets: OS keyring unavailable (reason);
	// using /home/u/.config/streamscope/secrets".
	Warn func(message string)

	// reserved maps a project id to the one folder that may use its
	// secrets without being trusted first (Reserve).
	reserved map[string]string
}

// fileSchema is the schema of a secrets file.
const fileSchema = 1

type file struct {
	Schema       int                          `json:"schema"`
	Project      string                       `json:"project"`
	Environments map[string]map[string]string `json:"environments"`
}

var mu sync.Mutex // serialises read-modify-write of the files in this process (with lock across processes)

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

// Default returns the FileStore in DefaultDir, with the OS keyring in front
// of it as OpenKeyring (STREAMSCOPE_SECRETS) decides, and the demo's id
// reserved for the demo folder beside DefaultDir ($XDG_CONFIG_HOME/streamscope/demo). getenv reads the
// environment (nil: os.Getenv). It does not talk to the keyring: the first
// operation does.
func Default(getenv func(string) string) (*FileStore, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	dir, err := DefaultDir(getenv)
	if err != nil {
		return nil, err
	}
	k, err := OpenKeyring(getenv)
	if err != nil {
		return nil, err
	}
	s := &FileStore{Dir: dir, Keyring: k}
	// The demo folder (backend/demo) beside the secrets directory.
	s.Reserve(DemoID, filepath.Join(filepath.Dir(dir), "demo"))
	return s, nil
}

// Where says where Set puts values now: the OS keyring, or the directory of
// the files when there is no keyring or it has failed.
func (s *FileStore) Where() string {
	if s.Keyring != nil && s.Keyring.Down() == nil {
		return fmt.Sprintf("the OS keyring (service %q)", Service)
	}
	return s.Dir
}

// keyring returns the keyring to try, or nil to use only the files.
func (s *FileStore) keyring() *Keyring {
	if s.Keyring == nil || (s.Keyring.Down() != nil && !s.Keyring.Required) {
		return nil
	}
	return s.Keyring
}

// fallBack handles a keyring failure: an error when the keyring is
// required, else nil after the one warning.
func (s *FileStore) fallBack(err error) error {
	var ue *UnavailableError
	if !errors.As(err, &ue) {
		return err
	}
	if s.Keyring.Required {
		return fmt.Errorf("%s=keyring: %w", ModeVar, err)
	}
	if s.Keyring.firstWarning() && s.Warn != nil {
		s.Warn(fmt.Sprintf("secrets: %v; using %s", err, s.Dir))
	}
	return nil
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
	v, ok, err := s.fileGet(projectID, env, name)
	if err != nil || ok {
		return v, ok, err
	}
	k := s.keyring()
	if k == nil {
		return "", false, nil
	}
	acct, err := account(projectID, env, name)
	if err != nil {
		return "", false, err
	}
	v, err = k.get(acct)
	switch {
	case err == nil:
		return v, true, nil
	case errors.Is(err, ErrNotFound):
		return "", false, nil
	}
	return "", false, s.fallBack(err)
}

// Set stores a secret's value.
func (s *FileStore) Set(projectID, env, name, value string) error {
	if k := s.keyring(); k != nil {
		acct, err := account(projectID, env, name)
		if err != nil {
			return err
		}
		err = k.set(acct, value)
		if err == nil {
			return s.fileRemove(projectID, env, name)
		}
		if err := s.fallBack(err); err != nil {
			return err
		}
	}
	return s.update(projectID, func(f *file) bool {
		if f.Environments[env] == nil {
			f.Environments[env] = map[string]string{}
		}
		f.Environments[env][name] = value
		return true
	})
}

// Delete removes a secret (no error when it was not stored).
func (s *FileStore) Delete(projectID, env, name string) error {
	if k := s.keyring(); k != nil {
		acct, err := account(projectID, env, name)
		if err != nil {
			return err
		}
		if err := k.delete(acct); err != nil && !errors.Is(err, ErrNotFound) {
			if err := s.fallBack(err); err != nil {
				return err
			}
		}
	}
	return s.fileRemove(projectID, env, name)
}

func (s *FileStore) fileGet(projectID, env, name string) (string, bool, error) {
	mu.Lock()
	defer mu.Unlock()
	f, _, err := s.read(projectID)
	if err != nil {
		return "", false, err
	}
	v, ok := f.Environments[env][name]
	return v, ok, nil
}

// fileRemove removes a secret from the file, leaving the file untouched
// (or absent) when it does not hold it.
func (s *FileStore) fileRemove(projectID, env, name string) error {
	return s.update(projectID, func(f *file) bool {
		if _, ok := f.Environments[env][name]; !ok {
			return false
		}
		delete(f.Environments[env], name)
		if len(f.Environments[env]) == 0 {
			delete(f.Environments, env)
		}
		return true
	})
}

// Names lists the secret names of one environment stored in the file,
// sorted (the keyring cannot be listed).
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

// update rewrites a project's file when change reports a change, under
// the store's lock (see lock), so that concurrent writers in other
// processes never lose one another's value.
func (s *FileStore) update(projectID string, change func(*file) bool) error {
	if _, err := s.path(projectID); err != nil {
		return err
	}
	if _, err := os.Stat(s.Dir); errors.Is(err, fs.ErrNotExist) {
		// Nothing stored yet: a change that changes nothing (a removal)
		// leaves the directory uncreated.
		if !change(&file{Schema: fileSchema, Project: projectID, Environments: map[string]map[string]string{}}) {
			return nil
		}
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	f, p, err := s.read(projectID)
	if err != nil {
		return err
	}
	if !change(f) {
		return nil
	}
	return writeJSON(p, f)
}

// lock creates Dir (0700) and takes the lock every read-modify-write of
// its files holds, across processes (project.Lock on Dir) and within this
// one.
func (s *FileStore) lock() (func(), error) {
	mu.Lock()
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		mu.Unlock()
		return nil, err
	}
	if err := os.Chmod(s.Dir, 0o700); err != nil {
		mu.Unlock()
		return nil, err
	}
	unlock, err := project.Lock(s.Dir)
	if err != nil {
		mu.Unlock()
		return nil, fmt.Errorf("secret store: %w", err)
	}
	return func() { unlock(); mu.Unlock() }, nil
}

// writeJSON atomically writes v as indented JSON into the private file p.
func writeJSON(p string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return project.WriteFileAtomic(p, append(data, '\n'), 0o600)
}
