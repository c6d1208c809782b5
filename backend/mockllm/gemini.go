package mockllm

import (
	"fmt"
	"net/http"
	"strings"
)

// Gemini: POST /v1beta/models/{model}:streamGenerateContent?alt=sse and
// :generateContent.
var gemini = &provider{
	format: "gemini",
	idLen:  23, // responseId
	parse:  parseGemini,
	finish: func(outcome string) string {
		if outcome == "length" {
			return "MAX_TOKENS"
		}
		return "STOP"
	},
	stream:    streamGemini,
	body:      bodyGemini,
	errorBody: geminiError,
	jsonType:  "application/json; charset=UTF-8",
}

// geminiChunkTokens is how many tokens one streamed Gemini chunk carries
// (Gemini sends larger pieces than the OpenAI-style APIs).
const geminiChunkTokens = 4

func parseGemini(m map[string]any, _ *http.Request, model string) (*request, error) {
	req := &request{n: 1, model: model}
	contents, err := arr(m, "contents", "contents", true)
	if err != nil {
		return nil, err
	}
	if len(contents) == 0 {
		return nil, badf("contents: must contain at least one content")
	}
	for i := range contents {
		c, err := elem(contents, i, "contents")
		if err != nil {
			return nil, err
		}
		path := fmt.Sprintf("contents[%d]", i)
		role, err := str(c, "role", path+".role", false)
		if err != nil {
			return nil, err
		}
		parts, err := arr(c, "parts", path+".parts", true)
		if err != nil {
			return nil, err
		}
		if role == "model" {
			continue
		}
		var texts []string
		var result *toolResult
		for j := range parts {
			part, err := elem(parts, j, path+".parts")
			if err != nil {
				return nil, err
			}
			if t, ok := part["text"].(string); ok {
				texts = append(texts, t)
			}
			if fr, ok := part["functionResponse"].(map[string]any); ok {
				name, _ := fr["name"].(string)
				result = &toolResult{name: name, content: stringify(fr["response"])}
			}
		}
		if result != nil {
			req.toolResult = result
		} else {
			req.prompt, req.toolResult = strings.Join(texts, "\n"), nil
		}
	}
	gc, err := object(m, "generationConfig", "generationConfig")
	if err != nil {
		return nil, err
	}
	if gc != nil {
		if req.maxTokens, err = integer(gc, "maxOutputTokens", "generationConfig.maxOutputTokens"); err != nil {
			return nil, err
		}
		tc, err := object(gc, "thinkingConfig", "generationConfig.thinkingConfig")
		if err != nil {
			return nil, err
		}
		if tc != nil {
			if req.thinking, err = boolean(tc, "includeThoughts", "generationConfig.thinkingConfig.includeThoughts", false); err != nil {
				return nil, err
			}
		}
	}
	tools, err := arr(m, "tools", "tools", false)
	if err != nil {
		return nil, err
	}
	for i := range tools {
		t, err := elem(tools, i, "tools")
		if err != nil {
			return nil, err
		}
		decls, err := arr(t, "functionDeclarations", fmt.Sprintf("tools[%d].functionDeclarations", i), false)
		if err != nil {
			return nil, err
		}
		for j := range decls {
			d, err := elem(decls, j, fmt.Sprintf("tools[%d].functionDeclarations", i))
			if err != nil {
				return nil, err
			}
			path := fmt.Sprintf("tools[%d].functionDeclarations[%d]", i, j)
			name, err := str(d, "name", path+".name", true)
			if err != nil {
				return nil, err
			}
			schema, err := object(d, "parameters", path+".parameters")
			if err != nil {
				return nil, err
			}
			if schema == nil {
				if schema, err = object(d, "parametersJsonSchema", path+".parametersJsonSchema"); err != nil {
					return nil, err
				}
			}
			req.tools = append(req.tools, tool{name: name, schema: schema})
		}
	}
	if cfg, _ := m["toolConfig"].(map[string]any); cfg != nil {
		fcc, _ := cfg["functionCallingConfig"].(map[string]any)
		switch mode, _ := fcc["mode"].(string); strings.ToUpper(mode) {
		case "NONE":
			req.toolChoice = "none"
		case "ANY":
			if names, _ := fcc["allowedFunctionNames"].([]any); len(names) == 1 {
				req.toolChoice, _ = names[0].(string)
			}
		}
	}
	return req, nil
}

// geminiError is Google's error body.
func geminiError(status int, msg string) []byte {
	st := "INVALID_ARGUMENT"
	switch {
	case status == http.StatusTooManyRequests:
		st = "RESOURCE_EXHAUSTED"
	case status == http.StatusNotFound:
		st = "NOT_FOUND"
	case status == http.StatusMethodNotAllowed:
		st = "UNIMPLEMENTED"
	case status >= 500:
		st = "INTERNAL"
	}
	return mustJSON(o("error", o("code", status, "message", msg, "status", st)))
}

func geminiUsage(a *Answer, candidates, thoughts int) obj {
	var th any
	if thoughts > 0 {
		th = thoughts
	}
	return geminiUsageOf(a, candidates, a.PromptTokens+candidates+thoughts, th)
}

// geminiUsageOf is the usageMetadata with the given values (numbers, or
// template holes); thoughts nil leaves thoughtsTokenCount out.
func geminiUsageOf(a *Answer, candidates, total, thoughts any) obj {
	u := o("promptTokenCount", a.PromptTokens, "candidatesTokenCount", candidates,
		"totalTokenCount", total,
		"promptTokensDetails", []any{o("modality", "TEXT", "tokenCount", a.PromptTokens)})
	if thoughts != nil {
		u = append(u, field{"thoughtsTokenCount", thoughts})
	}
	return u
}

// geminiResponse is one GenerateContentResponse.
func geminiResponse(a *Answer, parts []any, finish string, usage obj) obj {
	cand := o("content", o("parts", parts, "role", "model"))
	if finish != "" {
		cand = append(cand, field{"finishReason", finish})
	}
	cand = append(cand, field{"index", 0})
	return o("candidates", []any{cand}, "usageMetadata", usage,
		"modelVersion", a.Model, "responseId", a.ID)
}

func functionCallParts(c AnswerChoice) []any {
	var parts []any
	for _, tc := range c.ToolCalls {
		parts = append(parts, o("functionCall", o("name", tc.Name, "args", rawJSON(tc.Arguments))))
	}
	return parts
}

func streamGemini(a *Answer, req *request, x *ids, r *http.Request) *plan {
	sse := r != nil && r.URL.Query().Get("alt") == "sse"
	p := &plan{contentType: "text/event-stream", heartbeat: []byte(": ping\r\n\r\n")}
	if !sse {
		// Without alt=sse Gemini streams one JSON array of responses.
		p.contentType, p.heartbeat = "application/json; charset=UTF-8", []byte("\r\n")
	}
	c := a.Choices[0]
	type piece struct {
		text    string
		tokens  int
		thought bool
	}
	var pieces []piece
	group := func(toks []string, thought bool) {
		for i := 0; i < len(toks); i += geminiChunkTokens {
			j := min(len(toks), i+geminiChunkTokens)
			pieces = append(pieces, piece{strings.Join(toks[i:j], ""), j - i, thought})
		}
	}
	group(c.reasoningTokens, true)
	group(c.contentTokens, false)
	textPart := func(text any, thought bool) obj {
		part := o("text", text)
		if thought {
			part = append(part, field{"thought", true})
		}
		return part
	}
	frameBytes := func(b []byte) []byte {
		switch {
		case sse:
			return append(append([]byte("data: "), b...), "\r\n\r\n"...)
		case len(p.frames) == 0:
			return append([]byte("["), b...)
		}
		return append([]byte(",\r\n"), b...)
	}
	thoughts, cands := 0, 0
	emit := func(parts []any, tokens int, finish string, isThought bool) {
		if isThought {
			thoughts += tokens
		} else {
			cands += tokens
		}
		b := mustJSON(geminiResponse(a, parts, finish, geminiUsage(a, cands, thoughts)))
		p.frames = append(p.frames, frame{b: frameBytes(b), tokens: int32(tokens)})
	}
	// Pieces without a finish reason, after the first frame, are rendered
	// from a template per section: text, a running count and the total.
	var thoughtTmpl, textTmpl *tmpl
	calls := functionCallParts(c)
	p.frames = make([]frame, 0, len(pieces)+2)
	for i, pc := range pieces {
		finish := ""
		if i == len(pieces)-1 && len(calls) == 0 {
			finish = c.FinishReason
		}
		if finish != "" || len(p.frames) == 0 {
			emit([]any{textPart(pc.text, pc.thought)}, pc.tokens, finish, pc.thought)
			continue
		}
		var t *tmpl
		var n int
		if pc.thought {
			thoughts += pc.tokens
			n = thoughts
			if thoughtTmpl == nil {
				thoughtTmpl = newTmpl(frameBytes(mustJSON(geminiResponse(a, []any{textPart(holeText, true)}, "",
					geminiUsageOf(a, 0, holeNumPlus, holeNum)))))
				thoughtTmpl.plus = a.PromptTokens
			}
			t = thoughtTmpl
		} else {
			cands += pc.tokens
			n = cands
			if textTmpl == nil {
				var th any
				if thoughts > 0 {
					th = thoughts
				}
				textTmpl = newTmpl(frameBytes(mustJSON(geminiResponse(a, []any{textPart(holeText, false)}, "",
					geminiUsageOf(a, holeNum, holeNumPlus, th)))))
				textTmpl.plus = a.PromptTokens + thoughts
			}
			t = textTmpl
		}
		p.frames = append(p.frames, frame{t: t, text: pc.text, n: int32(n), tokens: int32(pc.tokens)})
	}
	if len(calls) > 0 {
		n := 0
		for _, tc := range c.ToolCalls {
			n += len(tokenize(tc.Arguments)) + 2
		}
		emit(calls, n, c.FinishReason, false)
	}
	if len(p.frames) == 0 {
		emit([]any{o("text", "")}, 0, c.FinishReason, false)
	}
	if !sse {
		p.frames = append(p.frames, frame{b: []byte("]")})
	}
	p.errFrames = func(int) []byte {
		b := geminiError(http.StatusInternalServerError, internalErrorMessage)
		if sse {
			return append(append([]byte("data: "), b...), "\r\n\r\n"...)
		}
		return append(append([]byte(",\r\n"), b...), ']')
	}
	return p
}

func bodyGemini(a *Answer, _ *request, x *ids) []byte {
	c := a.Choices[0]
	var parts []any
	if c.Reasoning != "" {
		parts = append(parts, o("text", c.Reasoning, "thought", true))
	}
	if c.Content != "" || (len(c.ToolCalls) == 0 && c.Reasoning == "") {
		parts = append(parts, o("text", c.Content))
	}
	parts = append(parts, functionCallParts(c)...)
	return mustJSON(geminiResponse(a, parts, c.FinishReason, geminiUsage(a, a.CompletionTokens-a.ReasoningTokens, a.ReasoningTokens)))
}
