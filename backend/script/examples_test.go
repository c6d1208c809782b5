package script

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/sse"
)

// runExample runs examples/<name> over an SSE body the way the CLI does:
// each event goes to the built-in merger (format "script" or the one
// given) and then to the script. Event i arrives at times[i] ms (default
// 10 ms apart). It returns the final result and the run.
func runExample(t *testing.T, name, format, body string, vars MapVars, times ...float64) (merge.Result, *Run) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("examples", name))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(name, string(src))
	if err != nil {
		t.Fatal(err)
	}
	if vars == nil {
		vars = MapVars{}
	}
	run, err := prog.NewRun(RunOptions{Vars: vars, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run.Close)
	m, err := merge.New(merge.Options{Format: format})
	if err != nil {
		t.Fatal(err)
	}
	p := sse.NewParser(sse.Options{})
	seq := 0
	emit := func(ev sse.Event) {
		seq++
		m.Add(ev)
		at := float64(seq * 10)
		if seq <= len(times) {
			at = times[seq-1]
		}
		if err := run.MergeEvent(m, Event{Seq: seq, Type: ev.Type, Data: ev.Data, ID: ev.ID, TimeMS: at}); err != nil {
			t.Fatalf("event %d: %v", seq, err)
		}
	}
	// Feed in small chunks, as a network would.
	for i := 0; i < len(body); i += 7 {
		if err := p.Feed([]byte(body[i:min(i+7, len(body))]), emit); err != nil {
			t.Fatal(err)
		}
	}
	p.End(emit)
	res, err := run.MergeEnd(m)
	if err != nil {
		t.Fatal(err)
	}
	return res, run
}

func sseBody(datas ...string) string {
	var b strings.Builder
	for _, d := range datas {
		b.WriteString("data: " + d + "\n\n")
	}
	return b.String()
}

func TestExamplePlainText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, content string
		finish              *string
		complete            bool
		errMsg              string
	}{
		{"complete", sseBody("Hel", "lo, ", "world", "[DONE]"), "Hello, world", ptr("stop"), true, ""},
		{"cut off", sseBody("Hel", "lo"), "Hello", nil, true, ""},
		{"error", sseBody("Hel", "[ERROR] overloaded"), "Hel", nil, false, "overloaded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res, _ := runExample(t, "plain-text.js", "script", c.body, nil)
			if res.Format != "script" || res.Content != c.content || !eqPtr(res.FinishReason, c.finish) || res.Complete != c.complete {
				t.Errorf("result = %+v", res)
			}
			if (res.Error == nil) != (c.errMsg == "") || (res.Error != nil && res.Error.Message != c.errMsg) {
				t.Errorf("error = %+v", res.Error)
			}
		})
	}
}

func TestExampleCustomDelimiter(t *testing.T) {
	t.Parallel()
	// The records and the delimiter are split across events on purpose.
	body := sseBody(`{"token":"Hel"}<`, `|>{"tok`, `en":"lo"}<|>{"token":", wor`, `ld"}<|><|>{"done":true,"reason":"length"}`)
	res, run := runExample(t, "custom-delimiter.js", "script", body, nil)
	if res.Content != "Hello, world" || !eqPtr(res.FinishReason, ptr("length")) || res.Events != 4 || len(run.Logs()) != 0 {
		t.Errorf("result = %+v, logs %+v", res, run.Logs())
	}
	res, run = runExample(t, "custom-delimiter.js", "script", sseBody(`{"token":"a"}<|>oops<|>{"error":"quota"}<|>`), nil)
	if res.Content != "a" || res.Error == nil || res.Error.Message != "quota" || res.Complete {
		t.Errorf("result = %+v", res)
	}
	if logs := run.Logs(); len(logs) != 1 || logs[0].Level != "warn" || logs[0].Message != "not a JSON record: oops" || logs[0].EventSeq != 1 {
		t.Errorf("logs = %+v", logs)
	}
}

func chatDelta(content string) string {
	return `{"choices":[{"index":0,"delta":{"content":` + quote(content) + `},"finish_reason":null}]}`
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func TestExampleThinkTags(t *testing.T) {
	t.Parallel()
	pieces := []string{"<thi", "nk>Let me", " think <b>hard</b>.", "</th", "ink>\n\nThe answer", " is <", "42>.", "<"}
	datas := []string{}
	for _, p := range pieces {
		datas = append(datas, chatDelta(p))
	}
	datas = append(datas, `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`, "[DONE]")
	res, run := runExample(t, "think-tags.js", "script", sseBody(datas...), nil)
	if res.Reasoning != "Let me think <b>hard</b>." || res.Content != "The answer is <42>.<" || !eqPtr(res.FinishReason, ptr("stop")) {
		t.Errorf("reasoning %q content %q finish %v", res.Reasoning, res.Content, res.FinishReason)
	}
	if len(run.Logs()) != 0 {
		t.Errorf("logs = %+v", run.Logs())
	}
	// Every split point of the same text gives the same result.
	whole := "<think>abc</think>def<think>g</think>h"
	for cut := 1; cut < len(whole); cut++ {
		res, _ := runExample(t, "think-tags.js", "script", sseBody(chatDelta(whole[:cut]), chatDelta(whole[cut:]), "[DONE]"), nil)
		if res.Reasoning != "abcg" || res.Content != "defh" {
			t.Errorf("cut at %d: reasoning %q content %q", cut, res.Reasoning, res.Content)
		}
	}
}

func TestExampleStreamTests(t *testing.T) {
	t.Parallel()
	role := `{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`
	stop := `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`
	length := `{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`
	cases := []struct {
		name   string
		body   string
		times  []float64
		vars   MapVars
		passed []bool
	}{
		{"fast and stopped", sseBody(role, chatDelta("Hi"), stop, "[DONE]"), []float64{100, 350, 400, 401}, nil, []bool{true, true, true}},
		{"slow first token", sseBody(role, chatDelta("Hi"), stop, "[DONE]"), []float64{100, 2500, 2600, 2601}, nil, []bool{false, true, true}},
		{"custom limit", sseBody(role, chatDelta("Hi"), stop, "[DONE]"), []float64{100, 2500, 2600, 2601}, MapVars{"max_ttft_ms": "3000"}, []bool{true, true, true}},
		{"max tokens", sseBody(role, chatDelta("Hi"), length, "[DONE]"), nil, nil, []bool{true, true, false}},
		{"cut off", sseBody(role, chatDelta("Hi")), nil, nil, []bool{true, false, false}},
		{"expected stop", sseBody(role, chatDelta("Hi"), length, "[DONE]"), nil, MapVars{"expected_stop": "length"}, []bool{true, true, true}},
		{"no token", sseBody(role, stop, "[DONE]"), nil, nil, []bool{false, true, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res, run := runExample(t, "stream-tests.js", "", c.body, c.vars, c.times...)
			if res.Format != "openai-chat" {
				t.Fatalf("format = %q", res.Format)
			}
			tests := run.Tests()
			if len(tests) != len(c.passed) {
				t.Fatalf("tests = %+v", tests)
			}
			for i, tr := range tests {
				if tr.Passed != c.passed[i] || (tr.Passed != (tr.Message == "")) {
					t.Errorf("test %d = %+v, want passed=%v", i, tr, c.passed[i])
				}
			}
		})
	}
	_, run := runExample(t, "stream-tests.js", "", sseBody(role, chatDelta("Hi"), length, "[DONE]"), nil, 100, 350)
	if got := run.Tests()[2].Message; got != "AssertionError: expected 'length' to be one of [ 'stop', 'end_turn', 'STOP', …(3) ]" {
		t.Errorf("message = %q", got)
	}
	if logs := run.Logs(); len(logs) != 1 || logs[0].Message != "time to first token: 350 ms (event 2)" {
		t.Errorf("logs = %+v", logs)
	}
}

func ptr(s string) *string { return &s }

func eqPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestExamplesEmbedded(t *testing.T) {
	t.Parallel()
	entries, err := Examples.ReadDir("examples")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		src, err := Examples.ReadFile("examples/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Compile(e.Name(), string(src)); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
	if got := strings.Join(names, ","); got != "custom-delimiter.js,plain-text.js,stream-tests.js,think-tags.js" {
		t.Errorf("examples = %s", got)
	}
}
