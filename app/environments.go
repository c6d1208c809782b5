package app

import (
	"errors"
	"fmt"
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
	var store *secrets.ProjectStore
	storeTried := false
	for _, v := range e.Variables {
		vv := VariableView{Name: v.Name, Secret: v.Secret}
		if v.Secret {
			if !storeTried {
				storeTried = true
				store, _ = secrets.OpenProject(p, s.secretStoreErr)
			}
			if store != nil {
				_, ok, _ := store.Get(e.Name, v.Name)
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
// A project reaches its own secrets through secrets.OpenProject, which
// checks that its folder may use them.
func (s *ProjectService) secretStore() *secrets.FileStore {
	st, _ := s.secretStoreErr()
	return st
}

func (s *ProjectService) secretStoreErr() (*secrets.FileStore, error) {
	s.secretsMu.Lock()
	defer s.secretsMu.Unlock()
	if s.secrets == nil {
		st, err := secrets.Default(s.app.getenv)
		if err != nil {
			return nil, fmt.Errorf("secret store: %w", err)
		}
		st.Warn = func(msg string) { s.app.emit(EventStartupProblem, msg) }
		if s.app.opts.Demo != nil {
			st.Reserve(secrets.DemoID, s.app.demoFolder())
		}
		s.secrets = st
	}
	return s.secrets, nil
}

// SecretsAccess is whether the open project's folder may use the secrets
// stored for its id. A folder that is a copy of another project, or was
// moved, or claims the id of a project it is not, must be trusted first
// (TrustSecrets): until then its secret variables have no value.
type SecretsAccess struct {
	// Trusted is true when the folder may use them (or will, on first use:
	// no other folder uses the id).
	Trusted bool `json:"trusted"`
	// Dir is the folder (symlinks resolved), ID the project id it claims.
	Dir string `json:"dir"`
	ID  string `json:"id"`
	// Owners are the folders the secrets belong to when Trusted is false.
	Owners []string `json:"owners"`
	// Message says why not, as one line ("" when Trusted).
	Message string `json:"message"`
}

// SecretsAccess says whether the open project may use the secrets stored
// for its id, for the UI to ask before TrustSecrets.
func (s *ProjectService) SecretsAccess() (SecretsAccess, error) {
	var v SecretsAccess
	err := s.withRead(func(p *project.Project) error {
		var err error
		v, err = s.secretsAccess(p)
		return err
	})
	return v, err
}

func (s *ProjectService) secretsAccess(p *project.Project) (SecretsAccess, error) {
	v := SecretsAccess{Dir: p.Dir, ID: p.Meta.ID, Owners: []string{}}
	if real, err := secrets.RealDir(p.Dir); err == nil {
		v.Dir = real
	}
	st, err := s.secretStoreErr()
	if err != nil {
		return v, err
	}
	err = st.CheckProject(p)
	var ue *secrets.UntrustedError
	switch {
	case errors.As(err, &ue):
		v.Owners, v.Message = ue.Owners, ue.Error()
	case err != nil:
		return v, err
	default:
		v.Trusted = true
	}
	return v, nil
}

// TrustSecrets lets the open project's folder use the secrets stored for
// its id, as `streamscope env trust DIR` does: call it only once the user
// confirmed (the UI shows SecretsAccess's Owners first). It returns the
// project with its environments seen again.
func (s *ProjectService) TrustSecrets() (ProjectView, error) {
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		st, err := s.secretStoreErr()
		if err != nil {
			return err
		}
		if _, err := st.Trust(p.Dir, p.Meta.ID); err != nil {
			return err
		}
		v = s.viewLocked()
		return nil
	})
	return v, err
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
// the secret store outside the project (secrets.SaveEnvironment, as the
// CLI does: the secrets first, put back when the file cannot be written).
// Secrets of variables that were removed or made non-secret are deleted
// from the store.
func (s *ProjectService) SaveEnvironment(edit EnvironmentEdit) (EnvironmentView, error) {
	var v EnvironmentView
	err := s.withProject(func(p *project.Project) error {
		vars := []project.Variable{}
		values := map[string]string{}
		for _, ve := range edit.Variables {
			if strings.TrimSpace(ve.Name) == "" {
				return fmt.Errorf("environment %q: a variable needs a name", edit.Name)
			}
			vars = append(vars, project.Variable{Name: ve.Name, Value: ve.Value, Secret: ve.Secret})
			if ve.Secret && !ve.KeepSecret {
				values[ve.Name] = ve.Value
			}
		}
		_, err := secrets.SaveEnvironment(p, secrets.EnvironmentSave{
			Name:    edit.Name,
			Edit:    func(e *project.Environment) error { e.Variables = vars; return nil },
			Secrets: values,
		}, s.secretStoreErr)
		if err != nil {
			return err
		}
		ne, err := p.Environment(edit.Name)
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
// machine (secrets.DeleteEnvironment).
func (s *ProjectService) DeleteEnvironment(name string) (ProjectView, error) {
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		if _, err := p.Environment(name); err != nil {
			return err
		}
		if err := secrets.DeleteEnvironment(p, name, s.secretStoreErr); err != nil {
			return err
		}
		var err error
		v, err = s.reloadLocked()
		return err
	})
	if err == nil {
		s.saved()
	}
	return v, err
}
