// Package script runs post-processor scripts: JavaScript, executed in goja,
// that see a stream's events as they arrive and may build or adjust the
// merged result and assert on it (CONTRACT.md, "Post-processor scripts").
//
// A script is compiled once (Compile) and run once per stream (NewRun): each
// run has its own fresh goja runtime, reused for all of that run's calls
// (top-level code, onEvent for every event, onEnd once). Every call runs on
// the run's own goroutine under a time limit, so that a script stuck in
// native code (a catastrophic regular expression) cannot freeze the caller:
// the call is interrupted at its deadline and, if it still does not return,
// the run is abandoned and reported, and the stream goes on.
//
// The sandbox: the runtime has no require, file system, network, process or
// timers (goja provides none and none are added); ArrayBuffer, DataView and
// the typed arrays are removed; the call stack depth is capped; what a
// script may append and log is capped; built-ins that allocate a result far
// larger than their input in one native step (String.prototype.repeat,
// padStart, padEnd, concat, replace, split, Array.prototype.join, fill, flat,
// concat, Array.from, Function.prototype.apply, JSON.stringify, ...) check
// the size first; and a watchdog interrupts a call whose heap growth passes
// Limits.MaxMemory. goja has no memory accounting of its own, so the
// watchdog measures the process heap (runtime/metrics) while a call runs.
//
// The package also sets regexp2.DefaultMatchTimeout (the regular expression
// engine goja uses for patterns Go's regexp cannot run) to
// RegexpMatchTimeout when it is still unlimited, so that the goroutine of an
// abandoned run stops burning CPU after that long.
//
// Postman's pm.expect is chai's expect: chai 4.5.0 (MIT, assets/chai.LICENSE)
// is embedded and loaded into a run's runtime on first use.
package script
