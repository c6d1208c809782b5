package merge

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

	// Verdict is one of VerdictComplete, VerdictCutOff, VerdictMaxTokens,
	// VerdictError, or VerdictStreaming while events still arrive.
	Verdict string `json:"verdict,omitempty"`
	// Refusal is the model's refusal text (OpenAI `refusal` deltas).
	Refusal string `json:"refusal,omitempty"`
	// ReasoningSignature and EncryptedReasoning keep opaque reasoning
	// material (Anthropic signatures, Responses encrypted_content, Gemini
	// thoughtSignature) for display.
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
	// sends an object (Gemini, Ollama).
	Arguments string `json:"arguments"`
	// ArgumentsError says why Arguments is not valid JSON, once the stream ended.
	ArgumentsError string `json:"arguments_error,omitempty"`
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
)
