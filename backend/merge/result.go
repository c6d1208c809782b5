package merge

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Result is the merged view of one stream. Its JSON form is the object that
// `streamscope merge` prints (CONTRACT.md); the fields after Choices are
// Streamscope's additions for the UI and are omitted when empty.
type Result struct {
	Format       string         `json:"format"`
	Content      string         `json:"content"`
	Reasoning    string         `json:"reasoning"`
	ToolCalls    []ToolCall     `json:"tool_calls"`
	FinishReason *string        `json:"finish_reason"`
	Usage        map[string]any `json:"usage"`
	Error        *StreamError   `json:"error"`
	Complete     bool           `json:"complete"`
	Events       int            `json:"events"`
	Choices      []Choice       `json:"choices,omitempty"`
	// ServerTools are the tools the provider ran itself (never in
	// ToolCalls, which holds only the calls the client must answer).
	ServerTools []ServerTool `json:"server_tools,omitempty"`
	// Citations are the sources the answer cites, from every choice, in
	// the order they arrived.
	Citations []Citation `json:"citations,omitempty"`
	// Filters are the content-filter and safety results of the prompt and
	// of each choice.
	Filters []Filter `json:"filters,omitempty"`

	// Verdict is one of VerdictComplete, VerdictCutOff, VerdictMaxTokens,
	// VerdictError, VerdictDataLost, or VerdictStreaming while events still
	// arrive.
	Verdict string `json:"verdict,omitempty"`
	// Lost says, a sentence each, what data never reached the result (an
	// event over the parser's size limit, a body over the size kept): such
	// a result is not complete (see MarkLost).
	Lost []string `json:"lost,omitempty"`
	// Refusal is the model's refusal text: OpenAI Chat `refusal` deltas,
	// Responses refusal parts, Anthropic's stop_details explanation of a
	// `refusal` stop.
	Refusal string `json:"refusal,omitempty"`
	// ReasoningSignature and EncryptedReasoning keep opaque reasoning
	// material (Anthropic signatures and redacted_thinking data, Responses
	// encrypted_content, Gemini thoughtSignature, OpenRouter
	// reasoning_details), one value per line.
	ReasoningSignature string `json:"reasoning_signature,omitempty"`
	EncryptedReasoning string `json:"encrypted_reasoning,omitempty"`
	// Model and ID are the provider's model name and response id when sent.
	Model string `json:"model,omitempty"`
	ID    string `json:"id,omitempty"`
	// InvalidEvents counts events whose data was expected to be JSON but was not.
	InvalidEvents int `json:"invalid_events,omitempty"`
	// ToolPlan is the plan text some providers stream before tool calls
	// (Cohere tool-plan-delta): neither content nor reasoning.
	ToolPlan string `json:"tool_plan,omitempty"`
	// Warnings are human-readable notes (invalid tool-call arguments, events
	// after the end marker, ...).
	Warnings []string `json:"warnings,omitempty"`
}

// ToolCall is one tool/function call, keyed by its index in the stream.
type ToolCall struct {
	Index int    `json:"index"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	// Arguments is always a JSON text in a string, also where the provider
	// sends an object (Gemini, Ollama); free text for custom tools.
	Arguments string `json:"arguments"`
	// ArgumentsError says why Arguments is not valid JSON, once the stream ended.
	ArgumentsError string `json:"arguments_error,omitempty"`
	// Type is the provider's kind of call when it is not a function call:
	// custom (free-text input), and the Responses calls the client
	// answers: custom_tool_call, computer_call, local_shell_call,
	// shell_call, apply_patch_call, mcp_approval_request, tool_search_call.
	Type string `json:"type,omitempty"`
	// Output is a tool result the stream itself carried (Vercel AI SDK
	// tool-output-available), as decoded JSON.
	Output any `json:"output,omitempty"`
}

// StreamError is an error that arrived inside the stream.
type StreamError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    string `json:"code,omitempty"`
}

// Choice is one choice of a stream with n > 1.
type Choice struct {
	Index        int        `json:"index"`
	Content      string     `json:"content"`
	Reasoning    string     `json:"reasoning"`
	Refusal      string     `json:"refusal,omitempty"`
	ToolCalls    []ToolCall `json:"tool_calls"`
	FinishReason *string    `json:"finish_reason"`
}

// Verdicts.
const (
	VerdictStreaming = "streaming"
	VerdictComplete  = "complete"
	VerdictCutOff    = "cut_off"
	VerdictMaxTokens = "max_tokens"
	VerdictError     = "error"
	// VerdictDataLost: the stream ended as it should, but data was dropped
	// on the way (Result.Lost says what).
	VerdictDataLost = "data_lost"
)

// MarkLost records that data described by what never reached r: r is then
// not complete, and a complete (or max_tokens) verdict becomes
// VerdictDataLost; an error or cut-off verdict stays, as it says more.
func (r *Result) MarkLost(what string) {
	r.Lost = append(r.Lost, what)
	r.Complete = false
	switch r.Verdict {
	case VerdictComplete, VerdictMaxTokens:
		r.Verdict = VerdictDataLost
	}
}

// MarkLost records data of the stream that was dropped before it reached
// the merger (an event over the parser's size limit): every Result from
// End on carries it (see Result.MarkLost).
func (m *Merger) MarkLost(what string) { m.lost = append(m.lost, what) }

// SawEnd reports whether the format's explicit end marker arrived ([DONE],
// message_stop, "done":true, ...; a final event for every llama.cpp index;
// a match of a JSONPath stop rule). Formats that end with the input (a
// script's) never see one.
func (m *Merger) SawEnd() bool {
	if m.format == FormatLlamaCpp {
		// Several prompts stream their finals at different times: the
		// stream ends when every index seen sent one.
		return m.allFinished()
	}
	return m.sawEnd
}

// maxTokenReasons are stop values that mean the output was cut by a token
// limit.
var maxTokenReasons = map[string]bool{
	"length": true, "max_tokens": true, "MAX_TOKENS": true, "max_output_tokens": true,
	"incomplete": true, "model_context_window_exceeded": true,
	"limit": true, "ERROR_LIMIT": true, // llama.cpp stop_type, Cohere v1 (context length)
}

// hasEndMarker reports whether the format ends with an explicit marker
// (otherwise the end of input is the end of the stream).
func hasEndMarker(format string) bool {
	switch format {
	case FormatJSONPath, FormatScript:
		return false
	}
	return true
}

// End declares the input ended, without saying that it ended cleanly (the
// connection may have been cut), and returns the final result:
// completeness, verdict, and tool-call arguments validated as JSON. Events
// may still be added afterwards (a stream that reconnects goes on) and End
// or EndClean called again; the last call decides.
func (m *Merger) End() Result { return m.end(false) }

// EndClean is End for an input known to have ended cleanly: the end of a
// file or of stdin, an HTTP body that arrived whole (not cut off by the
// connection, not ended mid-event). Only then is an OpenAI-style stream
// without [DONE] complete, once every choice sent a finish_reason.
func (m *Merger) EndClean() Result { return m.end(true) }

func (m *Merger) end(clean bool) Result {
	m.ended = true
	m.clean = clean
	m.closeGeminiCalls()
	for _, c := range m.sortedChoices() {
		for _, t := range c.tools {
			t.argsErr = ""
			args := t.arguments()
			if args == "" || t.freeform {
				continue
			}
			if err := argsError(args); err != nil {
				t.argsErr = "arguments are not valid JSON: " + err.Error()
			}
		}
	}
	return m.Result()
}

// argsError is what json.Unmarshal of args into an `any` reports, without
// building the value when json.Valid can tell: valid JSON fails to decode
// only where a number overflows a float64, which takes an exponent or more
// than 300 characters; such a text is decoded to get the error.
func argsError(args string) error {
	b := []byte(args)
	if json.Valid(b) && !mayOverflow(args) {
		return nil
	}
	var v any
	return json.Unmarshal(b, &v)
}

// mayOverflow reports whether the valid JSON text s has a number with an
// exponent or longer than 300 characters (one that may not fit a float64).
func mayOverflow(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case c == '-' || (c >= '0' && c <= '9'):
			j := i
			for ; j < len(s) && (s[j] == '-' || s[j] == '+' || s[j] == '.' || (s[j] >= '0' && s[j] <= '9') || s[j] == 'e' || s[j] == 'E'); j++ {
				if s[j] == 'e' || s[j] == 'E' {
					return true
				}
			}
			if j-i > 300 {
				return true
			}
			i = j - 1
		}
	}
	return false
}

func (t *tool) arguments() string {
	if t.args.Len() == 0 {
		return t.fallback
	}
	return t.args.String()
}

func (m *Merger) sortedChoices() []*choice {
	out := make([]*choice, 0, m.nChoice)
	for _, c := range m.choices {
		if c != nil {
			out = append(out, c)
		}
	}
	if len(m.sparse) > 0 {
		for _, c := range m.sparse {
			out = append(out, c)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].index < out[j].index })
	}
	return out
}

func toolCalls(c *choice) []ToolCall {
	out := make([]ToolCall, 0, len(c.tools))
	for _, t := range c.tools {
		out = append(out, ToolCall{
			Index: t.key, ID: t.id, Name: t.name, Arguments: t.arguments(),
			ArgumentsError: t.argsErr, Type: t.typ, Output: t.output,
		})
	}
	return out
}

func finishPtr(c *choice) *string {
	if !c.hasFinish {
		return nil
	}
	s := c.finish
	return &s
}

// Result returns a snapshot of the merge so far. Before End its Verdict is
// VerdictStreaming and Complete is false.
func (m *Merger) Result() Result {
	r := Result{
		Format:             m.format,
		ToolCalls:          []ToolCall{},
		Events:             m.events,
		Model:              m.model,
		ID:                 m.id,
		InvalidEvents:      m.invalid,
		ReasoningSignature: m.signature,
		EncryptedReasoning: m.encrypted,
		ToolPlan:           m.toolPlan.String(),
		Verdict:            VerdictStreaming,
		ServerTools:        m.serverToolsView(),
		Citations:          m.citationsView(),
	}
	if r.Format == "" {
		r.Format = FormatUnknown
	}
	if m.usage != nil {
		r.Usage = deepCopy(m.usage).(map[string]any)
	}
	if m.err != nil {
		e := *m.err
		r.Error = &e
	}
	chs := m.sortedChoices()
	r.Filters = m.filtersView(chs)
	if len(chs) > 0 {
		c0 := chs[0]
		r.Content = c0.content.String()
		r.Reasoning = c0.reasoning.String()
		r.Refusal = c0.refusal.String()
		r.ToolCalls = toolCalls(c0)
		r.FinishReason = finishPtr(c0)
	}
	if len(chs) > 1 {
		r.Choices = make([]Choice, 0, len(chs))
		for _, c := range chs {
			r.Choices = append(r.Choices, Choice{
				Index: c.index, Content: c.content.String(), Reasoning: c.reasoning.String(),
				Refusal: c.refusal.String(), ToolCalls: toolCalls(c), FinishReason: finishPtr(c),
			})
		}
	}
	if len(m.warnings) > 0 {
		r.Warnings = append([]string(nil), m.warnings...)
	}
	if m.afterEnd > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d event(s) arrived after the end marker", m.afterEnd))
	}
	if m.rules != nil {
		r.Warnings = append(r.Warnings, m.rules.errors()...)
	}
	if !m.ended {
		r.Lost = append([]string(nil), m.lost...)
		return r
	}
	ended := m.SawEnd() || !hasEndMarker(r.Format)
	if r.Format == FormatUnknown {
		ended = m.events > 0
	}
	if r.Format == FormatOpenAIChat && !m.sawEnd {
		// Some OpenAI-compatible servers never send [DONE]: a body that
		// ended cleanly after every choice's finish_reason is complete.
		switch finished := m.allFinished(); {
		case finished && m.clean:
			ended = true
		case finished:
			r.Warnings = append(r.Warnings, "every choice sent a finish_reason, but the body was cut off before the [DONE] end marker")
		case len(chs) > 0 && chs[0].hasFinish:
			r.Warnings = append(r.Warnings, "a finish_reason arrived, but neither the [DONE] end marker nor one for every choice")
		}
	}
	r.Complete = ended && m.err == nil
	switch {
	case m.err != nil:
		r.Verdict = VerdictError
	case !ended:
		r.Verdict = VerdictCutOff
	case r.FinishReason != nil && maxTokenReasons[*r.FinishReason] &&
		(*r.FinishReason != "incomplete" || m.resp.incompleteReason == "" || m.resp.incompleteReason == "max_output_tokens"):
		r.Verdict = VerdictMaxTokens
	default:
		r.Verdict = VerdictComplete
	}
	for _, what := range m.lost {
		r.MarkLost(what)
	}
	for _, c := range r.ToolCalls {
		if c.ArgumentsError != "" {
			r.Warnings = append(r.Warnings, fmt.Sprintf("tool call %d (%s): %s", c.Index, c.Name, c.ArgumentsError))
		}
	}
	if len(r.Warnings) > maxWarnings {
		more := len(r.Warnings) - maxWarnings + 1
		r.Warnings = append(r.Warnings[:maxWarnings-1], fmt.Sprintf("… and %d more warnings", more))
	}
	return r
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}
