package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// bindingsFile, in the store's Dir, records which project folders may use
// the secrets of which project id. Its name starts with a dot, which no
// project id does, so it never meets a project's secrets file.
const bindingsFile = ".bindings.json"

const bindingsSchema = 1

type bindings struct {
	Schema int `json:"schema"`
	// Projects maps a project id to the real paths of the folders allowed
	// to use its secrets.
	Projects map[string][]string `json:"projects"`
}

// DemoID is the id of the built-in demo project (backend/demo), fixed and
// public: Default lets only the demo folder under the configuration
// directory use its secrets without asking.
const DemoID = "streamscope-demo"

// TrustCommand is the command that lets a folder use the secrets of the
// project id it claims (see FileStore.Trust).
const TrustCommand = "streamscope env trust"

// UntrustedError is the answer for a project folder that claims an id
// whose secrets belong to other folders: a copy, a moved project, or a
// foreign project that copied the id. Nothing of those secrets is read or
// written for it until the user trusts it (FileStore.Trust).
type UntrustedError struct {
	Dir string // the folder asking (real path)
	ID  string
	// Owners are the folders allowed to use the id's secrets; none when
	// the secrets were stored before they were bound to folders (then any
	// folder must be trusted once: which one stored them is not known).
	Owners []string
}

func (e *UntrustedError) Error() string {
	if len(e.Owners) == 0 {
		return fmt.Sprintf("the secrets of project id %q were stored before streamscope bound secrets to project folders, so it cannot tell whether %s is the project that stored them; if it is, run: %s %s",
			e.ID, printable(e.Dir), TrustCommand, shellQuote(e.Dir))
	}
	owners := make([]string, len(e.Owners))
	for i, o := range e.Owners {
		owners[i] = printable(o)
	}
	return fmt.Sprintf("the secrets of project id %q belong to %s, not to %s (a copy or a moved project?); to let this folder use them run: %s %s",
		e.ID, strings.Join(owners, ", "), printable(e.Dir), TrustCommand, shellQuote(e.Dir))
}

// printable returns a path as is, or Go-quoted when it holds a control
// character (an error line must not drive the terminal).
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strconv.Quote(s)
}

// shellQuote quotes a path for a shell command line to copy (Go-quoted
// when it holds a control character).
func shellQuote(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return strconv.Quote(s)
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// RealDir returns dir as an absolute path with every symbolic link
// resolved: what binds a folder to its secrets.
func RealDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("project folder: %w", err)
	}
	return filepath.Clean(real), nil
}

// Reserve makes dir the one folder that may use the secrets of project id
// id without being trusted first, even when no folder uses them yet (the
// demo's fixed id and the demo folder: Default reserves them).
func (s *FileStore) Reserve(id, dir string) {
	if s.reserved == nil {
		s.reserved = map[string]string{}
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	s.reserved[id] = filepath.Clean(dir)
}

// reservedFor returns the folder reserved for id (links resolved when it
// exists) and whether there is one.
func (s *FileStore) reservedFor(id string) (string, bool) {
	dir, ok := s.reserved[id]
	if !ok {
		return "", false
	}
	if real, err := RealDir(dir); err == nil {
		return real, true
	}
	return dir, true
}

func (s *FileStore) readBindings() (*bindings, error) {
	p := filepath.Join(s.Dir, bindingsFile)
	b := &bindings{Schema: bindingsSchema, Projects: map[string][]string{}}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, b); err != nil {
		return nil, fmt.Errorf("%s: %v (fix or remove it; the secrets themselves are not in it)", p, err)
	}
	if b.Schema < 1 || b.Schema > bindingsSchema {
		return nil, fmt.Errorf("%s: schema %d is not one this streamscope understands (1..%d)", p, b.Schema, bindingsSchema)
	}
	if b.Projects == nil {
		b.Projects = map[string][]string{}
	}
	return b, nil
}

// errUnbound is allowed's answer for an id that no folder uses yet: the
// folder may store secrets for it (and is then bound to it), but a value
// already stored for it was stored before secrets were bound to folders and
// is not handed out until the user trusts a folder.
var errUnbound = errors.New("secrets: no folder is bound to this project id yet")

// allowed says whether the folder real may use the secrets of id as b
// records them: nil when it is bound to id or reserved for it, errUnbound
// when no folder uses id yet, else an *UntrustedError.
func (s *FileStore) allowed(b *bindings, real, id string) error {
	folders := b.Projects[id]
	reserved, isReserved := s.reservedFor(id)
	switch {
	case samePath(reserved, real) || slices.ContainsFunc(folders, func(f string) bool { return samePath(f, real) }):
		return nil
	case len(folders) > 0:
		return &UntrustedError{Dir: real, ID: id, Owners: folders}
	case isReserved:
		return &UntrustedError{Dir: real, ID: id, Owners: []string{reserved}}
	}
	return errUnbound
}

// bind records, under the store's lock, that the folder real uses the
// secrets of id, when allowed says it may; trust binds it whatever the
// case and forgets the folders of id that no longer exist. It returns the
// other folders bound to id.
func (s *FileStore) bind(real, id string, trust bool) (others []string, err error) {
	if !validID(id) {
		return nil, fmt.Errorf("project id %q is not valid (letters, digits, '-' and '_')", id)
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	b, err := s.readBindings()
	if err != nil {
		return nil, err
	}
	if !trust {
		if err := s.allowed(b, real, id); err != nil && err != errUnbound {
			return nil, err
		}
	}
	bound := false
	for _, f := range b.Projects[id] {
		if samePath(f, real) {
			bound = true
			continue
		}
		if trust {
			if st, err := os.Stat(f); err != nil || !st.IsDir() {
				continue // moved away: forgotten
			}
		}
		others = append(others, f)
	}
	if bound && !trust {
		return others, nil
	}
	b.Projects[id] = append(slices.Clone(others), real)
	return others, writeJSON(filepath.Join(s.Dir, bindingsFile), b)
}

func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// Project returns the secrets of the project in the folder dir, whose
// streamscope.yaml gives id. The folder must be allowed to use them: it
// was bound to id before, it is reserved for id, or the user trusted it.
// When no folder is bound to id yet, the store is unbound: the folder may
// store secrets (its first Set or Delete binds it: a new project), but a
// value found for id was stored before secrets were bound to folders and
// Get answers an *UntrustedError instead until the user trusts a folder
// (any folder could claim that id). Else the error is an *UntrustedError
// naming the folders the secrets belong to and the command that trusts
// this one; nothing is read or written.
func (s *FileStore) Project(dir, id string) (*ProjectStore, error) {
	real, err := RealDir(dir)
	if err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, fmt.Errorf("project id %q is not valid (letters, digits, '-' and '_')", id)
	}
	b, err := s.readBindings()
	if err != nil {
		return nil, err
	}
	switch err := s.allowed(b, real, id); err {
	case nil:
		return &ProjectStore{store: s, id: id, dir: real}, nil
	case errUnbound:
		return &ProjectStore{store: s, id: id, dir: real, unbound: true}, nil
	default:
		return nil, err
	}
}

// Trust lets the folder dir use the secrets of project id id (what its
// streamscope.yaml says), alongside the folders already using them; a
// folder that no longer exists loses them (a moved project). It returns
// the other folders that use them.
func (s *FileStore) Trust(dir, id string) (others []string, err error) {
	real, err := RealDir(dir)
	if err != nil {
		return nil, err
	}
	return s.bind(real, id, true)
}

// Check says, without binding anything, whether dir may use the secrets
// of id now: nil when it may or when no folder is bound to id yet, an
// *UntrustedError when it must be trusted first. (For an unbound id, a
// value stored before the binding is refused on lookup: CheckProject.)
func (s *FileStore) Check(dir, id string) error {
	real, err := RealDir(dir)
	if err != nil {
		return err
	}
	if !validID(id) {
		return fmt.Errorf("project id %q is not valid (letters, digits, '-' and '_')", id)
	}
	b, err := s.readBindings()
	if err != nil {
		return err
	}
	if err := s.allowed(b, real, id); err != errUnbound {
		return err
	}
	return nil
}
