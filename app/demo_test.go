package app

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/streamscope/streamscope/backend/demo"
	"github.com/streamscope/streamscope/backend/project"
)

// TestDemoProjectRunsInTheApp opens the real demo project on a first
// launch and sends every endpoint to the in-process mock (env demo); the
// recorded ones (their server is not the mock) are replayed instead.
func TestDemoProjectRunsInTheApp(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("sends every demo endpoint")
	}
	a, rt := newTestApp(t, Options{Demo: demo.Install})
	a.Startup(rt)
	v, _ := a.Project.Current()
	if !v.IsDemo || v.DefaultEnvironment != "demo" || len(v.Problems) != 0 {
		t.Fatalf("demo: %+v", v)
	}
	replays := map[string]string{}
	for _, r := range v.RecordingItems {
		replays[r.Endpoint] = r.Name
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]RunDone{} // by endpoint file
	n := 0
	for _, it := range v.Items {
		if it.Kind != "endpoint" {
			continue
		}
		n++
		ref, file := it.Ref, it.File
		st, err := a.Run.Send(RunRequest{Ref: ref, Environment: v.DefaultEnvironment})
		var ue *project.UnresolvedError
		if errors.As(err, &ue) && replays[ref] != "" {
			st, err = a.Run.ReplayRecording(replays[ref])
		}
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			bs := waitDone(t, rt, st.Event)
			checkSequence(t, bs)
			mu.Lock()
			got[file] = *bs[len(bs)-1].Done
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n < 20 {
		t.Fatalf("only %d demo endpoints", n)
	}
	for ref, d := range got {
		switch strings.TrimSuffix(ref, ".endpoint.yaml") {
		case "faults/cut-off":
			if d.Reason != "truncated" {
				t.Errorf("%s: %+v", ref, d)
			}
		case "faults/mid-stream-error":
			if d.Reason != "error" {
				t.Errorf("%s: %+v", ref, d)
			}
		case "faults/rate-limited":
			if d.Status != 429 || d.Attempts != 2 {
				t.Errorf("%s: %+v", ref, d)
			}
		case "scripts/slow-ttft-test":
			if d.TestsFailed == 0 {
				t.Errorf("%s: the failing TTFT test passed: %+v", ref, d)
			}
		default:
			if d.Reason != "complete" || d.Verdict != "complete" || d.TestsFailed != 0 || d.ScriptError != "" || (d.Status != 200 && !d.Replay) {
				t.Errorf("%s: %+v", ref, d)
			}
		}
	}
}
