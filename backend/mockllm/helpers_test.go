package mockllm

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// sseEvent is one event decoded by the small spec-following parser below.
type sseEvent struct{ typ, data string }

// decodeSSE parses a complete SSE body (LF, CRLF or CR line ends) as the
// WHATWG algorithm does; comments are skipped, an unterminated tail dropped.
func decodeSSE(b []byte) []sseEvent {
	s := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n")
	var out []sseEvent
	var typ string
	var data []string
	has := false
	lines := strings.Split(s, "\n")
	lines = lines[:len(lines)-1] // the part after the last line end is unterminated
	for _, line := range lines {
		if line == "" {
			if has {
				t := typ
				if t == "" {
					t = "message"
				}
				out = append(out, sseEvent{t, strings.Join(data, "\n")})
			}
			typ, data, has = "", nil, false
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "event":
			typ = value
		case "data":
			data = append(data, value)
			has = true
		}
	}
	return out
}

// merged is what the test's reference merger extracts from a stream.
type merged struct {
	content, reasoning string
	calls              []AnswerToolCall
	finish             string
	errored            bool
	complete           bool // the format's end marker arrived
	usage              bool
	choices            map[int]*merged // OpenAI n > 1
}

func (m *merged) call(i int) *AnswerToolCall {
	for len(m.calls) <= i {
		m.calls = append(m.calls, AnswerToolCall{})
	}
	return &m.calls[i]
}

func compactJSON(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("compact %s: %v", raw, err)
	}
	return b.String()
}

// refMerge merges a raw body of the given format, independently of the
// server code, for the tests' comparisons.
func refMerge(t *testing.T, format string, body []byte) *merged {
	t.Helper()
	m := &merged{choices: map[int]*merged{}}
	if format == "cohere-v1" {
		refCohereV1(t, m, body)
		return m
	}
	if format == "ollama" {
		for _, line := range strings.Split(string(body), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			var l struct {
				Error   *string
				Done    bool
				Reason  string `json:"done_reason"`
				Count   *int   `json:"eval_count"`
				Message struct {
					Content, Thinking string
					ToolCalls         []struct {
						ID       string
						Function struct {
							Index     int
							Name      string
							Arguments json.RawMessage
						}
					} `json:"tool_calls"`
				}
			}
			if err := json.Unmarshal([]byte(line), &l); err != nil {
				t.Fatalf("ollama line %q: %v", line, err)
			}
			if l.Error != nil {
				m.errored = true
				continue
			}
			m.content += l.Message.Content
			m.reasoning += l.Message.Thinking
			for _, tc := range l.Message.ToolCalls {
				c := m.call(tc.Function.Index)
				c.ID, c.Name, c.Arguments = tc.ID, tc.Function.Name, compactJSON(t, tc.Function.Arguments)
			}
			if l.Done {
				m.finish, m.complete, m.usage = l.Reason, true, l.Count != nil
			}
		}
		return m
	}
	for _, ev := range decodeSSE(body) {
		if ev.data == "[DONE]" {
			m.complete = true
			continue
		}
		var j map[string]json.RawMessage
		if err := json.Unmarshal([]byte(ev.data), &j); err != nil {
			t.Fatalf("%s event %q: data is not JSON: %v", format, ev.typ, err)
		}
		switch format {
		case "openai-chat":
			refOpenAIChat(t, m, j)
		case "openai-responses":
			refResponses(t, m, ev.typ, j)
		case "anthropic":
			refAnthropic(t, m, ev.typ, j)
		case "gemini":
			refGemini(t, m, j)
		case "tgi":
			refTGI(t, m, j)
		case "llama-cpp":
			refLlamaCpp(t, m, j)
		default:
			t.Fatalf("no reference merger for %s", format)
		}
	}
	return m
}

func refOpenAIChat(t *testing.T, m *merged, j map[string]json.RawMessage) {
	if j["error"] != nil {
		m.errored = true
		return
	}
	if u := j["usage"]; u != nil && string(u) != "null" {
		m.usage = true
	}
	var choices []struct {
		Index int
		Delta struct {
			Content   *string
			Reasoning *string `json:"reasoning_content"`
			ToolCalls []struct {
				Index    int
				ID       string
				Function struct{ Name, Arguments string }
			} `json:"tool_calls"`
		}
		Finish *string `json:"finish_reason"`
	}
	if err := json.Unmarshal(j["choices"], &choices); err != nil {
		t.Fatalf("choices: %v", err)
	}
	for _, c := range choices {
		cm := m.choices[c.Index]
		if cm == nil {
			cm = &merged{}
			m.choices[c.Index] = cm
		}
		if c.Delta.Content != nil {
			cm.content += *c.Delta.Content
		}
		if c.Delta.Reasoning != nil {
			cm.reasoning += *c.Delta.Reasoning
		}
		for _, tc := range c.Delta.ToolCalls {
			call := cm.call(tc.Index)
			if tc.ID != "" {
				call.ID = tc.ID
			}
			if tc.Function.Name != "" {
				call.Name = tc.Function.Name
			}
			call.Arguments += tc.Function.Arguments
		}
		if c.Finish != nil {
			cm.finish = *c.Finish
		}
	}
	if c0 := m.choices[0]; c0 != nil {
		m.content, m.reasoning, m.calls, m.finish = c0.content, c0.reasoning, c0.calls, c0.finish
	}
}

func refResponses(t *testing.T, m *merged, typ string, j map[string]json.RawMessage) {
	var got string
	if err := json.Unmarshal(j["type"], &got); err != nil || got != typ {
		t.Fatalf("responses event %q has type %s", typ, j["type"])
	}
	var d struct {
		Delta       string
		OutputIndex int                                 `json:"output_index"`
		Item        struct{ Type, CallID, Name string } `json:"item"`
		Response    struct {
			Status string
			Usage  json.RawMessage
		}
	}
	raw, _ := json.Marshal(j)
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	var item struct {
		CallID string `json:"call_id"`
	}
	_ = json.Unmarshal(j["item"], &item)
	switch typ {
	case "response.output_text.delta":
		m.content += d.Delta
	case "response.reasoning_summary_text.delta":
		m.reasoning += d.Delta
	case "response.output_item.added":
		if d.Item.Type == "function_call" {
			m.calls = append(m.calls, AnswerToolCall{ID: item.CallID, Name: d.Item.Name})
		}
	case "response.function_call_arguments.delta":
		m.calls[len(m.calls)-1].Arguments += d.Delta
	case "response.completed", "response.incomplete":
		m.finish, m.complete = d.Response.Status, true
		m.usage = len(d.Response.Usage) > 0 && string(d.Response.Usage) != "null"
	case "error", "response.failed":
		m.errored = true
	}
}

func refAnthropic(t *testing.T, m *merged, typ string, j map[string]json.RawMessage) {
	var d struct {
		Type         string
		Index        int
		ContentBlock struct{ Type, ID, Name string } `json:"content_block"`
		Delta        struct {
			Type, Text, Thinking, Signature string
			PartialJSON                     string `json:"partial_json"`
			StopReason                      string `json:"stop_reason"`
		}
		Usage json.RawMessage
	}
	raw, _ := json.Marshal(j)
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if d.Type != typ {
		t.Fatalf("anthropic event %q has type %q", typ, d.Type)
	}
	switch typ {
	case "content_block_start":
		if d.ContentBlock.Type == "tool_use" {
			m.calls = append(m.calls, AnswerToolCall{ID: d.ContentBlock.ID, Name: d.ContentBlock.Name})
		}
	case "content_block_delta":
		switch d.Delta.Type {
		case "text_delta":
			m.content += d.Delta.Text
		case "thinking_delta":
			m.reasoning += d.Delta.Thinking
		case "input_json_delta":
			m.calls[len(m.calls)-1].Arguments += d.Delta.PartialJSON
		}
	case "message_delta":
		m.finish, m.usage = d.Delta.StopReason, len(d.Usage) > 0
	case "message_stop":
		m.complete = true
	case "error":
		m.errored = true
	}
}

func refGemini(t *testing.T, m *merged, j map[string]json.RawMessage) {
	if j["error"] != nil {
		m.errored = true
		return
	}
	var d struct {
		Candidates []struct {
			Content struct {
				Parts []struct {
					Text         *string
					Thought      bool
					FunctionCall *struct {
						Name string
						Args json.RawMessage
					}
				}
			}
			FinishReason string
		}
		UsageMetadata json.RawMessage
	}
	raw, _ := json.Marshal(j)
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	m.usage = m.usage || len(d.UsageMetadata) > 0
	for _, c := range d.Candidates {
		for _, p := range c.Content.Parts {
			switch {
			case p.FunctionCall != nil:
				m.calls = append(m.calls, AnswerToolCall{Name: p.FunctionCall.Name, Arguments: compactJSON(t, p.FunctionCall.Args)})
			case p.Text != nil && p.Thought:
				m.reasoning += *p.Text
			case p.Text != nil:
				m.content += *p.Text
			}
		}
		if c.FinishReason != "" {
			m.finish, m.complete = c.FinishReason, true
		}
	}
}

func refTGI(t *testing.T, m *merged, j map[string]json.RawMessage) {
	if j["error"] != nil {
		m.errored = true
		return
	}
	var d struct {
		Token struct {
			Text    string
			Special bool
		}
		Generated *string `json:"generated_text"`
		Details   *struct {
			Finish string `json:"finish_reason"`
		}
	}
	raw, _ := json.Marshal(j)
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if !d.Token.Special {
		m.content += d.Token.Text
	}
	if d.Generated != nil {
		m.complete = true
	}
	if d.Details != nil {
		m.finish, m.usage = d.Details.Finish, true
	}
}

func refLlamaCpp(t *testing.T, m *merged, j map[string]json.RawMessage) {
	if j["error"] != nil {
		m.errored = true
		return
	}
	var d struct {
		Content   string
		Stop      bool
		StopType  string          `json:"stop_type"`
		Predicted json.RawMessage `json:"tokens_predicted"`
	}
	raw, _ := json.Marshal(j)
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	m.content += d.Content
	if d.Stop {
		m.finish, m.complete, m.usage = d.StopType, true, len(d.Predicted) > 0
	}
}

// refCohereV1 merges a Cohere v1 NDJSON body: the text of text-generation
// and tool-calls-chunk events, calls from tool-calls-generation.
func refCohereV1(t *testing.T, m *merged, body []byte) {
	for _, line := range strings.Split(string(body), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var l struct {
			EventType string `json:"event_type"`
			Text      string
			ToolCalls []struct {
				Name       string
				Parameters json.RawMessage
			} `json:"tool_calls"`
			Finish   string `json:"finish_reason"`
			Response struct {
				Meta *struct {
					Tokens json.RawMessage
				}
			}
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("cohere v1 line %q: %v", line, err)
		}
		switch l.EventType {
		case "text-generation", "tool-calls-chunk":
			m.content += l.Text
		case "tool-calls-generation":
			for _, c := range l.ToolCalls {
				m.calls = append(m.calls, AnswerToolCall{Name: c.Name, Arguments: compactJSON(t, c.Parameters)})
			}
		case "stream-end":
			m.finish, m.complete = l.Finish, true
			m.usage = l.Response.Meta != nil && len(l.Response.Meta.Tokens) > 0
			if l.Finish == "ERROR" {
				m.errored, m.complete = true, false
			}
		}
	}
}

// checkAgainst compares a merge with the predicted answer's first choice.
func checkAgainst(t *testing.T, got *merged, a *Answer) {
	t.Helper()
	c := a.Choices[0]
	if got.content != c.Content {
		t.Errorf("content:\n got %q\nwant %q", got.content, c.Content)
	}
	if got.reasoning != c.Reasoning {
		t.Errorf("reasoning:\n got %q\nwant %q", got.reasoning, c.Reasoning)
	}
	if got.finish != c.FinishReason {
		t.Errorf("finish: got %q, want %q", got.finish, c.FinishReason)
	}
	if len(got.calls) != len(c.ToolCalls) {
		t.Fatalf("tool calls: got %+v, want %+v", got.calls, c.ToolCalls)
	}
	for i := range got.calls {
		if got.calls[i] != c.ToolCalls[i] {
			t.Errorf("tool call %d: got %+v, want %+v", i, got.calls[i], c.ToolCalls[i])
		}
	}
}

// post sends a request and returns the response with its whole body (and
// the read error, e.g. unexpected EOF after a drop). gzip bodies are not
// decoded by the client.
func post(t *testing.T, url string, body string, headers ...string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, rerr := io.ReadAll(resp.Body)
	return resp, b, rerr
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

// newTestServer runs an unpaced mock server for one test.
func newTestServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	s := New(opts)
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnState = s.ConnState
	ts.Start()
	t.Cleanup(ts.Close)
	return s, ts.URL
}
