package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
	"github.com/streamscope/streamscope/backend/send"
)

// plainMergeMax bounds the body merged as one answer (or given to a
// script's pm.response.text()).
const plainMergeMax = 16 << 20

// MockBaseURLVar is the variable every run gets: the built-in mock
// server's base URL (the demo project's {{mockBaseUrl}}).
const MockBaseURLVar = "mockBaseUrl"

// prepared is a request ready to send.
type prepared struct {
	req                    send.Request
	ref, rawMethod, rawURL string
	mopts                  merge.Options
	merger                 *merge.Merger
	script                 scriptHook
	secrets                []string
}

// prepare resolves a RunRequest: the endpoint, its variables (every
// unresolved one reported by name), the merge options and the script.
func (s *RunService) prepare(req RunRequest) (*prepared, error) {
	var out *prepared
	build := func(p *project.Project) error {
		ep := req.Endpoint
		if ep == nil {
			if req.Ref == "" {
				return fmt.Errorf("send: no endpoint given")
			}
			e, err := p.Endpoint(req.Ref)
			if err != nil {
				return err
			}
			ep = e
		}
		cp := *ep
		if err := cp.Validate(); err != nil {
			return fmt.Errorf("endpoint %q: %w", cp.Name, err)
		}
		overrides := map[string]string{}
		if mb := s.app.Mock.baseURL(); mb != "" {
			overrides[MockBaseURLVar] = mb
		}
		for k, v := range req.Vars {
			overrides[k] = v
		}
		var env *project.Environment
		if req.Environment != "" {
			var err error
			if env, err = p.Environment(req.Environment); err != nil {
				return err
			}
		}
		scope := secrets.NewScope(p, env, overrides, s.app.projectGetenv, s.app.Project.secretStoreErr)
		pr, err := p.Resolve(&cp, scope)
		if err != nil {
			if _, ok := err.(*project.UnresolvedError); ok && s.app.Mock.baseURL() == "" && strings.Contains(err.Error(), MockBaseURLVar) {
				return fmt.Errorf("%v (the built-in mock server is off: turn it on in the settings)", err)
			}
			return maskError(scope, err)
		}
		sr, err := pr.SendRequest()
		if err != nil {
			return err
		}
		mo := pr.Merge.Options()
		m, err := merge.New(mo)
		if err != nil {
			return fmt.Errorf("endpoint %q: merge: %w", cp.Name, err)
		}
		src := ""
		if req.Script != nil {
			src = *req.Script
		} else if cp.Script != "" && p.Dir != "" {
			if src, err = p.ReadScript(&cp); err != nil {
				return err
			}
		}
		out = &prepared{req: sr, ref: cp.Ref(), rawMethod: cp.Method, rawURL: cp.FullURL(), mopts: mo, merger: m}
		defer func() { out.secrets = scope.RedactValues() }()
		if strings.TrimSpace(src) != "" {
			name := cp.Script
			if name == "" {
				name = project.Slug(cp.Name) + ".js"
			}
			vars, err := scope.Values()
			if err != nil {
				return err
			}
			h, err := newScriptHook(name, src, vars)
			if err != nil {
				return maskError(scope, err)
			}
			out.script = h
		}
		return nil
	}
	err := s.app.Project.withRead(build)
	if err == errNoProject && req.Endpoint != nil {
		err = build(&project.Project{})
	}
	return out, err
}

// sendLoop sends the request, feeding the merger, the script and the
// batcher, then sends the final batch.
func (r *run) sendLoop(ctx context.Context, req send.Request) {
	defer r.cancel()
	// The verdict is the CLI's (send.MergeCheck, send.FinalResult). The
	// merger takes events after End too, so a reconnect goes on merging.
	req.Finish = func() (send.EndReason, string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		res := r.m.EndClean() // Finish runs where a body ended cleanly
		r.ended = &res
		return send.MergeCheck(res)
	}
	req.EndMarker = func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.m.SawEnd()
	}
	var body func() string
	sink := func(rec send.Record) {
		// the merger, the script and the body file take the record as
		// received; the UI and the event file its masked copy
		shown := r.maskRecord(rec)
		r.mu.Lock()
		r.records++
		var ev *send.EventInfo
		switch rec.Kind {
		case send.KindResponseHeaders:
			r.kind, r.status, r.header, r.timing = rec.Response.StreamKind, rec.Response.Status, rec.Response.Header, rec.Response.Timing
		case send.KindChunk:
			r.bytes += int64(rec.Chunk.Size)
			r.files.AddBody(rec.Chunk.Data)
		case send.KindEvent:
			r.events++
			r.files.AddEvent(rec.Event.Index, rec.At, shown.Event.Event)
			r.ended = nil // End is taken again at the next end of a body
			r.m.AddTimed(rec.Event.Event, rec.At)
			ev = rec.Event
		case send.KindEnd:
			r.timing = rec.End.Timing
		}
		status, header := r.status, r.header
		r.mu.Unlock()
		if r.script != nil {
			switch {
			case rec.Kind == send.KindResponseHeaders:
				// failures are part of the script's output
				_ = r.script.onResponse(status, header, body)
			case ev != nil:
				_ = r.script.onEvent(ev.Event, ev.Index, rec.At, r.snapshot)
			}
		}
		r.batcher.Add(shown)
	}
	sender := r.svc.Sender
	if sender == nil {
		sender = &send.Sender{}
	}
	// The body goes to a file (r.files), not into memory: a long
	// stream's memory stays bounded.
	req.MaxBody = -1
	res := sender.Do(ctx, &req, sink)
	if res.Kind == send.StreamPlain || r.script != nil {
		// a plain body is merged (and a script reads it) as a whole
		res.Body, res.BodyTruncated, _ = r.files.Body(plainMergeMax)
	}
	r.finish(res)
}

// snapshot is the merge result now, for scripts.
func (r *run) snapshot() *merge.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.m.Result()
	return &res
}

// finish computes the final result (script onEnd included) and sends the
// last batch.
func (r *run) finish(res *send.Result) {
	r.mu.Lock()
	r.res = res
	var final merge.Result
	if r.ended != nil {
		final = *r.ended
	} else {
		final = r.m.End()
	}
	final = send.FinalResult(r.mopts, final, res)
	r.mu.Unlock()
	scriptError := ""
	if r.script != nil {
		var body []byte
		if !r.replay {
			body = res.Body
		}
		if err := r.script.onEnd(&final, body); err != nil {
			scriptError = err.Error()
		}
	}
	out := r.scriptOutput()
	r.mu.Lock()
	r.final, r.finalSet = final, true
	done := RunDone{
		Status: res.Status, Reason: string(res.Reason), Code: res.Code, Message: r.red.String(res.Message),
		DurationMS: res.Timing.DurationMS, Events: res.Events, Bytes: res.Bytes, WireBytes: res.WireBytes,
		Attempts: res.Attempts, Verdict: final.Verdict, Complete: final.Complete,
		StreamKind: string(res.Kind), ContentType: r.red.String(res.Header.Get("Content-Type")), ScriptError: r.red.String(scriptError),
		Replay: r.replay,
	}
	if out != nil {
		r.logs, r.tests = out.logs, out.tests
		r.redactOutputLocked()
		if done.ScriptError == "" {
			done.ScriptError = out.err
		}
		done.ScriptError = r.red.String(done.ScriptError)
		r.script.close()
	}
	for _, t := range r.tests {
		if t.Passed {
			done.TestsPassed++
		} else {
			done.TestsFailed++
		}
	}
	r.mu.Unlock()
	r.end(done)
}

// ReplayRecording replays a saved recording of the open project through
// the merge (and the endpoint's script, when the endpoint still exists)
// without the network, as a run: the same batches as Send, at once.
func (s *RunService) ReplayRecording(name string) (RunStarted, error) {
	var rec *project.Recording
	var ep *project.Endpoint
	var hook scriptHook
	err := s.app.Project.withRead(func(p *project.Project) error {
		var err error
		rec, err = p.LoadRecording(name)
		if err != nil {
			return err
		}
		if rec.Endpoint != "" {
			if e, err := p.Endpoint(rec.Endpoint); err == nil {
				cp := *e
				ep = &cp
			}
		}
		if ep != nil && ep.Script != "" {
			src, err := p.ReadScript(ep)
			if err != nil {
				return err
			}
			if hook, err = newScriptHook(ep.Script, src, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return RunStarted{}, err
	}
	var mo merge.Options
	if ep != nil && ep.Merge != nil {
		mo = ep.Merge.Options()
	}
	m, err := merge.New(mo)
	if err != nil {
		return RunStarted{}, err
	}
	r := s.newRun(rec.Endpoint, rec.Method, rec.URL, "", true)
	r.m, r.mopts, r.script = m, mo, hook
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.replayLoop(ctx, rec)
	return RunStarted{RunID: r.id, Event: r.event, Method: rec.Method, URL: rec.URL}, nil
}

func (r *run) replayLoop(ctx context.Context, rec *project.Recording) {
	defer r.cancel()
	kind := send.StreamKind(rec.Stream)
	if kind == "" {
		kind = send.StreamSSE
	}
	var seq int64
	add := func(rc send.Record) {
		seq++
		rc.Seq, rc.Attempt = seq, 1
		rc.TimeMS = float64(rc.At.Microseconds()) / 1000
		r.batcher.Add(rc)
	}
	h := http.Header{}
	if rec.ContentType != "" {
		h.Set("Content-Type", rec.ContentType)
	}
	tm := send.Timing{TTFBMS: rec.TTFBMS}
	status := rec.Status
	if status == 0 {
		status = 200
	}
	r.mu.Lock()
	r.kind, r.status, r.header, r.timing = kind, status, h, tm
	r.mu.Unlock()
	add(send.Record{Kind: send.KindRequestSent, Request: &send.RequestInfo{Method: rec.Method, URL: rec.URL, Header: http.Header{}}})
	add(send.Record{Kind: send.KindResponseHeaders, At: time.Duration(rec.TTFBMS * float64(time.Millisecond)),
		Response: &send.ResponseInfo{Status: status, StatusText: http.StatusText(status), Proto: "replay", Header: h, StreamKind: kind, Timing: tm}})
	if r.script != nil {
		_ = r.script.onResponse(status, h, nil)
	}
	reason, code, msg := send.EndComplete, "", ""
	n := 0
	for _, ev := range rec.Events {
		if ctx.Err() != nil {
			reason, code, msg = send.EndCancelled, send.CodeCancelled, "replay stopped"
			break
		}
		n++
		at := ev.Elapsed()
		r.mu.Lock()
		r.events++
		r.records++
		r.files.AddEvent(n, at, ev.Event)
		r.m.AddTimed(ev.Event, at)
		r.mu.Unlock()
		if r.script != nil {
			_ = r.script.onEvent(ev.Event, n, at, r.snapshot)
		}
		add(send.Record{Kind: send.KindEvent, At: at, Event: &send.EventInfo{Index: n, Event: ev.Event}})
	}
	r.mu.Lock()
	// The recorded body ended cleanly when the recording says complete.
	var final merge.Result
	if reason == send.EndComplete && (rec.End == "" || rec.End == string(send.EndComplete)) {
		final = r.m.EndClean()
	} else {
		final = r.m.End()
	}
	r.ended = &final
	if reason == send.EndComplete {
		switch rs, m := send.MergeCheck(final); rs {
		case send.EndError:
			reason, code, msg = rs, send.CodeStream, m
		case send.EndTruncated:
			reason, code, msg = rs, send.CodeTruncated, m
		}
	}
	r.mu.Unlock()
	dur := rec.DurationMS
	if k := len(rec.Events); k > 0 && rec.Events[k-1].TimeMS > dur {
		dur = rec.Events[k-1].TimeMS
	}
	tm.DurationMS = dur
	end := &send.EndInfo{Reason: reason, Code: code, Message: msg, Events: n, Attempts: 1, Timing: tm}
	add(send.Record{Kind: send.KindEnd, At: time.Duration(dur * float64(time.Millisecond)), End: end})
	r.finish(&send.Result{Status: status, StatusText: http.StatusText(status), Header: h, Kind: kind, Events: n,
		Reason: reason, Code: code, Message: msg, Attempts: 1, Timing: tm})
}
