package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
)

// EnvironmentView is an environment; secret values are never included.
type EnvironmentView struct {
	Name      string         `json:"name"`
	File      string         `json:"file"`
	Variables []VariableView `json:"variables"`
}

// VariableView is one variable. For a secret, Value is always empty and
// HasValue says whether a value is stored on this machine.
type VariableView struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Secret   bool   `json:"secret"`
	HasValue bool   `json:"hasValue"`
}

// EnvironmentEdit is an environment as the UI saves it.
type EnvironmentEdit struct {
	Name      string         `json:"name"`
	Variables []VariableEdit `json:"variables"`
}

// VariableEdit is one variable to save. A secret's Value goes to the
// secret store outside the project, unless KeepSecret asks to keep the
// value stored now.
type VariableEdit struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	Secret     bool   `json:"secret"`
	KeepSecret bool   `json:"keepSecret"`
}

func (s *ProjectService) envView(p *project.Project, e *project.Environment) EnvironmentView {
	ev := EnvironmentView{Name: e.Name, File: e.File, Variables: []VariableView{}}
	for _, v := range e.Variables {
		vv := VariableView{Name: v.Name, Secret: v.Secret}
		if v.Secret {
			if st := s.secretStore(); st != nil {
				_, ok, _ := st.Get(p.Meta.ID, e.Name, v.Name)
				vv.HasValue = ok
			}
		} else {
			vv.Value, vv.HasValue = v.Value, true
		}
		ev.Variables = append(ev.Variables, vv)
	}
	return ev
}

// secretStore returns the secret store (nil when none can be used: see
// secretStoreErr). Keyring trouble is reported once as "app:problem".
func (s *ProjectService) secretStore() *secrets.FileStore {
	st, _ := s.secretStoreErr()
	return st
}

func (s *ProjectService) secretStoreErr() (*secrets.FileStore, error) {
	if s.secrets == nil {
		st, err := secrets.Default(s.app.getenv)
		if err != nil {
			return nil, fmt.Errorf("secret store: %w", err)
		}
		st.Warn = func(msg string) { s.app.emit(EventStartupProblem, msg) }
		s.secrets = st
	}
	return s.secrets, nil
}

// GetEnvironment returns one environment (secret values never included).
func (s *ProjectService) GetEnvironment(name string) (EnvironmentView, error) {
	var v EnvironmentView
	err := s.withRead(func(p *project.Project) error {
		e, err := p.Environment(name)
		if err != nil {
			return err
		}
		v = s.envView(p, e)
		return nil
	})
	return v, err
}

// SaveEnvironment writes an environment file; secret values go only to
// the secret store outside the project. Secrets of variables that were
// removed or made non-secret are deleted from the store.
func (s *ProjectService) SaveEnvironment(edit EnvironmentEdit) (EnvironmentView, error) {
	var v EnvironmentView
	err := s.withProject(func(p *project.Project) error {
		st := s.secretStore()
		env := &project.Environment{Name: edit.Name}
		var oldVars []project.Variable
		if e, err := p.Environment(edit.Name); err == nil {
			oldVars = append(oldVars, e.Variables...)
		}
		for _, ve := range edit.Variables {
			if strings.TrimSpace(ve.Name) == "" {
				return fmt.Errorf("environment %q: a variable needs a name", edit.Name)
			}
			env.Variables = append(env.Variables, project.Variable{Name: ve.Name, Value: ve.Value, Secret: ve.Secret})
		}
		if env.Variables == nil {
			env.Variables = []project.Variable{}
		}
		// Secrets are validated and written only once the file is saved.
		for i := range env.Variables {
			if env.Variables[i].Secret {
				env.Variables[i].Value = ""
			}
		}
		for _, ve := range edit.Variables {
			if ve.Secret && !ve.KeepSecret && st == nil {
				// Never save the file while its secret value would be lost.
				_, err := s.secretStoreErr()
				return fmt.Errorf("secret %q of environment %q cannot be stored: %w", ve.Name, env.Name, err)
			}
		}
		if err := p.SaveEnvironment(env); err != nil {
			return err
		}
		if st != nil {
			for _, ve := range edit.Variables {
				if !ve.Secret || ve.KeepSecret {
					continue
				}
				var err error
				if ve.Value == "" {
					err = st.Delete(p.Meta.ID, env.Name, ve.Name)
				} else {
					err = st.Set(p.Meta.ID, env.Name, ve.Name, ve.Value)
				}
				if err != nil {
					return fmt.Errorf("secret %q of environment %q: %w", ve.Name, env.Name, err)
				}
			}
			for _, ov := range oldVars {
				if nv, ok := env.Lookup(ov.Name); ov.Secret && (!ok || !nv.Secret) {
					if err := st.Delete(p.Meta.ID, env.Name, ov.Name); err != nil {
						return err
					}
				}
			}
		}
		ne, err := p.Environment(env.Name)
		if err != nil {
			return err
		}
		v = s.envView(p, ne)
		return nil
	})
	if err == nil {
		s.saved()
	}
	return v, err
}

// DeleteEnvironment removes an environment's file and its secrets on this
// machine.
func (s *ProjectService) DeleteEnvironment(name string) (ProjectView, error) {
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		env, err := p.Environment(name)
		if err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(p.Dir, filepath.FromSlash(env.File))); err != nil {
			return err
		}
		if st := s.secretStore(); st != nil {
			for _, vr := range env.Variables {
				if vr.Secret {
					if err := st.Delete(p.Meta.ID, env.Name, vr.Name); err != nil {
						return err
					}
				}
			}
		}
		v, err = s.reloadLocked()
		return err
	})
	if err == nil {
		s.saved()
	}
	return v, err
}
