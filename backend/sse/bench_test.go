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
	cpu0, ok0 := processCPU()
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
	reportCPU(b, len(data), cpu0, ok0)
}

// reportCPU adds throughput per CPU second of the whole process: unlike
// wall-clock MB/s it does not count time other programs took the CPU.
func reportCPU(b *testing.B, size int, cpu0 float64, ok0 bool) {
	if cpu1, ok := processCPU(); ok && ok0 && cpu1 > cpu0 {
		b.ReportMetric(float64(size)*float64(b.N)/(cpu1-cpu0)/1e6, "MB/cpu-s")
	}
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
	cpu0, ok0 := processCPU()
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
	reportCPU(b, len(data), cpu0, ok0)
}
