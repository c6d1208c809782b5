package script

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
)

// runScript compiles src, runs it over events with one result and returns
// the run (closed), the result and the first error.
func runScript(t *testing.T, src string, opts RunOptions, events ...Event) (*Run, *merge.Result, error) {
	t.Helper()
	prog, err := Compile("test.js", src)
	if err != nil {
		return nil, nil, err
	}
	if opts.Timeout == 0 {
		// Generous: the test machine may be slow and busy (-race).
		opts.Timeout = 10 * time.Second
	}
	run, err := prog.NewRun(opts)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(run.Close)
	res := &merge.Result{Format: "script"}
	for i, ev := range events {
		if ev.Seq == 0 {
			ev.Seq = i + 1
		}
		res.Events++
		if err := run.OnEvent(ev, res); err != nil {
			return run, res, err
		}
	}
	res.Complete = true
	return run, res, run.OnEnd(res)
}

func msg(data string) Event { return Event{Type: "message", Data: data} }

func scriptErr(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *script.Error", err, err)
	}
	return e
}

func TestContextAPI(t *testing.T) {
	t.Parallel()
	src := `
function onEvent(event, ctx) {
	ctx.state.n = (ctx.state.n || 0) + 1;
	if (event.json && event.json.text) ctx.append(event.json.text);
	if (event.json && event.json.think) ctx.appendReasoning(event.json.think);
	if (event.json && event.json.tool) ctx.addToolCall(event.json.tool);
	if (event.type === "done") ctx.setFinishReason("end_turn");
}
function onEnd(ctx) {
	ctx.append(" [" + ctx.state.n + " events, content " + JSON.stringify(ctx.result.content) + "]");
}`
	_, res, err := runScript(t, src, RunOptions{},
		msg(`{"text":"Hel"}`), msg(`{"think":"hmm"}`), msg(`{"text":"lo"}`),
		msg(`{"tool":{"id":"c1","name":"get_weather","arguments":{"city":"Paris"}}}`),
		msg(`{"tool":{"id":"c2","name":"raw","arguments":"{\"a\":1}"}}`),
		Event{Type: "done", Data: "bye"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `Hello [6 events, content "Hello"]`; res.Content != want {
		t.Errorf("content = %q, want %q", res.Content, want)
	}
	if res.Reasoning != "hmm" {
		t.Errorf("reasoning = %q", res.Reasoning)
	}
	if res.FinishReason == nil || *res.FinishReason != "end_turn" {
		t.Errorf("finish_reason = %v", res.FinishReason)
	}
	want := []merge.ToolCall{
		{Index: 0, ID: "c1", Name: "get_weather", Arguments: `{"city":"Paris"}`},
		{Index: 1, ID: "c2", Name: "raw", Arguments: `{"a":1}`},
	}
	if len(res.ToolCalls) != 2 || res.ToolCalls[0] != want[0] || res.ToolCalls[1] != want[1] {
		t.Errorf("tool_calls = %+v, want %+v", res.ToolCalls, want)
	}
}

func TestEventObject(t *testing.T) {
	t.Parallel()
	src := `
var seen = [];
function onEvent(e, ctx) {
	seen.push([e.seq, e.type, e.data, e.id, e.time, "json" in e, e.json === undefined ? "-" : JSON.stringify(e.json), Object.keys(e).join(",")].join("|"));
}
function onEnd(ctx) { ctx.append(seen.join("\n")); }`
	_, res, err := runScript(t, src, RunOptions{},
		Event{Seq: 1, Type: "message", Data: `{"a":[1,2]}`, ID: "7", TimeMS: 12.5},
		Event{Seq: 2, Type: "ping", Data: "plain text", ID: "7", TimeMS: 20},
		Event{Seq: 3, Type: "message", Data: "[DONE]", TimeMS: 21},
		Event{Seq: 4, Type: "message", Data: "42"})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		`1|message|{"a":[1,2]}|7|12.5|true|{"a":[1,2]}|seq,type,data,id,time,json`,
		`2|ping|plain text|7|20|false|-|seq,type,data,id,time`,
		`3|message|[DONE]||21|false|-|seq,type,data,id,time`,
		`4|message|42||0|true|42|seq,type,data,id,time,json`,
	}, "\n")
	if res.Content != want {
		t.Errorf("got\n%s\nwant\n%s", res.Content, want)
	}
}

func TestResultSnapshotIsReadOnly(t *testing.T) {
	t.Parallel()
	src := `
function onEvent(e, ctx) {
	"use strict";
	var r = ctx.result, out = [];
	out.push(r.format, r.events, r.complete, r.finish_reason === null, r.error === null, Array.isArray(r.tool_calls), r.usage.total_tokens);
	try { r.content = "hacked"; out.push("wrote") } catch (err) { out.push(err.name) }
	try { r.usage.total_tokens = 1; out.push("wrote") } catch (err) { out.push(err.name) }
	try { ctx.result = {}; out.push("wrote") } catch (err) { out.push(err.name) }
	ctx.append(out.join(","));
	ctx.append("|" + ctx.result.content.length);
}`
	prog, err := Compile("ro.js", src)
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	res := &merge.Result{Format: "openai-chat", Events: 3, Usage: map[string]any{"total_tokens": 9}}
	if err := run.OnEvent(msg("x"), res); err != nil {
		t.Fatal(err)
	}
	if want := "openai-chat,3,false,true,true,true,9,TypeError,TypeError,TypeError|66"; res.Content != want {
		t.Errorf("content = %q, want %q", res.Content, want)
	}
	if res.Usage["total_tokens"] != 9 {
		t.Errorf("usage changed: %v", res.Usage)
	}
}

func TestFail(t *testing.T) {
	t.Parallel()
	_, res, err := runScript(t, `function onEvent(e, ctx) { if (e.data === "bad") ctx.fail("upstream said " + e.data) }`,
		RunOptions{}, msg("ok"), msg("bad"))
	if err != nil {
		t.Fatal(err)
	}
	// runScript sets Complete after the events; ctx.fail ran before.
	if res.Error == nil || res.Error.Message != "upstream said bad" || res.Error.Type != "script" || res.Verdict != merge.VerdictError {
		t.Errorf("error = %+v verdict %q", res.Error, res.Verdict)
	}
}

func TestApplyReplaysChangesOnFreshResult(t *testing.T) {
	t.Parallel()
	prog, err := Compile("overlay.js", `
function onEvent(e, ctx) { ctx.append("+" + e.data); if (e.data === "3") { ctx.setFinishReason("s"); ctx.addToolCall({name: "t", arguments: {}}); } }
function onEnd(ctx) { ctx.fail("nope") }`)
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	built := ""
	for i, d := range []string{"1", "2", "3"} {
		built += d
		snap := &merge.Result{Content: built, ToolCalls: []merge.ToolCall{{Name: "builtin"}}}
		run.Apply(snap)
		if err := run.OnEvent(Event{Seq: i + 1, Data: d}, snap); err != nil {
			t.Fatal(err)
		}
	}
	final := &merge.Result{Content: "123", Complete: true, ToolCalls: []merge.ToolCall{{Name: "builtin"}}}
	run.Apply(final)
	if err := run.OnEnd(final); err != nil {
		t.Fatal(err)
	}
	if final.Content != "123+1+2+3" || final.FinishReason == nil || *final.FinishReason != "s" ||
		len(final.ToolCalls) != 2 || final.ToolCalls[1].Index != 1 || final.ToolCalls[1].Arguments != "{}" ||
		final.Complete || final.Error == nil {
		t.Errorf("final = %+v", final)
	}
}

func TestPostmanSubset(t *testing.T) {
	t.Parallel()
	vars := MapVars{"host": "example.test"}
	src := `
pm.test("status is 200", function () { pm.expect(pm.response.code).to.equal(200); });
pm.test("content type", function () { pm.expect(pm.response.headers.get("content-type")).to.include("event-stream"); });
pm.test("missing header", function () { pm.expect(pm.response.headers.get("x-nope")).to.be.undefined; });
pm.test("fails", function () { pm.expect([1, 2]).to.have.lengthOf(3); });
pm.test("throws", function () { null.x; });
pm.test("body", function () { pm.expect(pm.response.json().ok).to.be.true; pm.expect(pm.response.text()).to.equal('{"ok":true}'); });
pm.environment.set("token", "abc");
pm.variables.set("local", 5);
pm.test("vars", function () {
	pm.expect(pm.environment.get("host")).to.equal("example.test");
	pm.expect(pm.variables.get("host")).to.equal("example.test");
	pm.expect(pm.variables.get("local")).to.equal("5");
	pm.expect(pm.environment.get("local")).to.be.undefined;
	pm.expect(pm.environment.has("token")).to.be.true;
});
function onEvent(e, ctx) {
	console.log("event", e.seq, {d: e.data});
	if (e.seq === 2) console.warn("second");
	pm.test("event " + e.seq + " has data", function () { pm.expect(e.data).to.not.be.empty; });
}
function onEnd(ctx) {
	ctx.vars.set("last", ctx.result.events);
	console.error(new TypeError("boom"));
	pm.test("deep", function () { pm.expect({a: [1, {b: 2}]}).to.deep.equal({a: [1, {b: 3}]}); });
}`
	h := http.Header{}
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	run, _, err := runScript(t, src, RunOptions{Vars: vars, Response: ResponseInfo{Code: 200, Headers: h, Body: func() string { return `{"ok":true}` }}},
		msg("a"), msg(""))
	if err != nil {
		t.Fatal(err)
	}
	want := []TestResult{
		{Name: "status is 200", Passed: true},
		{Name: "content type", Passed: true},
		{Name: "missing header", Passed: true},
		{Name: "fails", Message: "AssertionError: expected [ 1, 2 ] to have a length of 3 but got 2"},
		{Name: "throws", Message: "TypeError: Cannot read property 'x' of undefined"},
		{Name: "body", Passed: true},
		{Name: "vars", Passed: true},
		{Name: "event 1 has data", Passed: true, EventSeq: 1},
		{Name: "event 2 has data", Message: "AssertionError: expected '' not to be empty", EventSeq: 2},
		{Name: "deep", Message: "AssertionError: expected { a: [ 1, { b: 2 } ] } to deeply equal { a: [ 1, { b: 3 } ] }"},
	}
	got := run.Tests()
	if len(got) != len(want) {
		t.Fatalf("tests = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("test %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if vars["token"] != "abc" || vars["last"] != "2" {
		t.Errorf("vars = %v", vars)
	}
	wantLogs := []LogEntry{
		{Level: "log", Message: `event 1 {"d":"a"}`, EventSeq: 1},
		{Level: "log", Message: `event 2 {"d":""}`, EventSeq: 2},
		{Level: "warn", Message: "second", EventSeq: 2},
		{Level: "error", Message: "TypeError: boom"},
	}
	logs := run.Logs()
	if len(logs) != len(wantLogs) {
		t.Fatalf("logs = %+v", logs)
	}
	for i := range wantLogs {
		if logs[i] != wantLogs[i] {
			t.Errorf("log %d = %+v, want %+v", i, logs[i], wantLogs[i])
		}
	}
}

func TestErrorsCarryPosition(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		kind      ErrorKind
		line, col int
		phase     string
		seq       int
		message   string
	}{
		{"syntax", "var a = 1;\nfunction onEvent(e, ctx) {\n  ctx.append(;\n}", KindSyntax, 3, 14, "compile", 0, "SyntaxError: Unexpected token ;"},
		{"top level", "var x = 1;\n  undefinedFn();", KindThrown, 2, 14, "load", 0, "ReferenceError: undefinedFn is not defined"},
		{"onEvent", "function onEvent(e, ctx) {\n\tif (e.seq === 2) {\n\t\tthrow new Error('bad event ' + e.data);\n\t}\n}", KindThrown, 3, 9, "onEvent", 2, "Error: bad event b"},
		{"onEnd", "function onEnd(ctx) {\n  ctx.result.nothing.here;\n}", KindThrown, 2, 22, "onEnd", 0, "TypeError: Cannot read property 'here' of undefined"},
		{"thrown string", "function onEnd(ctx) { throw 'plain' }", KindThrown, 1, 23, "onEnd", 0, "plain"},
		{"expect outside test", "function onEnd(ctx) {\n  pm.expect(1).to.equal(2);\n}", KindThrown, 2, 24, "onEnd", 0, "AssertionError: expected 1 to equal 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runScript(t, c.src, RunOptions{}, msg("a"), msg("b"))
			e := scriptErr(t, err)
			if e.Kind != c.kind || e.File != "test.js" || e.Line != c.line || e.Column != c.col || e.Phase != c.phase || e.Seq != c.seq || e.Message != c.message {
				t.Errorf("error = %#v (%v)", e, e)
			}
		})
	}
}

func TestFailedRunReturnsItsErrorAtOnce(t *testing.T) {
	t.Parallel()
	prog, err := Compile("f.js", `var calls = 0; function onEvent(e, ctx) { calls++; ctx.append(String(calls)); if (calls === 1) throw new Error("first") }`)
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	res := &merge.Result{}
	err1 := run.OnEvent(msg("a"), res)
	err2 := run.OnEvent(msg("b"), res)
	if err1 == nil || err1 != err2 || run.Err() != err1 || res.Content != "1" {
		t.Errorf("err1 %v err2 %v content %q", err1, err2, res.Content)
	}
	if got := err1.Error(); got != "f.js:1:102: onEvent: Error: first" {
		t.Errorf("Error() = %q", got)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	prog, err := Compile("d.js", "")
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if run.timeout != time.Second || run.lim.MaxCallStack != 1000 || run.lim.MaxMemory != 128<<20 || run.lim.Grace != time.Second {
		t.Errorf("timeout %v, limits %+v", run.timeout, run.lim)
	}
}

func TestClosedRun(t *testing.T) {
	t.Parallel()
	prog, err := Compile("c.js", `function onEvent(e, ctx) {}`)
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	run.Close()
	run.Close()
	if err := run.OnEvent(msg("x"), &merge.Result{}); !errors.Is(err, ErrClosed) {
		t.Errorf("OnEvent after Close = %v", err)
	}
}
