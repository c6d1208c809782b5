package cli

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/script"
	"github.com/streamscope/streamscope/backend/sse"
)

// scriptFlagsUsage is the synopsis of the flags AddScriptFlags registers.
const scriptFlagsUsage = "[--script FILE] [--script-timeout MS]"

// ScriptFlags are --script and --script-timeout (merge, send).
type ScriptFlags struct {
	File      string
	TimeoutMS int
	format    *string // the --format flag, to know whether it was given
}

// AddScriptFlags registers --script and --script-timeout on fs. mf is the
// command's merge flags: --script implies --format script unless a format
// (or a JSONPath rule) is given.
func AddScriptFlags(fs *flag.FlagSet, mf *MergeFlags) *ScriptFlags {
	f := &ScriptFlags{format: &mf.Format}
	fs.StringVar(&f.File, "script", "", "run the post-processor script `FILE` over the events (implies --format script unless --format is given)")
	fs.IntVar(&f.TimeoutMS, "script-timeout", int(script.DefaultTimeout/time.Millisecond), "time limit of one script call in `MS`")
	return f
}

// MergeOptions returns o with format "script" when --script is given and
// nothing else chose a format.
func (f *ScriptFlags) MergeOptions(o merge.Options) merge.Options {
	if f.File != "" && o.Format == "" && o.ContentPath == "" && o.ReasoningPath == "" && o.StopPath == "" {
		o.Format = merge.FormatScript
	}
	return o
}

// Session reads and compiles the script. It returns nil (a no-op session)
// without --script; an unreadable file or a syntax error is a usage error
// naming the file, line and column.
func (f *ScriptFlags) Session(log io.Writer) (*ScriptSession, error) {
	if f.TimeoutMS <= 0 {
		return nil, UsageError("--script-timeout: must be a positive number of milliseconds, got %d", f.TimeoutMS)
	}
	if f.File == "" {
		return nil, nil
	}
	src, err := os.ReadFile(f.File)
	if err != nil {
		return nil, UsageError("--script: %v", err)
	}
	prog, err := script.Compile(f.File, string(src))
	if err != nil {
		return nil, UsageError("%v", err)
	}
	return &ScriptSession{prog: prog, log: log, timeout: time.Duration(f.TimeoutMS) * time.Millisecond}, nil
}

// ScriptSession runs one script over one stream beside the built-in merger
// and reports on log (stderr): console output as it comes, then one line
// per test. All methods are no-ops on a nil session.
type ScriptSession struct {
	prog    *script.Program
	log     io.Writer
	timeout time.Duration

	run      *script.Run
	err      error // the script's first failure
	reported bool  // err was already returned by Event
	logged   int

	mu   sync.Mutex
	body strings.Builder // the body so far, for pm.response.text()
}

// maxScriptBody caps the body kept for pm.response.text().
const maxScriptBody = 16 << 20

// Start creates the run (fresh runtime, top-level code) with the response
// the script sees as pm.response. A failure is kept for End.
func (s *ScriptSession) Start(status int, header http.Header) {
	if s == nil || s.run != nil || s.err != nil {
		return
	}
	if header == nil {
		header = http.Header{}
	}
	s.run, s.err = s.prog.NewRun(script.RunOptions{
		Timeout:  s.timeout,
		Response: script.ResponseInfo{Code: status, Headers: header, Body: s.bodyText},
	})
	s.flushLogs()
}

func (s *ScriptSession) bodyText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.body.String()
}

// Input returns in with what is read from it kept for pm.response.text().
func (s *ScriptSession) Input(in io.Reader) io.Reader {
	if s == nil {
		return in
	}
	return io.TeeReader(in, bodyKeeper{s})
}

type bodyKeeper struct{ s *ScriptSession }

func (k bodyKeeper) Write(p []byte) (int, error) {
	k.s.mu.Lock()
	defer k.s.mu.Unlock()
	if k.s.body.Len()+len(p) <= maxScriptBody {
		k.s.body.Write(p)
	}
	return len(p), nil
}

// Event runs onEvent for an event the merger has just taken. It returns
// the script's failure once, when it happens (a caller may show it in the
// timeline); the stream goes on either way.
func (s *ScriptSession) Event(m *merge.Merger, ev sse.Event, seq int, at time.Duration) error {
	if s == nil {
		return nil
	}
	if s.run == nil && s.err == nil {
		s.Start(0, nil)
	}
	if s.run == nil {
		return nil
	}
	err := s.run.MergeEvent(m, script.Event{Seq: seq, Type: ev.Type, Data: ev.Data, ID: ev.ID, TimeMS: float64(at.Microseconds()) / 1000})
	s.flushLogs()
	if err != nil && s.err == nil {
		s.err = err
	}
	if s.err != nil && !s.reported {
		s.reported = true
		return s.err
	}
	return nil
}

// End applies the script's changes to the merger's final result res, runs
// onEnd, prints one line per test on log and closes the run. It returns
// the tests and the script's failure (a throw, an interruption), if any.
func (s *ScriptSession) End(res *merge.Result) ([]TestResult, error) {
	if s == nil {
		return nil, nil
	}
	if s.run == nil && s.err == nil {
		s.Start(0, nil)
	}
	var tests []TestResult
	if s.run != nil {
		defer s.run.Close()
		s.run.Apply(res)
		if err := s.run.OnEnd(res); err != nil && s.err == nil {
			s.err = err
		}
		s.flushLogs()
		for _, t := range s.run.Tests() {
			tests = append(tests, TestResult{Name: t.Name, Passed: t.Passed, Message: t.Message})
			if t.Passed {
				fmt.Fprintf(s.log, "✓ %s\n", Visible(t.Name))
			} else {
				fmt.Fprintf(s.log, "✗ %s: %s\n", Visible(t.Name), Visible(oneLine(t.Message)))
			}
		}
	}
	if s.err != nil {
		return tests, fmt.Errorf("script error: %v", s.err)
	}
	return tests, nil
}

func (s *ScriptSession) flushLogs() {
	if s.run == nil {
		return
	}
	logs := s.run.Logs()
	for _, l := range logs[s.logged:] {
		fmt.Fprintf(s.log, "console.%s: %s\n", l.Level, Visible(l.Message))
	}
	s.logged = len(logs)
}

// Hooks returns the session as RunStream hooks (send): the run starts when
// the response headers arrive, onEvent runs for every event, and onEnd's
// changes and tests go into the output.
func (s *ScriptSession) Hooks() []StreamHook {
	if s == nil {
		return nil
	}
	return []StreamHook{{
		OnResponse: s.Start,
		OnEvent: func(m *merge.Merger, ev sse.Event, seq int, at time.Duration) error {
			s.mu.Lock()
			if s.body.Len()+len(ev.Data)+1 <= maxScriptBody {
				s.body.WriteString(ev.Data)
				s.body.WriteByte('\n')
			}
			s.mu.Unlock()
			if err := s.Event(m, ev, seq, at); err != nil {
				return fmt.Errorf("script error: %v", err)
			}
			return nil
		},
		OnEnd: func(out *StreamOutput) error {
			if out.Send != nil {
				s.mu.Lock()
				s.body.Reset()
				s.body.Write(out.Send.Body[:min(len(out.Send.Body), maxScriptBody)])
				s.mu.Unlock()
				if s.run == nil && s.err == nil {
					s.Start(out.Status, out.Send.Header)
				}
			}
			tests, err := s.End(&out.Result)
			out.Tests = append(out.Tests, tests...)
			return err
		},
	}}
}

// failedTests is a test-failure error (exit 1) when any test failed.
func failedTests(tests []TestResult) error {
	failed := 0
	for _, t := range tests {
		if !t.Passed {
			failed++
		}
	}
	if failed > 0 {
		return Errorf(ExitFailed, "%d of %d tests failed", failed, len(tests))
	}
	return nil
}
