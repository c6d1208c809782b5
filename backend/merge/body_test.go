package merge

import "testing"

func TestBody(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body      string
		complete        bool
		format, verdict string
		content         string
	}{
		{"openai non-streamed answer", `{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}]}`, true, "openai-chat", VerdictComplete, "Hi!"},
		{"plain text", "hello\nworld", true, "plain", VerdictComplete, "hello\nworld"},
		{"cut-off text", "hel", false, "plain", VerdictCutOff, "hel"},
		{"json of no known format", `{"a":1}`, true, "plain", VerdictComplete, `{"a":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Body(Options{}, []byte(tc.body), tc.complete)
			if r.Format != tc.format || r.Verdict != tc.verdict || r.Content != tc.content {
				t.Fatalf("got format %q verdict %q content %q", r.Format, r.Verdict, r.Content)
			}
		})
	}
}
