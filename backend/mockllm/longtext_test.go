package mockllm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLongTextHasExactlyNTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opening string
		n       int
	}{
		{"", 1}, {"", 2}, {"", 37}, {"", 5000},
		{"Here is a mock answer to “hi” — streamed.", 1},
		{"Here is a mock answer to “hi” — streamed.", 3},
		{"Here is a mock answer to “hi” — streamed.", 12},
		{"Here is a mock answer to “hi” — streamed.", 2000},
	} {
		s := longText(tc.opening, tc.n, 42)
		toks := tokenize(s)
		if len(toks) != tc.n || strings.Join(toks, "") != s {
			t.Fatalf("longText(%q, %d): %d tokens: %q", tc.opening, tc.n, len(toks), s)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("longText(%q, %d) is not valid UTF-8", tc.opening, tc.n)
		}
		openTokens := len(tokenize(tc.opening))
		if want := strings.Join(tokenize(tc.opening)[:min(openTokens, tc.n)], ""); !strings.HasPrefix(s, want) {
			t.Fatalf("longText(%q, %d) does not start with the opening: %q", tc.opening, tc.n, s)
		}
	}
	if a, b := longText("x", 300, 1), longText("x", 300, 1); a != b || a == longText("x", 300, 2) {
		t.Fatal("longText is not determined by its seed")
	}
	// A long one reads like Markdown: paragraphs, headings, lists, and
	// multi-byte characters of 2, 3 and 4 bytes.
	s := longText("", 5000, 7)
	for _, want := range []string{"\n\n", "\n\n## ", "\n- **", "é", "—", "東京", "👋"} {
		if !strings.Contains(s, want) {
			t.Errorf("5000-token text lacks %q", want)
		}
	}
}

func TestAppendJSONStringMatchesMarshal(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "plain", " spaced words", "“quoted” — é ß 東京 👋", `a "quote"`, `back\slash`, "new\nline", "tab\t",
		"\x00\x01\x1f\x7f", "\b\f\r", "line\u2028sep\u2029", "\xe2\x80", "\xe2\x82\xac€", "bad \xff byte", "<tag> & amp",
		"\xe2\x80\xa8", "x\xe2",
	} {
		got := string(appendJSONString([]byte("pre"), s))
		if want := "pre" + string(mustJSON(s)); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestTemplateHoles(t *testing.T) {
	t.Parallel()
	tp := newTmpl(mustJSON(o("seq", holeIndex, "text", holeText, "n", holeNum, "total", holeNumPlus, "aux", holeAux, "at", holeAt)))
	tp.plus = 100
	tp.at = func(i int) string { return "t" + strconv.Itoa(i) }
	got := string(tp.render(nil, 7, &frame{text: "a\"b", aux: "zz", n: 5}))
	if want := `{"seq":7,"text":"a\"b","n":5,"total":105,"aux":"zz","at":"t7"}`; got != want {
		t.Fatalf("rendered %s, want %s", got, want)
	}
}

// longCases are the stream cases with a long answer: Anthropic's max_tokens
// raised so it does not cut the answer.
func longCases() []streamCase {
	out := append([]streamCase(nil), streamCases...)
	for i := range out {
		out[i].body = strings.Replace(out[i].body, `"max_tokens":1024`, `"max_tokens":100000`, 1)
	}
	return out
}

// reportedTokens is the completion token count a stream reports.
func reportedTokens(t *testing.T, format string, body []byte) int {
	t.Helper()
	key := map[string]string{
		"openai-chat": `"completion_tokens":`, "openai-responses": `"output_tokens":`, "anthropic": `"output_tokens":`,
		"gemini": `"candidatesTokenCount":`, "ollama": `"eval_count":`,
		"tgi": `"generated_tokens":`, "llama-cpp": `"tokens_predicted":`, "cohere-v1": `"output_tokens":`,
	}[format]
	i := bytes.LastIndex(body, []byte(key))
	if i < 0 {
		t.Fatalf("%s stream reports no %s", format, key)
	}
	rest := body[i+len(key):]
	n, err := strconv.Atoi(string(rest[:bytes.IndexAny(rest, ",}")]))
	if err != nil {
		t.Fatal(err)
	}
	if format == "tgi" && bytes.Contains(body, []byte(`"special":true`)) {
		n-- // TGI counts the end-of-sequence token it generated
	}
	if format == "gemini" {
		if j := bytes.LastIndex(body, []byte(`"thoughtsTokenCount":`)); j >= 0 {
			rest := body[j+len(`"thoughtsTokenCount":`):]
			th, _ := strconv.Atoi(string(rest[:bytes.IndexAny(rest, ",}")]))
			n += th
		}
	}
	return n
}

func TestLongAnswers(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range longCases() {
		for _, n := range []int{1, 800} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, n), func(t *testing.T) {
				t.Parallel()
				h := http.Header{}
				h.Set(HeaderTokens, strconv.Itoa(n))
				want, err := PredictWith(strings.SplitN(tc.path, "?", 2)[0], h, []byte(tc.body))
				if err != nil {
					t.Fatal(err)
				}
				c := want.Choices[0]
				if got := len(tokenize(c.Content)); got != n {
					t.Fatalf("predicted content has %d tokens, want %d", got, n)
				}
				if (c.Reasoning != "") != tc.wantReasoning || (len(c.ToolCalls) > 0) != tc.wantTools {
					t.Fatalf("reasoning %q, tool calls %v", c.Reasoning, c.ToolCalls)
				}
				toolTokens := 0
				for _, call := range c.ToolCalls {
					toolTokens += len(tokenize(call.Arguments)) + 2
				}
				if want.CompletionTokens != n+len(tokenize(c.Reasoning))+toolTokens {
					t.Fatalf("completion tokens %d for %d text tokens", want.CompletionTokens, n)
				}
				var plain []byte
				for _, fault := range []string{"", "split"} {
					resp, body, err := post(t, base+tc.path, tc.body, HeaderTokens, strconv.Itoa(n), HeaderFault, fault)
					if err != nil || resp.StatusCode != http.StatusOK {
						t.Fatalf("%q: status %d, %v: %.200s", fault, resp.StatusCode, err, body)
					}
					if fault == "" {
						plain = body
					} else if !bytes.Equal(body, plain) {
						t.Fatalf("%q changed the bytes", fault)
					}
					checkFraming(t, tc.format, body)
					got := refMerge(t, tc.format, body)
					if !got.complete || got.errored {
						t.Fatalf("%q: complete %v, errored %v", fault, got.complete, got.errored)
					}
					checkAgainst(t, got, want)
					if tc.format != "openai-chat" || strings.Contains(tc.body, "include_usage") {
						if r := reportedTokens(t, tc.format, body); r != want.CompletionTokens {
							t.Fatalf("%q: stream reports %d completion tokens, want %d", fault, r, want.CompletionTokens)
						}
					}
				}
				// The error fault cuts the long text about halfway (a one-token
				// Gemini answer has its finish reason in that one chunk).
				_, body, err := post(t, base+tc.path, tc.body, HeaderTokens, strconv.Itoa(n), HeaderFault, "error")
				if err != nil {
					t.Fatal(err)
				}
				got := refMerge(t, tc.format, body)
				if !got.errored || (got.complete && n > 1) || !strings.HasPrefix(c.Content, got.content) || (n > 1 && len(got.content) > len(c.Content)*3/4) {
					t.Fatalf("error fault: errored %v, complete %v, %d of %d content bytes", got.errored, got.complete, len(got.content), len(c.Content))
				}
			})
		}
	}
}

func TestLongAnswerNonStreamingAndLimits(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	h := http.Header{}
	h.Set(HeaderTokens, "2500")
	// Non-streaming: the same long content in one JSON body.
	body := `{"model":"gpt-4o","messages":[{"role":"user","content":"long please"}]}`
	want, _ := PredictWith("/v1/chat/completions", h, []byte(body))
	_, raw, err := post(t, base+"/v1/chat/completions", body, HeaderTokens, "2500")
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Choices []struct{ Message struct{ Content string } }
		Usage   struct {
			CompletionTokens int `json:"completion_tokens"`
		}
	}
	if err := json.Unmarshal(raw, &resp); err != nil || resp.Choices[0].Message.Content != want.Choices[0].Content || resp.Usage.CompletionTokens != 2500 {
		t.Fatalf("non-streaming long answer: %v, usage %d", err, resp.Usage.CompletionTokens)
	}
	// max_tokens still cuts the long answer, with the provider's "length".
	for _, tc := range []struct{ format, path, body, finish string }{
		{"openai-chat", "/v1/chat/completions", `{"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}`, "length"},
		{"anthropic", "/v1/messages", `{"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}`, "max_tokens"},
		{"gemini", "/v1beta/models/m:streamGenerateContent?alt=sse", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":100}}`, "MAX_TOKENS"},
	} {
		_, raw, err := post(t, base+tc.path, tc.body, HeaderTokens, "2500")
		if err != nil {
			t.Fatal(err)
		}
		got := refMerge(t, tc.format, raw)
		if got.finish != tc.finish || len(tokenize(got.content)) != 100 {
			t.Fatalf("%s: finish %q, %d tokens; want %q and 100", tc.format, got.finish, len(tokenize(got.content)), tc.finish)
		}
	}
	// Gemini without alt=sse: still one valid JSON array.
	path := "/v1beta/models/g:streamGenerateContent"
	gbody := `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true}}}`
	_, raw, err = post(t, base+path, gbody, HeaderTokens, "999")
	if err != nil {
		t.Fatal(err)
	}
	var arr []map[string]any
	if err := json.Unmarshal(raw, &arr); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	var text strings.Builder
	for _, r := range arr {
		if s, ok := dig(r, "candidates", 0, "content", "parts", 0, "text").(string); ok && dig(r, "candidates", 0, "content", "parts", 0, "thought") == nil {
			text.WriteString(s)
		}
	}
	gwant, _ := PredictWith(path, http.Header{HeaderTokens: {"999"}}, []byte(gbody))
	if len(tokenize(text.String())) != 999 || gwant.Choices[0].Content != text.String() {
		t.Fatalf("gemini JSON array: %d text tokens", len(tokenize(text.String())))
	}
}

func TestTokensHeaderErrors(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range streamCases {
		for _, bad := range []string{"0", "-3", "2000001", "many", "1.5"} {
			resp, raw, err := post(t, base+tc.path, tc.body, HeaderTokens, bad)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusBadRequest || !json.Valid(raw) ||
				!strings.Contains(string(raw), HeaderTokens) || !strings.Contains(string(raw), bad) {
				t.Errorf("%s with %s: %q: status %d, body %s", tc.name, HeaderTokens, bad, resp.StatusCode, raw)
			}
		}
	}
	if _, err := PredictWith("/api/chat", http.Header{HeaderTokens: {"0"}}, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), HeaderTokens) {
		t.Fatalf("PredictWith with a bad header: %v", err)
	}
}

func TestAppendValueMatchesMarshal(t *testing.T) {
	t.Parallel()
	for _, v := range []any{
		nil, "", "é “x” \u2028 \x01 <&>", 0, -42, int64(1767225600), true, false,
		[]any{}, []any(nil), []any{1, "two", nil, []any{true}}, json.Number("3.5"),
		map[string]any{"b": 1, "a": []any{"x"}}, json.RawMessage(`{"a": 1}`),
	} {
		got, err := appendValue([]byte("pre"), v)
		want, werr := marshal(v)
		if err != nil || werr != nil || string(got) != "pre"+string(want) {
			t.Errorf("appendValue(%#v) = %s (%v), want %s (%v)", v, got, err, want, werr)
		}
	}
	// An obj writes its keys in order, nested values the same way.
	got := string(mustJSON(o("z", 1, "a", o("k", []any{o(), "s"}), "m", map[string]any{"y": 2, "x": 1})))
	if want := `{"z":1,"a":{"k":[{},"s"]},"m":{"x":1,"y":2}}`; got != want {
		t.Fatalf("obj: %s, want %s", got, want)
	}
}
