package mockllm

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// discardWriter is a flushable ResponseWriter that counts bytes.
type discardWriter struct {
	h http.Header
	n int64
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Write(b []byte) (int, error) { d.n += int64(len(b)); return len(b), nil }
func (d *discardWriter) Flush()                      {}

// BenchmarkServeStream measures generating and writing one unpaced stream
// per endpoint (the server's own cost, without network).
func BenchmarkServeStream(b *testing.B) {
	s := New(Options{Unpaced: true})
	for _, tc := range streamCases {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			var bytes int64
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body))
				w := &discardWriter{h: http.Header{}}
				s.ServeHTTP(w, req)
				bytes = w.n
			}
			b.SetBytes(bytes)
		})
	}
}

// BenchmarkSplitFault measures the split writer on the largest stream.
func BenchmarkSplitFault(b *testing.B) {
	s := New(Options{Unpaced: true})
	tc := streamCases[3]
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body))
		req.Header.Set(HeaderFault, "split")
		s.ServeHTTP(&discardWriter{h: http.Header{}}, req)
	}
}

// longPlan parses a stream case with X-Mock-Tokens and builds its plan, as
// the handler does before the first byte is written.
func longPlan(tb testing.TB, tc streamCase, tokens int) *plan {
	r := httptest.NewRequest(http.MethodPost, tc.path, nil)
	p, model, _, ok := route(r.URL.Path)
	if !ok {
		tb.Fatalf("no route for %s", tc.path)
	}
	req, a, x, err := answerFor(p, []byte(tc.body), r, model, tokens)
	if err != nil {
		tb.Fatal(err)
	}
	pl := p.stream(a, req, x, r)
	pl.setCut()
	return pl
}

// BenchmarkLongAnswerPlan measures generating a 1,200,000-token answer
// (X-Mock-Tokens) and building its stream plan, per endpoint: time, bytes
// allocated, and the heap the plan keeps alive while it is streamed.
func BenchmarkLongAnswerPlan(b *testing.B) {
	const tokens = 1_200_000
	for _, i := range []int{0, 2, 4, 6, 8} { // the text cases, one per format
		tc := streamCases[i]
		tc.body = strings.Replace(tc.body, `"max_tokens":1024`, `"max_tokens":2000000`, 1)
		b.Run(tc.format, func(b *testing.B) {
			b.ReportAllocs()
			var live uint64
			for b.Loop() {
				pl := longPlan(b, tc, tokens)
				var before, after runtime.MemStats
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				runtime.KeepAlive(pl)
				runtime.GC()
				runtime.ReadMemStats(&before)
				live = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
				b.StartTimer()
			}
			b.ReportMetric(float64(live)/(1<<20), "live-MB")
		})
	}
}
