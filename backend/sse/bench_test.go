package sse

import (
	"bytes"
	"testing"

	"github.com/streamscope/streamscope/backend/sse/ssebench"
)

// benchChunk is the read size the benchmarks feed, as a network read would.
const benchChunk = 32 << 10

func benchParse(b *testing.B, data []byte, o Options) {
	chunks := ssebench.Chunks(data, benchChunk)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	events, sum := 0, 0
	emit := func(e Event) { events++; sum += len(e.Data) }
	p := NewParser(o)
	for b.Loop() {
		events = 0
		p.Reset()
		for _, c := range chunks {
			if err := p.Feed(c, emit); err != nil {
				b.Fatal(err)
			}
		}
		p.End(emit)
	}
	if sum == 0 {
		b.Fatal("no data parsed")
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkParseOpenAIChat(b *testing.B) {
	benchParse(b, ssebench.OpenAIChat(ssebench.DefaultSize), Options{})
}

func BenchmarkParseOpenAIChatCRLF(b *testing.B) {
	benchParse(b, ssebench.CRLF(ssebench.OpenAIChat(ssebench.DefaultSize)), Options{})
}

func BenchmarkParseMultiline64K(b *testing.B) {
	benchParse(b, ssebench.LargeEvents(ssebench.DefaultSize), Options{})
}

func BenchmarkParseNDJSON(b *testing.B) {
	benchParse(b, ssebench.NDJSON(ssebench.DefaultSize), Options{NDJSON: true})
}

// BenchmarkParseOpenAIChatByteByByte shows the cost of the worst chunking.
func BenchmarkParseOpenAIChatByteByByte(b *testing.B) {
	data := ssebench.OpenAIChat(256 << 10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	p := NewParser(Options{})
	emit := func(Event) {}
	for b.Loop() {
		p.Reset()
		for i := range data {
			_ = p.Feed(data[i:i+1], emit)
		}
		p.End(emit)
	}
}

// BenchmarkIndexByteCeiling finds every LF of the OpenAI corpus with
// bytes.IndexByte over the same chunks: the ceiling for any line parser.
func BenchmarkIndexByteCeiling(b *testing.B) {
	data := ssebench.OpenAIChat(ssebench.DefaultSize)
	chunks := ssebench.Chunks(data, benchChunk)
	b.SetBytes(int64(len(data)))
	n := 0
	for b.Loop() {
		n = 0
		for _, c := range chunks {
			for {
				i := bytes.IndexByte(c, '\n')
				if i < 0 {
					break
				}
				n++
				c = c[i+1:]
			}
		}
	}
	if n == 0 {
		b.Fatal("no lines")
	}
}
