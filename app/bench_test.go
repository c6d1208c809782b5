package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/streamscope/streamscope/backend/demo"
	"github.com/streamscope/streamscope/backend/project"
)

// countingRuntime counts what a run emits, keeping only sizes.
type countingRuntime struct {
	fakeRuntime
	mu       sync.Mutex
	batches  int
	records  int
	maxBytes int
	content  strings.Builder
	done     chan struct{}
}

func (c *countingRuntime) Emit(name string, data any) {
	b, ok := data.(RunBatch)
	if !ok {
		return
	}
	raw, _ := json.Marshal(b) // what the bridge would do
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batches++
	c.records += len(b.Records)
	c.maxBytes = max(c.maxBytes, len(raw))
	if b.Merge != nil && b.Merge.Content != nil {
		if b.Merge.Content.Reset {
			c.content.Reset()
		}
		c.content.WriteString(b.Merge.Content.Append)
	}
	if b.Done != nil {
		close(c.done)
	}
}

// BenchmarkRunPipeline sends a 20,000-event OpenAI Chat stream from a
// local server as fast as it can be read, through the whole app pipeline
// (sender, merge, spool file, batches with merge deltas, JSON encoding of
// every batch as the Wails bridge does), and checks that every event
// arrived and the deltas rebuild the merged text.
func BenchmarkRunPipeline(b *testing.B) {
	const events = 20000
	var body strings.Builder
	for i := range events {
		fmt.Fprintf(&body, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok%d \"}}]}\n\n", i)
	}
	body.WriteString("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	payload := body.String()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; i < len(payload); i += 16 << 10 {
			w.Write([]byte(payload[i:min(i+16<<10, len(payload))]))
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	a := New(Options{ConfigDir: b.TempDir(), Getenv: func(string) string { return "" }})
	defer a.Shutdown()
	b.ReportAllocs()
	b.ResetTimer()
	var batches, maxBytes int
	for range b.N {
		rt := &countingRuntime{done: make(chan struct{})}
		a.Startup(rt)
		st, err := a.Run.Send(RunRequest{Endpoint: &project.Endpoint{Name: "bench", Method: "GET", URL: srv.URL}})
		if err != nil {
			b.Fatal(err)
		}
		<-rt.done
		res, _ := a.Run.Result(st.RunID)
		if res.Merge.Events != events+2 || rt.content.String() != res.Merge.Content {
			b.Fatalf("events %d, content rebuilt %d of %d bytes", res.Merge.Events, rt.content.Len(), len(res.Merge.Content))
		}
		batches += rt.batches
		maxBytes = max(maxBytes, rt.maxBytes)
		a.Run.Forget(st.RunID)
	}
	b.StopTimer()
	b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(batches)/float64(b.N), "batches/run")
	b.ReportMetric(float64(maxBytes), "max-batch-bytes")
}

// BenchmarkStartupFirstLaunch is the app's share of a cold first launch:
// settings read, mock server started, the embedded demo project written
// to a fresh configuration directory and opened.
func BenchmarkStartupFirstLaunch(b *testing.B) {
	for range b.N {
		b.StopTimer()
		cfg := b.TempDir()
		a := New(Options{ConfigDir: cfg, Getenv: func(string) string { return "" }, Demo: demo.Install})
		rt := &fakeRuntime{}
		b.StartTimer()
		a.Startup(rt)
		b.StopTimer()
		if v, _ := a.Project.Current(); !v.IsDemo {
			b.Fatal("the demo did not open")
		}
		a.Shutdown()
		b.StartTimer()
	}
}

// BenchmarkStartupNextLaunch is the same for a later launch: the last
// project (the demo, already on disk) is reopened.
func BenchmarkStartupNextLaunch(b *testing.B) {
	cfg := b.TempDir()
	first := New(Options{ConfigDir: cfg, Getenv: func(string) string { return "" }, Demo: demo.Install})
	first.Startup(&fakeRuntime{})
	first.Shutdown()
	b.ResetTimer()
	for range b.N {
		a := New(Options{ConfigDir: cfg, Getenv: func(string) string { return "" }, Demo: demo.Install})
		a.Startup(&fakeRuntime{})
		b.StopTimer()
		if v, _ := a.Project.Current(); !v.IsDemo || len(v.Items) < 20 {
			b.Fatal("the demo did not reopen")
		}
		a.Shutdown()
		b.StartTimer()
	}
}
