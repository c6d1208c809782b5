package cli

import (
	"fmt"
	"strings"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
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
	return secrets.MoveCredentials(p, ep, creds, envName, secretsOpener(env), p.SaveEndpoint, func() error { return p.DeleteEndpoint(ep) })
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
