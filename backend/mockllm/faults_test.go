package mockllm

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// ndjsonFormat reports whether a format streams NDJSON.
func ndjsonFormat(format string) bool { return format == "ollama" || format == "cohere-v1" }

// heartbeatOf is the heartbeat comment of an SSE format.
func heartbeatOf(format string) string {
	switch format {
	case "gemini":
		return ": ping\r\n\r\n"
	case "tgi":
		return ":\n\n" // axum's keep-alive comment
	}
	return ": ping\n\n"
}

// normalBodies fetches each stream case without faults.
func normalBodies(t *testing.T, base string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, tc := range streamCases {
		_, b, err := post(t, base+tc.path, tc.body)
		if err != nil {
			t.Fatal(err)
		}
		out[tc.name] = b
	}
	return out
}

func TestFaultsPerEndpoint(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	normal := normalBodies(t, base)
	for _, tc := range streamCases {
		want, err := Predict(strings.SplitN(tc.path, "?", 2)[0], []byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		c0 := want.Choices[0]
		t.Run(tc.name+"/split", func(t *testing.T) {
			t.Parallel()
			_, got, err := post(t, base+tc.path, tc.body, HeaderFault, "split")
			if err != nil || !bytes.Equal(got, normal[tc.name]) {
				t.Fatalf("split changed the bytes (err %v)", err)
			}
		})
		t.Run(tc.name+"/heartbeat", func(t *testing.T) {
			t.Parallel()
			_, got, err := post(t, base+tc.path, tc.body, HeaderFault, "heartbeat")
			if err != nil {
				t.Fatal(err)
			}
			if ndjsonFormat(tc.format) {
				// NDJSON has no heartbeat: a real server sends nothing, and a
				// blank line would be an empty event.
				if !bytes.Equal(got, normal[tc.name]) || bytes.Contains(got, []byte("\n\n")) || got[0] == '\n' {
					t.Fatalf("heartbeat changed an NDJSON stream:\n%q", got)
				}
				checkAgainst(t, refMerge(t, tc.format, got), want)
				return
			}
			hb := heartbeatOf(tc.format)
			if n := bytes.Count(got, []byte(hb)); n < 3 {
				t.Fatalf("%d heartbeats in %q", n, got)
			}
			if !strings.HasPrefix(string(got), hb) {
				t.Fatalf("no heartbeat before the first event: %q", got[:20])
			}
			stripped := bytes.ReplaceAll(got, []byte(hb), nil)
			if !bytes.Equal(stripped, normal[tc.name]) {
				t.Fatalf("without heartbeats the body differs:\n%q", stripped)
			}
			checkAgainst(t, refMerge(t, tc.format, got), want)
		})
		t.Run(tc.name+"/drop", func(t *testing.T) {
			t.Parallel()
			resp, got, err := post(t, base+tc.path, tc.body, HeaderFault, "drop")
			if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("status %d, read error %v; want 200 and unexpected EOF", resp.StatusCode, err)
			}
			m := refMerge(t, tc.format, got)
			if m.complete || m.errored {
				t.Fatalf("dropped stream: complete %v errored %v", m.complete, m.errored)
			}
			if !strings.HasPrefix(c0.Reasoning+c0.Content, m.reasoning+m.content) || len(m.reasoning+m.content) == 0 && len(c0.ToolCalls) == 0 {
				t.Fatalf("dropped stream text %q is not a non-empty prefix of %q", m.reasoning+m.content, c0.Reasoning+c0.Content)
			}
			if len(got) >= len(normal[tc.name]) {
				t.Fatalf("dropped stream is not shorter (%d >= %d)", len(got), len(normal[tc.name]))
			}
		})
		t.Run(tc.name+"/error", func(t *testing.T) {
			t.Parallel()
			resp, got, err := post(t, base+tc.path, tc.body, HeaderFault, "error")
			if resp.StatusCode != 200 || err != nil {
				t.Fatalf("status %d, read error %v", resp.StatusCode, err)
			}
			m := refMerge(t, tc.format, got)
			if !m.errored || m.complete {
				t.Fatalf("error fault: errored %v complete %v in %q", m.errored, m.complete, got)
			}
			msg := []byte("mock fault: error")
			if tc.format == "cohere-v1" { // v1 says only finish_reason ERROR
				msg = []byte(`"finish_reason":"ERROR"`)
			}
			if !bytes.Contains(got, msg) {
				t.Fatalf("no error message in %q", got)
			}
		})
		t.Run(tc.name+"/gzip", func(t *testing.T) {
			t.Parallel()
			resp, got, err := post(t, base+tc.path, tc.body, HeaderFault, "gzip")
			if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("err %v, Content-Encoding %q", err, resp.Header.Get("Content-Encoding"))
			}
			if !bytes.Equal(gunzip(t, got), normal[tc.name]) {
				t.Fatal("gunzipped body differs from the plain one")
			}
		})
		t.Run(tc.name+"/429", func(t *testing.T) {
			t.Parallel()
			resp, got, _ := post(t, base+tc.path, tc.body, HeaderFault, "split,429")
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
				t.Fatalf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			var j map[string]any
			if err := json.Unmarshal(got, &j); err != nil {
				t.Fatalf("body %s: %v", got, err)
			}
			var ok bool
			switch tc.format {
			case "openai-chat", "openai-responses":
				ok = dig(j, "error", "code") == "rate_limit_exceeded"
			case "anthropic":
				ok = j["type"] == "error" && dig(j, "error", "type") == "rate_limit_error"
			case "gemini":
				ok = dig(j, "error", "status") == "RESOURCE_EXHAUSTED" && dig(j, "error", "code") == float64(429)
			case "ollama":
				_, ok = j["error"].(string)
			case "tgi":
				ok = j["error_type"] == "overloaded"
			case "llama-cpp":
				ok = dig(j, "error", "code") == float64(429) && dig(j, "error", "type") == "unavailable_error"
			case "cohere-v1":
				_, ok = j["message"].(string)
			}
			if !ok {
				t.Fatalf("%s 429 body not provider-shaped: %s", tc.format, got)
			}
		})
	}
}

// flushRecorder records the bytes written between flushes.
type flushRecorder struct {
	h      http.Header
	code   int
	pieces [][]byte
	cur    []byte
}

func (r *flushRecorder) Header() http.Header { return r.h }
func (r *flushRecorder) WriteHeader(c int)   { r.code = c }
func (r *flushRecorder) Write(b []byte) (int, error) {
	r.cur = append(r.cur, b...)
	return len(b), nil
}
func (r *flushRecorder) Flush() {
	if len(r.cur) > 0 {
		r.pieces = append(r.pieces, r.cur)
		r.cur = nil
	}
}

func TestSplitCutsInsideCharacters(t *testing.T) {
	t.Parallel()
	s := New(Options{Unpaced: true})
	for _, tc := range streamCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			serve := func(fault string) *flushRecorder {
				req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body))
				if fault != "" {
					req.Header.Set(HeaderFault, fault)
				}
				rec := &flushRecorder{h: http.Header{}}
				s.ServeHTTP(rec, req)
				rec.Flush()
				return rec
			}
			plain, split := serve(""), serve("split")
			if !bytes.Equal(bytes.Join(plain.pieces, nil), bytes.Join(split.pieces, nil)) {
				t.Fatal("split bytes differ from plain bytes")
			}
			if len(split.pieces) <= len(plain.pieces) {
				t.Fatalf("split made %d pieces, plain %d", len(split.pieces), len(plain.pieces))
			}
			inside, midEvent := 0, 0
			for _, p := range split.pieces[:len(split.pieces)-1] {
				if endsMidRune(p) {
					inside++
				}
				if !bytes.HasSuffix(p, []byte("\n")) {
					midEvent++
				}
			}
			if inside == 0 || midEvent == 0 {
				t.Fatalf("pieces cut inside a character: %d, inside an event: %d", inside, midEvent)
			}
			// The same request splits the same way.
			again := serve("split")
			if len(again.pieces) != len(split.pieces) {
				t.Fatal("split is not reproducible")
			}
		})
	}
}

// endsMidRune reports whether p ends inside a multi-byte UTF-8 sequence.
func endsMidRune(p []byte) bool {
	for i := len(p) - 1; i >= max(0, len(p)-4); i-- {
		if utf8.RuneStart(p[i]) {
			return p[i] >= 0xC0 && !utf8.FullRune(p[i:])
		}
	}
	return false
}

func TestSlowFirst(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range []streamCase{streamCases[0], streamCases[5], streamCases[8]} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			req, _ := http.NewRequest(http.MethodPost, base+tc.path, strings.NewReader(tc.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if d := time.Since(start); d > time.Second {
				t.Fatalf("headers after %s without the fault", d)
			}
			_, _ = io.Copy(io.Discard, resp.Body)

			start = time.Now()
			resp2, body, err := post(t, base+tc.path, tc.body, HeaderFault, "slow-first,heartbeat")
			if err != nil || resp2.StatusCode != 200 {
				t.Fatal(err)
			}
			if d := time.Since(start); d < slowFirstDelay {
				t.Fatalf("slow-first stream took %s, want >= %s", d, slowFirstDelay)
			}
			// Heartbeats every 250 ms keep an SSE connection busy while
			// waiting; an NDJSON stream gets none.
			hb := []byte(heartbeatOf(tc.format))
			if ndjsonFormat(tc.format) {
				if bytes.Contains(body, []byte("\n\n")) || body[0] == '\n' {
					t.Fatalf("blank lines in an NDJSON stream: %q", body)
				}
			} else if n := bytes.Count(body, hb); n < 8 {
				t.Fatalf("only %d heartbeats during a 2 s wait", n)
			}
		})
	}
}

func TestNonStreamingFaults(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	path, body := "/v1/messages", `{"model":"m","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}`
	resp, raw, err := post(t, base+path, body, HeaderFault, "error")
	if err != nil || resp.StatusCode != 500 || !strings.Contains(string(raw), `"api_error"`) {
		t.Fatalf("error: %d %s %v", resp.StatusCode, raw, err)
	}
	_, _, err = post(t, base+path, body, HeaderFault, "drop")
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("drop: %v", err)
	}
	resp, raw, err = post(t, base+path, body, HeaderFault, "gzip,split")
	if err != nil || resp.Header.Get("Content-Encoding") != "gzip" || !json.Valid(gunzip(t, raw)) {
		t.Fatalf("gzip: %v %q", err, resp.Header.Get("Content-Encoding"))
	}
}

func TestGzipArrivesInOneBurst(t *testing.T) {
	t.Parallel()
	s := New(Options{Unpaced: true})
	tc := streamCases[0]
	req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body))
	req.Header.Set(HeaderFault, "gzip")
	rec := &flushRecorder{h: http.Header{}}
	s.ServeHTTP(rec, req)
	rec.Flush()
	if len(rec.pieces) != 1 {
		t.Fatalf("gzip body came in %d flushed pieces, want 1", len(rec.pieces))
	}
}

func TestEndsMidRune(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    string
		want bool
	}{{"abc", false}, {"a“", false}, {"a\xe2\x80", true}, {"a\xe2", true}, {"\xf0\x9f\x9a", true}, {"é", false}} {
		if got := endsMidRune([]byte(tc.p)); got != tc.want {
			t.Errorf("endsMidRune(%q) = %v", tc.p, got)
		}
	}
}
