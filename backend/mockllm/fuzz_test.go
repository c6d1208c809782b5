package mockllm

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var fuzzPaths = []string{"/v1/chat/completions", "/v1/responses", "/v1/messages",
	"/v1beta/models/m:streamGenerateContent?alt=sse", "/api/chat", "/v1beta/models/m:generateContent",
	"/generate_stream", "/generate", "/completion", "/v1/chat"}

// FuzzRequest: any body gets a 200 stream or a 400 naming the problem,
// never a panic or a 500.
func FuzzRequest(f *testing.F) {
	for _, tc := range streamCases {
		f.Add(uint8(0), tc.body)
	}
	f.Add(uint8(2), `{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","content":7}]}]}`)
	f.Add(uint8(4), `{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"function":{"name":"t","parameters":{"properties":{"a":{"type":["integer"]},"b":7}}}}]}`)
	f.Add(uint8(1), `{"model":"m","input":[{"type":"function_call_output","output":{"x":[1]}}],"max_output_tokens":1}`)
	s := New(Options{Unpaced: true})
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := fuzzPaths[int(which)%len(fuzzPaths)]
		a, err := Predict(strings.SplitN(path, "?", 2)[0], []byte(body))
		var br *badRequest
		if err != nil && !errors.As(err, &br) {
			t.Fatalf("non-400 error %v", err)
		}
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch {
		case err != nil && rec.Code != http.StatusBadRequest:
			t.Fatalf("Predict failed (%v) but the server answered %d", err, rec.Code)
		case err == nil && rec.Code != http.StatusOK:
			t.Fatalf("Predict gave %+v but the server answered %d: %s", a, rec.Code, rec.Body)
		}
	})
}
