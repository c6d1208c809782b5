package cli

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/mockllm"
	"github.com/streamscope/streamscope/backend/project"
)

// seenRequests wraps the mock LLM server and keeps what each request carried.
type seenRequests struct {
	mu   sync.Mutex
	reqs []*http.Request
	body []string
}

func (s *seenRequests) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

func (s *seenRequests) last() (*http.Request, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs[len(s.reqs)-1], s.body[len(s.body)-1]
}

// runFixture is a project whose endpoints point at a real local mock server.
type runFixture struct {
	dir  string
	cfg  string // XDG_CONFIG_HOME
	base string
	seen *seenRequests
}

const runSecret = "sk-run-secret-4b3c2d1e"

func newRunFixture(t *testing.T) *runFixture {
	t.Helper()
	seen := &seenRequests{}
	mock := mockllm.New(mockllm.Options{Unpaced: true})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(strings.Builder)
		if r.Body != nil {
			buf := make([]byte, 4096)
			for {
				n, err := r.Body.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
		}
		seen.mu.Lock()
		seen.reqs = append(seen.reqs, r)
		seen.body = append(seen.body, b.String())
		seen.mu.Unlock()
		if r.URL.Path == "/echo-key" {
			// A server that repeats the credential in its error body.
			http.Error(w, "invalid key "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), http.StatusUnauthorized)
			return
		}
		r.Body = readCloser{strings.NewReader(b.String())}
		mock.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	f := &runFixture{dir: filepath.Join(t.TempDir(), "proj"), cfg: t.TempDir(), base: srv.URL, seen: seen}
	p, err := project.Create(f.dir, "Run test")
	if err != nil {
		t.Fatal(err)
	}
	chat := `{"model": "{{model}}", "stream": true, "messages": [{"role": "user", "content": "Say hi"}]}`
	endpoints := []*project.Endpoint{
		{Name: "Chat", Method: "POST", URL: "{{base_url}}/v1/chat/completions",
			Headers: []project.KV{{Name: "Accept", Value: "text/event-stream"}},
			Auth:    &project.Auth{Type: project.AuthBearer, Token: "{{api_key}}"},
			Body:    &project.Body{Type: project.BodyJSON, Text: chat}},
		{Name: "Chat dropped", Method: "POST", URL: "{{base_url}}/v1/chat/completions",
			Headers: []project.KV{{Name: "X-Mock-Fault", Value: "drop"}},
			Body:    &project.Body{Type: project.BodyJSON, Text: chat}},
		{Name: "Rate limited", Method: "POST", URL: "{{base_url}}/v1/chat/completions",
			Headers: []project.KV{{Name: "X-Mock-Fault", Value: "429"}},
			Body:    &project.Body{Type: project.BodyJSON, Text: chat}},
		{Name: "Chat by JSONPath", Method: "POST", URL: "{{base_url}}/v1/chat/completions",
			Body:  &project.Body{Type: project.BodyJSON, Text: chat},
			Merge: &project.MergeSettings{Content: "$.choices[0].delta.content", Stop: "$.choices[0].finish_reason"}},
		{Name: "Forced anthropic", Method: "POST", URL: "{{base_url}}/v1/chat/completions",
			Body:  &project.Body{Type: project.BodyJSON, Text: chat},
			Merge: &project.MergeSettings{Format: "anthropic"}},
		{Name: "Ollama", Method: "POST", URL: "{{base_url}}/api/chat", Stream: "ndjson",
			Body: &project.Body{Type: project.BodyJSON, Text: `{"model": "llama3", "messages": [{"role": "user", "content": "hi"}]}`}},
		{Name: "Echo key", Method: "GET", URL: "{{base_url}}/echo-key", Auth: &project.Auth{Type: project.AuthBearer, Token: "{{api_key}}"}},
		{Name: "Needs vars", Method: "POST", URL: "{{base_url}}/v1/chat/completions?user={{user_id}}",
			Body: &project.Body{Type: project.BodyJSON, Text: `{"model": "{{other_model}}"}`}},
	}
	for _, e := range endpoints {
		if err := p.SaveEndpoint(e); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"XDG_CONFIG_HOME": f.cfg}
	for _, args := range [][]string{
		{"env", "set", f.dir, "local", "base_url", srv.URL},
		{"env", "set", f.dir, "local", "model", "gpt-4o"},
		{"env", "set", f.dir, "local", "api_key", runSecret, "--secret"},
	} {
		if code, _, errs := cliRun(t, vars, "", args...); code != ExitOK {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	return f
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func (f *runFixture) run(t *testing.T, procEnv map[string]string, args ...string) (int, string, string) {
	t.Helper()
	vars := map[string]string{"XDG_CONFIG_HOME": f.cfg, "COLUMNS": "100"}
	for k, v := range procEnv {
		vars[k] = v
	}
	return cliRun(t, vars, "", append([]string{"run", f.dir}, args...)...)
}

func TestRunEndToEnd(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t)
	want, err := mockllm.Predict("/v1/chat/completions", []byte(`{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Say hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	content := want.Choices[0].Content

	// Plain output: the merged text on stdout, the timeline on stderr.
	code, stdout, stderr := f.run(t, nil, "Chat", "--env", "local")
	if code != ExitOK || stdout != content+"\n" {
		t.Fatalf("run: %d %q\n%s", code, stdout, stderr)
	}
	for _, s := range []string{"request  POST " + f.base + "/v1/chat/completions", "response 200 OK", "message  [DONE]", "200 openai-chat, complete (stop)"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	r, body := f.seen.last()
	if r.Header.Get("Authorization") != "Bearer "+runSecret || r.Header.Get("Content-Type") != "application/json" || !strings.Contains(body, `"model": "gpt-4o"`) {
		t.Fatalf("request sent: %v %q", r.Header, body)
	}
	if strings.Contains(stdout+stderr, runSecret) {
		t.Fatal("the secret was printed")
	}

	// --json: the merge object plus status, timing, tests.
	code, stdout, _ = f.run(t, nil, "Chat", "--env", "local", "--json")
	var out struct {
		Format   string         `json:"format"`
		Content  string         `json:"content"`
		Complete bool           `json:"complete"`
		Status   int            `json:"status"`
		Timing   map[string]any `json:"timing"`
		Tests    []any          `json:"tests"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != ExitOK {
		t.Fatalf("--json: %d %v\n%s", code, err, stdout)
	}
	if out.Format != "openai-chat" || out.Content != content || !out.Complete || out.Status != 200 || out.Timing["ttfb_ms"] == nil || out.Tests == nil {
		t.Fatalf("--json object %+v", out)
	}

	// --var wins over the environment, which wins over the process environment.
	code, _, stderr = f.run(t, map[string]string{"model": "from-process", "base_url": "http://127.0.0.1:1"}, "Chat", "--env", "local", "--var", "model=gpt-4o-mini")
	if _, body := f.seen.last(); code != ExitOK || !strings.Contains(body, `"model": "gpt-4o-mini"`) {
		t.Fatalf("--var: %d %q\n%s", code, body, stderr)
	}
	code, _, stderr = f.run(t, map[string]string{"base_url": f.base, "api_key": "k", "model": "proc-model", project.AllowEnvVar: "base_url,api_key,model"}, "Chat")
	if _, body := f.seen.last(); code != ExitOK || !strings.Contains(body, `"model": "proc-model"`) {
		t.Fatalf("process environment: %d %q\n%s", code, body, stderr)
	}
	// Not listed in STREAMSCOPE_ALLOW_ENV: not read, and the error says how.
	code, _, stderr = f.run(t, map[string]string{"base_url": f.base, "api_key": "k", "model": "proc-model", project.AllowEnvVar: "base_url,model"}, "Chat")
	if code != ExitUsage || !strings.Contains(stderr, "api_key (set in the process environment, which a project reads only when allowed: write {{$env.api_key}} and list api_key in STREAMSCOPE_ALLOW_ENV)") {
		t.Fatalf("a process variable not allowed: %d\n%s", code, stderr)
	}

	// JSONPath rules of the endpoint.
	code, stdout, stderr = f.run(t, nil, "Chat by JSONPath", "--env", "local", "--json")
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != ExitOK || out.Format != "jsonpath" || out.Content != content {
		t.Fatalf("jsonpath: %d %+v\n%s", code, out, stderr)
	}

	// A forced format is used whatever the events look like: an OpenAI
	// stream read as Anthropic never reaches message_stop.
	code, stdout, _ = f.run(t, nil, "Forced anthropic", "--env", "local", "--json")
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != ExitIncomplete || out.Format != "anthropic" || out.Complete {
		t.Fatalf("forced format: %d %+v %v", code, out, err)
	}

	// NDJSON.
	ollama, err := mockllm.Predict("/api/chat", []byte(`{"model":"llama3","messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = f.run(t, nil, "Ollama", "--env", "local")
	if code != ExitOK || stdout != ollama.Choices[0].Content+"\n" || !strings.Contains(stderr, "read as ndjson") {
		t.Fatalf("ollama: %d %q\n%s", code, stdout, stderr)
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t)
	before := f.seen.count()

	// Unresolved variables are named, nothing is sent.
	code, stdout, stderr := f.run(t, nil, "Needs vars", "--env", "local")
	if code != ExitUsage || stdout != "" || !strings.Contains(stderr, "unresolved variable(s): other_model, user_id") {
		t.Fatalf("unresolved: %d %q", code, stderr)
	}
	if f.seen.count() != before {
		t.Fatal("a request with unresolved variables was sent")
	}
	// A secret with no stored value on this machine.
	code, _, stderr = cliRun(t, map[string]string{"XDG_CONFIG_HOME": t.TempDir()}, "", "run", f.dir, "Chat", "--env", "local")
	if code != ExitUsage || !strings.Contains(stderr, "api_key (secret with no value stored on this machine)") {
		t.Fatalf("missing secret: %d %q", code, stderr)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"Nope"}, `no endpoint "Nope"`},
		{[]string{"Chat", "--env", "prod"}, `no environment "prod"`},
		{[]string{"Chat", "--var", "novalue"}, "want NAME=VALUE"},
		{[]string{}, "expected DIR ENDPOINT"},
		{[]string{"Chat", "--env", "local", "--junit", "/no/such/dir/report.xml"}, "--junit"},
	}
	for _, c := range cases {
		if code, _, stderr := f.run(t, nil, c.args...); code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: %d %q, want %q", c.args, code, stderr, c.want)
		}
	}
	if f.seen.count() != before {
		t.Fatal("a failing command sent a request")
	}

	// A server that echoes the credential: the secret is redacted from the error.
	code, _, stderr = f.run(t, nil, "Echo key", "--env", "local")
	if code != ExitUsage || strings.Contains(stderr, runSecret) || !strings.Contains(stderr, "invalid key [secret]") {
		t.Fatalf("echoed secret: %d %q", code, stderr)
	}

	// A broken endpoint file is named with its line.
	if err := os.WriteFile(filepath.Join(f.dir, "chat.endpoint.yaml"), []byte("schema: 2\nname: Chat\nurl: http://x\nmethod: 'P O S T'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := f.run(t, nil, "Chat", "--env", "local"); code != ExitUsage || !strings.Contains(stderr, "chat.endpoint.yaml:4: method") {
		t.Fatalf("broken endpoint: %d %q", code, stderr)
	}
	if hits := grepTree(t, f.dir, runSecret); len(hits) != 0 {
		t.Fatalf("secret in the project: %v", hits)
	}
}

func readJUnit(t *testing.T, path string) junitSuites {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("junit: %v\n%s", err, b)
	}
	return doc
}

func TestRunJUnitAndRecording(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t)
	reports := t.TempDir()

	ok := filepath.Join(reports, "ok.xml")
	if code, _, stderr := f.run(t, nil, "Chat", "--env", "local", "--junit", ok, "--record", "chat run"); code != ExitOK {
		t.Fatalf("run: %d\n%s", code, stderr)
	}
	doc := readJUnit(t, ok)
	if doc.Tests != 1 || doc.Failures != 0 || len(doc.Suites) != 1 || doc.Suites[0].Cases[0].Name != streamCaseName || doc.Suites[0].Name != "Run test/Chat" {
		t.Fatalf("junit %+v", doc)
	}

	// An incomplete stream: exit 3, the stream case fails.
	cut := filepath.Join(reports, "cut.xml")
	code, _, stderr := f.run(t, nil, "Chat dropped", "--env", "local", "--junit", cut)
	if code != ExitIncomplete {
		t.Fatalf("dropped: %d\n%s", code, stderr)
	}
	doc = readJUnit(t, cut)
	if doc.Failures != 1 || doc.Suites[0].Cases[0].Failure == nil || !strings.Contains(doc.Suites[0].Cases[0].Failure.Message, "stream incomplete") {
		t.Fatalf("junit of a cut stream %+v", doc.Suites[0].Cases[0])
	}

	// A run that could not happen (HTTP 429: exit 2) writes no report.
	limited := filepath.Join(reports, "limited.xml")
	if code, _, _ := f.run(t, nil, "Rate limited", "--env", "local", "--junit", limited, "--record", "limited"); code != ExitUsage {
		t.Fatalf("429: exit %d", code)
	}
	if _, err := os.Stat(limited); !os.IsNotExist(err) {
		t.Fatalf("a report was written for a failed run: %v", err)
	}
	entries, _ := os.ReadDir(reports)
	if len(entries) != 2 {
		t.Fatalf("report dir holds %d files", len(entries))
	}

	// The recording replays without the network and has no secret in it.
	p, err := project.Load(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := p.Recordings()
	if len(list) != 1 || list[0] != "recordings/chat-run.jsonl" {
		t.Fatalf("recordings %v", list)
	}
	rec, err := p.LoadRecording("chat-run")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != 200 || rec.URL != "{{base_url}}/v1/chat/completions" || rec.Stream != "sse" || rec.End != "complete" || len(rec.Events) != 28 || rec.Events[27].Data != "[DONE]" {
		t.Fatalf("recording %+v (%d events)", rec, len(rec.Events))
	}
	for i := 1; i < len(rec.Events); i++ {
		if rec.Events[i].TimeMS < rec.Events[i-1].TimeMS {
			t.Fatal("event times go backwards")
		}
	}
	if hits := grepTree(t, f.dir, runSecret); len(hits) != 0 {
		t.Fatalf("secret in the project: %v", hits)
	}
}

func TestRunReplay(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t)
	code, live, stderr := f.run(t, nil, "Chat", "--env", "local", "--record", "saved")
	if code != ExitOK {
		t.Fatalf("record: %d\n%s", code, stderr)
	}
	if code, _, stderr := f.run(t, nil, "Chat dropped", "--env", "local", "--record", "cut"); code != ExitIncomplete {
		t.Fatalf("record cut: %d\n%s", code, stderr)
	}
	before := f.seen.count()

	// Replayed with no environment at all: no variable is needed, nothing is sent.
	code, stdout, stderr := f.run(t, nil, "Chat", "--replay", "saved")
	if code != ExitOK || stdout != live {
		t.Fatalf("replay: %d %q, want %q\n%s", code, stdout, live, stderr)
	}
	for _, s := range []string{"replay   POST {{base_url}}/v1/chat/completions recorded", "message  [DONE]", "complete (replayed), 28 events", "200 openai-chat, complete (stop), 28 events"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	// Through another endpoint's merge rules (JSONPath), as JSON.
	code, stdout, _ = f.run(t, nil, "Chat by JSONPath", "--replay", "saved", "--json")
	var out struct {
		Format, Content string
		Status          int
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != ExitOK || out.Format != "jsonpath" || out.Content+"\n" != live || out.Status != 200 {
		t.Fatalf("replay jsonpath: %d %+v %v", code, out, err)
	}
	// A recorded cut-off stream replays as incomplete, with a JUnit report.
	report := filepath.Join(t.TempDir(), "r.xml")
	code, _, stderr = f.run(t, nil, "Chat", "--replay", "cut", "--junit", report)
	if code != ExitIncomplete || !strings.Contains(lastLine(stderr), "stream incomplete") {
		t.Fatalf("replay cut: %d\n%s", code, stderr)
	}
	if doc := readJUnit(t, report); doc.Failures != 1 {
		t.Fatalf("junit %+v", doc)
	}
	if f.seen.count() != before {
		t.Fatal("replay used the network")
	}
	for _, args := range [][]string{{"Chat", "--replay", "missing"}, {"Chat", "--replay", "saved", "--record", "x"}} {
		if code, _, _ := f.run(t, nil, args...); code != ExitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

// addScripted adds an endpoint with a script to the fixture's project.
func (f *runFixture) addScripted(t *testing.T, name, format, src string) {
	t.Helper()
	p, err := project.Load(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	ep := &project.Endpoint{Name: name, Method: "POST", URL: "{{base_url}}/v1/chat/completions",
		Body: &project.Body{Type: project.BodyJSON, Text: `{"model": "{{model}}", "stream": true, "messages": [{"role": "user", "content": "Say hi"}]}`}}
	if format != "" {
		ep.Merge = &project.MergeSettings{Format: format}
	}
	if err := p.SaveScript(ep, src); err != nil {
		t.Fatal(err)
	}
}

func TestRunScripts(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t)
	want, err := mockllm.Predict("/v1/chat/completions", []byte(`{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Say hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	content := want.Choices[0].Content
	f.addScripted(t, "Tested", "", `let n = 0;
function onEvent(event, ctx) { n++; }
function onEnd(ctx) {
  pm.test("status is 200", function () { pm.expect(pm.response.code).to.equal(200); });
  pm.test("says something", function () { pm.expect(ctx.result.content).to.not.be.empty; });
  pm.test("model from the environment", function () { pm.expect(ctx.vars.get("model")).to.equal("gpt-4o"); });
  pm.test("saw every event", function () { pm.expect(n).to.equal(28); });
  console.log("events:", n);
}
`)
	f.addScripted(t, "Failing", "", `function onEnd(ctx) {
  pm.test("finish is length", function () { pm.expect(ctx.result.finish_reason).to.equal("length"); });
  pm.test("status", function () { pm.expect(pm.response.code).to.equal(200); });
}
`)
	f.addScripted(t, "Throwing", "", "function onEvent(e, ctx) {\n  if (e.seq === 3) {\n    throw new Error(\"boom\");\n  }\n}\n")
	f.addScripted(t, "Script merge", "script", `function onEvent(e, ctx) {
  const d = e.json && e.json.choices && e.json.choices[0].delta;
  if (d && d.content) ctx.append(d.content);
  if (e.json && e.json.choices && e.json.choices[0].finish_reason) ctx.setFinishReason(e.json.choices[0].finish_reason);
}
function onEnd(ctx) { ctx.append("!"); }
`)
	f.addScripted(t, "Broken script", "", "function onEnd(ctx) {\n  pm.test('x', function () {\n}\n")
	f.addScripted(t, "Spinning", "", "function onEvent(e, ctx) {\n  while (true) {}\n}\n")
	reports := t.TempDir()
	// Under the race detector on a busy machine, loading chai for the first
	// pm.expect can take longer than the default 1 s limit of a call.
	srun := func(args ...string) (int, string, string) {
		return f.run(t, nil, append(args, "--script-timeout", "30000")...)
	}

	report := filepath.Join(reports, "tested.xml")
	code, stdout, stderr := srun("Tested", "--env", "local", "--json", "--junit", report)
	var out struct {
		Content string       `json:"content"`
		Tests   []TestResult `json:"tests"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != ExitOK {
		t.Fatalf("tested: %d %v\n%s\n%s", code, err, stdout, stderr)
	}
	if out.Content != content || len(out.Tests) != 4 {
		t.Fatalf("tested: %+v", out)
	}
	for _, tr := range out.Tests {
		if !tr.Passed {
			t.Errorf("test failed: %+v", tr)
		}
	}
	for _, s := range []string{"PASS  status is 200", "PASS  saw every event", "console.log: events: 28"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	if doc := readJUnit(t, report); doc.Tests != 5 || doc.Failures != 0 || doc.Errors != 0 {
		t.Fatalf("junit %+v", doc)
	}

	report = filepath.Join(reports, "failing.xml")
	code, stdout, stderr = srun("Failing", "--env", "local", "--junit", report)
	if code != ExitFailed || stdout != content+"\n" || !strings.Contains(stderr, "FAIL  finish is length: AssertionError: expected 'stop' to equal 'length'") || !strings.Contains(lastLine(stderr), "1 of 2 tests failed") {
		t.Fatalf("failing: %d %q\n%s", code, stdout, stderr)
	}
	doc := readJUnit(t, report)
	if doc.Tests != 3 || doc.Failures != 1 || doc.Suites[0].Cases[1].Failure == nil || doc.Suites[0].Cases[1].Name != "finish is length" {
		t.Fatalf("junit %+v", doc)
	}

	report = filepath.Join(reports, "throwing.xml")
	code, stdout, stderr = srun("Throwing", "--env", "local", "--junit", report)
	if code != ExitFailed || stdout != content+"\n" || !strings.Contains(lastLine(stderr), "throwing.js:3:") || !strings.Contains(lastLine(stderr), "boom") {
		t.Fatalf("throwing: %d %q\n%s", code, stdout, stderr)
	}
	if doc := readJUnit(t, report); doc.Errors != 1 || doc.Failures != 0 {
		t.Fatalf("junit %+v", doc)
	}

	code, stdout, stderr = srun("Script merge", "--env", "local")
	if code != ExitOK || stdout != content+"!\n" || !strings.Contains(stderr, "200 script, complete (stop)") {
		t.Fatalf("script format: %d %q\n%s", code, stdout, stderr)
	}

	before := f.seen.count()
	code, _, stderr = srun("Broken script", "--env", "local", "--junit", filepath.Join(reports, "never.xml"))
	if code != ExitUsage || !strings.Contains(stderr, "broken-script.js:") || !strings.Contains(stderr, "SyntaxError") || f.seen.count() != before {
		t.Fatalf("syntax error: %d %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(reports, "never.xml")); !os.IsNotExist(err) {
		t.Fatal("a report was written for a run that did not happen")
	}

	// A call that runs past its limit is interrupted; the stream is not lost.
	code, stdout, stderr = f.run(t, nil, "Spinning", "--env", "local", "--script-timeout", "50")
	if code != ExitFailed || stdout != content+"\n" || !strings.Contains(lastLine(stderr), "spinning.js:") || !strings.Contains(lastLine(stderr), "interrupted") {
		t.Fatalf("spinning: %d %q\n%s", code, stdout, lastLine(stderr))
	}
	if code, _, stderr := f.run(t, nil, "Spinning", "--env", "local", "--script-timeout", "0"); code != ExitUsage || !strings.Contains(stderr, "--script-timeout") {
		t.Fatalf("bad timeout: %d %q", code, stderr)
	}

	// Replaying a recording runs the script too, without the network.
	if code, _, stderr := srun("Tested", "--env", "local", "--record", "tested"); code != ExitOK {
		t.Fatalf("record: %d\n%s", code, stderr)
	}
	before = f.seen.count()
	code, _, stderr = srun("Tested", "--env", "local", "--replay", "tested")
	if code != ExitOK || !strings.Contains(stderr, "PASS  saw every event") || f.seen.count() != before {
		t.Fatalf("replay with script: %d\n%s", code, stderr)
	}
}

// Item 4 and 15: --record under a name whose file name would pass 255
// bytes saves under a shortened name (it used to loop forever, growing
// memory) and --replay finds it by the name; a linked recordings/ is
// refused before anything is sent.
func TestRunRecordLongName(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t)
	name := strings.Repeat("😀", 63)
	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, _, stderr := f.run(t, nil, "Chat", "--env", "local", "--record", name)
		done <- result{code, stderr}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("run --record with a long name did not end")
	}
	if r.code != ExitOK || !strings.Contains(r.stderr, "saved recording recordings/") {
		t.Fatalf("record: %d\n%s", r.code, r.stderr)
	}
	entries, err := os.ReadDir(filepath.Join(f.dir, project.RecordingsDir))
	if err != nil || len(entries) != 1 || len(entries[0].Name()) > 255 {
		t.Fatalf("recordings %v %v", entries, err)
	}
	if code, _, stderr := f.run(t, nil, "Chat", "--replay", name); code != ExitOK || !strings.Contains(stderr, "complete (replayed)") {
		t.Fatalf("replay by name: %d\n%s", code, stderr)
	}

	if err := os.RemoveAll(filepath.Join(f.dir, project.RecordingsDir)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(t.TempDir(), filepath.Join(f.dir, project.RecordingsDir)); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	sent := f.seen.count()
	code, _, stderr := f.run(t, nil, "Chat", "--env", "local", "--record", "x")
	if code != ExitUsage || !strings.Contains(stderr, "--record:") || !strings.Contains(stderr, "symbolic link") || f.seen.count() != sent {
		t.Fatalf("linked recordings/: %d, %d request(s) sent\n%s", code, f.seen.count()-sent, stderr)
	}
}
