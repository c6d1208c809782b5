package app

import (
	"fmt"
	"strings"
	"sync"

	"github.com/streamscope/streamscope/backend/appstate"
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
		Path: s.app.store.Path(), LoadError: s.err,
	}
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
