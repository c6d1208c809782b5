package mockllm

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// OpenAI Responses: POST /v1/responses.
var openAIResponses = &provider{
	format:   "openai-responses",
	idPrefix: "resp_",
	idLen:    40,
	parse:    parseResponses,
	finish: func(outcome string) string {
		if outcome == "length" {
			return "incomplete"
		}
		return "completed"
	},
	stream:    streamResponses,
	body:      bodyResponses,
	errorBody: openAIError,
	jsonType:  "application/json",
}

func parseResponses(m map[string]any, _ *http.Request, _ string) (*request, error) {
	req := &request{n: 1}
	var err error
	if req.model, err = str(m, "model", "model", true); err != nil {
		return nil, err
	}
	switch in := m["input"].(type) {
	case nil:
		return nil, badf("input: required field is missing (a string or an array of input items)")
	case string:
		req.prompt = in
	case []any:
		callNames := map[string]string{}
		for i := range in {
			item, err := elem(in, i, "input")
			if err != nil {
				return nil, err
			}
			path := fmt.Sprintf("input[%d]", i)
			typ, _ := item["type"].(string)
			switch typ {
			case "function_call":
				id, _ := item["call_id"].(string)
				name, _ := item["name"].(string)
				callNames[id] = name
			case "function_call_output":
				id, _ := item["call_id"].(string)
				req.toolResult = &toolResult{name: callNames[id], content: stringify(item["output"])}
			case "", "message":
				role, err := str(item, "role", path+".role", true)
				if err != nil {
					return nil, err
				}
				text, err := textOf(item["content"], path+".content")
				if err != nil {
					return nil, err
				}
				if role == "user" {
					req.prompt, req.toolResult = text, nil
				}
			}
		}
	default:
		return nil, badf("input: expected a string or an array, got %s", kind(in))
	}
	if req.stream, err = boolean(m, "stream", "stream", false); err != nil {
		return nil, err
	}
	if req.maxTokens, err = integer(m, "max_output_tokens", "max_output_tokens"); err != nil {
		return nil, err
	}
	reasoning, err := object(m, "reasoning", "reasoning")
	if err != nil {
		return nil, err
	}
	req.thinking = strings.Contains(strings.ToLower(req.model), "reasoner") ||
		(reasoning != nil && reasoning["summary"] != nil && reasoning["effort"] != "none")
	if req.tools, err = functionTools(m, false); err != nil {
		return nil, err
	}
	req.toolChoice, err = openAIToolChoice(m["tool_choice"], false)
	return req, err
}

// responseObject is the Response resource in a given state.
func responseObject(a *Answer, req *request, x *ids, status string, output []any, usage any, errObj any) obj {
	var incomplete any
	if status == "incomplete" {
		incomplete = o("reason", "max_output_tokens")
	}
	var maxOut any
	if req.maxTokens > 0 {
		maxOut = req.maxTokens
	}
	reasoning := o("effort", nil, "summary", nil)
	if req.thinking {
		reasoning = o("effort", "medium", "summary", "auto")
	}
	tools := make([]any, len(req.tools))
	for i, t := range req.tools {
		var params any = obj{}
		if t.schema != nil {
			params = t.schema
		}
		tools[i] = o("type", "function", "name", t.name, "parameters", params, "strict", false)
	}
	return o("id", a.ID, "object", "response", "created_at", x.created, "status", status,
		"background", false, "error", errObj, "incomplete_details", incomplete, "instructions", nil,
		"max_output_tokens", maxOut, "model", a.Model, "output", output, "parallel_tool_calls", true,
		"previous_response_id", nil, "reasoning", reasoning, "service_tier", "default", "store", true,
		"temperature", 1, "text", o("format", o("type", "text")), "tool_choice", "auto", "tools", tools,
		"top_p", 1, "truncation", "disabled", "usage", usage, "user", nil, "metadata", obj{})
}

func responsesUsage(a *Answer) obj {
	return o("input_tokens", a.PromptTokens, "input_tokens_details", o("cached_tokens", 0),
		"output_tokens", a.CompletionTokens, "output_tokens_details", o("reasoning_tokens", a.ReasoningTokens),
		"total_tokens", a.PromptTokens+a.CompletionTokens)
}

func streamResponses(a *Answer, req *request, x *ids, _ *http.Request) *plan {
	p := &plan{contentType: "text/event-stream; charset=utf-8", heartbeat: []byte(": ping\n\n")}
	seq := 0
	encode := func(typ string, seq any, kv ...any) []byte {
		payload := append(o("type", typ, "sequence_number", seq), o(kv...)...)
		return []byte("event: " + typ + "\ndata: " + string(mustJSON(payload)) + "\n\n")
	}
	ev := func(typ string, tokens int, kv ...any) {
		p.frames = append(p.frames, frame{b: encode(typ, seq, kv...), tokens: int32(tokens)})
		seq++
	}
	// deltas adds one delta event per token, rendered from a template whose
	// sequence number is the frame's index (frame i has number i).
	deltas := func(typ string, toks []string, kv ...any) {
		t := newTmpl(encode(typ, holeIndex, kv...))
		first := len(p.frames)
		p.frames = slices.Grow(p.frames, len(toks))
		// The obfuscation strings, drawn in order, are cut from one string.
		var obf []byte
		for _, tok := range toks {
			obf = x.appendToken(obf, max(1, 16-len(tok)))
			p.frames = append(p.frames, frame{t: t, text: tok, n: int32(len(obf)), tokens: 1})
			seq++
		}
		all, from := string(obf), 0
		for i := first; i < len(p.frames); i++ {
			f := &p.frames[i]
			f.aux, from = all[from:f.n], int(f.n)
			f.n = 0
		}
	}
	c := a.Choices[0]
	ev("response.created", 0, "response", responseObject(a, req, x, "in_progress", []any{}, nil, nil))
	ev("response.in_progress", 0, "response", responseObject(a, req, x, "in_progress", []any{}, nil, nil))
	output := []any{}
	idx := 0
	if len(c.reasoningTokens) > 0 {
		id := "rs_" + x.token(40)
		ev("response.output_item.added", 0, "output_index", idx, "item", o("id", id, "type", "reasoning", "summary", []any{}))
		ev("response.reasoning_summary_part.added", 0, "item_id", id, "output_index", idx, "summary_index", 0,
			"part", o("type", "summary_text", "text", ""))
		deltas("response.reasoning_summary_text.delta", c.reasoningTokens, "item_id", id, "output_index", idx, "summary_index", 0,
			"delta", holeText, "obfuscation", holeAux)
		ev("response.reasoning_summary_text.done", 0, "item_id", id, "output_index", idx, "summary_index", 0, "text", c.Reasoning)
		ev("response.reasoning_summary_part.done", 0, "item_id", id, "output_index", idx, "summary_index", 0,
			"part", o("type", "summary_text", "text", c.Reasoning))
		item := o("id", id, "type", "reasoning", "summary", []any{o("type", "summary_text", "text", c.Reasoning)})
		ev("response.output_item.done", 0, "output_index", idx, "item", item)
		output = append(output, item)
		idx++
	}
	status := "completed"
	if c.FinishReason == "incomplete" {
		status = "incomplete"
	}
	if len(c.contentTokens) > 0 || (len(c.ToolCalls) == 0 && len(c.reasoningTokens) == 0) {
		id := "msg_" + x.token(40)
		ev("response.output_item.added", 0, "output_index", idx, "item",
			o("id", id, "type", "message", "status", "in_progress", "content", []any{}, "role", "assistant"))
		ev("response.content_part.added", 0, "item_id", id, "output_index", idx, "content_index", 0,
			"part", o("type", "output_text", "annotations", []any{}, "logprobs", []any{}, "text", ""))
		deltas("response.output_text.delta", c.contentTokens, "item_id", id, "output_index", idx, "content_index", 0,
			"delta", holeText, "logprobs", []any{}, "obfuscation", holeAux)
		ev("response.output_text.done", 0, "item_id", id, "output_index", idx, "content_index", 0,
			"text", c.Content, "logprobs", []any{})
		part := o("type", "output_text", "annotations", []any{}, "logprobs", []any{}, "text", c.Content)
		ev("response.content_part.done", 0, "item_id", id, "output_index", idx, "content_index", 0, "part", part)
		item := o("id", id, "type", "message", "status", status, "content", []any{part}, "role", "assistant")
		ev("response.output_item.done", 0, "output_index", idx, "item", item)
		output = append(output, item)
		idx++
	}
	for _, tc := range c.ToolCalls {
		id := "fc_" + x.token(40)
		ev("response.output_item.added", 0, "output_index", idx, "item",
			o("id", id, "type", "function_call", "status", "in_progress", "arguments", "", "call_id", tc.ID, "name", tc.Name))
		for _, frag := range fragments(tc.Arguments, seed(tc.ID)) {
			ev("response.function_call_arguments.delta", 1, "item_id", id, "output_index", idx, "delta", frag,
				"obfuscation", x.token(max(1, 16-len(frag))))
		}
		ev("response.function_call_arguments.done", 0, "item_id", id, "output_index", idx, "arguments", tc.Arguments)
		item := o("id", id, "type", "function_call", "status", "completed", "arguments", tc.Arguments, "call_id", tc.ID, "name", tc.Name)
		ev("response.output_item.done", 0, "output_index", idx, "item", item)
		output = append(output, item)
		idx++
	}
	final := "response.completed"
	if status == "incomplete" {
		final = "response.incomplete"
	}
	ev(final, 0, "response", responseObject(a, req, x, status, output, responsesUsage(a), nil))
	// The error fault: an error event and response.failed at the cut; the
	// sequence numbers go on from the last event sent (frame i has number i).
	// (The closure keeps only the id and model, not the answer's text.)
	head := &Answer{ID: a.ID, Model: a.Model}
	p.errFrames = func(cut int) []byte { return responsesErrorFrames(head, req, x, cut) }
	return p
}

// responsesErrorFrames is the error fault's `error` + `response.failed`.
func responsesErrorFrames(a *Answer, req *request, x *ids, seq int) []byte {
	errEv := o("type", "error", "sequence_number", seq, "error", o("type", "server_error", "code", "server_error",
		"message", internalErrorMessage, "param", nil))
	failed := o("type", "response.failed", "sequence_number", seq+1, "response",
		responseObject(a, req, x, "failed", []any{}, nil, o("code", "server_error", "message", internalErrorMessage)))
	return []byte("event: error\ndata: " + string(mustJSON(errEv)) + "\n\nevent: response.failed\ndata: " + string(mustJSON(failed)) + "\n\n")
}

func bodyResponses(a *Answer, req *request, x *ids) []byte {
	c := a.Choices[0]
	status := "completed"
	if c.FinishReason == "incomplete" {
		status = "incomplete"
	}
	output := []any{}
	if c.Reasoning != "" {
		output = append(output, o("id", "rs_"+x.token(40), "type", "reasoning", "summary", []any{o("type", "summary_text", "text", c.Reasoning)}))
	}
	if c.Content != "" || (len(c.ToolCalls) == 0 && c.Reasoning == "") {
		output = append(output, o("id", "msg_"+x.token(40), "type", "message", "status", status,
			"content", []any{o("type", "output_text", "annotations", []any{}, "logprobs", []any{}, "text", c.Content)}, "role", "assistant"))
	}
	for _, tc := range c.ToolCalls {
		output = append(output, o("id", "fc_"+x.token(40), "type", "function_call", "status", "completed",
			"arguments", tc.Arguments, "call_id", tc.ID, "name", tc.Name))
	}
	return mustJSON(responseObject(a, req, x, status, output, responsesUsage(a), nil))
}
