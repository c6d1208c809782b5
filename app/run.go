package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamscope/streamscope/app/transport"
	brun "github.com/streamscope/streamscope/backend/run"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/runstore"
	"github.com/streamscope/streamscope/backend/send"
)

// RunService sends requests and streams their timeline, merge and metrics
// to the UI as "run:<runId>" batches. Several runs may stream at once;
// finished runs are kept (the last KeepRuns) for Result, Body, Chunk,
// Export and SaveRecording until Forget.
type RunService struct {
	app *App
	// Sender sends the requests (nil: the default client).
	Sender *send.Sender
	// Batch tunes the batches (zero: every 16 ms, < 64 KB).
	Batch send.BatchOptions
	// KeepRuns bounds the finished runs kept (0: 20).
	KeepRuns int
	// PullGrace is how long a batch waits for the UI to pull it before it
	// is pushed (0: 250 ms; negative: every batch is pushed at once).
	PullGrace time.Duration

	mu       sync.Mutex
	runs     map[string]*liveRun
	finished []string
	files    runstore.Dir // the runs' files on disk
	next     atomic.Int64
	socket   transport.Socket // the pull socket (runpull.go)
}

// recordBudget bounds the timeline part of a batch; the merge delta and
// metrics take the rest of the 64 KB.
const (
	recordBudget = 40000
	textBudget   = 16000
	toolArgsView = 4096
	bodyViewMax  = 8 << 20
	// keepFull bounds the memory a run keeps for Chunk (shortened records).
	keepFull = 16 << 20
	// uiBatchInterval is how often a run's batch goes to the UI: one frame
	// at 60 Hz, the low end of the 16–50 ms that keeps WebKit smooth, so
	// batching adds at most a frame to byte-to-screen latency.
	uiBatchInterval = 16 * time.Millisecond
	// chunkPreview is how much of a chunk a batch carries (the Raw tab
	// fetches the rest on request with Chunk): at 20,000 events/s the
	// chunks repeat every event's bytes, and whole copies would double what
	// the UI has to take in.
	chunkPreview = 256
	// maxBatchRecords lets the interval and the byte budget, not a record
	// count, decide when a batch goes: fewer, fuller batches for the bridge.
	maxBatchRecords = 4096
)

// liveRun is one request in flight or finished: the run of backend/run,
// seen by the UI through batches (its Observer is Record, runpipe.go).
type liveRun struct {
	id, event string
	svc       *RunService
	cancel    context.CancelFunc
	done      chan struct{}
	started   time.Time
	// exec is the run itself; replay says it replays a recording
	exec   *brun.Run
	replay bool

	batcher *send.Batcher
	seq     atomic.Int64                // emitted batches
	out     *transport.Outbox[RunBatch] // batches on their way to the UI (runpull.go)
	// files are the run's events, body and record log on disk
	// (RunService.Records, Body, RawSlice, Export, SaveRecording).
	files *runstore.Run
	// red masks the run's secret values in all it shows, mask the
	// records; texts tracks what the UI has of the merged texts
	red   *redact.Redactor
	mask  *brun.Masker
	texts *brun.Texts

	mu       sync.Mutex
	kind     send.StreamKind
	status   int
	header   http.Header
	timing   send.Timing
	records  int64
	bytes    int64
	events   int
	outcome  *brun.Outcome
	doneInfo *RunDone
	// ended: the run ended, its result is final (what the texts' masks
	// held back goes out)
	ended     bool
	sent      map[string]string // signatures of the tool calls and finish reasons sent
	sentTools string
	sentSmall string
	lastRate  time.Time
	lastEvN   int
	logs      []ScriptLog
	tests     []ScriptTest
	newLogs   int
	newTests  int
}

// Send resolves the request, starts it and returns at once; the stream
// comes as "run:<runId>" batches. Unresolved variables are an error naming
// them, before anything is sent.
func (s *RunService) Send(req RunRequest) (RunStarted, error) {
	plan, err := s.prepare(req)
	if err != nil {
		return RunStarted{}, err
	}
	r, err := s.newRun(plan, false)
	if err != nil {
		return RunStarted{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.sendLoop(ctx)
	return RunStarted{RunID: r.id, Event: r.event, Method: plan.Request.Method, URL: r.red.String(plan.Request.URL)}, nil
}

// Stop cancels a run for real (the connection closes) and waits until its
// last batch was sent (at most 2 s).
func (s *RunService) Stop(runID string) error {
	r, err := s.get(runID)
	if err != nil {
		return err
	}
	if r.cancel != nil {
		r.cancel()
	}
	select {
	case <-r.done:
	case <-time.After(2 * time.Second):
	}
	return nil
}

// Forget drops a finished run's data (its tab was closed).
func (s *RunService) Forget(runID string) error {
	r, err := s.get(runID)
	if err != nil {
		return err
	}
	if r.cancel != nil {
		r.cancel()
	}
	<-r.done
	s.mu.Lock()
	delete(s.runs, runID)
	for i, id := range s.finished {
		if id == runID {
			s.finished = append(s.finished[:i], s.finished[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	r.files.Remove()
	return nil
}

func (s *RunService) get(runID string) (*liveRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.runs[runID]
	if !ok {
		return nil, fmt.Errorf("no run %q (finished runs are kept until their tab closes, the last %d at most)", runID, s.keep())
	}
	return r, nil
}

func (s *RunService) keep() int {
	if s.KeepRuns > 0 {
		return s.KeepRuns
	}
	return 20
}

func (s *RunService) newRun(plan *brun.Plan, replay bool) (*liveRun, error) {
	exec, err := plan.Start()
	if err != nil {
		return nil, err
	}
	id := strconv.FormatInt(s.next.Add(1), 10)
	r := &liveRun{
		id: id, event: "run:" + id, svc: s, done: make(chan struct{}), started: time.Now(),
		exec: exec, replay: replay, red: plan.Redactor, mask: brun.NewMasker(plan.Redactor), texts: brun.NewTexts(plan.Redactor),
		sent: map[string]string{}, lastRate: time.Now(),
	}
	r.files = s.files.Open(id)
	o := s.Batch
	if o.Interval <= 0 {
		o.Interval = uiBatchInterval
	}
	if o.MaxBytes <= 0 || o.MaxBytes > recordBudget {
		o.MaxBytes = recordBudget
	}
	if o.KeepFull <= 0 {
		o.KeepFull = keepFull
	}
	if o.PreviewBytes <= 0 {
		o.PreviewBytes = chunkPreview
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = maxBatchRecords
	}
	grace := s.PullGrace
	if grace == 0 {
		grace = transport.Grace
	}
	r.out = transport.NewOutbox(grace, func(b RunBatch) { s.app.emit(r.event, b) })
	r.batcher = send.NewBatcher(o, r.flush)
	s.mu.Lock()
	if s.runs == nil {
		s.runs = map[string]*liveRun{}
	}
	s.runs[id] = r
	s.mu.Unlock()
	return r, nil
}

// finishedRun records that r ended and drops the oldest finished runs.
func (s *RunService) finishedRun(r *liveRun) {
	s.mu.Lock()
	s.finished = append(s.finished, r.id)
	var drop []*liveRun
	for len(s.finished) > s.keep() {
		old := s.runs[s.finished[0]]
		delete(s.runs, s.finished[0])
		s.finished = s.finished[1:]
		if old != nil {
			drop = append(drop, old)
		}
	}
	s.mu.Unlock()
	for _, o := range drop {
		o.files.Remove()
	}
}

// shutdown cancels every run and removes the run files.
func (s *RunService) shutdown() {
	s.socket.Close()
	s.mu.Lock()
	runs := make([]*liveRun, 0, len(s.runs))
	for _, r := range s.runs {
		runs = append(runs, r)
	}
	s.mu.Unlock()
	for _, r := range runs {
		if r.cancel != nil {
			r.cancel()
		}
		<-r.done
		r.files.Remove()
	}
	s.files.RemoveAll()
}

// emit hands one batch to the UI, for its next pull or pushed (outbox);
// its Seq was taken under r.mu together with the merge delta, so that
// Snapshot is consistent with the batches.
func (r *liveRun) emit(b RunBatch) {
	b.RunID = r.id
	if b.Records == nil {
		b.Records = []TimelineRecord{}
	}
	r.out.Deliver(b)
}

// flush is the Batcher's callback: the records plus what changed.
func (r *liveRun) flush(b send.Batch) {
	out := r.scriptOutput()
	recs := timelineRecords(b.Records)
	r.files.AddRecords(b.Records)
	r.mu.Lock()
	delta, _ := r.deltaLocked(textBudget)
	met := r.metricsLocked(true)
	logs, tests := r.takeScriptLocked(out)
	seq := r.seq.Add(1)
	r.mu.Unlock()
	r.emit(RunBatch{Seq: seq, Records: recs, Merge: delta, Metrics: &met, Logs: logs, Tests: tests})
}

// end sends what is left of the merge and the final batch.
func (r *liveRun) end(done RunDone) {
	r.batcher.Close()
	for {
		out := r.scriptOutput()
		r.mu.Lock()
		delta, more := r.deltaLocked(textBudget)
		met := r.metricsLocked(true)
		logs, tests := r.takeScriptLocked(out)
		more = more || r.newLogs < len(r.logs) || r.newTests < len(r.tests)
		if !more {
			r.doneInfo = &done
			r.files.Flush()
		}
		seq := r.seq.Add(1)
		r.mu.Unlock()
		b := RunBatch{Seq: seq, Merge: delta, Metrics: &met, Logs: logs, Tests: tests}
		if !more {
			b.Done = &done
		}
		r.emit(b)
		if !more {
			break
		}
	}
	close(r.done)
	r.svc.finishedRun(r)
}

// smallDelta masks res's small fields in place (the choices' finish
// reasons too) and returns a delta of them; the texts and tool calls are
// the caller's. Lost data is worded as warnings: the UI shows why the
// verdict is data_lost.
func smallDelta(red *redact.Redactor, res *merge.Result) *MergeDelta {
	brun.MaskSmall(red, res)
	d := &MergeDelta{Format: res.Format, FinishReason: res.FinishReason, Usage: res.Usage, Error: res.Error,
		Verdict: res.Verdict, Complete: res.Complete, Events: res.Events, Model: res.Model, ID: res.ID, Warnings: res.Warnings}
	if d.Warnings == nil {
		d.Warnings = []string{}
	}
	for _, l := range res.Lost {
		d.Warnings = append(slices.Clip(d.Warnings), "data lost: "+l)
	}
	return d
}

// deltaLocked computes the merge change since the last call, with at most
// budget bytes of text; more is true when text is left for the next call.
func (r *liveRun) deltaLocked(budget int) (d *MergeDelta, more bool) {
	res := r.exec.Current()
	if res.Format == "" && res.Events == 0 && res.Content == "" {
		return nil, false
	}
	sig := []any{res.Format, res.FinishReason, res.Usage, res.Error, res.Verdict, res.Complete, res.Events, res.Model, res.ID, len(res.Warnings)}
	d = smallDelta(r.red, &res)
	changed := false
	text := func(key, full string) *TextDelta {
		td, left := r.texts.Delta(key, full, &budget, r.ended)
		more = more || left
		changed = changed || td != nil
		return textDelta(td)
	}
	d.Content = text("content", res.Content)
	d.Reasoning = text("reasoning", res.Reasoning)
	d.Refusal = text("refusal", res.Refusal)
	if sig := toolsSig(res.ToolCalls); sig != r.sentTools {
		r.sentTools = sig
		d.ToolCalls = toolViews(r.red, res.ToolCalls)
		changed = true
	}
	for _, c := range res.Choices {
		k := strconv.Itoa(c.Index)
		cd := ChoiceDelta{Index: c.Index, FinishReason: c.FinishReason}
		cd.Content = text("c"+k, c.Content)
		cd.Reasoning = text("r"+k, c.Reasoning)
		if sig := toolsSig(c.ToolCalls); sig != r.sent["t"+k] {
			r.sent["t"+k] = sig
			cd.ToolCalls = toolViews(r.red, c.ToolCalls)
			changed = true
		}
		fin := ""
		if c.FinishReason != nil {
			fin = *c.FinishReason
		}
		if fin != r.sent["f"+k] {
			r.sent["f"+k] = fin
			changed = true
		}
		if cd.Content != nil || cd.Reasoning != nil || cd.ToolCalls != nil || fin != "" {
			d.Choices = append(d.Choices, cd)
		}
	}
	small, _ := json.Marshal(sig)
	if string(small) != r.sentSmall {
		r.sentSmall = string(small)
		changed = true
	}
	d.Pending = more
	if !changed {
		return nil, false
	}
	return d, more
}

func toolsSig(tc []merge.ToolCall) string {
	if len(tc) == 0 {
		return ""
	}
	b := make([]byte, 0, 32*len(tc))
	for _, t := range tc {
		b = append(b, t.ID...)
		b = append(b, 0)
		b = append(b, t.Name...)
		b = strconv.AppendInt(append(b, 0), int64(len(t.Arguments)), 10)
		b = append(b, t.ArgumentsError...)
		b = append(b, 1)
	}
	return string(b)
}

// toolViews returns the calls for display, secrets masked (arguments
// masked before they are cut, seeing the bytes after the cut).
func toolViews(red *redact.Redactor, tc []merge.ToolCall) []ToolCallView {
	out := make([]ToolCallView, 0, len(tc))
	for _, t := range tc {
		v := ToolCallView{Index: t.Index, ID: red.String(t.ID), Name: red.String(t.Name), Arguments: t.Arguments,
			ArgumentsError: red.String(t.ArgumentsError), ArgumentsSize: len(t.Arguments)}
		if len(v.Arguments) > toolArgsView {
			k := brun.CutJSON(v.Arguments, toolArgsView)
			v.Arguments = string(red.Window([]byte(v.Arguments[:min(len(v.Arguments), k+red.Context())]), 0, k))
			v.ArgumentsTruncated = true
		} else {
			v.Arguments = red.String(v.Arguments)
		}
		out = append(out, v)
	}
	return out
}

// metricsLocked are the live numbers now; rate says a batch takes them
// (the events per second are then measured from the batch before).
func (r *liveRun) metricsLocked(rate bool) RunMetrics {
	mm := r.exec.Metrics()
	now := time.Now()
	met := RunMetrics{
		ElapsedMS: float64(now.Sub(r.started).Microseconds()) / 1000,
		DNSMS:     r.timing.DNSMS, ConnectMS: r.timing.ConnectMS, TLSMS: r.timing.TLSMS,
		TTFBMS: -1, FirstEventMS: mm.FirstEventMS, FirstTokenMS: mm.FirstContentMS,
		Events: r.events, Records: r.records, Bytes: r.bytes,
		Tokens: mm.Tokens, TokensFromUsage: mm.TokensFromUsage, TokensPerSecond: mm.TokensPerSecond,
		MaxGapMS: mm.MaxGapMS,
	}
	if r.status != 0 {
		met.TTFBMS = r.timing.TTFBMS
	}
	if dt := now.Sub(r.lastRate).Seconds(); rate && dt > 0 {
		met.EventsPerSecond = float64(r.events-r.lastEvN) / dt
	}
	if rate {
		r.lastRate, r.lastEvN = now, r.events
	}
	if r.doneInfo != nil {
		met.ElapsedMS = r.doneInfo.DurationMS
	}
	return met
}

// scriptOut is the script's output at one moment.
type scriptOut struct {
	logs  []ScriptLog
	tests []ScriptTest
}

// scriptOutput reads the script's output (nil without a script). The
// script session never waits for a call in progress to answer.
func (r *liveRun) scriptOutput() *scriptOut {
	sess := r.exec.Script()
	if sess == nil {
		return nil
	}
	out := &scriptOut{}
	for _, l := range sess.Logs() {
		out.logs = append(out.logs, ScriptLog{Level: l.Level, Message: l.Message, EventSeq: l.EventSeq})
	}
	for _, t := range sess.Tests() {
		out.tests = append(out.tests, ScriptTest{Name: t.Name, Passed: t.Passed, Message: t.Message, EventSeq: t.EventSeq})
	}
	return out
}

// textDelta is a text's change as a batch carries it.
func textDelta(d *brun.TextDelta) *TextDelta {
	if d == nil {
		return nil
	}
	return &TextDelta{Append: d.Append, Reset: d.Reset, Total: d.Total}
}

// refreshScriptOutput copies the script's output so far into the run while
// it streams (once it has ended, the run's copy is final). Like
// scriptOutput, it must be called without r.mu.
func (r *liveRun) refreshScriptOutput() {
	out := r.scriptOutput()
	if out == nil {
		return
	}
	r.mu.Lock()
	if r.doneInfo == nil {
		r.logs, r.tests = out.logs, out.tests
		r.redactOutputLocked()
	}
	r.mu.Unlock()
}

// takeScriptLocked returns the script output not sent yet (bounded so a
// batch stays small; the rest follows), out being scriptOutput's.
func (r *liveRun) takeScriptLocked(out *scriptOut) ([]ScriptLog, []ScriptTest) {
	if out != nil {
		r.logs, r.tests = out.logs, out.tests
		r.redactOutputLocked()
	}
	var logs []ScriptLog
	size := 0
	for r.newLogs < len(r.logs) && size < 6000 {
		l := r.logs[r.newLogs]
		if len(l.Message) > 2000 {
			l.Message = l.Message[:brun.CutJSON(l.Message, 2000)] + "…"
		}
		size += len(l.Message) + 40
		logs = append(logs, l)
		r.newLogs++
	}
	var tests []ScriptTest
	for r.newTests < len(r.tests) && size < 8000 {
		t := r.tests[r.newTests]
		size += len(t.Name) + len(t.Message) + 40
		tests = append(tests, t)
		r.newTests++
	}
	return logs, tests
}

// redactOutputLocked hides secret values in the script output.
func (r *liveRun) redactOutputLocked() {
	if r.red == nil {
		return
	}
	for i := range r.logs {
		r.logs[i].Message = r.red.String(r.logs[i].Message)
	}
	for i := range r.tests {
		r.tests[i].Message = r.red.String(r.tests[i].Message)
		r.tests[i].Name = r.red.String(r.tests[i].Name)
	}
}

// errRunning is returned by methods that need a finished run.
var errRunning = errors.New("the run is still streaming")
