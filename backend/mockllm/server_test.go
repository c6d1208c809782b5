package mockllm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const weatherTool = `{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer"}}}`

// streamCase is one streamed request of the test matrix.
type streamCase struct {
	name, format, path, body string
	contentType              string
	wantReasoning, wantTools bool
}

var streamCases = []streamCase{
	{name: "openai text+usage", format: "openai-chat", path: "/v1/chat/completions", contentType: "text/event-stream; charset=utf-8",
		body: `{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Say hello to Zoë in Zürich"}]}`},
	{name: "openai reasoner+tool", format: "openai-chat", path: "/v1/chat/completions", contentType: "text/event-stream; charset=utf-8", wantReasoning: true, wantTools: true,
		body: `{"model":"deepseek-reasoner","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"What's the weather in Paris?"}]}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":` + weatherTool + `}}]}`},
	{name: "responses text", format: "openai-responses", path: "/v1/responses", contentType: "text/event-stream; charset=utf-8",
		body: `{"model":"gpt-4.1","stream":true,"input":"Write a haiku about Kyoto"}`},
	{name: "responses reasoning+tool", format: "openai-responses", path: "/v1/responses", contentType: "text/event-stream; charset=utf-8", wantReasoning: true, wantTools: true,
		body: `{"model":"gpt-5","stream":true,"reasoning":{"effort":"low","summary":"auto"},"input":[{"role":"user","content":[{"type":"input_text","text":"Weather in Oslo please"}]}],"tools":[{"type":"function","name":"get_weather","parameters":` + weatherTool + `}]}`},
	{name: "anthropic text", format: "anthropic", path: "/v1/messages", contentType: "text/event-stream; charset=utf-8",
		body: `{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hello Claude"}]}`},
	{name: "anthropic thinking+tool", format: "anthropic", path: "/v1/messages", contentType: "text/event-stream; charset=utf-8", wantReasoning: true, wantTools: true,
		body: `{"model":"claude-sonnet-4-5","max_tokens":4096,"stream":true,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":[{"type":"text","text":"Weather in Lisbon?"}]}],"tools":[{"name":"get_weather","input_schema":` + weatherTool + `}]}`},
	{name: "gemini text", format: "gemini", path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", contentType: "text/event-stream",
		body: `{"contents":[{"role":"user","parts":[{"text":"Explain SSE to Ada"}]}]}`},
	{name: "gemini thoughts+tool", format: "gemini", path: "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", contentType: "text/event-stream", wantReasoning: true, wantTools: true,
		body: `{"contents":[{"role":"user","parts":[{"text":"Weather in Rome"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true}},"tools":[{"functionDeclarations":[{"name":"get_weather","parameters":` + weatherTool + `}]}]}`},
	{name: "ollama text", format: "ollama", path: "/api/chat", contentType: "application/x-ndjson",
		body: `{"model":"llama3.2","messages":[{"role":"user","content":"Hi Ollama"}]}`},
	{name: "ollama think+tool", format: "ollama", path: "/api/chat", contentType: "application/x-ndjson", wantReasoning: true, wantTools: true,
		body: `{"model":"qwen3","think":true,"messages":[{"role":"user","content":"weather in Tokyo"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":` + weatherTool + `}}]}`},
	{name: "tgi details", format: "tgi", path: "/generate_stream", contentType: "text/event-stream",
		body: `{"inputs":"What is Deep Learning, Zoë?","parameters":{"details":true,"seed":7}}`},
	{name: "llama.cpp completion", format: "llama-cpp", path: "/completion", contentType: "text/event-stream",
		body: `{"prompt":"Building a website in Zürich can be done in","n_predict":-1,"stream":true}`},
	{name: "cohere v1 text", format: "cohere-v1", path: "/v1/chat", contentType: "application/x-ndjson",
		body: `{"model":"command-r","message":"Hello Cohere","chat_history":[{"role":"USER","message":"Hi"},{"role":"CHATBOT","message":"Hello!"}],"stream":true}`},
	{name: "cohere v1 tool", format: "cohere-v1", path: "/v1/chat", contentType: "application/x-ndjson", wantTools: true,
		body: `{"model":"command-r-plus","message":"Weather in Bergen?","stream":true,"tools":[{"name":"get_weather","description":"weather","parameter_definitions":{"city":{"type":"str","required":true},"days":{"type":"int"}}}]}`},
}

// checkFraming verifies the provider's byte-level framing of a full stream.
func checkFraming(t *testing.T, format string, body []byte) {
	t.Helper()
	s := string(body)
	switch format {
	case "openai-chat":
		for _, block := range strings.Split(strings.TrimSuffix(s, "\n\n"), "\n\n") {
			if !strings.HasPrefix(block, "data: ") || strings.Contains(block, "\n") {
				t.Fatalf("openai block is not one data line: %q", block)
			}
		}
		if !strings.HasSuffix(s, "\n\ndata: [DONE]\n\n") {
			t.Fatalf("openai stream does not end with [DONE]: %q", s[max(0, len(s)-80):])
		}
	case "openai-responses", "anthropic":
		for _, block := range strings.Split(strings.TrimSuffix(s, "\n\n"), "\n\n") {
			lines := strings.Split(block, "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "event: ") || !strings.HasPrefix(lines[1], "data: ") {
				t.Fatalf("%s block is not event+data: %q", format, block)
			}
			var typed struct{ Type string }
			if err := json.Unmarshal([]byte(lines[1][6:]), &typed); err != nil || typed.Type != lines[0][7:] {
				t.Fatalf("%s: event name %q and JSON type %q differ (%v)", format, lines[0][7:], typed.Type, err)
			}
		}
		if !strings.HasSuffix(s, "\n\n") {
			t.Fatalf("%s stream does not end with a blank line", format)
		}
	case "gemini":
		if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
			t.Fatalf("gemini stream has a bare LF: %q", s)
		}
		for _, block := range strings.Split(strings.TrimSuffix(s, "\r\n\r\n"), "\r\n\r\n") {
			if !strings.HasPrefix(block, "data: {") || strings.Contains(block, "\r\n") {
				t.Fatalf("gemini block is not one CRLF data line: %q", block)
			}
		}
	case "ollama", "cohere-v1":
		if !strings.HasSuffix(s, "}\n") {
			t.Fatalf("%s stream does not end with a JSON line: %q", format, s)
		}
		for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			if !json.Valid([]byte(line)) {
				t.Fatalf("%s line is not JSON: %q", format, line)
			}
		}
	case "tgi", "llama-cpp":
		// TGI's router writes "data:" without a space, llama.cpp "data: ";
		// neither sends [DONE] on these routes.
		prefix := map[string]string{"tgi": "data:{", "llama-cpp": "data: {"}[format]
		for _, block := range strings.Split(strings.TrimSuffix(s, "\n\n"), "\n\n") {
			if !strings.HasPrefix(block, prefix) || strings.Contains(block, "\n") || !json.Valid([]byte(block[len(prefix)-1:])) {
				t.Fatalf("%s block is not one %q data line: %q", format, prefix, block)
			}
		}
		if !strings.HasSuffix(s, "}\n\n") {
			t.Fatalf("%s stream does not end with a JSON event", format)
		}
	}
}

func TestStreamsMergeToPredictedAnswer(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range streamCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body, err := post(t, base+tc.path, tc.body)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, read error %v, body %s", resp.StatusCode, err, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tc.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			checkFraming(t, tc.format, body)
			want, err := Predict(strings.SplitN(tc.path, "?", 2)[0], []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if want.Format != tc.format {
				t.Fatalf("Predict format %q, want %q", want.Format, tc.format)
			}
			got := refMerge(t, tc.format, body)
			wantUsage := tc.format != "openai-chat" || strings.Contains(tc.body, "include_usage")
			if !got.complete || got.errored || got.usage != wantUsage {
				t.Fatalf("complete %v, errored %v, usage %v", got.complete, got.errored, got.usage)
			}
			checkAgainst(t, got, want)
			c := want.Choices[0]
			if (c.Reasoning != "") != tc.wantReasoning || (len(c.ToolCalls) > 0) != tc.wantTools {
				t.Fatalf("reasoning %q, tool calls %v; want reasoning %v, tools %v", c.Reasoning, c.ToolCalls, tc.wantReasoning, tc.wantTools)
			}
			if !tc.wantTools && !strings.ContainsFunc(c.Content, func(r rune) bool { return r > 0x7f }) {
				t.Fatalf("answer has no multi-byte character: %q", c.Content)
			}
			for _, call := range c.ToolCalls {
				var args map[string]any
				err := json.Unmarshal([]byte(call.Arguments), &args)
				if tc.format == "cohere-v1" { // parameter_definitions have no enums
					args["unit"] = "celsius"
				}
				if err != nil || args["unit"] != "celsius" || args["days"] == nil || args["city"] == "" {
					t.Fatalf("tool arguments %s (%v)", call.Arguments, err)
				}
			}
		})
	}
}

func TestOpenAIChoicesInterleave(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	body := `{"model":"gpt-4o","n":3,"stream":true,"messages":[{"role":"user","content":"Name a colour"}]}`
	_, raw, err := post(t, base+"/v1/chat/completions", body)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Predict("/v1/chat/completions", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	got := refMerge(t, "openai-chat", raw)
	if len(got.choices) != 3 || len(want.Choices) != 3 {
		t.Fatalf("got %d choices, predicted %d", len(got.choices), len(want.Choices))
	}
	for i, c := range want.Choices {
		if g := got.choices[i]; g.content != c.Content || g.finish != "stop" {
			t.Errorf("choice %d: got %q/%q, want %q", i, g.content, g.finish, c.Content)
		}
	}
	if want.Choices[0].Content == want.Choices[1].Content {
		t.Errorf("choices 0 and 1 are identical: %q", want.Choices[0].Content)
	}
	// The second event already belongs to another choice: interleaved.
	evs := decodeSSE(raw)
	var idx []int
	for _, ev := range evs[:4] {
		var c struct{ Choices []struct{ Index int } }
		_ = json.Unmarshal([]byte(ev.data), &c)
		idx = append(idx, c.Choices[0].Index)
	}
	if idx[0] != 0 || idx[1] != 1 || idx[2] != 2 {
		t.Fatalf("choice order of the first events %v, want 0,1,2,...", idx)
	}
}

func TestMaxTokensTruncates(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	cases := []struct{ format, path, body, finish string }{
		{"openai-chat", "/v1/chat/completions", `{"model":"m","max_tokens":3,"stream":true,"messages":[{"role":"user","content":"hi"}]}`, "length"},
		{"openai-responses", "/v1/responses", `{"model":"m","max_output_tokens":3,"stream":true,"input":"hi"}`, "incomplete"},
		{"anthropic", "/v1/messages", `{"model":"m","max_tokens":3,"stream":true,"messages":[{"role":"user","content":"hi"}]}`, "max_tokens"},
		{"gemini", "/v1beta/models/m:streamGenerateContent?alt=sse", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":3}}`, "MAX_TOKENS"},
		{"ollama", "/api/chat", `{"model":"m","options":{"num_predict":3},"messages":[{"role":"user","content":"hi"}]}`, "length"},
		{"tgi", "/generate_stream", `{"inputs":"hi","parameters":{"max_new_tokens":3,"details":true}}`, "length"},
		{"llama-cpp", "/completion", `{"prompt":"hi","n_predict":3,"stream":true}`, "limit"},
		{"cohere-v1", "/v1/chat", `{"message":"hi","max_tokens":3,"stream":true}`, "MAX_TOKENS"},
	}
	for _, tc := range cases {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			_, raw, err := post(t, base+tc.path, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			got := refMerge(t, tc.format, raw)
			want, _ := Predict(strings.SplitN(tc.path, "?", 2)[0], []byte(tc.body))
			checkAgainst(t, got, want)
			if got.finish != tc.finish || len(tokenize(got.content)) != 3 {
				t.Fatalf("finish %q content %q, want %q and 3 tokens", got.finish, got.content, tc.finish)
			}
		})
	}
}

func TestNonStreaming(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	cases := []struct {
		path, body, ctype string
		text              func(j map[string]any) any
	}{
		{"/v1/chat/completions", `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}`, "application/json",
			func(j map[string]any) any { return dig(j, "choices", 0, "message", "content") }},
		{"/v1/responses", `{"model":"gpt-4o","input":"hi"}`, "application/json",
			func(j map[string]any) any { return dig(j, "output", 0, "content", 0, "text") }},
		{"/v1/messages", `{"model":"claude","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}`, "application/json",
			func(j map[string]any) any { return dig(j, "content", 0, "text") }},
		{"/v1beta/models/gemini-2.5-flash:generateContent", `{"contents":[{"parts":[{"text":"hi"}]}]}`, "application/json; charset=UTF-8",
			func(j map[string]any) any { return dig(j, "candidates", 0, "content", "parts", 0, "text") }},
		{"/api/chat", `{"model":"llama3","stream":false,"messages":[{"role":"user","content":"hi"}]}`, "application/json; charset=utf-8",
			func(j map[string]any) any { return dig(j, "message", "content") }},
		{"/generate", `{"inputs":"hi"}`, "application/json",
			func(j map[string]any) any { return dig(j, "generated_text") }},
		{"/completion", `{"prompt":"hi"}`, "application/json; charset=utf-8",
			func(j map[string]any) any { return dig(j, "content") }},
		{"/v1/chat", `{"message":"hi"}`, "application/json",
			func(j map[string]any) any { return dig(j, "text") }},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			resp, raw, err := post(t, base+tc.path, tc.body)
			if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype {
				t.Fatalf("status %d, type %q, err %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
			}
			var j map[string]any
			if err := json.Unmarshal(raw, &j); err != nil {
				t.Fatalf("not one JSON object: %v: %s", err, raw)
			}
			want, _ := Predict(tc.path, []byte(tc.body))
			if got := tc.text(j); got != want.Choices[0].Content {
				t.Fatalf("text %v, want %q in %s", got, want.Choices[0].Content, raw)
			}
		})
	}
}

// dig walks decoded JSON by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range streamCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, a, _ := post(t, base+tc.path, tc.body)
			_, b, _ := post(t, base+tc.path, tc.body)
			if !bytes.Equal(a, b) {
				t.Fatalf("same request, different bytes:\n%s\n---\n%s", a, b)
			}
			other := strings.Replace(tc.body, `"stream":true`, `"stream":true,"temperature":0.5`, 1)
			if other == tc.body {
				other = strings.Replace(tc.body, `{`, `{"temperature":0.5,`, 1)
			}
			_, c, _ := post(t, base+tc.path, other)
			if bytes.Equal(a, c) {
				t.Fatalf("different requests gave identical bytes")
			}
		})
	}
}

func TestToolResultTurnAnswersWithText(t *testing.T) {
	t.Parallel()
	cases := []struct{ path, body string }{
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"weather in Paris"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18°C, sunny"}],"tools":[{"type":"function","function":{"name":"get_weather"}}]}`},
		{"/v1/responses", `{"model":"m","input":[{"role":"user","content":"weather"},{"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"18°C, sunny"}],"tools":[{"type":"function","name":"get_weather"}]}`},
		{"/v1/messages", `{"model":"m","messages":[{"role":"user","content":"weather"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"get_weather","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"18°C, sunny"}]}],"tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}`},
		{"/v1beta/models/g:generateContent", `{"contents":[{"role":"user","parts":[{"text":"weather"}]},{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":"18°C, sunny"}}}]}],"tools":[{"functionDeclarations":[{"name":"get_weather"}]}]}`},
		{"/api/chat", `{"model":"m","messages":[{"role":"user","content":"weather"},{"role":"tool","tool_name":"get_weather","content":"18°C, sunny"}],"tools":[{"type":"function","function":{"name":"get_weather"}}]}`},
		{"/v1/chat", `{"message":"","tool_results":[{"call":{"name":"get_weather","parameters":{}},"outputs":[{"temp":"18°C, sunny"}]}],"tools":[{"name":"get_weather"}]}`},
	}
	for _, tc := range cases {
		a, err := Predict(tc.path, []byte(tc.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		c := a.Choices[0]
		if len(c.ToolCalls) != 0 || !strings.Contains(c.Content, "get_weather returned") || !strings.Contains(c.Content, "18°C, sunny") {
			t.Errorf("%s: %+v", tc.path, c)
		}
	}
}

func TestToolSelection(t *testing.T) {
	t.Parallel()
	tools := `[{"type":"function","function":{"name":"get_weather"}},{"type":"function","function":{"name":"get_time"}}]`
	cases := []struct {
		prompt, choice string
		want           []string
	}{
		{"hello", `"auto"`, []string{"get_weather"}},
		{"use get_time and get_weather", `"auto"`, []string{"get_weather", "get_time"}},
		{"hello", `{"type":"function","function":{"name":"get_time"}}`, []string{"get_time"}},
		{"use get_time", `"none"`, nil},
	}
	for _, tc := range cases {
		body := `{"model":"m","messages":[{"role":"user","content":"` + tc.prompt + `"}],"tools":` + tools + `,"tool_choice":` + tc.choice + `}`
		a, err := Predict("/v1/chat/completions", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range a.Choices[0].ToolCalls {
			names = append(names, c.Name)
		}
		if strings.Join(names, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%q with %s: called %v, want %v", tc.prompt, tc.choice, names, tc.want)
		}
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	cases := []struct {
		path, body, want string
		headers          []string
		status           int
	}{
		{"/v1/chat/completions", `{"model":"m",`, "invalid JSON: unexpected end of input at line 1, column 14", nil, 400},
		{"/v1/chat/completions", `{"model":"m" "x"}`, "line 1, column 14", nil, 400},
		{"/v1/chat/completions", `[1]`, "expected a JSON object, got array", nil, 400},
		{"/v1/chat/completions", ``, "request body: empty", nil, 400},
		{"/v1/chat/completions", `{"messages":[]}`, "model: required", nil, 400},
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"a"},{"content":"b"}]}`, "messages[1].role: required", nil, 400},
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"a"}],"n":0}`, "n: must be between 1 and 16", nil, 400},
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"a"}],"stream":"yes"}`, "stream: expected a boolean, got string", nil, 400},
		{"/v1/responses", `{"model":"m"}`, "input: required", nil, 400},
		{"/v1/messages", `{"model":"m","messages":"hi"}`, "messages: expected an array, got string", nil, 400},
		{"/v1/messages", `{"model":"m","messages":[{"role":"system","content":"x"}]}`, `messages[0].role: expected "user" or "assistant"`, nil, 400},
		{"/v1beta/models/g:streamGenerateContent", `{"contents":[{"parts":"x"}]}`, "contents[0].parts: expected an array", nil, 400},
		{"/api/chat", `{"model":"m","messages":[],"think":"max"}`, `think: expected true, false`, nil, 400},
		{"/api/chat", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, `unknown fault "bogus"`, []string{HeaderFault, "split, bogus"}, 400},
		{"/api/chat", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, HeaderTPS, []string{HeaderTPS, "fast"}, 400},
		{"/api/chat", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, HeaderTTFT, []string{HeaderTTFT, "-5"}, 400},
		{"/v2/nothing", `{}`, "no endpoint POST /v2/nothing", nil, 404},
	}
	for _, tc := range cases {
		resp, raw, err := post(t, base+tc.path, tc.body, tc.headers...)
		if err != nil {
			t.Fatal(err)
		}
		var decoded any
		if err := json.Unmarshal(raw, &decoded); err != nil {
			t.Errorf("%s: error body is not JSON: %s", tc.path, raw)
		}
		if resp.StatusCode != tc.status || !strings.Contains(fmt.Sprint(decoded), tc.want) {
			t.Errorf("%s %s: status %d body %s; want %d containing %q", tc.path, tc.body, resp.StatusCode, raw, tc.status, tc.want)
		}
	}
	resp, err := http.Get(base + "/v1/messages")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET /v1/messages: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestPacingOverrides(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	start := time.Now()
	_, raw, err := post(t, base+"/api/chat", body, HeaderTTFT, "150", HeaderTPS, "1000")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(raw), "\n") - 1
	// Lower bound only: TTFT plus one millisecond per further token line,
	// less the pacing's slack (a frame is written up to 1 ms before it is
	// due).
	if min := 150*time.Millisecond + time.Duration(lines-2)*time.Millisecond; time.Since(start) < min {
		t.Fatalf("took %s, want at least %s", time.Since(start), min)
	}
}

func TestClientCancelEndsStream(t *testing.T) {
	t.Parallel()
	s := New(Options{TokensPerSecond: 20})
	url, stop, err := s.Start(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("base URL %q is not loopback", url)
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/chat/completions",
		strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"long answer"}]}`))
	tr := &http.Transport{}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if _, err := resp.Body.Read(buf); err != nil {
		t.Fatal(err)
	}
	if s.ActiveRequests() != 1 || s.OpenConnections() != 1 {
		t.Fatalf("while streaming: active %d, connections %d", s.ActiveRequests(), s.OpenConnections())
	}
	resp.Body.Close()
	tr.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for s.ActiveRequests() != 0 || s.OpenConnections() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after cancel: active %d, connections %d", s.ActiveRequests(), s.OpenConnections())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStopEndsRunningStreams(t *testing.T) {
	t.Parallel()
	s := New(Options{TokensPerSecond: 5})
	url, stop, err := s.Start(t.Context(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url+"/api/chat", "application/json", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	begin := time.Now()
	stop()
	if d := time.Since(begin); d > 1500*time.Millisecond {
		t.Fatalf("stop took %s with a running stream", d)
	}
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Log("stream ended cleanly at stop")
	}
	if _, err := http.Post(url+"/api/chat", "application/json", strings.NewReader(`{}`)); err == nil {
		t.Fatal("server still answers after stop")
	}
	stop() // idempotent
}

func TestStartBadAddress(t *testing.T) {
	t.Parallel()
	_, _, err := New(Options{}).Start(t.Context(), "256.1.1.1:bad")
	if err == nil || !strings.Contains(err.Error(), "256.1.1.1:bad") {
		t.Fatalf("want an error naming the address, got %v", err)
	}
}

func TestIndexPage(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{})
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"/v1/chat/completions", "/api/chat", HeaderFault, "slow-first", HeaderTPS, HeaderTTFT, HeaderTokens, HeaderStamp} {
		if !strings.Contains(string(b), want) {
			t.Errorf("index lacks %q: %s", want, b)
		}
	}
}

func TestTokenizeAndFragments(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "Hello, world!", "naïve 東京 🚀 — “quoted”", strings.Repeat("abcdefghij", 5), "{\"city\":\"Zürich\"}"} {
		if got := strings.Join(tokenize(s), ""); got != s {
			t.Errorf("tokenize(%q) joins to %q", s, got)
		}
		frags := fragments(s, 7)
		if got := strings.Join(frags, ""); got != s {
			t.Errorf("fragments(%q) join to %q", s, got)
		}
		for _, f := range frags {
			if !utf8Valid(f) {
				t.Errorf("fragment %q of %q cuts a character", f, s)
			}
		}
	}
	if k := keyword("What's the weather in Paris today?"); k != "Paris" {
		t.Errorf("keyword = %q", k)
	}
	if k := keyword("weather in lyon"); k != "weather" {
		t.Errorf("keyword = %q", k)
	}
	if k := keyword("?!"); k != "Paris" {
		t.Errorf("keyword = %q", k)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestReadErrorIsUnexpectedEOF(t *testing.T) {
	// Guards the helper used by the fault tests: a drop must surface as
	// io.ErrUnexpectedEOF, not as a clean end of body.
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	_, _, err := post(t, base+"/api/chat", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, HeaderFault, "drop")
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("read error %v, want unexpected EOF", err)
	}
}

func TestGeminiWithoutAltSSEStreamsAJSONArray(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	path := "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
	body := `{"contents":[{"parts":[{"text":"Hello there"}]}]}`
	want, _ := Predict(path, []byte(body))
	for _, fault := range []string{"", "heartbeat", "error"} {
		resp, raw, err := post(t, base+path, body, HeaderFault, fault)
		if err != nil || resp.Header.Get("Content-Type") != "application/json; charset=UTF-8" {
			t.Fatalf("%q: %v, type %q", fault, err, resp.Header.Get("Content-Type"))
		}
		var arr []map[string]any
		if err := json.Unmarshal(raw, &arr); err != nil {
			t.Fatalf("%q: not a JSON array: %v: %s", fault, err, raw)
		}
		var text strings.Builder
		for _, r := range arr {
			if s, ok := dig(r, "candidates", 0, "content", "parts", 0, "text").(string); ok {
				text.WriteString(s)
			}
		}
		last := arr[len(arr)-1]
		switch fault {
		case "error":
			if dig(last, "error", "status") != "INTERNAL" || !strings.HasPrefix(want.Choices[0].Content, text.String()) {
				t.Fatalf("error fault: last %v, text %q", last, text.String())
			}
		default:
			if text.String() != want.Choices[0].Content || dig(last, "candidates", 0, "finishReason") != "STOP" {
				t.Fatalf("%q: text %q, want %q", fault, text.String(), want.Choices[0].Content)
			}
		}
	}
}

func TestRealisticPacing(t *testing.T) {
	t.Parallel()
	s := New(Realistic)
	p, err := s.pacing(http.Header{})
	if err != nil || p.ttft != 350*time.Millisecond || p.perToken != time.Second/60 {
		t.Fatalf("pacing %+v, %v", p, err)
	}
	h := http.Header{}
	h.Set(HeaderTPS, "0")
	h.Set(HeaderTTFT, "0")
	p, err = s.pacing(h)
	if err != nil || p.ttft != 0 || p.perToken != 0 {
		t.Fatalf("overridden pacing %+v, %v", p, err)
	}
	h = http.Header{}
	h.Set(HeaderTPS, "100")
	p, _ = New(Options{Unpaced: true}).pacing(h)
	if p.perToken != 10*time.Millisecond || p.ttft != 0 {
		t.Fatalf("unpaced server with X-Mock-TPS: %+v", p)
	}
}
