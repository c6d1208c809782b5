package mockllm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The llama.cpp server's native completion: POST /completion, as
// tools/server/server-task.cpp writes it (to_json_non_oaicompat of the
// partial and final results; no [DONE] outside the OpenAI routes).
var llamaCpp = &provider{
	format: "llama-cpp",
	parse:  parseLlamaCpp,
	finish: func(outcome string) string {
		if outcome == "length" {
			return "limit"
		}
		return "eos"
	},
	stream:    streamLlamaCpp,
	body:      bodyLlamaCpp,
	errorBody: llamaCppError,
	jsonType:  "application/json; charset=utf-8",
}

// llamaCppModel is the model alias the mock's llama.cpp server reports.
const llamaCppModel = "mock-model-q4_k_m.gguf"

func parseLlamaCpp(m map[string]any, _ *http.Request, _ string) (*request, error) {
	req := &request{n: 1, model: llamaCppModel}
	var err error
	if req.prompt, err = str(m, "prompt", "prompt", true); err != nil {
		return nil, err
	}
	// /completion answers in one piece unless "stream" is true.
	if req.stream, err = boolean(m, "stream", "stream", false); err != nil {
		return nil, err
	}
	if t, ok := m["temperature"].(json.Number); ok {
		req.temperature = t
	}
	switch v := m["n_predict"].(type) {
	case nil:
	case json.Number:
		n, err := v.Int64()
		if err != nil || n < -1 || n > 1<<31 {
			return nil, badf("n_predict: expected -1 (no limit) or a non-negative integer, got %s", v)
		}
		if n > 0 {
			req.maxTokens = int(n)
		}
	default:
		return nil, badf("n_predict: expected an integer, got %s", kind(v))
	}
	return req, nil
}

// llamaCppError is the server's format_error_response body.
func llamaCppError(status int, msg string) []byte {
	typ := "invalid_request_error"
	switch {
	case status == http.StatusNotFound:
		typ = "not_found_error"
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		typ = "unavailable_error"
	case status >= 500:
		typ = "server_error"
	}
	return mustJSON(o("error", o("code", status, "message", msg, "type", typ)))
}

// llamaCppFinal is the final result: the counters, the settings and the
// nominal timings (derived from the counts to keep the bytes the same).
func llamaCppFinal(a *Answer, req *request, content string) obj {
	c := a.Choices[0]
	predicted, prompt := len(c.contentTokens), a.PromptTokens
	nPredict := -1
	if req.maxTokens > 0 {
		nPredict = req.maxTokens
	}
	temp := req.temperature
	if temp == nil {
		temp = json.Number("0.8")
	}
	ms := func(n int, per float64) json.Number { return json.Number(fmt.Sprintf("%.3f", float64(n)*per)) }
	perSecond := func(per float64) json.Number { return json.Number(fmt.Sprintf("%.3f", 1000/per)) }
	return o("index", 0, "content", content, "tokens", []any{}, "id_slot", 0, "stop", true, "model", a.Model,
		"tokens_predicted", predicted, "tokens_evaluated", prompt,
		"generation_settings", o("seed", json.Number("4294967295"), "temperature", temp, "top_k", 40,
			"top_p", json.Number("0.95"), "min_p", json.Number("0.05"), "n_predict", nPredict, "stream", req.stream, "stop", []any{}),
		"prompt", req.prompt, "has_new_line", strings.Contains(content+c.Content, "\n"), "truncated", false,
		"stop_type", c.FinishReason, "stopping_word", "", "tokens_cached", prompt+predicted,
		"timings", o("cache_n", 0, "prompt_n", prompt, "prompt_ms", ms(prompt, 1.5), "prompt_per_token_ms", json.Number("1.500"),
			"prompt_per_second", perSecond(1.5), "predicted_n", predicted, "predicted_ms", ms(predicted, 8),
			"predicted_per_token_ms", json.Number("8.000"), "predicted_per_second", perSecond(8)))
}

func streamLlamaCpp(a *Answer, req *request, _ *ids, _ *http.Request) *plan {
	p := &plan{contentType: "text/event-stream", heartbeat: []byte(": ping\n\n")}
	c := a.Choices[0]
	data := func(v obj) []byte { return append(append([]byte("data: "), mustJSON(v)...), "\n\n"...) }
	t := newTmpl(data(o("index", 0, "content", holeText, "tokens", []any{holeNumPlus}, "stop", false, "id_slot", -1,
		"tokens_predicted", holeNum, "tokens_evaluated", a.PromptTokens)))
	t.plus = 1000
	p.frames = slices.Grow(p.frames, len(c.contentTokens)+1)
	for i, tok := range c.contentTokens {
		p.frames = append(p.frames, frame{t: t, text: tok, n: int32(i + 1), tokens: 1})
	}
	// In stream mode the final result's content is empty: the text went
	// out in the partial results.
	p.frames = append(p.frames, frame{b: data(llamaCppFinal(a, req, ""))})
	p.errFrames = func(int) []byte {
		return data(o("error", o("code", 500, "message", internalErrorMessage, "type", "server_error")))
	}
	return p
}

func bodyLlamaCpp(a *Answer, req *request, _ *ids) []byte {
	return mustJSON(llamaCppFinal(a, req, a.Choices[0].Content))
}
