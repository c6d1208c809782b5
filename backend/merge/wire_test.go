package merge

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/sse"
)

// sniffEvents feeds body to a WireSniffer in pieces of size piece, then the
// rest to a parser of the mode it chose, and returns that mode and the
// events as "type|data" lines.
func sniffEvents(t testing.TB, body []byte, piece int) (ndjson bool, events []string, s *WireSniffer) {
	t.Helper()
	s = &WireSniffer{}
	var p *sse.Parser
	emit := func(ev sse.Event) { events = append(events, ev.Type+"|"+ev.Data) }
	for b := body; len(b) > 0; {
		n := min(piece, len(b))
		if p != nil {
			p.Feed(b[:n], emit)
		} else if held, nd, done := s.Add(b[:n]); done {
			ndjson = nd
			p = sse.NewParser(sse.Options{NDJSON: nd})
			p.Feed(held, emit)
		}
		b = b[n:]
	}
	if p == nil {
		p = sse.NewParser(sse.Options{})
		p.Feed(s.End(), emit)
	}
	p.End(emit)
	return ndjson, events, s
}

// The sniffer examines each byte of a blank run a bounded number of times
// (the loop it replaces trimmed the whole held prefix again after every
// read: n²/2/piece bytes, 32 GiB for these 8 MiB in 1 KiB reads), and
// holds a bounded number of bytes however long the run.
func TestWireSnifferLinearOnBlankInput(t *testing.T) {
	t.Parallel()
	const size = 8 << 20
	for _, unit := range []string{"\n", "\r\n", " ", "\t \r", " \n"} {
		for _, piece := range []int{1 << 10, 64 << 10} {
			if piece == 1<<10 && testing.Short() {
				continue
			}
			blank := bytes.Repeat([]byte(unit), size/len(unit))
			s := &WireSniffer{}
			maxHeld := 0
			for b := blank; len(b) > 0; b = b[min(piece, len(b)):] {
				if _, _, done := s.Add(b[:min(piece, len(b))]); done {
					t.Fatalf("unit %q: done on blank input", unit)
				}
				maxHeld = max(maxHeld, len(s.head))
			}
			held, nd, done := s.Add([]byte("data: x\n\n"))
			if !done || nd {
				t.Fatalf("unit %q: done %v ndjson %v after content", unit, done, nd)
			}
			if s.work > 2*len(blank)+3*sniffHold {
				t.Errorf("unit %q piece %d: %d bytes examined for %d of input, want at most %d", unit, piece, s.work, len(blank), 2*len(blank)+3*sniffHold)
			}
			if maxHeld > 2*sniffHold || len(held) > sniffHold+1+9 {
				t.Errorf("unit %q piece %d: held up to %d bytes (%d at the end), want at most %d (%d)", unit, piece, maxHeld, len(held), 2*sniffHold, sniffHold+10)
			}
		}
	}
}

// What the sniffer holds back reaches the parser unchanged while the blank
// run is short, whatever the chunking; after a long one the stream reads
// the same (the SSE events, the NDJSON lines with content).
func TestWireSnifferEvents(t *testing.T) {
	t.Parallel()
	sseBody := "data: {\"a\":1}\n\nevent: e\ndata: two\n\n"
	nd := "{\"a\":1}\n{\"b\":2}\n"
	cases := []struct {
		name   string
		body   string
		ndjson bool
		want   []string
	}{
		{"sse", sseBody, false, []string{`message|{"a":1}`, "e|two"}},
		{"ndjson", nd, true, []string{`message|{"a":1}`, `message|{"b":2}`}},
		{"blank then sse", "\r\n\n \t\n" + sseBody, false, []string{`message|{"a":1}`, "e|two"}},
		{"blank then ndjson", "\n\r\n" + nd, true, []string{`message|{"a":1}`, `message|{"b":2}`}},
		{"whitespace line kept as ndjson event", " \n" + nd, true, []string{"message| ", `message|{"a":1}`, `message|{"b":2}`}},
		{"leading spaces are part of the first line", "  data: x\n\ndata: y\n\n", false, []string{"message|y"}},
		{"CR then LF across reads", "\r" + "\n" + sseBody, false, []string{`message|{"a":1}`, "e|two"}},
		{"blank only", "\n \n\r\n", false, nil},
		{"empty", "", false, nil},
		{"long blank then sse", strings.Repeat("\n", 5*sniffHold) + sseBody, false, []string{`message|{"a":1}`, "e|two"}},
		{"long blank then ndjson", strings.Repeat("\r\n", 3*sniffHold) + nd, true, []string{`message|{"a":1}`, `message|{"b":2}`}},
		{"long spaces then ndjson", strings.Repeat(" ", 5*sniffHold) + nd, true, []string{"message|" + strings.Repeat(" ", sniffHold) + `{"a":1}`, `message|{"b":2}`}},
		{"long spaces then sse field", strings.Repeat(" ", 5*sniffHold) + "data: x\n\ndata: y\n\n", false, []string{"message|y"}},
		{"long mixed then ndjson", strings.Repeat(" \t\n", 2*sniffHold) + "  " + nd, true, []string{`message|  {"a":1}`, `message|{"b":2}`}},
		{"long spaces across a terminator", strings.Repeat(" ", 3*sniffHold) + "\r" + strings.Repeat(" ", 3*sniffHold) + nd, true, []string{"message|" + strings.Repeat(" ", sniffHold) + `{"a":1}`, `message|{"b":2}`}},
		{"just under the cut", strings.Repeat(" \n", sniffHold) + nd, true, append(slices.Repeat([]string{"message| "}, sniffHold), `message|{"a":1}`, `message|{"b":2}`)},
	}
	for _, c := range cases {
		for _, piece := range []int{1, 3, 7, 1000, 64 << 10} {
			if piece < 7 && len(c.body) > 1<<16 {
				continue // the long cases in small pieces take long under -race
			}
			ndjson, events, _ := sniffEvents(t, []byte(c.body), piece)
			if ndjson != c.ndjson || fmt.Sprint(events) != fmt.Sprint(c.want) {
				t.Errorf("%s, pieces of %d: ndjson %v events %s, want %v %s", c.name, piece, ndjson, short(events), c.ndjson, short(c.want))
			}
		}
	}
}

// short describes events for a message: a count and the first few, cut.
func short(events []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:", len(events))
	for i, e := range events {
		if i == 3 {
			b.WriteString(" …")
			break
		}
		if len(e) > 40 {
			e = fmt.Sprintf("%s…(%d B)", e[:40], len(e))
		}
		fmt.Fprintf(&b, " %q", e)
	}
	return b.String()
}

// BenchmarkWireSnifferBlank sniffs blank runs of growing size in 64 KiB
// reads (as `streamscope merge` reads stdin): the time per byte stays flat.
func BenchmarkWireSnifferBlank(b *testing.B) {
	for _, mb := range []int{1, 4, 16, 64} {
		blank := bytes.Repeat([]byte("\n"), mb<<20)
		b.Run(fmt.Sprintf("%dMiB", mb), func(b *testing.B) {
			b.SetBytes(int64(len(blank)))
			for b.Loop() {
				s := &WireSniffer{}
				for p := blank; len(p) > 0; p = p[min(64<<10, len(p)):] {
					s.Add(p[:min(64<<10, len(p))])
				}
				s.Add([]byte("data: x\n\n"))
			}
		})
	}
}
