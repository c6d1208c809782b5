package merge

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/sse"
)

// frameLine is one line of a testdata/*.frames file: "TYPE PAYLOAD" is an
// event frame, "!TYPE PAYLOAD" an exception frame, "chunk* JSON" an
// InvokeModel chunk whose bytes are JSON in base64.
type frameLine struct {
	exception bool
	typ       string
	payload   string
}

func readFrameLines(t testing.TB, path string) []frameLine {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []frameLine
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for n := 0; sc.Scan(); {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		typ, payload, ok := strings.Cut(line, " ")
		if !ok || !json.Valid([]byte(payload)) {
			t.Fatalf("%s: frame %d is not TYPE JSON", path, n)
		}
		fl := frameLine{typ: typ, payload: payload}
		if rest, ok := strings.CutPrefix(typ, "!"); ok {
			fl.exception, fl.typ = true, rest
		}
		if typ == "chunk*" {
			// Bedrock pads every payload with "p" (letters, varying length).
			pad := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[:1+(n*7)%40]
			fl.typ = "chunk"
			fl.payload = fmt.Sprintf(`{"bytes":"%s","p":"%s"}`, base64.StdEncoding.EncodeToString([]byte(payload)), pad)
		}
		out = append(out, fl)
	}
	return out
}

// encodeFrames is the event-stream body of the lines.
func encodeFrames(lines []frameLine) []byte {
	var b []byte
	for _, l := range lines {
		if l.exception {
			b = append(b, eventstream.ExceptionFrame(l.typ, []byte(l.payload))...)
		} else {
			b = append(b, eventstream.EventFrame(l.typ, []byte(l.payload))...)
		}
	}
	return b
}

// wrappedJSON is the lines as the SDKs print events, one JSON object per
// line with the type as its only member (NDJSON).
func wrappedJSON(lines []frameLine) []byte {
	var b []byte
	for _, l := range lines {
		b = fmt.Appendf(b, "{%q:%s}\n", l.typ, l.payload)
	}
	return b
}

// sdkJSONFrame encodes one line of an AWS SDK's JSON form of a stream,
// {"<eventType>": payload}, as the frame AWS sent: an exception frame for
// an exception type, else an event frame.
func sdkJSONFrame(line string) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &obj); err != nil || len(obj) != 1 {
		return nil, fmt.Errorf("a line is not one {\"<eventType>\": payload} object")
	}
	for typ, payload := range obj {
		if isAWSException(typ) {
			return eventstream.ExceptionFrame(typ, payload), nil
		}
		return eventstream.EventFrame(typ, payload), nil
	}
	return nil, nil
}

// mergeFrames decodes an event-stream body (in random pieces of 1..chunk
// bytes, whole when chunk <= 0; cut is a single cut point when >= 0) and
// merges its frames; a body ending inside a frame is not a clean end.
func mergeFrames(t testing.TB, body []byte, o Options, chunk int, seed uint64) Result {
	t.Helper()
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	d := eventstream.NewDecoder(eventstream.Options{})
	emit := func(f *eventstream.Frame) { m.Add(f.Event()) }
	fail := func(e *eventstream.Error) { t.Fatalf("frame error: %v", e) }
	if chunk <= 0 {
		d.Feed(body, emit, fail)
	} else {
		r := rand.New(rand.NewPCG(seed, 11))
		for b := body; len(b) > 0; {
			n := min(1+r.IntN(chunk), len(b))
			d.Feed(b[:n], emit, fail)
			b = b[n:]
		}
	}
	if d.End() != nil {
		return m.End()
	}
	return m.EndClean()
}

// TestBedrockTestdata merges every testdata/*.frames stream (our own
// compositions of Bedrock's wire format) as binary frames whole, in random
// pieces and cut once at every byte, and as the SDKs' JSON lines; each must
// give NAME.json.
func TestBedrockTestdata(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/*.frames")
	if len(files) < 5 {
		t.Fatalf("%d .frames files, want at least 5", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".frames")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lines := readFrameLines(t, path)
			raw, err := os.ReadFile(strings.TrimSuffix(path, ".frames") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%s.json: %v", name, err)
			}
			for _, k := range requiredKeys {
				if _, ok := want[k]; !ok {
					t.Fatalf("%s.json lacks %q", name, k)
				}
			}
			body := encodeFrames(lines)
			for i, chunk := range []int{0, 1, 3, 17, 200} {
				compareResult(t, name, chunk, mergeFrames(t, body, Options{}, chunk, uint64(i+1)), want)
			}
			for cut := 1; cut < len(body); cut++ {
				m, _ := New(Options{})
				d := eventstream.NewDecoder(eventstream.Options{})
				emit := func(f *eventstream.Frame) { m.Add(f.Event()) }
				d.Feed(body[:cut], emit, func(e *eventstream.Error) { t.Fatal(e) })
				d.Feed(body[cut:], emit, func(e *eventstream.Error) { t.Fatal(e) })
				if d.End() != nil {
					t.Fatalf("cut %d: truncated", cut)
				}
				compareResult(t, name, -cut, m.EndClean(), want)
			}
			js := wrappedJSON(lines)
			for i, chunk := range []int{0, 5, 64} {
				compareResult(t, name+" (SDK JSON)", chunk, mergeBody(t, js, Options{}, true, chunk, uint64(i+3)), want)
			}
		})
	}
}

func evList(evs ...[2]string) []sse.Event {
	out := make([]sse.Event, len(evs))
	for i, e := range evs {
		out[i] = sse.Event{Type: e[0], Data: e[1]}
	}
	return out
}

func mergeConverse(t *testing.T, o Options, evs []sse.Event) (*Merger, Result) {
	t.Helper()
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		m.Add(e)
	}
	return m, m.EndClean()
}

// The end of a Converse stream: messageStop is the end marker, the
// metadata after it is no event after the end, anything else is; a stream
// without messageStop is cut off even with its metadata.
func TestConverseEnd(t *testing.T) {
	t.Parallel()
	start := [2]string{"messageStart", `{"role":"assistant"}`}
	text := [2]string{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"Hi"}}`}
	stop := [2]string{"messageStop", `{"stopReason":"end_turn"}`}
	meta := [2]string{"metadata", `{"usage":{"inputTokens":1,"outputTokens":2,"totalTokens":3},"metrics":{"latencyMs":5}}`}
	m, r := mergeConverse(t, Options{}, evList(start, text, stop, meta))
	if !r.Complete || r.Verdict != VerdictComplete || len(r.Warnings) != 0 || !m.SawEnd() || r.Format != FormatBedrockConverse {
		t.Errorf("complete stream: %+v", r)
	}
	if fmt.Sprint(r.Usage) != "map[inputTokens:1 latencyMs:5 outputTokens:2 totalTokens:3]" {
		t.Errorf("usage %v", r.Usage)
	}
	if n, ok := outputTokens(r.Usage); !ok || n != 2 {
		t.Errorf("output tokens %d %v", n, ok)
	}
	_, r = mergeConverse(t, Options{}, evList(start, text, stop, meta, text))
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "1 event(s) arrived after the end marker") {
		t.Errorf("an event after metadata: warnings %q", r.Warnings)
	}
	_, r = mergeConverse(t, Options{}, evList(start, text, meta))
	if r.Complete || r.Verdict != VerdictCutOff {
		t.Errorf("no messageStop: %s", r.Verdict)
	}
	_, r = mergeConverse(t, Options{}, evList(start, text, [2]string{"messageStop", `{"stopReason":"max_tokens"}`}))
	if !r.Complete || r.Verdict != VerdictMaxTokens {
		t.Errorf("max_tokens: %s", r.Verdict)
	}
	// Forced, the format does not need a decisive event.
	_, r = mergeConverse(t, Options{Format: FormatBedrockConverse}, evList([2]string{"contentBlockStop", `{"contentBlockIndex":0}`}, stop))
	if r.Format != FormatBedrockConverse || !r.Complete {
		t.Errorf("forced: %+v", r)
	}
}

// Exceptions are errors in any format, also without a JSON payload, and in
// the SDKs' JSON form.
func TestBedrockExceptions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		evs  []sse.Event
		typ  string
		msg  string
	}{
		{"converse", []sse.Event{{Type: "contentBlockDelta", Data: `{"contentBlockIndex":0,"delta":{"text":"a"}}`},
			{Type: "validationException", Data: `{"message":"Input is too long"}`}}, "validationException", "Input is too long"},
		{"not json", []sse.Event{{Type: "internalServerException", Data: "boom"}}, "internalServerException", "boom"},
		{"blank", []sse.Event{{Type: "serviceUnavailableException", Data: ""}}, "serviceUnavailableException", "error event without data"},
		{"wrapped", []sse.Event{{Type: "message", Data: `{"throttlingException":{"message":"slow down"}}`}}, "throttlingException", "slow down"},
		{"openai", []sse.Event{{Type: "message", Data: `{"choices":[{"index":0,"delta":{"content":"x"}}]}`},
			{Type: "modelTimeoutException", Data: `{"message":"timed out"}`}}, "modelTimeoutException", "timed out"},
	} {
		_, r := mergeConverse(t, Options{}, c.evs)
		if r.Error == nil || r.Error.Type != c.typ || r.Error.Message != c.msg || r.Verdict != VerdictError {
			t.Errorf("%s: error %+v verdict %s", c.name, r.Error, r.Verdict)
		}
	}
	for _, typ := range []string{"Exception", "fooException2", "exception", "error-Exception"} {
		if isAWSException(typ) {
			t.Errorf("isAWSException(%q)", typ)
		}
	}
}

// A chunk whose bytes are not base64 JSON is counted invalid; the merge
// goes on. Another model's chunks are recognised by their own content.
func TestInvokeModelChunks(t *testing.T) {
	t.Parallel()
	chunk := func(js string) sse.Event {
		return sse.Event{Type: "chunk", Data: `{"bytes":"` + base64.StdEncoding.EncodeToString([]byte(js)) + `"}`}
	}
	_, r := mergeConverse(t, Options{}, []sse.Event{{Type: "chunk", Data: `{"bytes":"%%%"}`}, chunk(`[1]`),
		chunk(`{"type":"message_start","message":{"id":"m"}}`), chunk(`{"type":"message_stop"}`)})
	if r.InvalidEvents != 2 || r.Format != FormatAnthropic || !r.Complete {
		t.Errorf("invalid %d format %s complete %v", r.InvalidEvents, r.Format, r.Complete)
	}
	// gpt-oss on Bedrock streams OpenAI chat chunks through InvokeModel.
	_, r = mergeConverse(t, Options{}, []sse.Event{
		chunk(`{"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}`),
		chunk(`{"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}],"amazon-bedrock-invocationMetrics":{"inputTokenCount":3,"outputTokenCount":2}}`),
	})
	if r.Format != FormatOpenAIChat || r.Content != "Hello" || !r.Complete || r.Usage["outputTokenCount"] == nil {
		t.Errorf("openai through InvokeModel: %+v", r)
	}
}

// A Converse response that was not streamed merges as one body.
func TestConverseResponseBody(t *testing.T) {
	t.Parallel()
	body := `{"metrics":{"latencyMs":321},"output":{"message":{"content":[` +
		`{"reasoningContent":{"reasoningText":{"signature":"sig","text":"Think."}}},` +
		`{"citationsContent":{"citations":[{"title":"doc","location":{"documentPage":{"documentIndex":1,"start":2,"end":3}}}],"content":[{"text":"Cited "}]}},` +
		`{"text":"answer."},{"toolUse":{"input":{"city":"Paris"},"name":"get_weather","toolUseId":"tooluse_1"}}],"role":"assistant"}},` +
		`"stopReason":"tool_use","usage":{"inputTokens":9,"outputTokens":8,"totalTokens":17}}`
	r := Body(Options{}, []byte(body), true)
	if r.Format != FormatBedrockConverse || r.Content != "Cited answer." || r.Reasoning != "Think." || r.ReasoningSignature != "sig" || !r.Complete {
		t.Fatalf("%+v", r)
	}
	if len(r.ToolCalls) != 1 || r.ToolCalls[0].Arguments != `{"city":"Paris"}` || r.ToolCalls[0].ID != "tooluse_1" || len(r.Citations) != 1 || r.Usage["latencyMs"] == nil {
		t.Errorf("tool calls %+v citations %+v usage %v", r.ToolCalls, r.Citations, r.Usage)
	}
}
