package app

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/send"
)

// runApp is a started App with the mock server on and a project holding
// one endpoint "chat" against it.
func runApp(t *testing.T) (*App, *fakeRuntime) {
	t.Helper()
	a, rt := newTestApp(t, Options{})
	a.Startup(rt)
	if st, _ := a.Mock.Status(); !st.Running {
		t.Fatalf("mock not running: %+v", st)
	}
	if _, err := a.Project.NewProject(filepath.Join(t.TempDir(), "p"), "Test"); err != nil {
		t.Fatal(err)
	}
	return a, rt
}

func chatEndpoint(name, extraHeader, body string) *project.Endpoint {
	if body == "" {
		body = `{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Explain server-sent events in detail please"}]}`
	}
	ep := &project.Endpoint{Name: name, Method: "POST", URL: "{{mockBaseUrl}}/v1/chat/completions",
		Headers: []project.KV{{Name: "Content-Type", Value: "application/json"}},
		Body:    &project.Body{Type: project.BodyJSON, Text: body}}
	if extraHeader != "" {
		k, v, _ := strings.Cut(extraHeader, ":")
		ep.Headers = append(ep.Headers, project.KV{Name: k, Value: strings.TrimSpace(v)})
	}
	return ep
}

// batches returns the run's batches received so far.
func batches(rt *fakeRuntime, event string) []RunBatch {
	var out []RunBatch
	for _, d := range rt.named(event) {
		out = append(out, d.(RunBatch))
	}
	return out
}

func waitDone(t *testing.T, rt *fakeRuntime, event string) []RunBatch {
	t.Helper()
	waitFor(t, "the done batch of "+event, func() bool {
		bs := batches(rt, event)
		return len(bs) > 0 && bs[len(bs)-1].Done != nil
	})
	return batches(rt, event)
}

// reassemble applies the merge deltas as the UI does.
func reassemble(t *testing.T, bs []RunBatch) (content, reasoning string) {
	t.Helper()
	apply := func(s string, d *TextDelta) string {
		if d == nil {
			return s
		}
		if d.Reset {
			s = d.Append
		} else {
			s += d.Append
		}
		if len(s) != d.Total {
			t.Fatalf("delta total %d, text is %d bytes", d.Total, len(s))
		}
		return s
	}
	for _, b := range bs {
		if b.Merge != nil {
			content = apply(content, b.Merge.Content)
			reasoning = apply(reasoning, b.Merge.Reasoning)
		}
	}
	return content, reasoning
}

func checkSequence(t *testing.T, bs []RunBatch) (events int) {
	t.Helper()
	var rec int64
	for i, b := range bs {
		if b.Seq != int64(i+1) {
			t.Fatalf("batch %d has seq %d", i+1, b.Seq)
		}
		if (b.Done != nil) != (i == len(bs)-1) {
			t.Fatalf("batch %d: done=%v", b.Seq, b.Done != nil)
		}
		raw, _ := json.Marshal(b)
		if len(raw) >= 64<<10 {
			t.Fatalf("batch %d is %d bytes", b.Seq, len(raw))
		}
		for _, r := range b.Records {
			rec++
			if r.Seq != rec {
				t.Fatalf("record seq %d, want %d", r.Seq, rec)
			}
			if r.Kind == send.KindEvent {
				events++
			}
		}
	}
	return events
}

func TestSendStreamsBatches(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 2000", "")})
	if err != nil {
		t.Fatal(err)
	}
	if st.Event != "run:"+st.RunID || !strings.HasSuffix(st.URL, "/v1/chat/completions") || !strings.HasPrefix(st.URL, "http://127.0.0.1:") {
		t.Fatalf("started %+v", st)
	}
	bs := waitDone(t, rt, st.Event)
	events := checkSequence(t, bs)
	done := bs[len(bs)-1].Done
	if done.Status != 200 || done.Reason != "complete" || done.Verdict != merge.VerdictComplete || done.Events != events || events < 5 {
		t.Fatalf("done %+v after %d events", done, events)
	}
	res, err := a.Run.Result(st.RunID)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := reassemble(t, bs)
	if res.Merge.Content == "" || content != res.Merge.Content || res.Merge.Format != merge.FormatOpenAIChat {
		t.Fatalf("reassembled %q, result %q (%s)", content, res.Merge.Content, res.Merge.Format)
	}
	last := bs[len(bs)-1].Metrics
	if last == nil || last.Events != events || last.TTFBMS <= 0 || last.FirstEventMS < last.TTFBMS || last.FirstTokenMS < 0 {
		t.Fatalf("metrics %+v", last)
	}
	if res.Running || res.Done == nil || res.Status != 200 {
		t.Fatalf("result %+v", res)
	}
	// exports
	dir := t.TempDir()
	ex, err := a.Run.Export(st.RunID, ExportEvents, filepath.Join(dir, "e.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(ex.Path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != events || !strings.Contains(lines[0], `"seq":1`) {
		t.Fatalf("%d lines for %d events: %s", len(lines), events, lines[0])
	}
	if _, err := a.Run.Export(st.RunID, ExportMerged, filepath.Join(dir, "m.md")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "m.md")); string(b) != content {
		t.Fatalf("merged export %q", b)
	}
	raw, err := a.Run.Export(st.RunID, ExportRaw, filepath.Join(dir, "raw"))
	if err != nil || raw.Bytes == 0 {
		t.Fatalf("raw export %+v %v", raw, err)
	}
	rt.save = ""
	if ex, err := a.Run.Export(st.RunID, ExportRaw, ""); err != nil || ex.Path != "" {
		t.Fatalf("cancelled dialog: %+v %v", ex, err)
	}
	if _, err := a.Run.Export(st.RunID, "pdf", filepath.Join(dir, "x")); err == nil || !strings.Contains(err.Error(), "pdf") {
		t.Fatalf("bad kind: %v", err)
	}
	// snapshot = what the batches carried
	snap, err := a.Run.Snapshot(st.RunID)
	if err != nil || snap.Seq != int64(len(bs)) || snap.Merge.Content.Append != content || snap.Done == nil {
		t.Fatalf("snapshot seq %d of %d: %v", snap.Seq, len(bs), err)
	}
}

func TestSendUnresolvedVariable(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t)
	ep := chatEndpoint("chat", "Authorization: Bearer {{api_key}}", "")
	ep.URL = "{{base_url}}/v1/chat/completions"
	_, err := a.Run.Send(RunRequest{Endpoint: ep})
	var ue *project.UnresolvedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "base_url") || !strings.Contains(err.Error(), "api_key") {
		t.Fatalf("want an unresolved error naming base_url and api_key, got %v", err)
	}
	// a per-run variable resolves it
	st, err := a.Run.Send(RunRequest{Endpoint: ep, Vars: map[string]string{"base_url": a.Mock.baseURL(), "api_key": "k"}})
	if err != nil {
		t.Fatal(err)
	}
	a.Run.Stop(st.RunID)
}

func TestStopClosesQuickly(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("slow", "X-Mock-TPS: 5", "")})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first event", func() bool {
		for _, b := range batches(rt, st.Event) {
			for _, r := range b.Records {
				if r.Kind == send.KindEvent {
					return true
				}
			}
		}
		return false
	})
	t0 := time.Now()
	if err := a.Run.Stop(st.RunID); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 100*time.Millisecond {
		t.Fatalf("Stop took %v", d)
	}
	bs := batches(rt, st.Event)
	if done := bs[len(bs)-1].Done; done == nil || done.Reason != "cancelled" {
		t.Fatalf("last batch %+v", bs[len(bs)-1].Done)
	}
	waitFor(t, "the mock to see the stream closed", func() bool {
		a.Mock.mu.Lock()
		defer a.Mock.mu.Unlock()
		return a.Mock.srv.ActiveRequests() == 0
	})
	if err := a.Run.Stop("nope"); err == nil {
		t.Fatal("Stop of an unknown run: no error")
	}
}

func TestParallelRuns(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	var ids []RunStarted
	for i := 0; i < 3; i++ {
		st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("c", "X-Mock-TPS: 0", "")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, st)
	}
	var first string
	for _, st := range ids {
		bs := waitDone(t, rt, st.Event)
		checkSequence(t, bs)
		c, _ := reassemble(t, bs)
		if first == "" {
			first = c
		} else if c != first {
			t.Fatalf("the same request merged differently: %q vs %q", c, first)
		}
	}
}

func TestReasoningAndBigStream(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	// a reasoner model streams reasoning_content; small batches force
	// deltas over many batches
	a.Run.Batch = send.BatchOptions{Interval: 5 * time.Millisecond, MaxRecords: 3}
	body := `{"model":"deepseek-reasoner","stream":true,"messages":[{"role":"user","content":"` + strings.Repeat("why is the sky blue ", 20) + `"}]}`
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("r", "X-Mock-TPS: 0", body)})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	checkSequence(t, bs)
	res, _ := a.Run.Result(st.RunID)
	c, r := reassemble(t, bs)
	if r == "" || r != res.Merge.Reasoning || c != res.Merge.Content {
		t.Fatalf("reasoning %q vs %q", r, res.Merge.Reasoning)
	}
	if len(bs) < 5 {
		t.Fatalf("only %d batches", len(bs))
	}
}

func TestCheckRule(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("c", "X-Mock-TPS: 0", "")})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	events := bs[len(bs)-1].Done.Events
	rc, err := a.Run.CheckRule(RuleCheckRequest{RunID: st.RunID, Content: "$.choices[0].delta.content", Stop: "$.choices[0].finish_reason"})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := a.Run.Result(st.RunID)
	if rc.Events != events || rc.Content == 0 || rc.Content >= events || rc.Stop != 1 || rc.Error != "" || !strings.HasPrefix(res.Merge.Content, rc.Preview) {
		t.Fatalf("rule check %+v over %d events", rc, events)
	}
	bad, err := a.Run.CheckRule(RuleCheckRequest{Samples: []string{`{"a":1}`}, Content: "$.[[["})
	if err != nil || bad.Error == "" {
		t.Fatalf("a broken rule: %+v %v", bad, err)
	}
	sm, _ := a.Run.CheckRule(RuleCheckRequest{Samples: []string{`{"a":"x"}`, `{"b":1}`, `{"a":"y"}`}, Content: "$.a"})
	if sm.Events != 3 || sm.Content != 2 || sm.Preview != "xy" {
		t.Fatalf("samples %+v", sm)
	}
}

func TestSaveAndReplayRecording(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	doc, err := a.Project.SaveEndpoint(EndpointDoc{Endpoint: *chatEndpoint("chat", "X-Mock-TPS: 0", "")})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.Run.Send(RunRequest{Ref: doc.Ref})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	content, _ := reassemble(t, bs)
	rel, err := a.Run.SaveRecording(st.RunID, "first run")
	if err != nil || rel != "recordings/first-run.jsonl" {
		t.Fatalf("saved %q, %v", rel, err)
	}
	v, _ := a.Project.Current()
	if len(v.Recordings) != 1 {
		t.Fatalf("recordings %v", v.Recordings)
	}
	data, _ := os.ReadFile(filepath.Join(v.Dir, rel))
	if strings.Contains(string(data), "127.0.0.1") || !strings.Contains(string(data), "{{mockBaseUrl}}") {
		t.Fatalf("the recording should keep the URL as written: %.300s", data)
	}
	rp, err := a.Run.ReplayRecording("first-run")
	if err != nil {
		t.Fatal(err)
	}
	rbs := waitDone(t, rt, rp.Event)
	checkSequence(t, rbs)
	rc, _ := reassemble(t, rbs)
	done := rbs[len(rbs)-1].Done
	if rc != content || !done.Replay || done.Reason != "complete" || done.Events != bs[len(bs)-1].Done.Events {
		t.Fatalf("replay %+v: %q vs %q", done, rc, content)
	}
	if _, err := a.Run.Body(rp.RunID); err == nil {
		t.Fatal("a replay has no body")
	}
	// nor raw bytes for its events: the Timeline shows a reconstruction
	for _, b := range rbs {
		for _, r := range b.Records {
			if r.Event != nil && (r.Event.RawSize != 0 || r.Event.RawOffset != 0) {
				t.Fatalf("a replayed event has a raw span: %+v", r.Event)
			}
		}
	}
	if rv, err := a.Run.RawSlice(rp.RunID, 0, 10); err != nil || rv.Available || !strings.Contains(rv.Reason, "replayed recording") {
		t.Fatalf("raw slice of a replay: %+v %v", rv, err)
	}
}

func TestBodyOfPlainResponse(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	body := `{"model":"gpt-4o-mini","stream":false,"messages":[{"role":"user","content":"hi there"}]}`
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("plain", "", body)})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	if _, err := a.Run.Body("999"); err == nil {
		t.Fatal("unknown run")
	}
	bv, err := a.Run.Body(st.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if !bv.IsText || !strings.Contains(bv.ContentType, "json") || !json.Valid([]byte(bv.Text)) || bv.Size != len(bv.Text) {
		t.Fatalf("body %+v", bv)
	}
	res, _ := a.Run.Result(st.RunID)
	if res.Merge.Content == "" || bs[len(bs)-1].Done.StreamKind != "plain" {
		t.Fatalf("plain result %+v", res.Merge)
	}
	if c, _ := reassemble(t, bs); c != res.Merge.Content {
		t.Fatalf("delta %q vs %q", c, res.Merge.Content)
	}
}
