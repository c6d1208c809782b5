package appstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/streamscope/streamscope/backend/project"
)

// FileName is the settings file inside Dir.
const FileName = "settings.json"

// Schema is the version of the settings file.
const Schema = 1

// MaxRecent bounds the recent-projects list.
const MaxRecent = 10

// Themes.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// Settings is everything the app remembers.
type Settings struct {
	Schema int `json:"schema"`
	// Theme is ThemeSystem, ThemeLight or ThemeDark.
	Theme string `json:"theme"`
	// MockEnabled starts the built-in mock LLM server at launch.
	MockEnabled bool   `json:"mockEnabled"`
	Window      Window `json:"window"`
	// Recent lists the projects opened last, newest first.
	Recent []RecentProject `json:"recent"`
	// LastProject is the project open when the app was closed ("" none).
	LastProject string `json:"lastProject"`
	// AllowEnv lists the process environment variables that projects may
	// read ({{$env.NAME}}), on top of those listed in STREAMSCOPE_ALLOW_ENV:
	// a desktop launch has no shell to set it in.
	AllowEnv []string `json:"allowEnv,omitempty"`
}

// Window is the window's geometry; zero Width means "never saved".
type Window struct {
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	Maximised bool `json:"maximised"`
}

// RecentProject is one entry of the recent-projects list.
type RecentProject struct {
	Path string `json:"path"`
	Name string `json:"name"`
	// OpenedAt is when it was last opened, RFC 3339 in UTC.
	OpenedAt string `json:"openedAt"`
}

// Defaults returns the settings of a first launch.
func Defaults() Settings {
	return Settings{Schema: Schema, Theme: ThemeSystem, MockEnabled: true, Recent: []RecentProject{}}
}

// ValidTheme reports whether t names a theme.
func ValidTheme(t string) bool {
	return t == ThemeSystem || t == ThemeLight || t == ThemeDark
}

// DefaultDir returns $XDG_CONFIG_HOME/streamscope, else ~/.config/streamscope
// (Unix) or the platform's configuration directory. getenv nil means os.Getenv.
func DefaultDir(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "streamscope"), nil
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, ".config", "streamscope"), nil
		}
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory for the settings: %w", err)
	}
	return filepath.Join(dir, "streamscope"), nil
}

// Store reads and writes the settings file in Dir. Its methods are safe
// for concurrent use; every change is written at once.
type Store struct {
	Dir string

	mu  sync.Mutex
	cur Settings
}

// Path is the settings file.
func (s *Store) Path() string { return filepath.Join(s.Dir, FileName) }

// Load reads the settings. first is true when there was no file (a first
// launch). A file that does not parse yields the defaults and an error
// naming the file.
func (s *Store) Load() (st Settings, first bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = Defaults()
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return clone(s.cur), true, nil
	}
	if err != nil {
		return clone(s.cur), false, err
	}
	var got Settings
	if err := json.Unmarshal(data, &got); err != nil {
		return clone(s.cur), false, fmt.Errorf("%s: %v (using the defaults)", s.Path(), err)
	}
	if got.Schema > Schema {
		return clone(s.cur), false, fmt.Errorf("%s: schema %d is newer than this build understands (%d); using the defaults", s.Path(), got.Schema, Schema)
	}
	if !ValidTheme(got.Theme) {
		got.Theme = ThemeSystem
	}
	if got.Recent == nil {
		got.Recent = []RecentProject{}
	}
	if len(got.Recent) > MaxRecent {
		got.Recent = got.Recent[:MaxRecent]
	}
	got.Schema = Schema
	s.cur = got
	return clone(s.cur), false, nil
}

// Get returns the current settings.
func (s *Store) Get() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.cur)
}

// Update applies change to the settings and writes them. On a write error
// the change is kept in memory and the error returned.
func (s *Store) Update(change func(*Settings)) (Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&s.cur)
	s.cur.Schema = Schema
	if !ValidTheme(s.cur.Theme) {
		s.cur.Theme = ThemeSystem
	}
	return clone(s.cur), s.write()
}

func (s *Store) write() error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(s.cur, "", "  ")
	if err != nil {
		return err
	}
	// A file that does not parse is kept aside rather than lost.
	if old, err := os.ReadFile(s.Path()); err == nil {
		var probe Settings
		if json.Unmarshal(old, &probe) != nil || probe.Schema > Schema {
			if err := os.Rename(s.Path(), s.Path()+".broken"); err != nil {
				return fmt.Errorf("%s does not parse and cannot be moved aside: %w", s.Path(), err)
			}
		}
	}
	return project.WriteFileAtomic(s.Path(), append(data, '\n'), 0o600)
}

// AddRecent puts dir (made absolute) at the top of the recent list as
// name, and records it as the last project.
func AddRecent(st *Settings, dir, name string, now time.Time) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	out := []RecentProject{{Path: dir, Name: name, OpenedAt: now.UTC().Format(time.RFC3339)}}
	for _, r := range st.Recent {
		if r.Path != dir && len(out) < MaxRecent {
			out = append(out, r)
		}
	}
	st.Recent = out
	st.LastProject = dir
}

// RemoveRecent drops dir from the recent list (a folder that is gone).
func RemoveRecent(st *Settings, dir string) {
	out := st.Recent[:0:0]
	for _, r := range st.Recent {
		if r.Path != dir {
			out = append(out, r)
		}
	}
	st.Recent = out
	if st.LastProject == dir {
		st.LastProject = ""
	}
}

func clone(s Settings) Settings {
	s.Recent = append([]RecentProject{}, s.Recent...)
	return s
}
