//go:build !(desktop && linux && cgo)

package main

// nativeEdit is nil where no GTK web view is compiled in: the Edit menu
// then asks the UI to run the command itself.
var nativeEdit func(command string)

// nativeRecentMenu is nil without a GTK menu bar to update.
var nativeRecentMenu func(labels []string, empty string, open func(int))
