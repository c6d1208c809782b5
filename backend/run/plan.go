package run

import (
	"fmt"
	"strings"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/script"
	"github.com/streamscope/streamscope/backend/secrets"
	"github.com/streamscope/streamscope/backend/send"
)

// Plan is a run ready to go: the request, how its stream is merged and
// scripted, and the secret values to mask in all that is shown of it. New
// makes one from a project's endpoint; an ad-hoc request (the CLI's send)
// fills one in by hand.
type Plan struct {
	// Ref, Method and URL say what was asked as written in the project
	// (the URL with its {{variables}}), Env the environment: a recording
	// keeps them, so no secret lands in it.
	Ref, Method, URL, Env string
	// Request is the resolved request (unused by a replay).
	Request send.Request
	Merge   merge.Options
	// Script is the post-processor script (nil: none).
	Script *Script
	// Redactor masks the secret values the run uses (nil: none).
	Redactor *redact.Redactor
}

// Script is a compiled post-processor script with what a run of it sees.
type Script struct {
	Program *script.Program
	// Vars are the environment's variables (ctx.vars, pm.environment);
	// what the script sets lasts for the run only.
	Vars map[string]string
	// Timeout is the time limit of one call (0: script.DefaultTimeout).
	Timeout time.Duration
}

// Spec asks New for the plan of one of a project's endpoints.
type Spec struct {
	// Project holds the endpoint; nil (or one without Dir) for an
	// endpoint of no project: then no script file is read.
	Project  *project.Project
	Endpoint *project.Endpoint
	// Environment names the environment ("" none); Vars override the
	// variables for this run only.
	Environment string
	Vars        map[string]string
	// Getenv reads the process environment for {{$env.NAME}} (the names
	// STREAMSCOPE_ALLOW_ENV allows); Secrets opens the secret store, asked
	// only when a secret variable is used (secrets.NewScope).
	Getenv  func(string) string
	Secrets func() (*secrets.FileStore, error)
	// Source, when not nil, is the script to run instead of the
	// endpoint's script file ("" runs none).
	Source        *string
	ScriptTimeout time.Duration
	// Replay plans the replay of a recording: the request is not resolved
	// (its variables need no value), the merge and the script are the
	// endpoint's.
	Replay bool
}

// Stage says which step of New failed (Error.Stage).
type Stage string

// The steps of New that the CLI and the app word in their own way.
const (
	StageEndpoint Stage = "endpoint" // the endpoint does not validate
	StageResolve  Stage = "resolve"  // a {{variable}} has no value (the error is masked)
	StageRequest  Stage = "request"  // the resolved request is not one (a bad URL, ...)
	StageMerge    Stage = "merge"    // a bad merge format or JSONPath rule
	StageScript   Stage = "script"   // the script does not read or compile, or its variables do not resolve
)

// Error is a failure of New: Ref names the endpoint, Err says why, with
// the secret values the run knows masked.
type Error struct {
	Stage Stage
	Ref   string
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// New makes the plan of spec's endpoint: its variables resolved (every
// unresolved one named, before anything is sent), its merge options
// checked, its script read and compiled (a syntax error names the file,
// line and column), and the redactor of every secret value it uses. A
// script sees all the environment's variables, so with one every secret
// of the environment is looked up (and masked) now.
func New(spec Spec) (*Plan, error) {
	ep := *spec.Endpoint
	ref := ep.Ref()
	fail := func(st Stage, err error) (*Plan, error) { return nil, &Error{Stage: st, Ref: ref, Err: err} }
	if err := ep.Validate(); err != nil {
		return fail(StageEndpoint, fmt.Errorf("endpoint %q: %w", ep.Name, err))
	}
	p := spec.Project
	if p == nil {
		p = &project.Project{}
	}
	var env *project.Environment
	if spec.Environment != "" {
		var err error
		if env, err = p.Environment(spec.Environment); err != nil {
			return nil, err
		}
	}
	scope := secrets.NewScope(p, env, spec.Vars, spec.Getenv, spec.Secrets)
	masked := func(err error) error { return MaskError(redact.New(scope.RedactValues()...), err) }
	plan := &Plan{Ref: ref, Method: ep.Method, URL: ep.FullURL(), Env: spec.Environment}
	if ep.Merge != nil {
		plan.Merge = ep.Merge.Options()
	}
	if !spec.Replay {
		resolved, err := p.Resolve(&ep, scope)
		if err != nil {
			return fail(StageResolve, masked(err))
		}
		if plan.Request, err = resolved.SendRequest(); err != nil {
			return fail(StageRequest, err)
		}
	}
	if _, err := merge.New(plan.Merge); err != nil {
		return fail(StageMerge, fmt.Errorf("endpoint %q: merge: %w", ep.Name, err))
	}
	src, name := "", ep.Script
	if spec.Source != nil {
		src = *spec.Source
	} else if ep.Script != "" && p.Dir != "" {
		var err error
		if src, err = p.ReadScript(&ep); err != nil {
			return fail(StageScript, err)
		}
		name = p.ScriptPath(&ep)
	}
	if strings.TrimSpace(src) != "" {
		if name == "" {
			name = project.Slug(ep.Name) + ".js"
		}
		vars, err := scope.Values()
		if err != nil {
			return fail(StageScript, masked(err))
		}
		prog, err := script.Compile(name, src)
		if err != nil {
			return fail(StageScript, masked(err))
		}
		plan.Script = &Script{Program: prog, Vars: vars, Timeout: spec.ScriptTimeout}
	}
	plan.Redactor = redact.New(scope.RedactValues()...)
	return plan, nil
}

// MaskError masks the secret values red knows in err's text; an error
// without any is returned as it is. The masked error wraps err, so that
// errors.As still finds its type.
func MaskError(red *redact.Redactor, err error) error {
	if msg := red.String(err.Error()); msg != err.Error() {
		return &maskedError{msg: msg, err: err}
	}
	return err
}

type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }
