package app

import (
	"context"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// Runtime is everything the bound services need from the desktop shell.
// The Wails implementation is NewWailsRuntime; tests use a fake.
type Runtime interface {
	// Emit sends an event to the frontend. Keep payloads small (< 64 KB)
	// and batched: never one emit per stream event.
	Emit(name string, data any)
}

type wailsRuntime struct{ ctx context.Context }

// NewWailsRuntime wraps the context Wails passes to OnStartup. It is the
// only place in the code base that calls the Wails runtime.
func NewWailsRuntime(ctx context.Context) Runtime { return &wailsRuntime{ctx: ctx} }

func (w *wailsRuntime) Emit(name string, data any) { wruntime.EventsEmit(w.ctx, name, data) }
