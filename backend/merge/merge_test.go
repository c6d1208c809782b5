package merge

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/sse"
)

// ev builds events from "type|data" strings ("data" alone means type message).
func evs(specs ...string) []sse.Event {
	out := make([]sse.Event, 0, len(specs))
	for _, s := range specs {
		typ, data, ok := strings.Cut(s, "|")
		if !ok || strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
			typ, data = "message", s
		}
		out = append(out, sse.Event{Type: typ, Data: data})
	}
	return out
}

func mergeEvents(t *testing.T, o Options, events []sse.Event) Result {
	t.Helper()
	m, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, e := range events {
		m.Add(e)
	}
	return m.End()
}

func str(s string) *string { return &s }

// want lists the fields a case checks; zero values are checked too except
// where noted.
type want struct {
	format, content, reasoning, refusal string
	finish                              *string
	tools                               []ToolCall // nil: expect none
	usage                               string     // JSON, "" for null
	err                                 *StreamError
	complete                            bool
	verdict                             string
	invalid                             int
	choices                             []Choice // nil: expect none
	signature, encrypted, toolPlan      string
	warning                             string // a substring of one warning, when set
}

func check(t *testing.T, got Result, w want) {
	t.Helper()
	if got.Format != w.format {
		t.Errorf("format = %q, want %q", got.Format, w.format)
	}
	if got.Content != w.content {
		t.Errorf("content = %q, want %q", got.Content, w.content)
	}
	if got.Reasoning != w.reasoning {
		t.Errorf("reasoning = %q, want %q", got.Reasoning, w.reasoning)
	}
	if got.Refusal != w.refusal {
		t.Errorf("refusal = %q, want %q", got.Refusal, w.refusal)
	}
	if deref(got.FinishReason) != deref(w.finish) {
		t.Errorf("finish_reason = %v, want %v", deref(got.FinishReason), deref(w.finish))
	}
	gt, _ := json.Marshal(got.ToolCalls)
	wt, _ := json.Marshal(w.tools)
	if w.tools == nil {
		wt = []byte("[]")
	}
	if string(gt) != string(wt) {
		t.Errorf("tool_calls = %s\nwant %s", gt, wt)
	}
	gu, _ := json.Marshal(got.Usage)
	wu := w.usage
	if wu == "" {
		wu = "null"
	}
	if string(gu) != wu {
		t.Errorf("usage = %s, want %s", gu, wu)
	}
	ge, _ := json.Marshal(got.Error)
	we, _ := json.Marshal(w.err)
	if string(ge) != string(we) {
		t.Errorf("error = %s, want %s", ge, we)
	}
	if got.Complete != w.complete || got.Verdict != w.verdict {
		t.Errorf("complete/verdict = %v/%s, want %v/%s", got.Complete, got.Verdict, w.complete, w.verdict)
	}
	if got.InvalidEvents != w.invalid {
		t.Errorf("invalid_events = %d, want %d", got.InvalidEvents, w.invalid)
	}
	gc, _ := json.Marshal(got.Choices)
	wc, _ := json.Marshal(w.choices)
	if string(gc) != string(wc) {
		t.Errorf("choices = %s\nwant %s", gc, wc)
	}
	if got.ReasoningSignature != w.signature || got.EncryptedReasoning != w.encrypted || got.ToolPlan != w.toolPlan {
		t.Errorf("signature/encrypted/tool_plan = %q/%q/%q, want %q/%q/%q", got.ReasoningSignature,
			got.EncryptedReasoning, got.ToolPlan, w.signature, w.encrypted, w.toolPlan)
	}
	if w.warning != "" && !strings.Contains(strings.Join(got.Warnings, "\n"), w.warning) {
		t.Errorf("warnings = %q, want one containing %q", got.Warnings, w.warning)
	}
}

func TestMergeEvents(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		opts   Options
		events []sse.Event
		want   want
	}{
		{
			name: "openai text, usage chunk after finish, exact big numbers",
			events: evs(
				`{"id":"c1","model":"gpt","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}]}`,
				`{"id":"c1","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}`,
				`{"id":"c1","choices":[{"index":0,"delta":{"content":"lo \u00e9\ud83d\ude00\n"},"finish_reason":null}]}`,
				`{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
				`{"id":"c1","choices":[],"usage":{"prompt_tokens":12345678901,"completion_tokens":2,"cost":0.10000000000000001}}`,
				`[DONE]`),
			want: want{format: "openai-chat", content: "Hello é😀\n", finish: str("stop"),
				usage:    `{"completion_tokens":2,"cost":0.10000000000000001,"prompt_tokens":12345678901}`,
				complete: true, verdict: VerdictComplete},
		},
		{
			name: "openai cut off: no [DONE]",
			events: evs(
				`{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}`,
				`{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`),
			want: want{format: "openai-chat", content: "Hi", finish: str("stop"), verdict: VerdictCutOff,
				warning: "cut off before the [DONE] end marker"},
		},
		{
			name: "openai length is max_tokens; invalid event counted and skipped",
			events: evs(
				`{"choices":[{"index":0,"delta":{"content":"a"}}]}`,
				`{"choices":[{"index":0,"delta":{"content":"b"}}`,
				`not json`,
				`{"choices":[{"index":0,"delta":{"content":"c"},"finish_reason":"length"}]}`,
				`[DONE]`),
			want: want{format: "openai-chat", content: "ac", finish: str("length"), complete: true,
				verdict: VerdictMaxTokens, invalid: 2},
		},
		{
			name: "openai error inside a 200 stream keeps partial content",
			events: evs(
				`{"choices":[{"index":0,"delta":{"content":"par"}}]}`,
				`{"error":{"message":"The server had an error","type":"server_error","code":null,"param":null}}`),
			want: want{format: "openai-chat", content: "par",
				err: &StreamError{Message: "The server had an error", Type: "server_error"}, verdict: VerdictError},
		},
		{
			name: "openai tool calls: index from 1, fragments, missing index, refusal",
			events: evs(
				`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_a","type":"function","function":{"name":"get","arguments":""}}]}}]}`,
				`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"q\":"}}]}}]}`,
				`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":3,"id":"call_b","function":{"name":"put","arguments":"{}"}}]}}]}`,
				`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"ignored","function":{"name":"ignored","arguments":"1}"}}]}}]}`,
				`{"choices":[{"index":0,"delta":{"refusal":"I can't"}}]}`,
				`{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
				`[DONE]`),
			want: want{format: "openai-chat", refusal: "I can't", finish: str("tool_calls"),
				tools:    []ToolCall{{Index: 1, ID: "call_a", Name: "get", Arguments: `{"q":1}`}, {Index: 3, ID: "call_b", Name: "put", Arguments: "{}"}},
				complete: true, verdict: VerdictComplete},
		},
		{
			name: "tool calls without index are keyed by id, then order; bad arguments flagged at End",
			events: evs(
				`{"choices":[{"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{\"x\":"}}]}}]}`,
				`{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"1}"}}]}}]}`,
				`{"choices":[{"delta":{"tool_calls":[{"id":"b","function":{"name":"g","arguments":"{oops"}}]}}]}`,
				`[DONE]`),
			want: want{format: "openai-chat",
				tools: []ToolCall{{Index: 0, ID: "a", Name: "f", Arguments: `{"x":1}`},
					{Index: 1, ID: "b", Name: "g", Arguments: "{oops", ArgumentsError: "arguments are not valid JSON: invalid character 'o' looking for beginning of object key string"}},
				complete: true, verdict: VerdictComplete, warning: "tool call 1 (g)"},
		},
		{
			name: "n=2 interleaved choices; top level mirrors choice 0",
			events: evs(
				`{"choices":[{"index":1,"delta":{"content":"B1"}}]}`,
				`{"choices":[{"index":0,"delta":{"content":"A1","reasoning_content":"r"}}]}`,
				`{"choices":[{"index":1,"delta":{"content":"B2"},"finish_reason":"length"}]}`,
				`{"choices":[{"index":0,"delta":{"content":"A2"},"finish_reason":"stop"}]}`,
				`[DONE]`),
			want: want{format: "openai-chat", content: "A1A2", reasoning: "r", finish: str("stop"), complete: true,
				verdict: VerdictComplete, choices: []Choice{
					{Index: 0, Content: "A1A2", Reasoning: "r", ToolCalls: []ToolCall{}, FinishReason: str("stop")},
					{Index: 1, Content: "B1B2", ToolCalls: []ToolCall{}, FinishReason: str("length")}}},
		},
		{
			name: "Groq usage in x_groq; vLLM error object",
			events: evs(
				`{"id":"g","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"completion_tokens":1,"completion_time":0.001}}}`,
				`{"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}`,
				`[DONE]`),
			want: want{format: "openai-chat", content: "x", finish: str("stop"), usage: `{"completion_time":0.001,"completion_tokens":1}`,
				err:     &StreamError{Message: "This model's maximum context length is 4096 tokens.", Type: "BadRequestError", Code: "400"},
				verdict: VerdictError},
		},
		{
			name:   "vLLM error object before any chunk",
			events: evs(`{"object":"error","message":"boom","type":"InternalServerError","param":null,"code":500}`),
			want: want{format: FormatUnknown, err: &StreamError{Message: "boom", Type: "InternalServerError", Code: "500"},
				verdict: VerdictError},
		},
		{
			name: "openai-compatible reasoning field and Mistral typed parts",
			events: evs(
				`{"choices":[{"index":0,"delta":{"reasoning":"think ","reasoning_content":""}}]}`,
				`{"choices":[{"index":0,"delta":{"reasoning":"dup","reasoning_content":"dup"}}]}`,
				`{"choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"more"}]},{"type":"text","text":"answer"}]}}]}`,
				`[DONE]`),
			want: want{format: "openai-chat", content: "answer", reasoning: "think dupmore", complete: true, verdict: VerdictComplete},
		},
		{
			name:   "non-streamed chat.completion body is complete on its own",
			events: evs(`{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}],"usage":{"total_tokens":3}}`),
			want: want{format: "openai-chat", content: "whole", finish: str("stop"), usage: `{"total_tokens":3}`,
				complete: true, verdict: VerdictComplete},
		},
		{
			name: "responses: two summary parts joined by a blank line, encrypted reasoning, incomplete",
			events: evs(
				`response.created|{"type":"response.created","response":{"id":"resp_1","model":"o4","status":"in_progress"}}`,
				`response.output_item.added|{"type":"response.output_item.added","item":{"id":"rs_1","type":"reasoning","encrypted_content":"enc1"}}`,
				`response.reasoning_summary_text.delta|{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","summary_index":0,"delta":"Part one"}`,
				`response.reasoning_summary_text.delta|{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","summary_index":1,"delta":"Part two"}`,
				`response.output_item.done|{"type":"response.output_item.done","item":{"id":"rs_1","type":"reasoning","encrypted_content":"enc2"}}`,
				`response.output_text.delta|{"type":"response.output_text.delta","item_id":"m","delta":"Out"}`,
				`response.incomplete|{"type":"response.incomplete","response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"output_tokens":9}}}`),
			want: want{format: "openai-responses", content: "Out", reasoning: "Part one\n\nPart two", finish: str("incomplete"),
				usage: `{"output_tokens":9}`, encrypted: "enc2", complete: true, verdict: VerdictMaxTokens},
		},
		{
			name: "responses: incomplete because of the content filter is not a token limit",
			events: evs(
				`response.output_text.delta|{"type":"response.output_text.delta","delta":"Par"}`,
				`response.incomplete|{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"content_filter"}}}`),
			want: want{format: "openai-responses", content: "Par", finish: str("incomplete"), complete: true, verdict: VerdictComplete},
		},
		{
			name: "responses: function call keyed by item id, call_id as id, done arguments as fallback",
			events: evs(
				`response.output_item.added|{"type":"response.output_item.added","item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"calc","arguments":""}}`,
				`response.function_call_arguments.delta|{"type":"response.function_call_arguments.delta","item_id":"fc_1","delta":"{\"a\":"}`,
				`response.output_item.added|{"type":"response.output_item.added","item":{"id":"fc_2","type":"function_call","call_id":"call_2","name":"noop","arguments":""}}`,
				`response.function_call_arguments.delta|{"type":"response.function_call_arguments.delta","item_id":"fc_1","delta":"1}"}`,
				`response.function_call_arguments.done|{"type":"response.function_call_arguments.done","item_id":"fc_2","arguments":"{\"z\":0}"}`,
				`response.completed|{"type":"response.completed","response":{"status":"completed"}}`),
			want: want{format: "openai-responses", finish: str("completed"), complete: true, verdict: VerdictComplete,
				tools: []ToolCall{{Index: 0, ID: "call_1", Name: "calc", Arguments: `{"a":1}`}, {Index: 1, ID: "call_2", Name: "noop", Arguments: `{"z":0}`}}},
		},
		{
			name: "responses: documented error shape then response.failed",
			events: evs(
				`response.created|{"type":"response.created","response":{"id":"r"}}`,
				`error|{"type":"error","code":"rate_limit_exceeded","message":"Slow down","param":null}`,
				`response.failed|{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"other"}}}`),
			want: want{format: "openai-responses", finish: str("failed"),
				err: &StreamError{Message: "Slow down", Type: "rate_limit_exceeded", Code: "rate_limit_exceeded"}, verdict: VerdictError},
		},
		{
			name: "anthropic: thinking with signature, tool_use with streamed input, usage snapshots combined",
			events: evs(
				`message_start|{"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":10,"output_tokens":1,"cache":{"a":1}}}}`,
				`content_block_start|{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}`,
				`ping|{"type": "ping"}`,
				`content_block_delta|{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm"}}`,
				`content_block_delta|{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig=="}}`,
				`content_block_stop|{"type":"content_block_stop","index":0}`,
				`content_block_start|{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`,
				`content_block_delta|{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}}`,
				`content_block_start|{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"w","input":{}}}`,
				`content_block_delta|{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}`,
				`content_block_delta|{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"c\": 1}"}}`,
				`content_block_start|{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_2","name":"v","input":{}}}`,
				`content_block_stop|{"type":"content_block_stop","index":3}`,
				`message_delta|{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":50,"cache":{"b":2}}}`,
				`message_stop|{"type":"message_stop"}`),
			want: want{format: "anthropic", content: "Hi", reasoning: "Hmm", finish: str("max_tokens"), signature: "sig==",
				usage: `{"cache":{"a":1,"b":2},"input_tokens":10,"output_tokens":50}`, complete: true, verdict: VerdictMaxTokens,
				tools: []ToolCall{{Index: 0, ID: "toolu_1", Name: "w", Arguments: `{"c": 1}`}, {Index: 1, ID: "toolu_2", Name: "v", Arguments: "{}"}}},
		},
		{
			name: "anthropic error event mid-stream, no message_stop",
			events: evs(
				`message_start|{"type":"message_start","message":{"id":"m","usage":{"input_tokens":1}}}`,
				`content_block_start|{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
				`content_block_delta|{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"part"}}`,
				`error|{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}`),
			want: want{format: "anthropic", content: "part", usage: `{"input_tokens":1}`,
				err: &StreamError{Message: "Overloaded", Type: "overloaded_error"}, verdict: VerdictError},
		},
		{
			name: "anthropic cut off before message_stop; redacted thinking kept",
			events: evs(
				`message_start|{"type":"message_start","message":{"id":"m"}}`,
				`content_block_start|{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"opaque"}}`,
				`content_block_start|{"type":"content_block_start","index":1,"content_block":{"type":"text","text":"So"}}`),
			want: want{format: "anthropic", content: "So", encrypted: "opaque", verdict: VerdictCutOff},
		},
		{
			name: "gemini: thought parts, args objects, streamed partialArgs, n=2 candidates, usage last wins",
			events: evs(
				`{"candidates":[{"content":{"parts":[{"text":"plan","thought":true},{"text":"Hi"}]},"index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}}`,
				`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"b": 2, "a": [1, "x"]}},"thoughtSignature":"ts"}]}}]}`,
				`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"g","willContinue":true}}]}}]}`,
				`{"candidates":[{"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.q","stringValue":"par","willContinue":true},{"jsonPath":"$.n","numberValue":4}],"willContinue":true}}]}}]}`,
				`{"candidates":[{"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.q","stringValue":"is\""},{"jsonPath":"$.o.k[1]","boolValue":true}],"willContinue":true}}]}}]}`,
				`{"candidates":[{"content":{"parts":[{"functionCall":{}}]}}]}`,
				`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"h"}}]}}]}`,
				`{"candidates":[{"content":{"parts":[{"text":"B"}]},"index":1,"finishReason":"MAX_TOKENS"}]}`,
				`{"candidates":[{"content":{"parts":[{"text":""}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":12345678901}}`),
			want: want{format: "gemini", content: "Hi", reasoning: "plan", finish: str("STOP"), signature: "ts",
				usage:    `{"candidatesTokenCount":12345678901,"promptTokenCount":3}`,
				complete: true, verdict: VerdictComplete,
				tools: []ToolCall{{Index: 0, Name: "f", Arguments: `{"b":2,"a":[1,"x"]}`},
					{Index: 1, Name: "g", Arguments: `{"q":"paris\"","n":4,"o":{"k":[null,true]}}`},
					{Index: 2, Name: "h", Arguments: "{}"}},
				choices: []Choice{
					{Index: 0, Content: "Hi", Reasoning: "plan", FinishReason: str("STOP"), ToolCalls: []ToolCall{
						{Index: 0, Name: "f", Arguments: `{"b":2,"a":[1,"x"]}`},
						{Index: 1, Name: "g", Arguments: `{"q":"paris\"","n":4,"o":{"k":[null,true]}}`},
						{Index: 2, Name: "h", Arguments: "{}"}}},
					{Index: 1, Content: "B", FinishReason: str("MAX_TOKENS"), ToolCalls: []ToolCall{}}}},
		},
		{
			name: "gemini: an open streamed call is closed at End; error object",
			events: evs(
				`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"g","willContinue":true}}]}}]}`,
				`{"candidates":[{"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.id","stringValue":"A"}],"willContinue":true}}]}}]}`,
				`{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}`),
			want: want{format: "gemini", tools: []ToolCall{{Index: 0, Name: "g", Arguments: `{"id":"A"}`}},
				err: &StreamError{Message: "The model is overloaded.", Type: "UNAVAILABLE", Code: "503"}, verdict: VerdictError},
		},
		{
			name: "gemini cut off: a candidate without finishReason when the input ends",
			events: evs(
				`{"candidates":[{"content":{"parts":[{"text":"A"}]},"index":0,"finishReason":"STOP"}]}`,
				`{"candidates":[{"content":{"parts":[{"text":"B"}]},"index":1}]}`),
			want: want{format: "gemini", content: "A", finish: str("STOP"), verdict: VerdictCutOff,
				choices: []Choice{{Index: 0, Content: "A", FinishReason: str("STOP"), ToolCalls: []ToolCall{}},
					{Index: 1, Content: "B", ToolCalls: []ToolCall{}}}},
		},
		{
			name:   "gemini blocked prompt ends the stream",
			events: evs(`{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7}}`),
			want: want{format: "gemini", finish: str("SAFETY"), usage: `{"promptTokenCount":7}`,
				complete: true, verdict: VerdictComplete},
		},
		{
			name: "ollama native: thinking, object arguments, done line counters",
			events: evs(
				`{"model":"qwen3","message":{"role":"assistant","content":"","thinking":"t"},"done":false}`,
				`{"model":"qwen3","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"a","arguments":{"x":1}}},{"function":{"name":"b","arguments":{}}}]},"done":false}`,
				`{"model":"qwen3","message":{"role":"assistant","content":"ok"},"done":false}`,
				`{"model":"qwen3","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","eval_count":7,"total_duration":12345678901}`),
			want: want{format: "ollama", content: "ok", reasoning: "t", finish: str("length"),
				usage:    `{"eval_count":7,"total_duration":12345678901}`,
				complete: true, verdict: VerdictMaxTokens,
				tools: []ToolCall{{Index: 0, Name: "a", Arguments: `{"x":1}`}, {Index: 1, Name: "b", Arguments: `{}`}}},
		},
		{
			name: "ollama generate and error line",
			events: evs(
				`{"model":"llama","created_at":"t","response":"Hel","done":false}`,
				`{"error":"an error was encountered while running the model"}`),
			want: want{format: "ollama", content: "Hel",
				err: &StreamError{Message: "an error was encountered while running the model", Type: "error"}, verdict: VerdictError},
		},
		{
			name: "cohere: thinking, text, tool plan, tool calls, message-end",
			events: evs(
				`message-start|{"id":"c1","type":"message-start","delta":{"message":{"role":"assistant"}}}`,
				`content-start|{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"thinking","thinking":""}}}}`,
				`content-delta|{"type":"content-delta","index":0,"delta":{"message":{"content":{"thinking":"hm"}}}}`,
				`content-delta|{"type":"content-delta","index":1,"delta":{"message":{"content":{"text":"Yes"}}}}`,
				`tool-plan-delta|{"type":"tool-plan-delta","delta":{"message":{"tool_plan":"I will"}}}`,
				`tool-call-start|{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"w_1","type":"function","function":{"name":"weather","arguments":""}}}}}`,
				`tool-call-delta|{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"{}"}}}}}`,
				`tool-call-end|{"type":"tool-call-end","index":0}`,
				`message-end|{"type":"message-end","delta":{"finish_reason":"MAX_TOKENS","usage":{"tokens":{"output_tokens":5}}}}`),
			want: want{format: "cohere", content: "Yes", reasoning: "hm", toolPlan: "I will", finish: str("MAX_TOKENS"),
				usage: `{"tokens":{"output_tokens":5}}`, complete: true, verdict: VerdictMaxTokens,
				tools: []ToolCall{{Index: 0, ID: "w_1", Name: "weather", Arguments: "{}"}}},
		},
		{
			name: "vercel ui: reasoning, text, tool input and output, finish, [DONE]",
			events: evs(
				`{"type":"start","messageId":"msg-1"}`,
				`{"type":"reasoning-delta","id":"1","delta":"r"}`,
				`{"type":"text-delta","id":"1","delta":"T"}`,
				`{"type":"tool-input-start","toolCallId":"c1","toolName":"t"}`,
				`{"type":"tool-input-delta","toolCallId":"c1","inputTextDelta":"{\"v\":"}`,
				`{"type":"tool-input-delta","toolCallId":"c1","inputTextDelta":"1}"}`,
				`{"type":"tool-input-available","toolCallId":"c1","toolName":"t","input":{"v":1}}`,
				`{"type":"tool-input-available","toolCallId":"c2","toolName":"u","input":{"w": 2}}`,
				`{"type":"tool-output-available","toolCallId":"c1","output":{"ok":true}}`,
				`{"type":"finish","finishReason":"stop"}`,
				`[DONE]`),
			want: want{format: "vercel-ui", content: "T", reasoning: "r", finish: str("stop"), complete: true, verdict: VerdictComplete,
				tools: []ToolCall{{Index: 0, ID: "c1", Name: "t", Arguments: `{"v":1}`, Output: map[string]any{"ok": true}},
					{Index: 1, ID: "c2", Name: "u", Arguments: `{"w":2}`}}},
		},
		{
			name: "vercel ui error part",
			events: evs(
				`{"type":"start"}`,
				`{"type":"text-delta","id":"1","delta":"x"}`,
				`{"type":"error","errorText":"boom"}`,
				`[DONE]`),
			want: want{format: "vercel-ui", content: "x", err: &StreamError{Message: "boom", Type: "error"}, verdict: VerdictError},
		},
		{
			name:   "forced format ignores events of another shape",
			opts:   Options{Format: FormatAnthropic},
			events: evs(`{"choices":[{"index":0,"delta":{"content":"x"}}]}`, `[DONE]`),
			want:   want{format: "anthropic", verdict: VerdictCutOff, warning: "[DONE] event arrived in a anthropic stream"},
		},
		{
			name:   "unknown format: plain text events are invalid, stream complete at end of input",
			events: evs(`hello`, `world`, `[1,2]`, `"text"`, `{"unrelated":true}`),
			want:   want{format: FormatUnknown, invalid: 4, complete: true, verdict: VerdictComplete},
		},
		{
			name: "empty stream is cut off",
			want: want{format: FormatUnknown, verdict: VerdictCutOff},
		},
		{
			name:   "script format only counts events",
			opts:   Options{Format: FormatScript},
			events: evs(`{"choices":[{"index":0,"delta":{"content":"x"}}]}`, `nonsense`),
			want:   want{format: "script", complete: true, verdict: VerdictComplete},
		},
		{
			name: "jsonpath rules: content, reasoning, stop; numbers rendered as JSON; error member",
			opts: Options{ContentPath: "$.choices[*].delta.content", ReasoningPath: "$.r", StopPath: "$.stop"},
			events: evs(
				`{"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}],"r":"x"}`,
				`{"choices":[{"delta":{"content":12345678901}}],"stop":"end"}`,
				`{"choices":[{"delta":{"content":null}}]}`,
				`{oops`,
				`[DONE]`),
			want: want{format: "jsonpath", content: "ab12345678901", reasoning: "x", finish: str("end"),
				complete: true, verdict: VerdictComplete, invalid: 1},
		},
		{
			name:   "jsonpath rule that panics inside ojg is reported, not a crash",
			opts:   Options{ContentPath: "$.b[?(@ == [1,2])]"},
			events: evs(`{"b":{"c":[1,2]}}`, `{"b":{"c":[1,2]}}`, `{"error":{"message":"bad","type":"t"}}`),
			want: want{format: "jsonpath", err: &StreamError{Message: "bad", Type: "t"}, verdict: VerdictError,
				warning: `content path "$.b[?(@ == [1,2])]" failed on event 1: runtime error`},
		},
		{
			name: "events after the end marker are merged and flagged",
			events: evs(
				`{"choices":[{"index":0,"delta":{"content":"a"}}]}`, `[DONE]`,
				`{"choices":[{"index":0,"delta":{"content":"b"}}]}`),
			want: want{format: "openai-chat", content: "ab", complete: true, verdict: VerdictComplete,
				warning: "1 event(s) arrived after the end marker"},
		},
		{
			name:   "error event with non-JSON data",
			events: evs(`{"choices":[{"index":0,"delta":{"content":"a"}}]}`, `error|upstream timeout`),
			want: want{format: "openai-chat", content: "a", invalid: 1,
				err: &StreamError{Message: "upstream timeout", Type: "error"}, verdict: VerdictError},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			check(t, mergeEvents(t, c.opts, c.events), c.want)
		})
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		opts Options
		want string
	}{
		{Options{Format: "openai"}, `unknown format "openai" (want one of openai-chat, `},
		{Options{ContentPath: "$.x["}, `content path "$.x[" does not parse: not terminated`},
		{Options{ContentPath: "$.a", ReasoningPath: "$[?(@.a > {})]"}, `reasoning path "$[?(@.a > {})]" does not parse`},
		{Options{ContentPath: "$.a", StopPath: "$$$"}, `stop path "$$$" does not parse`},
		{Options{Format: FormatJSONPath}, `format "jsonpath" needs a content path`},
		{Options{ReasoningPath: "$.r"}, `format "jsonpath" needs a content path`},
		{Options{Format: FormatGemini, ContentPath: "$.a"}, `JSONPath rules need format "jsonpath", not "gemini"`},
	}
	for _, c := range cases {
		_, err := New(c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want error containing %q", c.opts, err, c.want)
		}
	}
	for _, f := range Formats {
		o := Options{Format: f}
		if f == FormatJSONPath {
			o.ContentPath = "$.x"
		}
		if _, err := New(o); err != nil {
			t.Errorf("New(%q): %v", f, err)
		}
	}
}

func TestRuleMatches(t *testing.T) {
	t.Parallel()
	m, err := New(Options{ContentPath: "$.c", ReasoningPath: "$.r", StopPath: "$.s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs(`{"c":"a"}`, `{"c":"b","r":"x"}`, `{"z":1}`, `{"s":"done","c":null}`) {
		m.Add(e)
	}
	if c, r, s := m.RuleMatches(); c != 2 || r != 1 || s != 1 {
		t.Errorf("RuleMatches = %d, %d, %d; want 2, 1, 1", c, r, s)
	}
	if c, r, s := m.RuleErrors(); c != "" || r != "" || s != "" {
		t.Errorf("RuleErrors = %q %q %q", c, r, s)
	}
	bad, _ := New(Options{ContentPath: "$.c", ReasoningPath: "$.b[?(@ == [1,2])]"})
	bad.Add(sse.Event{Type: "message", Data: `{"c":"x","b":{"k":[1,2]}}`})
	bad.Add(sse.Event{Type: "message", Data: `{"c":"y","b":{"k":[1,2]}}`})
	if c, r, _ := bad.RuleErrors(); c != "" || !strings.HasPrefix(r, `reasoning path "$.b[?(@ == [1,2])]" failed on event 1: `) {
		t.Errorf("RuleErrors = %q, %q", c, r)
	}
	if got := bad.End(); got.Content != "xy" || len(got.Warnings) != 1 {
		t.Errorf("content %q, warnings %q", got.Content, got.Warnings)
	}
	if err := ValidatePath("$.a[?(@.b == 1)]"); err != nil {
		t.Errorf("ValidatePath: %v", err)
	}
	if err := ValidatePath("$.a[?(@.b == "); err == nil {
		t.Error("ValidatePath accepted a broken rule")
	}
	m2, _ := New(Options{})
	if c, r, s := m2.RuleMatches(); c+r+s != 0 {
		t.Errorf("RuleMatches without rules = %d %d %d", c, r, s)
	}
}

func TestResultSnapshots(t *testing.T) {
	t.Parallel()
	m, _ := New(Options{})
	if r := m.Result(); r.Verdict != VerdictStreaming || r.Complete || r.Format != FormatUnknown || r.ToolCalls == nil {
		t.Errorf("fresh Result = %+v", r)
	}
	m.Add(sse.Event{Type: "message", Data: `{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"n":{"x":1}}}`})
	r1 := m.Result()
	m.Add(sse.Event{Type: "message", Data: `{"choices":[{"index":0,"delta":{"content":"b"}}],"usage":{"n":{"x":2}}}`})
	if r1.Content != "a" || r1.Verdict != VerdictStreaming || r1.Events != 1 {
		t.Errorf("first snapshot changed or wrong: %+v", r1)
	}
	if got := r1.Usage["n"].(map[string]any)["x"]; got != json.Number("1") {
		t.Errorf("snapshot usage mutated by a later event: %v", got)
	}
	m.Add(sse.Event{Type: "message", Data: "[DONE]"})
	end := m.End()
	if end.Content != "ab" || !end.Complete || end.Events != 3 || end.Verdict != VerdictComplete {
		t.Errorf("End = %+v", end)
	}
	if again := m.Result(); again.Verdict != VerdictComplete {
		t.Errorf("Result after End has verdict %q", again.Verdict)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	m, _ := New(Options{})
	events := evs(
		`{"choices":[{"index":0,"delta":{"role":"assistant"}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"a"}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"b"}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"c"}}]}`,
		`[DONE]`)
	at := []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 1800 * time.Millisecond, 2300 * time.Millisecond, 2400 * time.Millisecond}
	if x := m.Metrics(); x.FirstEventMS != -1 || x.FirstContentMS != -1 || x.Events != 0 {
		t.Errorf("empty metrics = %+v", x)
	}
	for i, e := range events {
		m.AddTimed(e, at[i])
	}
	x := m.Metrics()
	if x.Events != 5 || x.ContentEvents != 3 || x.FirstEventMS != 100 || x.FirstContentMS != 300 ||
		x.LastContentMS != 2300 || x.LastEventMS != 2400 || x.Tokens != 3 || x.TokensFromUsage {
		t.Errorf("metrics = %+v", x)
	}
	if x.TokensPerSecond != 1.5 {
		t.Errorf("tokens/s = %v, want 1.5", x.TokensPerSecond)
	}
	if x.MaxGapMS != 1500 || x.MaxGapAfter != 2 || len(x.Gaps) != 1 || x.Gaps[0] != (Gap{AfterEvent: 2, MS: 1500}) {
		t.Errorf("gaps = %v max %v after %d", x.Gaps, x.MaxGapMS, x.MaxGapAfter)
	}
	m2, _ := New(Options{})
	m2.AddTimed(sse.Event{Type: "message_delta", Data: `{"type":"message_delta","usage":{"output_tokens":40}}`}, time.Second)
	m2.AddTimed(sse.Event{Type: "content_block_delta", Data: `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}`}, 2*time.Second)
	m2.AddTimed(sse.Event{Type: "content_block_delta", Data: `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"y"}}`}, 4*time.Second)
	if x := m2.Metrics(); x.Tokens != 40 || !x.TokensFromUsage || x.TokensPerSecond != 20 {
		t.Errorf("usage-based metrics = %+v", x)
	}
}

func TestLooksLikeNDJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want bool
	}{
		{`{"a":1}` + "\n" + `{"b":2}` + "\n", true},
		{"\r\n  \ufeff{\"a\":1}", true},
		{`data: {"a":1}` + "\n\n", false},
		{`{"a":1}` + "\ndata: x\n", false},
		{"event: x\ndata: {}\n\n", false},
		{"", false},
		{"[1,2]\n", false},
		{": comment\n{\"a\":1}\n", false},
	}
	for _, c := range cases {
		if got := LooksLikeNDJSON([]byte(c.in)); got != c.want {
			t.Errorf("LooksLikeNDJSON(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	cases := []struct {
		typ, data, want string
	}{
		{"message", `{"choices":[]}`, FormatOpenAIChat},
		{"message", `{"object":"chat.completion.chunk"}`, FormatOpenAIChat},
		{"response.created", `{"sequence_number":0}`, FormatOpenAIResponses},
		{"message", `{"type":"response.output_text.delta"}`, FormatOpenAIResponses},
		{"message_start", `{"type":"message_start"}`, FormatAnthropic},
		{"message", `{"type":"content_block_delta"}`, FormatAnthropic},
		{"message-start", `{"id":"x"}`, FormatCohere},
		{"message", `{"type":"text-delta","id":"1","delta":"x"}`, FormatVercelUI},
		{"message", `{"type":"data-weather","data":{}}`, FormatVercelUI},
		{"message", `{"candidates":[]}`, FormatGemini},
		{"message", `{"usageMetadata":{}}`, FormatGemini},
		{"message", `{"model":"m","created_at":"t","message":{},"done":false}`, FormatOllama},
		{"message", `{"index":1,"token":{"id":5,"text":"a","special":false},"generated_text":null,"details":null}`, FormatTGI},
		{"message", `{"token":{"id":1,"special":false,"text":"x"}}`, FormatTGI},
		{"message", `{"error":"Input validation error","error_type":"validation"}`, FormatTGI},
		{"message", `{"index":0,"content":"x","tokens":[1],"stop":false,"id_slot":-1}`, FormatLlamaCpp},
		{"message", `{"content":"","stop":true,"stop_type":"eos"}`, FormatLlamaCpp},
		{"message", `{"is_finished":false,"event_type":"stream-start","generation_id":"g"}`, FormatCohereV1},
		{"message", `{"event_type":"text-generation","text":"x"}`, FormatCohereV1},
		{"message", `{"event_type":"debug","prompt":"p"}`, ""},
		{"message", `{"generated_text":"x"}`, FormatTGI},
		{"message", `{"generated_text":"x","details":{"finish_reason":"length"}}`, FormatTGI},
		{"message", `{"generated_text":"x","other":1}`, ""},
		{"message", `{"response_id":"r","text":"x","generation_id":"g","meta":{}}`, FormatCohereV1},
		{"message", `{"text":"x","generation_id":"g"}`, ""},
		{"message", `{"content":"x","stop":"no"}`, ""},
		{"message", `{"error":"x"}`, ""},
		{"message", `{"error":{"message":"x"}}`, ""},
		{"error", `{"type":"error","error":{}}`, ""},
		{"message", `{"foo":1}`, ""},
	}
	for _, c := range cases {
		var d jdoc
		if !d.parse(c.data) {
			t.Fatalf("parse %s", c.data)
		}
		if got := detect(&d, c.typ); got != c.want {
			t.Errorf("detect(%s, %s) = %q, want %q", c.typ, c.data, got, c.want)
		}
	}
}

// TestMergeUsage checks the in-place usage merge against a reference that
// decodes every snapshot with encoding/json and merges maps key-wise.
func TestMergeUsage(t *testing.T) {
	t.Parallel()
	snapshots := []string{
		`{"a":1,"arr":[1,{"m":2}],"s":"x","n":null,"b":true,"o":{"p":1,"q":[1]}}`,
		`{"a":1,"arr":[1,{"m":2}],"s":"x","n":null,"b":true,"o":{"p":1,"q":[1]}}`,
		`{"a":2,"arr":[1,{"m":3}],"s":"y","n":0,"b":false,"o":{"q":[1,2]}}`,
		`{"arr":[1],"o":{"r":{"deep":true}},"new":12345678901234567890}`,
		`{"arr":[1,2],"o":"flat now","b":true,"s":null}`,
		`{"o":{"again":1},"arr":{"k":[]}}`,
	}
	m, _ := New(Options{Format: FormatOpenAIChat})
	ref := map[string]any{}
	var mergeRef func(dst, src map[string]any)
	mergeRef = func(dst, src map[string]any) {
		for k, v := range src {
			if sm, ok := v.(map[string]any); ok {
				if dm, ok := dst[k].(map[string]any); ok {
					mergeRef(dm, sm)
					continue
				}
			}
			dst[k] = v
		}
	}
	for i, s := range snapshots {
		m.Add(sse.Event{Type: "message", Data: `{"choices":[],"usage":` + s + `}`})
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var v map[string]any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		mergeRef(ref, v)
		got, _ := json.Marshal(m.Result().Usage)
		want, _ := json.Marshal(ref)
		if string(got) != string(want) {
			t.Errorf("after snapshot %d: usage = %s, want %s", i, got, want)
		}
	}
}

// TestEndThenMore covers a stream that goes on after End (a reconnect): End
// judges the whole stream each time it is called.
func TestEndThenMore(t *testing.T) {
	t.Parallel()
	m, _ := New(Options{})
	m.Add(sse.Event{Type: "message", Data: `{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\":"}}]}}]}`})
	r := m.End()
	if r.Complete || r.Verdict != VerdictCutOff || r.ToolCalls[0].ArgumentsError == "" {
		t.Errorf("first End = %+v", r)
	}
	m.Add(sse.Event{Type: "message", Data: `{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":"tool_calls"}]}`})
	m.Add(sse.Event{Type: "message", Data: `[DONE]`})
	r = m.End()
	if !r.Complete || r.Verdict != VerdictComplete || r.ToolCalls[0].ArgumentsError != "" || r.ToolCalls[0].Arguments != `{"a":1}` {
		t.Errorf("second End = %+v", r)
	}
}

// TestManyUnindexedToolCalls: calls without index are found by id in
// constant time, and warnings stay bounded.
func TestManyUnindexedToolCalls(t *testing.T) {
	t.Parallel()
	m, _ := New(Options{})
	const n = 3000
	for i := 0; i < n; i++ {
		id := strings.Repeat("x", 3) + strconv.Itoa(i)
		m.Add(sse.Event{Type: "message", Data: `{"choices":[{"delta":{"tool_calls":[{"id":"` + id + `","function":{"name":"f","arguments":"{"}}]}}]}`})
		m.Add(sse.Event{Type: "message", Data: `{"choices":[{"delta":{"tool_calls":[{"id":"` + id + `","function":{"arguments":"}"}}]}}]}`})
	}
	m2, _ := New(Options{Format: FormatVercelUI})
	for i := 0; i < n; i++ {
		m2.Add(sse.Event{Type: "message", Data: `{"type":"tool-input-error","toolCallId":"c` + strconv.Itoa(i) + `","errorText":"bad"}`})
	}
	r := m.End()
	if len(r.ToolCalls) != n || r.ToolCalls[n-1].Arguments != "{}" || r.ToolCalls[n-1].Index != n-1 {
		t.Errorf("%d calls, last %+v", len(r.ToolCalls), r.ToolCalls[len(r.ToolCalls)-1])
	}
	if w := m2.End().Warnings; len(w) != maxWarnings {
		t.Errorf("%d warnings, want %d", len(w), maxWarnings)
	}
}

// TestEndCleanWithoutDone covers the contract's rule for OpenAI-style
// streams that never send [DONE]: complete when every choice sent a
// finish_reason and the body ended cleanly (EndClean), cut off otherwise.
func TestEndCleanWithoutDone(t *testing.T) {
	t.Parallel()
	finished := evs(
		`{"choices":[{"index":0,"delta":{"content":"A"}},{"index":1,"delta":{"content":"B"}}]}`,
		`{"choices":[{"index":1,"delta":{},"finish_reason":"length"}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
		`{"choices":[],"usage":{"total_tokens":3}}`)
	cases := []struct {
		name     string
		events   []sse.Event
		clean    bool
		complete bool
		verdict  string
		warning  string
	}{
		{"every choice finished, clean end", finished, true, true, VerdictComplete, ""},
		{"every choice finished, cut off", finished, false, false, VerdictCutOff, "cut off before the [DONE] end marker"},
		{"choice 1 unfinished, clean end", []sse.Event{finished[0], finished[2]}, true, false, VerdictCutOff, ""},
		{"choice 0 unfinished, clean end", finished[:2:2], true, false, VerdictCutOff, ""},
		{"finish length, clean end", evs(`{"choices":[{"delta":{"content":"x"},"finish_reason":"length"}]}`), true, true, VerdictMaxTokens, ""},
		{"no choice at all, clean end", evs(`{"choices":[],"usage":{"total_tokens":3}}`), true, false, VerdictCutOff, ""},
	}
	for _, tc := range cases {
		m, _ := New(Options{})
		for _, e := range tc.events {
			m.Add(e)
		}
		var r Result
		if tc.clean {
			r = m.EndClean()
		} else {
			r = m.End()
		}
		if r.Complete != tc.complete || r.Verdict != tc.verdict {
			t.Errorf("%s: complete/verdict = %v/%s, want %v/%s (warnings %q)", tc.name, r.Complete, r.Verdict, tc.complete, tc.verdict, r.Warnings)
		}
		if tc.warning != "" && !strings.Contains(strings.Join(r.Warnings, "\n"), tc.warning) {
			t.Errorf("%s: warnings = %q, want one containing %q", tc.name, r.Warnings, tc.warning)
		}
		if tc.complete && len(r.Warnings) > 0 {
			t.Errorf("%s: warnings on a complete stream: %q", tc.name, r.Warnings)
		}
	}

	// The last end decides: a clean end, then a reconnect whose body is cut.
	m, _ := New(Options{})
	for _, e := range finished {
		m.Add(e)
	}
	if r := m.EndClean(); !r.Complete {
		t.Fatalf("clean end: %+v", r)
	}
	m.Add(evs(`{"choices":[{"index":0,"delta":{"content":"C"}}]}`)[0])
	if r := m.End(); r.Complete || r.Verdict != VerdictCutOff {
		t.Fatalf("cut after a reconnect: complete/verdict = %v/%s", r.Complete, r.Verdict)
	}
	// Other formats are unaffected: Anthropic needs message_stop either way.
	a, _ := New(Options{})
	a.Add(sse.Event{Type: "message_delta", Data: `{"type":"message_delta","delta":{"stop_reason":"end_turn"}}`})
	if r := a.EndClean(); r.Complete {
		t.Fatalf("anthropic without message_stop complete on a clean end")
	}
}

// TestServerToolKinds covers which Responses items, Gemini parts and
// Vercel parts are provider-run tools and which the client answers.
func TestServerToolKinds(t *testing.T) {
	t.Parallel()
	item := func(done bool, js string) string {
		typ := "response.output_item.added"
		if done {
			typ = "response.output_item.done"
		}
		return typ + `|{"type":"` + typ + `","item":` + js + `}`
	}
	cases := []struct {
		name    string
		events  []sse.Event
		calls   string // "type name id args" per client call
		servers string // "type name id output?" per server tool
	}{
		{name: "responses: hosted shell with its output item, local shell, apply_patch, client tool_search",
			events: evs(
				item(true, `{"id":"sh_1","type":"shell_call","call_id":"call_sh1","action":{"commands":["ls"]},"environment":{"type":"container_reference","container_id":"c1"}}`),
				item(true, `{"id":"sho_1","type":"shell_call_output","call_id":"call_sh1","output":[{"stdout":"a\n"}]}`),
				item(true, `{"id":"sh_2","type":"shell_call","call_id":"call_sh2","action":{"commands":["pwd"]},"environment":null}`),
				item(true, `{"id":"ap_1","type":"apply_patch_call","call_id":"call_ap","operation":{"type":"delete_file","path":"x"}}`),
				item(false, `{"id":"ts_1","type":"tool_search_call","call_id":"call_old","execution":"client","arguments":{}}`),
				item(true, `{"id":"ts_1","type":"tool_search_call","call_id":"call_new","execution":"client","arguments":{"goal":"weather"}}`),
				item(true, `{"id":"ts_2","type":"tool_search_call","call_id":null,"execution":"server","arguments":{"paths":["w"]}}`),
				item(true, `{"id":"tso_2","type":"tool_search_output","call_id":null,"execution":"server","tools":[]}`),
				item(true, `{"id":"ig_1","type":"image_generation_call","status":"completed","result":"iVBOR"}`),
				`response.completed|{"type":"response.completed","response":{"status":"completed"}}`),
			calls: `shell_call shell call_sh2 {"commands":["pwd"]}; apply_patch_call apply_patch call_ap {"type":"delete_file","path":"x"}; ` +
				`tool_search_call tool_search call_new {"goal":"weather"}`,
			servers: "shell_call shell sh_1 true; tool_search_call tool_search ts_2 true; image_generation_call image_generation ig_1 true"},
		{name: "gemini: toolCall and toolResponse parts paired by id, code execution without id",
			events: evs(
				`{"candidates":[{"content":{"parts":[{"toolCall":{"id":"t1","toolType":"GOOGLE_SEARCH_WEB","args":{"q":"x"}}},{"executableCode":{"language":"PYTHON","code":"1"}}]}}]}`,
				`{"candidates":[{"content":{"parts":[{"codeExecutionResult":{"outcome":"OUTCOME_OK","output":"1"}},{"toolResponse":{"id":"t1","toolType":"GOOGLE_SEARCH_WEB","response":{"n":1}}},{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP"}]}`),
			calls:   " f  {}",
			servers: "toolCall GOOGLE_SEARCH_WEB t1 true; executableCode code_execution  true"},
		{name: "vercel: a call first seen without providerExecuted moves to the server tools",
			events: evs(
				`{"type":"tool-input-start","toolCallId":"c1","toolName":"search"}`,
				`{"type":"tool-input-delta","toolCallId":"c1","inputTextDelta":"{\"q\":1}"}`,
				`{"type":"tool-output-available","toolCallId":"c1","output":"ok","providerExecuted":true}`,
				`{"type":"tool-input-start","toolCallId":"c2","toolName":"local"}`,
				`{"type":"finish"}`, `[DONE]`),
			calls:   " local c2 ",
			servers: "provider-executed search c1 true"},
	}
	for _, tc := range cases {
		r := mergeEvents(t, Options{}, tc.events)
		var calls, servers []string
		for _, c := range r.ToolCalls {
			calls = append(calls, c.Type+" "+c.Name+" "+c.ID+" "+c.Arguments)
		}
		for _, s := range r.ServerTools {
			servers = append(servers, fmt.Sprintf("%s %s %s %v", s.Type, s.Name, s.ID, s.Output != nil))
		}
		if got := strings.Join(calls, "; "); got != tc.calls {
			t.Errorf("%s: tool calls\n%s\nwant\n%s", tc.name, got, tc.calls)
		}
		if got := strings.Join(servers, "; "); got != tc.servers {
			t.Errorf("%s: server tools\n%s\nwant\n%s", tc.name, got, tc.servers)
		}
	}
}

// TestFiltersCombine: repeated results of one category keep the worst.
func TestFiltersCombine(t *testing.T) {
	t.Parallel()
	r := mergeEvents(t, Options{}, evs(
		`{"choices":[{"index":0,"delta":{"content":"a"},"content_filter_results":{"violence":{"filtered":false,"severity":"medium"}}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"b"},"content_filter_results":{"violence":{"filtered":false,"severity":"low"}}}]}`,
		`{"choices":[{"index":1,"delta":{},"finish_reason":"content_filter"}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"stop","content_filter_results":{"violence":{"filtered":true,"severity":"safe"}}}]}`,
		`[DONE]`))
	b, _ := json.Marshal(r.Filters)
	want := `[{"source":"output","index":0,"category":"violence","filtered":true,"severity":"medium"},` +
		`{"source":"output","index":1,"category":"content_filter","filtered":true}]`
	if string(b) != want {
		t.Fatalf("filters %s\nwant %s", b, want)
	}
}

// TestCohereFailedFinish: finish_reason ERROR or TIMEOUT is an error even
// without an error message (cohere-typescript ChatFinishReason).
func TestCohereFailedFinish(t *testing.T) {
	t.Parallel()
	for _, reason := range []string{"ERROR", "TIMEOUT"} {
		r := mergeEvents(t, Options{}, evs(
			`content-delta|{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"a"}}}}`,
			`message-end|{"type":"message-end","delta":{"finish_reason":"`+reason+`"}}`))
		if r.Error == nil || r.Error.Type != reason || r.Verdict != VerdictError || r.Content != "a" {
			t.Errorf("%s: error %+v verdict %s content %q", reason, r.Error, r.Verdict, r.Content)
		}
	}
}

// TestSelfHostedFormats covers what the composed testdata streams do not:
// failed Cohere v1 finishes, llama.cpp streams cut before a final event and
// prompts that start after another one finished, TGI errors and a
// duplicate generated_text.
func TestSelfHostedFormats(t *testing.T) {
	t.Parallel()
	for _, reason := range []string{"ERROR", "TIMEOUT", "USER_CANCEL"} {
		r := mergeEvents(t, Options{}, evs(
			`{"is_finished":false,"event_type":"text-generation","text":"a"}`,
			`{"is_finished":true,"event_type":"stream-end","finish_reason":"`+reason+`","response":{"text":"a"}}`))
		if r.Format != FormatCohereV1 || r.Error == nil || r.Error.Type != reason || r.Verdict != VerdictError || r.Content != "a" {
			t.Errorf("cohere v1 %s: format %s error %+v verdict %s content %q", reason, r.Format, r.Error, r.Verdict, r.Content)
		}
	}
	// A Cohere v1 stream that sent nothing but its stream-end still has
	// the reply's text and calls.
	r := mergeEvents(t, Options{}, evs(`{"is_finished":true,"event_type":"stream-end","finish_reason":"COMPLETE",`+
		`"response":{"text":"plan","tool_calls":[{"name":"f","parameters":{"a":1}}]}}`))
	check(t, r, want{format: FormatCohereV1, content: "plan", finish: str("COMPLETE"), complete: true, verdict: VerdictComplete,
		tools: []ToolCall{{Index: 0, Name: "f", Arguments: `{"a":1}`}}})

	// llama.cpp without the final event is cut off.
	r = mergeEvents(t, Options{}, evs(`{"index":0,"content":"Hi","stop":false}`, `{"index":0,"content":" there","stop":false}`))
	check(t, r, want{format: FormatLlamaCpp, content: "Hi there", verdict: VerdictCutOff})

	// Prompt 1 starts after prompt 0 finished (one slot): not an event
	// after the end, and the stream ends only with prompt 1's final.
	m, _ := New(Options{})
	for _, e := range evs(`{"index":0,"content":"A","stop":false}`, `{"index":0,"content":"","stop":true,"stop_type":"eos"}`,
		`{"index":1,"content":"B","stop":false}`) {
		m.Add(e)
	}
	if m.SawEnd() {
		t.Error("llama.cpp: SawEnd before prompt 1's final")
	}
	if r := m.End(); r.Complete || r.Verdict != VerdictCutOff || len(r.Warnings) > 0 {
		t.Errorf("llama.cpp cut in prompt 1: complete %v verdict %s warnings %q", r.Complete, r.Verdict, r.Warnings)
	}
	m.Add(sse.Event{Type: "message", Data: `{"index":1,"content":"","stop":true,"stop_type":"limit"}`})
	if r := m.End(); !m.SawEnd() || !r.Complete || r.Verdict != VerdictComplete || len(r.Choices) != 2 || len(r.Warnings) > 0 {
		t.Errorf("llama.cpp two prompts: complete %v verdict %s choices %d warnings %q", r.Complete, r.Verdict, len(r.Choices), r.Warnings)
	}

	// TGI: a special token is not text; an event after generated_text is
	// counted as after the end.
	r = mergeEvents(t, Options{}, evs(`{"token":{"id":1,"text":"<s>","special":true},"generated_text":null}`,
		`{"token":{"id":2,"text":"ok","special":false},"generated_text":null}`,
		`{"token":{"id":3,"text":"</s>","special":true},"generated_text":"ok","details":null}`,
		`{"token":{"id":3,"text":"</s>","special":true},"generated_text":"ok","details":null}`))
	check(t, r, want{format: FormatTGI, content: "ok", complete: true, verdict: VerdictComplete, warning: "1 event(s) arrived after the end marker"})

	// Non-streamed responses: TGI /generate, Cohere v1 /v1/chat.
	r = mergeEvents(t, Options{}, evs(`{"generated_text":"Hi there","details":{"finish_reason":"eos_token","generated_tokens":3}}`))
	check(t, r, want{format: FormatTGI, content: "Hi there", finish: str("eos_token"), usage: `{"generated_tokens":3}`,
		complete: true, verdict: VerdictComplete})
	r = mergeEvents(t, Options{}, evs(`{"response_id":"r","text":"Hallo","generation_id":"g1","chat_history":[],"finish_reason":"COMPLETE",`+
		`"meta":{"api_version":{"version":"1"},"billed_units":{"input_tokens":2,"output_tokens":1}}}`))
	check(t, r, want{format: FormatCohereV1, content: "Hallo", finish: str("COMPLETE"), usage: `{"billed_units":{"input_tokens":2,"output_tokens":1}}`,
		complete: true, verdict: VerdictComplete})
}
