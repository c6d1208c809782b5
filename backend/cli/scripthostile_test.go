package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Hostile scripts and stream data against `merge --script` (issue 17):
// each ends within its limits with exit 1 and one clear error line.
func TestMergeScriptHostile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, script string
		args             []string
		code             int    // 0: ExitFailed
		stderr           string // in the error line
	}{
		{name: "a thrown value whose message getter loops (item 2)", in: "data: x\n\n",
			script: "function onEvent(){throw {get message(){for(;;){}}}}", args: []string{"--script-timeout", "50"},
			stderr: "onEvent (event 1): uncaught exception whose message could not be read: interrupted: the call ran longer than its limit of 50ms"},
		{name: "a thrown value whose toString loops (item 2)", in: "data: x\n\n",
			script: "function onEnd(){throw {toString(){for(;;){}}}}", args: []string{"--script-timeout", "50"},
			stderr: "onEnd: uncaught exception whose message could not be read: interrupted"},
		{name: "8 million nested arrays read as event.json (item 1)", in: "data: " + strings.Repeat("[", 8_000_000) + "\n\n",
			script: "function onEvent(e){e.json}",
			stderr: "hostile.js:1:23: onEvent (event 1): RangeError: event.json: event 1's data nests deeper than 512 levels"},
		{name: "8 million nested arrays through JSON.parse (item 1)", in: "data: " + strings.Repeat("[", 8_000_000) + "\n\n",
			script: "function onEvent(e){JSON.parse(e.data)}",
			stderr: "onEvent (event 1): SyntaxError: JSON.parse: the text nests deeper than 512 levels"},
		{name: "eval of 8 million nested arrays from the stream (item 1)", in: "data: " + strings.Repeat("[", 8_000_000) + "\n\n",
			script: "function onEvent(e){eval(e.data)}",
			stderr: "onEvent (event 1): RangeError: eval: the code has more than 65536 tokens, the sandbox limit"},
		{name: "new RegExp of 8 million nested groups from the stream (item 1)", in: "data: " + strings.Repeat("(", 8_000_000) + "\n\n",
			script: "function onEvent(e){new RegExp(e.data)}",
			stderr: "onEvent (event 1): RangeError: RegExp: pattern length: 8000000 exceeds the sandbox limit of 65536"},
		{name: "a script of 8 million nested parentheses (item 1)", in: "data: x\n\n",
			script: strings.Repeat("(", 8_000_000), code: ExitUsage,
			stderr: "compile: the script has more than 65536 tokens, the sandbox limit"},
		{name: "ctx.state growing by 16 MB an event (item 5)", in: strings.Repeat("data: x\n\n", 40),
			script: "function onEvent(e, ctx) { var k = ctx.state.keep = ctx.state.keep || [], s = 'x'.repeat(8e6); k.push(s + s + e.seq) }",
			args:   []string{"--script-timeout", "20000"},
			stderr: "more heap than when the run started, past the limit of 256 MiB for a run"},
		{name: "an 8 MB error message (item 21)", in: "data: x\n\n",
			script: "function onEnd(){throw new Error('x'.repeat(8e6))}", args: []string{"--script-timeout", "20000"},
			stderr: "onEnd: Error: xxxx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{"merge"}, c.args...), "--script", writeScript(t, "hostile.js", c.script))
			var stdout, stderr bytes.Buffer
			code := make(chan int, 1)
			go func() {
				code <- Main(args, &Env{Stdin: strings.NewReader(c.in), Stdout: &stdout, Stderr: &stderr})
			}()
			select {
			case got := <-code:
				want := c.code
				if want == 0 {
					want = ExitFailed
				}
				if got != want {
					t.Errorf("exit %d, want %d", got, want)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("merge --script still running after 60 s")
			}
			lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "streamscope merge: ") || !strings.Contains(last, "hostile.js") || !strings.Contains(last, c.stderr) {
				t.Errorf("error line %.300q, want it to contain %q", last, c.stderr)
			}
			for _, l := range lines {
				if len(l) > 10<<10 {
					t.Errorf("a stderr line of %d bytes: %.100q", len(l), l)
				}
			}
			if c.code == 0 && !strings.Contains(stdout.String(), `"events": `) {
				t.Errorf("the merged result was not printed: %.300q", stdout.String())
			}
		})
	}
}
