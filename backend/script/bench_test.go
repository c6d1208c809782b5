package script

import (
	"testing"

	"github.com/dop251/goja"

	"github.com/streamscope/streamscope/backend/merge"
)

const benchChunk = `{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" token"},"logprobs":null,"finish_reason":null}]}`

func benchRun(b *testing.B, src string, naive bool) {
	prog, err := Compile("bench.js", src)
	if err != nil {
		b.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{Limits: Limits{MaxOutput: 1 << 30}})
	if err != nil {
		b.Fatal(err)
	}
	defer run.Close()
	if naive {
		run.mkEvent = run.naiveEvent
	}
	res := &merge.Result{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := run.OnEvent(Event{Seq: i + 1, Type: "message", Data: benchChunk, TimeMS: float64(i)}, res); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// naiveEvent is the straightforward way, for comparison: a fresh plain JS
// object per event with every field set and data parsed as JSON up front.
func (r *Run) naiveEvent(ev Event) goja.Value {
	o := r.rt.NewObject()
	_ = o.Set("seq", ev.Seq)
	_ = o.Set("type", ev.Type)
	_ = o.Set("data", ev.Data)
	_ = o.Set("id", ev.ID)
	_ = o.Set("time", ev.TimeMS)
	if v, err := r.jsonParse(goja.Undefined(), r.rt.ToValue(ev.Data)); err == nil {
		_ = o.Set("json", v)
	}
	return o
}

// BenchmarkOnEventTrivial is the cost per event of a script whose onEvent
// does nothing: the hook itself (hand-off to the script goroutine, time
// limit, event object, call). Issue 5's goal: at most 5 µs.
func BenchmarkOnEventTrivial(b *testing.B) {
	benchRun(b, `function onEvent(e, ctx) {}`, false)
}

// BenchmarkOnEventNaiveFreshObject is the same trivial hook with the event
// built the naive way (fresh object, JSON parsed eagerly).
func BenchmarkOnEventNaiveFreshObject(b *testing.B) {
	benchRun(b, `function onEvent(e, ctx) {}`, true)
}

// BenchmarkOnEventAppendDelta reads the delta from event.json and appends
// it: a typical script building the content itself.
func BenchmarkOnEventAppendDelta(b *testing.B) {
	benchRun(b, `function onEvent(e, ctx) { var c = e.json.choices[0].delta.content; if (c) ctx.append(c); }`, false)
}

// BenchmarkNewRun is the cost of a fresh runtime with the sandbox and API
// and a small script's top-level code (once per stream).
func BenchmarkNewRun(b *testing.B) {
	prog, err := Compile("bench.js", `function onEvent(e, ctx) {}`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		run, err := prog.NewRun(RunOptions{})
		if err != nil {
			b.Fatal(err)
		}
		run.Close()
	}
}
