// Command bench-peers measures Streamscope's SSE parser side by side with
// other parsers over identical, deterministically generated corpora:
// github.com/tmaxmax/go-sse, github.com/launchdarkly/eventsource, the npm
// package eventsource-parser (run in Node), and bytes.IndexByte over the same
// bytes as the ceiling. It lives in its own module so that the peers never
// enter the application's go.mod. scripts/bench runs it.
//
// Each sample times enough passes over a corpus to take about -target of
// CPU time. Contenders alternate within every round (the order rotates), and
// the figures are the median, minimum and maximum over -rounds rounds.
// Throughput is bytes per second of process CPU time (user+system, which
// includes the garbage collector), so that other load on the machine does
// not count against a contender; the median wall-clock figure is shown too.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	ldes "github.com/launchdarkly/eventsource"
	"github.com/streamscope/streamscope/backend/sse"
	"github.com/streamscope/streamscope/backend/sse/ssebench"
	gosse "github.com/tmaxmax/go-sse"
)

// contender is one parser. run parses the chunks once and returns the number
// of events and the total bytes of their data (a cross-check that each
// contender really parsed the same stream).
type contender struct {
	name string
	desc string
	run  func(chunks [][]byte) (events, dataBytes int)
	node bool // run in Node through parse.mjs instead
}

func ours(chunks [][]byte) (int, int) {
	n, sum := 0, 0
	p := sse.NewParser(sse.Options{})
	emit := func(e sse.Event) { n++; sum += len(e.Data) }
	for _, c := range chunks {
		if err := p.Feed(c, emit); err != nil {
			panic(err)
		}
	}
	p.End(emit)
	return n, sum
}

func goSSE(chunks [][]byte) (int, int) {
	n, sum := 0, 0
	for ev, err := range gosse.Read(&chunkReader{chunks: chunks}, &gosse.ReadConfig{MaxEventSize: 1 << 20}) {
		if err != nil {
			panic(err)
		}
		n++
		sum += len(ev.Data)
	}
	return n, sum
}

func launchDarkly(chunks [][]byte) (int, int) {
	n, sum := 0, 0
	dec := ldes.NewDecoder(&chunkReader{chunks: chunks})
	for {
		ev, err := dec.Decode()
		if err == io.EOF {
			return n, sum
		}
		if err != nil {
			panic(err)
		}
		n++
		sum += len(ev.Data())
	}
}

// indexByte finds every LF with bytes.IndexByte: the least work any line
// parser must do. It reports lines, not events.
func indexByte(chunks [][]byte) (int, int) {
	n := 0
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
	return n, 0
}

// indexByteCopy is indexByte plus one string copy of each chunk: the least
// work a parser must do that hands out strings it owns (a reference point,
// not a parser).
func indexByteCopy(chunks [][]byte) (int, int) {
	n, sum := 0, 0
	for _, c := range chunks {
		s := string(c)
		sum += len(s)
		for {
			i := bytes.IndexByte(c, '\n')
			if i < 0 {
				break
			}
			n++
			c = c[i+1:]
		}
	}
	return n, sum
}

// chunkReader delivers the chunks as successive reads, like a socket.
type chunkReader struct {
	chunks [][]byte
	off    int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.chunks) > 0 && r.off == len(r.chunks[0]) {
		r.chunks, r.off = r.chunks[1:], 0
	}
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0][r.off:])
	r.off += n
	return n, nil
}

type sample struct{ cpu, wall float64 } // seconds per pass

func cpuNow() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func measureGo(c contender, chunks [][]byte, iters int) sample {
	runtime.GC()
	c0, t0 := cpuNow(), time.Now()
	for i := 0; i < iters; i++ {
		c.run(chunks)
	}
	return sample{(cpuNow() - c0) / float64(iters), time.Since(t0).Seconds() / float64(iters)}
}

type nodeResult struct {
	CPU    float64 `json:"cpu_s"`
	Wall   float64 `json:"wall_s"`
	Events int     `json:"events"`
}

func measureNode(script, file string, iters, chunk int) (nodeResult, error) {
	cmd := exec.Command("node", script, file, fmt.Sprint(iters), fmt.Sprint(chunk))
	cmd.Dir = filepath.Dir(script)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nodeResult{}, fmt.Errorf("node %s: %w", script, err)
	}
	var r nodeResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nodeResult{}, fmt.Errorf("node %s: output %q: %w", script, out, err)
	}
	return r, nil
}

// Result is one contender on one corpus.
type Result struct {
	Corpus     string  `json:"corpus"`
	Desc       string  `json:"desc"`
	Contender  string  `json:"contender"`
	Bytes      int     `json:"bytes"`
	Events     int     `json:"events"`
	MBsMedian  float64 `json:"mb_s_median"`
	MBsMin     float64 `json:"mb_s_min"`
	MBsMax     float64 `json:"mb_s_max"`
	WallMBs    float64 `json:"wall_mb_s_median"`
	EventsPerS float64 `json:"events_s_median"`
	Note       string  `json:"note,omitempty"`
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "report" {
		if err := report(os.Args[2:]); err != nil {
			fail(err)
		}
		return
	}
	size := flag.Int("size", ssebench.DefaultSize, "bytes per corpus")
	rounds := flag.Int("rounds", 7, "rounds per corpus (contenders alternate within each)")
	target := flag.Duration("target", 150*time.Millisecond, "CPU time per sample")
	chunk := flag.Int("chunk", 32<<10, "bytes per read fed to every parser")
	nodeScript := flag.String("node", "", "path to parse.mjs (empty: skip eventsource-parser)")
	jsonOut := flag.String("json", "", "write results as JSON to this file")
	mdOut := flag.String("md", "", "write the Markdown tables to this file")
	flag.Parse()

	contenders := []contender{
		{name: "streamscope", desc: "backend/sse Parser.Feed", run: ours},
		{name: "go-sse", desc: "github.com/tmaxmax/go-sse v0.11.0 sse.Read", run: goSSE},
		{name: "launchdarkly", desc: "github.com/launchdarkly/eventsource v1.11.0 Decoder", run: launchDarkly},
		{name: "eventsource-parser", desc: "npm eventsource-parser 3.1.1 in Node " + nodeVersion(), node: true},
		{name: "IndexByte", desc: "bytes.IndexByte over every LF (ceiling)", run: indexByte},
		{name: "IndexByte+copy", desc: "IndexByte plus one string copy of every read: the least work that yields owned strings (reference)", run: indexByteCopy},
	}
	if *nodeScript != "" {
		abs, err := filepath.Abs(*nodeScript)
		if err != nil {
			fail(err)
		}
		*nodeScript = abs
	}
	if *nodeScript == "" {
		contenders = slices.DeleteFunc(contenders, func(c contender) bool { return c.node })
	}
	tmp, err := os.MkdirTemp("", "streamscope-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)

	var results []Result
	for _, corpus := range ssebench.All(*size) {
		chunks := ssebench.Chunks(corpus.Data, *chunk)
		file := filepath.Join(tmp, corpus.Name+".sse")
		if err := os.WriteFile(file, corpus.Data, 0o600); err != nil {
			fail(err)
		}
		wantEvents, wantData := ours(chunks)
		fmt.Fprintf(os.Stderr, "corpus %s: %d bytes, %d events\n", corpus.Name, len(corpus.Data), wantEvents)

		iters := make([]int, len(contenders))
		notes := make([]string, len(contenders))
		events := make([]int, len(contenders))
		for i, c := range contenders {
			// Cross-check, warm up and calibrate: passes per sample ~ target.
			var per float64
			if c.node {
				r, err := measureNode(*nodeScript, file, 1, *chunk)
				if err != nil {
					fail(err)
				}
				per, events[i] = r.CPU, r.Events
				if r.Events != wantEvents {
					notes[i] = fmt.Sprintf("saw %d events, expected %d", r.Events, wantEvents)
				}
			} else {
				n, d := c.run(chunks)
				events[i] = n
				if !strings.HasPrefix(c.name, "IndexByte") && (n != wantEvents || d != wantData) {
					notes[i] = fmt.Sprintf("saw %d events / %d data bytes, expected %d / %d", n, d, wantEvents, wantData)
				}
				per = measureGo(c, chunks, 1).cpu
			}
			iters[i] = max(1, int(target.Seconds()/max(per, 1e-6)))
		}
		samples := make([][]sample, len(contenders))
		for r := 0; r < *rounds; r++ {
			for k := range contenders {
				i := (k + r) % len(contenders)
				c := contenders[i]
				if c.node {
					res, err := measureNode(*nodeScript, file, iters[i], *chunk)
					if err != nil {
						fail(err)
					}
					samples[i] = append(samples[i], sample{res.CPU, res.Wall})
				} else {
					samples[i] = append(samples[i], measureGo(c, chunks, iters[i]))
				}
			}
		}
		for i, c := range contenders {
			mbs := func(sec float64) float64 { return float64(len(corpus.Data)) / sec / 1e6 }
			cpu := make([]float64, len(samples[i]))
			wall := make([]float64, len(samples[i]))
			for j, s := range samples[i] {
				cpu[j], wall[j] = s.cpu, s.wall
			}
			slices.Sort(cpu)
			slices.Sort(wall)
			med := median(cpu)
			results = append(results, Result{
				Corpus: corpus.Name, Desc: corpus.Desc, Contender: c.name, Bytes: len(corpus.Data), Events: events[i],
				MBsMedian: mbs(med), MBsMin: mbs(cpu[len(cpu)-1]), MBsMax: mbs(cpu[0]),
				WallMBs: mbs(median(wall)), EventsPerS: float64(events[i]) / med, Note: notes[i],
			})
			fmt.Fprintf(os.Stderr, "  %-20s %9.1f MB/s (min %.1f, max %.1f)\n", c.name, mbs(med), mbs(cpu[len(cpu)-1]), mbs(cpu[0]))
		}
	}

	md := markdown(results, contenders, *rounds, *chunk, *target)
	fmt.Print(md)
	if *mdOut != "" {
		if err := os.WriteFile(*mdOut, []byte(md), 0o644); err != nil {
			fail(err)
		}
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fail(err)
		}
	}
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func markdown(results []Result, contenders []contender, rounds, chunk int, target time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Contenders (each fed the same bytes in %d-byte reads):\n\n", chunk)
	for _, c := range contenders {
		fmt.Fprintf(&b, "- **%s**: %s\n", c.name, c.desc)
	}
	fmt.Fprintf(&b, "\nMedian of %d rounds, contenders alternated in rotating order within each round, each sample about %v of CPU time. MB/s = corpus bytes / process CPU seconds (user+system, GC included); \"wall\" is the median wall-clock figure. events/s for IndexByte and IndexByte+copy counts lines.\n", rounds, target)
	find := func(corpus, name string) *Result {
		for i := range results {
			if results[i].Corpus == corpus && results[i].Contender == name {
				return &results[i]
			}
		}
		return nil
	}
	var corpora []string
	for _, r := range results {
		if !slices.Contains(corpora, r.Corpus) {
			corpora = append(corpora, r.Corpus)
		}
	}
	for _, corpus := range corpora {
		base, ceil := find(corpus, "go-sse"), find(corpus, "IndexByte")
		first := find(corpus, "streamscope")
		fmt.Fprintf(&b, "\n### %s: %s (%.1f MB, %d events)\n\n", corpus, first.Desc, float64(first.Bytes)/1e6, first.Events)
		b.WriteString("| contender | MB/s median | min | max | wall MB/s | events/s | vs go-sse | of IndexByte |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range results {
			if r.Corpus != corpus {
				continue
			}
			vs, of := "", ""
			if base != nil {
				vs = fmt.Sprintf("%.2fx", r.MBsMedian/base.MBsMedian)
			}
			if ceil != nil {
				of = fmt.Sprintf("%.0f%%", 100*r.MBsMedian/ceil.MBsMedian)
			}
			name := r.Contender
			if r.Note != "" {
				name += " (" + r.Note + ")"
			}
			fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.0f | %.0f | %s | %s | %s |\n",
				name, r.MBsMedian, r.MBsMin, r.MBsMax, r.WallMBs, human(r.EventsPerS), vs, of)
		}
	}
	if o, g := find("openai-chat", "streamscope"), find("openai-chat", "go-sse"); o != nil && g != nil {
		ratio := o.MBsMedian / g.MBsMedian
		verdict := "met"
		if ratio < 4 {
			verdict = "NOT met"
		}
		fmt.Fprintf(&b, "\n**Goal (issue 3): at least 4x go-sse on the OpenAI chat stream: measured %.2fx (%.0f vs %.0f MB/s), goal %s.**\n", ratio, o.MBsMedian, g.MBsMedian, verdict)
		if c := find("openai-chat", "IndexByte+copy"); c != nil {
			fmt.Fprintf(&b, "\nOn that stream the parser runs at %.0f%% of IndexByte+copy (%.0f MB/s), the least work that hands out owned strings.\n", 100*o.MBsMedian/c.MBsMedian, c.MBsMedian)
		}
	}
	return b.String()
}

func human(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "(node not found)"
	}
	return strings.TrimSpace(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench-peers:", err)
	os.Exit(2)
}
