package appstate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadSaveRoundTrip(t *testing.T) {
	t.Parallel()
	s := &Store{Dir: filepath.Join(t.TempDir(), "streamscope")}
	st, first, err := s.Load()
	if err != nil || !first || st.Theme != ThemeSystem || !st.MockEnabled {
		t.Fatalf("first load: %+v %v %v", st, first, err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, err = s.Update(func(st *Settings) {
		st.Theme = ThemeDark
		st.Window = Window{X: 10, Y: 20, Width: 1200, Height: 800}
		AddRecent(st, "/a", "A", now)
		AddRecent(st, "/b", "B", now)
		AddRecent(st, "/a", "A2", now)
	})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(s.Path())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("settings file: %v %v", info, err)
	}
	s2 := &Store{Dir: s.Dir}
	got, first, err := s2.Load()
	if err != nil || first {
		t.Fatal(first, err)
	}
	if got.Theme != ThemeDark || got.Window.Width != 1200 || got.LastProject != "/a" ||
		len(got.Recent) != 2 || got.Recent[0].Name != "A2" || got.Recent[1].Path != "/b" || got.Recent[0].OpenedAt != "2026-01-02T03:04:05Z" {
		t.Fatalf("reloaded %+v", got)
	}
	RemoveRecent(&got, "/a")
	if len(got.Recent) != 1 || got.LastProject != "" {
		t.Fatalf("after remove %+v", got)
	}
}

func TestRecentIsBounded(t *testing.T) {
	t.Parallel()
	st := Defaults()
	for i := 0; i < MaxRecent+5; i++ {
		AddRecent(&st, "/p"+string(rune('a'+i)), "", time.Now())
	}
	if len(st.Recent) != MaxRecent || st.Recent[0].Path != "/p"+string(rune('a'+MaxRecent+4)) {
		t.Fatalf("recent %+v", st.Recent)
	}
}

func TestBrokenFileIsReportedAndKept(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content, want string
	}{
		{"not json", "{theme: dark", "settings.json"},
		{"newer schema", `{"schema": 99}`, "schema 99"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &Store{Dir: t.TempDir()}
			os.WriteFile(s.Path(), []byte(tc.content), 0o600)
			st, first, err := s.Load()
			if err == nil || first || !strings.Contains(err.Error(), tc.want) || st.Theme != ThemeSystem {
				t.Fatalf("load: %+v %v %v", st, first, err)
			}
			if _, err := s.Update(func(st *Settings) { st.Theme = ThemeLight }); err != nil {
				t.Fatal(err)
			}
			{
				if b, err := os.ReadFile(s.Path() + ".broken"); err != nil || string(b) != tc.content {
					t.Fatalf("the broken file was not kept aside: %q %v", b, err)
				}
			}
		})
	}
}

func TestDefaultDir(t *testing.T) {
	t.Parallel()
	env := map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}
	d, err := DefaultDir(func(k string) string { return env[k] })
	if err != nil || d != filepath.Join("/x/cfg", "streamscope") {
		t.Fatalf("%q %v", d, err)
	}
	if ValidTheme("blue") || !ValidTheme(ThemeLight) {
		t.Fatal("ValidTheme")
	}
}
