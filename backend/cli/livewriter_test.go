package cli

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/merge"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	n  int // writes
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return l.b.Write(p)
}

func (l *lockedBuffer) snapshot() (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String(), l.n
}

func TestLiveWriterBatchesAndStaysLive(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	lw := newLiveWriter(&out)
	lw.Write([]byte("first\n"))
	if s, _ := out.snapshot(); s != "first\n" {
		t.Fatalf("the first line after a quiet spell waited: %q", s)
	}
	for i := 0; i < 999; i++ {
		lw.Write([]byte("+ 1.0ms message line\n"))
	}
	if s, _ := out.snapshot(); s != "first\n" {
		t.Fatalf("a burst was written line by line: %d bytes", len(s))
	}
	// without Close the lines still arrive on their own, soon
	deadline := time.Now().Add(2 * time.Second)
	for {
		s, n := out.snapshot()
		if strings.Count(s, "\n") == 1000 {
			if n > 3 {
				t.Fatalf("1000 lines took %d writes, want the first plus the burst in one or two", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d lines after 2 s", strings.Count(s, "\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
	lw.Write([]byte("last\n"))
	lw.Close()
	if s, _ := out.snapshot(); !strings.HasSuffix(s, "last\n") {
		t.Fatal("Close did not flush")
	}
}

func TestMainFlushesStderrBeforeReturning(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	code := Main([]string{"parse", "--chunk", "0"}, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	if code != ExitUsage || !strings.Contains(errb.String(), "chunk") {
		t.Fatalf("code %d stderr %q", code, errb.String())
	}
}

func TestTimelineLineFitsTheWidth(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	tl := &timeline{w: &b, width: 40}
	prefix := len("+     1.0ms  message  ")
	room := 40 - prefix
	cases := []struct{ in, want string }{
		{"short", "short"},
		{strings.Repeat("é", room), strings.Repeat("é", room)},
		{strings.Repeat("é", room+1), strings.Repeat("é", room-1) + "…"},
		{"a\nb", `a\nb`},
	}
	for _, tc := range cases {
		b.Reset()
		tl.line(time.Millisecond, "message", tc.in)
		got := strings.TrimSuffix(b.String()[prefix:], "\n")
		if got != tc.want {
			t.Errorf("line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSummaryLineCountsEveryChoicesToolCalls(t *testing.T) {
	t.Parallel()
	stop := "tool_calls"
	one := []merge.ToolCall{{Index: 0, Name: "f", Arguments: "{}"}}
	out := &StreamOutput{Status: 200}
	out.Result = merge.Result{Format: "openai-chat", Verdict: merge.VerdictComplete, FinishReason: &stop, Events: 9, ToolCalls: one,
		Choices: []merge.Choice{{Index: 0, ToolCalls: one}, {Index: 1, ToolCalls: one}, {Index: 2, ToolCalls: one}}}
	if got := summaryLine(out); !strings.Contains(got, "3 choices, 3 tool calls in all") {
		t.Fatalf("summary %q", got)
	}
	out.Result.Choices = nil
	if got := summaryLine(out); !strings.Contains(got, ", 1 tool call,") {
		t.Fatalf("summary %q", got)
	}
}

// referenceLine is the timeline line as first written with fmt and string
// operations; line builds the same bytes without allocating.
func referenceLine(width int, at time.Duration, tag, text string) string {
	runes := func(s string, n int) string {
		for i := range s {
			if n == 0 {
				return s[:i]
			}
			n--
		}
		return s
	}
	// the escapes of visible.go, written out rune by rune
	visible := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\r':
				b.WriteString(`\r`)
			case r == '\t':
				b.WriteString(`\t`)
			case r == utf8.RuneError && n == 1, r < 0x20:
				fmt.Fprintf(&b, `\x%02x`, s[i])
			case r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
			i += n
		}
		return b.String()
	}
	prefix := fmt.Sprintf("+%8.1fms  %-8s ", float64(at.Microseconds())/1000, visible(tag))
	room := width - utf8.RuneCountInString(prefix)
	if room < 10 {
		room = 10
	}
	text = visible(runes(text, room+1))
	if len(runes(text, room)) < len(text) {
		text = runes(text, room-1) + "…"
	}
	return strings.TrimRight(prefix+text, " ") + "\n"
}

func TestTimelineLineMatchesFmt(t *testing.T) {
	t.Parallel()
	texts := []string{"", " ", "   ", "short", "trailing   ", "a\nb\r\tc\x00\x1f\x7f", "é", "\xff\xfe", "x\n\xffy",
		strings.Repeat("é", 200), strings.Repeat("a", 300), strings.Repeat("😀", 50) + "\x01", strings.Repeat(" ", 150),
		`{"id":"chatcmpl-1","choices":[{"index":3,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"p0"}}]}}]}`}
	tags := []string{"message", "", "m", "response", "a-very-long-tag", "ünïcödé", "\xff", "tab\there", "\x1b]52;c;eA==\a", "\u009b31m", "\u202eevil"}
	ats := []time.Duration{0, time.Microsecond, 49 * time.Microsecond, 50 * time.Microsecond, 1050 * time.Microsecond,
		1150 * time.Microsecond, 12345678 * time.Microsecond, 99999999 * time.Microsecond, 1 << 50, -1500 * time.Microsecond}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", " ", "\n", "\x02", "é", "😀", "\xe2\x82", "\xff", "\x7f", "…", "z", "\x1b", "\a", "\u009b", "\u0085", "\u202e", "\u2066", "\r"}
	for range 300 {
		var b strings.Builder
		for range rng.IntN(160) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	for n := range 130 { // every cut point of the printable-ASCII fast path
		texts = append(texts, strings.Repeat("x", n), strings.Repeat("x ", n/2))
	}
	var out bytes.Buffer
	for _, width := range []int{0, 20, 40, 100, 120, 400} {
		tl := &timeline{w: &out, width: width}
		for _, tag := range tags {
			for i, text := range texts {
				at := ats[i%len(ats)]
				out.Reset()
				tl.line(at, tag, text)
				if want := referenceLine(width, at, tag, text); out.String() != want {
					t.Fatalf("width %d, at %v, tag %q, text %q:\n got %q\nwant %q", width, at, tag, text, out.String(), want)
				}
			}
		}
	}
}

// BenchmarkTimelineLine is the cost of one timeline line for a typical
// event of bench-e2e's stream (a tool-call argument fragment): "reference"
// is the fmt-based original (referenceLine), "line" the reused buffer.
func BenchmarkTimelineLine(b *testing.B) {
	data := `{"id":"chatcmpl-9f3a","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","choices":[{"index":7,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"p04"}}]},"finish_reason":null}]}`
	at := 1234567 * time.Microsecond
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			io.WriteString(io.Discard, referenceLine(120, at, "message", data))
		}
	})
	b.Run("line", func(b *testing.B) {
		tl := &timeline{w: io.Discard, width: 120}
		b.ReportAllocs()
		for b.Loop() {
			tl.line(at, "message", data)
		}
	})
}
