package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LockEnvironments takes the lock that every read-modify-write of the
// project's environment files holds, across processes (Lock on the project
// folder), and returns the function that releases it. Under it, read the
// environment afresh with ReadEnvironment, change it, and SaveEnvironment:
// two `env set` run at once then never lose one another's variable.
func (p *Project) LockEnvironments() (unlock func(), err error) {
	return Lock(p.Dir)
}

// ReadEnvironment reads environments/NAME.yaml from disk as it is now (not
// the snapshot in p.Environments). An environment with no file yet comes
// back empty, with no error; a file that does not parse is an error
// wrapping ErrBrokenFile (a save over it would lose the user's text).
func (p *Project) ReadEnvironment(name string) (*Environment, error) {
	if !ValidEnvironmentName(name) {
		return nil, fmt.Errorf("environment %q: a name is letters, digits, '_', '.' and '-'", name)
	}
	rel := EnvironmentsDir + "/" + name + environmentExt
	fp := filepath.Join(p.Dir, filepath.FromSlash(rel))
	if _, err := os.Lstat(fp); errors.Is(err, fs.ErrNotExist) {
		return &Environment{Schema: SchemaVersion, Name: name, File: rel, Variables: []Variable{}}, nil
	}
	data, err := p.readProjectFile(fp, MaxYAMLFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (fix or remove it by hand first)", ErrBrokenFile, asFileError(fp, err))
	}
	env, fe := parseEnvironmentFile(fp, data)
	if fe != nil {
		return nil, fmt.Errorf("%w: %v (fix or remove it by hand first)", ErrBrokenFile, fe)
	}
	return env, nil
}
