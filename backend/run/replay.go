package run

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/send"
)

// Replay runs a recording through the plan's merge and script without the
// network, as Send would have run the live stream: the same records (a
// request, the response headers, an event each at its recorded offset, the
// end) for the observer, the same script calls, and the end judged as a
// live run judges it (end):
//   - a recording that ended complete had a body that ended cleanly: the
//     merge judges it (an error event, no end marker);
//   - one that ended otherwise is taken as its body breaking there, unless
//     the merge explains that end itself (the live run's own verdict at a
//     clean end) or the stream's end marker had come (then it is complete,
//     as a live body that breaks after its marker is, with a warning).
//
// A recording without a status replays as a 200 answer; its duration is at
// least its last event's offset. Cancelling ctx stops the replay between
// events (end reason cancelled).
func (r *Run) Replay(ctx context.Context, rec *project.Recording, o Options) *Outcome {
	kind := send.StreamKind(rec.Stream)
	if kind == "" {
		kind = send.StreamSSE
	}
	status := rec.Status
	if status == 0 {
		status = http.StatusOK
	}
	h := http.Header{}
	if rec.ContentType != "" {
		h.Set("Content-Type", rec.ContentType)
	}
	tm := send.Timing{TTFBMS: rec.TTFBMS}
	var seq int64
	emit := func(rc send.Record) {
		seq++
		rc.Seq, rc.Attempt, rc.TimeMS = seq, 1, msOf(rc.At)
		r.take(rc, o)
	}
	started := time.Now()
	emit(send.Record{Kind: send.KindRequestSent, Request: &send.RequestInfo{Method: rec.Method, URL: rec.URL, Header: http.Header{}}})
	emit(send.Record{Kind: send.KindResponseHeaders, At: durationOf(rec.TTFBMS),
		Response: &send.ResponseInfo{Status: status, StatusText: http.StatusText(status), Proto: "replay", Header: h, StreamKind: kind, Timing: tm}})
	n := 0
	cancelled := false
	var first, last time.Duration
	for _, ev := range rec.Events {
		if ctx.Err() != nil {
			cancelled = true
			break
		}
		n++
		at := ev.Elapsed()
		if n == 1 {
			first = at
		}
		last = at
		emit(send.Record{Kind: send.KindEvent, At: at, Event: &send.EventInfo{Index: n, Event: ev.Event}})
	}
	reason, code, msg, warning := r.end(send.EndReason(rec.End), cancelled)
	if warning != "" {
		emit(send.Record{Kind: send.KindWarning, At: last, Warning: &send.Notice{Code: code, Message: warning}})
		code = ""
	}
	tm.DurationMS = max(rec.DurationMS, msOf(last))
	emit(send.Record{Kind: send.KindEnd, At: durationOf(tm.DurationMS),
		End: &send.EndInfo{Reason: reason, Code: code, Message: msg, Events: n, Attempts: 1, Timing: tm}})
	res := &send.Result{Status: status, StatusText: http.StatusText(status), Header: h, Kind: kind, Events: n,
		Reason: reason, Code: code, Message: msg, Attempts: 1, Timing: tm}
	out := Timing{DurationMS: tm.DurationMS}
	ttfb := rec.TTFBMS
	out.TTFBMS = &ttfb
	if n > 0 {
		v := msOf(first)
		out.FirstEventMS = &v
	}
	return r.finish(res, out, started, nil, true)
}

// end judges the end of a replayed stream as a live run would have
// (Replay); warning is set when the body broke after the end marker.
func (r *Run) end(recorded send.EndReason, cancelled bool) (reason send.EndReason, code, msg, warning string) {
	if cancelled {
		return send.EndCancelled, send.CodeCancelled, "replay stopped", ""
	}
	if recorded == "" {
		recorded = send.EndComplete
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	clean := r.m.EndClean()
	judged, why := send.MergeCheck(clean)
	if judged == "" {
		judged = send.EndComplete
	}
	switch {
	case recorded == send.EndComplete || judged == recorded:
		// a clean end, judged by the merge (Request.Finish)
	case r.m.SawEnd():
		// broke after the end marker (Request.EndMarker)
		warning = "after the stream's end marker: the recorded stream ended " + string(recorded) + "; the stream is complete"
		code = codeOf(recorded)
	default:
		return recorded, codeOf(recorded), "the recorded stream ended " + string(recorded), ""
	}
	r.ended = &clean
	switch judged {
	case send.EndError:
		return judged, send.CodeStream, why, warning
	case send.EndTruncated:
		return judged, send.CodeTruncated, why, warning
	}
	return send.EndComplete, code, "", warning
}

// codeOf is the record code of a recorded end reason.
func codeOf(r send.EndReason) string {
	switch r {
	case send.EndTruncated:
		return send.CodeTruncated
	case send.EndTimeout:
		return send.CodeIdleTimeout
	case send.EndCancelled:
		return send.CodeCancelled
	case send.EndError:
		return send.CodeTransport
	}
	return ""
}

func durationOf(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// Recording is the recording of an ended run, as project.SaveRecording
// writes it: the plan's endpoint, method and URL as written (variables
// unresolved), the response, the timing and the events, every text masked
// with the plan's redactor (a server may echo a secret).
func (p *Plan) Recording(o *Outcome, events []project.RecordedEvent) *project.Recording {
	red := p.Redactor
	rec := &project.Recording{Endpoint: p.Ref, Method: p.Method, URL: red.String(p.URL), StartedAt: o.Started.UTC(),
		DurationMS: o.Timing.DurationMS, Events: make([]project.RecordedEvent, len(events))}
	if s := o.Send; s != nil {
		rec.Status, rec.Stream, rec.End = s.Status, string(s.Kind), string(s.Reason)
		if ct := s.Header.Values("Content-Type"); len(ct) > 0 {
			rec.ContentType = red.String(strings.Join(ct, ", "))
		}
	}
	if o.Timing.TTFBMS != nil {
		rec.TTFBMS = *o.Timing.TTFBMS
	}
	for i, e := range events {
		e.Type, e.Data, e.ID = red.String(e.Type), red.String(e.Data), red.String(e.ID)
		rec.Events[i] = e
	}
	return rec
}

// Recorder is an Observer that keeps a run's events for its recording
// (the CLI's --record; the app reads them from its run files instead).
type Recorder struct {
	Events []project.RecordedEvent
}

// Record keeps event records.
func (k *Recorder) Record(rec send.Record) {
	if rec.Kind == send.KindEvent {
		k.Events = append(k.Events, project.RecordedEvent{TimeMS: msOf(rec.At), Event: rec.Event.Event})
	}
}
