package app

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
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
	return EndpointDoc{Ref: e.Ref(), Endpoint: *e, Script: src, Variables: endpointVars(e)}, nil
}

// endpointVars lists the {{names}} an endpoint uses, once each.
func endpointVars(e *project.Endpoint) []string {
	var texts []string
	texts = append(texts, e.URL)
	for _, kv := range append(append([]project.KV{}, e.Query...), e.Headers...) {
		if !kv.Disabled {
			texts = append(texts, kv.Name, kv.Value)
		}
	}
	if a := e.Auth; a != nil {
		texts = append(texts, a.Token, a.Username, a.Password, a.Key, a.Value, a.AccessKey, a.SecretKey, a.SessionToken, a.Region, a.Service)
	}
	if b := e.Body; b != nil {
		texts = append(texts, b.Text)
		for _, f := range b.Fields {
			if !f.Disabled {
				texts = append(texts, f.Name, f.Value)
			}
		}
	}
	out := []string{}
	seen := map[string]bool{}
	for _, t := range texts {
		for _, n := range project.VarNames(t) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
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
		src, err := p.ReadScript(e)
		if err != nil {
			return err
		}
		cp := *e
		cp.File, cp.Script = "", ""
		base := e.Name + " copy"
		cp.Name = base
		for i := 2; nameTaken(p, cp.Folder, cp.Name); i++ {
			cp.Name = fmt.Sprintf("%s %d", base, i)
		}
		cp.Seq = 0
		if err := p.SaveEndpoint(&cp); err != nil {
			return err
		}
		if e.Script != "" {
			if err := p.SaveScript(&cp, src); err != nil {
				return err
			}
		}
		if err := placeAfter(p, &cp, e); err != nil {
			return err
		}
		out, err = s.docLocked(p, &cp)
		return err
	})
	if err == nil {
		s.saved()
	}
	return out, err
}

func nameTaken(p *project.Project, folder, name string) bool {
	for _, e := range p.Endpoints {
		if e.Folder == folder && e.Name == name {
			return true
		}
	}
	return false
}

// siblings returns the endpoints of folder in display order.
func siblings(p *project.Project, folder string, except *project.Endpoint) []*project.Endpoint {
	var out []*project.Endpoint
	for _, e := range p.Endpoints {
		if e.Folder == folder && e != except {
			out = append(out, e)
		}
	}
	return out
}

// placeAfter moves e right after anchor among their folder's endpoints.
func placeAfter(p *project.Project, e, anchor *project.Endpoint) error {
	list := siblings(p, e.Folder, e)
	idx := len(list)
	for i, o := range list {
		if o == anchor {
			idx = i + 1
		}
	}
	return renumber(p, insertAt(list, e, idx))
}

func insertAt(list []*project.Endpoint, e *project.Endpoint, i int) []*project.Endpoint {
	if i < 0 {
		i = 0
	}
	if i > len(list) {
		i = len(list)
	}
	out := append([]*project.Endpoint{}, list[:i]...)
	out = append(out, e)
	return append(out, list[i:]...)
}

// renumber gives list seq 1, 2, ... and saves the endpoints whose seq changed.
func renumber(p *project.Project, list []*project.Endpoint) error {
	for i, e := range list {
		if e.Seq != i+1 {
			cp := *e
			cp.Seq = i + 1
			if err := p.SaveEndpoint(&cp); err != nil {
				return err
			}
			*e = cp
		}
	}
	p.Endpoints = append([]*project.Endpoint{}, p.Endpoints...)
	resort(p)
	return nil
}

// resort restores the project's display order after seq changes.
func resort(p *project.Project) {
	// Saving a new endpoint sorts; for seq changes of existing ones the
	// order is recomputed the same way: by folder position, then seq, name.
	order := map[string]int{"": -1}
	for i, f := range p.Folders {
		order[f.Path] = i
	}
	eps := p.Endpoints
	for i := 1; i < len(eps); i++ {
		for j := i; j > 0 && lessEndpoint(order, eps[j], eps[j-1]); j-- {
			eps[j], eps[j-1] = eps[j-1], eps[j]
		}
	}
}

func lessEndpoint(order map[string]int, a, b *project.Endpoint) bool {
	if a.Folder != b.Folder {
		return order[a.Folder] < order[b.Folder]
	}
	if a.Seq != b.Seq {
		return a.Seq < b.Seq
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.File < b.File
}

// DeleteEndpoint removes an endpoint's file, and its script when no other
// endpoint uses that script.
func (s *ProjectService) DeleteEndpoint(ref string) (ProjectView, error) {
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		e, err := p.Endpoint(ref)
		if err != nil {
			return err
		}
		script := p.ScriptPath(e)
		if err := p.DeleteEndpoint(e); err != nil {
			return err
		}
		if script != "" && !scriptUsed(p, script) {
			if err := os.Remove(script); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		v = s.viewLocked()
		return nil
	})
	if err == nil {
		s.saved()
	}
	return v, err
}

func scriptUsed(p *project.Project, full string) bool {
	for _, e := range p.Endpoints {
		if p.ScriptPath(e) == full {
			return true
		}
	}
	return false
}

// MoveEndpoint puts an endpoint at position index (0-based) among the
// endpoints of folder ("" the top), moving its file (and script) when the
// folder changes; the seq numbers of that folder are renumbered.
func (s *ProjectService) MoveEndpoint(ref, folder string, index int) (ProjectView, error) {
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		e, err := p.Endpoint(ref)
		if err != nil {
			return err
		}
		if folder != e.Folder {
			if nameTaken(p, folder, e.Name) {
				return fmt.Errorf("endpoint %q already exists in folder %q", e.Name, folder)
			}
			src, err := p.ReadScript(e)
			if err != nil {
				return err
			}
			oldScript := p.ScriptPath(e)
			cp := *e
			cp.File, cp.Folder, cp.Script, cp.Seq = "", folder, "", 1<<30
			if err := p.SaveEndpoint(&cp); err != nil {
				return err
			}
			if e.Script != "" {
				if err := p.SaveScript(&cp, src); err != nil {
					return err
				}
			}
			if err := p.DeleteEndpoint(e); err != nil {
				return err
			}
			if oldScript != "" && !scriptUsed(p, oldScript) {
				os.Remove(oldScript)
			}
			e = &cp
		}
		if err := renumber(p, insertAt(siblings(p, folder, e), e, index)); err != nil {
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

// CreateFolder adds a folder named name inside parent ("" the top).
func (s *ProjectService) CreateFolder(parent, name string) (ProjectView, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "/\\\r\n\t") {
		return ProjectView{}, fmt.Errorf("folder name %q: must be non-empty without '/', '\\', tabs or newlines", name)
	}
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		fp := path.Join(parent, project.Slug(name))
		if project.ReservedFolder(fp) {
			// "Recordings" at the top: the directory gets another name,
			// the folder keeps its name (in folder.yaml).
			fp += "-folder"
		}
		for _, f := range p.Folders {
			if f.Path == fp {
				return fmt.Errorf("folder %q already exists", fp)
			}
		}
		seq := 1
		for _, f := range p.Folders {
			if parentOf(f.Path) == parent && f.Seq >= seq {
				seq = f.Seq + 1
			}
		}
		if err := p.SaveFolder(&project.Folder{Path: fp, Name: name, Seq: seq}); err != nil {
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
		ep.Name = nameFromURL(ep.URL)
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

// nameFromURL makes an endpoint name from a URL's last path segments.
func nameFromURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	u = strings.SplitN(u, "?", 2)[0]
	parts := strings.Split(strings.Trim(u, "/"), "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	n := strings.Join(parts, " ")
	n = strings.NewReplacer("{", "", "}", "", ":", " ").Replace(n)
	if strings.TrimSpace(n) == "" {
		return "Imported request"
	}
	return strings.TrimSpace(n)
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
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		f := p.Folder(folderPath)
		if f == nil {
			return fmt.Errorf("no folder %q in the project", folderPath)
		}
		cp := *f
		cp.Name = name
		if err := p.SaveFolder(&cp); err != nil {
			return err
		}
		*f = cp
		v = s.viewLocked()
		return nil
	})
	if err == nil {
		s.saved()
	}
	return v, err
}

// MoveFolder puts a folder at position index (0-based) among the
// subfolders of parent ("" the top). When parent is not its parent the
// folder's directory moves there, with everything in it; the endpoints in
// it then have new refs (the folder path is part of a ref). A folder cannot
// move into itself, and a folder of the same directory name already in
// parent stops the move.
func (s *ProjectService) MoveFolder(folderPath, parent string, index int) (ProjectView, error) {
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		if folderPath == "" || strings.Contains(folderPath, "..") || strings.Contains(parent, "..") {
			return fmt.Errorf("move folder %q into %q: not folders of the project", folderPath, parent)
		}
		if p.Folder(folderPath) == nil {
			return fmt.Errorf("no folder %q in the project", folderPath)
		}
		if parent != "" && p.Folder(parent) == nil {
			return fmt.Errorf("no folder %q to move %q into", parent, folderPath)
		}
		if parent == folderPath || strings.HasPrefix(parent, folderPath+"/") {
			return fmt.Errorf("folder %q cannot move into itself (%q)", folderPath, parent)
		}
		target := folderPath
		if parentOf(folderPath) != parent {
			target = path.Join(parent, path.Base(folderPath))
			// Everything in it must still load from its new place: not
			// too deep, not under a reserved or hidden name.
			for _, f := range p.Folders {
				if f.Path == folderPath || strings.HasPrefix(f.Path, folderPath+"/") {
					if err := project.CheckFolderPath(target + strings.TrimPrefix(f.Path, folderPath)); err != nil {
						return fmt.Errorf("move folder %q into %q: %w", folderPath, parent, err)
					}
				}
			}
			dst := filepath.Join(p.Dir, filepath.FromSlash(target))
			if _, err := os.Lstat(dst); err == nil {
				return fmt.Errorf("folder %q already has a %q: rename one of them first", parent, path.Base(folderPath))
			}
			if err := os.Rename(filepath.Join(p.Dir, filepath.FromSlash(folderPath)), dst); err != nil {
				return fmt.Errorf("move folder %q into %q: %w", folderPath, parent, err)
			}
			if _, err := s.reloadLocked(); err != nil {
				return err
			}
			p = s.p
		}
		var list []*project.Folder
		var moved *project.Folder
		for _, f := range p.Folders {
			switch {
			case f.Path == target:
				moved = f
			case parentOf(f.Path) == parent:
				list = append(list, f)
			}
		}
		if moved == nil {
			return fmt.Errorf("folder %q is missing after the move", target)
		}
		index = max(0, min(index, len(list)))
		list = append(list[:index], append([]*project.Folder{moved}, list[index:]...)...)
		for i, f := range list {
			if f.Seq != i+1 || !f.HasFile {
				cp := *f
				cp.Seq = i + 1
				if cp.Name == "" {
					cp.Name = path.Base(cp.Path)
				}
				if err := p.SaveFolder(&cp); err != nil {
					return err
				}
				*f = cp
			}
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

// DeleteFolder removes an empty folder (its folder.yaml and directory). A
// folder that still holds endpoints, subfolders or other files is kept and
// the error says what is in it.
func (s *ProjectService) DeleteFolder(folderPath string) (ProjectView, error) {
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		if folderPath == "" || strings.Contains(folderPath, "..") {
			return fmt.Errorf("folder %q: not a folder of the project", folderPath)
		}
		full := filepath.Join(p.Dir, filepath.FromSlash(folderPath))
		entries, err := os.ReadDir(full)
		if err != nil {
			return err
		}
		var left []string
		for _, e := range entries {
			if e.Name() != project.FolderFile {
				left = append(left, e.Name())
			}
		}
		if len(left) > 0 {
			return fmt.Errorf("folder %q is not empty (%s): move or delete what is in it first", folderPath, strings.Join(left, ", "))
		}
		if err := os.Remove(filepath.Join(full, project.FolderFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.Remove(full); err != nil {
			return err
		}
		v, err = s.reloadLocked()
		return err
	})
	if err == nil {
		s.saved()
	}
	return v, err
}
