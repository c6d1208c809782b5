package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/streamscope/streamscope/backend/appstate"
	"github.com/streamscope/streamscope/backend/project"
)

// Event names sent to the frontend (besides "run:<runId>").
const (
	// EventProjectChanged carries a ProjectChanged: call ProjectService.Current.
	EventProjectChanged = "project:changed"
	// EventSettingsChanged carries a SettingsView.
	EventSettingsChanged = "settings:changed"
	// EventMockChanged carries a MockStatus.
	EventMockChanged = "mock:changed"
	// EventStartupProblem carries a string: a problem at launch the UI
	// should show once (a settings file that does not parse, ...).
	EventStartupProblem = "app:problem"
)

// Options configure an App.
type Options struct {
	// ConfigDir holds settings.json and the demo project ("": the
	// default, $XDG_CONFIG_HOME/streamscope).
	ConfigDir string
	// Getenv reads the environment (nil: os.Getenv); it also resolves
	// {{$env.NAME}} for the variables listed in STREAMSCOPE_ALLOW_ENV, as
	// the CLI does.
	Getenv func(string) string
	// MockAddr is where the built-in mock listens ("": a free loopback port).
	MockAddr string
	// Demo installs the demo project into dir, leaving a demo project
	// already there as it is (backend/demo's Install; nil: no demo).
	Demo func(dir string) error
	// Edit runs a WebKit editing command ("Undo", "Redo", "Cut", "Copy",
	// "Paste", "SelectAll") in the window's web view, for the Edit menu
	// (nil: the menu sends "menu:edit" and the UI runs the command).
	Edit func(command string)
	// RecentMenu replaces the items of File › Open recent in the open
	// window (labels newest first; empty is the text when there are none);
	// open is called with the index of the item chosen. nil: the menu keeps
	// the list it was built with.
	RecentMenu func(labels []string, empty string, open func(int))
}

// App owns the bound services and their lifecycle.
type App struct {
	opts  Options
	store *appstate.Store

	System   *SystemService
	Settings *SettingsService
	Project  *ProjectService
	Run      *RunService
	Mock     *MockService

	mu      sync.Mutex
	rt      Runtime
	started bool
}

// New builds the services; nothing is started until Startup. The settings
// are read here, so that the window can open with the saved geometry.
func New(o Options) *App {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	a := &App{opts: o}
	dir := o.ConfigDir
	var dirErr error
	if dir == "" {
		dir, dirErr = appstate.DefaultDir(o.Getenv)
	}
	a.store = &appstate.Store{Dir: dir}
	a.System = &SystemService{}
	a.System.diag.dir = o.Getenv(EnvDiag)
	a.Settings = &SettingsService{app: a}
	a.Project = &ProjectService{app: a}
	a.Run = &RunService{app: a}
	a.Run.socket.Pull = func(ids []string) any { return a.Run.pull(ids) }
	a.Mock = &MockService{Addr: o.MockAddr, onChg: func(st MockStatus) { a.emit(EventMockChanged, st) }}
	a.Settings.setLoadError(dirErr)
	return a
}

// Services lists the values Wails binds for the frontend.
func (a *App) Services() []any {
	return []any{a.System, a.Settings, a.Project, a.Run, a.Mock}
}

// LoadSettings reads the settings file; first is true on a first launch.
// Startup calls it; desktop.go calls it before opening the window to
// restore its size.
func (a *App) LoadSettings() (appstate.Settings, bool) {
	st, first, err := a.store.Load()
	a.Settings.setLoadError(err)
	return st, first
}

// Startup is called once the window exists, with the runtime to use: it
// starts the mock server (unless turned off) and opens the last project,
// or the demo project on a first launch.
func (a *App) Startup(rt Runtime) {
	a.mu.Lock()
	a.rt = rt
	a.started = true
	a.mu.Unlock()
	st, first := a.LoadSettings()
	if w := st.Window; w.Width > 0 && rt != nil && !w.Maximised {
		rt.SetWindowPosition(w.X, w.Y)
	}
	if st.MockEnabled {
		if _, err := a.Mock.Start(); err != nil {
			a.emit(EventStartupProblem, "The built-in mock server did not start: "+err.Error())
		}
	}
	switch {
	case first:
		if _, err := a.Project.OpenDemo(); err != nil && !errors.Is(err, errNoDemo) {
			a.emit(EventStartupProblem, "The demo project did not open: "+err.Error())
		}
	case st.LastProject != "":
		if _, err := a.Project.Open(st.LastProject); err != nil {
			a.emit(EventStartupProblem, fmt.Sprintf("The last project did not open: %v", err))
		}
	}
	if first {
		// write the settings so the next launch is not a first one
		a.store.Update(func(*appstate.Settings) {})
	}
}

// Shutdown stops runs, the watcher and the mock server. The window is
// gone by then: its geometry is saved before, when it closes
// (SettingsService.SaveWindowState from OnBeforeClose), and nothing is
// emitted any more.
func (a *App) Shutdown() {
	a.mu.Lock()
	a.started = false
	a.mu.Unlock()
	a.Run.shutdown()
	a.Project.shutdown()
	a.Mock.Stop()
}

// runtime returns the desktop shell while the app runs (nil before
// Startup and after Shutdown).
func (a *App) runtime() Runtime {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.started {
		return nil
	}
	return a.rt
}

func (a *App) emit(name string, data any) {
	if rt := a.runtime(); rt != nil {
		rt.Emit(name, data)
	}
}

func (a *App) getenv(k string) string { return a.opts.Getenv(k) }

// projectGetenv is the process environment as a project's variables see
// it: STREAMSCOPE_ALLOW_ENV also lists the names allowed in the settings
// (SettingsService.SetAllowEnv).
func (a *App) projectGetenv(k string) string {
	v := a.opts.Getenv(k)
	if k != project.AllowEnvVar {
		return v
	}
	if extra := a.store.Get().AllowEnv; len(extra) > 0 {
		v = strings.Join(append([]string{v}, extra...), ",")
	}
	return v
}

var errNoDemo = errors.New("the demo project is not part of this build")

// demoDir installs the demo project into the configuration directory (a
// demo already there, with the user's edits, is kept) and returns its folder.
func (a *App) demoDir() (string, error) {
	if a.opts.Demo == nil {
		return "", errNoDemo
	}
	dir := a.demoFolder()
	if err := a.opts.Demo(dir); err != nil {
		return "", fmt.Errorf("writing the demo project to %s: %w", dir, err)
	}
	return dir, nil
}

func (a *App) isDemoDir(dir string) bool {
	return a.opts.Demo != nil && filepath.Clean(dir) == a.demoFolder()
}

// demoFolder is the folder the demo project is installed in.
func (a *App) demoFolder() string { return filepath.Join(a.store.Dir, "demo") }
