package mockllm

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/sse"
)

// mergeBody feeds a response body through the project's SSE (or NDJSON)
// parser in small chunks and merges it, as the sender does.
func mergeBody(t *testing.T, format string, body []byte) merge.Result {
	t.Helper()
	p := sse.NewParser(sse.Options{NDJSON: ndjsonFormat(format)})
	m, err := merge.New(merge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for len(body) > 0 {
		n := min(len(body), 5)
		if err := p.Feed(body[:n], m.Add); err != nil {
			t.Fatalf("sse: %v", err)
		}
		body = body[n:]
	}
	p.End(m.Add)
	return m.End()
}

func sameAsAnswer(t *testing.T, r merge.Result, a *Answer) {
	t.Helper()
	c := a.Choices[0]
	if r.Format != a.Format {
		t.Errorf("format %q, want %q", r.Format, a.Format)
	}
	if r.Content != c.Content || r.Reasoning != c.Reasoning {
		t.Errorf("content %q reasoning %q;\nwant %q / %q", r.Content, r.Reasoning, c.Content, c.Reasoning)
	}
	if c.FinishReason == "" { // TGI without details sends none
		if r.FinishReason != nil {
			t.Errorf("finish %q, want none", *r.FinishReason)
		}
	} else if r.FinishReason == nil || *r.FinishReason != c.FinishReason {
		t.Errorf("finish %v, want %q", r.FinishReason, c.FinishReason)
	}
	if len(r.ToolCalls) != len(c.ToolCalls) {
		t.Fatalf("tool calls %+v, want %+v", r.ToolCalls, c.ToolCalls)
	}
	for i, tc := range r.ToolCalls {
		w := c.ToolCalls[i]
		if tc.Name != w.Name || tc.Arguments != w.Arguments || (w.ID != "" && tc.ID != w.ID) || tc.ArgumentsError != "" {
			t.Errorf("tool call %d: %+v, want %+v", i, tc, w)
		}
	}
	if r.Usage == nil && (a.Format != "openai-chat") {
		t.Errorf("no usage merged")
	}
}

func TestProjectMergeOfEveryEndpoint(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range streamCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want, err := Predict(strings.SplitN(tc.path, "?", 2)[0], []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for _, fault := range []string{"", "split", "heartbeat", "gzip", "split,heartbeat,gzip"} {
				_, body, err := post(t, base+tc.path, tc.body, HeaderFault, fault)
				if err != nil {
					t.Fatalf("%s: %v", fault, err)
				}
				if strings.Contains(fault, "gzip") {
					body = gunzip(t, body)
				}
				r := mergeBody(t, tc.format, body)
				if !r.Complete || r.Verdict != merge.VerdictComplete || r.InvalidEvents != 0 {
					t.Fatalf("fault %q: complete %v verdict %q invalid %d warnings %v", fault, r.Complete, r.Verdict, r.InvalidEvents, r.Warnings)
				}
				sameAsAnswer(t, r, want)
			}
		})
	}
}

func TestProjectMergeVerdictsOfFaults(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range streamCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, body, err := post(t, base+tc.path, tc.body, HeaderFault, "error")
			if err != nil {
				t.Fatal(err)
			}
			r := mergeBody(t, tc.format, body)
			wantMsg := "mock fault: error"
			if tc.format == "cohere-v1" { // v1 says only finish_reason ERROR
				wantMsg = "ERROR"
			}
			if r.Verdict != merge.VerdictError || r.Complete || r.Error == nil || !strings.Contains(r.Error.Message, wantMsg) {
				t.Fatalf("error fault: verdict %q complete %v error %+v", r.Verdict, r.Complete, r.Error)
			}

			_, body, err = post(t, base+tc.path, tc.body, HeaderFault, "drop")
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("drop: read error %v, want unexpected EOF", err)
			}
			r = mergeBody(t, tc.format, body)
			if r.FinishReason != nil {
				t.Fatalf("drop: a finish reason %q arrived", *r.FinishReason)
			}
			// Gemini has no end marker: only the transport error tells a
			// dropped stream from a complete one.
			if tc.format != "gemini" && (r.Verdict != merge.VerdictCutOff || r.Complete) {
				t.Fatalf("drop: verdict %q complete %v", r.Verdict, r.Complete)
			}
		})
	}
}

func TestProjectMergeMaxTokensVerdict(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	resp, body, err := post(t, base+"/v1/messages", `{"model":"m","max_tokens":4,"stream":true,"messages":[{"role":"user","content":"hi"}]}`)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatal(err)
	}
	if r := mergeBody(t, "anthropic", body); r.Verdict != merge.VerdictMaxTokens {
		t.Fatalf("verdict %q, want %q", r.Verdict, merge.VerdictMaxTokens)
	}
}

func TestProjectMergeOfChoices(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	req := `{"model":"gpt-4o","n":3,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Name a colour"}]}`
	_, body, err := post(t, base+"/v1/chat/completions", req, HeaderFault, "split")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Predict("/v1/chat/completions", []byte(req))
	r := mergeBody(t, "openai-chat", body)
	if len(r.Choices) != 3 || r.Usage == nil {
		t.Fatalf("choices %d usage %v", len(r.Choices), r.Usage)
	}
	for i, c := range r.Choices {
		if c.Content != want.Choices[i].Content || c.FinishReason == nil || *c.FinishReason != "stop" {
			t.Errorf("choice %d: %+v, want %q", i, c, want.Choices[i].Content)
		}
	}
}

// TestProjectMergeOfSelfHostedBodies merges the non-streamed answers of
// the self-hosted routes the way a plain body is merged (one JSON value).
func TestProjectMergeOfSelfHostedBodies(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range []struct{ format, path, body string }{
		{"tgi", "/generate", `{"inputs":"Hi TGI","parameters":{"details":true}}`},
		{"llama-cpp", "/completion", `{"prompt":"Hi llama"}`},
		{"cohere-v1", "/v1/chat", `{"message":"Hi Cohere"}`},
	} {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			_, body, err := post(t, base+tc.path, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Predict(tc.path, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			r := mergeBody(t, "ollama", append(body, '\n')) // one NDJSON line, as a plain JSON body is read
			if !r.Complete || r.Verdict != merge.VerdictComplete {
				t.Fatalf("complete %v verdict %q warnings %v", r.Complete, r.Verdict, r.Warnings)
			}
			sameAsAnswer(t, r, want)
		})
	}
}
