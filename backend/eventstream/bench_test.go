package eventstream

import (
	"fmt"
	"testing"
)

// BenchmarkDecoder decodes a ConverseStream of 10,000 text deltas fed in
// 64 KiB reads (as the sender reads), and maps each frame to its event.
func BenchmarkDecoder(b *testing.B) {
	var body []byte
	for i := range 10000 {
		body = append(body, EventFrame("contentBlockDelta", fmt.Appendf(nil,
			`{"contentBlockIndex":0,"delta":{"text":" token%d"},"p":"abcdefghijklmnopqrstu"}`, i))...)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	frames := 0
	emit := func(f *Frame) { _ = f.Event(); frames++ }
	fail := func(e *Error) { b.Fatal(e) }
	for b.Loop() {
		d := NewDecoder(Options{})
		for p := body; len(p) > 0; {
			n := min(len(p), 64<<10)
			d.Feed(p[:n], emit, fail)
			p = p[n:]
		}
		if d.End() != nil {
			b.Fatal("truncated")
		}
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}
