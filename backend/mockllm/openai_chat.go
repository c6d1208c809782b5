package mockllm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// OpenAI Chat Completions: POST /v1/chat/completions.
var openAIChat = &provider{
	format:   "openai-chat",
	idPrefix: "chatcmpl-",
	idLen:    29,
	parse:    parseOpenAIChat,
	finish: func(outcome string) string {
		switch outcome {
		case "tool":
			return "tool_calls"
		case "length":
			return "length"
		}
		return "stop"
	},
	stream:    streamOpenAIChat,
	body:      bodyOpenAIChat,
	errorBody: openAIError,
	jsonType:  "application/json",
}

func parseOpenAIChat(m map[string]any, _ *http.Request, _ string) (*request, error) {
	req := &request{n: 1}
	var err error
	if req.model, err = str(m, "model", "model", true); err != nil {
		return nil, err
	}
	req.thinking = strings.Contains(strings.ToLower(req.model), "reasoner")
	msgs, err := arr(m, "messages", "messages", true)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, badf("messages: must contain at least one message")
	}
	if err := openAIMessages(msgs, req); err != nil {
		return nil, err
	}
	if req.stream, err = boolean(m, "stream", "stream", false); err != nil {
		return nil, err
	}
	if n, err := integer(m, "n", "n"); err != nil {
		return nil, err
	} else if _, ok := m["n"]; ok && m["n"] != nil {
		if n < 1 || n > 16 {
			return nil, badf("n: must be between 1 and 16 in the mock, got %d", n)
		}
		req.n = n
	}
	so, err := object(m, "stream_options", "stream_options")
	if err != nil {
		return nil, err
	}
	if so != nil {
		if req.includeUsage, err = boolean(so, "include_usage", "stream_options.include_usage", false); err != nil {
			return nil, err
		}
	}
	for _, k := range []string{"max_completion_tokens", "max_tokens"} {
		if n, err := integer(m, k, k); err != nil {
			return nil, err
		} else if n > 0 {
			req.maxTokens = n
			break
		}
	}
	if req.tools, err = functionTools(m, true); err != nil {
		return nil, err
	}
	req.toolChoice, err = openAIToolChoice(m["tool_choice"], true)
	return req, err
}

// openAIMessages reads the prompt (and a trailing tool result) from
// OpenAI-style messages, also used by Ollama.
func openAIMessages(msgs []any, req *request) error {
	callNames := map[string]string{}
	for i := range msgs {
		msg, err := elem(msgs, i, "messages")
		if err != nil {
			return err
		}
		path := fmt.Sprintf("messages[%d]", i)
		role, err := str(msg, "role", path+".role", true)
		if err != nil {
			return err
		}
		text, err := textOf(msg["content"], path+".content")
		if err != nil {
			return err
		}
		switch role {
		case "user":
			req.prompt, req.toolResult = text, nil
		case "assistant":
			calls, _ := msg["tool_calls"].([]any)
			for _, c := range calls {
				cm, _ := c.(map[string]any)
				fn, _ := cm["function"].(map[string]any)
				id, _ := cm["id"].(string)
				name, _ := fn["name"].(string)
				if name != "" {
					callNames[id] = name
					callNames[""] = name
				}
			}
		case "tool", "function":
			name, _ := msg["name"].(string)
			if name == "" {
				name, _ = msg["tool_name"].(string) // Ollama
			}
			if name == "" {
				id, _ := msg["tool_call_id"].(string)
				name = callNames[id]
				if name == "" {
					name = callNames[""]
				}
			}
			req.toolResult = &toolResult{name: name, content: text}
		}
	}
	return nil
}

// functionTools reads OpenAI Chat / Ollama style tools
// ([{"type":"function","function":{"name",...,"parameters"}}]) or, with
// nested false, Responses style ([{"type":"function","name",...}]).
func functionTools(m map[string]any, nested bool) ([]tool, error) {
	list, err := arr(m, "tools", "tools", false)
	if err != nil {
		return nil, err
	}
	var tools []tool
	for i := range list {
		t, err := elem(list, i, "tools")
		if err != nil {
			return nil, err
		}
		path := fmt.Sprintf("tools[%d]", i)
		if typ, _ := t["type"].(string); typ != "" && typ != "function" {
			continue // built-in tools (web_search, ...) are not called by the mock
		}
		fn := t
		if nested {
			if fn, err = object(t, "function", path+".function"); err != nil {
				return nil, err
			}
			if fn == nil {
				return nil, badf("%s.function: required object field is missing", path)
			}
			path += ".function"
		}
		name, err := str(fn, "name", path+".name", true)
		if err != nil {
			return nil, err
		}
		schema, err := object(fn, "parameters", path+".parameters")
		if err != nil {
			return nil, err
		}
		tools = append(tools, tool{name: name, schema: schema})
	}
	return tools, nil
}

// openAIToolChoice reads "none" / "auto" / "required" or a named function.
func openAIToolChoice(v any, nested bool) (string, error) {
	switch c := v.(type) {
	case nil:
		return "", nil
	case string:
		switch c {
		case "none":
			return "none", nil
		case "auto", "required":
			return "", nil
		}
		return "", badf("tool_choice: expected \"none\", \"auto\", \"required\" or an object, got %q", c)
	case map[string]any:
		fn := c
		if nested {
			fn, _ = c["function"].(map[string]any)
		}
		name, _ := fn["name"].(string)
		return name, nil
	}
	return "", badf("tool_choice: expected a string or an object, got %s", kind(v))
}

// openAIError is OpenAI's error body.
func openAIError(status int, msg string) []byte {
	typ, code := "invalid_request_error", any(nil)
	switch {
	case status == http.StatusTooManyRequests:
		typ, code = "requests", "rate_limit_exceeded"
	case status >= 500:
		typ = "server_error"
	}
	return mustJSON(o("error", o("message", msg, "type", typ, "param", nil, "code", code)))
}

func fingerprint(x *ids) string { return fmt.Sprintf("fp_%010x", x.seed>>24) }

// chatDelta is one delta of one choice: an object, or with tok set a
// content (tok 1) or reasoning_content (tok 2) delta carrying text.
type chatDelta struct {
	delta  obj
	tok    int
	text   string
	tokens int
	finish string
}

// chatDeltas is the sequence of one choice's deltas, computed on demand so
// that a long answer needs no delta per token.
type chatDeltas struct {
	c     AnswerChoice
	frags [][]string // each tool call's argument fragments
	n     int
}

func newChatDeltas(c AnswerChoice) *chatDeltas {
	d := &chatDeltas{c: c, n: 2 + len(c.reasoningTokens) + len(c.contentTokens)}
	for _, tc := range c.ToolCalls {
		f := fragments(tc.Arguments, seed(tc.ID))
		d.frags = append(d.frags, f)
		d.n += 1 + len(f)
	}
	return d
}

// at returns delta k (0 <= k < d.n).
func (d *chatDeltas) at(k int) chatDelta {
	c := d.c
	if k == 0 {
		switch {
		case len(c.reasoningTokens) > 0:
			return chatDelta{delta: o("role", "assistant", "content", nil, "reasoning_content", "")}
		case len(c.contentTokens) == 0 && len(c.ToolCalls) > 0:
			return chatDelta{delta: o("role", "assistant", "content", nil)}
		}
		return chatDelta{delta: o("role", "assistant", "content", "", "refusal", nil)}
	}
	k--
	if k < len(c.reasoningTokens) {
		return chatDelta{tok: 2, text: c.reasoningTokens[k], tokens: 1}
	}
	k -= len(c.reasoningTokens)
	if k < len(c.contentTokens) {
		return chatDelta{tok: 1, text: c.contentTokens[k], tokens: 1}
	}
	k -= len(c.contentTokens)
	for i, tc := range c.ToolCalls {
		if k == 0 {
			return chatDelta{delta: o("tool_calls", []any{o("index", i, "id", tc.ID, "type", "function",
				"function", o("name", tc.Name, "arguments", ""))}), tokens: 1}
		}
		k--
		if k < len(d.frags[i]) {
			return chatDelta{delta: o("tool_calls", []any{o("index", i, "function", o("arguments", d.frags[i][k]))}), tokens: 1}
		}
		k -= len(d.frags[i])
	}
	return chatDelta{delta: o(), finish: c.FinishReason}
}

func chatUsage(a *Answer) obj {
	return o("prompt_tokens", a.PromptTokens, "completion_tokens", a.CompletionTokens,
		"total_tokens", a.PromptTokens+a.CompletionTokens,
		"prompt_tokens_details", o("cached_tokens", 0),
		"completion_tokens_details", o("reasoning_tokens", a.ReasoningTokens))
}

func streamOpenAIChat(a *Answer, req *request, x *ids, _ *http.Request) *plan {
	p := &plan{contentType: "text/event-stream; charset=utf-8", heartbeat: []byte(": ping\n\n")}
	chunk := func(choices []any, usage any) []byte {
		c := o("id", a.ID, "object", "chat.completion.chunk", "created", x.created, "model", a.Model,
			"system_fingerprint", fingerprint(x), "choices", choices)
		if req.includeUsage {
			c = append(c, field{"usage", usage})
		}
		return []byte("data: " + string(mustJSON(c)) + "\n\n")
	}
	choice := func(i int, delta obj, finish any) []byte {
		return chunk([]any{o("index", i, "delta", delta, "logprobs", nil, "finish_reason", finish)}, nil)
	}
	// Interleave the choices' deltas round-robin, as OpenAI does for n > 1.
	per := make([]*chatDeltas, len(a.Choices))
	longest := 0
	for i, c := range a.Choices {
		per[i] = newChatDeltas(c)
		longest = max(longest, per[i].n)
	}
	// The text deltas of choice i render templates[i][tok-1].
	templates := make([][2]*tmpl, len(a.Choices))
	for i := range templates {
		templates[i] = [2]*tmpl{
			newTmpl(choice(i, o("content", holeText), nil)),
			newTmpl(choice(i, o("content", nil, "reasoning_content", holeText), nil)),
		}
	}
	p.frames = make([]frame, 0, longest*len(per)+2)
	for k := range longest {
		for i := range per {
			if k >= per[i].n {
				continue
			}
			d := per[i].at(k)
			if d.tok != 0 {
				p.frames = append(p.frames, frame{t: templates[i][d.tok-1], text: d.text, tokens: int32(d.tokens)})
				continue
			}
			var finish any
			if d.finish != "" {
				finish = d.finish
			}
			p.frames = append(p.frames, frame{b: choice(i, d.delta, finish), tokens: int32(d.tokens)})
		}
	}
	if req.includeUsage {
		p.frames = append(p.frames, frame{b: chunk([]any{}, chatUsage(a))})
	}
	p.frames = append(p.frames, frame{b: []byte("data: [DONE]\n\n")})
	p.errFrames = func(int) []byte {
		return []byte("data: " + string(openAIError(http.StatusInternalServerError, internalErrorMessage)) + "\n\n")
	}
	return p
}

func bodyOpenAIChat(a *Answer, _ *request, x *ids) []byte {
	choices := make([]any, len(a.Choices))
	for i, c := range a.Choices {
		var content any
		if c.Content != "" || len(c.ToolCalls) == 0 {
			content = c.Content
		}
		msg := o("role", "assistant", "content", content)
		if c.Reasoning != "" {
			msg = append(msg, field{"reasoning_content", c.Reasoning})
		}
		if len(c.ToolCalls) > 0 {
			calls := make([]any, len(c.ToolCalls))
			for j, tc := range c.ToolCalls {
				calls[j] = o("id", tc.ID, "type", "function", "function", o("name", tc.Name, "arguments", tc.Arguments))
			}
			msg = append(msg, field{"tool_calls", calls})
		}
		msg = append(msg, field{"refusal", nil}, field{"annotations", []any{}})
		choices[i] = o("index", i, "message", msg, "logprobs", nil, "finish_reason", c.FinishReason)
	}
	return mustJSON(o("id", a.ID, "object", "chat.completion", "created", x.created, "model", a.Model,
		"choices", choices, "usage", chatUsage(a), "service_tier", "default", "system_fingerprint", fingerprint(x)))
}

// rawJSON embeds generated JSON text (tool arguments) as a value.
func rawJSON(s string) json.RawMessage { return json.RawMessage(s) }
