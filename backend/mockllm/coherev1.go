package mockllm

import (
	"fmt"
	"net/http"
	"slices"
)

// Cohere v1 chat: POST /v1/chat, streamed as NDJSON (one JSON object per
// line with is_finished and event_type), as cohere-python's v1 types
// describe it (StreamedChatResponse, ToolCallDelta, NonStreamedChatResponse).
var cohereV1 = &provider{
	format: "cohere-v1",
	idLen:  36, // generation_id
	parse:  parseCohereV1,
	finish: func(outcome string) string {
		if outcome == "length" {
			return "MAX_TOKENS"
		}
		return "COMPLETE"
	},
	stream:    streamCohereV1,
	body:      bodyCohereV1,
	errorBody: cohereV1Error,
	jsonType:  "application/json",
}

// cohereV1Types maps v1 parameter_definitions types to JSON Schema types.
var cohereV1Types = map[string]string{
	"str": "string", "int": "integer", "float": "number", "bool": "boolean",
	"list": "array", "dict": "object",
}

func parseCohereV1(m map[string]any, _ *http.Request, _ string) (*request, error) {
	req := &request{n: 1, model: "command-r-plus", preamble: true}
	var err error
	if model, err := str(m, "model", "model", false); err != nil {
		return nil, err
	} else if model != "" {
		req.model = model
	}
	results, err := arr(m, "tool_results", "tool_results", false)
	if err != nil {
		return nil, err
	}
	// With tool results the message may be empty.
	if req.prompt, err = str(m, "message", "message", len(results) == 0); err != nil {
		return nil, err
	}
	if hist, err := arr(m, "chat_history", "chat_history", false); err != nil {
		return nil, err
	} else {
		for i := range hist {
			h, err := elem(hist, i, "chat_history")
			if err != nil {
				return nil, err
			}
			if _, err := str(h, "role", fmt.Sprintf("chat_history[%d].role", i), true); err != nil {
				return nil, err
			}
		}
	}
	for i := range results {
		res, err := elem(results, i, "tool_results")
		if err != nil {
			return nil, err
		}
		path := fmt.Sprintf("tool_results[%d]", i)
		call, err := object(res, "call", path+".call")
		if err != nil {
			return nil, err
		}
		if call == nil {
			return nil, badf("%s.call: required object field is missing", path)
		}
		name, err := str(call, "name", path+".call.name", true)
		if err != nil {
			return nil, err
		}
		outputs, err := arr(res, "outputs", path+".outputs", true)
		if err != nil {
			return nil, err
		}
		req.toolResult = &toolResult{name: name, content: stringify(outputs)}
	}
	if req.stream, err = boolean(m, "stream", "stream", false); err != nil {
		return nil, err
	}
	if req.maxTokens, err = integer(m, "max_tokens", "max_tokens"); err != nil {
		return nil, err
	}
	list, err := arr(m, "tools", "tools", false)
	if err != nil {
		return nil, err
	}
	for i := range list {
		t, err := elem(list, i, "tools")
		if err != nil {
			return nil, err
		}
		path := fmt.Sprintf("tools[%d]", i)
		name, err := str(t, "name", path+".name", true)
		if err != nil {
			return nil, err
		}
		defs, err := object(t, "parameter_definitions", path+".parameter_definitions")
		if err != nil {
			return nil, err
		}
		props := map[string]any{}
		for k, v := range defs {
			def, _ := v.(map[string]any)
			typ, _ := def["type"].(string)
			if s, ok := cohereV1Types[typ]; ok {
				typ = s
			}
			props[k] = map[string]any{"type": typ}
		}
		req.tools = append(req.tools, tool{name: name, schema: map[string]any{"properties": props}})
	}
	return req, nil
}

// cohereV1Error is Cohere's v1 error body.
func cohereV1Error(_ int, msg string) []byte { return mustJSON(o("message", msg)) }

// cohereV1Calls are the complete calls, parameters as objects.
func cohereV1Calls(c AnswerChoice) []any {
	calls := make([]any, len(c.ToolCalls))
	for i, tc := range c.ToolCalls {
		calls[i] = o("name", tc.Name, "parameters", rawJSON(tc.Arguments))
	}
	return calls
}

// cohereV1Response is the stream-end response and the non-streamed body.
func cohereV1Response(a *Answer, req *request, x *ids) obj {
	c := a.Choices[0]
	history := []any{}
	if req.prompt != "" {
		history = append(history, o("role", "USER", "message", req.prompt))
	}
	turn := o("role", "CHATBOT", "message", c.Content)
	if len(c.ToolCalls) > 0 {
		turn = append(turn, field{"tool_calls", cohereV1Calls(c)})
	}
	history = append(history, turn)
	r := o("response_id", x.token(8)+"-"+x.token(4)+"-"+x.token(4), "text", c.Content, "generation_id", a.ID,
		"chat_history", history, "finish_reason", c.FinishReason)
	if len(c.ToolCalls) > 0 {
		r = append(r, field{"tool_calls", cohereV1Calls(c)})
	}
	return append(r, field{"meta", o("api_version", o("version", "1"),
		"billed_units", o("input_tokens", a.PromptTokens, "output_tokens", a.CompletionTokens),
		"tokens", o("input_tokens", a.PromptTokens+60, "output_tokens", a.CompletionTokens))})
}

func streamCohereV1(a *Answer, req *request, x *ids, _ *http.Request) *plan {
	p := &plan{contentType: "application/x-ndjson"} // no heartbeat: NDJSON has none
	c := a.Choices[0]
	line := func(v obj) []byte { return append(mustJSON(v), '\n') }
	add := func(v obj, tokens int) { p.frames = append(p.frames, frame{b: line(v), tokens: int32(tokens)}) }
	add(o("is_finished", false, "event_type", "stream-start", "generation_id", a.ID), 0)
	// With tool calls the text is the plan, streamed in tool-calls-chunk
	// events; without, text-generation events.
	kind := "text-generation"
	if len(c.ToolCalls) > 0 {
		kind = "tool-calls-chunk"
	}
	t := newTmpl(line(o("is_finished", false, "event_type", kind, "text", holeText)))
	p.frames = slices.Grow(p.frames, len(c.contentTokens)+4)
	for _, tok := range c.contentTokens {
		p.frames = append(p.frames, frame{t: t, text: tok, tokens: 1})
	}
	for i, tc := range c.ToolCalls {
		add(o("is_finished", false, "event_type", "tool-calls-chunk", "tool_call_delta", o("index", i, "name", tc.Name)), 1)
		for _, f := range fragments(tc.Arguments, seed(tc.Name, fmt.Sprint(i))) {
			add(o("is_finished", false, "event_type", "tool-calls-chunk", "tool_call_delta", o("index", i, "parameters", f)), 1)
		}
	}
	if len(c.ToolCalls) > 0 {
		add(o("is_finished", false, "event_type", "tool-calls-generation", "text", c.Content, "tool_calls", cohereV1Calls(c)), 0)
	}
	add(o("is_finished", true, "event_type", "stream-end", "response", cohereV1Response(a, req, x), "finish_reason", c.FinishReason), 0)
	p.errFrames = func(int) []byte {
		// A failed generation ends with a stream-end whose finish_reason
		// is ERROR ("something went wrong when generating the reply"); v1
		// says no more than that.
		r := o("text", "", "generation_id", a.ID, "finish_reason", "ERROR", "meta", o("api_version", o("version", "1")))
		return line(o("is_finished", true, "event_type", "stream-end", "response", r, "finish_reason", "ERROR"))
	}
	return p
}

func bodyCohereV1(a *Answer, req *request, x *ids) []byte {
	return mustJSON(cohereV1Response(a, req, x))
}
