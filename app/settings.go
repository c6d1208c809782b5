package app

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/streamscope/streamscope/backend/appstate"
	"github.com/streamscope/streamscope/backend/project"
)

// SettingsService reads and changes the app's settings (theme, the
// built-in mock server, the window geometry, recent projects).
type SettingsService struct {
	app *App

	mu  sync.Mutex
	err string // a problem loading the settings file, shown once
}

// SettingsView is the settings as the UI sees them.
type SettingsView struct {
	// Theme is "system", "light" or "dark".
	Theme       string                   `json:"theme"`
	MockEnabled bool                     `json:"mockEnabled"`
	Window      appstate.Window          `json:"window"`
	Recent      []appstate.RecentProject `json:"recent"`
	LastProject string                   `json:"lastProject"`
	// AllowEnv are the process variables projects may read
	// ({{$env.NAME}}), besides those in STREAMSCOPE_ALLOW_ENV (AllowEnvFromProcess).
	AllowEnv            []string `json:"allowEnv"`
	AllowEnvFromProcess []string `json:"allowEnvFromProcess"`
	// Path is the settings file; LoadError says why it could not be read
	// ("" when it was fine or absent).
	Path      string `json:"path"`
	LoadError string `json:"loadError"`
}

func (s *SettingsService) view(st appstate.Settings) SettingsView {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SettingsView{
		Theme: st.Theme, MockEnabled: st.MockEnabled, Window: st.Window,
		Recent: st.Recent, LastProject: st.LastProject,
		AllowEnv: append([]string{}, st.AllowEnv...), AllowEnvFromProcess: splitNames(s.app.getenv(project.AllowEnvVar)),
		Path: s.app.store.Path(), LoadError: s.err,
	}
}

// splitNames splits a comma- or space-separated list of names.
func splitNames(s string) []string {
	return append([]string{}, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })...)
}

// envName is the shape of a process variable's name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// SetAllowEnv sets the process environment variables that projects may
// read ({{$env.NAME}}), besides those in STREAMSCOPE_ALLOW_ENV. A name
// that is not a variable name (letters, digits, '_', not starting with a
// digit) is refused, naming it.
func (s *SettingsService) SetAllowEnv(names []string) (SettingsView, error) {
	clean := []string{}
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		if !envName.MatchString(n) {
			return s.view(s.app.store.Get()), fmt.Errorf("allowed process variable %q: a name is letters, digits and '_', not starting with a digit", n)
		}
		seen[n] = true
		clean = append(clean, n)
	}
	st, err := s.app.store.Update(func(st *appstate.Settings) { st.AllowEnv = clean })
	s.app.emit(EventSettingsChanged, s.view(st))
	return s.view(st), err
}

// Get returns the current settings.
func (s *SettingsService) Get() (SettingsView, error) {
	return s.view(s.app.store.Get()), nil
}

// SetTheme sets the theme: "system", "light" or "dark".
func (s *SettingsService) SetTheme(theme string) (SettingsView, error) {
	if !appstate.ValidTheme(theme) {
		return SettingsView{}, fmt.Errorf("theme %q: want system, light or dark", theme)
	}
	st, err := s.app.store.Update(func(st *appstate.Settings) { st.Theme = theme })
	s.app.emit(EventSettingsChanged, s.view(st))
	return s.view(st), err
}

// SetMockEnabled turns the built-in mock server on or off, now and at the
// next launches.
func (s *SettingsService) SetMockEnabled(on bool) (SettingsView, error) {
	st, err := s.app.store.Update(func(st *appstate.Settings) { st.MockEnabled = on })
	if err != nil {
		return s.view(st), err
	}
	if on {
		_, err = s.app.Mock.Start()
	} else {
		_, err = s.app.Mock.Stop()
	}
	s.app.emit(EventSettingsChanged, s.view(st))
	return s.view(st), err
}

// SaveWindowState records the window's current size and position (the UI
// calls it, debounced, after a resize; the app calls it on shutdown).
func (s *SettingsService) SaveWindowState() (SettingsView, error) {
	rt := s.app.runtime()
	if rt == nil {
		return s.Get()
	}
	x, y, w, h, max := rt.WindowGeometry()
	if w <= 0 || h <= 0 {
		return s.Get()
	}
	st, err := s.app.store.Update(func(st *appstate.Settings) {
		st.Window.Maximised = max
		if !max { // keep the restored geometry of a maximised window
			st.Window.X, st.Window.Y, st.Window.Width, st.Window.Height = x, y, w, h
		}
	})
	return s.view(st), err
}

// ClearRecent empties the recent-projects list.
func (s *SettingsService) ClearRecent() (SettingsView, error) {
	st, err := s.app.store.Update(func(st *appstate.Settings) { st.Recent = []appstate.RecentProject{} })
	return s.view(st), err
}

func (s *SettingsService) setLoadError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.err = err.Error()
	}
}

// WindowBackground is the colour the window shows before the UI paints:
// the UI's own background for the saved theme, so a light UI does not
// start with a dark flash. "system" follows GTK_THEME when it names a dark
// variant and is light otherwise (WebKitGTK's prefers-color-scheme follows
// the GTK theme the same way).
func WindowBackground(theme string, getenv func(string) string) (r, g, b uint8) {
	dark := theme == "dark"
	if theme != "light" && theme != "dark" {
		dark = strings.Contains(strings.ToLower(getenv("GTK_THEME")), "dark")
	}
	if dark {
		return 0x14, 0x14, 0x17 // --bg, dark (frontend/src/styles.css)
	}
	return 0xf7, 0xf7, 0xf8 // --bg, light
}
