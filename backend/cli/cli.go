package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes shared by every subcommand (CONTRACT.md).
const (
	ExitOK         = 0 // done, every script test passed
	ExitFailed     = 1 // a script test or assertion failed, or the script threw
	ExitUsage      = 2 // usage error, invalid input, transport error, HTTP status >= 400
	ExitIncomplete = 3 // the stream ended cut off or with an error event
)

// Env is what a command may touch of the outside world. Tests pass buffers.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the process environment; nil means os.Getenv.
	Getenv func(string) string
}

// Var returns the named process environment variable through e.Getenv.
func (e *Env) Var(name string) string {
	if e.Getenv != nil {
		return e.Getenv(name)
	}
	return os.Getenv(name)
}

// Command is one subcommand.
type Command struct {
	Name    string // first word, e.g. "parse"; "import curl" for a two-word command
	Usage   string // one line of synopsis after the name, e.g. "[--ndjson] [--chunk N]"
	Summary string // one sentence for the help listing
	// Run executes the command. It returns the exit code; a non-nil error is
	// printed as one line on stderr (an *ExitError carries its own code,
	// any other error means ExitUsage).
	Run func(env *Env, args []string) (int, error)
}

var commands = map[string]Command{}

// Register adds a command; it panics on a duplicate name (a programming error).
func Register(c Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: duplicate command " + c.Name)
	}
	commands[c.Name] = c
}

// ExitError is an error with its own exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Errorf builds an *ExitError with the given code.
func Errorf(code int, format string, a ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, a...)}
}

// UsageError is returned for bad flags or arguments (exit 2).
func UsageError(format string, a ...any) error { return Errorf(ExitUsage, format, a...) }

// Main runs the subcommand named by args[0] and returns the process exit code.
func Main(args []string, env *Env) int {
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	if env.Stdout == nil {
		env.Stdout = os.Stdout
	}
	if env.Stderr == nil {
		env.Stderr = os.Stderr
	}
	// Everything a command writes on stderr (the live timeline, script
	// console lines, the one-line error) goes through one buffered,
	// time-flushed writer: ordered, live, and not a syscall per event.
	// Before it, and before stdout, control characters are escaped
	// (visible.go): what streams and projects hold cannot drive the
	// terminal.
	lw := newLiveWriter(env.Stderr)
	defer lw.Close()
	errOut, out := newVisibleWriter(lw), newVisibleWriter(env.Stdout)
	defer out.Close()
	defer errOut.Close()
	e := *env
	e.Stderr, e.Stdout = errOut, out
	env = &e
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, _, ok := lookup(args[1:]); ok {
				fmt.Fprintf(env.Stdout, "usage: streamscope %s %s\n\n%s\n", c.Name, c.Usage, c.Summary)
				return ExitOK
			}
		}
		printHelp(env.Stdout)
		return ExitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintf(env.Stdout, "streamscope %s\n", Version)
		return ExitOK
	}
	c, rest, ok := lookup(args)
	if !ok {
		fmt.Fprintf(env.Stderr, "streamscope: unknown command %q (run 'streamscope help' for the list)\n", strings.Join(args[:min(len(args), 2)], " "))
		return ExitUsage
	}
	code, err := c.Run(env, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " ")
		fmt.Fprintf(env.Stderr, "streamscope %s: %s\n", c.Name, msg)
		var ee *ExitError
		if errors.As(err, &ee) {
			return ee.Code
		}
		if code == ExitOK {
			return ExitUsage
		}
	}
	return code
}

// lookup finds a one- or two-word command.
func lookup(args []string) (Command, []string, bool) {
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c, args[2:], true
		}
	}
	if c, ok := commands[args[0]]; ok {
		return c, args[1:], true
	}
	return Command{}, nil, false
}

// Version is set at build time with -ldflags "-X .../backend/cli.Version=...".
var Version = "dev"

func printHelp(w io.Writer) {
	fmt.Fprintf(w, "streamscope %s: a desktop and command-line client for streaming APIs (SSE, NDJSON)\n\n", Version)
	fmt.Fprintln(w, "usage: streamscope                 open the desktop app")
	fmt.Fprintln(w, "       streamscope COMMAND [ARGS]  run headless")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].Summary)
	}
	fmt.Fprintln(w, "  help [COMMAND] show this list or one command's usage")
	fmt.Fprintln(w, "  version        print the version")
	fmt.Fprintln(w, "\nexit codes: 0 ok, 1 a script test failed, 2 usage/input/transport error or HTTP >= 400, 3 stream incomplete")
}

// NewFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to env.Stderr.
func NewFlagSet(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: streamscope %s %s\n", name, usage)
	}
	return fs
}

// ParseFlags parses args with fs, allowing flags and positional arguments to
// be interleaved (Go's flag package stops at the first positional). It returns
// the positional arguments. A parse failure becomes a usage error naming the flag.
func ParseFlags(env *Env, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(env.Stdout)
				fmt.Fprintf(env.Stdout, "usage: streamscope %s\n", fs.Name())
				fs.PrintDefaults()
				return nil, flag.ErrHelp
			}
			return nil, UsageError("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
