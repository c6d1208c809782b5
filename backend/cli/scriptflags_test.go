package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeScript writes src to a .js file in a fresh directory.
func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMergeScript(t *testing.T) {
	t.Parallel()
	plain := "data: Hel\n\ndata: lo\n\ndata: [DONE]\n\n"
	plainText, err := os.ReadFile("../script/examples/plain-text.js")
	if err != nil {
		t.Fatal(err)
	}
	streamTests, err := os.ReadFile("../script/examples/stream-tests.js")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		in      string
		script  string // file content; "" for none written
		args    []string
		code    int
		stdout  map[string]string // JSON fields of the result; nil: stdout must be empty
		stderr  []string          // lines that must appear, in order
		noStder bool
	}{
		{name: "plain text example implies --format script", in: plain, script: string(plainText), code: ExitOK,
			stdout:  map[string]string{"format": `"script"`, "content": `"Hello"`, "finish_reason": `"stop"`, "complete": "true", "events": "3"},
			noStder: true},
		{name: "after the built-in merge, tests pass", in: chatBody, script: string(streamTests), args: []string{"--format", "openai-chat"}, code: ExitOK,
			stdout: map[string]string{"format": `"openai-chat"`, "content": `"Hello"`},
			stderr: []string{"console.info: time to first token: ", "PASS  first token within 2000 ms", "PASS  the stream completed", "PASS  stopped normally"}},
		{name: "a JSONPath rule keeps its format", in: "data: {\"t\":\"a\"}\n\n", script: "function onEnd(ctx) { ctx.append('!') }",
			args: []string{"--content", "$.t"}, code: ExitOK, stdout: map[string]string{"format": `"jsonpath"`, "content": `"a!"`}},
		{name: "a failed test exits 1, result printed", in: plain, code: ExitFailed,
			script: "function onEvent(e, ctx) { ctx.append(e.data) }\nfunction onEnd(ctx) {\n pm.test('short', function () { pm.expect(ctx.result.content).to.have.lengthOf(2) });\n pm.test('ok', function () {});\n}",
			stdout: map[string]string{"content": `"Hello[DONE]"`},
			stderr: []string{"FAIL  short: AssertionError: expected 'Hello[DONE]' to have a length of 2 but got 11", "PASS  ok", "streamscope merge: 1 of 2 tests failed"}},
		{name: "a throw exits 1 with file, line and column", in: plain, code: ExitFailed,
			script: "function onEvent(e, ctx) {\n  ctx.append(e.data);\n  if (e.seq === 2) e.data.nope();\n}",
			stdout: map[string]string{"content": `"Hello"`, "events": "3", "complete": "true"},
			stderr: []string{"streamscope merge: script error: ", ".js:3:31: onEvent (event 2): TypeError: Object has no member 'nope'"}},
		{name: "an endless loop is interrupted, the stream is kept", in: plain, code: ExitFailed,
			script: "function onEvent(e, ctx) {\n  ctx.append(e.data);\n  while (e.seq === 2) {}\n}", args: []string{"--script-timeout", "30"},
			stdout: map[string]string{"content": `"Hello"`, "events": "3"},
			stderr: []string{".js:3:", "onEvent (event 2): interrupted: the call ran longer than its limit of 30ms"}},
		{name: "top-level error", in: plain, code: ExitFailed, script: "throw new Error('no')",
			stdout: map[string]string{"format": `"script"`, "content": `""`, "events": "3"},
			stderr: []string{".js:1:7: load: Error: no"}},
		{name: "incomplete stream exits 3 even when tests pass", in: "data: Hel\n\n", code: ExitIncomplete, args: []string{"--format", "openai-chat"},
			script: "pm.test('fine', function () {})", stdout: map[string]string{"complete": "false"},
			stderr: []string{"PASS  fine", "stream incomplete"}},
		{name: "syntax error is a usage error", in: plain, code: ExitUsage, script: "function onEvent(e, ctx) {\n  ctx.append(;\n}",
			stderr: []string{"streamscope merge: ", ".js:2:14: compile: SyntaxError: Unexpected token ;"}},
		{name: "bad timeout", in: plain, code: ExitUsage, script: "", args: []string{"--script-timeout", "0"},
			stderr: []string{"--script-timeout: must be a positive number of milliseconds, got 0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"merge"}, c.args...)
			if c.script != "" || c.name != "bad timeout" {
				args = append(args, "--script", writeScript(t, "post.js", c.script))
			}
			var stdout, stderr bytes.Buffer
			code := Main(args, &Env{Stdin: strings.NewReader(c.in), Stdout: &stdout, Stderr: &stderr})
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, stderr.String())
			}
			if c.stdout == nil {
				if stdout.Len() != 0 {
					t.Errorf("stdout = %q, want nothing", stdout.String())
				}
			} else {
				var got map[string]json.RawMessage
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout.String())
				}
				for k, want := range c.stdout {
					var compact bytes.Buffer
					_ = json.Compact(&compact, got[k])
					if compact.String() != want {
						t.Errorf("%s = %s, want %s", k, compact.String(), want)
					}
				}
			}
			if c.noStder && stderr.Len() != 0 {
				t.Errorf("stderr = %q, want nothing", stderr.String())
			}
			rest := stderr.String()
			for _, want := range c.stderr {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Errorf("stderr lacks %q (in order); stderr:\n%s", want, stderr.String())
					break
				}
				rest = rest[i+len(want):]
			}
		})
	}
}

func TestMergeScriptMissingFile(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := Main([]string{"merge", "--script", filepath.Join(t.TempDir(), "nope.js")}, &Env{Stdin: strings.NewReader("data: x\n\n"), Stdout: &stdout, Stderr: &stderr})
	if code != ExitUsage || stdout.Len() != 0 || !strings.Contains(stderr.String(), "--script: open ") || !strings.Contains(stderr.String(), "nope.js") {
		t.Errorf("exit %d stdout %q stderr %q", code, stdout.String(), stderr.String())
	}
}

// pm.response.text() sees the raw body read so far.
func TestMergeScriptSeesBody(t *testing.T) {
	t.Parallel()
	p := writeScript(t, "body.js", "function onEnd(ctx) { ctx.append(JSON.stringify([pm.response.code, pm.response.text()])) }")
	var stdout, stderr bytes.Buffer
	code := Main([]string{"merge", "--script", p}, &Env{Stdin: strings.NewReader("data: a\n\n"), Stdout: &stdout, Stderr: &stderr})
	var res struct{ Content string }
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || code != ExitOK || res.Content != `[0,"data: a\n\n"]` {
		t.Errorf("exit %d content %q err %v stderr %s", code, res.Content, err, stderr.String())
	}
}
