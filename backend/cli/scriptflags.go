package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/run"
	"github.com/streamscope/streamscope/backend/script"
)

// scriptFlagsUsage is the synopsis of the flags AddScriptFlags registers.
const scriptFlagsUsage = "[--script FILE] [--script-timeout MS]"

// ScriptFlags are --script and --script-timeout (merge, send).
type ScriptFlags struct {
	File      string
	TimeoutMS int
}

// AddScriptFlags registers --script and --script-timeout on fs.
func AddScriptFlags(fs *flag.FlagSet) *ScriptFlags {
	f := &ScriptFlags{}
	fs.StringVar(&f.File, "script", "", "run the post-processor script `FILE` over the events (implies --format script unless --format is given)")
	fs.IntVar(&f.TimeoutMS, "script-timeout", int(script.DefaultTimeout/time.Millisecond), "time limit of one script call in `MS`")
	return f
}

// MergeOptions returns o with format "script" when --script is given and
// nothing else chose a format (--format or a JSONPath rule).
func (f *ScriptFlags) MergeOptions(o merge.Options) merge.Options {
	if f.File != "" && o.Format == "" && o.ContentPath == "" && o.ReasoningPath == "" && o.StopPath == "" {
		o.Format = merge.FormatScript
	}
	return o
}

// Script reads and compiles the script: nil without --script; an
// unreadable file or a syntax error is a usage error naming the file,
// line and column.
func (f *ScriptFlags) Script() (*run.Script, error) {
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
	return &run.Script{Program: prog, Timeout: time.Duration(f.TimeoutMS) * time.Millisecond}, nil
}

// scriptLog prints a script session's output on w (stderr): its console
// lines as they come (flush, after each call) and one line per test at
// the end. Every text is masked with red before it is escaped to one line
// (a secret with a newline in it, a PEM key, would not be found in its
// escaped form). A nil session prints nothing.
type scriptLog struct {
	w      io.Writer
	s      *script.Session
	red    *redact.Redactor
	logged int
}

func (l *scriptLog) flush() {
	logs := l.s.Logs()
	for _, e := range logs[min(l.logged, len(logs)):] {
		fmt.Fprintf(l.w, "console.%s: %s\n", e.Level, Visible(l.red.String(e.Message)))
	}
	l.logged = max(l.logged, len(logs))
}

// end prints what is left of the console output, then the tests.
func (l *scriptLog) end(tests []script.TestResult) []TestResult {
	l.flush()
	out := make([]TestResult, 0, len(tests))
	for _, t := range tests {
		out = append(out, TestResult{Name: t.Name, Passed: t.Passed, Message: t.Message})
		fmt.Fprintln(l.w, testLine(l.red, t))
	}
	return out
}

// testLine is the one format of a test result on stderr, for merge, send
// and run alike: "PASS  name" or "FAIL  name: message".
func testLine(red *redact.Redactor, t script.TestResult) string {
	if t.Passed {
		return "PASS  " + Visible(red.String(t.Name))
	}
	return "FAIL  " + Visible(red.String(t.Name)) + ": " + Visible(red.String(t.Message))
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
