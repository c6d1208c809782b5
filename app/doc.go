// Package app is the thin Wails binding layer: small bound services that
// call into backend/ and push typed, batched events to the frontend.
//
// Every call into the Wails runtime goes through the Runtime interface
// (runtime.go); tests use a fake, so nothing here needs a window.
package app
