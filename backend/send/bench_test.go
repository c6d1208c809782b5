package send

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// openAIStream is a realistic OpenAI Chat stream of about size bytes.
func openAIStream(size int) []byte {
	ev := []byte(`data: {"id":"chatcmpl-AbC123","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}]}` + "\n\n")
	var b bytes.Buffer
	for b.Len() < size {
		b.Write(ev)
	}
	b.WriteString("data: [DONE]\n\n")
	return b.Bytes()
}

// BenchmarkSendSSE measures end-to-end sender throughput over loopback:
// HTTP, chunk records, parsing and event records for a 4 MiB stream.
func BenchmarkSendSSE(b *testing.B) {
	body := openAIStream(4 << 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write(body)
	}))
	defer srv.Close()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		events := 0
		res := Do(context.Background(), &Request{URL: srv.URL, MaxBody: -1}, func(r Record) {
			if r.Kind == KindEvent {
				events++
			}
		})
		if res.Reason != EndComplete || events == 0 {
			b.Fatalf("%s: %s", res.Reason, res.Message)
		}
	}
}

// BenchmarkCancelToClose measures the time from cancelling a live stream
// to the server seeing its connection closed (ns/op).
func BenchmarkCancelToClose(b *testing.B) {
	srv, cc := newCountingServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for {
			if _, err := io.WriteString(w, "data: tick\n\n"); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	var total time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		var at time.Time
		var once sync.Once
		Do(ctx, &Request{URL: srv.URL}, func(r Record) {
			if r.Kind == KindEvent {
				once.Do(func() { at = time.Now(); cancel() })
			}
		})
		closed := <-cc.closed
		total += closed.Sub(at)
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns-to-close/op")
}

// BenchmarkBatcherAdd measures the cost a Batcher adds per record on the
// sender's goroutine.
func BenchmarkBatcherAdd(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 300)
	bt := NewBatcher(BatchOptions{}, func(Batch) {})
	defer bt.Close()
	b.ReportAllocs()
	var seq int64
	for b.Loop() {
		seq++
		bt.Add(Record{Seq: seq, Kind: KindChunk, Chunk: &ChunkInfo{Size: len(data), Data: data}})
	}
}
