// Package appstate keeps the desktop app's own state between launches:
// settings (theme, the built-in mock server on or off), the window's size
// and position, the recent projects and the project open at exit. It is
// one JSON file, $XDG_CONFIG_HOME/streamscope/settings.json (or the
// platform's configuration directory), written atomically.
//
// A missing file means a first launch (Load reports it, so the app can
// open the demo project); a file that does not parse is reported with its
// path and never overwritten silently: Load returns the defaults and the
// error, and Save moves the broken file aside as settings.json.broken first.
package appstate
