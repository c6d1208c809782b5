// Package cli is the headless face of Streamscope: the `streamscope`
// subcommands described in CONTRACT.md (parse, merge, send, run, mock, ...).
//
// Every subcommand lives in its own file and registers itself with Register
// from an init function, so adding a command never touches this package's
// core. Main dispatches, turns errors into one stderr line and maps them to
// the contract's exit codes (0 ok, 1 test failed, 2 usage/input/transport,
// 3 stream incomplete). Nothing here imports Wails.
//
// send and run are views of backend/run, the one run pipeline the app uses
// too: RunStream runs a run.Plan and observes its records (stream.go: the
// live timeline, the script's console lines as they come and its test
// lines, "PASS  name" / "FAIL  name: message", at the end), then prints
// the merged result (the JSON object with --json), writes JUnit and the
// recording (cmd_run.go) and maps the outcome to the exit code. merge
// drives the same script session over stdin.
//
// What a command prints may come from a hostile stream or project: Main
// escapes control characters on stdout and stderr (visible.go: C0 and C1
// controls, DEL, bidi overrides, bytes that are not UTF-8; JSON output
// stays valid), and fields that must keep their line (timeline, ls,
// script console and test lines) are escaped with Visible. `run` masks
// every secret value of its environment (package redact) in the timeline
// before a line is cut, in stdout (the JSON's strings with --json), in
// stderr as a whole, in error lines, in the JUnit report and in recordings.
package cli
