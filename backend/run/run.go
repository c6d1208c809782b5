package run

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/script"
	"github.com/streamscope/streamscope/backend/send"
)

// Observer follows a run: Record gets every timeline record as received,
// in order, on the run's goroutine, right after the merger and the script
// took it (a front end prints it, or batches it for a UI). The records
// are not masked: the observer masks what it shows (Masker).
type Observer interface {
	Record(rec send.Record)
}

// ObserverFunc is an Observer made of a function.
type ObserverFunc func(send.Record)

// Record calls f.
func (f ObserverFunc) Record(rec send.Record) { f(rec) }

// Options configure Send and Replay.
type Options struct {
	// Sender sends the request (nil: the default client).
	Sender   *send.Sender
	Observer Observer
	// Body, when set, is where the observer keeps the body (the app's run
	// files): the sender then keeps none in memory, and a plain body, or
	// the body a script reads, is read back from it, up to MaxBody bytes
	// (0: 16 MiB). Without it the sender keeps the body (up to
	// Request.MaxBody) only where something reads it: a plain body, a
	// script, an error status.
	Body    func(limit int) ([]byte, bool, error)
	MaxBody int
	// OnScriptError is told of the script's failure when it happens
	// during the stream (at: the event's offset); the stream goes on.
	OnScriptError func(at time.Duration, err error)
}

// Timing is when the moments of a run came, in milliseconds since the
// request was sent (nil when the moment never came).
type Timing struct {
	TTFBMS       *float64 `json:"ttfb_ms"`
	FirstEventMS *float64 `json:"first_event_ms"`
	DurationMS   float64  `json:"duration_ms"`
}

// Outcome is how a run ended.
type Outcome struct {
	// Result is the final merge result (send.FinalResult), the script's
	// changes (onEnd's included) applied.
	Result merge.Result
	// Send is the sender's result (for a replay, the recorded response and
	// the end as a live run would have judged it).
	Send   *send.Result
	Timing Timing
	// Started is when the request was sent (the replay started).
	Started time.Time
	// Tests are the script's pm.test results; ScriptErr its failure (a
	// throw, an interruption), as the script package words it.
	Tests     []script.TestResult
	ScriptErr error
	Replay    bool
}

// Run is one run of a plan, in progress or ended. Current and Metrics may
// be called from any goroutine while it streams.
type Run struct {
	plan *Plan
	sess *script.Session

	mu    sync.Mutex
	m     *merge.Merger
	ended *merge.Result // the last EndClean, while no event came after it
	final *merge.Result // once the run ended

	// the response the script is to start with once it is known not to
	// be retried (the sender's goroutine only)
	pending *send.ResponseInfo
}

// Start makes a run of the plan: its merger (a bad merge option is an
// error) and its script session.
func (p *Plan) Start() (*Run, error) {
	m, err := merge.New(p.Merge)
	if err != nil {
		return nil, err
	}
	r := &Run{plan: p, m: m}
	if s := p.Script; s != nil {
		r.sess = s.Program.NewSession(s.Vars, s.Timeout)
	}
	return r, nil
}

// Plan is the run's plan.
func (r *Run) Plan() *Plan { return r.plan }

// Script is the run's script session (nil without a script): its console
// output and tests, as they come.
func (r *Run) Script() *script.Session { return r.sess }

// Current is the merge result now: so far, with the script's changes, or
// the final one once the run ended.
func (r *Run) Current() merge.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final != nil {
		return *r.final
	}
	var res merge.Result
	if r.ended != nil {
		res = *r.ended
	} else {
		res = r.m.Result()
	}
	r.sess.Apply(&res)
	return res
}

// snapshot is the merger's result so far, for the script (which applies
// its own changes).
func (r *Run) snapshot() merge.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m.Result()
}

// Metrics are the merge's live numbers (time to first token, rates, gaps).
func (r *Run) Metrics() merge.Metrics {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m.Metrics()
}

// Send sends the plan's request and returns how it ended. The end of an
// event stream's body is judged by the merge (send.MergeCheck at a clean
// end, the merger's SawEnd when it broke); the merger takes events after
// such an end too, so a reconnect goes on merging and the final result
// judges the whole stream.
func (r *Run) Send(ctx context.Context, o Options) *Outcome {
	req := r.plan.Request
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
	if o.Body != nil {
		req.MaxBody = -1
	} else if req.KeepBody == nil {
		scripted := r.sess != nil
		req.KeepBody = func(status int, k send.StreamKind) bool {
			return scripted || status >= 400 || k == send.StreamPlain
		}
	}
	sender := o.Sender
	if sender == nil {
		sender = &send.Sender{}
	}
	started := time.Now()
	res := sender.Do(ctx, &req, func(rec send.Record) { r.take(rec, o) })
	if o.Body != nil && (res.Kind == send.StreamPlain || r.sess != nil) {
		max := o.MaxBody
		if max <= 0 {
			max = 16 << 20
		}
		res.Body, res.BodyTruncated, _ = o.Body(max)
	}
	tm := Timing{DurationMS: res.Timing.DurationMS}
	if res.Status != 0 {
		v := res.Timing.TTFBMS
		tm.TTFBMS = &v
	}
	if res.Events > 0 {
		v := res.Timing.FirstEventMS
		tm.FirstEventMS = &v
	}
	return r.finish(res, tm, started, res.Body, false)
}

// take gives a record to the merger, the script and the observer.
func (r *Run) take(rec send.Record, o Options) {
	if r.sess != nil {
		r.startScript(rec)
	}
	if rec.Kind == send.KindEvent {
		r.mu.Lock()
		r.ended = nil // End is taken again at the next end of a body
		r.m.AddTimed(rec.Event.Event, rec.At)
		r.mu.Unlock()
		if r.sess != nil {
			ev := rec.Event
			err := r.sess.Event(script.Event{Seq: ev.Index, Type: ev.Type, Data: ev.Data, ID: ev.ID, TimeMS: msOf(rec.At)}, r.snapshot)
			if err != nil && o.OnScriptError != nil {
				o.OnScriptError(rec.At, err)
			}
		}
	}
	if o.Observer != nil {
		o.Observer.Record(rec)
	}
}

// startScript starts the script with the response whose body is read: a
// 429 or 503 answer may be retried (a retry record comes next), so the
// script waits for the record after it.
func (r *Run) startScript(rec send.Record) {
	if p := r.pending; p != nil {
		r.pending = nil
		if rec.Kind == send.KindRetry {
			return
		}
		r.sess.Start(p.Status, p.Header)
	}
	if rec.Kind != send.KindResponseHeaders {
		return
	}
	if s := rec.Response.Status; s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable {
		r.pending = rec.Response
		return
	}
	r.sess.Start(rec.Response.Status, rec.Response.Header)
}

// finish computes the final result (the script's onEnd included).
func (r *Run) finish(res *send.Result, tm Timing, started time.Time, body []byte, replay bool) *Outcome {
	if p := r.pending; p != nil && r.sess != nil {
		r.pending = nil
		r.sess.Start(p.Status, p.Header)
	}
	r.mu.Lock()
	var final merge.Result
	if r.ended != nil {
		final = *r.ended
	} else {
		final = r.m.End()
	}
	r.mu.Unlock()
	final = send.FinalResult(r.plan.Merge, final, res)
	out := &Outcome{Send: res, Timing: tm, Started: started, Replay: replay}
	if r.sess != nil {
		out.ScriptErr = r.sess.End(&final, body)
		out.Tests = r.sess.Tests()
	}
	out.Result = final
	r.mu.Lock()
	r.final = &final
	r.mu.Unlock()
	return out
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
