package mockllm

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Answer is the reply the mock generates for a request: exactly what a
// correct merge of the streamed response yields. Predict returns it, so tests
// elsewhere can compare their merge against it.
type Answer struct {
	Format  string         // "openai-chat", "openai-responses", "anthropic", "gemini", "ollama", "tgi", "llama-cpp" or "cohere-v1"
	Model   string         // model name as echoed by the provider
	ID      string         // response / message id ("" for Ollama, which has none)
	Choices []AnswerChoice // one, or n for an OpenAI Chat request with n > 1
	// PromptTokens and CompletionTokens are the usage counts the mock reports.
	PromptTokens     int
	CompletionTokens int
	ReasoningTokens  int
}

// AnswerChoice is one generated choice.
type AnswerChoice struct {
	Reasoning string
	Content   string
	ToolCalls []AnswerToolCall
	// FinishReason is the provider's own value, verbatim: "stop",
	// "tool_calls", "length" (OpenAI Chat, Ollama), "end_turn", "tool_use",
	// "max_tokens" (Anthropic), "completed", "incomplete" (Responses status),
	// "STOP", "MAX_TOKENS" (Gemini), "eos_token", "length" (TGI; "" without
	// details), "eos", "limit" (llama.cpp), "COMPLETE", "MAX_TOKENS"
	// (Cohere v1).
	FinishReason string

	reasoningTokens []string
	contentTokens   []string
	truncated       bool
}

// AnswerToolCall is one generated tool call. Arguments is compact JSON with
// its keys sorted.
type AnswerToolCall struct {
	ID        string
	Name      string
	Arguments string
}

// Short phrases the answers are built from; every one contains multi-byte
// UTF-8 so that the split fault cuts inside characters.
var answerTemplates = []string{
	"Here is a mock answer to “%s” — streamed token by token, with café-style accents and a friendly 👋.",
	"You asked: “%s”. The mock model answers deterministically: naïve résumé, 東京, and ✓ included.",
	"Mock reply for “%s”: same request, same bytes — ¡olé! Größe, ß and 🚀 travel safely.",
	"Streamscope mock says “%s” is a fine question; the answer is 42 ± 0 — déjà vu guaranteed 🙂.",
}

var reasoningTemplates = []string{
	"The user wrote “%s”. I should reply briefly — a short answer with a few multi-byte characters (é, ß, 漢字).",
	"Let me think about “%s”… A concise, friendly answer works best here; add ✓ and an emoji 🤔.",
}

// seed hashes the parts that make a request distinct.
func seed(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// snippet is the start of the prompt, at most 8 words and 60 characters.
func snippet(prompt string) string {
	words := strings.Fields(prompt)
	if len(words) == 0 {
		return "(empty prompt)"
	}
	cut := len(words) > 8
	if cut {
		words = words[:8]
	}
	s := strings.Join(words, " ")
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:60])
		cut = true
	}
	if cut {
		s += "…"
	}
	return s
}

// tokenize splits text into model-like tokens: a word with its leading
// spaces, or one other character. Joining the tokens gives the text back.
func tokenize(s string) []string { return appendTokens(nil, s) }

// appendTokens appends the tokens of s to toks.
func appendTokens(toks []string, s string) []string {
	for i := 0; i < len(s); {
		j := tokenEnd(s, i)
		toks = append(toks, s[i:j])
		i = j
	}
	return toks
}

// tokenEnd is the end of the token that starts at s[i] (i < len(s)).
func tokenEnd(s string, i int) int {
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '\n') {
		j++
	}
	k := j
	for k < len(s) {
		r, n := utf8.DecodeRuneInString(s[k:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'') || (r >= 0x2E80 && k > j) {
			break
		}
		k += n
		if r >= 0x2E80 { // CJK: one character per token
			break
		}
		if k-j >= 10 {
			break
		}
	}
	if k == j && k < len(s) {
		_, n := utf8.DecodeRuneInString(s[k:])
		k += n
	}
	return k
}

// fragments cuts a JSON text into argument deltas of 2 to 7 bytes, on rune
// boundaries, the way providers stream tool-call arguments.
func fragments(s string, h uint64) []string {
	var out []string
	for len(s) > 0 {
		n := 2 + int(h%6)
		h = h*6364136223846793005 + 1442695040888963407
		if n >= len(s) {
			out = append(out, s)
			break
		}
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// generate builds the answer for a parsed request. fin maps the generic
// outcome ("stop", "tool", "length") to the provider's finish value.
func generate(format string, req *request, id string, fin func(outcome string) string) *Answer {
	a := &Answer{Format: format, Model: req.model, ID: id}
	a.PromptTokens = max(1, len(tokenize(req.prompt))+4)
	n := max(1, req.n)
	for i := range n {
		c := generateChoice(req, i)
		outcome := "stop"
		switch {
		case c.truncated:
			outcome = "length"
		case len(c.ToolCalls) > 0:
			outcome = "tool"
		}
		c.FinishReason = fin(outcome)
		for _, tc := range c.ToolCalls {
			a.CompletionTokens += len(tokenize(tc.Arguments)) + 2
		}
		a.CompletionTokens += len(c.reasoningTokens) + len(c.contentTokens)
		a.ReasoningTokens += len(c.reasoningTokens)
		a.Choices = append(a.Choices, c)
	}
	return a
}

func generateChoice(req *request, index int) AnswerChoice {
	h := seed(req.model, req.prompt, fmt.Sprint(index))
	snip := snippet(req.prompt)
	var c AnswerChoice
	calls := chooseTools(req)
	switch {
	case req.toolResult != nil:
		name := req.toolResult.name
		if name == "" {
			name = "the tool"
		}
		c.Content = fmt.Sprintf("%s returned %s — so here is the answer, based on that result ✓.", name, snippet(req.toolResult.content))
		if req.thinking {
			c.Reasoning = fmt.Sprintf("I called %s and got a result; now I summarise it for the user — short and clear 🙂.", name)
		}
	case len(calls) > 0:
		names := make([]string, len(calls))
		for i, t := range calls {
			names[i] = t.name
			args := toolArguments(t.schema, req.prompt, h+uint64(i))
			c.ToolCalls = append(c.ToolCalls, AnswerToolCall{
				ID:        fmt.Sprintf("%016x", seed(req.prompt, t.name, fmt.Sprint(index, i))),
				Name:      t.name,
				Arguments: args,
			})
		}
		if req.thinking {
			c.Reasoning = fmt.Sprintf("The user asked “%s”. I need %s for that, so I call it — no guessing 🤔.", snip, strings.Join(names, " and "))
		}
		if req.preamble {
			c.Content = fmt.Sprintf("I’ll use %s to answer that.", strings.Join(names, " and "))
		}
	default:
		c.Content = fmt.Sprintf(answerTemplates[h%uint64(len(answerTemplates))], snip)
		if req.thinking {
			c.Reasoning = fmt.Sprintf(reasoningTemplates[(h>>8)%uint64(len(reasoningTemplates))], snip)
		}
	}
	if req.tokens > 0 {
		opening := c.Content
		if len(c.ToolCalls) > 0 && opening == "" {
			opening = fmt.Sprintf("I’ll use %s to answer that.", c.ToolCalls[0].Name)
		}
		c.Content = longText(opening, req.tokens, h)
		c.contentTokens = appendTokens(make([]string, 0, req.tokens), c.Content)
	} else {
		c.contentTokens = tokenize(c.Content)
	}
	c.reasoningTokens = tokenize(c.Reasoning)
	if req.maxTokens > 0 {
		limit := req.maxTokens
		if len(c.reasoningTokens) >= limit {
			c.reasoningTokens = c.reasoningTokens[:limit]
			c.contentTokens = nil
			c.ToolCalls = nil
			c.truncated = true
		} else if len(c.reasoningTokens)+len(c.contentTokens) > limit || (len(c.ToolCalls) > 0 && len(c.reasoningTokens)+len(c.contentTokens) == limit) {
			c.contentTokens = c.contentTokens[:limit-len(c.reasoningTokens)]
			c.ToolCalls = nil
			c.truncated = true
		}
		if c.truncated {
			c.Reasoning = strings.Join(c.reasoningTokens, "")
			c.Content = strings.Join(c.contentTokens, "")
		}
	}
	return c
}

// chooseTools picks the tools the mock model calls: none when the last turn
// is a tool result or tool choice is "none"; the forced tool when one is
// named; else every tool whose name appears in the prompt, or the first tool.
func chooseTools(req *request) []tool {
	if len(req.tools) == 0 || req.toolResult != nil || req.toolChoice == "none" {
		return nil
	}
	if req.toolChoice != "" {
		for _, t := range req.tools {
			if t.name == req.toolChoice {
				return []tool{t}
			}
		}
	}
	var named []tool
	lower := strings.ToLower(req.prompt)
	for _, t := range req.tools {
		if t.name != "" && strings.Contains(lower, strings.ToLower(t.name)) {
			named = append(named, t)
		}
	}
	if len(named) > 0 {
		return named
	}
	return req.tools[:1]
}

// toolArguments fills a JSON Schema's properties with values taken from the
// prompt, keys sorted, compact JSON.
func toolArguments(schema map[string]any, prompt string, h uint64) string {
	props, _ := schema["properties"].(map[string]any)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	args := make(obj, 0, len(keys))
	for i, k := range keys {
		p, _ := props[k].(map[string]any)
		args = append(args, field{k: k, v: sampleValue(p, prompt, h+uint64(i))})
	}
	return string(mustJSON(args))
}

func sampleValue(p map[string]any, prompt string, h uint64) any {
	if enum, ok := p["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	typ, _ := p["type"].(string)
	if ts, ok := p["type"].([]any); ok && len(ts) > 0 {
		typ, _ = ts[0].(string)
	}
	switch strings.ToLower(typ) {
	case "integer":
		return json.Number(fmt.Sprint(1 + h%20))
	case "number":
		return json.Number(fmt.Sprintf("%d.5", 1+h%20))
	case "boolean":
		return true
	case "array":
		return []any{}
	case "object":
		return obj{}
	case "null":
		return nil
	}
	return keyword(prompt)
}

// keyword is the value the mock puts into string arguments: the last
// capitalised word of the prompt, else its longest word, else "Paris".
func keyword(prompt string) string {
	words := strings.FieldsFunc(prompt, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' })
	for i := len(words) - 1; i >= 1; i-- {
		r, _ := utf8.DecodeRuneInString(words[i])
		if unicode.IsUpper(r) {
			return words[i]
		}
	}
	best := ""
	for _, w := range words {
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(best) {
			best = w
		}
	}
	if best == "" {
		return "Paris"
	}
	return best
}
