package app

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	brun "github.com/streamscope/streamscope/backend/run"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/runstore"
	"github.com/streamscope/streamscope/backend/sse"
)

// Result returns a run's full merged result, metrics, headers and script
// output (while it streams: the state so far).
func (s *RunService) Result(runID string) (RunResult, error) {
	r, err := s.get(runID)
	if err != nil {
		return RunResult{}, err
	}
	r.refreshScriptOutput()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := RunResult{
		RunID: r.id, Running: r.doneInfo == nil, Merge: redact.Value(r.red, r.exec.Current()), Metrics: r.exec.Metrics(),
		Status: r.status, Headers: brun.MaskHeader(r.red, r.header), Timing: r.timing, Done: r.doneInfo,
		Logs: append([]ScriptLog{}, r.logs...), Tests: append([]ScriptTest{}, r.tests...),
	}
	if out.Headers == nil {
		out.Headers = map[string][]string{}
	}
	if out.Merge.ToolCalls == nil {
		out.Merge.ToolCalls = []merge.ToolCall{}
	}
	return out, nil
}

// ended returns a run that ended.
func (s *RunService) ended(runID string) (*liveRun, error) {
	r, err := s.get(runID)
	if err != nil {
		return nil, err
	}
	select {
	case <-r.done:
		return r, nil
	default:
		return nil, fmt.Errorf("run %s: %w", runID, errRunning)
	}
}

// Body returns the response body of a finished run, for the Body tab: text
// when it is text (JSON, HTML, XML, ...), base64 otherwise (an image).
func (s *RunService) Body(runID string) (BodyView, error) {
	r, err := s.ended(runID)
	if err != nil {
		return BodyView{}, err
	}
	r.mu.Lock()
	if r.outcome == nil || r.replay {
		r.mu.Unlock()
		return BodyView{}, fmt.Errorf("run %s has no response body (a replayed recording keeps only its events)", runID)
	}
	v := BodyView{ContentType: r.outcome.Send.Header.Get("Content-Type"), Size: int(r.files.BodySize())}
	r.mu.Unlock()
	body, cut, err := r.files.View(bodyViewMax, r.red)
	if err != nil {
		return BodyView{}, err
	}
	v.Truncated = cut
	v.Text, v.Base64, v.IsText = runstore.TextOrBase64(body, v.ContentType)
	return v, nil
}

// Chunk returns the whole bytes of a chunk or event record whose copy in a
// batch was shortened (Truncated set in the record).
func (s *RunService) Chunk(runID string, seq int64) (ChunkView, error) {
	r, err := s.get(runID)
	if err != nil {
		return ChunkView{}, err
	}
	data, ok := r.batcher.Full(seq)
	v := ChunkView{Seq: seq, Available: ok, Size: len(data)}
	if ok {
		v.Text, v.Base64, v.IsText = runstore.TextOrBase64(data, "")
	}
	return v, nil
}

// RawSlice returns size bytes of a run's decoded body from offset, as
// received: the positions of the timeline's chunk records (offset) and
// event records (raw_offset, raw_size), counted over all the run's
// attempts. It works while the run streams and after, for records paged
// out of memory too, until the run is forgotten. At most 1 MiB comes back
// (Shortened). A slice that ends between a CR and its LF gets the LF too:
// an event's raw_size leaves out the LF of the CRLF that dispatched it.
// Bytes that are not kept (a replayed recording, past the 256 MiB kept of
// a body, a body file that failed) come back with Available false and the
// Reason; a bad offset or size is an error.
func (s *RunService) RawSlice(runID string, offset int64, size int) (RawView, error) {
	if offset < 0 || size < 0 {
		return RawView{}, fmt.Errorf("raw slice: offset %d and size %d must not be negative", offset, size)
	}
	r, err := s.get(runID)
	if err != nil {
		return RawView{}, err
	}
	v := RawView{Offset: offset}
	r.mu.Lock()
	replay := r.replay
	r.mu.Unlock()
	if replay {
		v.Reason = "a replayed recording keeps only its events, not the bytes received"
		return v, nil
	}
	sl := r.files.Slice(offset, size, r.red)
	v.Available, v.Reason, v.Size, v.Shortened = sl.Available, sl.Reason, sl.Size, sl.Shortened
	if sl.Available {
		v.Text, v.Base64, v.IsText = runstore.TextOrBase64(sl.Data, "")
	}
	return v, nil
}

// Export kinds.
const (
	ExportEvents = "events-jsonl"
	ExportRaw    = "raw"
	ExportMerged = "merged"
)

// Export writes a finished run's events as JSON Lines ("events-jsonl":
// {"seq","time_ms","type","data","id"} per line), its raw body ("raw") or
// its merged text ("merged") to path; an empty path asks with a save
// dialog (ExportResult.Path "" when cancelled).
func (s *RunService) Export(runID, kind, path string) (ExportResult, error) {
	r, err := s.ended(runID)
	if err != nil {
		return ExportResult{}, err
	}
	var data []byte
	switch kind {
	case ExportEvents:
		data, err = r.files.EventsJSONL()
	case ExportRaw:
		r.mu.Lock()
		replay := r.replay
		r.mu.Unlock()
		if replay {
			err = fmt.Errorf("run %s has no raw body (a replayed recording keeps only its events)", runID)
		} else {
			data, _, err = r.files.Body(runstore.MaxBody)
			data = r.red.Bytes(data)
		}
	case ExportMerged:
		r.mu.Lock()
		data = []byte(r.red.String(r.outcome.Result.Content))
		r.mu.Unlock()
	default:
		return ExportResult{}, fmt.Errorf("export kind %q: want %s, %s or %s", kind, ExportEvents, ExportRaw, ExportMerged)
	}
	if err != nil {
		return ExportResult{}, err
	}
	if path == "" {
		rt := s.app.runtime()
		if rt == nil {
			return ExportResult{}, errors.New("export: no path and no window to ask in")
		}
		name := map[string]string{ExportEvents: "events.jsonl", ExportRaw: "body.txt", ExportMerged: "merged.md"}[kind]
		home, _ := os.UserHomeDir()
		path, err = rt.SaveFile("Export "+kind, home, "run-"+runID+"-"+name)
		if err != nil || path == "" {
			return ExportResult{}, err
		}
	}
	if err := project.WriteFileAtomic(path, data, 0o644); err != nil {
		return ExportResult{}, err
	}
	return ExportResult{Path: path, Bytes: int64(len(data))}, nil
}

// SaveRecording saves a finished run's events as recordings/NAME.jsonl in
// the open project and returns the file's path relative to the project.
// The URL is kept as written, with {{variables}}, so no secret lands in it.
func (s *RunService) SaveRecording(runID, name string) (string, error) {
	r, err := s.ended(runID)
	if err != nil {
		return "", err
	}
	plan := r.exec.Plan()
	if strings.TrimSpace(name) == "" {
		name = plan.Ref
		if name == "" {
			name = "run-" + runID
		}
	}
	var events []project.RecordedEvent
	err = r.files.Events(func(ev runstore.Event) error {
		events = append(events, project.RecordedEvent{TimeMS: ev.TimeMS, Event: sse.Event{Type: ev.Type, Data: ev.Data, ID: ev.ID}})
		return nil
	})
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	rec := plan.Recording(r.outcome, events)
	r.mu.Unlock()
	var rel string
	err = s.app.Project.withProject(func(p *project.Project) error {
		rel, err = p.SaveRecording(name, rec)
		return err
	})
	if err == nil {
		s.app.Project.saved()
	}
	return rel, err
}

// CheckRule counts how many events JSONPath rules match (the merge-rules
// editor's live count): the events of a run (up to 100,000) or samples.
// A rule that does not parse comes back in RuleCheck.Error.
func (s *RunService) CheckRule(req RuleCheckRequest) (RuleCheck, error) {
	var out RuleCheck
	if strings.TrimSpace(req.Content) == "" && (req.Reasoning != "" || req.Stop != "") {
		out.Error = "a content rule is needed"
		return out, nil
	}
	if strings.TrimSpace(req.Content) == "" {
		return out, nil
	}
	m, err := merge.New(merge.Options{Format: merge.FormatJSONPath, ContentPath: req.Content, ReasoningPath: req.Reasoning, StopPath: req.Stop})
	if err != nil {
		out.Error = err.Error()
		return out, nil
	}
	const maxEvents = 100000
	if len(req.Samples) > 0 || req.RunID == "" {
		for _, d := range req.Samples {
			m.Add(sse.Event{Type: "message", Data: d})
			out.Events++
		}
	} else {
		r, err := s.get(req.RunID)
		if err != nil {
			return out, err
		}
		stop := errors.New("enough")
		err = r.files.Events(func(ev runstore.Event) error {
			if out.Events >= maxEvents {
				return stop
			}
			m.Add(sse.Event{Type: ev.Type, Data: ev.Data, ID: ev.ID})
			out.Events++
			return nil
		})
		if err != nil && err != stop {
			return out, err
		}
	}
	out.Content, out.Reasoning, out.Stop = m.RuleMatches()
	res := m.Result()
	out.Preview = res.Content
	if len(out.Preview) > 2048 {
		out.Preview = out.Preview[:brun.CutJSON(out.Preview, 2048)]
	}
	return out, nil
}

// RecordPage is a run of consecutive timeline records from the record log.
type RecordPage struct {
	// Records are the records with seq from From on, at most the count asked.
	Records []TimelineRecord `json:"records"`
	// From is the first seq asked; First and Last the seqs the log holds.
	From  int64 `json:"from"`
	First int64 `json:"first"`
	Last  int64 `json:"last"`
}

// Records returns up to count (at most 5,000) consecutive timeline records
// of a run, from seq from on, as its batches carried them (long data
// shortened; Chunk has it whole). The UI keeps the newest records of a
// long run in memory and pages older ones in with this.
func (s *RunService) Records(runID string, from int64, count int) (RecordPage, error) {
	r, err := s.get(runID)
	if err != nil {
		return RecordPage{}, err
	}
	p, err := r.files.Records(from, count)
	if err != nil {
		return RecordPage{}, err
	}
	return RecordPage{Records: timelineRecords(p.Records), From: p.From, First: p.First, Last: p.Last}, nil
}

// Snapshot returns a run's state so far as one batch (texts whole, with
// Reset; every script line and test; Done when it ended; no records): a
// UI that lost its state (a reload) applies it, then the batches whose
// Seq is greater.
func (s *RunService) Snapshot(runID string) (RunBatch, error) {
	r, err := s.get(runID)
	if err != nil {
		return RunBatch{}, err
	}
	r.refreshScriptOutput()
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.exec.Current()
	// Texts are what the batches so far carried, so the next batch's
	// deltas apply on top.
	whole := func(key string) *TextDelta {
		t := r.texts.Shown(key)
		return &TextDelta{Append: t, Reset: true, Total: len(t)}
	}
	d := smallDelta(r.red, &res)
	d.Content, d.Reasoning, d.Refusal = whole("content"), whole("reasoning"), whole("refusal")
	d.ToolCalls = toolViews(r.red, res.ToolCalls)
	for _, c := range res.Choices {
		k := strconv.Itoa(c.Index)
		d.Choices = append(d.Choices, ChoiceDelta{Index: c.Index, Content: whole("c" + k), Reasoning: whole("r" + k),
			ToolCalls: toolViews(r.red, c.ToolCalls), FinishReason: c.FinishReason})
	}
	met := r.metricsLocked(false)
	return RunBatch{RunID: r.id, Seq: r.seq.Load(), Records: []TimelineRecord{}, Merge: d, Metrics: &met,
		Logs: append([]ScriptLog{}, r.logs[:r.newLogs]...), Tests: append([]ScriptTest{}, r.tests[:r.newTests]...), Done: r.doneInfo}, nil
}
