package sse

import (
	"fmt"
	"testing"
)

// spanned is an event with the Span reported while it was emitted.
type spanned struct {
	Event
	Start, End int64
}

// spansOf feeds the chunks in order, ends the stream, and returns every
// event with its span.
func spansOf(o Options, chunks [][]byte) []spanned {
	p := NewParser(o)
	var out []spanned
	emit := func(e Event) {
		s, end := p.Span()
		out = append(out, spanned{e, s, end})
	}
	for _, c := range chunks {
		_ = p.Feed(c, emit)
	}
	p.End(emit)
	return out
}

// checkSpans verifies what holds for the spans of any input: they lie in
// the input, in order, without overlapping, and the bytes of each, parsed
// on their own, give that one event (its type and data; the ID is sticky
// from earlier blocks). A BOM is put before them so that a span starting
// with U+FEFF keeps it, as it did in the stream.
func checkSpans(in []byte, o Options, got []spanned) error {
	o.OnComment, o.OnRetry = nil, nil
	prev := int64(0)
	for i, s := range got {
		if s.Start < prev || s.End <= s.Start || s.End > int64(len(in)) {
			return fmt.Errorf("event %d: span [%d,%d) after %d in %d bytes", i, s.Start, s.End, prev, len(in))
		}
		prev = s.End
		alone := spansOf(o, [][]byte{append([]byte("\xef\xbb\xbf"), in[s.Start:s.End]...)})
		if len(alone) != 1 || alone[0].Type != s.Type || alone[0].Data != s.Data {
			return fmt.Errorf("event %d (%q): its span %q parses alone to %+v", i, s.Event, in[s.Start:s.End], alone)
		}
	}
	return nil
}

func TestSpan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		o      Options
		in     string
		want   []string // the bytes of each event's span, in order
		starts []int64  // when set, the start of each span
	}{
		{name: "LF blocks", in: "data: a\n\ndata: b\n\n", want: []string{"data: a\n\n", "data: b\n\n"}, starts: []int64{0, 9}},
		{name: "no space after the colon, fields, comment and retry inside",
			in:   "id: 1\nevent: x\n: note\nretry: 5\ndata:a\ndata:b\n\n",
			want: []string{"id: 1\nevent: x\n: note\nretry: 5\ndata:a\ndata:b\n\n"}},
		{name: "CRLF: the dispatching CRLF's LF is not counted",
			in:   "id: 1\r\nevent: x\r\ndata:a\r\ndata:b\r\n\r\ndata: c\r\n\r\n",
			want: []string{"id: 1\r\nevent: x\r\ndata:a\r\ndata:b\r\n\r", "data: c\r\n\r"}, starts: []int64{0, 35}},
		{name: "lone CR", in: "data: a\r\rdata: b\r\r", want: []string{"data: a\r\r", "data: b\r\r"}},
		{name: "mixed line ends", in: "data: a\r\ndata: b\r\n\ndata: c\n\r", want: []string{"data: a\r\ndata: b\r\n\n", "data: c\n\r"}},
		{name: "BOM is not part of the first block", in: "\xef\xbb\xbfdata: a\n\n", want: []string{"data: a\n\n"}, starts: []int64{3}},
		{name: "held bytes that are not a BOM start the first line", in: "\xef\xbb\n\ndata: a\n\n", want: []string{"data: a\n\n"}, starts: []int64{4}},
		{name: "blocks without data dispatch too", in: "id: 7\n\n: ping\n\n\n\ndata: x\n\n", want: []string{"data: x\n\n"}, starts: []int64{17}},
		{name: "a comment before the data is in the block", in: ": ping\ndata: x\n\n", want: []string{": ping\ndata: x\n\n"}},
		{name: "unterminated last block is not emitted", in: "data: a\n\ndata: b\n", want: []string{"data: a\n\n"}},
		{name: "oversized event skipped", o: Options{MaxEventSize: 8}, in: "data: 0123456789\ndata: x\n\ndata: a\n\n", want: []string{"data: a\n\n"}, starts: []int64{26}},
		{name: "NDJSON lines", o: Options{NDJSON: true}, in: "{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}\r{\"d\":4}",
			want: []string{"{\"a\":1}\n", "{\"b\":2}\r", "{\"c\":3}\r", "{\"d\":4}"}, starts: []int64{0, 9, 18, 26}},
		{name: "NDJSON after a BOM", o: Options{NDJSON: true}, in: "\xef\xbb\xbf{}\n", want: []string{"{}\n"}, starts: []int64{3}},
		{name: "NDJSON oversized line skipped", o: Options{NDJSON: true, MaxEventSize: 5}, in: "0123456789\n{}\n", want: []string{"{}\n"}, starts: []int64{11}},
		{name: "NDJSON only a partial BOM", o: Options{NDJSON: true}, in: "\xef\xbb", want: []string{"\xef\xbb"}},
		{name: "multi-byte text and invalid UTF-8", in: "data: é\xff\n\ndata: 東\n\n", want: []string{"data: é\xff\n\n", "data: 東\n\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := []byte(tc.in)
			whole := spansOf(tc.o, [][]byte{in})
			if len(whole) != len(tc.want) {
				t.Fatalf("%d events %+v, want %d", len(whole), whole, len(tc.want))
			}
			for i, s := range whole {
				if got := tc.in[s.Start:s.End]; got != tc.want[i] {
					t.Errorf("event %d span [%d,%d) %q, want %q", i, s.Start, s.End, got, tc.want[i])
				}
				if tc.starts != nil && s.Start != tc.starts[i] {
					t.Errorf("event %d starts at %d, want %d", i, s.Start, tc.starts[i])
				}
			}
			if err := checkSpans(in, tc.o, whole); err != nil {
				t.Fatal(err)
			}
			// The spans do not depend on chunking: every split into two
			// and three chunks, byte by byte, and random splits.
			splits := chunkings(in, 3, 20)
			for i := 0; i <= len(in); i++ {
				for j := i; j <= len(in); j++ {
					splits[fmt.Sprintf("split at %d and %d", i, j)] = [][]byte{in[:i], in[i:j], in[j:]}
				}
			}
			for how, chunks := range splits {
				got := spansOf(tc.o, chunks)
				if fmt.Sprint(got) != fmt.Sprint(whole) {
					t.Fatalf("%s: %+v, whole: %+v", how, got, whole)
				}
			}
		})
	}
}

func TestSpanRestartsAfterReset(t *testing.T) {
	t.Parallel()
	p := NewParser(Options{})
	var got [][2]int64
	emit := func(Event) {
		s, e := p.Span()
		got = append(got, [2]int64{s, e})
	}
	must(t, p.Feed([]byte("data: a\n\ndata: cut"), emit))
	p.Reset()
	must(t, p.Feed([]byte("\xef\xbb\xbfdata: b\n\n"), emit))
	p.End(emit)
	must(t, p.Feed([]byte("data: c\n\n"), emit)) // after End, without Reset: positions go on
	want := [][2]int64{{0, 9}, {3, 12}, {12, 21}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("spans %v, want %v", got, want)
	}
}

// TestSpanOfConformanceFixtures checks the spans of every conformance case.
func TestSpanOfConformanceFixtures(t *testing.T) {
	t.Parallel()
	for _, c := range loadFixtures(t) {
		in := c.bytes(t)
		o := Options{NDJSON: c.NDJSON}
		whole := spansOf(o, [][]byte{in})
		if err := checkSpans(in, o, whole); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
		bytewise := spansOf(o, chunkings(in, 1, 0)["byte by byte"])
		if fmt.Sprint(bytewise) != fmt.Sprint(whole) {
			t.Errorf("%s: byte by byte %+v, whole %+v", c.Name, bytewise, whole)
		}
	}
}
