package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// EnvDiag turns on the UI diagnostics: the directory the reports go to.
// The benchmarks of the production window (scripts/bench-ui) set it; a
// normal launch leaves it unset and the UI measures nothing.
const EnvDiag = "STREAMSCOPE_DIAG"

// DiagConfig tells the UI whether to measure itself.
type DiagConfig struct {
	Enabled bool   `json:"enabled"`
	Dir     string `json:"dir"`
}

// DiagLatency summarises byte-to-screen latencies in milliseconds: for
// every event whose id is a Unix time in microseconds (the mock's
// X-Mock-Stamp), the time from that moment to the first painted frame that
// shows the event.
type DiagLatency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
	// Skipped counts events without a usable stamp.
	Skipped int `json:"skipped"`
	// P99BySecond is the p99 of the events stamped in each second of the
	// run (from its first stamped event): where in the run the tail is.
	P99BySecond []float64 `json:"p99BySecond"`
}

// DiagFrames summarises the UI's frames during a run: the gaps between
// consecutive animation frames (a gap over 100 ms is a stall).
type DiagFrames struct {
	Count    int     `json:"count"`
	MaxGapMS float64 `json:"maxGapMs"`
	Over50   int     `json:"over50"`
	Over100  int     `json:"over100"`
	// Worst holds the longest gaps (at most 20), longest first.
	Worst []float64 `json:"worst"`
	// WorstAtMS is when each of them ended, in ms since the run started.
	WorstAtMS []float64 `json:"worstAtMs"`
	// WorstBusyMS is, for each of them, the longest time the main thread
	// ran no task within the gap (a 20 ms timer's longest tick): about the
	// gap when the main thread was busy, much less when the frame was held
	// up elsewhere (the compositor, the window's process).
	WorstBusyMS []float64 `json:"worstBusyMs"`
	// WorstBefore is, for each of them, what the frame that began the gap
	// spent on the main thread.
	WorstBefore []DiagFrameParts `json:"worstBefore"`
}

// DiagFrameParts is one frame's main-thread time in milliseconds: pulling
// batches, applying them (the run model, React's render and a forced
// layout), and in all, from the frame's start to a timer that runs once it is painted
// (-1 when that timer had not run when the next frame came).
type DiagFrameParts struct {
	PullMS  float64 `json:"pullMs"`
	ApplyMS float64 `json:"applyMs"`
	// ModelMS and LayoutMS are parts of ApplyMS: the run model's, and the
	// layout forced at its end; the rest is React's render.
	ModelMS  float64 `json:"modelMs"`
	LayoutMS float64 `json:"layoutMs"`
	TotalMS  float64 `json:"totalMs"`
}

// DiagRunReport is what the UI measured of one run, sent once the run has
// ended and its last batch is on screen.
type DiagRunReport struct {
	RunID string `json:"runId"`
	// Events and Records are the UI's counts; LastSeq its last record seq.
	Events         int    `json:"events"`
	Records        int    `json:"records"`
	RecordsInMem   int    `json:"recordsInMemory"`
	LastSeq        int    `json:"lastSeq"`
	Reordered      int    `json:"reordered"`
	MissingBatches int    `json:"missingBatches"`
	Verdict        string `json:"verdict"`
	Complete       bool   `json:"complete"`
	Reason         string `json:"reason"`
	// Content is the merged text as the UI shows it.
	Content string      `json:"content"`
	Latency DiagLatency `json:"latency"`
	// Arrival is the part of Latency up to the batch's arrival in the
	// UI's JavaScript (Go side and bridge), before it is applied.
	Arrival   DiagLatency `json:"arrival"`
	Frames    DiagFrames  `json:"frames"`
	DurationS float64     `json:"durationS"`
	// BridgeMS is the UI's main-thread time in the Wails event bridge
	// (parsing every event's payload, our listeners), ApplyMS its time
	// applying batches and rendering them, with how often each ran.
	BridgeMS    float64 `json:"bridgeMs"`
	BridgeCalls int     `json:"bridgeCalls"`
	ApplyMS     float64 `json:"applyMs"`
	ApplyCalls  int     `json:"applyCalls"`
	// FrameRestMS is the time from the end of applying batches in an
	// animation frame to the frame's end (style, layout, paint and tasks
	// queued before it), summed over FrameRestCalls frames.
	FrameRestMS    float64 `json:"frameRestMs"`
	FrameRestCalls int     `json:"frameRestCalls"`
	// ModelMS is the part of ApplyMS spent in the run model (applying the
	// batches' records and merge deltas), LayoutMS the layout forced at the
	// end of the frames that applied batches (the rest of ApplyMS is React
	// rendering and committing).
	ModelMS  float64 `json:"modelMs"`
	LayoutMS float64 `json:"layoutMs"`
	// PullMS is the UI's main-thread time in pulls (the synchronous
	// request at the start of a frame, app/transport, and parsing its
	// answer), over PullCalls pulls.
	PullMS    float64 `json:"pullMs"`
	PullCalls int     `json:"pullCalls"`
}

// diagState is the diagnostics' directory ("" when off).
type diagState struct {
	mu  sync.Mutex
	dir string
}

var runIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Diagnostics says whether the UI should measure itself (STREAMSCOPE_DIAG).
func (s *SystemService) Diagnostics() (DiagConfig, error) {
	s.diag.mu.Lock()
	defer s.diag.mu.Unlock()
	return DiagConfig{Enabled: s.diag.dir != "", Dir: s.diag.dir}, nil
}

// ReportDiagnostics writes a run's measurements to
// $STREAMSCOPE_DIAG/run-<runId>.json (the merged text beside it as
// run-<runId>.content.txt) and returns the report's path. It fails when
// diagnostics are off.
func (s *SystemService) ReportDiagnostics(r DiagRunReport) (string, error) {
	s.diag.mu.Lock()
	defer s.diag.mu.Unlock()
	if s.diag.dir == "" {
		return "", errors.New("diagnostics are off (set " + EnvDiag + " to a directory to turn them on)")
	}
	if !runIDPattern.MatchString(r.RunID) {
		return "", fmt.Errorf("diagnostics report: run id %q is not a run id", r.RunID)
	}
	if err := os.MkdirAll(s.diag.dir, 0o755); err != nil {
		return "", fmt.Errorf("diagnostics directory: %w", err)
	}
	base := filepath.Join(s.diag.dir, "run-"+r.RunID)
	if err := os.WriteFile(base+".content.txt", []byte(r.Content), 0o644); err != nil {
		return "", err
	}
	r.Content = ""
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(base+".json", append(b, '\n'), 0o644); err != nil {
		return "", err
	}
	return base + ".json", nil
}
