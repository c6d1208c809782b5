package app

import (
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
)

// Menu actions, sent to the UI as "menu:<action>" events with a MenuEvent.
const (
	MenuNewProject  = "new-project"
	MenuOpenProject = "open-project"
	MenuOpenDemo    = "open-demo"
	MenuOpenRecent  = "open-recent"
	MenuSave        = "save"
	MenuToggleTheme = "toggle-theme"
	MenuReload      = "reload"
)

// MenuEvent is the payload of a "menu:<action>" event; Path is the
// project folder for "menu:open-recent".
type MenuEvent struct {
	Action string `json:"action"`
	Path   string `json:"path"`
}

// Menu builds the application menu: File (new, open, demo, recent, save,
// quit), Edit (the standard roles) and View (theme, reload). Its items emit
// "menu:<action>" for the UI to act on.
//
// The menu is built once, before the window opens: Wails v2 on Linux
// rebuilds a menu with GTK calls on the calling goroutine, which crashes
// when done from a bound method, so "Open recent" lists the projects known
// at launch (the sidebar's recent list is always current).
func (a *App) Menu() *menu.Menu {
	send := func(action, path string) func(*menu.CallbackData) {
		return func(*menu.CallbackData) { a.emit("menu:"+action, MenuEvent{Action: action, Path: path}) }
	}
	m := menu.NewMenu()
	file := m.AddSubmenu("File")
	file.AddText("New project…", keys.CmdOrCtrl("n"), send(MenuNewProject, ""))
	file.AddText("Open project…", keys.CmdOrCtrl("o"), send(MenuOpenProject, ""))
	file.AddText("Open demo project", nil, send(MenuOpenDemo, ""))
	recent := file.AddSubmenu("Open recent")
	st := a.store.Get()
	if len(st.Recent) == 0 {
		recent.AddText("No recent projects", nil, nil).Disabled = true
	}
	for _, r := range st.Recent {
		label := r.Name
		if label == "" {
			label = r.Path
		}
		recent.AddText(label+"  —  "+r.Path, nil, send(MenuOpenRecent, r.Path))
	}
	file.AddSeparator()
	file.AddText("Save", keys.CmdOrCtrl("s"), send(MenuSave, ""))
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) {
		if rt := a.runtime(); rt != nil {
			rt.Quit()
		}
	})
	m.Append(menu.EditMenu())
	view := m.AddSubmenu("View")
	view.AddText("Toggle theme", keys.Combo("t", keys.CmdOrCtrlKey, keys.ShiftKey), send(MenuToggleTheme, ""))
	view.AddText("Reload", keys.CmdOrCtrl("r"), send(MenuReload, ""))
	return m
}
