package app

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/streamscope/streamscope/backend/curl"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
)

// EndpointDoc is one endpoint for the editor: the endpoint as in its file,
// its script source and the variables it references.
type EndpointDoc struct {
	// Ref is the endpoint's reference when it was loaded ("" for a new
	// one). SaveEndpoint uses it to find the endpoint even if the name
	// changed.
	Ref      string           `json:"ref"`
	Endpoint project.Endpoint `json:"endpoint"`
	Script   string           `json:"script"`
	// Variables are the {{names}} used by the URL, query, headers, auth and body.
	Variables []string `json:"variables"`
}

// CurlImport is an imported curl command: the endpoint saved in the
// project and what could not be carried over.
type CurlImport struct {
	Endpoint EndpointDoc `json:"endpoint"`
	Warnings []string    `json:"warnings"`
	// Credentials are the literal credentials the command carried, now in
	// the endpoint's file: the UI offers to move them into secret
	// variables (MoveCredentials). Never their values.
	Credentials []project.Credential `json:"credentials"`
}

// CredentialsMoved is the answer of MoveCredentials: the endpoint with
// {{NAME}} in place of each credential, and where each went.
type CredentialsMoved struct {
	Endpoint    EndpointDoc          `json:"endpoint"`
	Environment string               `json:"environment"`
	Moved       []project.Credential `json:"moved"`
}

func (s *ProjectService) docLocked(p *project.Project, e *project.Endpoint) (EndpointDoc, error) {
	src, err := p.ReadScript(e)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return EndpointDoc{}, err
	}
	return EndpointDoc{Ref: e.Ref(), Endpoint: *e, Script: src, Variables: e.Variables()}, nil
}

// GetEndpoint returns an endpoint and its script for the editor.
func (s *ProjectService) GetEndpoint(ref string) (EndpointDoc, error) {
	var doc EndpointDoc
	err := s.withRead(func(p *project.Project) error {
		e, err := p.Endpoint(ref)
		if err != nil {
			return err
		}
		doc, err = s.docLocked(p, e)
		return err
	})
	return doc, err
}

// SaveEndpoint writes the endpoint (and its script when it changed). The
// endpoint is found by doc.Ref; an empty Ref creates a new endpoint in
// doc.Endpoint.Folder. A file that does not parse is never overwritten:
// the error says so.
func (s *ProjectService) SaveEndpoint(doc EndpointDoc) (EndpointDoc, error) {
	var out EndpointDoc
	err := s.withProject(func(p *project.Project) error {
		var e *project.Endpoint
		if doc.Ref == "" {
			ne := doc.Endpoint
			ne.File, ne.Script = "", ""
			if err := p.SaveEndpoint(&ne); err != nil {
				return err
			}
			e = &ne
		} else {
			cur, err := p.Endpoint(doc.Ref)
			if err != nil {
				return err
			}
			cp := doc.Endpoint
			cp.File, cp.Folder, cp.Script, cp.Seq = cur.File, cur.Folder, cur.Script, pick(doc.Endpoint.Seq, cur.Seq)
			if err := p.SaveEndpoint(&cp); err != nil {
				return err
			}
			*cur = cp
			e = cur
		}
		if old, _ := p.ReadScript(e); doc.Script != old && (doc.Script != "" || e.Script != "") {
			if err := p.SaveScript(e, doc.Script); err != nil {
				return err
			}
		}
		var err error
		out, err = s.docLocked(p, e)
		return err
	})
	if err == nil {
		s.saved()
	}
	return out, err
}

func pick(v, def int) int {
	if v != 0 {
		return v
	}
	return def
}

// CreateEndpoint adds a new endpoint named name in folder ("" at the top),
// a POST to url (default "{{mockBaseUrl}}/v1/chat/completions") with a
// streaming JSON body.
func (s *ProjectService) CreateEndpoint(folder, name, url string) (EndpointDoc, error) {
	if strings.TrimSpace(url) == "" {
		url = "{{mockBaseUrl}}/v1/chat/completions"
	}
	ep := project.Endpoint{
		Name: strings.TrimSpace(name), Folder: folder, Method: "POST", URL: url,
		Headers: []project.KV{{Name: "Content-Type", Value: "application/json"}},
		Body:    &project.Body{Type: project.BodyJSON, Text: "{\n  \"model\": \"gpt-4o-mini\",\n  \"stream\": true,\n  \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]\n}\n"},
	}
	return s.SaveEndpoint(EndpointDoc{Endpoint: ep})
}

// RenameEndpoint gives an endpoint a new name (its file keeps its name, so
// history in git stays readable).
func (s *ProjectService) RenameEndpoint(ref, name string) (EndpointDoc, error) {
	doc, err := s.GetEndpoint(ref)
	if err != nil {
		return doc, err
	}
	doc.Endpoint.Name = strings.TrimSpace(name)
	return s.SaveEndpoint(doc)
}

// DuplicateEndpoint copies an endpoint (and its script) as "NAME copy",
// right after it.
func (s *ProjectService) DuplicateEndpoint(ref string) (EndpointDoc, error) {
	var out EndpointDoc
	err := s.withProject(func(p *project.Project) error {
		e, err := p.Endpoint(ref)
		if err != nil {
			return err
		}
		cp, err := p.DuplicateEndpoint(e)
		if err != nil {
			return err
		}
		out, err = s.docLocked(p, cp)
		return err
	})
	if err == nil {
		s.saved()
	}
	return out, err
}

// DeleteEndpoint removes an endpoint's file, and its script when no other
// endpoint uses that script.
func (s *ProjectService) DeleteEndpoint(ref string) (ProjectView, error) {
	return s.edit(func(p *project.Project) (*project.Project, error) {
		e, err := p.Endpoint(ref)
		if err != nil {
			return nil, err
		}
		return nil, p.RemoveEndpoint(e)
	})
}

// edit runs a change of the tree on the open project and returns its view
// (of the project fn returns, when it read the project again).
func (s *ProjectService) edit(fn func(p *project.Project) (*project.Project, error)) (ProjectView, error) {
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		np, err := fn(p)
		if np != nil {
			s.p = np
		}
		if err != nil {
			return err
		}
		v = s.viewLocked()
		return nil
	})
	if err == nil {
		s.saved()
	}
	return v, err
}

// MoveEndpoint puts an endpoint at position index (0-based) among the
// endpoints of folder ("" the top), moving its file (and script) when the
// folder changes; the seq numbers of that folder are renumbered.
func (s *ProjectService) MoveEndpoint(ref, folder string, index int) (ProjectView, error) {
	return s.edit(func(p *project.Project) (*project.Project, error) {
		e, err := p.Endpoint(ref)
		if err != nil {
			return nil, err
		}
		_, err = p.MoveEndpoint(e, folder, index)
		return nil, err
	})
}

// CreateFolder adds a folder named name inside parent ("" the top).
func (s *ProjectService) CreateFolder(parent, name string) (ProjectView, error) {
	return s.edit(func(p *project.Project) (*project.Project, error) {
		_, err := p.CreateFolder(parent, name)
		return nil, err
	})
}

// ImportCurl turns a pasted curl command into a new endpoint named name
// (default: from the URL) in folder and saves it.
func (s *ProjectService) ImportCurl(text, name, folder string) (CurlImport, error) {
	dir := ""
	s.mu.Lock()
	if s.p != nil {
		dir = s.p.Dir
	}
	s.mu.Unlock()
	res, err := curl.Import(text, curl.Options{Dir: dir, Name: name})
	if errors.Is(err, curl.ErrLocalFile) {
		return CurlImport{}, fmt.Errorf("%w (paste the content into the command instead)", err)
	}
	if err != nil {
		return CurlImport{}, err
	}
	ep := *res.Endpoint
	ep.Folder = folder
	if strings.TrimSpace(name) != "" {
		ep.Name = strings.TrimSpace(name)
	}
	if ep.Name == "" {
		ep.Name = project.NameFromURL(ep.URL)
	}
	doc, err := s.SaveEndpoint(EndpointDoc{Endpoint: ep})
	if err != nil {
		return CurlImport{}, err
	}
	w := append([]string{}, res.Warnings...)
	for _, c := range res.Credentials {
		w = append(w, fmt.Sprintf("the %s is a literal credential, now written in the project file: replace it with {{%s}} and set %s as a secret variable of an environment", c.What, c.Var, c.Var))
	}
	creds := res.Credentials
	if creds == nil {
		creds = []project.Credential{}
	}
	return CurlImport{Endpoint: doc, Warnings: w, Credentials: creds}, nil
}

// MoveCredentials moves the literal credentials of the endpoint ref (a
// bearer token, a password, API key headers and parameters) into secret
// variables of environment env, created when missing: the endpoint gets
// {{NAME}} in their place (secrets.MoveCredentials). When the secrets
// cannot be stored the endpoint stays as it was.
func (s *ProjectService) MoveCredentials(ref, env string) (CredentialsMoved, error) {
	var out CredentialsMoved
	err := s.withProject(func(p *project.Project) error {
		cur, err := p.Endpoint(ref)
		if err != nil {
			return err
		}
		creds := cur.Credentials()
		if len(creds) == 0 {
			return fmt.Errorf("endpoint %q has no literal credential to move", cur.Name)
		}
		old, ep := *cur, *cur
		ep.Headers = append([]project.KV(nil), cur.Headers...)
		ep.Query = append([]project.KV(nil), cur.Query...)
		if cur.Auth != nil {
			a := *cur.Auth
			ep.Auth = &a
		}
		moved, err := secrets.MoveCredentials(p, &ep, creds, env, s.secretStoreErr, p.SaveEndpoint,
			func() error { return p.SaveEndpoint(&old) })
		if err != nil {
			return err
		}
		if _, err := s.reloadLocked(); err != nil {
			return err
		}
		e, err := s.p.Endpoint(ep.Ref())
		if err != nil {
			return err
		}
		doc, err := s.docLocked(s.p, e)
		if err != nil {
			return err
		}
		out = CredentialsMoved{Endpoint: doc, Environment: env, Moved: moved}
		return nil
	})
	if err == nil {
		s.saved()
	}
	return out, err
}

// ExportCurl renders an endpoint as a curl command ({{variables}} kept).
func (s *ProjectService) ExportCurl(ref string) (string, error) {
	var out string
	err := s.withRead(func(p *project.Project) error {
		e, err := p.Endpoint(ref)
		if err != nil {
			return err
		}
		out = curl.Export(e)
		return nil
	})
	return out, err
}

// RenameFolder changes a folder's display name (its folder.yaml); the
// directory keeps its name, so refs and history stay stable.
func (s *ProjectService) RenameFolder(folderPath, name string) (ProjectView, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "\r\n\t") {
		return ProjectView{}, fmt.Errorf("folder name %q: must be non-empty, on one line", name)
	}
	return s.edit(func(p *project.Project) (*project.Project, error) {
		f := p.Folder(folderPath)
		if f == nil {
			return nil, fmt.Errorf("no folder %q in the project", folderPath)
		}
		cp := *f
		cp.Name = name
		if err := p.SaveFolder(&cp); err != nil {
			return nil, err
		}
		*f = cp
		return nil, nil
	})
}

// MoveFolder puts a folder at position index (0-based) among the
// subfolders of parent ("" the top). When parent is not its parent the
// folder's directory moves there, with everything in it; the endpoints in
// it then have new refs (the folder path is part of a ref). A folder cannot
// move into itself, and a folder of the same directory name already in
// parent stops the move.
func (s *ProjectService) MoveFolder(folderPath, parent string, index int) (ProjectView, error) {
	return s.edit(func(p *project.Project) (*project.Project, error) {
		return p.MoveFolder(folderPath, parent, index)
	})
}

// DeleteFolder removes an empty folder (its folder.yaml and directory). A
// folder that still holds endpoints, subfolders or other files is kept and
// the error says what is in it.
func (s *ProjectService) DeleteFolder(folderPath string) (ProjectView, error) {
	return s.edit(func(p *project.Project) (*project.Project, error) {
		return p.DeleteFolder(folderPath)
	})
}
