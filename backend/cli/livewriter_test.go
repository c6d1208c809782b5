package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

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
