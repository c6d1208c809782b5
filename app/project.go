package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/streamscope/streamscope/backend/appstate"
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

	mu     sync.Mutex
	p      *project.Project
	isDemo bool
	lastFP string
	stopW  context.CancelFunc

	secretsMu sync.Mutex
	secrets   *secrets.FileStore
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

// Problem is a file that does not load.
type Problem struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
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
			s.app.refreshRecentMenu()
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
	s.app.refreshRecentMenu()
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

// reloadLocked reads the open project again from its folder (after files
// were moved or removed behind the model's back) and returns its view.
func (s *ProjectService) reloadLocked() (ProjectView, error) {
	np, err := s.p.Reload()
	if err != nil {
		return ProjectView{}, err
	}
	s.p = np
	return s.viewLocked(), nil
}

func (s *ProjectService) viewLocked() ProjectView {
	v := ProjectView{Items: []TreeItem{}, Environments: []EnvironmentView{}, Problems: []Problem{}, Recordings: []string{}, RecordingItems: []RecordingView{}}
	p := s.p
	if p == nil {
		return v
	}
	v.Open, v.Dir, v.Name, v.ID, v.IsDemo = true, p.Dir, p.Meta.Name, p.Meta.ID, s.isDemo
	// The project keeps its lists in tree order; grouped once by folder
	// they are walked in time linear in their length.
	endpointsIn := map[string][]*project.Endpoint{}
	for _, e := range p.Endpoints {
		endpointsIn[e.Folder] = append(endpointsIn[e.Folder], e)
	}
	foldersIn := map[string][]*project.Folder{}
	for _, f := range p.Folders {
		if f.Path != "" {
			foldersIn[parentOf(f.Path)] = append(foldersIn[parentOf(f.Path)], f)
		}
	}
	var walk func(folder string, depth int)
	walk = func(folder string, depth int) {
		for _, e := range endpointsIn[folder] {
			v.Items = append(v.Items, TreeItem{Kind: "endpoint", Ref: e.Ref(), Name: e.Name, Parent: folder, Depth: depth,
				Seq: e.Seq, Method: e.Method, URL: e.URL, File: e.File, HasScript: e.Script != ""})
		}
		for _, f := range foldersIn[folder] {
			name := f.Name
			if name == "" {
				name = path.Base(f.Path)
			}
			v.Items = append(v.Items, TreeItem{Kind: "folder", Ref: f.Path, Name: name, Parent: folder, Depth: depth, Seq: f.Seq})
			walk(f.Path, depth+1)
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
	f, err := project.OpenRegular(full, project.MaxRecordingFile) // a pipe must not hang the view
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
