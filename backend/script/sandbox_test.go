package script

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"

	"github.com/streamscope/streamscope/backend/merge"
)

func TestNoHostAccess(t *testing.T) {
	t.Parallel()
	src := `
var names = ["require", "process", "module", "exports", "fs", "fetch", "XMLHttpRequest", "setTimeout",
	"setInterval", "setImmediate", "queueMicrotask", "Deno", "Bun", "ArrayBuffer", "SharedArrayBuffer",
	"DataView", "Uint8Array", "Float64Array", "Atomics"];
function onEnd(ctx) {
	ctx.append(names.filter(function (n) { return typeof globalThis[n] !== "undefined"; }).join(","));
}`
	_, res, err := runScript(t, src, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Content != "" {
		t.Errorf("reachable from the script: %s", res.Content)
	}
	_, _, err = runScript(t, `require("fs")`, RunOptions{})
	if e := scriptErr(t, err); e.Message != "ReferenceError: require is not defined" || e.Line != 1 {
		t.Errorf("require: %v", e)
	}
}

func TestTimeoutInterruptsWithPosition(t *testing.T) {
	t.Parallel()
	src := "function onEvent(e, ctx) {\n  if (e.seq === 2) {\n    while (true) {}\n  }\n}"
	start := time.Now()
	_, _, err := runScript(t, src, RunOptions{Timeout: 30 * time.Millisecond}, msg("a"), msg("b"))
	took := time.Since(start)
	e := scriptErr(t, err)
	if e.Kind != KindTimeout || e.Line < 2 || e.Line > 3 || e.Phase != "onEvent" || e.Seq != 2 || !strings.Contains(e.Message, "limit of 30ms") {
		t.Errorf("error = %#v", e)
	}
	if took > 2*time.Second {
		t.Errorf("took %v to stop", took)
	}
}

func TestTopLevelTimeout(t *testing.T) {
	t.Parallel()
	_, _, err := runScript(t, "for (;;) {}", RunOptions{Timeout: 20 * time.Millisecond})
	if e := scriptErr(t, err); e.Kind != KindTimeout || e.Phase != "load" || e.Line != 1 {
		t.Errorf("error = %#v", e)
	}
}

// A stale interrupt (one that arrives after a call has finished) must not
// hit the next call: the run clears it before reuse.
func TestStaleInterruptIsCleared(t *testing.T) {
	t.Parallel()
	prog, err := Compile("stale.js", `function onEvent(e, ctx) { for (var i = 0; i < 1000; i++) {} ctx.append(e.data) }`)
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	res := &merge.Result{}
	for i := 1; i <= 3; i++ {
		run.rt.Interrupt(&limitErr{KindTimeout, "stale"})
		if err := run.OnEvent(Event{Seq: i, Data: "x"}, res); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if res.Content != "xxx" {
		t.Errorf("content = %q", res.Content)
	}
}

func TestRunawayRecursion(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"js":        "function f(n) { return f(n + 1) + 1 }\nfunction onEnd(ctx) { f(0) }",
		"via map":   "function f(n) { return [n].map(function (x) { return f(x + 1) }) }\nfunction onEnd(ctx) { f(0) }",
		"getter":    "var o = { get x() { return this.x } };\nfunction onEnd(ctx) { o.x }",
		"try/catch": "function f() { try { return f() } catch (e) { return f() } }\nfunction onEnd(ctx) { f() }",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runScript(t, src, RunOptions{Timeout: 5 * time.Second})
			if e := scriptErr(t, err); e.Kind != KindStack || e.Line == 0 {
				t.Errorf("error = %#v", e)
			}
		})
	}
}

func TestOutputAndLogCaps(t *testing.T) {
	t.Parallel()
	lim := Limits{MaxOutput: 1000, MaxLog: 500}
	_, res, err := runScript(t, "function onEvent(e, ctx) { for (;;) ctx.append('0123456789') }", RunOptions{Limits: lim}, msg("a"))
	if e := scriptErr(t, err); e.Kind != KindThrown || e.Message != "RangeError: ctx.append: output limit of 1000 bytes reached" {
		t.Errorf("append: %#v", e)
	}
	if len(res.Content) != 1000 {
		t.Errorf("content kept %d bytes, want 1000", len(res.Content))
	}
	_, _, err = runScript(t, "function onEvent(e, ctx) { ctx.append('x'); ctx.appendReasoning('y'.repeat(1000)) }", RunOptions{Limits: lim}, msg("a"))
	if e := scriptErr(t, err); !strings.Contains(e.Message, "ctx.appendReasoning: output limit of 1000 bytes") {
		t.Errorf("appendReasoning: %#v", e)
	}
	run, _, err := runScript(t, "function onEvent(e, ctx) { for (var i = 0; ; i++) console.log('line', i) }", RunOptions{Limits: lim}, msg("a"))
	if e := scriptErr(t, err); e.Message != "RangeError: console.log: log limit of 500 bytes reached" || e.Line != 1 {
		t.Errorf("log: %#v", e)
	}
	n := 0
	for _, l := range run.Logs() {
		n += len(l.Message)
	}
	if n > 500 || n < 450 {
		t.Errorf("kept %d bytes of logs", n)
	}
}

// Built-ins that would allocate a huge result in one native step (which
// Interrupt cannot stop) throw a RangeError naming the limit instead.
func TestAllocationGuards(t *testing.T) {
	t.Parallel()
	// Small limits keep the test fast; the bombs are the real ones.
	small := Limits{MaxStringLength: 1 << 12, MaxArrayLength: 1 << 12, MaxMemory: 1 << 30}
	cases := []struct {
		src, want string
		lim       Limits
	}{
		{"'x'.repeat(1 << 28)", "String.prototype.repeat result length: 268435456 exceeds the sandbox limit of 8388608", Limits{}},
		{"'ab'.repeat(1 << 29)", "String.prototype.repeat result length", small},
		{"'x'.padStart(2 ** 30)", "String.prototype.padStart result length", small},
		{"'x'.padEnd(2 ** 30, 'yz')", "String.prototype.padEnd result length", small},
		{"var s = 'x'.repeat(3000); s.concat(s, s)", "String.prototype.concat result length", small},
		{"new Array(1e9).fill(0)", "Array.prototype.fill: array length: 1000000000", small},
		{"var a = []; a.length = 1e9; a.join('x')", "Array.prototype.join: array length", small},
		{"var a = []; a[4294967294] = 1; a.map(function (x) { return x })", "Array.prototype.map: array length", small},
		{"new Array(100).fill('x'.repeat(1000)).join('')", "Array.prototype.join result length", small},
		{"String(new Array(100).fill({ toString: function () { return 'y'.repeat(1000) } }))", "Array.prototype.join result length", small},
		{"Array.from({ length: 1e8 })", "Array.from: source length", small},
		{"[].concat(new Array(5e4), new Array(5e4))", "Array.prototype.concat result length", small},
		{"var b = new Array(5e4); new Array(10).fill(b).flat()", "Array.prototype.flat result length", small},
		{"var b = new Array(3000).fill(1); [1, 2, 3].flatMap(function () { return b })", "Array.prototype.flatMap result length", small},
		{"(function () {}).apply(null, { length: 1e9 })", "Function.prototype.apply: argument count", small},
		{"Reflect.apply(Math.max, null, { length: 1e9 })", "Reflect.apply: argument count", small},
		{"Reflect.construct(Array, { length: 1e9 })", "Reflect.construct: argument count", small},
		{"[...new Array(1e9)]", "Array.prototype.values: array length", small},
		{"var s = 'x'.repeat(4000); s += s; s.split('')", "String.prototype.split: string length", small},
		{"var s = 'x'.repeat(4000); s += s; [...s]", "String iterator: string length", small},
		{"JSON.stringify(new Array(100).fill('x'.repeat(1000)))", "JSON.stringify result length", small},
		{"JSON.stringify(new Array(100).fill({a: 'x'.repeat(1000)}), null, 2)", "JSON.stringify result length", small},
		{"'x'.repeat(4000).replace(/x/g, '$&$&$&$&$&$&$&$&$&$&')", "RegExp replace result length", small},
		{"'x'.repeat(4000).replace(/x/g, \"$'\")", "RegExp replace result length", small},
		{"'x'.repeat(4000).replaceAll('x', 'yyyyyyyyyyyy')", "String.prototype.replaceAll result length", small},
		{"var big = 'y'.repeat(4000); 'x'.repeat(100).replace(/x/g, function () { return big })", "RegExp replace result length", small},
		{"var big = 'y'.repeat(4000); 'x'.repeat(100).replace('x', function () { return big + big + big + big + big + big + big })", "String.prototype.replace result length", small},
		{"var big = 'y'.repeat(4000); /x/g[Symbol.replace]('x'.repeat(100), function () { return big })", "RegExp replace result length", small},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			t.Parallel()
			_, _, err := runScript(t, "function onEnd(ctx) {\n"+c.src+"\n}", RunOptions{Timeout: 10 * time.Second, Limits: c.lim})
			e := scriptErr(t, err)
			if e.Kind != KindThrown || !strings.HasPrefix(e.Message, "RangeError: ") || !strings.Contains(e.Message, c.want) || e.Line != 2 {
				t.Errorf("error = %#v, want a RangeError at line 2 containing %q", e, c.want)
			}
		})
	}
}

// The guards leave ordinary use alone.
func TestGuardedBuiltinsStillWork(t *testing.T) {
	t.Parallel()
	src := `
function onEnd(ctx) {
	var out = [];
	out.push("ab".repeat(3), "7".padStart(3, "0"), "a".concat("b", 1), [1, [2, [3]]].flat(2).join("-"),
		[1, 2].flatMap(function (x) { return [x, x * 10] }).join(), Array.from("abc").join(""),
		Math.max.apply(null, [1, 5, 3]), Reflect.apply(Math.min, null, [4, 2]), String([1, null, "x"]),
		"a-b-c".split("-").length, "aXbX".replace(/X/g, "[$&]"), "aXbX".replace("X", function (m) { return m.toLowerCase() }),
		"aXbX".replaceAll("X", "$$"), JSON.stringify({a: [1, "s"], b: {c: null}}), JSON.stringify({a: 1, b: 2, c: 3}, ["a", "c"]),
		JSON.stringify({a: 1}, function (k, v) { return k === "a" ? v + 1 : v }), JSON.stringify([1], null, 2).length,
		[3, 1, 2].sort().join(""), [..."hé"].length, Array.prototype.slice.call({length: 2, 0: "p", 1: "q"}).join(""),
		[1, 2, 3].includes(2), [1, 2].concat([3], 4).length, [1, 2, 3].toLocaleString());
	ctx.append(out.join("|"));
}`
	_, res, err := runScript(t, src, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := `ababab|007|ab1|1-2-3|1,10,2,20|abc|5|2|1,,x|3|a[X]b[X]|axbX|a$b$|{"a":[1,"s"],"b":{"c":null}}|{"a":1,"c":3}|{"a":2}|7|123|2|pq|true|4|1,2,3`
	if res.Content != want {
		t.Errorf("got  %s\nwant %s", res.Content, want)
	}
}

// Allocations that go through JavaScript code one step at a time (a growing
// array, a string doubled in a loop) are stopped by the heap watchdog.
func TestMemoryWatchdog(t *testing.T) {
	// Not parallel: the watchdog measures the process heap.
	cases := map[string]string{
		"growing array":   "var a = []; for (var i = 0; ; i++) a.push({ n: i, s: 'item' + i });",
		"doubling string": "var s = 'x'.repeat(1 << 20); var keep = []; for (;;) { s = s + s; keep.push(s); }",
		"object graph":    "var o = {}; for (var i = 0; ; i++) o['k' + i] = [i, i, i];",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			run, _, err := runScript(t, "function onEvent(e, ctx) {\n"+src+"\n}", RunOptions{Timeout: 60 * time.Second, Limits: Limits{MaxMemory: 8 << 20, Grace: 5 * time.Second}}, msg("a"))
			took := time.Since(start)
			e := scriptErr(t, err)
			if e.Kind != KindMemory || e.Line != 2 || !strings.Contains(e.Message, "past the limit of 8 MiB") {
				t.Errorf("error = %#v", e)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			t.Logf("%s: stopped after %v, heap peak ~%d MiB over the start (%s)", name, took.Round(time.Millisecond), (int64(after.HeapAlloc)-int64(before.HeapAlloc))>>20, e.Message)
			run.Close()
		})
	}
}

// A catastrophic regular expression (backtracking in regexp2, inside one
// native call that Interrupt cannot reach) must not freeze the caller: the
// call is abandoned soon after its deadline and later calls fail at once.
func TestCatastrophicRegexpIsAbandoned(t *testing.T) {
	t.Parallel()
	src := "function onEvent(e, ctx) {\n  ctx.append(e.data);\n  if (e.seq === 2) /(a+)+\\1$/.test('a'.repeat(40) + 'b');\n}\nfunction onEnd(ctx) { ctx.append('end') }"
	prog, err := Compile("rx.js", src)
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{Timeout: 50 * time.Millisecond, Limits: Limits{Grace: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	res := &merge.Result{}
	if err := run.OnEvent(Event{Seq: 1, Data: "a"}, res); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = run.OnEvent(Event{Seq: 2, Data: "b"}, res)
	took := time.Since(start)
	e := scriptErr(t, err)
	if e.Kind != KindAbandoned || e.Seq != 2 || !strings.Contains(e.Message, "abandoned") {
		t.Errorf("error = %#v", e)
	}
	if took > time.Second {
		t.Errorf("the caller waited %v", took)
	}
	t.Logf("abandoned after %v", took.Round(time.Millisecond))
	start = time.Now()
	if err2 := run.OnEnd(res); err2 != err {
		t.Errorf("OnEnd after abandon = %v, want the same error", err2)
	}
	if time.Since(start) > 10*time.Millisecond {
		t.Error("OnEnd after abandon did not return at once")
	}
	// The stuck goroutine can no longer reach the result: the caller owns it.
	res.Content += "|caller"
	if res.Content != "ab|caller" {
		t.Errorf("content = %q", res.Content)
	}
	if len(run.Tests()) != 0 {
		t.Errorf("tests = %v", run.Tests())
	}
}

// The goroutine of an abandoned run does not spin forever: the regexp
// engine's match timeout (RegexpMatchTimeout) ends the stuck match, the
// pending interrupt stops the script, and Close lets the goroutine exit.
// (Without the timeout this match would run for hours.)
func TestAbandonedGoroutineEnds(t *testing.T) {
	t.Parallel()
	prog, err := Compile("rx.js", "function onEnd(ctx) { /(a+)+\\1$/.test('a'.repeat(60) + 'b'); for (;;) {} }")
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{Timeout: 20 * time.Millisecond, Limits: Limits{Grace: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if e := scriptErr(t, run.OnEnd(&merge.Result{})); e.Kind != KindAbandoned {
		t.Fatalf("error = %#v", e)
	}
	run.Close()
	select {
	case <-run.exited:
		t.Logf("the abandoned goroutine ended %v after the call started", time.Since(start).Round(time.Millisecond))
	case <-time.After(RegexpMatchTimeout + 5*time.Second):
		t.Fatal("the abandoned goroutine is still running")
	}
}

// With a call limit longer than the regexp engine's match timeout, a
// catastrophic match is given up by the engine: the script gets an error
// for it, not a silent "no match".
func TestRegexpGiveUpIsAnError(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{
		"/(a+)+\\1$/.test(s)",
		"s.replace(/(a+)+\\1$/, 'x')",
		"s.split(/(a+)+\\1$/)",
	} {
		t.Run(expr, func(t *testing.T) {
			t.Parallel()
			src := "function onEnd(ctx) {\n  var s = 'a'.repeat(60) + 'b';\n  ctx.append(String(" + expr + "));\n}"
			_, res, err := runScript(t, src, RunOptions{Timeout: RegexpMatchTimeout + 20*time.Second})
			e := scriptErr(t, err)
			if e.Kind != KindThrown || e.Line != 3 || !strings.Contains(e.Message, "RangeError: regular expression /(a+)+\\1$/") || !strings.Contains(e.Message, "gave up after") {
				t.Errorf("error = %#v", e)
			}
			if res.Content != "" {
				t.Errorf("content = %q", res.Content)
			}
		})
	}
}

func TestRegexpEngineHasMatchTimeout(t *testing.T) {
	t.Parallel()
	if regexp2.DefaultMatchTimeout != RegexpMatchTimeout {
		t.Errorf("regexp2.DefaultMatchTimeout = %v, want %v", regexp2.DefaultMatchTimeout, RegexpMatchTimeout)
	}
}

// pm.test catches a test's exceptions, but not an interruption or a stack
// overflow: those stop the script.
func TestUncatchableInsidePmTest(t *testing.T) {
	t.Parallel()
	cases := map[string]ErrorKind{
		"pm.test('loop', function () { while (true) {} })":                               KindTimeout,
		"pm.test('deep', function () { (function f() { return f() + 1 })() })":           KindStack,
		"pm.test('caught', function () { try { while (true) {} } catch (e) { } })":       KindTimeout,
		"try { pm.test('x', function () { while (true) {} }) } catch (e) { ctx.fail() }": KindTimeout,
	}
	for src, kind := range cases {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			run, _, err := runScript(t, "function onEnd(ctx) {\n"+src+"\n}", RunOptions{Timeout: 50 * time.Millisecond, Limits: Limits{Grace: 5 * time.Second}})
			if e := scriptErr(t, err); e.Kind != kind || e.Line != 2 {
				t.Errorf("error = %#v", e)
			}
			if tests := run.Tests(); len(tests) != 0 {
				t.Errorf("tests = %+v", tests)
			}
		})
	}
}
