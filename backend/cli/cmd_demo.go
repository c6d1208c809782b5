package cli

import (
	"fmt"
	"path/filepath"

	"github.com/streamscope/streamscope/backend/appstate"
	"github.com/streamscope/streamscope/backend/demo"
)

const demoUsage = "[DIR]"

func init() {
	Register(Command{
		Name:    "demo",
		Usage:   demoUsage,
		Summary: "write the built-in demo project into DIR (default: the app's copy under the configuration directory) unless it is there already; prints its folder",
		Run:     runDemo,
	})
}

// runDemo materialises the demo project. A folder that already holds it is
// left exactly as it is (the user's edits stay); any other non-empty folder
// is refused with nothing written.
func runDemo(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "demo", demoUsage)
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) > 1 {
		return ExitUsage, UsageError("expected at most one argument DIR, got %d", len(pos))
	}
	var dir string
	if len(pos) == 1 {
		dir = pos[0]
	} else {
		cfg, err := appstate.DefaultDir(env.Var)
		if err != nil {
			return ExitUsage, err
		}
		dir = filepath.Join(cfg, demo.DirName)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	n, err := demo.Write(dir)
	if err != nil {
		return ExitUsage, err
	}
	if n == 0 {
		fmt.Fprintf(env.Stderr, "the demo project is already in %s: left as it is\n", dir)
	} else {
		fmt.Fprintf(env.Stderr, "wrote the demo project (%d files) to %s\n", n, dir)
	}
	fmt.Fprintf(env.Stderr, "try it: start `streamscope mock` (it prints its URL), then\n  streamscope run %q \"OpenAI Chat Completions\" --env demo --var mockBaseUrl=URL\n", dir)
	fmt.Fprintln(env.Stdout, dir)
	return ExitOK, nil
}
