package secrets

import (
	"fmt"
	"path/filepath"
	"sync"

	"github.com/streamscope/streamscope/backend/project"
)

// ProjectStore is the secret store of one project folder, which
// FileStore.Project checked may use the secrets of its id.
type ProjectStore struct {
	store *FileStore
	id    string
	dir   string
}

// Get returns a secret's value and whether it is stored.
func (p *ProjectStore) Get(env, name string) (string, bool, error) {
	return p.store.Get(p.id, env, name)
}

// Set stores a secret's value.
func (p *ProjectStore) Set(env, name, value string) error {
	return p.store.Set(p.id, env, name, value)
}

// Delete removes a secret (no error when it was not stored).
func (p *ProjectStore) Delete(env, name string) error {
	return p.store.Delete(p.id, env, name)
}

// Where says where Set puts values now (FileStore.Where).
func (p *ProjectStore) Where() string { return p.store.Where() }

// Opener returns a function that opens Default(getenv) the first time it
// is called and returns the same store (or error) after that; warn, when
// set, receives the store's warnings.
func Opener(getenv func(string) string, warn func(string)) func() (*FileStore, error) {
	return sync.OnceValues(func() (*FileStore, error) {
		s, err := Default(getenv)
		if err != nil {
			return nil, err
		}
		s.Warn = warn
		return s, nil
	})
}

// OpenProject opens the store through open and returns the secrets of p
// (FileStore.Project), with an error naming streamscope.yaml when p has no
// valid id to key them by.
func OpenProject(p *project.Project, open func() (*FileStore, error)) (*ProjectStore, error) {
	if !validID(p.Meta.ID) {
		return nil, fmt.Errorf("%s: the project has no valid id, so its secrets cannot be keyed", filepath.Join(p.Dir, project.ProjectFile))
	}
	st, err := open()
	if err != nil {
		return nil, err
	}
	return st.Project(p.Dir, p.Meta.ID)
}

// lazySource opens a project's secrets on the first lookup of a secret, so
// a run that needs none never touches the store (nor the keyring).
type lazySource struct {
	get func() (*ProjectStore, error)
}

func (l *lazySource) Get(env, name string) (string, bool, error) {
	ps, err := l.get()
	if err != nil {
		return "", false, err
	}
	return ps.Get(env, name)
}

// NewScope is the scope that resolves the variables of p, the one set-up
// of the CLI and the app: overrides first, then env (nil: none) with its
// secret values from the store that open opens the first time one is
// needed (bound to p's folder: OpenProject), then the process variables
// the user allowed (project.AllowEnvVar) through getenv.
func NewScope(p *project.Project, env *project.Environment, overrides map[string]string, getenv func(string) string, open func() (*FileStore, error)) *project.Scope {
	if overrides == nil {
		overrides = map[string]string{}
	}
	sc := &project.Scope{Overrides: overrides, Env: env, Getenv: getenv}
	if env != nil && open != nil {
		sc.Secrets = &lazySource{get: sync.OnceValues(func() (*ProjectStore, error) { return OpenProject(p, open) })}
	}
	return sc
}
