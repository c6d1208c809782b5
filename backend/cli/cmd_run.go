package cli

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/run"
	"github.com/streamscope/streamscope/backend/script"
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
	// The plan knows every secret value the run uses (all of the
	// environment's when there is a script) before anything is printed.
	plan, err := run.New(run.Spec{Project: p, Endpoint: ep, Environment: *envName, Vars: vars, Getenv: env.Var,
		Secrets: secretsOpener(env), ScriptTimeout: time.Duration(*scriptTimeout) * time.Millisecond, Replay: replayed != nil})
	if err != nil {
		var pe *run.Error
		if errors.As(err, &pe) && (pe.Stage == run.StageResolve || pe.Stage == run.StageRequest) {
			return ExitUsage, Errorf(ExitUsage, "endpoint %q: %v", ep.Ref(), err)
		}
		return ExitUsage, err
	}
	// No secret value the run knows reaches stdout, stderr or a file.
	red := plan.Redactor
	if red != nil {
		w := red.NewWriter(env.Stderr)
		defer w.Flush()
		c := *env
		c.Stderr = w
		env = &c
	}
	var rec *run.Recorder
	if *record != "" {
		if err := p.CheckRecordings(); err != nil {
			return ExitUsage, Errorf(ExitUsage, "--record: %v", err)
		}
		rec = &run.Recorder{}
	}
	if *junit != "" {
		if err := checkWritableDir(*junit); err != nil {
			return ExitUsage, err
		}
	}
	opts := StreamOptions{Command: "run", Plan: plan, Replay: replayed, JSON: *asJSON}
	if rec != nil {
		opts.Observer = rec
	}
	out, runErr := RunStream(ctx, env, opts)
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
		if rec != nil {
			rel, err := p.SaveRecording(*record, plan.Recording(out.Outcome, rec.Events))
			if err != nil {
				return ExitUsage, err
			}
			fmt.Fprintf(env.Stderr, "saved recording %s\n", rel)
		}
	}
	return code, runErr
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
