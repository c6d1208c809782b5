package run

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/mockllm"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/script"
	"github.com/streamscope/streamscope/backend/send"
)

const chatBody = `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello there"}]}`

// mock is the mock LLM server, unpaced.
func mock(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(mockllm.New(mockllm.Options{Unpaced: true}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// chat is a plan for the mock's chat endpoint with the given faults.
func chat(base, faults string) *Plan {
	h := http.Header{"Content-Type": {"application/json"}}
	if faults != "" {
		h.Set(mockllm.HeaderFault, faults)
	}
	return &Plan{Ref: "Chat", Method: "POST", URL: "{{base}}/v1/chat/completions",
		Request: send.Request{Method: "POST", URL: base + "/v1/chat/completions", Header: h, Body: []byte(chatBody)}}
}

// records is an Observer that keeps every record.
type records struct {
	mu   sync.Mutex
	list []send.Record
}

func (k *records) Record(rec send.Record) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.list = append(k.list, rec)
}

func (k *records) kinds() map[send.Kind]int {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[send.Kind]int{}
	for _, r := range k.list {
		out[r.Kind]++
	}
	return out
}

func start(t *testing.T, p *Plan) *Run {
	t.Helper()
	r, err := p.Start()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSend(t *testing.T) {
	t.Parallel()
	base := mock(t)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			http.Error(w, "no such model", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "just text")
	}))
	t.Cleanup(plain.Close)
	get := func(url string) *Plan { return &Plan{Request: send.Request{URL: url}} }
	for _, c := range []struct {
		name     string
		plan     *Plan
		reason   send.EndReason
		code     string
		verdict  string
		content  string // a part of the merged content
		bodyKept bool   // the sender kept the body (no Body option)
	}{
		{name: "complete", plan: chat(base, ""), reason: send.EndComplete, verdict: merge.VerdictComplete, content: "Hello there"},
		{name: "split anywhere", plan: chat(base, "split"), reason: send.EndComplete, verdict: merge.VerdictComplete, content: "Hello there"},
		{name: "cut off", plan: chat(base, "drop"), reason: send.EndTruncated, code: send.CodeTruncated, verdict: merge.VerdictCutOff},
		{name: "an error event", plan: chat(base, "error"), reason: send.EndError, code: send.CodeStream, verdict: merge.VerdictError},
		{name: "a plain body, merged as one answer", plan: get(plain.URL), reason: send.EndComplete, verdict: merge.VerdictComplete, content: "just text", bodyKept: true},
		{name: "an error status keeps its body", plan: get(plain.URL + "/fail"), reason: send.EndComplete, bodyKept: true},
		{name: "no server", plan: get("http://127.0.0.1:1/"), reason: send.EndError, code: send.CodeTransport},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := start(t, c.plan)
			obs := &records{}
			out := r.Send(context.Background(), Options{Observer: obs})
			if out.Send.Reason != c.reason || out.Send.Code != c.code {
				t.Fatalf("end %s (%s: %s), want %s (%s)", out.Send.Reason, out.Send.Code, out.Send.Message, c.reason, c.code)
			}
			if c.verdict != "" && out.Result.Verdict != c.verdict {
				t.Fatalf("verdict %s, want %s (%+v)", out.Result.Verdict, c.verdict, out.Result)
			}
			if !strings.Contains(out.Result.Content, c.content) {
				t.Fatalf("content %q, want it to hold %q", out.Result.Content, c.content)
			}
			if (len(out.Send.Body) > 0) != c.bodyKept {
				t.Fatalf("body kept: %d bytes, want kept %v", len(out.Send.Body), c.bodyKept)
			}
			// the observer saw every record, in order, and the run's
			// result is the outcome's
			for i, rec := range obs.list {
				if rec.Seq != int64(i+1) {
					t.Fatalf("record %d has seq %d", i, rec.Seq)
				}
			}
			if n := obs.kinds()[send.KindEvent]; n != out.Send.Events || n != out.Result.Events && out.Send.Kind != send.StreamPlain {
				t.Fatalf("%d event records, %d events sent, %d merged", n, out.Send.Events, out.Result.Events)
			}
			if cur := r.Current(); cur.Content != out.Result.Content || cur.Verdict != out.Result.Verdict {
				t.Fatalf("Current %q %s after the end, outcome %q %s", cur.Content, cur.Verdict, out.Result.Content, out.Result.Verdict)
			}
			if (out.Timing.TTFBMS != nil) != (out.Send.Status != 0) || (out.Timing.FirstEventMS != nil) != (out.Send.Events > 0) {
				t.Fatalf("timing %+v for status %d and %d events", out.Timing, out.Send.Status, out.Send.Events)
			}
		})
	}
}

// With a Body option the sender keeps no body: the run reads a plain body
// back from it for the merge.
func TestSendReadsThePlainBodyBackFromItsStore(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "stored answer")
	}))
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	var kept []byte
	obs := ObserverFunc(func(rec send.Record) {
		if rec.Kind == send.KindChunk {
			mu.Lock()
			kept = append(kept, rec.Chunk.Data...)
			mu.Unlock()
		}
	})
	asked := 0
	body := func(limit int) ([]byte, bool, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = limit
		return kept[:min(len(kept), limit)], len(kept) > limit, nil
	}
	out := start(t, &Plan{Request: send.Request{URL: srv.URL}}).Send(context.Background(), Options{Observer: obs, Body: body, MaxBody: 6})
	if asked != 6 || out.Result.Content != "stored" || out.Result.Verdict != merge.VerdictDataLost {
		t.Fatalf("asked %d, content %q, verdict %s", asked, out.Result.Content, out.Result.Verdict)
	}
}

// Cancelling the context closes the connection: the run ends cancelled,
// with what came merged.
func TestCancel(t *testing.T) {
	t.Parallel()
	first := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial\"}}]}\n\n")
		w.(http.Flusher).Flush()
		close(first)
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	r := start(t, &Plan{Request: send.Request{URL: srv.URL}})
	got := make(chan *Outcome, 1)
	go func() { got <- r.Send(ctx, Options{}) }()
	<-first
	// the event arrives before the cancel: wait until the run has it
	for deadline := time.Now().Add(10 * time.Second); r.Current().Content != "partial"; {
		if time.Now().After(deadline) {
			t.Fatal("the first event never reached the run")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case out := <-got:
		if out.Send.Reason != send.EndCancelled || out.Result.Content != "partial" || out.Result.Complete {
			t.Fatalf("end %s, content %q, complete %v", out.Send.Reason, out.Result.Content, out.Result.Complete)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end after its cancel")
	}
}

// A replay judges the end of a recording exactly as the live run judged
// the stream it records: same end reason, same verdict, same result.
func TestReplayEndsAsTheLiveRun(t *testing.T) {
	t.Parallel()
	base := mock(t)
	for _, faults := range []string{"", "split", "heartbeat", "drop", "error"} {
		t.Run("fault "+faults, func(t *testing.T) {
			t.Parallel()
			plan := chat(base, faults)
			rec := &Recorder{}
			live := start(t, plan).Send(context.Background(), Options{Observer: rec})
			recording := plan.Recording(live, rec.Events)
			obs := &records{}
			replayed := start(t, plan).Replay(context.Background(), recording, Options{Observer: obs})
			if replayed.Send.Reason != live.Send.Reason || replayed.Send.Code != live.Send.Code {
				t.Fatalf("replay ended %s (%s), the live run %s (%s)", replayed.Send.Reason, replayed.Send.Code, live.Send.Reason, live.Send.Code)
			}
			l, r := live.Result, replayed.Result
			if l.Verdict != r.Verdict || l.Complete != r.Complete || l.Content != r.Content || l.Events != r.Events || fmt.Sprint(l.Error) != fmt.Sprint(r.Error) {
				t.Fatalf("replay %s %v %q %d, the live run %s %v %q %d", r.Verdict, r.Complete, r.Content, r.Events, l.Verdict, l.Complete, l.Content, l.Events)
			}
			if !replayed.Replay || obs.kinds()[send.KindEvent] != len(recording.Events) || obs.kinds()[send.KindEnd] != 1 {
				t.Fatalf("replay records %v", obs.kinds())
			}
		})
	}
}

// The end of recordings that no live run of this code made (another
// version, a hand-written file, the capture relay) is judged by the same
// rules.
func TestReplayEnds(t *testing.T) {
	t.Parallel()
	at := func(ms float64, ev project.RecordedEvent) project.RecordedEvent { ev.TimeMS = ms; return ev }
	chunk := func(s string) project.RecordedEvent {
		return at(1, sseEvent(`{"choices":[{"index":0,"delta":{"content":"`+s+`"}}]}`))
	}
	finish := at(2, sseEvent(`{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`))
	done := at(3, sseEvent("[DONE]"))
	errEv := at(3, sseEvent(`{"error":{"message":"overloaded"}}`))
	for _, c := range []struct {
		name    string
		end     string
		events  []project.RecordedEvent
		reason  send.EndReason
		code    string
		warning bool
		verdict string
	}{
		{"complete", "complete", []project.RecordedEvent{chunk("a"), finish, done}, send.EndComplete, "", false, merge.VerdictComplete},
		{"no end recorded", "", []project.RecordedEvent{chunk("a"), finish, done}, send.EndComplete, "", false, merge.VerdictComplete},
		{"recorded complete without its marker", "complete", []project.RecordedEvent{chunk("a")}, send.EndTruncated, send.CodeTruncated, false, merge.VerdictCutOff},
		{"every choice finished, clean end", "complete", []project.RecordedEvent{chunk("a"), finish}, send.EndComplete, "", false, merge.VerdictComplete},
		{"every choice finished, the body broke", "truncated", []project.RecordedEvent{chunk("a"), finish}, send.EndTruncated, send.CodeTruncated, false, merge.VerdictCutOff},
		{"timed out after the marker", "timeout", []project.RecordedEvent{chunk("a"), finish, done}, send.EndComplete, "", true, merge.VerdictComplete},
		{"timed out before it", "timeout", []project.RecordedEvent{chunk("a")}, send.EndTimeout, send.CodeIdleTimeout, false, merge.VerdictCutOff},
		{"an error event", "error", []project.RecordedEvent{chunk("a"), errEv}, send.EndError, send.CodeStream, false, merge.VerdictError},
		{"a transport error", "error", []project.RecordedEvent{chunk("a")}, send.EndError, send.CodeTransport, false, merge.VerdictCutOff},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			obs := &records{}
			rec := &project.Recording{Method: "POST", URL: "http://x", End: c.end, Events: c.events}
			out := start(t, &Plan{}).Replay(context.Background(), rec, Options{Observer: obs})
			if out.Send.Reason != c.reason || out.Send.Code != c.code || out.Result.Verdict != c.verdict {
				t.Fatalf("end %s (%s: %q), verdict %s; want %s (%s), %s", out.Send.Reason, out.Send.Code, out.Send.Message, out.Result.Verdict, c.reason, c.code, c.verdict)
			}
			if got := obs.kinds()[send.KindWarning] > 0; got != c.warning {
				t.Fatalf("warning %v, want %v", got, c.warning)
			}
			if out.Send.Status != http.StatusOK || out.Timing.DurationMS < c.events[len(c.events)-1].TimeMS {
				t.Fatalf("status %d, duration %v", out.Send.Status, out.Timing.DurationMS)
			}
		})
	}
	// a cancelled replay stops between events
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := start(t, &Plan{}).Replay(ctx, &project.Recording{Events: []project.RecordedEvent{chunk("a"), finish, done}}, Options{})
	if out.Send.Reason != send.EndCancelled || out.Send.Events != 0 {
		t.Fatalf("cancelled replay: %s after %d events", out.Send.Reason, out.Send.Events)
	}
}

func sseEvent(data string) (ev project.RecordedEvent) {
	ev.Event.Type, ev.Event.Data = "message", data
	return ev
}

// A recording keeps what was asked as written and every secret masked.
func TestRecording(t *testing.T) {
	t.Parallel()
	const secret = "sk-record-123456"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"your key is %s\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", secret)
	}))
	t.Cleanup(srv.Close)
	plan := chat(srv.URL, "")
	plan.Redactor = redactorOf(secret)
	rec := &Recorder{}
	out := start(t, plan).Send(context.Background(), Options{Observer: rec})
	got := plan.Recording(out, rec.Events)
	if got.Endpoint != "Chat" || got.Method != "POST" || got.URL != "{{base}}/v1/chat/completions" || got.Status != 200 ||
		got.Stream != "sse" || got.End != "complete" || !strings.HasPrefix(got.ContentType, "text/event-stream") ||
		len(got.Events) != out.Send.Events || got.TTFBMS <= 0 || got.StartedAt.IsZero() {
		t.Fatalf("recording %+v", got)
	}
	all := ""
	for _, e := range got.Events {
		all += e.Data
	}
	if strings.Contains(all, secret) || !strings.Contains(all, "[secret]") {
		t.Fatalf("the recorded events hold the secret or no mask: %.300q", all)
	}
	if !strings.Contains(out.Result.Content, secret) {
		t.Fatal("the run's own result was masked (only what is shown is)")
	}
}

// The script runs beside the merger: its changes reach the live result
// and the final one, its failure is told once while the stream goes on,
// and pm.response.text() is the body at the end.
func TestScript(t *testing.T) {
	t.Parallel()
	base := mock(t)
	for _, c := range []struct {
		name, src  string
		faults     string
		content    string // the end of the final content
		tests      string // "name:passed ..."
		scriptErr  string
		toldErrors int
	}{
		{name: "changes and tests", src: `
let n = 0
function onEvent(e, ctx) { n++ }
function onEnd(ctx) {
  ctx.append(" [" + n + " events]")
  pm.test("status", () => pm.expect(pm.response.code).to.equal(200))
  pm.test("body", () => pm.expect(pm.response.text()).to.include("data: [DONE]"))
  pm.test("var", () => pm.expect(pm.environment.get("model")).to.equal("m1"))
}`, content: " events]", tests: "status:true body:true var:true"},
		{name: "a throw mid-stream", src: `function onEvent(e) { if (e.seq === 2) throw new Error("boom") }`,
			scriptErr: "boom", toldErrors: 1},
		{name: "a failing top-level", src: `throw new Error("at the top")`, scriptErr: "at the top"},
		{name: "ctx.fail", src: `function onEnd(ctx) { ctx.fail("not good") }`, scriptErr: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			plan := chat(base, c.faults)
			prog, err := script.Compile("s.js", c.src)
			if err != nil {
				t.Fatal(err)
			}
			plan.Script = &Script{Program: prog, Vars: map[string]string{"model": "m1"}}
			var told []error
			out := start(t, plan).Send(context.Background(), Options{OnScriptError: func(_ time.Duration, err error) { told = append(told, err) }})
			if !strings.HasSuffix(out.Result.Content, c.content) {
				t.Fatalf("content %q, want it to end with %q", out.Result.Content, c.content)
			}
			var tests []string
			for _, tr := range out.Tests {
				tests = append(tests, fmt.Sprintf("%s:%v", tr.Name, tr.Passed))
			}
			if strings.Join(tests, " ") != c.tests {
				t.Fatalf("tests %v, want %q", out.Tests, c.tests)
			}
			if (out.ScriptErr == nil) != (c.scriptErr == "") || out.ScriptErr != nil && !strings.Contains(out.ScriptErr.Error(), c.scriptErr) {
				t.Fatalf("script error %v, want %q", out.ScriptErr, c.scriptErr)
			}
			if len(told) != c.toldErrors {
				t.Fatalf("told %d errors: %v", len(told), told)
			}
			if c.name == "ctx.fail" && (out.Result.Verdict != merge.VerdictError || out.Result.Error == nil) {
				t.Fatalf("ctx.fail: %+v", out.Result)
			}
			if out.Send.Reason != send.EndComplete {
				t.Fatalf("the stream was lost: %s", out.Send.Reason)
			}
		})
	}
}

// A 429 answer that is retried does not start the script: it sees the
// answer whose body is read.
func TestScriptSeesTheRetriedAnswer(t *testing.T) {
	t.Parallel()
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	prog, err := script.Compile("s.js", `pm.test("code", () => pm.expect(pm.response.code).to.equal(200))`)
	if err != nil {
		t.Fatal(err)
	}
	plan := &Plan{Request: send.Request{URL: srv.URL, Retry: send.Retry{Enabled: true, MaxAttempts: 2}}, Script: &Script{Program: prog}}
	out := start(t, plan).Send(context.Background(), Options{})
	if len(out.Tests) != 1 || !out.Tests[0].Passed || out.Send.Attempts != 2 {
		t.Fatalf("tests %+v after %d attempts", out.Tests, out.Send.Attempts)
	}
}

// A replay runs the script as the live run does.
func TestReplayRunsTheScript(t *testing.T) {
	t.Parallel()
	prog, err := script.Compile("s.js", `let n = 0
function onEvent() { n++ }
function onEnd(ctx) { pm.test("saw " + n, () => {}); pm.test("text", () => pm.expect(pm.response.text()).to.equal("a\nb\n")) }`)
	if err != nil {
		t.Fatal(err)
	}
	rec := &project.Recording{Stream: "sse", Events: []project.RecordedEvent{sseEvent("a"), sseEvent("b")}}
	out := start(t, &Plan{Script: &Script{Program: prog}}).Replay(context.Background(), rec, Options{})
	if len(out.Tests) != 2 || out.Tests[0].Name != "saw 2" || !out.Tests[1].Passed {
		t.Fatalf("tests %+v", out.Tests)
	}
}
