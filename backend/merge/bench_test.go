package merge

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"

	"github.com/streamscope/streamscope/backend/sse"
)

// benchEvents is the number of content events in each benchmark stream.
const benchEvents = 2000

// benchWords are JSON string contents (escapes included) of the deltas.
var benchWords = []string{"The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ".", ` \"Quoted\"`, ` caf\u00e9`, `\n`}

// benchStream builds a realistic body for format f: its opening events,
// benchEvents content events, and its closing events.
func benchStream(f string) (body []byte, events int) {
	var b strings.Builder
	n := 0
	ev := func(typ, data string) {
		if typ != "" {
			b.WriteString("event: " + typ + "\n")
		}
		b.WriteString("data: " + data + "\n\n")
		n++
	}
	w := func(i int) string { return benchWords[i%len(benchWords)] }
	switch f {
	case FormatOpenAIChat:
		const head = `{"id":"chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL","object":"chat.completion.chunk","created":1727346168,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":`
		ev("", head+`{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}`)
		for i := 0; i < benchEvents; i++ {
			ev("", head+`{"content":"`+w(i)+`"},"logprobs":null,"finish_reason":null}]}`)
		}
		ev("", head+`{},"logprobs":null,"finish_reason":"stop"}]}`)
		ev("", `{"id":"chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL","object":"chat.completion.chunk","created":1727346168,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[],"usage":{"prompt_tokens":14,"completion_tokens":30,"total_tokens":44}}`)
		ev("", "[DONE]")
	case FormatOpenAIResponses:
		ev("response.created", `{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-5","output":[]}}`)
		for i := 0; i < benchEvents; i++ {
			ev("response.output_text.delta", fmt.Sprintf(`{"type":"response.output_text.delta","sequence_number":%d,"item_id":"msg_01830d662ab3856501693c3217","output_index":0,"content_index":0,"delta":"%s","logprobs":[],"obfuscation":"2ajSAGID"}`, i+1, w(i)))
		}
		ev("response.completed", `{"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":1,"output_tokens":2000,"total_tokens":2001}}}`)
	case FormatAnthropic:
		ev("message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":10,"output_tokens":1}}}`)
		ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		for i := 0; i < benchEvents; i++ {
			ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"`+w(i)+`"}}`)
		}
		ev("content_block_stop", `{"type":"content_block_stop","index":0}`)
		ev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2000}}`)
		ev("message_stop", `{"type":"message_stop"}`)
	case FormatGemini:
		for i := 0; i < benchEvents; i++ {
			ev("", `{"candidates":[{"content":{"parts":[{"text":"`+w(i)+`"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":5,"totalTokenCount":199},"modelVersion":"gemini-2.5-flash","responseId":"bH6LaZW8Fp_3nsEPqtaSwQ4"}`)
		}
		ev("", `{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0}],"modelVersion":"gemini-2.5-flash","responseId":"bH6LaZW8Fp_3nsEPqtaSwQ4"}`)
	case FormatOllama:
		for i := 0; i < benchEvents; i++ {
			b.WriteString(`{"model":"qwen3","created_at":"2025-07-07T20:22:18.101Z","message":{"role":"assistant","content":"` + w(i) + `"},"done":false}` + "\n")
			n++
		}
		b.WriteString(`{"model":"qwen3","created_at":"2025-07-07T20:22:19.19314Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":2000}` + "\n")
		n++
	case FormatCohere:
		ev("message-start", `{"id":"c9117d7f","type":"message-start","delta":{"message":{"role":"assistant","content":[]}}}`)
		for i := 0; i < benchEvents; i++ {
			ev("content-delta", `{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"`+w(i)+`"}}}}`)
		}
		ev("message-end", `{"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"tokens":{"output_tokens":2000}}}}`)
	case FormatVercelUI:
		ev("", `{"type":"start","messageId":"msg-1"}`)
		ev("", `{"type":"text-start","id":"1"}`)
		for i := 0; i < benchEvents; i++ {
			ev("", `{"type":"text-delta","id":"1","delta":"`+w(i)+`"}`)
		}
		ev("", `{"type":"text-end","id":"1"}`)
		ev("", `{"type":"finish","finishReason":"stop"}`)
		ev("", "[DONE]")
	case FormatTGI:
		for i := 0; i < benchEvents; i++ {
			b.WriteString(fmt.Sprintf(`data:{"index":%d,"token":{"id":%d,"text":"%s","logprob":-0.25,"special":false},"generated_text":null,"details":null}`+"\n\n", i+1, 1000+i, w(i)))
			n++
		}
		b.WriteString(`data:{"index":2001,"token":{"id":2,"text":"</s>","logprob":-0.01,"special":true},"generated_text":"(the text)","details":{"finish_reason":"eos_token","generated_tokens":2001,"seed":null,"input_length":9}}` + "\n\n")
		n++
	case FormatLlamaCpp:
		for i := 0; i < benchEvents; i++ {
			ev("", fmt.Sprintf(`{"index":0,"content":"%s","tokens":[%d],"stop":false,"id_slot":-1,"tokens_predicted":%d,"tokens_evaluated":9}`, w(i), 1000+i, i+1))
		}
		ev("", `{"index":0,"content":"","tokens":[],"id_slot":0,"stop":true,"model":"m.gguf","tokens_predicted":2000,"tokens_evaluated":9,"truncated":false,"stop_type":"eos","stopping_word":"","tokens_cached":2009,"timings":{"prompt_n":9,"prompt_ms":12.5,"predicted_n":2000,"predicted_ms":16000.0}}`)
	case FormatCohereV1:
		b.WriteString(`{"is_finished":false,"event_type":"stream-start","generation_id":"8a1c6f0e-1b2d-4e3f-9a7b-0c1d2e3f4a5b"}` + "\n")
		n++
		for i := 0; i < benchEvents; i++ {
			b.WriteString(`{"is_finished":false,"event_type":"text-generation","text":"` + w(i) + `"}` + "\n")
			n++
		}
		b.WriteString(`{"is_finished":true,"event_type":"stream-end","response":{"text":"(the text)","generation_id":"8a1c6f0e-1b2d-4e3f-9a7b-0c1d2e3f4a5b","finish_reason":"COMPLETE","meta":{"billed_units":{"input_tokens":9,"output_tokens":2000}}},"finish_reason":"COMPLETE"}` + "\n")
		n++
	default:
		panic("no bench stream for " + f)
	}
	return []byte(b.String()), n
}

// benchMerge parses and merges body b.N times and reports events per second.
func benchMerge(b *testing.B, body []byte, events int, o Options, ndjson bool) {
	b.Helper()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var last Result
	cpu0, ok0 := cpuTime()
	for b.Loop() {
		m, err := New(o)
		if err != nil {
			b.Fatal(err)
		}
		p := sse.NewParser(sse.Options{NDJSON: ndjson})
		if err := p.Feed(body, m.Add); err != nil {
			b.Fatal(err)
		}
		p.End(m.Add)
		last = m.End()
	}
	if last.Events != events || !last.Complete || len(last.Content) == 0 {
		b.Fatalf("bad merge: %d events (want %d), complete %v, %d content bytes", last.Events, events, last.Complete, len(last.Content))
	}
	reportRate(b, events, cpu0, ok0)
}

// reportRate reports events per wall-clock second and, where measurable,
// per CPU second of the whole process (GC included).
func reportRate(b *testing.B, events int, cpu0 time.Duration, ok0 bool) {
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if cpu1, ok := cpuTime(); ok && ok0 && cpu1 > cpu0 {
		b.ReportMetric(float64(events)*float64(b.N)/(cpu1-cpu0).Seconds(), "events/cpu-s")
	}
}

// BenchmarkMergeOpenAIChat measures SSE parsing plus merging of an OpenAI
// chat stream with this package.
func BenchmarkMergeOpenAIChat(b *testing.B) {
	body, n := benchStream(FormatOpenAIChat)
	benchMerge(b, body, n, Options{}, false)
}

// baselineChunk is what a straightforward merger decodes each event into.
type baselineChunk struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Content          *string `json:"content"`
			ReasoningContent *string `json:"reasoning_content"`
			Refusal          *string `json:"refusal"`
			ToolCalls        []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage map[string]json.Number `json:"usage"`
	Error *struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

type baselineMerger struct {
	content, reasoning strings.Builder
	finish             string
	usage              map[string]json.Number
	tools              map[int]*ToolCall
	done               bool
	events             int
}

func (m *baselineMerger) add(ev sse.Event) {
	m.events++
	if ev.Data == "[DONE]" {
		m.done = true
		return
	}
	var c baselineChunk
	if err := json.Unmarshal([]byte(ev.Data), &c); err != nil {
		return
	}
	for _, ch := range c.Choices {
		if ch.Index != 0 {
			continue
		}
		if ch.Delta.Content != nil {
			m.content.WriteString(*ch.Delta.Content)
		}
		if ch.Delta.ReasoningContent != nil {
			m.reasoning.WriteString(*ch.Delta.ReasoningContent)
		}
		for _, tc := range ch.Delta.ToolCalls {
			t := m.tools[tc.Index]
			if t == nil {
				t = &ToolCall{Index: tc.Index, ID: tc.ID, Name: tc.Function.Name}
				m.tools[tc.Index] = t
			}
			t.Arguments += tc.Function.Arguments
		}
		if ch.FinishReason != nil {
			m.finish = *ch.FinishReason
		}
	}
	if c.Usage != nil {
		m.usage = c.Usage
	}
}

// BenchmarkMergeOpenAIChatEncodingJSON is the baseline: the same parser,
// and a straightforward merger that decodes every event with encoding/json.
func BenchmarkMergeOpenAIChatEncodingJSON(b *testing.B) {
	body, n := benchStream(FormatOpenAIChat)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var last *baselineMerger
	cpu0, ok0 := cpuTime()
	for b.Loop() {
		m := &baselineMerger{tools: map[int]*ToolCall{}}
		p := sse.NewParser(sse.Options{})
		if err := p.Feed(body, m.add); err != nil {
			b.Fatal(err)
		}
		p.End(m.add)
		last = m
	}
	if last.events != n || !last.done || last.content.Len() == 0 {
		b.Fatal("bad baseline merge")
	}
	reportRate(b, n, cpu0, ok0)
}

// ojgMerger is the same straightforward merger reading ojg's generic values
// (oj.Parse), to measure ojg's parser against the tape reader.
type ojgMerger struct {
	content strings.Builder
	finish  string
	usage   map[string]any
	done    bool
	events  int
	p       oj.Parser
}

func (m *ojgMerger) add(ev sse.Event) {
	m.events++
	if ev.Data == "[DONE]" {
		m.done = true
		return
	}
	v, err := m.p.Parse([]byte(ev.Data))
	if err != nil {
		return
	}
	obj, _ := v.(map[string]any)
	choices, _ := obj["choices"].([]any)
	for _, c := range choices {
		ch, _ := c.(map[string]any)
		if delta, ok := ch["delta"].(map[string]any); ok {
			if s, ok := delta["content"].(string); ok {
				m.content.WriteString(s)
			}
		}
		if f, ok := ch["finish_reason"].(string); ok {
			m.finish = f
		}
	}
	if u, ok := obj["usage"].(map[string]any); ok {
		m.usage = u
	}
}

// BenchmarkMergeOpenAIChatOJG is the same baseline with ojg's parser.
func BenchmarkMergeOpenAIChatOJG(b *testing.B) {
	body, n := benchStream(FormatOpenAIChat)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var last *ojgMerger
	cpu0, ok0 := cpuTime()
	for b.Loop() {
		m := &ojgMerger{}
		p := sse.NewParser(sse.Options{})
		if err := p.Feed(body, m.add); err != nil {
			b.Fatal(err)
		}
		p.End(m.add)
		last = m
	}
	if last.events != n || !last.done || last.content.Len() == 0 {
		b.Fatal("bad ojg merge")
	}
	reportRate(b, n, cpu0, ok0)
}

// benchFormats are the formats with a benchmark stream.
var benchFormats = []string{FormatOpenAIChat, FormatOpenAIResponses, FormatAnthropic, FormatGemini, FormatOllama,
	FormatCohere, FormatVercelUI, FormatTGI, FormatLlamaCpp, FormatCohereV1}

func BenchmarkMergeFormats(b *testing.B) {
	for _, f := range benchFormats {
		b.Run(f, func(b *testing.B) {
			body, n := benchStream(f)
			benchMerge(b, body, n, Options{}, f == FormatOllama || f == FormatCohereV1)
		})
	}
}

// BenchmarkJSONPathRule merges an OpenAI chat stream with a user rule.
func BenchmarkJSONPathRule(b *testing.B) {
	body, n := benchStream(FormatOpenAIChat)
	benchMerge(b, body, n, Options{ContentPath: "$.choices[0].delta.content"}, false)
}

// TestBenchStreams keeps the benchmark inputs honest: each merges completely
// to the expected text in its detected format.
func TestBenchStreams(t *testing.T) {
	t.Parallel()
	var want strings.Builder
	for i := 0; i < benchEvents; i++ {
		w := benchWords[i%len(benchWords)]
		var s string
		if err := json.Unmarshal([]byte(`"`+w+`"`), &s); err != nil {
			t.Fatal(err)
		}
		want.WriteString(s)
	}
	for _, f := range benchFormats {
		body, n := benchStream(f)
		r := mergeBody(t, body, Options{}, f == FormatOllama || f == FormatCohereV1, 0, 0)
		if r.Format != f || r.Content != want.String() || r.Events != n || !r.Complete {
			t.Errorf("%s: format %s, %d events (want %d), complete %v, content ok %v", f, r.Format, r.Events, n, r.Complete, r.Content == want.String())
		}
	}
}

// BenchmarkMergeOnlyOpenAIChat measures the merger alone on events the SSE
// parser already produced (the share of the merge in the figures above).
func BenchmarkMergeOnlyOpenAIChat(b *testing.B) {
	body, n := benchStream(FormatOpenAIChat)
	var events []sse.Event
	p := sse.NewParser(sse.Options{})
	if err := p.Feed(body, func(e sse.Event) { events = append(events, e) }); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0, ok0 := cpuTime()
	for b.Loop() {
		m, _ := New(Options{})
		for _, e := range events {
			m.Add(e)
		}
		if r := m.End(); r.Events != n {
			b.Fatal("bad merge")
		}
	}
	reportRate(b, n, cpu0, ok0)
}
