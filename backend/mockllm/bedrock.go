package mockllm

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/streamscope/streamscope/backend/eventstream"
)

// Amazon Bedrock runtime, in the real binary framing
// (application/vnd.amazon.eventstream):
//
//	POST /model/{modelId}/converse-stream               ConverseStream
//	POST /model/{modelId}/converse                      Converse (JSON)
//	POST /model/{modelId}/invoke-with-response-stream   InvokeModelWithResponseStream (Anthropic models)
//	POST /model/{modelId}/invoke                        InvokeModel (Anthropic models, JSON)
//
// A frame's payload is written as "eventType\n" + JSON in the plan (so
// token deltas stay templates) and framed when it is written (plan.wrap).
// Every payload carries Bedrock's "p" padding. Signed requests are verified
// (sigv4.go); unsigned ones are served, like the other routes' keys.

var bedrockConverse = &provider{
	format: "bedrock-converse",
	parse:  parseConverse,
	finish: func(outcome string) string {
		switch outcome {
		case "tool":
			return "tool_use"
		case "length":
			return "max_tokens"
		}
		return "end_turn"
	},
	stream:    streamConverse,
	body:      bodyConverse,
	errorBody: bedrockError,
	errorType: bedrockErrorType,
	check:     checkBedrock,
	jsonType:  "application/json",
}

// bedrockInvoke is InvokeModel with an Anthropic Claude model: the body is
// an Anthropic Messages request (anthropic_version, no model, no stream),
// the stream Anthropic's events in base64 "chunk" frames.
var bedrockInvoke = &provider{
	format:    "anthropic",
	idPrefix:  "msg_bdrk_01",
	idLen:     22,
	parse:     parseBedrockInvoke,
	finish:    anthropic.finish,
	stream:    streamBedrockInvoke,
	body:      bodyAnthropic,
	errorBody: bedrockError,
	errorType: bedrockErrorType,
	check:     checkBedrock,
	jsonType:  "application/json",
}

// bedrockRoute recognises /model/{modelId}/{operation}; the model id may be
// an ARN (with '/'), and is decoded from %3A and the like by then.
func bedrockRoute(path string) (p *provider, model, method string, ok bool) {
	rest, found := strings.CutPrefix(path, "/model/")
	if !found {
		return nil, "", "", false
	}
	for _, op := range []struct {
		suffix string
		p      *provider
	}{{"/converse-stream", bedrockConverse}, {"/converse", bedrockConverse},
		{"/invoke-with-response-stream", bedrockInvoke}, {"/invoke", bedrockInvoke}} {
		if m, found := strings.CutSuffix(rest, op.suffix); found && m != "" {
			return op.p, m, strings.TrimPrefix(op.suffix, "/"), true
		}
	}
	return nil, "", "", false
}

// streamed reports whether the route is a streaming operation.
func streamed(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "-stream")
}

// bedrockError is Bedrock's error body; the exception's name goes in the
// X-Amzn-ErrorType header (bedrockErrorType).
func bedrockError(_ int, msg string) []byte { return mustJSON(o("message", msg)) }

func bedrockErrorType(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "ThrottlingException"
	case status == http.StatusForbidden:
		return "AccessDeniedException"
	case status == http.StatusNotFound:
		return "ResourceNotFoundException"
	case status == http.StatusMethodNotAllowed:
		return "UnknownOperationException"
	case status >= 500:
		return "InternalServerException"
	}
	return "ValidationException"
}

// checkBedrock refuses what Bedrock would: a bad signature, and the faults
// an event stream cannot carry.
func checkBedrock(r *http.Request, body []byte, f faults) (int, string, string) {
	if f.heartbeat {
		return http.StatusBadRequest, "ValidationException", fmt.Sprintf("header %s: fault heartbeat: an AWS event stream has no heartbeat or comment frames", HeaderFault)
	}
	return verifySigV4(r, body)
}

func parseConverse(m map[string]any, r *http.Request, model string) (*request, error) {
	req := &request{n: 1, preamble: true, model: model, stream: streamed(r)}
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
		blocks, err := arr(msg, "content", path+".content", true)
		if err != nil {
			return nil, err
		}
		var texts []string
		var result *toolResult
		for j := range blocks {
			b, err := elem(blocks, j, path+".content")
			if err != nil {
				return nil, err
			}
			if t, ok := b["text"].(string); ok {
				texts = append(texts, t)
			}
			if tu, ok := b["toolUse"].(map[string]any); ok {
				id, _ := tu["toolUseId"].(string)
				names[id], _ = tu["name"].(string)
			}
			if tr, ok := b["toolResult"].(map[string]any); ok {
				id, _ := tr["toolUseId"].(string)
				var parts []string
				list, _ := tr["content"].([]any)
				for _, c := range list {
					cm, _ := c.(map[string]any)
					if t, ok := cm["text"].(string); ok {
						parts = append(parts, t)
					} else if js, ok := cm["json"]; ok {
						parts = append(parts, stringify(js))
					}
				}
				result = &toolResult{name: names[id], content: strings.Join(parts, "\n")}
			}
		}
		if role != "user" {
			continue
		}
		if result != nil {
			req.toolResult = result
			continue
		}
		req.prompt, req.toolResult = strings.Join(texts, "\n"), nil
	}
	ic, err := object(m, "inferenceConfig", "inferenceConfig")
	if err != nil {
		return nil, err
	}
	if req.maxTokens, err = integer(ic, "maxTokens", "inferenceConfig.maxTokens"); err != nil {
		return nil, err
	}
	extra, err := object(m, "additionalModelRequestFields", "additionalModelRequestFields")
	if err != nil {
		return nil, err
	}
	if th, _ := extra["thinking"].(map[string]any); th != nil {
		typ, _ := th["type"].(string)
		req.thinking = typ == "enabled" || typ == "adaptive"
	}
	tc, err := object(m, "toolConfig", "toolConfig")
	if err != nil {
		return nil, err
	}
	list, err := arr(tc, "tools", "toolConfig.tools", false)
	if err != nil {
		return nil, err
	}
	for i := range list {
		t, err := elem(list, i, "toolConfig.tools")
		if err != nil {
			return nil, err
		}
		spec, err := object(t, "toolSpec", fmt.Sprintf("toolConfig.tools[%d].toolSpec", i))
		if err != nil {
			return nil, err
		}
		if spec == nil {
			continue // a cache point or a system tool
		}
		name, err := str(spec, "name", fmt.Sprintf("toolConfig.tools[%d].toolSpec.name", i), true)
		if err != nil {
			return nil, err
		}
		schema, _ := spec["inputSchema"].(map[string]any)
		js, _ := schema["json"].(map[string]any)
		req.tools = append(req.tools, tool{name: name, schema: js})
	}
	if choice, _ := tc["toolChoice"].(map[string]any); choice != nil {
		if forced, _ := choice["tool"].(map[string]any); forced != nil {
			req.toolChoice, _ = forced["name"].(string)
		}
	}
	return req, nil
}

func parseBedrockInvoke(m map[string]any, r *http.Request, model string) (*request, error) {
	if !strings.Contains(model, "anthropic.") {
		return nil, badf("model %q: the mock serves InvokeModel for Anthropic Claude models (anthropic.*); use converse-stream for others", model)
	}
	if v, _ := m["anthropic_version"].(string); v == "" {
		return nil, badf("anthropic_version: required string field is missing (bedrock-2023-05-31)")
	}
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	c["model"] = model
	req, err := parseAnthropic(c, r, model)
	if err != nil {
		return nil, err
	}
	req.stream = streamed(r)
	return req, nil
}

// padding is Bedrock's "p" member: letters then digits, of a length that
// varies from event to event.
func padding(seed uint64, i int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	h := seed + uint64(i)*0x9E3779B97F4A7C15 // splitmix64
	h = (h ^ h>>30) * 0xBF58476D1CE4E5B9
	h = (h ^ h>>27) * 0x94D049BB133111EB
	h ^= h >> 31
	return chars[:1+int(h%uint64(len(chars)))]
}

// wrapFrame frames a plan entry "eventType\n" + payload as an event message.
func wrapFrame(dst, b []byte) []byte {
	typ, payload, _ := bytes.Cut(b, []byte{'\n'})
	return append(dst, eventstream.EventFrame(string(typ), payload)...)
}

func streamConverse(a *Answer, req *request, x *ids, _ *http.Request) *plan {
	p := &plan{contentType: eventstream.ContentType, wrap: wrapFrame}
	n := 0
	pad := func() string { n++; return padding(x.seed, n) }
	encode := func(typ string, payload obj) []byte {
		return append([]byte(typ+"\n"), mustJSON(payload)...)
	}
	ev := func(typ string, tokens int, payload obj) {
		p.frames = append(p.frames, frame{b: encode(typ, payload), tokens: int32(tokens)})
	}
	c := a.Choices[0]
	idx := 0
	// deltas adds one contentBlockDelta per token, from a template.
	deltas := func(delta func(hole string) obj, toks []string) {
		t := newTmpl(encode("contentBlockDelta", o("contentBlockIndex", idx, "delta", delta(holeText), "p", holeAux)))
		p.frames = slices.Grow(p.frames, len(toks))
		for _, tok := range toks {
			p.frames = append(p.frames, frame{t: t, text: tok, aux: pad(), tokens: 1})
		}
	}
	stop := func() {
		ev("contentBlockStop", 0, o("contentBlockIndex", idx, "p", pad()))
		idx++
	}
	ev("messageStart", 0, o("p", pad(), "role", "assistant"))
	if len(c.reasoningTokens) > 0 {
		deltas(func(h string) obj { return o("reasoningContent", o("text", h)) }, c.reasoningTokens)
		ev("contentBlockDelta", 0, o("contentBlockIndex", idx, "delta", o("reasoningContent", o("signature", signature(x.seed))), "p", pad()))
		stop()
	}
	if len(c.contentTokens) > 0 || (len(c.ToolCalls) == 0 && len(c.reasoningTokens) == 0) {
		deltas(func(h string) obj { return o("text", h) }, c.contentTokens)
		stop()
	}
	for _, tc := range c.ToolCalls {
		ev("contentBlockStart", 0, o("contentBlockIndex", idx, "p", pad(), "start", o("toolUse", o("name", tc.Name, "toolUseId", tc.ID))))
		for _, frag := range fragments(tc.Arguments, seed(tc.ID)) {
			ev("contentBlockDelta", 1, o("contentBlockIndex", idx, "delta", o("toolUse", o("input", frag)), "p", pad()))
		}
		stop()
	}
	ev("messageStop", 0, o("p", pad(), "stopReason", c.FinishReason))
	ev("metadata", 0, o("metrics", o("latencyMs", 100+a.CompletionTokens*4), "p", pad(),
		"usage", o("inputTokens", a.PromptTokens, "outputTokens", a.CompletionTokens, "totalTokens", a.PromptTokens+a.CompletionTokens)))
	p.errFrames = func(int) []byte {
		return eventstream.ExceptionFrame("internalServerException", mustJSON(o("message", internalErrorMessage)))
	}
	return p
}

func bodyConverse(a *Answer, _ *request, x *ids) []byte {
	c := a.Choices[0]
	content := []any{}
	if c.Reasoning != "" {
		content = append(content, o("reasoningContent", o("reasoningText", o("signature", signature(x.seed), "text", c.Reasoning))))
	}
	if c.Content != "" || (len(c.ToolCalls) == 0 && c.Reasoning == "") {
		content = append(content, o("text", c.Content))
	}
	for _, tc := range c.ToolCalls {
		content = append(content, o("toolUse", o("input", rawJSON(tc.Arguments), "name", tc.Name, "toolUseId", tc.ID)))
	}
	return mustJSON(o("metrics", o("latencyMs", 100+a.CompletionTokens*4),
		"output", o("message", o("content", content, "role", "assistant")), "stopReason", c.FinishReason,
		"usage", o("inputTokens", a.PromptTokens, "outputTokens", a.CompletionTokens, "totalTokens", a.PromptTokens+a.CompletionTokens)))
}

// streamBedrockInvoke is the Anthropic stream of the same answer, each
// event base64-encoded in a chunk frame; message_stop carries Bedrock's
// invocation metrics.
func streamBedrockInvoke(a *Answer, req *request, x *ids, r *http.Request) *plan {
	p := streamAnthropic(a, req, x, r)
	p.contentType = eventstream.ContentType
	p.heartbeat = nil
	n := 0
	metrics := mustJSON(o("inputTokenCount", a.PromptTokens, "outputTokenCount", a.CompletionTokens,
		"invocationLatency", 100+a.CompletionTokens*4, "firstByteLatency", 90))
	p.wrap = func(dst, b []byte) []byte {
		// b is "event: TYPE\ndata: JSON\n\n": the JSON is what Bedrock encodes.
		_, js, _ := bytes.Cut(b, []byte("\ndata: "))
		js = bytes.TrimSuffix(js, []byte("\n\n"))
		if bytes.Equal(js, []byte(`{"type":"message_stop"}`)) {
			js = append([]byte(`{"type":"message_stop","amazon-bedrock-invocationMetrics":`), append(metrics, '}')...)
		}
		n++
		payload := mustJSON(o("bytes", base64.StdEncoding.EncodeToString(js), "p", padding(x.seed, n)))
		return append(dst, eventstream.EventFrame("chunk", payload)...)
	}
	p.errFrames = func(int) []byte {
		return eventstream.ExceptionFrame("modelStreamErrorException", mustJSON(o(
			"message", "Received error from the model (mock fault: error)", "originalMessage", "Overloaded", "originalStatusCode", 529)))
	}
	return p
}
