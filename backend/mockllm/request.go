package mockllm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// request is what the mock needs to know of a provider request, whatever its
// wire format.
type request struct {
	model        string
	stream       bool
	prompt       string      // text of the last user turn
	toolResult   *toolResult // set when the last turn returns a tool's result
	tools        []tool
	toolChoice   string // "" (auto), "none", or the name of a forced tool
	thinking     bool   // reasoning / thinking output requested or implied by the model
	n            int    // choices (OpenAI Chat only), >= 1
	includeUsage bool   // OpenAI Chat stream_options.include_usage
	maxTokens    int    // 0 = no limit
	preamble     bool   // say a sentence before calling tools (Anthropic style)
	tokens       int    // X-Mock-Tokens: text content of exactly this many tokens (0 = the short answer)
	details      bool   // TGI parameters.details: a finish reason and counts in the stream
	fullText     bool   // TGI parameters.return_full_text: generated_text starts with the prompt
	seed         any    // the request's seed as sent (a json.Number), nil when none
	temperature  any    // the request's temperature as sent, nil when none
}

type tool struct {
	name   string
	schema map[string]any // JSON Schema of the arguments, may be nil
}

type toolResult struct {
	name    string // may be "" when the format does not name it
	content string
}

// badRequest is a client error answered with HTTP 400 in the provider's shape.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badf(format string, a ...any) error { return &badRequest{msg: fmt.Sprintf(format, a...)} }

// decodeObject parses a request body that must be one JSON object.
func decodeObject(body []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badf("request body: empty, expected a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badf("request body: invalid JSON: %s", describeJSONError(body, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		off := dec.InputOffset()
		line, col := lineCol(body, off)
		return nil, badf("request body: invalid JSON: unexpected data after the object at line %d, column %d", line, col)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badf("request body: expected a JSON object, got %s", kind(v))
	}
	return m, nil
}

func describeJSONError(body []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(body, max(0, se.Offset-1)) // Offset counts the bad byte
		return fmt.Sprintf("%s at line %d, column %d", se.Error(), line, col)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := lineCol(body, int64(len(body)))
		return fmt.Sprintf("unexpected end of input at line %d, column %d", line, col)
	}
	return err.Error()
}

// lineCol turns a byte offset into 1-based line and column numbers.
func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// kind names a decoded JSON value's type for error messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// Typed field access; path is the field's JSON path for error messages.

func str(m map[string]any, key, path string, required bool) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return "", badf("%s: required string field is missing", path)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", badf("%s: expected a string, got %s", path, kind(v))
	}
	return s, nil
}

func arr(m map[string]any, key, path string, required bool) ([]any, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return nil, badf("%s: required array field is missing", path)
		}
		return nil, nil
	}
	a, ok := v.([]any)
	if !ok {
		return nil, badf("%s: expected an array, got %s", path, kind(v))
	}
	return a, nil
}

func object(m map[string]any, key, path string) (map[string]any, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, badf("%s: expected an object, got %s", path, kind(v))
	}
	return o, nil
}

func boolean(m map[string]any, key, path string, def bool) (bool, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, badf("%s: expected a boolean, got %s", path, kind(v))
	}
	return b, nil
}

// integer reads a non-negative whole number; absent gives 0.
func integer(m map[string]any, key, path string) (int, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, badf("%s: expected an integer, got %s", path, kind(v))
	}
	i, err := n.Int64()
	if err != nil || i < 0 || i > 1<<31 {
		return 0, badf("%s: expected a non-negative integer, got %s", path, n)
	}
	return int(i), nil
}

// elem returns a[i] as an object or an error naming path[i].
func elem(a []any, i int, path string) (map[string]any, error) {
	m, ok := a[i].(map[string]any)
	if !ok {
		return nil, badf("%s[%d]: expected an object, got %s", path, i, kind(a[i]))
	}
	return m, nil
}

// textOf flattens a message content that is either a string or an array of
// parts with a "text" field (OpenAI, Anthropic, Responses, Gemini parts).
func textOf(v any, path string) (string, error) {
	switch c := v.(type) {
	case nil:
		return "", nil
	case string:
		return c, nil
	case []any:
		var parts []string
		for i := range c {
			p, err := elem(c, i, path)
			if err != nil {
				return "", err
			}
			if t, ok := p["text"].(string); ok {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "\n"), nil
	}
	return "", badf("%s: expected a string or an array of parts, got %s", path, kind(v))
}

// stringify renders a tool result value as text.
func stringify(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(mustJSON(v))
}
