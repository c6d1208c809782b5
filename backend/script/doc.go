// Package script runs post-processor scripts: JavaScript, executed in goja,
// that see a stream's events as they arrive and may build or adjust the
// merged result and assert on it (CONTRACT.md, "Post-processor scripts").
//
// A script is compiled once (Compile) and run once per stream (NewRun): each
// run has its own fresh goja runtime, reused for all of that run's calls
// (top-level code, onEvent for every event, onEnd once). Every call runs on
// the run's own goroutine under a time limit, so that a script stuck in
// native code (a catastrophic regular expression) cannot freeze the caller:
// the call is interrupted at its deadline and, if it still has not returned
// Limits.Grace later, the run is abandoned and reported (later calls return
// the same error at once), and the stream goes on. An abandoned goroutine
// can no longer touch the result, the tests or the logs. Everything that
// runs the script's code is part of a call, under its limits: describing
// an uncaught exception (its message getter, toString or a Proxy trap may
// loop) runs on the worker before the call returns, and a description that
// is interrupted or throws itself is reported as such.
//
// Beside a built-in merger, MergeEvent and MergeEnd give the script the
// merger's result so far with the script's own changes re-applied (Apply);
// with format "script" the merger only counts events and the script alone
// builds the result.
//
// A Session (Program.NewSession) is how every caller runs a script over a
// stream (the CLI's merge, send and run, the app's runs, through
// backend/run): Start with the response (the top-level code; only the
// first call counts), Event for every event the merger took (onEvent on
// the merge so far with the script's changes; a failure is returned once,
// when it happens, and the stream goes on), Apply on every fresh merge
// result, End on the final one (onEnd, then the run is closed).
// pm.response.text() is the raw input written to the session (Write: the
// merge command's stdin) or else the events' data, a line each, until End
// gives the whole body; at most MaxResponseBody bytes are kept. The calls
// are serialised; Apply, Logs, Tests and Err never wait for a call in
// progress, so a UI reading the output is not held up by a script stuck
// until its time limit.
//
// The sandbox:
//   - no require, file system, network, process or timers: goja provides
//     none and none are added; ArrayBuffer, DataView and the typed arrays
//     are removed;
//   - each call has a time limit (default 1 s), enforced with
//     Runtime.Interrupt; ClearInterrupt runs before every call;
//   - the call stack depth is capped (SetMaxCallStackSize);
//   - JSON is parsed to at most MaxJSONDepth (512) levels, as the merge's
//     own parser: JSON.parse and pm.response.json() throw a SyntaxError
//     past it and event.json a RangeError (goja's parser recurses on the Go
//     stack, whose overflow would end the process);
//   - what ctx.append/appendReasoning/addToolCall add and what console
//     keeps are capped, with a RangeError naming the limit;
//   - code compiled in the sandbox is bounded in size, which bounds its
//     nesting (goja's parser, compiler and regexp parsers recurse on the Go
//     stack): a script, eval and the Function constructors take at most
//     MaxCodeTokens tokens, a regular-expression pattern compiled at run
//     time (RegExp, RegExp.prototype.compile, match/matchAll/search with a
//     string) at most MaxRegexpLength characters; eval is indirect (it runs
//     in the global scope);
//   - each piece of script-made text shown as one line (an error message, a
//     console message, a pm.test name or failure message, a ctx.fail
//     message, a finish reason, a tool call's id or name) is cut at
//     Limits.MaxMessage (default 8 KiB);
//   - built-ins that would allocate a result far larger than their input in
//     one native step, which Interrupt cannot stop (String.prototype.repeat,
//     padStart, padEnd, concat, replace, replaceAll, split, Array.prototype
//     methods on huge or sparse arrays, join, concat, flat, flatMap,
//     Array.from, Function.prototype.apply, Reflect.apply/construct,
//     JSON.stringify (escapes and indentation counted), the string and
//     array iterators, String.raw, and those whose result can be several
//     times longer than their input: toUpperCase/toLowerCase and their
//     locale forms, normalize, encodeURI, encodeURIComponent, escape, whose
//     result length the host computes first), check the size first
//     (assets/guard.js, run in every runtime before the script);
//   - a watchdog samples the process heap (runtime/metrics) while a call
//     runs and interrupts it when the heap grew past Limits.MaxMemory
//     (default 128 MiB; goja has no memory accounting of its own), less
//     what the host allocated for the script (strings converted for it,
//     the result's buffers). An interrupt stops a native step only once it
//     is over, so a growth past the limit counts at once when it came in
//     one big step or a collection showed half the limit kept: a string
//     doubled in a loop stops within about twice the limit;
//   - what the script keeps across calls (ctx.state, globals, closures) is
//     capped for the whole run by Limits.MaxRunMemory (default 256 MiB):
//     the live heap, measured by a collection at the run's start and by
//     later ones, less the result's text (the merger's and what ctx.append
//     added), may not grow past it; the call in progress is interrupted, or
//     fails as it returns. It is a measure of the whole process, so other
//     work in it (another run in the app) counts too.
//
// The package sets regexp2.DefaultMatchTimeout (the regular-expression
// engine goja uses for patterns Go's regexp cannot run, such as
// backreferences) to RegexpMatchTimeout when it is still unlimited, so that
// the goroutine of an abandoned run stops burning CPU after that long; a
// match the engine gives up is a RangeError in the script, not a silent "no
// match". Patterns goja runs with Go's regexp have no time limit: a match
// whose cost (the string's length times the compiled program's size and
// capture slots) passes MaxRegexpCost is refused with a RangeError before
// it starts, so that an abandoned call cannot keep a CPU busy for long.
//
// pm.expect is chai's expect: chai 4.5.0 (MIT, assets/chai.LICENSE) is
// embedded and loaded into a run's runtime on first use.
package script
