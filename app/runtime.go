package app

import (
	"context"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// Runtime is everything the bound services need from the desktop shell.
// The Wails implementation is NewWailsRuntime; tests use a fake. Nothing
// else in the code base calls the Wails runtime: a real runtime call with a
// context that did not come from Wails ends the process.
type Runtime interface {
	// Emit sends an event to the frontend. Keep payloads small (< 64 KB)
	// and batched: never one emit per stream event.
	Emit(name string, data any)
	// OpenDirectory asks the user for a folder; "" when cancelled.
	OpenDirectory(title, defaultDir string) (string, error)
	// SaveFile asks the user where to save a file; "" when cancelled.
	SaveFile(title, defaultDir, defaultName string) (string, error)
	// WindowGeometry returns the window's position and size and whether
	// it is maximised.
	WindowGeometry() (x, y, width, height int, maximised bool)
	// SetWindowPosition moves the window (restoring the saved position).
	SetWindowPosition(x, y int)
	// Quit closes the app.
	Quit()
}

type wailsRuntime struct{ ctx context.Context }

// NewWailsRuntime wraps the context Wails passes to OnStartup. It is the
// only place in the code base that calls the Wails runtime.
func NewWailsRuntime(ctx context.Context) Runtime { return &wailsRuntime{ctx: ctx} }

func (w *wailsRuntime) Emit(name string, data any) { wruntime.EventsEmit(w.ctx, name, data) }

func (w *wailsRuntime) OpenDirectory(title, defaultDir string) (string, error) {
	return wruntime.OpenDirectoryDialog(w.ctx, wruntime.OpenDialogOptions{
		Title: title, DefaultDirectory: defaultDir, CanCreateDirectories: true,
	})
}

func (w *wailsRuntime) SaveFile(title, defaultDir, defaultName string) (string, error) {
	return wruntime.SaveFileDialog(w.ctx, wruntime.SaveDialogOptions{
		Title: title, DefaultDirectory: defaultDir, DefaultFilename: defaultName, CanCreateDirectories: true,
	})
}

func (w *wailsRuntime) WindowGeometry() (x, y, width, height int, maximised bool) {
	x, y = wruntime.WindowGetPosition(w.ctx)
	width, height = wruntime.WindowGetSize(w.ctx)
	return x, y, width, height, wruntime.WindowIsMaximised(w.ctx)
}

func (w *wailsRuntime) SetWindowPosition(x, y int) { wruntime.WindowSetPosition(w.ctx, x, y) }

func (w *wailsRuntime) Quit() { wruntime.Quit(w.ctx) }
