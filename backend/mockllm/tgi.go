package mockllm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// Hugging Face text-generation-inference: POST /generate_stream (SSE) and
// POST /generate (one JSON object), as its router serves them
// (router/src/server.rs, router/src/lib.rs).
var tgi = &provider{
	format: "tgi",
	parse:  parseTGI,
	finish: func(outcome string) string {
		if outcome == "length" {
			return "length"
		}
		return "eos_token"
	},
	adjust: func(a *Answer, req *request) {
		if !req.details {
			// Without "details" TGI sends no finish_reason.
			for i := range a.Choices {
				a.Choices[i].FinishReason = ""
			}
		}
	},
	stream:    streamTGI,
	body:      bodyTGI,
	errorBody: tgiError,
	jsonType:  "application/json",
}

// tgiEOS is the special end-of-sequence token TGI streams last.
const tgiEOS = "</s>"

func parseTGI(m map[string]any, r *http.Request, _ string) (*request, error) {
	req := &request{n: 1, model: "tgi"}
	var err error
	if req.prompt, err = str(m, "inputs", "inputs", true); err != nil {
		return nil, err
	}
	if model, err := str(m, "model", "model", false); err != nil {
		return nil, err
	} else if model != "" {
		req.model = model
	}
	req.stream = r == nil || r.URL.Path == "/generate_stream"
	params, err := object(m, "parameters", "parameters")
	if err != nil {
		return nil, err
	}
	if params != nil {
		if req.maxTokens, err = integer(params, "max_new_tokens", "parameters.max_new_tokens"); err != nil {
			return nil, err
		}
		if req.details, err = boolean(params, "details", "parameters.details", false); err != nil {
			return nil, err
		}
		if req.fullText, err = boolean(params, "return_full_text", "parameters.return_full_text", false); err != nil {
			return nil, err
		}
		if n, ok := params["seed"].(json.Number); ok {
			req.seed = n
		}
	}
	return req, nil
}

// tgiError is TGI's ErrorResponse {error, error_type}.
func tgiError(status int, msg string) []byte {
	typ := "validation"
	switch {
	case status == http.StatusTooManyRequests:
		typ = "overloaded"
	case status >= 500:
		typ = "generation"
	}
	return mustJSON(o("error", msg, "error_type", typ))
}

// tgiDetails is a stream's details object (nil without "details").
func tgiDetails(a *Answer, req *request, c AnswerChoice, generated int) any {
	if !req.details {
		return nil
	}
	finish := c.FinishReason
	if finish == "" {
		finish = "eos_token"
	}
	return o("finish_reason", finish, "generated_tokens", generated, "seed", req.seed, "input_length", a.PromptTokens)
}

func tgiGenerated(req *request, c AnswerChoice) string {
	if req.fullText {
		return req.prompt + c.Content
	}
	return c.Content
}

// tgiLogprob is the logprob the mock gives every token: derived from the
// request, like everything else.
func tgiLogprob(x *ids) json.Number {
	return json.Number(fmt.Sprintf("-0.%04d", 1+x.seed%9999))
}

func streamTGI(a *Answer, req *request, x *ids, _ *http.Request) *plan {
	// axum's default keep-alive is an empty comment.
	p := &plan{contentType: "text/event-stream", heartbeat: []byte(":\n\n")}
	c := a.Choices[0]
	event := func(index, id, text any, special bool, generated, details any) []byte {
		b := mustJSON(o("index", index, "token", o("id", id, "text", text, "logprob", tgiLogprob(x), "special", special),
			"generated_text", generated, "details", details))
		// TGI's router (axum) writes no space after "data:".
		return append(append([]byte("data:"), b...), "\n\n"...)
	}
	t := newTmpl(event(holeNum, holeNumPlus, holeText, false, nil, nil))
	t.plus = 1000
	toks := c.contentTokens
	last := len(toks)
	if c.truncated && last > 0 {
		last-- // the last token carries generated_text when the limit ends the stream
	}
	p.frames = slices.Grow(p.frames, len(toks)+1)
	for i, tok := range toks[:last] {
		// index counts tokens from 1; the id is derived from it.
		f := frame{t: t, text: tok, n: int32(i + 1), tokens: 1}
		p.frames = append(p.frames, f)
	}
	if c.truncated && last < len(toks) {
		p.frames = append(p.frames, frame{b: event(len(toks), 1000+len(toks), toks[last], false,
			tgiGenerated(req, c), tgiDetails(a, req, c, len(toks))), tokens: 1})
	} else {
		p.frames = append(p.frames, frame{b: event(len(toks)+1, 2, tgiEOS, true,
			tgiGenerated(req, c), tgiDetails(a, req, c, len(toks)+1)), tokens: 1})
	}
	p.errFrames = func(int) []byte {
		return append(append([]byte("data:"), tgiError(http.StatusInternalServerError, "Request failed during generation: "+internalErrorMessage)...), "\n\n"...)
	}
	return p
}

func bodyTGI(a *Answer, req *request, _ *ids) []byte {
	c := a.Choices[0]
	body := o("generated_text", tgiGenerated(req, c))
	if req.details {
		generated := len(c.contentTokens)
		if !c.truncated {
			generated++
		}
		body = append(body, field{"details", o("finish_reason", c.FinishReason, "generated_tokens", generated, "seed", req.seed, "prefill", []any{}, "tokens", []any{})})
	}
	return mustJSON(body)
}
