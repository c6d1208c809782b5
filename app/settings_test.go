package app

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/wailsapp/wails/v2/pkg/menu"
)

func TestFirstLaunchOpensDemo(t *testing.T) {
	t.Parallel()
	demo := func(dir string) error {
		if _, err := project.Load(dir); err == nil {
			return nil // installed before: kept as it is
		}
		p, err := project.Create(dir, "Demo")
		if err != nil {
			return err
		}
		return p.SaveEndpoint(chatEndpoint("Chat", "", ""))
	}
	cfg := t.TempDir()
	a, rt := newTestApp(t, Options{ConfigDir: cfg, Demo: demo})
	a.Startup(rt)
	v, _ := a.Project.Current()
	if !v.Open || !v.IsDemo || v.Name != "Demo" || v.Dir != filepath.Join(cfg, "demo") || len(v.Items) != 1 {
		t.Fatalf("first launch: %+v", v)
	}
	// Send works at once against the in-process mock
	st, err := a.Run.Send(RunRequest{Ref: "Chat"})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	if d := bs[len(bs)-1].Done; d.Reason != "complete" || d.Status != 200 {
		t.Fatalf("demo send: %+v", d)
	}
	a.Shutdown()

	// the next launch reopens the last project (here another one)
	other := filepath.Join(t.TempDir(), "other")
	a2, rt2 := newTestApp(t, Options{ConfigDir: cfg, Demo: demo})
	a2.Startup(rt2)
	if _, err := a2.Project.NewProject(other, ""); err != nil {
		t.Fatal(err)
	}
	a2.Shutdown()
	a3, rt3 := newTestApp(t, Options{ConfigDir: cfg, Demo: demo})
	a3.Startup(rt3)
	if v, _ := a3.Project.Current(); v.Dir != other || v.IsDemo || v.Name != "other" {
		t.Fatalf("second launch: %+v", v)
	}
	if v, err := a3.Project.OpenDemo(); err != nil || !v.IsDemo {
		t.Fatalf("open demo again: %+v %v", v, err)
	}
}

func TestNoDemoShowsEmptyState(t *testing.T) {
	t.Parallel()
	a, rt := newTestApp(t, Options{})
	a.Startup(rt)
	if v, _ := a.Project.Current(); v.Open {
		t.Fatalf("a project is open: %+v", v)
	}
	if len(rt.named(EventStartupProblem)) != 0 {
		t.Fatalf("problems %v", rt.named(EventStartupProblem))
	}
	if _, err := a.Project.OpenDemo(); err == nil {
		t.Fatal("OpenDemo without a demo: no error")
	}
}

func TestSettingsAndWindow(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	a, rt := newTestApp(t, Options{ConfigDir: cfg})
	a.Startup(rt)
	if _, err := a.Settings.SetTheme("purple"); err == nil {
		t.Fatal("bad theme accepted")
	}
	if v, err := a.Settings.SetTheme("dark"); err != nil || v.Theme != "dark" {
		t.Fatalf("%+v %v", v, err)
	}
	if len(rt.named(EventSettingsChanged)) != 1 {
		t.Fatal("no settings:changed")
	}
	v, err := a.Settings.SetMockEnabled(false)
	if err != nil || v.MockEnabled {
		t.Fatal(v, err)
	}
	if st, _ := a.Mock.Status(); st.Running || st.BaseURL != "" {
		t.Fatalf("mock still running: %+v", st)
	}
	// a run needing the mock says it is off
	_, err = a.Run.Send(RunRequest{Endpoint: chatEndpoint("c", "", "")})
	if err == nil || !strings.Contains(err.Error(), "mockBaseUrl") || !strings.Contains(err.Error(), "mock server is off") {
		t.Fatalf("send with the mock off: %v", err)
	}
	rt.geo = [4]int{30, 40, 1280, 800}
	if _, err := a.Settings.SaveWindowState(); err != nil {
		t.Fatal(err)
	}
	a.Shutdown()
	n := len(rt.named(EventMockChanged))
	a.Mock.Start()
	if len(rt.named(EventMockChanged)) != n {
		t.Fatal("an event was emitted after Shutdown")
	}
	a.Mock.Stop()
	b, _ := os.ReadFile(filepath.Join(cfg, "settings.json"))
	for _, want := range []string{`"theme": "dark"`, `"mockEnabled": false`, `"width": 1280`, `"x": 30`} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("settings.json lacks %s: %s", want, b)
		}
	}
	a2, rt2 := newTestApp(t, Options{ConfigDir: cfg})
	st, first := a2.LoadSettings()
	if first || st.Window.Width != 1280 || st.Theme != "dark" {
		t.Fatalf("reloaded %+v", st)
	}
	a2.Startup(rt2)
	if rt2.movedTo != [2]int{30, 40} {
		t.Fatalf("window not moved back: %v", rt2.movedTo)
	}
	if s, _ := a2.Mock.Status(); s.Running {
		t.Fatal("mock started although turned off")
	}
	if s, err := a2.Mock.Start(); err != nil || !s.Running || !strings.HasPrefix(s.BaseURL, "http://127.0.0.1:") {
		t.Fatalf("start: %+v %v", s, err)
	}
	if len(rt2.named(EventMockChanged)) != 1 {
		t.Fatal("no mock:changed")
	}
}

func TestMenuEmitsActions(t *testing.T) {
	t.Parallel()
	a, rt := newTestApp(t, Options{})
	a.Startup(rt)
	dir := filepath.Join(t.TempDir(), "p")
	if _, err := a.Project.NewProject(dir, "P"); err != nil {
		t.Fatal(err)
	}
	m := a.Menu()
	var file *menu.Menu
	for _, it := range m.Items {
		if it.Label == "File" {
			file = it.SubMenu
		}
	}
	if file == nil {
		t.Fatal("no File menu")
	}
	clicked := map[string]bool{}
	for _, it := range file.Items {
		switch {
		case it.Label == "Open project…" || it.Label == "Open demo project":
			it.Click(&menu.CallbackData{MenuItem: it})
			clicked[it.Label] = true
		case it.Label == "Open recent":
			r := it.SubMenu.Items[0]
			if !strings.Contains(r.Label, dir) {
				t.Fatalf("recent item %q", r.Label)
			}
			r.Click(&menu.CallbackData{MenuItem: r})
			clicked["recent"] = true
		case it.Label == "Quit":
			it.Click(&menu.CallbackData{MenuItem: it})
		}
	}
	if len(clicked) != 3 || !rt.quit {
		t.Fatalf("clicked %v quit %v", clicked, rt.quit)
	}
	if ev := rt.named("menu:open-recent"); len(ev) != 1 || ev[0].(MenuEvent).Path != dir {
		t.Fatalf("open-recent %v", ev)
	}
	if len(rt.named("menu:open-project")) != 1 || len(rt.named("menu:open-demo")) != 1 {
		t.Fatal("menu events missing")
	}
	cat, _ := a.System.Events()
	if cat.Names["run:<runId>"] != "RunBatch" || cat.Names["menu:save"] != "MenuEvent" {
		t.Fatalf("catalogue %v", cat.Names)
	}
}

func TestEditMenu(t *testing.T) {
	t.Parallel()
	editMenu := func(m *menu.Menu) *menu.Menu {
		for _, it := range m.Items {
			if it.Label == "Edit" && it.SubMenu != nil {
				return it.SubMenu
			}
		}
		t.Fatal("no Edit submenu (Wails drops menu.EditMenu() on Linux)")
		return nil
	}
	var ran []string
	a, rt := newTestApp(t, Options{Edit: func(c string) { ran = append(ran, c) }})
	a.Startup(rt)
	var labels []string
	for _, it := range editMenu(a.Menu()).Items {
		if it.Type == menu.SeparatorType {
			continue
		}
		labels = append(labels, it.Label)
		if it.Accelerator != nil {
			t.Errorf("%s has an accelerator: it would take the key from the web view's editors", it.Label)
		}
		it.Click(&menu.CallbackData{MenuItem: it})
	}
	if got, want := strings.Join(labels, ","), "Undo,Redo,Cut,Copy,Paste,Select all"; got != want {
		t.Fatalf("Edit items %s, want %s", got, want)
	}
	if got := strings.Join(ran, ","); got != "Undo,Redo,Cut,Copy,Paste,SelectAll" {
		t.Fatalf("commands run: %s", got)
	}
	if len(rt.named("menu:edit")) != 0 {
		t.Fatal("menu:edit sent although a native editor is set")
	}

	// Without a native web view the UI is asked to run the command.
	b, rt2 := newTestApp(t, Options{})
	b.Startup(rt2)
	for _, it := range editMenu(b.Menu()).Items {
		if it.Label == "Paste" {
			it.Click(&menu.CallbackData{MenuItem: it})
		}
	}
	if ev := rt2.named("menu:edit"); len(ev) != 1 || ev[0].(MenuEvent).Path != "Paste" {
		t.Fatalf("menu:edit %v", ev)
	}
}

func TestWindowBackground(t *testing.T) {
	t.Parallel()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "GTK_THEME" {
				return v
			}
			return ""
		}
	}
	light, dark := [3]uint8{0xf7, 0xf7, 0xf8}, [3]uint8{0x14, 0x14, 0x17}
	for _, c := range []struct {
		theme, gtk string
		want       [3]uint8
	}{
		{"light", "Adwaita:dark", light},
		{"dark", "", dark},
		{"system", "", light},
		{"system", "Adwaita:dark", dark},
		{"", "Yaru-dark", dark},
	} {
		r, g, b := WindowBackground(c.theme, env(c.gtk))
		if got := [3]uint8{r, g, b}; got != c.want {
			t.Errorf("WindowBackground(%q) with GTK_THEME=%q: %v, want %v", c.theme, c.gtk, got, c.want)
		}
	}
}

func TestRecentMenuFollowsOpenedProjects(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var labels []string
	var open func(int)
	a, rt := newTestApp(t, Options{RecentMenu: func(l []string, empty string, o func(int)) {
		mu.Lock()
		defer mu.Unlock()
		labels, open = l, o
		if empty == "" {
			t.Error("no text for an empty list")
		}
	}})
	a.Startup(rt)
	one, two := filepath.Join(t.TempDir(), "one"), filepath.Join(t.TempDir(), "two")
	for _, d := range []string{one, two} {
		if _, err := a.Project.NewProject(d, filepath.Base(d)); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	got := strings.Join(labels, "|")
	choose := open
	mu.Unlock()
	if !strings.HasPrefix(got, "two  —  "+two) || !strings.Contains(got, "|one  —  "+one) {
		t.Fatalf("recent menu %q: want two, then one", got)
	}
	choose(1)
	if ev := rt.named("menu:open-recent"); len(ev) != 1 || ev[0].(MenuEvent).Path != one {
		t.Fatalf("choosing the second item: %v", ev)
	}
	choose(7) // out of range (the list changed meanwhile): nothing
	if len(rt.named("menu:open-recent")) != 1 {
		t.Fatal("an out-of-range item opened something")
	}
	// A project that is gone leaves the menu when opening it fails.
	if err := os.RemoveAll(one); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Project.Open(one); err == nil {
		t.Fatal("opened a deleted project")
	}
	mu.Lock()
	got = strings.Join(labels, "|")
	mu.Unlock()
	if strings.Contains(got, one) {
		t.Fatalf("the deleted project is still in the menu: %q", got)
	}
}

// A desktop launch has no shell to set STREAMSCOPE_ALLOW_ENV in: the
// settings list the process variables projects may read too (issue 17,
// item 24). Until a name is allowed, a run that uses it fails before
// sending; invalid names are refused.
func TestAllowEnvSetting(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	a, rt := newTestApp(t, Options{ConfigDir: cfg, Getenv: func(k string) string {
		switch k {
		case "XDG_CONFIG_HOME":
			return cfg
		case "MY_TOKEN":
			return "tok-from-process"
		case "STREAMSCOPE_ALLOW_ENV":
			return "OTHER"
		}
		return ""
	}})
	a.Startup(rt)
	if _, err := a.Project.NewProject(filepath.Join(t.TempDir(), "p"), "Test"); err != nil {
		t.Fatal(err)
	}
	ep := chatEndpoint("env", "X-Token: {{$env.MY_TOKEN}}", "")
	if _, err := a.Run.Send(RunRequest{Endpoint: ep}); err == nil || !strings.Contains(err.Error(), "MY_TOKEN") {
		t.Fatalf("a process variable nobody allowed: %v", err)
	}
	if _, err := a.Settings.SetAllowEnv([]string{"MY_TOKEN", "1BAD"}); err == nil || !strings.Contains(err.Error(), `"1BAD"`) {
		t.Fatalf("an invalid name: %v", err)
	}
	v, err := a.Settings.SetAllowEnv([]string{" MY_TOKEN ", "MY_TOKEN"})
	if err != nil || !reflect.DeepEqual(v.AllowEnv, []string{"MY_TOKEN"}) || !reflect.DeepEqual(v.AllowEnvFromProcess, []string{"OTHER"}) {
		t.Fatalf("view %+v %v", v, err)
	}
	st, err := a.Run.Send(RunRequest{Endpoint: ep})
	if err != nil {
		t.Fatalf("an allowed process variable: %v", err)
	}
	_ = st
}
