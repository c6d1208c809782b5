package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamscope/streamscope/backend/project"
)

// saveImported saves an imported endpoint. Its literal credentials (found
// by project.Endpoint.Credentials) are, with envName, moved into secret
// variables of that environment (the endpoint gets {{NAME}}; each NAME is
// one the environment does not have yet) and returned; without envName
// each one is warned about on stderr, by where it is, never by its value.
// When storing the secrets fails the endpoint file is removed again, so a
// failing command leaves nothing behind.
func saveImported(env *Env, p *project.Project, ep *project.Endpoint, creds []project.Credential, envName string) ([]project.Credential, error) {
	if envName == "" || len(creds) == 0 {
		if err := p.SaveEndpoint(ep); err != nil {
			return nil, err
		}
		for _, c := range creds {
			fmt.Fprintf(env.Stderr, "streamscope import curl: warning: the %s is a literal credential, now written in %s; import with --secrets-to ENV to keep it as a secret variable instead (or write a {{variable}})\n", c.What, ep.File)
		}
		return nil, nil
	}
	taken := map[string]bool{}
	if e, err := p.Environment(envName); err == nil {
		for _, v := range e.Variables {
			taken[v.Name] = true
		}
	}
	var vars []project.Variable
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
	if err := p.SaveEndpoint(ep); err != nil {
		return nil, err
	}
	if _, err := setVariables(env, p, envName, vars, values); err != nil {
		if derr := p.DeleteEndpoint(ep); derr != nil {
			return nil, fmt.Errorf("%v (and removing the new endpoint %s failed: %v)", err, ep.File, derr)
		}
		return nil, err
	}
	return moved, nil
}

// shownURL is the endpoint's URL for a message: a credential in its query
// or user info that was not moved into a variable shows as REDACTED.
func shownURL(ep *project.Endpoint, creds, moved []project.Credential) string {
	if len(moved) > 0 {
		return ep.FullURL()
	}
	cp := *ep
	cp.Query = append([]project.KV(nil), ep.Query...)
	for _, c := range creds {
		if c.Field == "url" || strings.HasPrefix(c.Field, "query.") {
			_, _ = cp.ReplaceCredential(c, "REDACTED")
		}
	}
	return cp.FullURL()
}
