package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/streamscope/streamscope/backend/appstate"
	"github.com/streamscope/streamscope/backend/curl"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
)

// ProjectService opens, edits and watches the open project. Every write is
// atomic (backend/project); a file that does not parse is reported in
// ProjectView.Problems and never overwritten. Changes made outside the app
// (an editor, a git pull) are noticed by polling and announced with the
// event "project:changed".
type ProjectService struct {
	app *App
	// PollInterval is how often the folder is checked for outside changes
	// (0: 500 ms).
	PollInterval time.Duration

	mu      sync.Mutex
	p       *project.Project
	isDemo  bool
	lastFP  string
	stopW   context.CancelFunc
	secrets *secrets.FileStore
}

// ProjectView is the open project as the UI shows it. Open is false when
// no project is open (the UI's empty state).
type ProjectView struct {
	Open   bool   `json:"open"`
	Dir    string `json:"dir"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	IsDemo bool   `json:"isDemo"`
	// DefaultEnvironment is the environment to select when the project
	// opens: "demo" when there is one, the only one, else "".
	DefaultEnvironment string `json:"defaultEnvironment"`
	// Items is the tree, depth first, in display order: a folder is
	// followed by its endpoints, then its subfolders.
	Items        []TreeItem        `json:"items"`
	Environments []EnvironmentView `json:"environments"`
	// Problems are the files that do not load (path, line, reason).
	Problems []Problem `json:"problems"`
	// Recordings are the saved streams, paths relative to the project;
	// RecordingItems the same with the endpoint each was recorded from.
	Recordings     []string        `json:"recordings"`
	RecordingItems []RecordingView `json:"recordingItems"`
}

// RecordingView is one saved stream: Name is what ReplayRecording takes.
type RecordingView struct {
	Path     string `json:"path"`
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
}

// TreeItem is one row of the project tree.
type TreeItem struct {
	// Kind is "folder" or "endpoint".
	Kind string `json:"kind"`
	// Ref names an endpoint (for every endpoint method) or, for a folder,
	// its path relative to the project.
	Ref  string `json:"ref"`
	Name string `json:"name"`
	// Parent is the folder path holding the item ("" at the top); Depth
	// its nesting level (0 at the top).
	Parent    string `json:"parent"`
	Depth     int    `json:"depth"`
	Seq       int    `json:"seq"`
	Method    string `json:"method"`
	URL       string `json:"url"`
	File      string `json:"file"`
	HasScript bool   `json:"hasScript"`
}

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

// Problem is a file that does not load.
type Problem struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

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

// CurlImport is an imported curl command: the endpoint saved in the
// project and what could not be carried over.
type CurlImport struct {
	Endpoint EndpointDoc `json:"endpoint"`
	Warnings []string    `json:"warnings"`
}

// ProjectChanged is the payload of "project:changed".
type ProjectChanged struct {
	Dir string `json:"dir"`
	// Reason is "opened", "closed", "saved" (by the app) or "external"
	// (files changed outside the app); Error is set when the folder
	// could not be read again.
	Reason string `json:"reason"`
	Error  string `json:"error"`
}

var errNoProject = errors.New("no project is open")

// Current returns the open project (Open false when none).
func (s *ProjectService) Current() (ProjectView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.viewLocked(), nil
}

// Open opens the project in dir and remembers it in the recent list.
func (s *ProjectService) Open(dir string) (ProjectView, error) {
	if strings.TrimSpace(dir) == "" {
		return ProjectView{}, errors.New("open project: no folder given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ProjectView{}, err
	}
	p, err := project.Load(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			s.app.store.Update(func(st *appstate.Settings) { appstate.RemoveRecent(st, abs) })
		}
		return ProjectView{}, err
	}
	return s.setProject(p, s.app.isDemoDir(abs)), nil
}

// OpenDialog asks for a folder and opens it; a cancelled dialog returns the
// current project unchanged.
func (s *ProjectService) OpenDialog() (ProjectView, error) {
	dir, err := s.ChooseDirectory("Open project")
	if err != nil || dir == "" {
		v, _ := s.Current()
		return v, err
	}
	return s.Open(dir)
}

// ChooseDirectory shows a folder picker; "" when cancelled.
func (s *ProjectService) ChooseDirectory(title string) (string, error) {
	rt := s.app.runtime()
	if rt == nil {
		return "", errors.New("no window to show a dialog in")
	}
	start := ""
	s.mu.Lock()
	if s.p != nil {
		start = filepath.Dir(s.p.Dir)
	}
	s.mu.Unlock()
	return rt.OpenDirectory(title, start)
}

// NewProject creates an empty project in dir (created if missing) named
// name (default: the folder's name) and opens it.
func (s *ProjectService) NewProject(dir, name string) (ProjectView, error) {
	if strings.TrimSpace(dir) == "" {
		return ProjectView{}, errors.New("new project: no folder given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ProjectView{}, err
	}
	p, err := project.Create(abs, strings.TrimSpace(name))
	if err != nil {
		return ProjectView{}, err
	}
	return s.setProject(p, false), nil
}

// OpenDemo opens the demo project shipped in the app (written to the
// configuration directory the first time).
func (s *ProjectService) OpenDemo() (ProjectView, error) {
	dir, err := s.app.demoDir()
	if err != nil {
		return ProjectView{}, err
	}
	p, err := project.Load(dir)
	if err != nil {
		return ProjectView{}, err
	}
	return s.setProject(p, true), nil
}

// Close closes the open project.
func (s *ProjectService) Close() (ProjectView, error) {
	s.mu.Lock()
	dir := ""
	if s.p != nil {
		dir = s.p.Dir
	}
	s.closeLocked()
	v := s.viewLocked()
	s.mu.Unlock()
	s.app.store.Update(func(st *appstate.Settings) { st.LastProject = "" })
	s.app.emit(EventProjectChanged, ProjectChanged{Dir: dir, Reason: "closed"})
	return v, nil
}

// Recent lists the recently opened projects, newest first.
func (s *ProjectService) Recent() ([]appstate.RecentProject, error) {
	return s.app.store.Get().Recent, nil
}

func (s *ProjectService) setProject(p *project.Project, demo bool) ProjectView {
	s.mu.Lock()
	s.closeLocked()
	s.p, s.isDemo = p, demo
	s.lastFP, _ = project.Fingerprint(p.Dir)
	ctx, cancel := context.WithCancel(context.Background())
	s.stopW = cancel
	go s.watch(ctx, p.Dir)
	v := s.viewLocked()
	s.mu.Unlock()
	s.app.store.Update(func(st *appstate.Settings) { appstate.AddRecent(st, p.Dir, p.Meta.Name, time.Now()) })
	s.app.emit(EventProjectChanged, ProjectChanged{Dir: p.Dir, Reason: "opened"})
	return v
}

func (s *ProjectService) closeLocked() {
	if s.stopW != nil {
		s.stopW()
		s.stopW = nil
	}
	s.p, s.isDemo, s.lastFP = nil, false, ""
}

// shutdown stops watching.
func (s *ProjectService) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopW != nil {
		s.stopW()
		s.stopW = nil
	}
}

// watch polls the folder and reloads the project when files changed
// outside the app.
func (s *ProjectService) watch(ctx context.Context, dir string) {
	iv := s.PollInterval
	if iv <= 0 {
		iv = 500 * time.Millisecond
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// under the lock, so that a write of the app and its new
		// fingerprint (wroteLocked) are never seen half way
		s.mu.Lock()
		if ctx.Err() != nil || s.p == nil || s.p.Dir != dir {
			s.mu.Unlock()
			return
		}
		fp, ferr := project.Fingerprint(dir)
		if fp == s.lastFP && ferr == nil {
			s.mu.Unlock()
			continue
		}
		s.lastFP = fp
		ev := ProjectChanged{Dir: dir, Reason: "external"}
		if ferr != nil {
			ev.Error = ferr.Error()
		} else if np, err := project.Load(dir); err != nil {
			ev.Error = err.Error()
		} else {
			s.p = np
		}
		s.mu.Unlock()
		s.app.emit(EventProjectChanged, ev)
	}
}

// wrote records the folder's state after the app's own write, so the
// watcher does not report it as an outside change, and tells the UI.
func (s *ProjectService) wroteLocked() {
	if s.p != nil {
		s.lastFP, _ = project.Fingerprint(s.p.Dir)
	}
}

func (s *ProjectService) saved() {
	s.mu.Lock()
	dir := ""
	if s.p != nil {
		dir = s.p.Dir
	}
	s.mu.Unlock()
	s.app.emit(EventProjectChanged, ProjectChanged{Dir: dir, Reason: "saved"})
}

// withProject runs fn with the open project under the lock.
func (s *ProjectService) withProject(fn func(p *project.Project) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return errNoProject
	}
	err := fn(s.p)
	s.wroteLocked()
	return err
}

// snapshot returns the open project for a run: the caller must only read
// it through withRead.
func (s *ProjectService) withRead(fn func(p *project.Project) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return errNoProject
	}
	return fn(s.p)
}

func (s *ProjectService) viewLocked() ProjectView {
	v := ProjectView{Items: []TreeItem{}, Environments: []EnvironmentView{}, Problems: []Problem{}, Recordings: []string{}, RecordingItems: []RecordingView{}}
	p := s.p
	if p == nil {
		return v
	}
	v.Open, v.Dir, v.Name, v.ID, v.IsDemo = true, p.Dir, p.Meta.Name, p.Meta.ID, s.isDemo
	var walk func(folder string, depth int)
	walk = func(folder string, depth int) {
		for _, e := range p.Endpoints {
			if e.Folder == folder {
				v.Items = append(v.Items, TreeItem{Kind: "endpoint", Ref: e.Ref(), Name: e.Name, Parent: folder, Depth: depth,
					Seq: e.Seq, Method: e.Method, URL: e.URL, File: e.File, HasScript: e.Script != ""})
			}
		}
		for _, f := range p.Folders {
			if parentOf(f.Path) == folder {
				name := f.Name
				if name == "" {
					name = path.Base(f.Path)
				}
				v.Items = append(v.Items, TreeItem{Kind: "folder", Ref: f.Path, Name: name, Parent: folder, Depth: depth, Seq: f.Seq})
				walk(f.Path, depth+1)
			}
		}
	}
	walk("", 0)
	for _, e := range p.Environments {
		v.Environments = append(v.Environments, s.envView(p, e))
		if e.Name == "demo" {
			v.DefaultEnvironment = e.Name
		}
	}
	if len(p.Environments) == 1 {
		v.DefaultEnvironment = p.Environments[0].Name
	}
	for _, fe := range p.Problems {
		v.Problems = append(v.Problems, Problem{Path: fe.Path, Line: fe.Line, Reason: fe.Reason})
	}
	if recs, err := p.Recordings(); err == nil && recs != nil {
		v.Recordings = recs
		for _, rel := range recs {
			v.RecordingItems = append(v.RecordingItems, RecordingView{Path: rel,
				Name: strings.TrimSuffix(path.Base(rel), ".jsonl"), Endpoint: recordingEndpoint(filepath.Join(p.Dir, filepath.FromSlash(rel)))})
		}
	}
	return v
}

// recordingEndpoint reads the endpoint named in a recording's header line
// ("" when it names none or does not read).
func recordingEndpoint(full string) string {
	f, err := os.Open(full)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, _ := bufio.NewReaderSize(f, 4096).ReadSlice('\n')
	var h struct {
		Endpoint string `json:"endpoint"`
	}
	if json.Unmarshal(line, &h) != nil {
		return ""
	}
	return h.Endpoint
}

func parentOf(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return ""
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
		texts = append(texts, a.Token, a.Username, a.Password, a.Key, a.Value)
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
		if parent == "" {
			fp = project.Slug(name)
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
	w := res.Warnings
	if w == nil {
		w = []string{}
	}
	return CurlImport{Endpoint: doc, Warnings: w}, nil
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

// RenameFolder changes a folder's display name (its folder.yaml); the
// directory keeps its name, so refs and history stay stable.
func (s *ProjectService) RenameFolder(folderPath, name string) (ProjectView, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "\r\n\t") {
		return ProjectView{}, fmt.Errorf("folder name %q: must be non-empty, on one line", name)
	}
	var v ProjectView
	err := s.withProject(func(p *project.Project) error {
		for _, f := range p.Folders {
			if f.Path == folderPath {
				cp := *f
				cp.Name = name
				if err := p.SaveFolder(&cp); err != nil {
					return err
				}
				*f = cp
				v = s.viewLocked()
				return nil
			}
		}
		return fmt.Errorf("no folder %q in the project", folderPath)
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
		np, err := project.Load(p.Dir)
		if err != nil {
			return err
		}
		s.p = np
		v = s.viewLocked()
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
		np, err := project.Load(p.Dir)
		if err != nil {
			return err
		}
		s.p = np
		v = s.viewLocked()
		return nil
	})
	if err == nil {
		s.saved()
	}
	return v, err
}
