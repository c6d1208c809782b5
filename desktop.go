package main

import (
	"context"
	"fmt"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/streamscope/streamscope/app"
	"github.com/streamscope/streamscope/backend/demo"
)

// runDesktop opens the window. It returns the process exit code.
func runDesktop() int {
	if k, v := app.WebviewLocaleFix(os.Getenv); k != "" {
		os.Setenv(k, v) // before GTK reads the locale; see WebviewLocaleFix
	}
	a := app.New(app.Options{Demo: demo.Install, Edit: nativeEdit, RecentMenu: nativeRecentMenu})
	st, _ := a.LoadSettings()
	width, height := 1280, 800
	if w := st.Window; w.Width >= 900 && w.Height >= 560 {
		width, height = w.Width, w.Height
	}
	r, g, b := app.WindowBackground(st.Theme, os.Getenv)
	start := options.Normal
	if st.Window.Maximised {
		start = options.Maximised
	}
	err := wails.Run(&options.App{
		Title:            "Streamscope",
		Width:            width,
		Height:           height,
		MinWidth:         900,
		MinHeight:        560,
		WindowStartState: start,
		Menu:             a.Menu(),
		AssetServer:      &assetserver.Options{Assets: assets, Middleware: a.AssetMiddleware},
		BackgroundColour: &options.RGBA{R: r, G: g, B: b, A: 255},
		OnStartup:        func(ctx context.Context) { a.Startup(app.NewWailsRuntime(ctx)) },
		OnBeforeClose: func(context.Context) bool {
			a.Settings.SaveWindowState()
			return false
		},
		OnShutdown: func(context.Context) { a.Shutdown() },
		Bind:       a.Services(),
		Linux:      &linux.Options{ProgramName: "streamscope", WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "streamscope: cannot open the desktop window: %v\n", err)
		fmt.Fprintln(os.Stderr, "streamscope: build the app with scripts/run (or `wails build`); every subcommand works in this binary: streamscope help")
		return 2
	}
	return 0
}
