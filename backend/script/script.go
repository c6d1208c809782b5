package script

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// DefaultTimeout is the time limit of one script call (CONTRACT.md).
const DefaultTimeout = 1000 * time.Millisecond

// RegexpMatchTimeout bounds one regular-expression match run by goja's
// backtracking engine (regexp2), process-wide; see the package doc.
const RegexpMatchTimeout = 5 * time.Second

func init() {
	if regexp2.DefaultMatchTimeout == time.Duration(math.MaxInt64) {
		regexp2.DefaultMatchTimeout = RegexpMatchTimeout
	}
}

// Limits are a run's sandbox limits. A zero field takes its default.
type Limits struct {
	// MaxOutput caps the bytes ctx.append and ctx.appendReasoning may add in
	// one run (default 64 MiB).
	MaxOutput int
	// MaxLog caps the bytes of console output kept for one run (default 4 MiB).
	MaxLog int
	// MaxMemory caps how far the heap may grow during one call before the
	// call is interrupted (default 128 MiB).
	MaxMemory int64
	// MaxRunMemory caps how much more heap the process keeps live than
	// when the run started, less the result's text: what the script keeps
	// across calls (ctx.state, globals, closures). Past it, the call is
	// interrupted, or fails as it returns (default 256 MiB).
	MaxRunMemory int64
	// MaxStringLength caps the length, in UTF-16 code units, of a string
	// built in one step by a guarded built-in (default 8 Mi).
	MaxStringLength int
	// MaxArrayLength caps the length of an array (or array-like) a guarded
	// built-in works on or builds, and of a string split or matched into
	// pieces (default 8 Mi).
	MaxArrayLength int
	// MaxCallStack caps the call depth (default 1000).
	MaxCallStack int
	// Grace is how long a call may keep running after it was interrupted
	// before the run is abandoned (default 1 s).
	Grace time.Duration
	// MaxMessage caps, in bytes, each piece of text the script makes that
	// is shown as one line: an error message, a console message, a pm.test
	// name or failure message, a ctx.fail message, a finish reason, a tool
	// call's id or name (default 8 KiB). Longer text is cut at a character
	// boundary and ends with how long it was.
	MaxMessage int
}

func (l Limits) withDefaults() Limits {
	if l.MaxOutput <= 0 {
		l.MaxOutput = 64 << 20
	}
	if l.MaxLog <= 0 {
		l.MaxLog = 4 << 20
	}
	if l.MaxMemory <= 0 {
		l.MaxMemory = 128 << 20
	}
	if l.MaxRunMemory <= 0 {
		l.MaxRunMemory = 256 << 20
	}
	if l.MaxStringLength <= 0 {
		l.MaxStringLength = 8 << 20
	}
	if l.MaxArrayLength <= 0 {
		l.MaxArrayLength = 8 << 20
	}
	if l.MaxCallStack <= 0 {
		l.MaxCallStack = 1000
	}
	if l.Grace <= 0 {
		l.Grace = time.Second
	}
	if l.MaxMessage <= 0 {
		l.MaxMessage = 8 << 10
	}
	return l
}

// VarStore is the active environment's variables (ctx.vars, pm.environment).
type VarStore interface {
	Get(name string) (value string, ok bool)
	Set(name, value string) error
}

// MapVars is a VarStore kept in memory.
type MapVars map[string]string

// Get returns the named variable.
func (m MapVars) Get(name string) (string, bool) { v, ok := m[name]; return v, ok }

// Set sets the named variable.
func (m MapVars) Set(name, value string) error { m[name] = value; return nil }

// ResponseInfo is what pm.response shows of the HTTP response.
type ResponseInfo struct {
	Code    int
	Headers http.Header
	// Body returns the response body received so far (pm.response.text()).
	// Nil means an empty body.
	Body func() string
}

// RunOptions configures one run.
type RunOptions struct {
	// Timeout is the time limit of one call (default DefaultTimeout).
	Timeout time.Duration
	// Vars is the active environment (nil: an empty in-memory one).
	Vars     VarStore
	Response ResponseInfo
	Limits   Limits
}

// Event is one stream event as a script sees it.
type Event struct {
	Seq    int     // counts from 1
	Type   string  // event type after defaulting
	Data   string  // data buffer
	ID     string  // last event id in effect
	TimeMS float64 // milliseconds since the request was sent
}

// TestResult is the outcome of one pm.test.
type TestResult struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	Message string `json:"message"`
	// EventSeq is the event whose onEvent call ran the test; 0 for top-level
	// code and onEnd.
	EventSeq int `json:"event_seq,omitempty"`
}

// LogEntry is one console call.
type LogEntry struct {
	Level   string `json:"level"` // log, info, warn, error
	Message string `json:"message"`
	// EventSeq is the event whose onEvent call logged it; 0 for top-level
	// code and onEnd.
	EventSeq int `json:"event_seq,omitempty"`
}

// ErrorKind classifies a script error.
type ErrorKind string

// Error kinds.
const (
	KindSyntax    ErrorKind = "syntax"    // the script does not compile
	KindThrown    ErrorKind = "thrown"    // an uncaught exception
	KindTimeout   ErrorKind = "timeout"   // a call ran past its time limit
	KindMemory    ErrorKind = "memory"    // a call grew the heap past MaxMemory
	KindStack     ErrorKind = "stack"     // the call stack grew past MaxCallStack
	KindAbandoned ErrorKind = "abandoned" // a call did not stop after being interrupted
)

// Error is a script failure, with the place in the script it happened.
type Error struct {
	Kind    ErrorKind
	File    string
	Line    int // 1-based; 0 when unknown
	Column  int // 1-based; 0 when unknown
	Phase   string
	Seq     int // the event being handled, 0 outside onEvent
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Phase != "" {
		b.WriteString(e.Phase)
		if e.Seq > 0 {
			fmt.Fprintf(&b, " (event %d)", e.Seq)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Program is a compiled script, safe to run any number of times, also
// concurrently.
type Program struct {
	file string
	prg  *goja.Program
}

// Compile compiles a script. A syntax error is an *Error with the line and
// column at fault; a script of more than MaxCodeTokens tokens is refused.
func Compile(filename, source string) (*Program, error) {
	if n := codeUnits(source, MaxCodeTokens); n > MaxCodeTokens {
		return nil, &Error{Kind: KindSyntax, File: filename, Phase: "compile",
			Message: fmt.Sprintf("the script has more than %d tokens, the sandbox limit (nesting that deep could exhaust the parser's stack)", MaxCodeTokens)}
	}
	ast, err := parser.ParseFile(nil, filename, source, 0)
	if err != nil {
		e := &Error{Kind: KindSyntax, File: filename, Phase: "compile", Message: "SyntaxError: " + err.Error()}
		var list parser.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			e.Line, e.Column = list[0].Position.Line, list[0].Position.Column
			e.Message = "SyntaxError: " + list[0].Message
		}
		e.Message = clip(e.Message, Limits{}.withDefaults().MaxMessage)
		return nil, e
	}
	prg, err := goja.CompileAST(ast, false)
	if err != nil {
		e := &Error{Kind: KindSyntax, File: filename, Phase: "compile", Message: err.Error()}
		var se *goja.CompilerSyntaxError
		if errors.As(err, &se) {
			e.Message = "SyntaxError: " + se.Message
			if se.File != nil {
				p := se.File.Position(se.Offset)
				e.Line, e.Column = p.Line, p.Column
			}
		}
		return nil, e
	}
	return &Program{file: filename, prg: prg}, nil
}

// clip cuts s to at most max bytes at a UTF-8 character boundary, saying
// how long it was.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	tail := fmt.Sprintf("… [cut: %d bytes in all]", len(s))
	n := max - len(tail)
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + tail
}

// File is the script's file name, as given to Compile.
func (p *Program) File() string { return p.file }
