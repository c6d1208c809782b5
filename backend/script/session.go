package script

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
)

// MaxResponseBody caps the body kept for a script's pm.response.text().
const MaxResponseBody = 16 << 20

// Session runs one script over one stream beside the built-in merger, for
// every caller (the CLI's merge, send and run, the app's runs): the
// script's run (its top-level code) starts with the response (Start),
// onEvent runs for every event the merger has taken (Event), its changes
// are re-applied to each fresh result of the merger (Apply) and to the
// final one, before onEnd (End).
//
// The calls are serialised; Apply, Logs, Tests and Err never wait for a
// call in progress (a script stuck until its time limit must not hold up
// a UI reading its output). All methods are safe for concurrent use and
// no-ops on a nil Session.
type Session struct {
	prog    *Program
	timeout time.Duration
	vars    MapVars

	mu      sync.Mutex // serialises the script's calls
	started bool
	run     atomic.Pointer[Run]

	errMu    sync.Mutex
	err      error // the first failure
	reported bool  // err was returned by Event

	bodyMu sync.Mutex
	body   strings.Builder
	raw    bool // the body is the input written (Write), not the events' data
}

// NewSession prepares a run of the program over one stream; vars are the
// environment's variables (nil: none; what the script sets lasts for the
// session only), timeout the limit of one call (0: DefaultTimeout).
func (p *Program) NewSession(vars map[string]string, timeout time.Duration) *Session {
	v := MapVars{}
	for k, val := range vars {
		v[k] = val
	}
	return &Session{prog: p, timeout: timeout, vars: v}
}

// Start creates the script's run (a fresh runtime; its top-level code runs
// now) with the response the script sees as pm.response. Only the first
// call counts; a failure is kept (Err, End).
func (s *Session) Start(status int, header http.Header) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked(status, header)
}

func (s *Session) startLocked(status int, header http.Header) {
	if s.started {
		return
	}
	s.started = true
	if header == nil {
		header = http.Header{}
	}
	run, err := s.prog.NewRun(RunOptions{
		Timeout: s.timeout, Vars: s.vars,
		Response: ResponseInfo{Code: status, Headers: header, Body: s.bodyText},
	})
	if err != nil {
		s.setErr(err)
		return
	}
	s.run.Store(run)
}

// Write keeps p as part of the body pm.response.text() returns (the raw
// input of the CLI's merge); once written to, the events' data is not
// kept as the body.
func (s *Session) Write(p []byte) (int, error) {
	s.bodyMu.Lock()
	defer s.bodyMu.Unlock()
	s.raw = true
	if s.body.Len()+len(p) <= MaxResponseBody {
		s.body.Write(p)
	}
	return len(p), nil
}

func (s *Session) bodyText() string {
	s.bodyMu.Lock()
	defer s.bodyMu.Unlock()
	return s.body.String()
}

// Event runs onEvent for an event the merger has just taken; snapshot
// returns the merge so far (the script's changes are applied to it). Until
// End, pm.response.text() is the events' data so far, a line each. Event
// returns the script's failure once, when it happens (a caller may show it
// in its timeline); the stream goes on either way.
func (s *Session) Event(ev Event, snapshot func() merge.Result) error {
	if s == nil {
		return nil
	}
	s.bodyMu.Lock()
	if !s.raw && s.body.Len()+len(ev.Data)+1 <= MaxResponseBody {
		s.body.WriteString(ev.Data)
		s.body.WriteByte('\n')
	}
	s.bodyMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked(0, nil)
	run := s.run.Load()
	if run == nil || !run.HasOnEvent() || run.Err() != nil {
		return nil
	}
	res := snapshot()
	run.Apply(&res)
	err := run.OnEvent(ev, &res)
	s.setErr(err)
	if err == nil {
		return nil
	}
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if s.reported {
		return nil
	}
	s.reported = true
	return s.err
}

// Apply re-applies the script's changes so far (appended text, finish
// reason, tool calls, ctx.fail) to a result of the merger.
func (s *Session) Apply(res *merge.Result) {
	if s == nil {
		return
	}
	if run := s.run.Load(); run != nil {
		run.Apply(res)
	}
}

// End applies the script's changes to the final result res and runs
// onEnd on it; body, when not empty, is the response body onEnd's
// pm.response.text() returns (else the body kept so far). It returns the
// script's first failure (a throw, an interruption, a failed top-level
// code), if any. The run is closed afterwards.
func (s *Session) End(res *merge.Result, body []byte) error {
	if s == nil {
		return nil
	}
	if len(body) > 0 {
		s.bodyMu.Lock()
		s.body.Reset()
		s.body.Write(body[:min(len(body), MaxResponseBody)])
		s.bodyMu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked(0, nil)
	if run := s.run.Load(); run != nil {
		run.Apply(res)
		s.setErr(run.OnEnd(res))
		run.Close()
	}
	return s.Err()
}

// Logs returns the script's console output so far.
func (s *Session) Logs() []LogEntry {
	if s == nil {
		return nil
	}
	if run := s.run.Load(); run != nil {
		return run.Logs()
	}
	return nil
}

// Tests returns the results of the script's pm.test calls so far.
func (s *Session) Tests() []TestResult {
	if s == nil {
		return nil
	}
	if run := s.run.Load(); run != nil {
		return run.Tests()
	}
	return nil
}

// Err returns the script's first failure, if any.
func (s *Session) Err() error {
	if s == nil {
		return nil
	}
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return s.err
}

func (s *Session) setErr(err error) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if err != nil && s.err == nil {
		s.err = err
	}
}

// Close closes the script's run (End does too).
func (s *Session) Close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if run := s.run.Load(); run != nil {
		run.Close()
	}
}
