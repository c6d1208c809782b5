package app

import "sync"

// App owns the bound services and their lifecycle.
type App struct {
	mu      sync.Mutex
	rt      Runtime
	System  *SystemService
	started bool
}

// New builds the services; nothing is started until Startup.
func New() *App {
	return &App{System: &SystemService{}}
}

// Services lists the values Wails binds for the frontend.
func (a *App) Services() []any { return []any{a.System} }

// Startup is called once the window exists, with the runtime to use.
func (a *App) Startup(rt Runtime) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rt = rt
	a.started = true
}

// Shutdown stops background work when the window closes.
func (a *App) Shutdown() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.started = false
}
