package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/streamscope/streamscope/backend/project"
	brun "github.com/streamscope/streamscope/backend/run"
	"github.com/streamscope/streamscope/backend/send"
)

// plainMergeMax bounds the body merged as one answer (or given to a
// script's pm.response.text()).
const plainMergeMax = 16 << 20

// MockBaseURLVar is the variable every run gets: the built-in mock
// server's base URL (the demo project's {{mockBaseUrl}}).
const MockBaseURLVar = "mockBaseUrl"

// prepare plans a RunRequest (backend/run): the endpoint, its variables
// (every unresolved one reported by name), the merge options, the script.
func (s *RunService) prepare(req RunRequest) (*brun.Plan, error) {
	var plan *brun.Plan
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
		overrides := map[string]string{}
		mock := s.app.Mock.baseURL()
		if mock != "" {
			overrides[MockBaseURLVar] = mock
		}
		for k, v := range req.Vars {
			overrides[k] = v
		}
		var err error
		plan, err = brun.New(brun.Spec{Project: p, Endpoint: ep, Environment: req.Environment, Vars: overrides,
			Getenv: s.app.projectGetenv, Secrets: s.app.Project.secretStoreErr, Source: req.Script})
		var ue *project.UnresolvedError
		if errors.As(err, &ue) && mock == "" && strings.Contains(err.Error(), MockBaseURLVar) {
			return fmt.Errorf("%v (the built-in mock server is off: turn it on in the settings)", err)
		}
		return err
	}
	err := s.app.Project.withRead(build)
	if err == errNoProject && req.Endpoint != nil {
		err = build(&project.Project{})
	}
	return plan, err
}

// sendLoop sends the request and then the final batch.
func (r *liveRun) sendLoop(ctx context.Context) {
	defer r.cancel()
	// The body goes to the run's file, not into memory: a long stream's
	// memory stays bounded.
	r.finish(r.exec.Send(ctx, brun.Options{Sender: r.svc.Sender, Observer: r, Body: r.files.Body, MaxBody: plainMergeMax}))
}

// Record is the run's Observer: the body file takes the record as
// received, the UI, the event file and the record log its masked copy.
func (r *liveRun) Record(rec send.Record) {
	shown := r.mask.Record(rec)
	switch rec.Kind {
	case send.KindChunk:
		r.files.AddBody(rec.Chunk.Data)
	case send.KindEvent:
		r.files.AddEvent(rec.Event.Index, rec.At, shown.Event.Event)
	}
	r.mu.Lock()
	r.records++
	switch rec.Kind {
	case send.KindResponseHeaders:
		r.kind, r.status, r.header, r.timing = rec.Response.StreamKind, rec.Response.Status, rec.Response.Header, rec.Response.Timing
	case send.KindChunk:
		r.bytes += int64(rec.Chunk.Size)
	case send.KindEvent:
		r.events++
	case send.KindEnd:
		r.timing = rec.End.Timing
	}
	r.mu.Unlock()
	r.batcher.Add(shown)
}

// finish takes the outcome and sends the last batch.
func (r *liveRun) finish(o *brun.Outcome) {
	res := o.Send
	out := r.scriptOutput()
	r.mu.Lock()
	r.outcome, r.ended = o, true
	done := RunDone{
		Status: res.Status, Reason: string(res.Reason), Code: res.Code, Message: r.red.String(res.Message),
		DurationMS: res.Timing.DurationMS, Events: res.Events, Bytes: res.Bytes, WireBytes: res.WireBytes,
		Attempts: res.Attempts, Verdict: o.Result.Verdict, Complete: o.Result.Complete,
		StreamKind: string(res.Kind), ContentType: r.red.String(res.Header.Get("Content-Type")), Replay: r.replay,
	}
	if o.ScriptErr != nil {
		done.ScriptError = r.red.String(o.ScriptErr.Error())
	}
	if out != nil {
		r.logs, r.tests = out.logs, out.tests
		r.redactOutputLocked()
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
	var plan *brun.Plan
	err := s.app.Project.withRead(func(p *project.Project) error {
		var err error
		if rec, err = p.LoadRecording(name); err != nil {
			return err
		}
		plan = &brun.Plan{}
		if e, err := p.Endpoint(rec.Endpoint); rec.Endpoint != "" && err == nil {
			plan, err = brun.New(brun.Spec{Project: p, Endpoint: e, Replay: true})
			return err
		}
		return nil
	})
	if err != nil {
		return RunStarted{}, err
	}
	plan.Ref, plan.Method, plan.URL = rec.Endpoint, rec.Method, rec.URL
	r, err := s.newRun(plan, true)
	if err != nil {
		return RunStarted{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		defer r.cancel()
		r.finish(r.exec.Replay(ctx, rec, brun.Options{Observer: r}))
	}()
	return RunStarted{RunID: r.id, Event: r.event, Method: rec.Method, URL: rec.URL}, nil
}
