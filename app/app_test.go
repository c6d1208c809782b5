package app

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRuntime records what the services ask of the desktop shell.
type fakeRuntime struct {
	mu      sync.Mutex
	events  []emitted
	dir     string // answer of OpenDirectory
	save    string // answer of SaveFile
	geo     [4]int
	max     bool
	quit    bool
	movedTo [2]int
}

type emitted struct {
	name string
	data any
}

func (f *fakeRuntime) Emit(name string, data any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, emitted{name, data})
}
func (f *fakeRuntime) OpenDirectory(string, string) (string, error)    { return f.dir, nil }
func (f *fakeRuntime) SaveFile(string, string, string) (string, error) { return f.save, nil }
func (f *fakeRuntime) WindowGeometry() (int, int, int, int, bool) {
	return f.geo[0], f.geo[1], f.geo[2], f.geo[3], f.max
}
func (f *fakeRuntime) SetWindowPosition(x, y int) { f.movedTo = [2]int{x, y} }
func (f *fakeRuntime) Quit()                      { f.quit = true }

// named returns the payloads of the events called name.
func (f *fakeRuntime) named(name string) []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []any
	for _, e := range f.events {
		if e.name == name {
			out = append(out, e.data)
		}
	}
	return out
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newTestApp is an App with its configuration in a temp dir and no
// process environment.
func newTestApp(t *testing.T, o Options) (*App, *fakeRuntime) {
	t.Helper()
	cfg := t.TempDir()
	if o.ConfigDir == "" {
		o.ConfigDir = cfg
	}
	if o.Getenv == nil {
		o.Getenv = func(k string) string {
			if k == "XDG_CONFIG_HOME" {
				return cfg
			}
			return ""
		}
	}
	a := New(o)
	rt := &fakeRuntime{}
	t.Cleanup(a.Shutdown)
	return a, rt
}

func TestSystemInfo(t *testing.T) {
	t.Parallel()
	a, rt := newTestApp(t, Options{})
	a.Startup(rt)
	info, err := a.System.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "Streamscope" || !strings.HasPrefix(info.GoVersion, "go") || !strings.Contains(info.Platform, "/") {
		t.Fatalf("unexpected info %+v", info)
	}
	if len(a.Services()) != 5 {
		t.Fatalf("bound services: %d", len(a.Services()))
	}
}
