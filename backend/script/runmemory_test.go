package script

import (
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
)

// runEvents runs src over n events with res as the result, stopping at the
// first error; it returns the event that failed (0: none) and the error.
func runEvents(t *testing.T, src string, lim Limits, n int, res *merge.Result) (int, error) {
	t.Helper()
	prog, err := Compile("mem.js", src)
	if err != nil {
		t.Fatal(err)
	}
	run, err := prog.NewRun(RunOptions{Timeout: 30 * time.Second, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	<-run.baseReady // deterministic: every event is measured
	for i := 1; i <= n; i++ {
		if err := run.OnEvent(Event{Seq: i, Data: "x"}, res); err != nil {
			return i, err
		}
	}
	return 0, run.OnEnd(res)
}

// What a script keeps across calls counts toward a limit for the whole run
// (issue 17, item 5): before, each call was measured from its own start,
// so ctx.state grew by the per-call limit at every event (1.4 GB over 30
// events, exit 0).
func TestRunMemoryLimit(t *testing.T) {
	// Not parallel: the watchdog measures the process heap.
	lim := Limits{MaxMemory: 64 << 20, MaxRunMemory: 16 << 20}
	keep := `function onEvent(e, ctx) {
	if (!ctx.state.keep) ctx.state.keep = [];
	ctx.state.keep.push("x".repeat(1 << 20) + e.seq); // 1 MiB kept at every event
}`
	seq, err := runEvents(t, keep, lim, 200, &merge.Result{})
	e := scriptErr(t, err)
	if e.Kind != KindMemory || e.Phase != "onEvent" || seq < 10 || seq > 60 ||
		!strings.Contains(e.Message, "more heap than when the run started, past the limit of 16 MiB for a run") {
		t.Errorf("event %d: error = %#v", seq, e)
	}
	t.Logf("stopped at event %d: %v", seq, e)

	t.Run("garbage does not count", func(t *testing.T) {
		garbage := `function onEvent(e, ctx) {
	var s = "y".repeat(1 << 22) + e.seq; // 4 MiB of garbage at every event
	ctx.state.n = (ctx.state.n || 0) + s.length;
}`
		if seq, err := runEvents(t, garbage, lim, 40, &merge.Result{}); err != nil {
			t.Errorf("event %d: %v", seq, err)
		}
	})
	t.Run("the result's text does not count", func(t *testing.T) {
		// The merger's text (here 40 MiB from the caller) and what
		// ctx.append adds are the result's, capped by MaxOutput.
		res := &merge.Result{Content: strings.Repeat("c", 40<<20)}
		src := "function onEvent(e, ctx) { ctx.append('z'.repeat(1 << 18)) }"
		if seq, err := runEvents(t, src, lim, 100, res); err != nil {
			t.Errorf("event %d: %v", seq, err)
		}
		if len(res.Content) != 40<<20+100<<18 {
			t.Errorf("content is %d bytes", len(res.Content))
		}
	})
	t.Run("the host's conversions do not count", func(t *testing.T) {
		// ctx.result.content of 20 MiB of "é" is 40 MiB of UTF-16, built
		// by the host in one step at every event: garbage, not the script's.
		res := &merge.Result{Content: strings.Repeat("é", 10<<20)}
		src := "function onEvent(e, ctx) { ctx.state.n = ctx.result.content.length }"
		if seq, err := runEvents(t, src, Limits{MaxMemory: 32 << 20, MaxRunMemory: 16 << 20}, 10, res); err != nil {
			t.Errorf("event %d: %v", seq, err)
		}
	})
}
