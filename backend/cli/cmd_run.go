package cli

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/script"
	"github.com/streamscope/streamscope/backend/secrets"
	"github.com/streamscope/streamscope/backend/send"
	"github.com/streamscope/streamscope/backend/sse"
)

const runUsage = "DIR ENDPOINT [--env ENV] [--var NAME=VALUE]... [--json] [--junit FILE] [--record NAME | --replay NAME] [--script-timeout MS]"

func init() {
	Register(Command{
		Name:    "run",
		Usage:   runUsage,
		Summary: "send a project's endpoint: live timeline on stderr, merged result on stdout",
		Run: func(env *Env, args []string) (int, error) {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runRun(ctx, env, args)
		},
	})
}

// varList collects repeated --var NAME=VALUE flags.
type varList map[string]string

func (v varList) String() string { return fmt.Sprint(map[string]string(v)) }
func (v varList) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	v[strings.TrimSpace(name)] = value
	return nil
}

func runRun(ctx context.Context, env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "run", runUsage)
	envName := fs.String("env", "", "use the environment `ENV` (environments/ENV.yaml)")
	vars := varList{}
	fs.Var(vars, "var", "set variable `NAME=VALUE` (repeatable; wins over the environment)")
	asJSON := fs.Bool("json", false, "print the merge object with status, timing and tests as JSON")
	junit := fs.String("junit", "", "write the script tests and the stream's completeness as JUnit XML to `FILE`")
	record := fs.String("record", "", "save the received events into the project as recordings/`NAME`.jsonl")
	scriptTimeout := fs.Int("script-timeout", int(script.DefaultTimeout/time.Millisecond), "interrupt a script call that runs longer than `MS` milliseconds")
	replay := fs.String("replay", "", "replay the saved recording `NAME` through the endpoint's merge and script instead of sending")
	fs.Usage = func() {}
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) != 2 {
		return ExitUsage, UsageError("expected DIR ENDPOINT, got %d argument(s) (usage: streamscope run %s)", len(pos), runUsage)
	}
	if *scriptTimeout < 1 {
		return ExitUsage, UsageError("--script-timeout must be at least 1 (milliseconds), got %d", *scriptTimeout)
	}
	if *record != "" && *replay != "" {
		return ExitUsage, UsageError("--record and --replay exclude each other")
	}
	p, ep, err := findEndpoint(pos[0], pos[1])
	if err != nil {
		return ExitUsage, err
	}
	var replayed *project.Recording
	if *replay != "" {
		if replayed, err = p.LoadRecording(*replay); err != nil {
			return ExitUsage, Errorf(ExitUsage, "--replay: %v", err)
		}
	}
	var runEnv *project.Environment
	if *envName != "" {
		if runEnv, err = p.Environment(*envName); err != nil {
			return ExitUsage, err
		}
	}
	scope := secrets.NewScope(p, runEnv, vars, env.Var, secretsOpener(env))
	var resolved *project.Request
	var req send.Request
	if replayed == nil {
		resolved, err = p.Resolve(ep, scope)
		if err != nil {
			return ExitUsage, Errorf(ExitUsage, "endpoint %q: %s", ep.Ref(), redact.New(scope.RedactValues()...).String(err.Error()))
		}
		if req, err = resolved.SendRequest(); err != nil {
			return ExitUsage, UsageError("endpoint %q: %v", ep.Ref(), err)
		}
	}
	if ep.Script != "" {
		// The script sees every variable: look the secrets up now, so
		// that the redactor knows them all before anything is printed.
		if _, err := scope.Values(); err != nil {
			return ExitUsage, Errorf(ExitUsage, "%s", redact.New(scope.RedactValues()...).String(err.Error()))
		}
	}
	// No secret value the run knows reaches stdout, stderr or a file.
	red := redact.New(scope.RedactValues()...)
	if red != nil {
		w := red.NewWriter(env.Stderr)
		defer w.Flush()
		c := *env
		c.Stderr = w
		env = &c
	}
	hooks, err := runHooks(env.Stderr, p, ep, scope, time.Duration(*scriptTimeout)*time.Millisecond, red)
	if err != nil {
		return ExitUsage, Errorf(ExitUsage, "%s", red.String(err.Error()))
	}
	var rec *recorder
	if *record != "" {
		if err := p.CheckRecordings(); err != nil {
			return ExitUsage, Errorf(ExitUsage, "--record: %v", err)
		}
		rec = &recorder{started: time.Now().UTC()}
		hooks = append(hooks, rec.hook())
	}
	if *junit != "" {
		if err := checkWritableDir(*junit); err != nil {
			return ExitUsage, err
		}
	}
	opts := StreamOptions{Command: "run", Request: req, Merge: endpointMerge(ep), JSON: *asJSON, Hooks: hooks, Redact: red}
	var out *StreamOutput
	var runErr error
	if replayed != nil {
		out, runErr = replayStream(env, opts, replayed)
	} else {
		out, runErr = RunStream(ctx, env, opts)
	}
	code := ExitOK
	if runErr != nil {
		code = ExitUsage
		var ee *ExitError
		if errors.As(runErr, &ee) {
			code = ee.Code
		}
		runErr = &ExitError{Code: code, Err: errors.New(red.String(runErr.Error()))}
	}
	// The run happened (exit 0, 1 or 3): its report files are written.
	// A run that could not happen (exit 2) writes nothing.
	if out != nil && code != ExitUsage {
		if *junit != "" {
			if err := writeJUnit(*junit, p, ep, out, code, runErr, red); err != nil {
				return ExitUsage, err
			}
		}
		if rec != nil && resolved != nil {
			rel, err := p.SaveRecording(*record, rec.recording(ep, resolved, out, red))
			if err != nil {
				return ExitUsage, err
			}
			fmt.Fprintf(env.Stderr, "saved recording %s\n", rel)
		}
	}
	return code, runErr
}

// replayStream replays a recording as RunStream would have shown the live
// stream: the events at their recorded offsets on the timeline, merged with
// the endpoint's rules, through its script, with the same output and exit
// codes. Nothing goes over the network.
func replayStream(env *Env, o StreamOptions, rec *project.Recording) (*StreamOutput, error) {
	m, err := NewMerger(o.Merge)
	if err != nil {
		return nil, err
	}
	width := 120
	if w, _ := strconv.Atoi(env.Var("COLUMNS")); w >= 40 {
		width = w
	}
	tl := newTimeline(env.Stderr, width, o.Redact)
	header := http.Header{}
	if rec.ContentType != "" {
		header.Set("Content-Type", rec.ContentType)
	}
	tl.line(0, "replay", fmt.Sprintf("%s %s recorded %s: %d %s, %s", rec.Method, rec.URL, rec.StartedAt.Format(time.RFC3339), rec.Status, rec.ContentType, plural(len(rec.Events), "event")))
	for _, h := range o.Hooks {
		if h.OnResponse != nil {
			h.OnResponse(rec.Status, header)
		}
	}
	firstEvent := -1.0
	for i, ev := range rec.Events {
		at := ev.Elapsed()
		if firstEvent < 0 {
			firstEvent = ev.TimeMS
		}
		m.AddTimed(ev.Event, at)
		for _, h := range o.Hooks {
			if h.OnEvent != nil {
				if err := h.OnEvent(m, ev.Event, i+1, at); err != nil {
					tl.line(at, "!", "hook: "+err.Error())
				}
			}
		}
		tl.line(at, ev.Type, truncateUTF8(tl.red.String(ev.Data), 1000))
	}
	res := &send.Result{Status: rec.Status, Header: header, Kind: send.StreamKind(rec.Stream), Events: len(rec.Events),
		Reason: send.EndReason(rec.End), Timing: send.Timing{TTFBMS: rec.TTFBMS, DurationMS: rec.DurationMS}}
	// The recorded body ended cleanly when the recording says complete.
	final := m.End()
	if res.Reason == "" || res.Reason == send.EndComplete {
		final = m.EndClean()
	}
	out := &StreamOutput{Result: final, Status: rec.Status, Send: res, Tests: []TestResult{}}
	if res.Reason == "" || res.Reason == send.EndComplete {
		res.Reason = send.EndComplete
		switch reason, msg := send.MergeCheck(out.Result); reason {
		case send.EndError:
			res.Reason, res.Code, res.Message = reason, send.CodeStream, msg
		case send.EndTruncated:
			res.Reason, res.Code, res.Message = reason, send.CodeTruncated, msg
		}
	}
	if res.Reason != send.EndComplete && res.Message == "" {
		res.Message = "the recorded stream ended " + string(res.Reason)
	}
	var last time.Duration
	if n := len(rec.Events); n > 0 {
		last = rec.Events[n-1].Elapsed()
	}
	tl.line(last, "end", fmt.Sprintf("%s (replayed), %s", res.Reason, plural(len(rec.Events), "event")))
	out.Timing.DurationMS = rec.DurationMS
	if rec.Status != 0 {
		v := rec.TTFBMS
		out.Timing.TTFBMS = &v
	}
	if firstEvent >= 0 {
		out.Timing.FirstEventMS = &firstEvent
	}
	var hookErr error
	for _, h := range o.Hooks {
		if h.OnEnd != nil {
			if err := h.OnEnd(out); err != nil && hookErr == nil {
				hookErr = err
			}
		}
	}
	if err := printStream(env, o, out); err != nil {
		return out, err
	}
	return out, streamExit(o, out, hookErr)
}

// runHooks returns the hooks the endpoint needs (its script).
func runHooks(log io.Writer, p *project.Project, ep *project.Endpoint, scope *project.Scope, timeout time.Duration, red *redact.Redactor) ([]StreamHook, error) {
	if ep.Script == "" {
		return nil, nil
	}
	src, err := p.ReadScript(ep)
	if err != nil {
		return nil, Errorf(ExitUsage, "%v", err)
	}
	return scriptHooks(log, p.ScriptPath(ep), src, scope, timeout, red)
}

func checkWritableDir(file string) error {
	dir := filepath.Dir(file)
	st, err := os.Stat(dir)
	if err != nil {
		return Errorf(ExitUsage, "--junit %s: %v", file, err)
	}
	if !st.IsDir() {
		return Errorf(ExitUsage, "--junit %s: %s is not a directory", file, dir)
	}
	return nil
}

// recorder keeps the events of a run for --record.
type recorder struct {
	started     time.Time
	status      int
	contentType string
	events      []project.RecordedEvent
}

func (r *recorder) hook() StreamHook {
	return StreamHook{
		OnResponse: func(status int, h http.Header) {
			r.status = status
			r.contentType = h.Get("Content-Type")
		},
		OnEvent: func(_ *merge.Merger, ev sse.Event, _ int, at time.Duration) error {
			r.events = append(r.events, project.RecordedEvent{TimeMS: float64(at.Microseconds()) / 1000, Event: ev})
			return nil
		},
	}
}

// recording builds the saved recording: the endpoint's URL as written
// (variables unresolved), the response and events, with every secret value
// masked (a server may echo one).
func (r *recorder) recording(ep *project.Endpoint, req *project.Request, out *StreamOutput, red *redact.Redactor) *project.Recording {
	rec := &project.Recording{Endpoint: ep.Ref(), Method: req.Method, URL: red.String(ep.FullURL()), Status: r.status,
		ContentType: red.String(r.contentType), StartedAt: r.started, DurationMS: out.Timing.DurationMS, Events: r.events}
	for i := range rec.Events {
		ev := &rec.Events[i].Event
		ev.Type, ev.Data, ev.ID = red.String(ev.Type), red.String(ev.Data), red.String(ev.ID)
	}
	if out.Timing.TTFBMS != nil {
		rec.TTFBMS = *out.Timing.TTFBMS
	}
	if out.Send != nil {
		rec.Stream = string(out.Send.Kind)
		rec.End = string(out.Send.Reason)
	}
	return rec
}

// JUnit XML (the schema Jenkins, GitLab and GitHub test reporters read).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// streamCaseName is the JUnit test case for the stream itself.
const streamCaseName = "stream complete"

// writeJUnit writes the report atomically: the file is either absent (or
// its previous version) or complete. Every text in it goes through red
// (test names and assertion messages may hold a secret value).
func writeJUnit(file string, p *project.Project, ep *project.Endpoint, out *StreamOutput, code int, runErr error, red *redact.Redactor) error {
	s := red.String
	seconds := fmt.Sprintf("%.3f", out.Timing.DurationMS/1000)
	class := s(p.Meta.Name + "." + ep.Ref())
	suite := junitSuite{Name: s(p.Meta.Name + "/" + ep.Ref()), Time: seconds, Timestamp: time.Now().UTC().Format("2006-01-02T15:04:05")}
	stream := junitCase{Name: streamCaseName, ClassName: class, Time: seconds}
	if code == ExitIncomplete {
		msg := "stream incomplete"
		if runErr != nil {
			msg = runErr.Error()
		}
		stream.Failure = &junitProblem{Message: s(msg), Type: "incomplete", Text: s(fmt.Sprintf("verdict %s, %d events, format %s", out.Verdict, out.Events, out.Format))}
	}
	suite.Cases = append(suite.Cases, stream)
	for _, t := range out.Tests {
		c := junitCase{Name: s(t.Name), ClassName: class, Time: "0.000"}
		if !t.Passed {
			c.Failure = &junitProblem{Message: s(t.Message), Type: "assertion", Text: s(t.Message)}
		}
		suite.Cases = append(suite.Cases, c)
	}
	if code == ExitFailed && runErr != nil && strings.HasPrefix(runErr.Error(), "script error") {
		// The script threw or was interrupted: an error, not a failed test.
		msg := s(runErr.Error())
		suite.Cases = append(suite.Cases, junitCase{Name: "script", ClassName: class, Time: "0.000",
			Error: &junitProblem{Message: msg, Type: "script", Text: msg}})
	}
	for _, c := range suite.Cases {
		suite.Tests++
		if c.Failure != nil {
			suite.Failures++
		}
		if c.Error != nil {
			suite.Errors++
		}
	}
	doc := junitSuites{Name: "streamscope", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Time: seconds, Suites: []junitSuite{suite}}
	data, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	data = append([]byte(xml.Header), append(data, '\n')...)
	if err := project.WriteFileAtomic(file, data, 0o644); err != nil {
		return Errorf(ExitUsage, "--junit: %v", err)
	}
	return nil
}

// scriptHooks compiles the endpoint's post-processor script (a syntax error
// stops the run before anything is sent) and runs it over the stream: its
// top-level code when the response headers arrive, onEvent for every
// event, onEnd once at the end. Its changes are applied to the merged
// result, its pm.test results become the output's tests (and are printed on
// log, with its console output), and a script that threw or was
// interrupted fails the run (exit 1) without losing the stream. ctx.vars
// and pm.environment see the environment's variables; what the script sets
// lasts for this run only. Console and test lines are masked with red
// before they are escaped to one line (a secret with a newline in it, a
// PEM key, would not be found in its escaped form).
func scriptHooks(log io.Writer, path, src string, scope *project.Scope, timeout time.Duration, red *redact.Redactor) ([]StreamHook, error) {
	prog, err := script.Compile(path, src)
	if err != nil {
		return nil, Errorf(ExitUsage, "%v", err)
	}
	values, err := scope.Values()
	if err != nil {
		return nil, Errorf(ExitUsage, "%v", err)
	}
	var (
		run     *script.Run
		runErr  error
		data    strings.Builder // event data so far, for pm.response.text() during the stream
		endBody *string
		logged  int
	)
	flushLogs := func() {
		if run == nil {
			return
		}
		logs := run.Logs()
		for _, l := range logs[logged:] {
			fmt.Fprintf(log, "console.%s: %s\n", l.Level, Visible(red.String(l.Message)))
		}
		logged = len(logs)
	}
	start := func(status int, header http.Header) {
		run, runErr = prog.NewRun(script.RunOptions{
			Timeout: timeout,
			Vars:    script.MapVars(values),
			Response: script.ResponseInfo{Code: status, Headers: header, Body: func() string {
				if endBody != nil {
					return *endBody
				}
				return data.String()
			}},
		})
		flushLogs()
	}
	hook := StreamHook{
		OnResponse: start,
		OnEvent: func(m *merge.Merger, ev sse.Event, seq int, at time.Duration) error {
			if data.Len() < 16<<20 {
				data.WriteString(ev.Data)
				data.WriteByte('\n')
			}
			if run == nil || !run.HasOnEvent() {
				return nil
			}
			// ctx.result: the built-in merge so far with the script's changes.
			res := m.Result()
			run.Apply(&res)
			// A failure is reported once, at the end; the stream goes on.
			_ = run.OnEvent(script.Event{Seq: seq, Type: ev.Type, Data: ev.Data, ID: ev.ID, TimeMS: float64(at.Microseconds()) / 1000}, &res)
			flushLogs()
			return nil
		},
		OnEnd: func(out *StreamOutput) error {
			if run == nil && runErr == nil && out.Send != nil {
				start(out.Status, out.Send.Header) // no response hook ran (a replay without headers)
			}
			if runErr != nil {
				return fmt.Errorf("script error: %v", runErr)
			}
			if run == nil {
				return nil
			}
			defer run.Close()
			if out.Send != nil && len(out.Send.Body) > 0 {
				body := string(out.Send.Body)
				endBody = &body
			}
			base := out.Result
			shown := base
			run.Apply(&shown)
			_ = run.OnEnd(&shown)
			flushLogs()
			run.Apply(&base) // every change once, onEnd's included
			out.Result = base
			for _, t := range run.Tests() {
				out.Tests = append(out.Tests, TestResult{Name: t.Name, Passed: t.Passed, Message: t.Message})
				if t.Passed {
					fmt.Fprintf(log, "PASS  %s\n", Visible(red.String(t.Name)))
				} else {
					fmt.Fprintf(log, "FAIL  %s: %s\n", Visible(red.String(t.Name)), Visible(red.String(t.Message)))
				}
			}
			if err := run.Err(); err != nil {
				return fmt.Errorf("script error: %v", err)
			}
			return nil
		},
	}
	return []StreamHook{hook}, nil
}

// endpointMerge returns the endpoint's merge options (none set: detect).
func endpointMerge(ep *project.Endpoint) merge.Options {
	if ep.Merge == nil {
		return merge.Options{}
	}
	return ep.Merge.Options()
}
