package mockllm

import (
	"net/http"
	"slices"
	"time"
)

// Ollama native chat: POST /api/chat (NDJSON).
var ollama = &provider{
	format: "ollama",
	parse:  parseOllama,
	finish: func(outcome string) string {
		if outcome == "length" {
			return "length"
		}
		return "stop" // Ollama says "stop" also after a tool call
	},
	stream:    streamOllama,
	body:      bodyOllama,
	errorBody: ollamaError,
	jsonType:  "application/json; charset=utf-8",
}

func parseOllama(m map[string]any, _ *http.Request, _ string) (*request, error) {
	req := &request{n: 1}
	var err error
	if req.model, err = str(m, "model", "model", true); err != nil {
		return nil, err
	}
	msgs, err := arr(m, "messages", "messages", true)
	if err != nil {
		return nil, err
	}
	if err := openAIMessages(msgs, req); err != nil {
		return nil, err
	}
	// Ollama streams unless told otherwise.
	if req.stream, err = boolean(m, "stream", "stream", true); err != nil {
		return nil, err
	}
	switch t := m["think"].(type) {
	case nil:
	case bool:
		req.thinking = t
	case string:
		switch t {
		case "low", "medium", "high":
			req.thinking = true
		default:
			return nil, badf("think: expected true, false, \"low\", \"medium\" or \"high\", got %q", t)
		}
	default:
		return nil, badf("think: expected a boolean or a string, got %s", kind(t))
	}
	opts, err := object(m, "options", "options")
	if err != nil {
		return nil, err
	}
	if opts != nil {
		if req.maxTokens, err = integer(opts, "num_predict", "options.num_predict"); err != nil {
			return nil, err
		}
	}
	if req.tools, err = functionTools(m, true); err != nil {
		return nil, err
	}
	return req, nil
}

// ollamaError is Ollama's error body (also its mid-stream error line).
func ollamaError(_ int, msg string) []byte { return mustJSON(o("error", msg)) }

// ollamaTime is the created_at of line i: a fixed start derived from the
// request plus 20 ms per line, so the same request gives the same bytes.
func ollamaTime(x *ids, i int) string {
	t := time.Unix(x.created, int64(x.seed%1e9)).UTC().Add(time.Duration(i) * 20 * time.Millisecond)
	return t.Format(time.RFC3339Nano)
}

func ollamaToolCalls(c AnswerChoice) []any {
	calls := make([]any, len(c.ToolCalls))
	for i, tc := range c.ToolCalls {
		calls[i] = o("id", tc.ID, "function", o("index", i, "name", tc.Name, "arguments", rawJSON(tc.Arguments)))
	}
	return calls
}

// ollamaStats are the final line's counters; durations are nominal
// (derived from the counts, not measured) to keep the bytes deterministic.
func ollamaStats(a *Answer) []field {
	eval := int64(a.CompletionTokens) * 8_000_000
	prompt := int64(a.PromptTokens) * 1_500_000
	load := int64(41_295_167)
	return []field{{"total_duration", load + prompt + eval + 1_000_000}, {"load_duration", load},
		{"prompt_eval_count", a.PromptTokens}, {"prompt_eval_duration", prompt},
		{"eval_count", a.CompletionTokens}, {"eval_duration", eval}}
}

func streamOllama(a *Answer, _ *request, x *ids, _ *http.Request) *plan {
	p := &plan{contentType: "application/x-ndjson"} // no heartbeat: NDJSON has none
	c := a.Choices[0]
	encode := func(at any, msg obj, extra ...field) []byte {
		l := append(o("model", a.Model, "created_at", at, "message", msg, "done", len(extra) > 0), extra...)
		return append(mustJSON(l), '\n')
	}
	line := func(msg obj, tokens int, extra ...field) {
		p.frames = append(p.frames, frame{b: encode(ollamaTime(x, len(p.frames)), msg, extra...), tokens: int32(tokens)})
	}
	// lines adds one line per token, rendered from a template whose
	// created_at is the line's own time.
	at := func(i int) string { return ollamaTime(x, i) }
	lines := func(msg obj, toks []string) {
		t := newTmpl(encode(holeAt, msg))
		t.at = at
		p.frames = slices.Grow(p.frames, len(toks))
		for _, tok := range toks {
			p.frames = append(p.frames, frame{t: t, text: tok, tokens: 1})
		}
	}
	lines(o("role", "assistant", "content", "", "thinking", holeText), c.reasoningTokens)
	lines(o("role", "assistant", "content", holeText), c.contentTokens)
	if len(c.ToolCalls) > 0 {
		line(o("role", "assistant", "content", "", "tool_calls", ollamaToolCalls(c)), len(c.ToolCalls))
	}
	line(o("role", "assistant", "content", ""), 0, append([]field{{"done_reason", c.FinishReason}}, ollamaStats(a)...)...)
	p.errFrames = func(int) []byte {
		return append(ollamaError(0, "an error was encountered while running the model: mock fault: error"), '\n')
	}
	return p
}

func bodyOllama(a *Answer, _ *request, x *ids) []byte {
	c := a.Choices[0]
	msg := o("role", "assistant", "content", c.Content)
	if c.Reasoning != "" {
		msg = append(msg, field{"thinking", c.Reasoning})
	}
	if len(c.ToolCalls) > 0 {
		msg = append(msg, field{"tool_calls", ollamaToolCalls(c)})
	}
	l := append(o("model", a.Model, "created_at", ollamaTime(x, 0), "message", msg, "done", true,
		"done_reason", c.FinishReason), ollamaStats(a)...)
	return mustJSON(l)
}
