package secrets

import (
	"errors"
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
	// unbound: no folder is bound to id yet (FileStore.Project).
	unbound bool
	mu      sync.Mutex
}

// Get returns a secret's value and whether it is stored. In an unbound
// store a value that is there was stored before secrets were bound to
// folders: the answer is an *UntrustedError, not the value.
func (p *ProjectStore) Get(env, name string) (string, bool, error) {
	v, ok, err := p.store.Get(p.id, env, name)
	if err == nil && ok && p.isUnbound() {
		return "", false, &UntrustedError{Dir: p.dir, ID: p.id}
	}
	return v, ok, err
}

func (p *ProjectStore) isUnbound() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.unbound
}

// bindFirst binds an unbound store's folder to its id before its first
// write (a new project storing its first secret).
func (p *ProjectStore) bindFirst() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.unbound {
		return nil
	}
	if _, err := p.store.bind(p.dir, p.id, false); err != nil {
		return err
	}
	p.unbound = false
	return nil
}

// Set stores a secret's value.
func (p *ProjectStore) Set(env, name, value string) error {
	if err := p.bindFirst(); err != nil {
		return err
	}
	return p.store.Set(p.id, env, name, value)
}

// Delete removes a secret (no error when it was not stored).
func (p *ProjectStore) Delete(env, name string) error {
	if err := p.bindFirst(); err != nil {
		return err
	}
	return p.store.Delete(p.id, env, name)
}

// CheckProject says whether the folder of p may use the secrets of its id
// now, as Check does, and for an id no folder is bound to yet also looks
// up p's secret variables: one with a value stored before secrets were
// bound to folders makes the answer an *UntrustedError (a folder must be
// trusted first).
func (s *FileStore) CheckProject(p *project.Project) error {
	if err := s.Check(p.Dir, p.Meta.ID); err != nil {
		return err
	}
	ps, err := s.Project(p.Dir, p.Meta.ID)
	if err != nil || !ps.unbound {
		return err
	}
	for _, env := range p.Environments {
		for _, v := range env.Variables {
			if !v.Secret {
				continue
			}
			if _, _, err := ps.Get(env.Name, v.Name); err != nil {
				var ue *UntrustedError
				if errors.As(err, &ue) {
					return err
				}
			}
		}
	}
	return nil
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
