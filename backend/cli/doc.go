// Package cli is the headless face of Streamscope: the `streamscope`
// subcommands described in CONTRACT.md (parse, merge, send, run, mock, ...).
//
// Every subcommand lives in its own file and registers itself with Register
// from an init function, so adding a command never touches this package's
// core. Main dispatches, turns errors into one stderr line and maps them to
// the contract's exit codes (0 ok, 1 test failed, 2 usage/input/transport,
// 3 stream incomplete). Nothing here imports Wails.
package cli
