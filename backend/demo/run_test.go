package demo_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/cli"
	"github.com/streamscope/streamscope/backend/mockllm"
	"github.com/streamscope/streamscope/backend/project"
)

// runOutput is the part of `streamscope run --json` the demo checks.
type runOutput struct {
	Format    string  `json:"format"`
	Content   string  `json:"content"`
	Reasoning string  `json:"reasoning"`
	Finish    *string `json:"finish_reason"`
	ToolCalls []struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"tool_calls"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
	Complete bool `json:"complete"`
	Events   int  `json:"events"`
	Status   int  `json:"status"`
	Tests    []struct {
		Name   string `json:"name"`
		Passed bool   `json:"passed"`
	} `json:"tests"`
}

// demoRun is what one demo endpoint is meant to do with --env demo.
type demoRun struct {
	code      int
	format    string
	finish    string // the provider's stop value; "" for none
	reasoning bool   // the merge has reasoning
	tool      string // the merge has this tool call
	complete  bool
	failed    []string // script tests that fail
	stderr    string   // a line the run prints on stderr
	replay    string   // run the recording instead of sending
}

// The exit code and merge of every demo endpoint. A new endpoint must be
// added here (TestEveryEndpointRuns fails otherwise).
var demoRuns = map[string]demoRun{
	"providers/OpenAI Chat Completions":                {code: cli.ExitOK, format: "openai-chat", finish: "stop", complete: true},
	"providers/OpenAI Responses":                       {code: cli.ExitOK, format: "openai-responses", finish: "completed", complete: true},
	"providers/Anthropic Messages":                     {code: cli.ExitOK, format: "anthropic", finish: "end_turn", complete: true},
	"providers/Gemini streamGenerateContent":           {code: cli.ExitOK, format: "gemini", finish: "STOP", complete: true},
	"providers/Ollama chat (NDJSON)":                   {code: cli.ExitOK, format: "ollama", finish: "stop", complete: true},
	"providers/Amazon Bedrock ConverseStream (SigV4)":  {code: cli.ExitOK, format: "bedrock-converse", finish: "end_turn", complete: true},
	"providers/Amazon Bedrock InvokeModel (Anthropic)": {code: cli.ExitOK, format: "anthropic", finish: "end_turn", reasoning: true, complete: true},

	"reasoning/DeepSeek reasoner":                  {code: cli.ExitOK, format: "openai-chat", finish: "stop", reasoning: true, complete: true},
	"reasoning/Anthropic extended thinking":        {code: cli.ExitOK, format: "anthropic", finish: "end_turn", reasoning: true, complete: true},
	"reasoning/OpenAI Responses reasoning summary": {code: cli.ExitOK, format: "openai-responses", finish: "completed", reasoning: true, complete: true},
	"reasoning/Gemini thoughts":                    {code: cli.ExitOK, format: "gemini", finish: "STOP", reasoning: true, complete: true},
	"reasoning/Ollama thinking":                    {code: cli.ExitOK, format: "ollama", finish: "stop", reasoning: true, complete: true},
	"tools/OpenAI tool call":                       {code: cli.ExitOK, format: "openai-chat", finish: "tool_calls", tool: "get_weather", complete: true},
	"tools/Anthropic tool use":                     {code: cli.ExitOK, format: "anthropic", finish: "tool_use", tool: "get_weather", complete: true},
	"tools/Gemini function call":                   {code: cli.ExitOK, format: "gemini", finish: "STOP", tool: "get_weather", complete: true},
	"tools/Ollama tool call":                       {code: cli.ExitOK, format: "ollama", finish: "stop", tool: "get_weather", complete: true},
	"tools/Cohere v1 tool call":                    {code: cli.ExitOK, format: "cohere-v1", finish: "COMPLETE", tool: "get_weather", complete: true},
	"faults/Split packets":                         {code: cli.ExitOK, format: "openai-chat", finish: "stop", complete: true},
	"faults/Heartbeat comments":                    {code: cli.ExitOK, format: "anthropic", finish: "end_turn", complete: true},
	"faults/Mid-stream error":                      {code: cli.ExitIncomplete, format: "anthropic", stderr: "overloaded_error"},
	"faults/Cut-off stream":                        {code: cli.ExitIncomplete, format: "openai-chat", stderr: "connection closed before the end"},
	"faults/Slow first token":                      {code: cli.ExitOK, format: "openai-chat", finish: "stop", complete: true},
	"faults/Gzip-compressed stream":                {code: cli.ExitOK, format: "gemini", finish: "STOP", complete: true},
	"faults/Rate limited (429)":                    {code: cli.ExitUsage, stderr: "retry    HTTP 429: attempt 2"},
	"rules/Custom JSON format (recorded)":          {code: cli.ExitOK, format: "jsonpath", finish: "finished", reasoning: true, complete: true, replay: "custom-json-format"},
	"rules/JSONPath rules on Ollama NDJSON":        {code: cli.ExitOK, format: "jsonpath", finish: "stop", reasoning: true, complete: true},
	"scripts/Plain-text tokens (recorded)":         {code: cli.ExitOK, format: "script", finish: "stop", complete: true, replay: "plain-text-tokens"},
	"scripts/Custom delimiter (recorded)":          {code: cli.ExitOK, format: "script", finish: "stop", complete: true, replay: "custom-delimiter"},
	"scripts/Think tags in the answer":             {code: cli.ExitOK, format: "script", finish: "stop", reasoning: true, complete: true},
	"scripts/TTFT and stop-reason tests":           {code: cli.ExitOK, format: "anthropic", finish: "end_turn", complete: true, stderr: "PASS  first token within 2000 ms"},
	"scripts/TTFT test on a slow first token":      {code: cli.ExitFailed, format: "openai-chat", finish: "stop", complete: true, failed: []string{"first token within 2000 ms"}},
	"self-hosted/Hugging Face TGI generate_stream": {code: cli.ExitOK, format: "tgi", finish: "eos_token", complete: true},
	"self-hosted/llama.cpp completion":             {code: cli.ExitOK, format: "llama-cpp", finish: "eos", complete: true},
	"self-hosted/Cohere v1 chat (NDJSON)":          {code: cli.ExitOK, format: "cohere-v1", finish: "COMPLETE", complete: true},
}

// runCLI runs `streamscope args...` in-process with no process environment
// but a private configuration directory.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cfg := t.TempDir()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return cfg
		}
		return ""
	}}
	code := cli.Main(args, env)
	return code, out.String(), errb.String()
}

func TestEveryEndpointRuns(t *testing.T) {
	t.Parallel()
	dir := install(t)
	p := load(t, dir)
	srv := httptest.NewServer(mockllm.New(mockllm.Options{Unpaced: true}))
	t.Cleanup(srv.Close)

	seen := map[string]bool{}
	for _, ep := range p.Endpoints {
		seen[ep.Ref()] = true
		want, ok := demoRuns[ep.Ref()]
		if !ok {
			t.Errorf("endpoint %q has no expected run in demoRuns", ep.Ref())
			continue
		}
		t.Run(ep.Ref(), func(t *testing.T) {
			t.Parallel()
			args := []string{"run", dir, ep.Ref(), "--env", "demo", "--var", "mockBaseUrl=" + srv.URL, "--json"}
			if want.replay != "" {
				args = append(args, "--replay", want.replay)
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != want.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", code, want.code, stderr)
			}
			if want.stderr != "" && !strings.Contains(stderr, want.stderr) {
				t.Errorf("stderr lacks %q:\n%s", want.stderr, stderr)
			}
			var out runOutput
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("stdout is not the run's JSON: %v\n%s", err, stdout)
			}
			if want.code == cli.ExitUsage {
				// The refused answer is shown as it came, with its status.
				if out.Status != 429 || out.Events != 0 || !strings.Contains(out.Content, "rate_limit_exceeded") {
					t.Errorf("status %d, %d events, body %q", out.Status, out.Events, out.Content)
				}
				return
			}
			checkRun(t, want, out)
		})
	}
	for ref := range demoRuns {
		if !seen[ref] {
			t.Errorf("demoRuns has %q, which the demo project does not", ref)
		}
	}
}

func checkRun(t *testing.T, want demoRun, out runOutput) {
	t.Helper()
	if out.Status != 200 || out.Format != want.format || out.Complete != want.complete || out.Events == 0 {
		t.Errorf("status %d, format %q, complete %v, %d events; want 200, %q, %v", out.Status, out.Format, out.Complete, out.Events, want.format, want.complete)
	}
	if want.tool == "" && out.Content == "" {
		t.Error("no content")
	}
	if got := deref(out.Finish); got != want.finish {
		t.Errorf("finish_reason %q, want %q", got, want.finish)
	}
	if (out.Reasoning != "") != want.reasoning {
		t.Errorf("reasoning %q, want some: %v", out.Reasoning, want.reasoning)
	}
	if want.tool != "" {
		if len(out.ToolCalls) != 1 || out.ToolCalls[0].Name != want.tool || !json.Valid([]byte(out.ToolCalls[0].Arguments)) ||
			!strings.Contains(out.ToolCalls[0].Arguments, `"city":"Paris"`) {
			t.Errorf("tool calls %+v, want one %s for Paris", out.ToolCalls, want.tool)
		}
	} else if len(out.ToolCalls) != 0 {
		t.Errorf("unexpected tool calls %+v", out.ToolCalls)
	}
	if want.complete != (out.Error == nil) && want.code != cli.ExitIncomplete {
		t.Errorf("error %+v", out.Error)
	}
	var failed []string
	for _, tc := range out.Tests {
		if !tc.Passed {
			failed = append(failed, tc.Name)
		}
	}
	if strings.Join(failed, "|") != strings.Join(want.failed, "|") {
		t.Errorf("failed tests %v, want %v (tests %+v)", failed, want.failed, out.Tests)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// What the demo shows beyond the exit codes: the think-tags script moves the
// tagged text to the reasoning, the scripts rebuild the recorded answers,
// and the JSONPath rules merge exactly what the built-in Ollama merger does.
func TestDemoMergesShowWhatTheySay(t *testing.T) {
	t.Parallel()
	dir := install(t)
	srv := httptest.NewServer(mockllm.New(mockllm.Options{Unpaced: true}))
	t.Cleanup(srv.Close)
	run := func(ref string, extra ...string) runOutput {
		t.Helper()
		args := append([]string{"run", dir, ref, "--env", "demo", "--var", "mockBaseUrl=" + srv.URL, "--json"}, extra...)
		code, stdout, stderr := runCLI(t, args...)
		var out runOutput
		if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != cli.ExitOK {
			t.Fatalf("%s: exit %d, %v\n%s", ref, code, err, stderr)
		}
		return out
	}
	think := run("Think tags in the answer")
	if think.Reasoning != "The user wants a greeting." || strings.Contains(think.Content, "think>") || !strings.Contains(think.Content, "Hello!") {
		t.Errorf("think tags: reasoning %q, content %q", think.Reasoning, think.Content)
	}
	if got := run("Plain-text tokens (recorded)", "--replay", "plain-text-tokens").Content; got != "Plain-text streams send each token as bare event data — no JSON around it, so a script puts the answer together ✓" {
		t.Errorf("plain text: %q", got)
	}
	if got := run("Custom delimiter (recorded)", "--replay", "custom-delimiter").Content; got != "Records arrive between delimiters, cut anywhere — even mid-record." {
		t.Errorf("custom delimiter: %q", got)
	}
	custom := run("Custom JSON format (recorded)", "--replay", "custom-json-format")
	if custom.Reasoning != "A JSONPath rule picks one value out of each event." || !strings.HasPrefix(custom.Content, "A JSONPath rule such as $.output.text selects") {
		t.Errorf("custom JSON format: %+v", custom)
	}
	// The rules endpoint sends the same request as "Ollama thinking" but for
	// the prompt; compared with the mock's own prediction.
	rules := run("JSONPath rules on Ollama NDJSON")
	p := load(t, dir)
	ep, err := p.Endpoint("JSONPath rules on Ollama NDJSON")
	if err != nil {
		t.Fatal(err)
	}
	demoEnv, err := p.Environment("demo")
	if err != nil {
		t.Fatal(err)
	}
	req, err := p.Resolve(ep, &project.Scope{Env: demoEnv, Overrides: map[string]string{"mockBaseUrl": srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	ans, err := mockllm.Predict("/api/chat", req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if c := ans.Choices[0]; rules.Content != c.Content || rules.Reasoning != c.Reasoning {
		t.Errorf("rules merged %q / %q, the mock sent %q / %q", rules.Content, rules.Reasoning, c.Content, c.Reasoning)
	}
}

// The recorded endpoints cannot be sent in the demo: that is said by name,
// before anything goes out.
func TestRecordedEndpointsNeedTheirServer(t *testing.T) {
	t.Parallel()
	dir := install(t)
	for ref, want := range demoRuns {
		if want.replay == "" {
			continue
		}
		code, stdout, stderr := runCLI(t, "run", dir, ref, "--env", "demo", "--var", "mockBaseUrl=http://127.0.0.1:9")
		if code != cli.ExitUsage || stdout != "" || !strings.Contains(stderr, "unresolved variable(s): customServerUrl") {
			t.Errorf("%s: exit %d\n%s", ref, code, stderr)
		}
	}
	// Without --var mockBaseUrl the demo environment says what is missing.
	code, _, stderr := runCLI(t, "run", dir, "OpenAI Chat Completions", "--env", "demo")
	if code != cli.ExitUsage || !strings.Contains(stderr, "mockBaseUrl") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
