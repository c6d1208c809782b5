package mockllm

import (
	"net/http"
	"net/http/httptest"
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
