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
	MenuSaveAll     = "save-all"
	MenuToggleTheme = "toggle-theme"
	MenuReload      = "reload"
	MenuEdit        = "edit"
)

// MenuEvent is the payload of a "menu:<action>" event; Path is the
// project folder for "menu:open-recent" and the editing command for
// "menu:edit".
type MenuEvent struct {
	Action string `json:"action"`
	Path   string `json:"path"`
}

// Menu builds the application menu: File (new, open, demo, recent, save,
// save all, quit), Edit (undo, redo, cut, copy, paste, select all) and View (theme,
// reload). Its items emit
// "menu:<action>" for the UI to act on.
//
// The menu is built once, before the window opens: Wails v2 on Linux
// cannot rebuild a menu once the window is open, so "Open recent" is kept
// current through Options.RecentMenu (see refreshRecentMenu).
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
	items := a.recentItems()
	if len(items) == 0 {
		recent.AddText(noRecent, nil, nil).Disabled = true
	}
	for _, r := range items {
		recent.AddText(r.label, nil, send(MenuOpenRecent, r.path))
	}
	file.AddSeparator()
	file.AddText("Save", keys.CmdOrCtrl("s"), send(MenuSave, ""))
	file.AddText("Save all", keys.Combo("s", keys.CmdOrCtrlKey, keys.ShiftKey), send(MenuSaveAll, ""))
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) {
		if rt := a.runtime(); rt != nil {
			rt.Quit()
		}
	})
	// Wails v2 leaves menu.EditMenu() out on Linux, so the Edit menu is
	// built here. Its items carry no accelerators: the keys (Ctrl+Z, Ctrl+C,
	// …) stay with the web view, where editors handle them themselves.
	edit := m.AddSubmenu("Edit")
	for _, it := range []struct{ label, command string }{
		{"Undo", "Undo"}, {"Redo", "Redo"}, {"", ""},
		{"Cut", "Cut"}, {"Copy", "Copy"}, {"Paste", "Paste"}, {"", ""},
		{"Select all", "SelectAll"},
	} {
		if it.command == "" {
			edit.AddSeparator()
			continue
		}
		command := it.command
		edit.AddText(it.label, nil, func(*menu.CallbackData) { a.edit(command) })
	}
	view := m.AddSubmenu("View")
	view.AddText("Toggle theme", keys.Combo("t", keys.CmdOrCtrlKey, keys.ShiftKey), send(MenuToggleTheme, ""))
	view.AddText("Reload", keys.CmdOrCtrl("r"), send(MenuReload, ""))
	return m
}

// edit runs an Edit menu command in the web view (Options.Edit), or asks
// the UI to run it when there is no native way.
func (a *App) edit(command string) {
	if a.opts.Edit != nil {
		a.opts.Edit(command)
		return
	}
	a.emit("menu:"+MenuEdit, MenuEvent{Action: MenuEdit, Path: command})
}

const noRecent = "No recent projects"

type recentItem struct{ label, path string }

// recentItems lists the recent projects as the menu shows them.
func (a *App) recentItems() []recentItem {
	var out []recentItem
	for _, r := range a.store.Get().Recent {
		label := r.Name
		if label == "" {
			label = r.Path
		}
		out = append(out, recentItem{label + "  —  " + r.Path, r.Path})
	}
	return out
}

// refreshRecentMenu brings File › Open recent up to date with the recent
// list (Options.RecentMenu), after a project was opened or found missing.
func (a *App) refreshRecentMenu() {
	if a.opts.RecentMenu == nil {
		return
	}
	items := a.recentItems()
	labels := make([]string, len(items))
	for i, r := range items {
		labels[i] = r.label
	}
	a.opts.RecentMenu(labels, noRecent, func(i int) {
		if i >= 0 && i < len(items) {
			a.emit("menu:"+MenuOpenRecent, MenuEvent{Action: MenuOpenRecent, Path: items[i].path})
		}
	})
}
