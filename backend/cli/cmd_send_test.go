package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/mockllm"
	"github.com/streamscope/streamscope/backend/run"
	"github.com/streamscope/streamscope/backend/script"
	"github.com/streamscope/streamscope/backend/send"
)

func mockServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(mockllm.New(mockllm.Options{Unpaced: true}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// sendCmd runs `streamscope send` with args and returns code, stdout, stderr.
func sendCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "COLUMNS" {
				return "100"
			}
			return ""
		}}
	code := Main(append([]string{"send"}, args...), env)
	return code, out.String(), errb.String()
}

// lastLine is the final stderr line (the error line on failure).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

const sendChatBody = `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Say hi"}]}`

func TestSendAgainstMock(t *testing.T) {
	t.Parallel()
	base := mockServer(t)
	want, err := mockllm.Predict("/v1/chat/completions", []byte(sendChatBody))
	if err != nil {
		t.Fatal(err)
	}
	ollamaBody := `{"model":"llama3","messages":[{"role":"user","content":"hi"}]}`
	ollama, err := mockllm.Predict("/api/chat", []byte(ollamaBody))
	if err != nil {
		t.Fatal(err)
	}
	plainBody := `{"model":"gpt-4o","stream":false,"messages":[{"role":"user","content":"Say hi"}]}`
	cases := []struct {
		name     string
		args     []string
		code     int
		stdout   string   // exact, when set
		stderr   []string // substrings of stderr
		errLine  string   // substring of the last stderr line
		noStdout bool
	}{
		{"openai stream", []string{base + "/v1/chat/completions", "-d", sendChatBody}, 0, want.Choices[0].Content + "\n",
			[]string{"request  POST " + base, "response 200 OK HTTP/1.1", `message  {"id":`, "message  [DONE]", "end      complete, 28 events"},
			"200 openai-chat, complete (stop), 28 events, ttfb", false},
		{"split chunks", []string{base + "/v1/chat/completions", "-d", sendChatBody, "-H", "X-Mock-Fault: split"}, 0, want.Choices[0].Content + "\n", nil, "complete (stop)", false},
		{"heartbeats", []string{base + "/v1/chat/completions", "-d", sendChatBody, "-H", "X-Mock-Fault: heartbeat"}, 0, want.Choices[0].Content + "\n",
			[]string{"comment  ping"}, "complete", false},
		{"gzip buffered", []string{base + "/v1/chat/completions", "-d", sendChatBody, "-H", "X-Mock-Fault: gzip", "--compressed"}, 0, want.Choices[0].Content + "\n",
			[]string{"read as sse, gzip", "warning  gzip-compressed stream was buffered: 28 events arrived in one burst", "B on the wire"}, "complete", false},
		{"ollama ndjson", []string{base + "/api/chat", "-d", ollamaBody}, 0, ollama.Choices[0].Content + "\n",
			[]string{"read as ndjson"}, "200 ollama, complete (stop)", false},
		{"not streamed", []string{base + "/v1/chat/completions", "-d", plainBody}, 0, "", []string{"read as plain", "chunk "}, "200 openai-chat, complete (stop), 1 event,", false},
		{"dropped", []string{base + "/v1/chat/completions", "-d", sendChatBody, "-H", "X-Mock-Fault: drop"}, 3, "",
			[]string{"end      truncated"}, "streamscope send: stream incomplete: connection closed", false},
		{"error event", []string{base + "/v1/chat/completions", "-d", sendChatBody, "-H", "X-Mock-Fault: error"}, 3, "",
			[]string{"end      error"}, "streamscope send: stream incomplete: error event in the stream:", false},
		{"rate limited", []string{base + "/v1/chat/completions", "-d", sendChatBody, "-H", "X-Mock-Fault: 429"}, 2, "",
			[]string{"response 429 Too Many Requests"}, `streamscope send: HTTP 429 Too Many Requests: {"error":{"message":"Rate limit`, true},
		{"bad request", []string{base + "/v1/chat/completions", "-d", "{}"}, 2, "", nil, "streamscope send: HTTP 400 Bad Request: ", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := sendCmd(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if tc.stdout != "" && stdout != tc.stdout {
				t.Fatalf("stdout %q, want %q", stdout, tc.stdout)
			}
			if tc.noStdout && stdout != "" {
				t.Fatalf("stdout %q, want nothing", stdout)
			}
			if tc.name == "not streamed" && strings.TrimSpace(stdout) != want.Choices[0].Content {
				t.Fatalf("stdout %q", stdout)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Fatalf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if !strings.Contains(lastLine(stderr), tc.errLine) {
				t.Fatalf("last stderr line %q lacks %q", lastLine(stderr), tc.errLine)
			}
			for _, l := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
				if strings.HasPrefix(l, "+") && utf8.RuneCountInString(l) > 100 {
					t.Fatalf("timeline line wider than COLUMNS=100: %q", l)
				}
			}
		})
	}
}

func TestSendJSON(t *testing.T) {
	t.Parallel()
	base := mockServer(t)
	want, _ := mockllm.Predict("/v1/chat/completions", []byte(sendChatBody))
	code, stdout, stderr := sendCmd(t, "", base+"/v1/chat/completions", "--json", "-d", sendChatBody)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	timing, _ := got["timing"].(map[string]any)
	tests, isList := got["tests"].([]any)
	if got["status"] != 200.0 || got["content"] != want.Choices[0].Content || got["format"] != "openai-chat" ||
		got["complete"] != true || got["events"] != 28.0 || got["finish_reason"] != "stop" || !isList || len(tests) != 0 {
		t.Fatalf("object %v", got)
	}
	for _, k := range []string{"ttfb_ms", "first_event_ms", "duration_ms"} {
		if v, ok := timing[k].(float64); !ok || v <= 0 {
			t.Fatalf("timing.%s = %v", k, timing[k])
		}
	}
	if timing["first_event_ms"].(float64) < timing["ttfb_ms"].(float64) || timing["duration_ms"].(float64) < timing["first_event_ms"].(float64) {
		t.Fatalf("timing out of order: %v", timing)
	}

	// An HTTP error still prints the object (with its status), exit 2.
	code, stdout, stderr = sendCmd(t, "", base+"/v1/chat/completions", "--json", "-d", sendChatBody, "-H", "X-Mock-Fault: 429")
	if code != 2 || !strings.Contains(stdout, `"status": 429`) || !strings.Contains(lastLine(stderr), "HTTP 429") {
		t.Fatalf("exit %d stdout %s stderr %s", code, stdout, stderr)
	}
}

func TestSendStreamModes(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	sseBody := "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n"
	ndBody := "{\"message\":{\"content\":\"Yo\"},\"done\":false}\n{\"done\":true,\"done_reason\":\"stop\"}\n"
	cases := []struct {
		name, body, flag, stdout, stderr string
		code                             int
	}{
		{"plain text echoed", "just text", "", "just text\n", "read as plain", 0},
		{"forced sse", sseBody, "--sse", "Hi\n", "warning  stream read as sse although the Content-Type \"text/plain\" says plain", 0},
		{"forced ndjson", ndBody, "--ndjson", "Yo\n", "read as ndjson", 0},
		{"forced sse cut", "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n", "--sse", "Hi\n", "end      truncated, 1 event", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := []string{srv.URL, "-d", tc.body}
			if tc.flag != "" {
				args = append(args, tc.flag)
			}
			code, stdout, stderr := sendCmd(t, "", args...)
			if code != tc.code || stdout != tc.stdout || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d stdout %q stderr:\n%s", code, stdout, stderr)
			}
		})
	}
}

func TestSendRequestBuilding(t *testing.T) {
	t.Parallel()
	type seen struct {
		method, ctype, auth, body string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.Header.Get("Content-Type"), r.Header.Get("Authorization"), string(b)}
	}))
	t.Cleanup(srv.Close)
	file := filepath.Join(t.TempDir(), "body.json")
	os.WriteFile(file, []byte(`{"from":"file"}`), 0o600)
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  seen
	}{
		{"get", "", []string{srv.URL}, seen{"GET", "", "", ""}},
		{"json body", "", []string{srv.URL, "-d", `{"a":1}`, "-H", "Authorization: Bearer x"}, seen{"POST", "application/json", "Bearer x", `{"a":1}`}},
		{"text body keeps no type", "", []string{srv.URL, "-d", "a=1"}, seen{"POST", "", "", "a=1"}},
		{"file", "", []string{srv.URL, "-d", "@" + file, "-X", "put"}, seen{"PUT", "application/json", "", `{"from":"file"}`}},
		{"stdin", `{"s":1}`, []string{srv.URL, "-d", "@-", "-H", "Content-Type: text/x"}, seen{"POST", "text/x", "", `{"s":1}`}},
	}
	for _, tc := range cases {
		code, _, stderr := sendCmd(t, tc.stdin, tc.args...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", tc.name, code, stderr)
		}
		if g := <-got; g != tc.want {
			t.Fatalf("%s: server saw %+v, want %+v", tc.name, g, tc.want)
		}
		if strings.Contains(stderr, "Bearer x") {
			t.Fatalf("%s: credential printed: %s", tc.name, stderr)
		}
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(silent.Close)
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"part\"}}]}\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(stall.Close)
	cases := []struct {
		name string
		args []string
		code int
		line string
	}{
		{"no url", nil, 2, "missing URL"},
		{"two urls", []string{"http://a", "http://b"}, 2, `unexpected argument "http://b"`},
		{"bad header", []string{"http://a", "-H", "NoColon"}, 2, `-H "NoColon": want 'Name: value'`},
		{"sse and ndjson", []string{"http://a", "--sse", "--ndjson"}, 2, "--sse and --ndjson exclude each other"},
		{"missing file", []string{"http://a", "-d", "@/nonexistent/b.json"}, 2, "-d @/nonexistent/b.json: open /nonexistent/b.json"},
		{"bad format", []string{"http://a", "--format", "nope"}, 2, `unknown format "nope"`},
		{"bad timeout", []string{"http://a", "--idle-timeout", "0s"}, 2, "--idle-timeout must be positive"},
		{"bad url", []string{"ftp://a"}, 2, "scheme must be http or https"},
		{"refused", []string{refused}, 2, "cannot connect to"},
		{"never answers", []string{silent.URL, "--header-timeout", "50ms"}, 2, "no response headers after 50ms"},
		{"stalls", []string{stall.URL, "--idle-timeout", "50ms"}, 3, "stream incomplete: no data for 50ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := sendCmd(t, "", tc.args...)
			if code != tc.code || !strings.HasPrefix(lastLine(stderr), "streamscope send: ") || !strings.Contains(lastLine(stderr), tc.line) {
				t.Fatalf("exit %d, last line %q; want %d and %q", code, lastLine(stderr), tc.code, tc.line)
			}
		})
	}
}

// scriptPlan is a plan for url (a chat request to the mock) with the
// script src.
func scriptPlan(t *testing.T, url, src string) *run.Plan {
	t.Helper()
	p := &run.Plan{Request: send.Request{URL: url, Body: []byte(sendChatBody)}}
	if src != "" {
		prog, err := script.Compile("s.js", src)
		if err != nil {
			t.Fatal(err)
		}
		p.Script = &run.Script{Program: prog}
	}
	return p
}

func TestRunStreamScript(t *testing.T) {
	t.Parallel()
	base := mockServer(t)
	for _, c := range []struct {
		name, src string
		warnings  bool
		code      int
		errHas    string
		stderr    []string
		tests     int
	}{
		{name: "tests in the JSON and on stderr", src: `let seqs = []
console.log("top level")
function onEvent(e) { seqs.push(e.seq) }
function onEnd(ctx) {
  console.log("saw " + seqs.length + " from " + seqs[0])
  pm.test("has content", () => pm.expect(ctx.result.content).to.not.be.empty)
  pm.test("fails", () => pm.expect(pm.response.code).to.equal(201))
}`, code: ExitFailed, errHas: "1 of 2 tests failed",
			stderr: []string{"console.log: top level\n+", "console.log: saw 28 from 1\nPASS  has content\nFAIL  fails: AssertionError: expected 200 to equal 201\n"}, tests: 2},
		{name: "a failure told in the timeline", src: `function onEvent(e) { if (e.seq === 2) throw new Error("complains") }`, warnings: true,
			code: ExitFailed, errHas: "script error: s.js:1:", stderr: []string{"warning  hook: script error: s.js:1:"}},
		{name: "or only at the end", src: `function onEvent(e) { if (e.seq === 2) throw new Error("complains") }`,
			code: ExitFailed, errHas: "script error: s.js:1:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			out, err := RunStream(context.Background(), &Env{Stdout: &stdout, Stderr: &stderr}, StreamOptions{
				Plan: scriptPlan(t, base+"/v1/chat/completions", c.src), JSON: true, ScriptWarnings: c.warnings})
			var ee *ExitError
			if !errors.As(err, &ee) || ee.Code != c.code || !strings.Contains(err.Error(), c.errHas) {
				t.Fatalf("err %v, want exit %d with %q", err, c.code, c.errHas)
			}
			for _, want := range c.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Fatalf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if !c.warnings && strings.Contains(stderr.String(), "hook:") {
				t.Fatalf("a warning line without ScriptWarnings:\n%s", stderr.String())
			}
			if len(out.Send.Body) == 0 {
				t.Fatal("the body a script reads was not kept")
			}
			var obj struct {
				Tests []TestResult `json:"tests"`
			}
			if json.Unmarshal(stdout.Bytes(), &obj) != nil || len(obj.Tests) != c.tests {
				t.Fatalf("stdout %s", stdout.String())
			}
		})
	}
}

func TestSendCancelled(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"so far\"}}]}\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	env := &Env{Stdout: &stdout, Stderr: &stderr}
	_, err := RunStream(ctx, env, StreamOptions{Plan: &run.Plan{Request: send.Request{URL: srv.URL}}, Observer: run.ObserverFunc(func(rec send.Record) {
		if rec.Kind == send.KindEvent {
			cancel()
		}
	})})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != ExitIncomplete || !strings.Contains(err.Error(), "cancelled") || stdout.String() != "so far\n" {
		t.Fatalf("err %v stdout %q", err, stdout.String())
	}
}

func TestRunStreamReconnectKeepsMerging(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		if calls.Add(1) == 1 {
			io.WriteString(w, "id: 1\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n")
			return // a clean close before [DONE]
		}
		if r.Header.Get("Last-Event-ID") != "1" {
			http.Error(w, "no Last-Event-ID", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	var stdout, stderr bytes.Buffer
	out, err := RunStream(context.Background(), &Env{Stdout: &stdout, Stderr: &stderr}, StreamOptions{
		Plan: &run.Plan{Request: send.Request{URL: srv.URL, Reconnect: send.Reconnect{Enabled: true, Delay: 5 * time.Millisecond}}},
	})
	if err != nil || stdout.String() != "Hello\n" || !out.Complete || out.Events != 3 {
		t.Fatalf("err %v stdout %q result %+v\n%s", err, stdout.String(), out.Result, stderr.String())
	}
	if !strings.Contains(stderr.String(), "reconnect stream ended before the openai-chat end marker: attempt 2 in 5.0ms, Last-Event-ID 1") {
		t.Fatalf("timeline:\n%s", stderr.String())
	}
}

func TestRunStreamMergesEventsAfterAnEarlierEnd(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		if calls.Add(1) == 1 {
			io.WriteString(w, "id: 1\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n")
			return // a clean close before [DONE]: judged by End, then reconnected
		}
		io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // then silence until the idle timeout
	}))
	t.Cleanup(srv.Close)
	var stdout, stderr bytes.Buffer
	out, err := RunStream(context.Background(), &Env{Stdout: &stdout, Stderr: &stderr}, StreamOptions{
		Plan: &run.Plan{Request: send.Request{URL: srv.URL, IdleTimeout: 100 * time.Millisecond,
			Reconnect: send.Reconnect{Enabled: true, MaxAttempts: 1, Delay: time.Millisecond}}},
	})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != ExitIncomplete || stdout.String() != "Hello\n" || out.Events != 2 || out.Complete {
		t.Fatalf("err %v stdout %q result %+v\n%s", err, stdout.String(), out.Result, stderr.String())
	}
}

func TestSendScript(t *testing.T) {
	t.Parallel()
	base := mockServer(t)
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	appender := write("append.js", `function onEvent(e, ctx) { if (e.json && e.json.choices) { const d = e.json.choices[0].delta; if (d && d.content) ctx.append(d.content); } }
function onEnd(ctx) { ctx.append("!"); pm.test("status is 200", () => pm.expect(pm.response.code).to.equal(200)); }`)
	failing := write("fail.js", `pm.test("never", () => pm.expect(1).to.equal(2));`)
	broken := write("broken.js", `function onEvent( {`)
	want, _ := mockllm.Predict("/v1/chat/completions", []byte(sendChatBody))
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"script merges", []string{"--script", appender}, 0, want.Choices[0].Content + "!\n", "status is 200"},
		{"failed test", []string{"--script", failing, "--format", "openai-chat"}, 1, want.Choices[0].Content + "\n", "1 of 1 tests failed"},
		{"syntax error", []string{"--script", broken}, 2, "", "broken.js"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{base + "/v1/chat/completions", "-d", sendChatBody}, tc.args...)
			code, stdout, stderr := sendCmd(t, "", args...)
			if code != tc.code || stdout != tc.stdout || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d stdout %q stderr:\n%s", code, stdout, stderr)
			}
		})
	}
}

func TestRunStreamKeepsBodyOnlyWhenRead(t *testing.T) {
	t.Parallel()
	const sseBody = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/plain":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "plain text")
		case "/denied":
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "no access")
		default:
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, sseBody)
		}
	}))
	t.Cleanup(srv.Close)
	cases := []struct {
		name   string
		path   string
		script string
		body   string
		code   int
	}{
		{"event stream: not kept", "/sse", "", "", ExitOK},
		{"a script may read it: kept", "/sse", "function onEvent() {}", sseBody, ExitOK},
		{"plain body: kept", "/plain", "", "plain text", ExitOK},
		{"error status: kept", "/denied", "", "no access", ExitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			plan := scriptPlan(t, srv.URL+tc.path, tc.script)
			plan.Request.Body = nil
			out, err := RunStream(context.Background(), &Env{Stdout: &stdout, Stderr: &stderr}, StreamOptions{Plan: plan})
			code := ExitOK
			var ee *ExitError
			if errors.As(err, &ee) {
				code = ee.Code
			}
			if code != tc.code || string(out.Send.Body) != tc.body {
				t.Fatalf("exit %d (%v), body %q\n%s", code, err, out.Send.Body, stderr.String())
			}
			if tc.path == "/sse" && (stdout.String() != "hi\n" || out.Send.Bytes != int64(len(sseBody))) {
				t.Fatalf("stdout %q, %d bytes read", stdout.String(), out.Send.Bytes)
			}
			if tc.path == "/denied" && !strings.Contains(err.Error(), "HTTP 403 Forbidden: no access") {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// longStreamBody is the request body of scripts/bench-e2e's long stream:
// n=16 choices, one tool with 2,000 string properties.
func longStreamBody() []byte {
	props := map[string]any{}
	for i := range 2000 {
		props[fmt.Sprintf("p%04d", i)] = map[string]any{"type": "string"}
	}
	body, _ := json.Marshal(map[string]any{
		"model": "gpt-4o", "stream": true, "n": 16,
		"messages": []any{map[string]any{"role": "user", "content": "Call fill for Paris"}},
		"tools": []any{map[string]any{"type": "function", "function": map[string]any{
			"name": "fill", "parameters": map[string]any{"type": "object", "properties": props}}}},
	})
	return body
}

// countWriter counts what is written to it.
type countWriter struct{ n, lines int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// longStream is scripts/bench-e2e's long stream as the mock sends it, with
// its Content-Type and the number of events, recorded once per process.
var longStream = sync.OnceValues(func() ([]byte, string) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(longStreamBody()))
	req.Header.Set("X-Mock-TPS", "0")
	mockllm.New(mockllm.Options{Unpaced: true}).ServeHTTP(rec, req)
	return rec.Body.Bytes(), rec.Header().Get("Content-Type")
})

// memTransport answers every request with one 200 response whose body is
// read at most readSize bytes at a time: the sender without a network.
type memTransport struct {
	body     []byte
	ctype    string
	readSize int
}

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {m.ctype}}, ContentLength: -1, Request: r,
		Body: io.NopCloser(&pieceReader{b: m.body, n: m.readSize})}, nil
}

// pieceReader reads b at most n bytes at a time.
type pieceReader struct {
	b []byte
	n int
}

func (p *pieceReader) Read(q []byte) (int, error) {
	if len(p.b) == 0 {
		return 0, io.EOF
	}
	k := copy(q[:min(len(q), p.n)], p.b)
	p.b = p.b[k:]
	return k, nil
}

// BenchmarkRunStreamPerEvent is the CLI's own cost per event on
// scripts/bench-e2e's long stream (113,824 events, 33.6 MB): the sender
// (chunk and event records), SSE parsing, the merge, timeline lines and
// the live stderr writer, as `send` runs them, with the body served from
// memory in 4 KiB reads so that no server or network cost is counted.
func BenchmarkRunStreamPerEvent(b *testing.B) {
	stream, ctype := longStream()
	events := int64(bytes.Count(stream, []byte("\n\n")))
	sender := &send.Sender{Client: &http.Client{Transport: memTransport{body: stream, ctype: ctype, readSize: 4 << 10}}}
	reqBody := longStreamBody()
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		errw := &countWriter{}
		lw := newLiveWriter(errw)
		env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: lw, Getenv: func(string) string { return "" }}
		_, err := RunStream(context.Background(), env, StreamOptions{Sender: sender,
			Plan: &run.Plan{Request: send.Request{Method: http.MethodPost, URL: "http://mem.invalid/v1/chat/completions", Body: reqBody}}})
		lw.Close()
		if err != nil || errw.lines < events {
			b.Fatalf("err %v, %d timeline lines for %d events", err, errw.lines, events)
		}
	}
	runtime.ReadMemStats(&after)
	n := float64(int64(b.N) * events)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/event")
}

// BenchmarkSendLongStream runs `streamscope send` on scripts/bench-e2e's
// long stream (113,824 events, 33.6 MB), pre-recorded from the mock and
// served over loopback one flushed write per event like the mock, with the live timeline on a counting stderr:
// ns/event and B/event are the CLI's whole per-event cost (HTTP, parse,
// merge, timeline lines, the live writer).
func BenchmarkSendLongStream(b *testing.B) {
	reqBody := longStreamBody()
	stream, ctype := longStream()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", ctype)
		// One write and flush per event, as the mock does.
		for rest := stream; len(rest) > 0; {
			n := len(rest)
			if i := bytes.Index(rest, []byte("\n\n")); i >= 0 {
				n = i + 2
			}
			w.Write(rest[:n])
			w.(http.Flusher).Flush()
			rest = rest[n:]
		}
	}))
	defer srv.Close()
	events := int64(bytes.Count(stream, []byte("\n\n")))
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	var lines int64
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		errw := &countWriter{}
		env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: errw,
			Getenv: func(string) string { return "" }}
		if code := Main([]string{"send", srv.URL, "-d", string(reqBody)}, env); code != ExitOK {
			b.Fatalf("exit %d", code)
		}
		lines = errw.lines
	}
	cpu1, _ := processCPU()
	runtime.ReadMemStats(&after)
	if lines < events {
		b.Fatalf("%d timeline lines for %d events", lines, events)
	}
	n := float64(int64(b.N) * events)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/event")
	if cpuOK {
		// CPU time is steadier than wall time on a shared machine; it
		// includes the in-process server's writes.
		b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/n, "cpu-ns/event")
	}
}

// processCPU is the process's user+system CPU time from /proc/self/stat
// (Linux; false elsewhere), in clock ticks of 10 ms.
func processCPU() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	// Fields after the command name (which may hold spaces) in parentheses:
	// state is field 3, utime and stime are fields 14 and 15.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	user, err1 := strconv.ParseInt(f[11], 10, 64)
	sys, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(user+sys) * 10 * time.Millisecond, true
}

// TestSendWithoutDone: an OpenAI-style stream that never sends [DONE] is
// complete when every choice sent a finish_reason and the body ended
// cleanly; the same bytes cut off by the connection are incomplete.
func TestSendWithoutDone(t *testing.T) {
	t.Parallel()
	const events = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n" +
		"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	clean := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, events)
	}))
	t.Cleanup(clean.Close)
	// cut writes a chunked body and closes the connection before its last
	// chunk: the client reads an unexpected EOF after the finish_reason.
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(events), events)
		buf.Flush()
	}))
	t.Cleanup(cut.Close)

	code, stdout, stderr := sendCmd(t, "", clean.URL, "--json")
	if code != ExitOK || !strings.Contains(stdout, `"complete": true`) || !strings.Contains(stdout, `"verdict": "complete"`) {
		t.Fatalf("clean end: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = sendCmd(t, "", cut.URL, "--json")
	if code != ExitIncomplete || !strings.Contains(stdout, `"complete": false`) || !strings.Contains(stdout, `"content": "Hi"`) {
		t.Fatalf("cut off: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
