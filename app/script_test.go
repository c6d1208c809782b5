package app

import (
	"strings"
	"testing"
	"time"
)

func TestSendRunsEndpointScript(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	src := `
let n = 0;
function onEvent(event, ctx) {
  n++;
  if (event.seq === 1) console.log("first event", event.type);
}
function onEnd(ctx) {
  ctx.append("\n-- " + n + " events");
  pm.test("has content", () => pm.expect(ctx.result.content.length).to.be.above(0));
  pm.test("status is 200", () => pm.expect(pm.response.code).to.equal(200));
  pm.test("fails on purpose", () => pm.expect(1).to.equal(2));
}
`
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("scripted", "X-Mock-TPS: 0", ""), Script: &src})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	checkSequence(t, bs)
	done := bs[len(bs)-1].Done
	if done.TestsPassed != 2 || done.TestsFailed != 1 || done.ScriptError != "" {
		t.Fatalf("done %+v", done)
	}
	var logs []ScriptLog
	var tests []ScriptTest
	for _, b := range bs {
		logs = append(logs, b.Logs...)
		tests = append(tests, b.Tests...)
	}
	if len(logs) != 1 || logs[0].Message != "first event message" || logs[0].EventSeq != 1 {
		t.Fatalf("logs %+v", logs)
	}
	if len(tests) != 3 || tests[2].Passed || !strings.Contains(tests[2].Message, "2") {
		t.Fatalf("tests %+v", tests)
	}
	res, _ := a.Run.Result(st.RunID)
	content, _ := reassemble(t, bs)
	if !strings.HasSuffix(res.Merge.Content, " events") || content != res.Merge.Content || len(res.Tests) != 3 {
		t.Fatalf("content %q / %q", content, res.Merge.Content)
	}
}

func TestScriptSyntaxErrorStopsSend(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t)
	src := "function onEnd(ctx) {\n  ctx.append(\n}\n"
	_, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("bad", "", ""), Script: &src})
	if err == nil || !strings.Contains(err.Error(), "bad.js") {
		t.Fatalf("want a syntax error naming the script, got %v", err)
	}
}

func TestScriptRuntimeErrorKeepsStream(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	src := "function onEvent(e, ctx) { if (e.seq === 2) throw new Error('boom'); }\n"
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("throws", "X-Mock-TPS: 0", ""), Script: &src})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	done := bs[len(bs)-1].Done
	if !strings.Contains(done.ScriptError, "boom") || done.Reason != "complete" || done.Events < 3 {
		t.Fatalf("done %+v", done)
	}
	if c, _ := reassemble(t, bs); c == "" {
		t.Fatal("the stream was lost")
	}
}

// A thrown value whose message getter loops is described under the call's
// time limit (issue 17, item 2): the run ends with a clear script error
// and RunService.Result answers. Before, describing it ran the loop with
// no limit while the script's lock was held, so the run never ended and
// Result blocked for good.
func TestScriptWithLoopingMessageEnds(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	src := "function onEvent(e, ctx) {\n  if (e.seq === 2) throw { get message() { for (;;) {} } };\n}\n"
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("looping", "X-Mock-TPS: 0", ""), Script: &src})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	done := bs[len(bs)-1].Done
	if !strings.Contains(done.ScriptError, "looping.js:2:") || !strings.Contains(done.ScriptError, "onEvent (event 2): uncaught exception whose message could not be read: interrupted: the call ran longer than its limit of 1s") || done.Reason != "complete" {
		t.Fatalf("done %+v", done)
	}
	got := make(chan RunResult, 1)
	go func() { res, _ := a.Run.Result(st.RunID); got <- res }()
	select {
	case res := <-got:
		if res.Running || res.Merge.Content == "" {
			t.Fatalf("result %+v", res)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("RunService.Result is blocked")
	}
}
