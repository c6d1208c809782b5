//go:build !dev && !production

package main

import "embed"

// assets is empty in a plain `go build`: that binary runs the headless
// subcommands and explains how to build the desktop app.
var assets embed.FS
