package app

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/script"
	"github.com/streamscope/streamscope/backend/sse"
)

// maxScriptBody caps the body kept for pm.response.text().
const maxScriptBody = 16 << 20

// liveScript runs an endpoint's post-processor script (backend/script)
// beside the built-in merger of a run: the script's run starts when the
// response headers arrive, onEvent runs for every event on the sender's
// goroutine, and its changes are overlaid on the live merge (overlay) and
// on the final result (onEnd).
type liveScript struct {
	prog    *script.Program
	timeout time.Duration
	vars    script.MapVars

	mu      sync.Mutex // serialises the script calls
	started bool

	// errMu guards err apart from mu, so that output (RunService.Result,
	// the batches) never waits for a script call in progress.
	errMu sync.Mutex
	err   error // the first failure

	run atomic.Pointer[script.Run]

	bodyMu sync.Mutex
	body   strings.Builder
}

// newScriptHook compiles a script for a run; a syntax error names the
// file, line and column.
func newScriptHook(name, src string, vars map[string]string) (scriptHook, error) {
	prog, err := script.Compile(name, src)
	if err != nil {
		return nil, err
	}
	if vars == nil {
		vars = map[string]string{}
	}
	return &liveScript{prog: prog, timeout: script.DefaultTimeout, vars: script.MapVars(vars)}, nil
}

func (s *liveScript) bodyText() string {
	s.bodyMu.Lock()
	defer s.bodyMu.Unlock()
	return s.body.String()
}

func (s *liveScript) keepBody(b string) {
	s.bodyMu.Lock()
	defer s.bodyMu.Unlock()
	if s.body.Len()+len(b) <= maxScriptBody {
		s.body.WriteString(b)
	}
}

// startLocked creates the script's run (its top-level code runs now).
func (s *liveScript) startLocked(status int, h http.Header) {
	if s.started {
		return
	}
	s.started = true
	if h == nil {
		h = http.Header{}
	}
	run, err := s.prog.NewRun(script.RunOptions{
		Timeout: s.timeout, Vars: s.vars,
		Response: script.ResponseInfo{Code: status, Headers: h, Body: s.bodyText},
	})
	if err != nil {
		s.setErr(err)
		return
	}
	s.run.Store(run)
}

// setErr keeps the first failure.
func (s *liveScript) setErr(err error) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if err != nil && s.err == nil {
		s.err = err
	}
}

func (s *liveScript) firstErr() error {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return s.err
}

func (s *liveScript) onResponse(status int, h http.Header, _ func() string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked(status, h)
	return s.firstErr()
}

func (s *liveScript) onEvent(ev sse.Event, seq int, at time.Duration, snapshot func() *merge.Result) error {
	s.keepBody(ev.Data + "\n")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked(0, nil)
	run := s.run.Load()
	if run == nil || !run.HasOnEvent() || run.Err() != nil {
		return nil
	}
	res := snapshot()
	run.Apply(res)
	err := run.OnEvent(script.Event{Seq: seq, Type: ev.Type, Data: ev.Data, ID: ev.ID, TimeMS: float64(at.Microseconds()) / 1000}, res)
	s.setErr(err)
	return err
}

// overlay applies the script's changes so far to a live result.
func (s *liveScript) overlay(res *merge.Result) {
	if run := s.run.Load(); run != nil {
		run.Apply(res)
	}
}

func (s *liveScript) onEnd(res *merge.Result, body []byte) error {
	s.bodyMu.Lock()
	s.body.Reset()
	s.body.Write(body[:min(len(body), maxScriptBody)])
	s.bodyMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked(0, nil)
	run := s.run.Load()
	if run == nil {
		return s.firstErr()
	}
	run.Apply(res)
	s.setErr(run.OnEnd(res))
	return s.firstErr()
}

func (s *liveScript) output() ([]ScriptLog, []ScriptTest, string) {
	var logs []ScriptLog
	var tests []ScriptTest
	if run := s.run.Load(); run != nil {
		for _, l := range run.Logs() {
			logs = append(logs, ScriptLog{Level: l.Level, Message: l.Message, EventSeq: l.EventSeq})
		}
		for _, t := range run.Tests() {
			tests = append(tests, ScriptTest{Name: t.Name, Passed: t.Passed, Message: t.Message, EventSeq: t.EventSeq})
		}
	}
	msg := ""
	if err := s.firstErr(); err != nil {
		msg = fmt.Sprintf("script error: %v", err)
	}
	return logs, tests, msg
}

func (s *liveScript) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if run := s.run.Load(); run != nil {
		run.Close()
	}
}
