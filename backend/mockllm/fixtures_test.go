package mockllm

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixture reads a recorded provider stream from ../shared/fixtures, or skips.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "fixtures", "llm_streams", name)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("recorded fixtures not available (%s): they live outside the repository", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keys lists the top-level keys of a JSON object in order.
func keys(t *testing.T, s string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %.80s", s)
	}
	var out []string
	for dec.More() {
		k, _ := dec.Token()
		out = append(out, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// typeRuns is the sequence of event types with repeats collapsed.
func typeRuns(evs []sseEvent) []string {
	var out []string
	for _, e := range evs {
		if len(out) == 0 || out[len(out)-1] != e.typ {
			out = append(out, e.typ)
		}
	}
	return out
}

// TestShapesMatchRecordings compares the mock's streams with real recorded
// ones: event order, framing and the order of JSON keys.
func TestShapesMatchRecordings(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	get := func(path, body string) []byte {
		_, b, err := post(t, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("openai chat", func(t *testing.T) {
		rec := decodeSSE(fixture(t, "openai_chat_text.sse"))
		mock := decodeSSE(get("/v1/chat/completions", `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
		if !slices.Equal(keys(t, rec[0].data), keys(t, mock[0].data)) {
			t.Errorf("chunk keys: recorded %v, mock %v", keys(t, rec[0].data), keys(t, mock[0].data))
		}
		// First delta, a content delta and the finish chunk are byte-identical
		// once the envelope is removed.
		choice := func(d string) string { return d[strings.Index(d, `"choices":`):] }
		for _, pair := range [][2]int{{0, 0}, {len(rec) - 3, len(mock) - 2}} {
			if choice(rec[pair[0]].data) != choice(mock[pair[1]].data) {
				t.Errorf("choices differ:\nrecorded %s\nmock     %s", choice(rec[pair[0]].data), choice(mock[pair[1]].data))
			}
		}
		if rec[len(rec)-1].data != "[DONE]" || mock[len(mock)-1].data != "[DONE]" {
			t.Error("no [DONE]")
		}
		recUsage := decodeSSE(fixture(t, "openai_chat_text.sse"))
		mockUsage := decodeSSE(get("/v1/chat/completions", `{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`))
		u := func(d string) string { return d[strings.Index(d, `"choices":[]`):] }
		if !strings.HasPrefix(u(mockUsage[len(mockUsage)-2].data), `"choices":[],"usage":{"prompt_tokens":`) ||
			!strings.HasPrefix(u(recUsage[len(recUsage)-2].data), `"choices":[],"usage":{"prompt_tokens":`) {
			t.Errorf("usage chunk: %s", mockUsage[len(mockUsage)-2].data)
		}
	})
	t.Run("deepseek reasoner tool call", func(t *testing.T) {
		rec := decodeSSE(fixture(t, "deepseek_reasoning_tool_call.sse"))
		mock := decodeSSE(get("/v1/chat/completions", `{"model":"deepseek-reasoner","stream":true,"messages":[{"role":"user","content":"weather in Paris"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}`))
		delta := func(d string) string { return d[strings.Index(d, `"delta":`):strings.Index(d, `,"logprobs"`)] }
		if delta(rec[0].data) != delta(mock[0].data) || delta(rec[1].data)[:40] != delta(mock[1].data)[:40] {
			t.Errorf("reasoning deltas differ:\n%s / %s\n%s / %s", delta(rec[0].data), delta(mock[0].data), delta(rec[1].data), delta(mock[1].data))
		}
	})
	t.Run("responses", func(t *testing.T) {
		for _, c := range []struct{ file, body string }{
			{"openai_responses_text.sse", `{"model":"gpt-5","stream":true,"input":"hi"}`},
			{"openai_responses_reasoning_tool_call.sse", `{"model":"gpt-5","stream":true,"reasoning":{"summary":"auto"},"input":"calc","tools":[{"type":"function","name":"calculator","parameters":{"type":"object","properties":{"a":{"type":"number"}}}}]}`},
		} {
			rec, mock := decodeSSE(fixture(t, c.file)), decodeSSE(get("/v1/responses", c.body))
			if !slices.Equal(typeRuns(rec), typeRuns(mock)) {
				t.Errorf("%s: event order\nrecorded %v\nmock     %v", c.file, typeRuns(rec), typeRuns(mock))
			}
			for i := range min(len(rec), len(mock)) {
				if rec[i].typ == mock[i].typ && rec[i].typ != "response.created" && rec[i].typ != "response.in_progress" && rec[i].typ != "response.completed" {
					if !slices.Equal(keys(t, rec[i].data), keys(t, mock[i].data)) {
						t.Errorf("%s event %d %s: keys recorded %v, mock %v", c.file, i, rec[i].typ, keys(t, rec[i].data), keys(t, mock[i].data))
					}
				}
			}
		}
	})
	t.Run("anthropic", func(t *testing.T) {
		for _, c := range []struct{ file, body string }{
			{"anthropic_tool_use.sse", `{"model":"claude","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"weather in Paris"}],"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}}}}]}`},
			{"anthropic_thinking.sse", `{"model":"claude","max_tokens":100,"stream":true,"thinking":{"type":"enabled","budget_tokens":50},"messages":[{"role":"user","content":"hi"}]}`},
		} {
			rec, mock := decodeSSE(fixture(t, c.file)), decodeSSE(get("/v1/messages", c.body))
			if !slices.Equal(typeRuns(rec), typeRuns(mock)) {
				t.Errorf("%s: event order\nrecorded %v\nmock     %v", c.file, typeRuns(rec), typeRuns(mock))
			}
			for i := range min(len(rec), len(mock)) {
				if rec[i].typ == mock[i].typ && rec[i].typ != "message_start" && rec[i].typ != "message_delta" && rec[i].typ != "ping" {
					if !slices.Equal(keys(t, rec[i].data), keys(t, mock[i].data)) {
						t.Errorf("%s event %d %s: keys recorded %v, mock %v", c.file, i, rec[i].typ, keys(t, rec[i].data), keys(t, mock[i].data))
					}
				}
			}
		}
	})
	t.Run("gemini", func(t *testing.T) {
		recRaw := fixture(t, "gemini_text.sse")
		mockRaw := get("/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse", `{"contents":[{"parts":[{"text":"hi"}]}]}`)
		for _, raw := range [][]byte{recRaw, mockRaw} {
			if !bytes.HasPrefix(raw, []byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":")) || !bytes.HasSuffix(raw, []byte("}\r\n\r\n")) {
				t.Errorf("framing: %.60q … %q", raw, raw[len(raw)-8:])
			}
		}
		rec, mock := decodeSSE(recRaw), decodeSSE(mockRaw)
		if !slices.Equal(keys(t, rec[0].data), keys(t, mock[0].data)) {
			t.Errorf("keys: recorded %v, mock %v", keys(t, rec[0].data), keys(t, mock[0].data))
		}
	})
	t.Run("ollama", func(t *testing.T) {
		rec := strings.Split(strings.TrimSpace(string(fixture(t, "ollama_native_thinking_tool_call.ndjson"))), "\n")
		mockRaw := get("/api/chat", `{"model":"qwen3","think":true,"messages":[{"role":"user","content":"weather in Tokyo"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}`)
		mock := strings.Split(strings.TrimSpace(string(mockRaw)), "\n")
		for _, pair := range [][2]string{{rec[0], mock[0]}, {rec[len(rec)-2], mock[len(mock)-2]}, {rec[len(rec)-1], mock[len(mock)-1]}} {
			if !slices.Equal(keys(t, pair[0]), keys(t, pair[1])) {
				t.Errorf("keys: recorded %v, mock %v", keys(t, pair[0]), keys(t, pair[1]))
			}
		}
		msg := func(l string) string { return l[strings.Index(l, `"message":`):strings.Index(l, `,"done"`)] }
		want := `"message":{"role":"assistant","content":"","tool_calls":[{"id":"call_`
		if !strings.HasPrefix(msg(mock[len(mock)-2]), want) || !strings.HasPrefix(msg(rec[len(rec)-2]), want) {
			t.Errorf("tool call line: %s", mock[len(mock)-2])
		}
		if !strings.HasSuffix(msg(mock[len(mock)-2]), `"function":{"index":0,"name":"get_weather","arguments":{"city":"Tokyo"}}}]}`) {
			t.Errorf("tool call line: %s", mock[len(mock)-2])
		}
	})
}
