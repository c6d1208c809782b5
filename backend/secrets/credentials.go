package secrets

import (
	"fmt"
	"strconv"

	"github.com/streamscope/streamscope/backend/project"
)

// MoveCredentials moves literal credentials of ep (found by
// project.Endpoint.Credentials) into secret variables of environment
// envName, the one way both the CLI (`import curl --secrets-to`) and the
// app (ProjectService.MoveCredentials) do it: each gets a variable name the
// environment does not have yet (the credential's suggested Var, else
// Var_2, Var_3, …), ep gets {{NAME}} in its place and is saved with
// saveEndpoint, and then the values are stored with SaveEnvironment. When
// storing them fails, undo puts the endpoint back as it was (the CLI
// removes the new endpoint, the app writes the old one again), so a failed
// move changes nothing. It returns the credentials moved, with the
// variable names given.
func MoveCredentials(p *project.Project, ep *project.Endpoint, creds []project.Credential, envName string,
	open func() (*FileStore, error), saveEndpoint func(*project.Endpoint) error, undo func() error) ([]project.Credential, error) {
	if !project.ValidEnvironmentName(envName) {
		return nil, fmt.Errorf("environment %q: a name is letters, digits, '_', '.' and '-'", envName)
	}
	taken := map[string]bool{}
	if e, err := p.ReadEnvironment(envName); err == nil {
		for _, v := range e.Variables {
			taken[v.Name] = true
		}
	} else {
		return nil, err
	}
	vars := make([]project.Variable, 0, len(creds))
	values := map[string]string{}
	moved := make([]project.Credential, 0, len(creds))
	for _, c := range creds {
		name := c.Var
		for i := 2; taken[name]; i++ {
			name = c.Var + "_" + strconv.Itoa(i)
		}
		taken[name] = true
		value, err := ep.ReplaceCredential(c, "{{"+name+"}}")
		if err != nil {
			return nil, err
		}
		c.Var = name
		moved = append(moved, c)
		vars = append(vars, project.Variable{Name: name, Secret: true})
		values[name] = value
	}
	if err := saveEndpoint(ep); err != nil {
		return nil, err
	}
	_, err := SaveEnvironment(p, EnvironmentSave{
		Name: envName,
		Edit: func(e *project.Environment) error {
			for _, v := range vars {
				e.Set(v)
			}
			return nil
		},
		Secrets: values,
	}, open)
	if err != nil {
		if uerr := undo(); uerr != nil {
			return nil, fmt.Errorf("%v (and putting the endpoint %s back failed: %v)", err, ep.File, uerr)
		}
		return nil, err
	}
	return moved, nil
}
