package app

import (
	"context"
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
	watch  *project.Watcher // of p's folder, under mu
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
	iv := s.PollInterval
	if iv <= 0 {
		iv = 500 * time.Millisecond
	}
	w := &project.Watcher{Dir: p.Dir, Interval: iv, Lock: &s.mu}
	w.Seen()
	s.watch = w
	ctx, cancel := context.WithCancel(context.Background())
	s.stopW = cancel
	go w.Run(ctx, func(np *project.Project, err error) func() {
		// under s.mu, so that a write of the app and its Seen
		// (wroteLocked) are never seen half way
		if ctx.Err() != nil || s.watch != w {
			return nil
		}
		ev := ProjectChanged{Dir: w.Dir, Reason: "external"}
		if err != nil {
			ev.Error = err.Error()
		} else {
			s.p = np
		}
		return func() { s.app.emit(EventProjectChanged, ev) }
	})
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
	s.p, s.isDemo, s.watch = nil, false, nil
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

// wrote records the folder's state after the app's own write, so the
// watcher does not report it as an outside change, and tells the UI.
func (s *ProjectService) wroteLocked() {
	if s.watch != nil {
		s.watch.Seen()
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
	for _, n := range p.Tree() {
		if e := n.Endpoint; e != nil {
			v.Items = append(v.Items, TreeItem{Kind: "endpoint", Ref: e.Ref(), Name: e.Name, Parent: n.Parent, Depth: n.Depth,
				Seq: e.Seq, Method: e.Method, URL: e.URL, File: e.File, HasScript: e.Script != ""})
		} else {
			v.Items = append(v.Items, TreeItem{Kind: "folder", Ref: n.Folder.Path, Name: n.Folder.DisplayName(), Parent: n.Parent, Depth: n.Depth, Seq: n.Folder.Seq})
		}
	}
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
				Name: strings.TrimSuffix(path.Base(rel), ".jsonl"), Endpoint: p.RecordingEndpoint(rel)})
		}
	}
	return v
}
