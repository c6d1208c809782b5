package mockllm

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
)

// Anthropic Messages: POST /v1/messages.
var anthropic = &provider{
	format:   "anthropic",
	idPrefix: "msg_01",
	idLen:    22,
	parse:    parseAnthropic,
	finish: func(outcome string) string {
		switch outcome {
		case "tool":
			return "tool_use"
		case "length":
			return "max_tokens"
		}
		return "end_turn"
	},
	stream:    streamAnthropic,
	body:      bodyAnthropic,
	errorBody: anthropicError,
	jsonType:  "application/json",
}

func parseAnthropic(m map[string]any, _ *http.Request, _ string) (*request, error) {
	req := &request{n: 1, preamble: true}
	var err error
	if req.model, err = str(m, "model", "model", true); err != nil {
		return nil, err
	}
	msgs, err := arr(m, "messages", "messages", true)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, badf("messages: must contain at least one message")
	}
	names := map[string]string{}
	for i := range msgs {
		msg, err := elem(msgs, i, "messages")
		if err != nil {
			return nil, err
		}
		path := fmt.Sprintf("messages[%d]", i)
		role, err := str(msg, "role", path+".role", true)
		if err != nil {
			return nil, err
		}
		if role != "user" && role != "assistant" {
			return nil, badf("%s.role: expected \"user\" or \"assistant\", got %q", path, role)
		}
		blocks, _ := msg["content"].([]any)
		var result *toolResult
		for _, b := range blocks {
			bm, _ := b.(map[string]any)
			switch bm["type"] {
			case "tool_use":
				id, _ := bm["id"].(string)
				name, _ := bm["name"].(string)
				names[id] = name
			case "tool_result":
				id, _ := bm["tool_use_id"].(string)
				text, err := textOf(bm["content"], path+".content.tool_result.content")
				if err != nil {
					return nil, err
				}
				result = &toolResult{name: names[id], content: text}
			}
		}
		if role != "user" {
			continue
		}
		if result != nil {
			req.toolResult = result
			continue
		}
		if req.prompt, err = textOf(msg["content"], path+".content"); err != nil {
			return nil, err
		}
		req.toolResult = nil
	}
	if req.stream, err = boolean(m, "stream", "stream", false); err != nil {
		return nil, err
	}
	if req.maxTokens, err = integer(m, "max_tokens", "max_tokens"); err != nil {
		return nil, err
	}
	th, err := object(m, "thinking", "thinking")
	if err != nil {
		return nil, err
	}
	if th != nil {
		typ, _ := th["type"].(string)
		req.thinking = typ == "enabled" || typ == "adaptive"
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
		name, err := str(t, "name", fmt.Sprintf("tools[%d].name", i), true)
		if err != nil {
			return nil, err
		}
		schema, err := object(t, "input_schema", fmt.Sprintf("tools[%d].input_schema", i))
		if err != nil {
			return nil, err
		}
		if schema == nil {
			continue // a server tool (web_search, ...): not called by the mock
		}
		req.tools = append(req.tools, tool{name: name, schema: schema})
	}
	tc, err := object(m, "tool_choice", "tool_choice")
	if err != nil {
		return nil, err
	}
	switch typ, _ := tc["type"].(string); typ {
	case "none":
		req.toolChoice = "none"
	case "tool":
		req.toolChoice, _ = tc["name"].(string)
	}
	return req, nil
}

// anthropicError is Anthropic's error body.
func anthropicError(status int, msg string) []byte {
	typ := "invalid_request_error"
	switch {
	case status == http.StatusTooManyRequests:
		typ = "rate_limit_error"
	case status == http.StatusNotFound:
		typ = "not_found_error"
	case status >= 500:
		typ = "api_error"
	}
	return mustJSON(o("type", "error", "error", o("type", typ, "message", msg)))
}

// signature is an opaque, deterministic thinking signature.
func signature(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 0x516))
	b := make([]byte, 96)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return base64.StdEncoding.EncodeToString(b)
}

func anthropicUsage(a *Answer, output int) obj {
	return o("input_tokens", a.PromptTokens, "cache_creation_input_tokens", 0, "cache_read_input_tokens", 0,
		"output_tokens", output, "service_tier", "standard")
}

func streamAnthropic(a *Answer, req *request, x *ids, _ *http.Request) *plan {
	p := &plan{contentType: "text/event-stream; charset=utf-8", heartbeat: []byte(": ping\n\n")}
	encode := func(typ string, payload obj) []byte {
		return []byte("event: " + typ + "\ndata: " + string(mustJSON(payload)) + "\n\n")
	}
	ev := func(typ string, tokens int, payload obj) {
		p.frames = append(p.frames, frame{b: encode(typ, payload), tokens: int32(tokens)})
	}
	c := a.Choices[0]
	ev("message_start", 0, o("type", "message_start", "message", o("id", a.ID, "type", "message", "role", "assistant",
		"model", a.Model, "content", []any{}, "stop_reason", nil, "stop_sequence", nil, "usage", anthropicUsage(a, 1))))
	idx := 0
	start := func(block obj) {
		ev("content_block_start", 0, o("type", "content_block_start", "index", idx, "content_block", block))
		if idx == 0 {
			ev("ping", 0, o("type", "ping"))
		}
	}
	delta := func(tokens int, d obj) {
		ev("content_block_delta", tokens, o("type", "content_block_delta", "index", idx, "delta", d))
	}
	// textDeltas adds one delta per token, rendered from a template.
	textDeltas := func(typ, key string, toks []string) {
		t := newTmpl(encode("content_block_delta", o("type", "content_block_delta", "index", idx, "delta", o("type", typ, key, holeText))))
		p.frames = slices.Grow(p.frames, len(toks))
		for _, tok := range toks {
			p.frames = append(p.frames, frame{t: t, text: tok, tokens: 1})
		}
	}
	stop := func() {
		ev("content_block_stop", 0, o("type", "content_block_stop", "index", idx))
		idx++
	}
	if len(c.reasoningTokens) > 0 {
		start(o("type", "thinking", "thinking", "", "signature", ""))
		textDeltas("thinking_delta", "thinking", c.reasoningTokens)
		delta(0, o("type", "signature_delta", "signature", signature(x.seed)))
		stop()
	}
	if len(c.contentTokens) > 0 || (len(c.ToolCalls) == 0 && len(c.reasoningTokens) == 0) {
		start(o("type", "text", "text", ""))
		textDeltas("text_delta", "text", c.contentTokens)
		stop()
	}
	for _, tc := range c.ToolCalls {
		start(o("type", "tool_use", "id", tc.ID, "name", tc.Name, "input", obj{}))
		delta(0, o("type", "input_json_delta", "partial_json", ""))
		for _, frag := range fragments(tc.Arguments, seed(tc.ID)) {
			delta(1, o("type", "input_json_delta", "partial_json", frag))
		}
		stop()
	}
	ev("message_delta", 0, o("type", "message_delta", "delta", o("stop_reason", c.FinishReason, "stop_sequence", nil),
		"usage", o("output_tokens", a.CompletionTokens)))
	ev("message_stop", 0, o("type", "message_stop"))
	p.errFrames = func(int) []byte {
		return []byte("event: error\ndata: " + string(mustJSON(o("type", "error", "error",
			o("type", "overloaded_error", "message", "Overloaded (mock fault: error)")))) + "\n\n")
	}
	return p
}

func bodyAnthropic(a *Answer, _ *request, x *ids) []byte {
	c := a.Choices[0]
	content := []any{}
	if c.Reasoning != "" {
		content = append(content, o("type", "thinking", "thinking", c.Reasoning, "signature", signature(x.seed)))
	}
	if c.Content != "" || (len(c.ToolCalls) == 0 && c.Reasoning == "") {
		content = append(content, o("type", "text", "text", c.Content))
	}
	for _, tc := range c.ToolCalls {
		content = append(content, o("type", "tool_use", "id", tc.ID, "name", tc.Name, "input", rawJSON(tc.Arguments)))
	}
	return mustJSON(o("id", a.ID, "type", "message", "role", "assistant", "model", a.Model, "content", content,
		"stop_reason", c.FinishReason, "stop_sequence", nil, "usage", anthropicUsage(a, a.CompletionTokens)))
}
