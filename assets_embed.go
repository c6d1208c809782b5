//go:build dev || production

package main

import "embed"

// assets is the built frontend, embedded by `wails build` / `wails dev`.
//
//go:embed all:frontend/dist
var assets embed.FS
