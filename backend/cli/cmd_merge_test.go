package cli

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/sse"
)

const chatBody = `data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}

data: {"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}

data: {"choices":[],"usage":{"prompt_tokens":12345678901,"completion_tokens":2}}

data: [DONE]

`

func TestMergeCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		args     []string
		code     int
		stderr   string // substring; "" means stderr must be empty
		fields   map[string]string
		keyOrder bool
	}{
		{name: "openai chat, contract key order, exact usage", in: chatBody, code: ExitOK, keyOrder: true,
			fields: map[string]string{"format": `"openai-chat"`, "content": `"Hello"`, "finish_reason": `"stop"`,
				"usage": `{"completion_tokens":2,"prompt_tokens":12345678901}`, "complete": "true", "events": "4",
				"error": "null", "tool_calls": "[]"}},
		{name: "cut off stream exits 3", in: strings.TrimSuffix(chatBody, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":12345678901,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n"), code: ExitIncomplete,
			stderr: "streamscope merge: stream incomplete: cut off before the openai-chat end marker",
			fields: map[string]string{"complete": "false", "verdict": `"cut_off"`, "content": `"Hel"`}},
		{name: "no [DONE], every choice finished, input ended at EOF: complete",
			in: strings.TrimSuffix(chatBody, "data: [DONE]\n\n"), args: []string{"--format", "openai-chat"}, code: ExitOK,
			fields: map[string]string{"complete": "true", "verdict": `"complete"`, "content": `"Hello"`, "events": "3"}},
		{name: "no [DONE], input ends mid-event: cut off",
			in: strings.TrimSuffix(chatBody, "\n\ndata: [DONE]\n\n"), code: ExitIncomplete,
			stderr: "cut off before the openai-chat end marker (2 events)",
			fields: map[string]string{"complete": "false", "verdict": `"cut_off"`, "usage": "null"}},
		{name: "error event exits 3",
			in:     "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
			code:   ExitIncomplete,
			stderr: "stream incomplete: error event in the stream: overloaded_error: Overloaded",
			fields: map[string]string{"error": `{"message":"Overloaded","type":"overloaded_error"}`, "format": `"unknown"`}},
		{name: "empty input exits 3", in: "", code: ExitIncomplete, stderr: "no events in the input",
			fields: map[string]string{"events": "0", "format": `"unknown"`}},
		{name: "NDJSON detected by content",
			in:   "{\"model\":\"q\",\"message\":{\"content\":\"a\"},\"done\":false}\n{\"model\":\"q\",\"message\":{\"content\":\"b\"},\"done\":true,\"done_reason\":\"stop\",\"eval_count\":2}\n",
			code: ExitOK, fields: map[string]string{"format": `"ollama"`, "content": `"ab"`, "events": "2", "usage": `{"eval_count":2}`}},
		{name: "NDJSON after 4 MiB of blank lines (read once, item 13 of issue 17)",
			in:   strings.Repeat("\r\n", 2<<20) + "{\"model\":\"q\",\"message\":{\"content\":\"a\"},\"done\":true}\n",
			code: ExitOK, fields: map[string]string{"format": `"ollama"`, "content": `"a"`, "events": "1", "complete": "true"}},
		{name: "SSE after 4 MiB of blank lines", in: strings.Repeat("\n", 4<<20) + chatBody, code: ExitOK,
			fields: map[string]string{"format": `"openai-chat"`, "content": `"Hello"`, "events": "4"}},
		{name: "an event over 16 MiB is data lost (item 16 of issue 17)",
			in:   "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + strings.Repeat("x", 17<<20) + "\"}}]}\n\n" + chatBody,
			code: ExitIncomplete, stderr: "stream incomplete: data lost: 1 event larger than the 16777216-byte event size limit dropped",
			fields: map[string]string{"complete": "false", "verdict": `"data_lost"`, "content": `"Hello"`,
				"lost": `["1 event larger than the 16777216-byte event size limit dropped"]`}},
		{name: "blank input only", in: strings.Repeat("\n \t", 1<<20), code: ExitIncomplete, stderr: "no events in the input",
			fields: map[string]string{"events": "0"}},
		{name: "--ndjson forces NDJSON on a body that starts with a comment",
			in: ": not sse\n{\"model\":\"q\",\"message\":{\"content\":\"a\"},\"done\":true}\n", args: []string{"--ndjson"},
			code: ExitOK, fields: map[string]string{"content": `"a"`, "events": "2", "invalid_events": "1"}},
		{name: "forced format", in: chatBody, args: []string{"--format", "anthropic"}, code: ExitIncomplete,
			stderr: "cut off", fields: map[string]string{"format": `"anthropic"`, "content": `""`}},
		{name: "JSONPath rules with --stop",
			in:   "data: {\"t\":\"a\",\"r\":\"x\"}\n\ndata: {\"t\":\"b\",\"end\":\"fin\"}\n\n",
			args: []string{"--content", "$.t", "--reasoning", "$.r", "--stop", "$.end"}, code: ExitOK,
			fields: map[string]string{"format": `"jsonpath"`, "content": `"ab"`, "reasoning": `"x"`, "finish_reason": `"fin"`}},
		{name: "bad format name", in: chatBody, args: []string{"--format", "openai"}, code: ExitUsage,
			stderr: `streamscope merge: unknown format "openai" (want one of openai-chat,`},
		{name: "bad JSONPath", in: chatBody, args: []string{"--content", "$.a[?(@.b == "}, code: ExitUsage,
			stderr: `streamscope merge: content path "$.a[?(@.b == " does not parse`},
		{name: "bad reasoning JSONPath", in: chatBody, args: []string{"--content", "$.a", "--reasoning", "$.["}, code: ExitUsage,
			stderr: `reasoning path "$.[" does not parse`},
		{name: "unexpected argument", in: chatBody, args: []string{"file.sse"}, code: ExitUsage,
			stderr: `unexpected argument "file.sse"`},
		{name: "unknown flag", in: chatBody, args: []string{"--nope"}, code: ExitUsage,
			stderr: "flag provided but not defined: -nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runIn(t, tc.in, append([]string{"merge"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if tc.stderr == "" && errOut != "" || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tc.stderr)
			}
			if strings.Count(errOut, "\n") > 1 {
				t.Errorf("stderr has more than one line: %q", errOut)
			}
			if tc.code == ExitUsage {
				if out != "" {
					t.Errorf("stdout = %q on a usage error", out)
				}
				return
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &obj); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
			}
			for k, want := range tc.fields {
				got, ok := obj[k]
				if !ok {
					t.Errorf("key %q missing in %s", k, out)
					continue
				}
				var g, w any
				_ = json.Unmarshal(got, &g)
				_ = json.Unmarshal([]byte(want), &w)
				gb, _ := json.Marshal(g)
				wb, _ := json.Marshal(w)
				if string(gb) != string(wb) {
					t.Errorf("%s = %s, want %s", k, got, want)
				}
			}
			if tc.keyOrder {
				checkKeyOrder(t, out)
			}
		})
	}
}

// checkKeyOrder asserts the contract's key order at the top level.
func checkKeyOrder(t *testing.T, out string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %v %v", tok, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"format", "content", "reasoning", "tool_calls", "finish_reason", "usage", "error", "complete", "events"}
	if len(keys) < len(want) || strings.Join(keys[:len(want)], ",") != strings.Join(want, ",") {
		t.Errorf("keys = %v, want them to start with %v", keys, want)
	}
}

func TestMergeStreamHooks(t *testing.T) {
	t.Parallel()
	var seqs []int
	var types []string
	setup := MergeSetup{
		Options: merge.Options{},
		OnEvent: func(m *merge.Merger, ev sse.Event, seq int, at time.Duration) error {
			seqs = append(seqs, seq)
			types = append(types, ev.Type)
			if r := m.Result(); r.Events != seq {
				t.Errorf("merger saw %d events at seq %d", r.Events, seq)
			}
			if at < 0 {
				t.Errorf("negative time offset %v", at)
			}
			return nil
		},
	}
	res, m, err := mergeStream(&slowReader{s: chatBody, n: 5}, setup)
	if err != nil {
		t.Fatal(err)
	}
	if res.Content != "Hello" || !res.Complete || len(seqs) != 4 || seqs[3] != 4 {
		t.Errorf("result %+v, seqs %v", res, seqs)
	}
	if x := m.Metrics(); x.Events != 4 || x.ContentEvents != 2 {
		t.Errorf("metrics %+v", x)
	}
	setup.OnEvent = nil
	if _, _, err = mergeStream(iotest.ErrReader(errors.New("disk gone")), setup); err == nil || err.Error() != "reading the body: disk gone" {
		t.Errorf("read error: %v", err)
	}
	stop := errors.New("script interrupted")
	setup.OnEvent = func(*merge.Merger, sse.Event, int, time.Duration) error { return stop }
	res, _, err = mergeStream(strings.NewReader(chatBody), setup)
	if !errors.Is(err, stop) || res.Events != 1 || res.Complete {
		t.Errorf("hook error: err %v, result %+v", err, res)
	}
}

// slowReader returns at most n bytes per Read, like a network stream.
type slowReader struct {
	s string
	n int
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	k := min(len(p), r.n, len(r.s))
	copy(p, r.s[:k])
	r.s = r.s[k:]
	return k, nil
}

// TestMergeCommandRecordings pipes the shared real recordings through
// `streamscope merge` (read from ../shared when present): detected wire
// format and provider format, merged text, and the exit code.
func TestMergeCommandRecordings(t *testing.T) {
	t.Parallel()
	dir := "../../../shared/fixtures/llm_streams"
	if _, err := os.Stat(dir); err != nil {
		dir = "../../../../shared/fixtures/llm_streams" // from a worktree under wt/
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.expected.json"))
	if len(files) == 0 {
		t.Skipf("shared recordings not present at %s (only in the team checkout)", dir)
	}
	for _, exp := range files {
		name := strings.TrimSuffix(filepath.Base(exp), ".expected.json")
		raw, err := os.ReadFile(exp)
		if err != nil {
			t.Fatal(err)
		}
		var want struct {
			Content   string          `json:"content"`
			Reasoning string          `json:"reasoning"`
			Error     json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%s: %v", exp, err)
		}
		body, err := os.ReadFile(filepath.Join(dir, name+".sse"))
		if err != nil {
			body, err = os.ReadFile(filepath.Join(dir, name+".ndjson"))
		}
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runIn(t, string(body), "merge")
		wantCode := ExitOK
		if string(want.Error) != "null" {
			wantCode = ExitIncomplete
		}
		if code != wantCode {
			t.Errorf("%s: exit %d, want %d (stderr %q)", name, code, wantCode, errOut)
		}
		var got merge.Result
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Content != want.Content || got.Reasoning != want.Reasoning || got.Format == merge.FormatUnknown {
			t.Errorf("%s: format %s, content %q, reasoning %q", name, got.Format, got.Content, got.Reasoning)
		}
	}
}
