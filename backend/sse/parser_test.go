package sse

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
)

// fixtureCase is one row of testdata/conformance.json.
type fixtureCase struct {
	Name        string   `json:"name"`
	Rule        string   `json:"rule"`
	Input       *string  `json:"input"`
	InputHex    string   `json:"input_hex"`
	NDJSON      bool     `json:"ndjson"`
	Events      []Event  `json:"events"`
	LastEventID string   `json:"last_event_id"`
	Retry       *int     `json:"retry"`
	Discarded   bool     `json:"discarded"`
	Comments    []string `json:"comments"`
	Retries     []int    `json:"retries"`
}

func (c fixtureCase) bytes(t testing.TB) []byte {
	if c.Input != nil {
		return []byte(*c.Input)
	}
	b, err := hex.DecodeString(strings.ReplaceAll(c.InputHex, " ", ""))
	if err != nil {
		t.Fatalf("case %q: input_hex: %v", c.Name, err)
	}
	return b
}

func loadFixtures(t testing.TB) []fixtureCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/conformance.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []fixtureCase `json:"cases"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&struct {
		Description string         `json:"description"`
		Cases       *[]fixtureCase `json:"cases"`
	}{Cases: &doc.Cases}); err != nil {
		t.Fatalf("testdata/conformance.json: %v", err)
	}
	if len(doc.Cases) == 0 {
		t.Fatal("testdata/conformance.json: no cases")
	}
	for i, c := range doc.Cases {
		if c.Name == "" || (c.Input == nil && c.InputHex == "") {
			t.Fatalf("testdata/conformance.json: case %d: name and input (or input_hex) are required", i)
		}
	}
	return doc.Cases
}

// outcome is everything observable about one parse.
type outcome struct {
	Events    []Event
	LastID    string
	Retry     *int
	Discarded bool
	Dropped   int
	Comments  []string
	Retries   []int
	Err       error
}

// parseChunks feeds the chunks in order and ends the stream.
func parseChunks(o Options, chunks [][]byte) outcome {
	var out outcome
	o.OnComment = func(s string) { out.Comments = append(out.Comments, s) }
	o.OnRetry = func(ms int) { out.Retries = append(out.Retries, ms) }
	p := NewParser(o)
	emit := func(e Event) { out.Events = append(out.Events, e) }
	for _, c := range chunks {
		// Feed must not rely on the chunk after it returns: scribble on it.
		buf := append([]byte(nil), c...)
		if err := p.Feed(buf, emit); err != nil && out.Err == nil {
			out.Err = err
		}
		for i := range buf {
			buf[i] = '#'
		}
	}
	out.Discarded = p.End(emit)
	out.Dropped = p.Dropped()
	out.LastID = p.LastEventID()
	if ms, ok := p.Retry(); ok {
		out.Retry = &ms
	}
	return out
}

// chunkings returns the whole input, byte by byte, and random splits.
func chunkings(in []byte, seed uint64, random int) map[string][][]byte {
	m := map[string][][]byte{"whole": {in}}
	bytewise := make([][]byte, len(in))
	for i := range in {
		bytewise[i] = in[i : i+1]
	}
	m["byte by byte"] = bytewise
	rng := rand.New(rand.NewPCG(seed, 42))
	for r := 0; r < random; r++ {
		var chunks [][]byte
		rest := in
		for len(rest) > 0 {
			n := 1 + rng.IntN(min(len(rest), 1+rng.IntN(16)))
			chunks = append(chunks, rest[:n])
			rest = rest[n:]
		}
		// Empty chunks are legal too.
		if rng.IntN(2) == 0 {
			chunks = append([][]byte{{}}, chunks...)
		}
		m[fmt.Sprintf("random %d", r)] = chunks
	}
	return m
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for i, c := range loadFixtures(t) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			in := c.bytes(t)
			for how, chunks := range chunkings(in, uint64(i), 20) {
				got := parseChunks(Options{NDJSON: c.NDJSON}, chunks)
				if got.Err != nil {
					t.Fatalf("%s: unexpected error %v", how, got.Err)
				}
				want := c.Events
				if want == nil {
					want = []Event{}
				}
				if got.Events == nil {
					got.Events = []Event{}
				}
				if !reflect.DeepEqual(got.Events, want) {
					t.Fatalf("%s (%s): events\n got %q\nwant %q", how, c.Rule, got.Events, want)
				}
				if got.LastID != c.LastEventID {
					t.Fatalf("%s: last event ID %q, want %q", how, got.LastID, c.LastEventID)
				}
				if !reflect.DeepEqual(got.Retry, c.Retry) {
					t.Fatalf("%s: retry %v, want %v", how, ptrStr(got.Retry), ptrStr(c.Retry))
				}
				if got.Discarded != c.Discarded {
					t.Fatalf("%s: discarded %v, want %v", how, got.Discarded, c.Discarded)
				}
				if c.Comments != nil && !reflect.DeepEqual(got.Comments, c.Comments) {
					t.Fatalf("%s: comments %q, want %q", how, got.Comments, c.Comments)
				}
				if c.Retries != nil && !reflect.DeepEqual(got.Retries, c.Retries) {
					t.Fatalf("%s: retries %v, want %v", how, got.Retries, c.Retries)
				}
			}
		})
	}
}

func ptrStr(p *int) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func TestMaxEventSize(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 100)
	tests := []struct {
		name   string
		ndjson bool
		in     string
		want   []Event
		errs   bool
		// dropped is Dropped(): the events (NDJSON lines) dropped.
		dropped int
	}{
		{"fits", false, "data: " + big + "\n\n", []Event{{"message", big, ""}}, false, 0},
		{"one line too big, next event kept", false, "data: " + big + big[:10] + "\n\ndata: ok\n\n", []Event{{"message", "ok", ""}}, true, 1},
		{"data lines add up", false, "data: " + big[:60] + "\ndata: " + big[:60] + "\ndata: more\n\ndata: ok\n\n", []Event{{"message", "ok", ""}}, true, 1},
		{"rest of event skipped", false, "data: " + big + big + "\ndata: skipped\nevent: skipped\n\ndata: ok\n\n", []Event{{"message", "ok", ""}}, true, 1},
		{"long comment counts as a line", false, ":" + big + big + "\ndata: after\n\ndata: ok\n\n", []Event{{"message", "ok", ""}}, true, 1},
		{"two dropped, each counted", false, "data: " + big + big + "\n\ndata: ok\n\ndata: " + big + big + "\n\n", []Event{{"message", "ok", ""}}, true, 2},
		{"ndjson line too big, next line kept", true, big + big + "\n{}\n", []Event{{"message", "{}", ""}}, true, 1},
		{"ndjson lines each counted", true, big + big + "\n" + big + big + "\n{}\n", []Event{{"message", "{}", ""}}, true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for how, chunks := range chunkings([]byte(tc.in), 7, 10) {
				got := parseChunks(Options{NDJSON: tc.ndjson, MaxEventSize: 110}, chunks)
				if !reflect.DeepEqual(got.Events, tc.want) {
					t.Fatalf("%s: events %q, want %q", how, got.Events, tc.want)
				}
				if (got.Err != nil) != tc.errs {
					t.Fatalf("%s: error %v, want error: %v", how, got.Err, tc.errs)
				}
				if got.Dropped != tc.dropped {
					t.Fatalf("%s: Dropped() = %d, want %d", how, got.Dropped, tc.dropped)
				}
				var tl *TooLargeError
				if got.Err != nil && (!errors.As(got.Err, &tl) || tl.Limit != 110 || !strings.Contains(got.Err.Error(), "110")) {
					t.Fatalf("%s: error %v is not a *TooLargeError naming the limit", how, got.Err)
				}
			}
		})
	}
}

func TestOversizedUnterminatedEventIsDiscarded(t *testing.T) {
	t.Parallel()
	p := NewParser(Options{MaxEventSize: 10})
	err := p.Feed([]byte("data: 0123456789"), func(Event) { t.Fatal("no event expected") })
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("want *TooLargeError, got %v", err)
	}
	if !p.End(func(Event) {}) {
		t.Fatal("End: want discarded")
	}
}

func TestDefaultMaxEventSize(t *testing.T) {
	t.Parallel()
	// A 17 MiB line goes over the default 16 MiB cap; a 15 MiB one does not.
	p := NewParser(Options{})
	var got []Event
	emit := func(e Event) { got = append(got, e) }
	chunk := bytes.Repeat([]byte("y"), 1<<20)
	if err := p.Feed([]byte("data: "), emit); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 15; i++ {
		if err := p.Feed(chunk, emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Feed([]byte("\n\n"), emit); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Data) != 15<<20 {
		t.Fatalf("want one 15 MiB event, got %d events", len(got))
	}
	var firstErr error
	for i := 0; i < 17 && firstErr == nil; i++ {
		firstErr = p.Feed(chunk, emit)
	}
	var tl *TooLargeError
	if !errors.As(firstErr, &tl) || tl.Limit != DefaultMaxEventSize {
		t.Fatalf("want *TooLargeError with the default limit, got %v", firstErr)
	}
}

func TestResetKeepsLastEventID(t *testing.T) {
	t.Parallel()
	p := NewParser(Options{})
	var got []Event
	emit := func(e Event) { got = append(got, e) }
	must(t, p.Feed([]byte("\ufeffid: 7\nretry: 50\ndata: a\n\ndata: half"), emit))
	p.Reset()
	// A new connection may start with its own BOM; the half event is gone.
	must(t, p.Feed([]byte("\xef\xbb\xbfdata: b\n\n"), emit))
	want := []Event{{"message", "a", "7"}, {"message", "b", "7"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	if ms, ok := p.Retry(); !ok || ms != 50 || p.LastEventID() != "7" {
		t.Fatalf("retry %d %v, last id %q", ms, ok, p.LastEventID())
	}
}

func TestEndThenReuse(t *testing.T) {
	t.Parallel()
	p := NewParser(Options{})
	var got []Event
	emit := func(e Event) { got = append(got, e) }
	must(t, p.Feed([]byte("data: a\r"), emit))
	if !p.End(emit) {
		t.Fatal("want discarded")
	}
	p.Reset()
	must(t, p.Feed([]byte("\ndata: b\n\n"), emit)) // the LF is a new blank line
	if want := []Event{{"message", "b", ""}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
}

func TestDecodeMatchesWHATWG(t *testing.T) {
	t.Parallel()
	// Expected outputs from the WHATWG Encoding Standard's UTF-8 decoder.
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"\x80", "\uFFFD"},
		{"\xc2", "\uFFFD"},
		{"\xc2\x41", "\uFFFDA"},
		{"\xe2\x82", "\uFFFD"},
		{"\xe2\x82\xac", "€"},
		{"\xe0\x9f\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xe0\xa0", "\uFFFD"},
		{"\xed\x9f\xbf", "\ud7ff"},
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xf0\x8f\xbf\xbf", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xf0\x90\x80", "\uFFFD"},
		{"\xf4\x8f\xbf\xbf", "\U0010FFFF"},
		{"\xf4\x90", "\uFFFD\uFFFD"},
		{"\xf8\x88\x80\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xc0\xaf", "\uFFFD\uFFFD"},
		{"\xe1\x80\xe2\xf0\x91\x92\xf1\xbf\x41", "\uFFFD\uFFFD\uFFFD\uFFFDA"},
		{"a\xffb\xfe\xfdc", "a\uFFFDb\uFFFD\uFFFDc"},
	}
	for _, tc := range tests {
		if got := string(appendDecoded(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("decode(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := decodeString([]byte(tc.in)); got != tc.want {
			t.Errorf("decodeString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLargeEventsAcrossChunks(t *testing.T) {
	t.Parallel()
	// 64 KiB multi-line events, fed in odd-sized chunks, with CRLF.
	var in bytes.Buffer
	var want []Event
	line := strings.Repeat("é", 500) + "x"
	for e := 0; e < 5; e++ {
		var data []string
		for in.Len() < (e+1)*65536 {
			in.WriteString("data: " + line + "\r\n")
			data = append(data, line)
		}
		in.WriteString("\r\n")
		want = append(want, Event{"message", strings.Join(data, "\n"), ""})
	}
	for _, size := range []int{1, 7, 4096, 65537, in.Len()} {
		var chunks [][]byte
		for b := in.Bytes(); len(b) > 0; {
			n := min(size, len(b))
			chunks = append(chunks, b[:n])
			b = b[n:]
		}
		got := parseChunks(Options{}, chunks)
		if got.Err != nil || !reflect.DeepEqual(got.Events, want) {
			t.Fatalf("chunk %d: %d events (err %v), want %d", size, len(got.Events), got.Err, len(want))
		}
	}
}

func TestAllocsPerEvent(t *testing.T) {
	// Single-line events inside one chunk share one string copy of the
	// chunk: no allocation per event, for LF and CRLF streams, with sticky
	// ids and repeated custom types.
	in := []byte(strings.Repeat("id: 1\nevent: delta\ndata: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n", 100))
	crlf := bytes.ReplaceAll(in, []byte("\n"), []byte("\r\n"))
	for name, b := range map[string][]byte{"LF": in, "CRLF": crlf} {
		p := NewParser(Options{})
		n := 0
		emit := func(Event) { n++ }
		must(t, p.Feed(b, emit)) // warm up: the id and type strings are made once
		allocs := testing.AllocsPerRun(20, func() { _ = p.Feed(b, emit) })
		if allocs > 2 {
			t.Errorf("%s: %.0f allocations for a chunk of 100 events, want at most 2", name, allocs)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDispatchIsPrompt(t *testing.T) {
	t.Parallel()
	// An event is emitted by the Feed call that delivers its blank line,
	// whatever the payload size relative to the read size, and whichever
	// line terminator ends it (a CR does not wait for a possible LF).
	for _, size := range []int{1, 128, 1023, 1024, 1025, 4094, 4096, 4098, 8192, 65536, 1 << 20} {
		for _, term := range []string{"\n", "\r\n", "\r"} {
			data := strings.Repeat("x", size)
			in := []byte("data: " + data + term + term)
			p := NewParser(Options{})
			var got []Event
			emit := func(e Event) { got = append(got, e) }
			for len(in) > 0 {
				n := min(4096, len(in))
				must(t, p.Feed(in[:n], emit))
				in = in[n:]
				if len(in) > 0 && len(got) > 0 {
					t.Fatalf("size %d %q: event emitted before its blank line was fed", size, term)
				}
			}
			if len(got) != 1 || got[0].Data != data {
				t.Fatalf("size %d %q: event not emitted when its blank line arrived (%d events)", size, term, len(got))
			}
		}
	}
}

func TestLongLineBuffersAreReleased(t *testing.T) {
	t.Parallel()
	// A 2 MiB event assembled across reads must not pin its buffers after
	// it is dispatched, nor after an oversized line is dropped.
	p := NewParser(Options{MaxEventSize: 4 << 20})
	var got []Event
	emit := func(e Event) { got = append(got, e) }
	must(t, p.Feed([]byte("data: "), emit))
	for i := 0; i < 32; i++ {
		must(t, p.Feed(bytes.Repeat([]byte("z"), 64<<10), emit))
	}
	must(t, p.Feed([]byte("\ndata: more\n\n"), emit))
	if len(got) != 1 || len(got[0].Data) != 2<<20+5 {
		t.Fatalf("want one event of 2 MiB + 5 bytes, got %d", len(got))
	}
	if cap(p.line) > 1<<20 || cap(p.data) > 1<<20 {
		t.Fatalf("buffers still hold %d + %d bytes", cap(p.line), cap(p.data))
	}
	for i := 0; i < 80; i++ {
		_ = p.Feed(bytes.Repeat([]byte("z"), 64<<10), emit) // 5 MiB line: dropped
	}
	if cap(p.line) > 1<<20 {
		t.Fatalf("line buffer still holds %d bytes after an oversized line", cap(p.line))
	}
}
