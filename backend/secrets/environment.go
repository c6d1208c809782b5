package secrets

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/streamscope/streamscope/backend/project"
)

// saveEnvironmentFile writes the environment file (a test makes it fail).
var saveEnvironmentFile = (*project.Project).SaveEnvironment

// EnvironmentSave is one save of an environment and its secret values.
type EnvironmentSave struct {
	Name string
	// Edit changes the environment as it is on disk when the save runs
	// (read under the environments' lock; no variables when it has no file
	// yet). An error from Edit saves nothing.
	Edit func(e *project.Environment) error
	// Secrets holds the new values of secret variables of the edited
	// environment ("" removes the stored value). Secret variables not in
	// Secrets keep the value stored now.
	Secrets map[string]string
}

// SaveEnvironment saves an environment with its secrets, for the CLI and
// the app alike. Under p's environments lock (project.LockEnvironments) it
// reads the environment afresh, applies save.Edit, stores the secret
// values (through open, bound to p's folder: OpenProject), then writes the
// file; when writing the file fails, the secrets are put back as they
// were, so a failed save changes nothing. A value that cannot be stored
// (no usable store, a folder not trusted with the id's secrets) fails the
// save before anything is written. Afterwards the stored values of
// variables that were secret and are no longer (removed, or made plain)
// are deleted; a failure there is only a warning (FileStore.Warn), the
// value being out of use. It returns where the secrets went ("" when no
// store was needed).
func SaveEnvironment(p *project.Project, save EnvironmentSave, open func() (*FileStore, error)) (where string, err error) {
	if !project.ValidEnvironmentName(save.Name) {
		return "", fmt.Errorf("environment %q: a name is letters, digits, '_', '.' and '-'", save.Name)
	}
	unlock, err := p.LockEnvironments()
	if err != nil {
		return "", err
	}
	defer unlock()
	old, err := p.ReadEnvironment(save.Name)
	if err != nil {
		return "", err
	}
	env := *old
	env.Variables = append([]project.Variable{}, old.Variables...)
	if save.Edit != nil {
		if err := save.Edit(&env); err != nil {
			return "", err
		}
	}
	for i := range env.Variables {
		if env.Variables[i].Secret {
			env.Variables[i].Value = ""
		}
	}
	if env.Variables == nil {
		env.Variables = []project.Variable{}
	}
	if err := env.Validate(); err != nil {
		return "", fmt.Errorf("environment %q: %v", save.Name, err)
	}
	names := make([]string, 0, len(save.Secrets))
	for n := range save.Secrets {
		if v, ok := env.Lookup(n); !ok || !v.Secret {
			return "", fmt.Errorf("environment %q: %q is not a secret variable", save.Name, n)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var stale []string
	for _, ov := range old.Variables {
		if nv, ok := env.Lookup(ov.Name); ov.Secret && (!ok || !nv.Secret) {
			stale = append(stale, ov.Name)
		}
	}

	var store *ProjectStore
	if len(names) > 0 {
		if store, err = OpenProject(p, open); err != nil {
			return "", fmt.Errorf("secret %q of environment %q cannot be stored: %w", names[0], save.Name, err)
		}
	} else if len(stale) > 0 {
		// Only clean-up to do: a store that cannot be used (or a folder
		// not trusted with the secrets, which are then not its to delete)
		// leaves the values where they are.
		store, _ = OpenProject(p, open)
	}

	type previous struct {
		value string
		had   bool
	}
	prev := map[string]previous{}
	rollback := func() {
		for name, pv := range prev {
			if pv.had {
				_ = store.Set(save.Name, name, pv.value)
			} else {
				_ = store.Delete(save.Name, name)
			}
		}
	}
	for _, name := range names {
		was, had, err := store.Get(save.Name, name)
		if err != nil {
			rollback()
			return "", fmt.Errorf("secret %q of environment %q: %w", name, save.Name, err)
		}
		prev[name] = previous{was, had}
		if v := save.Secrets[name]; v == "" {
			err = store.Delete(save.Name, name)
		} else {
			err = store.Set(save.Name, name, v)
		}
		if err != nil {
			rollback()
			return "", fmt.Errorf("secret %q of environment %q: %w", name, save.Name, err)
		}
	}
	if err := saveEnvironmentFile(p, &env); err != nil {
		if store != nil {
			rollback()
		}
		return "", err
	}
	if store == nil {
		return "", nil
	}
	for _, name := range stale {
		if err := store.Delete(save.Name, name); err != nil && store.store.Warn != nil {
			store.store.Warn(fmt.Sprintf("could not remove the old secret value of %s (environment %s): %v", name, save.Name, err))
		}
	}
	return store.Where(), nil
}

// DeleteEnvironment removes p's environment name: its file, then, when
// the folder may use them, its stored secret values (a folder not trusted
// with the id's secrets leaves them to their owners), under the same lock
// as SaveEnvironment.
func DeleteEnvironment(p *project.Project, name string, open func() (*FileStore, error)) error {
	unlock, err := p.LockEnvironments()
	if err != nil {
		return err
	}
	defer unlock()
	env, err := p.ReadEnvironment(name)
	if err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(p.Dir, filepath.FromSlash(env.File))); err != nil {
		return err
	}
	var store *ProjectStore
	for _, v := range env.Variables {
		if !v.Secret {
			continue
		}
		if store == nil {
			if store, err = OpenProject(p, open); err != nil {
				return nil
			}
		}
		if err := store.Delete(name, v.Name); err != nil {
			return fmt.Errorf("secret %q of environment %q: %w", v.Name, name, err)
		}
	}
	return nil
}
