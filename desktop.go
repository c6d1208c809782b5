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
)

// runDesktop opens the window. It returns the process exit code.
func runDesktop() int {
	a := app.New()
	err := wails.Run(&options.App{
		Title:            "Streamscope",
		Width:            1360,
		Height:           860,
		MinWidth:         900,
		MinHeight:        560,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 24, G: 24, B: 27, A: 255},
		OnStartup:        func(ctx context.Context) { a.Startup(app.NewWailsRuntime(ctx)) },
		OnShutdown:       func(context.Context) { a.Shutdown() },
		Bind:             a.Services(),
		Linux:            &linux.Options{ProgramName: "streamscope", WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "streamscope: cannot open the desktop window: %v\n", err)
		fmt.Fprintln(os.Stderr, "streamscope: build the app with scripts/run (or `wails build`); every subcommand works in this binary: streamscope help")
		return 2
	}
	return 0
}
