package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/run"
	"github.com/streamscope/streamscope/backend/send"
)

// StreamOptions configures RunStream: one run of a plan (backend/run),
// its live timeline on stderr, its merged result on stdout. send and run
// fill it from their flags.
type StreamOptions struct {
	// Command names the subcommand in messages ("send", "run").
	Command string
	Plan    *run.Plan
	// Replay, when set, replays this recording instead of sending.
	Replay *project.Recording
	// JSON prints the merge object plus status, timing and tests instead
	// of the merged text.
	JSON bool
	// Width caps the timeline lines; 0 means $COLUMNS, else 120.
	Width int
	// Sender sends the request; nil means the default client.
	Sender *send.Sender
	// Observer, when set, follows the records after the timeline.
	Observer run.Observer
	// ScriptWarnings prints the script's failure as a timeline warning
	// when it happens (send); it is reported at the end either way.
	ScriptWarnings bool
}

// TestResult is the outcome of one script test.
type TestResult struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	Message string `json:"message"`
}

// StreamTiming is the `timing` object of --json output (milliseconds since
// the request was sent; null when the moment never came).
type StreamTiming = run.Timing

// StreamOutput is what RunStream prints with --json: the merge object plus
// status, timing and tests. Send is the sender's full result (body,
// headers, end reason), Outcome the run's.
type StreamOutput struct {
	merge.Result
	Status int          `json:"status"`
	Timing StreamTiming `json:"timing"`
	Tests  []TestResult `json:"tests"`

	Send    *send.Result `json:"-"`
	Outcome *run.Outcome `json:"-"`
}

// RunStream runs o.Plan, prints the timeline live on env.Stderr (with the
// script's console lines as they come and its test results at the end)
// and the merged result on env.Stdout, and returns the output with an
// error carrying the contract's exit code (nil: exit 0): 2 for a transport
// error or HTTP status >= 400, 1 when a test failed or the script threw,
// 3 when the stream ended incomplete.
func RunStream(ctx context.Context, env *Env, o StreamOptions) (*StreamOutput, error) {
	if o.Command == "" {
		o.Command = "send"
	}
	exec, err := o.Plan.Start()
	if err != nil {
		return nil, UsageError("%v", err)
	}
	width := o.Width
	if width <= 0 {
		width, _ = strconv.Atoi(env.Var("COLUMNS"))
		if width < 40 {
			width = 120
		}
	}
	red := o.Plan.Redactor
	view := &streamView{tl: newTimeline(env.Stderr, width, red), kind: send.StreamPlain, replay: o.Replay, next: o.Observer,
		script: &scriptLog{w: env.Stderr, s: exec.Script(), red: red}}
	opts := run.Options{Sender: o.Sender, Observer: view}
	if o.ScriptWarnings {
		opts.OnScriptError = func(at time.Duration, err error) {
			view.script.flush()
			view.tl.line(at, "warning", "hook: script error: "+err.Error())
		}
	}
	var oc *run.Outcome
	if o.Replay != nil {
		oc = exec.Replay(ctx, o.Replay, opts)
	} else {
		oc = exec.Send(ctx, opts)
	}
	res := oc.Send
	out := &StreamOutput{Result: oc.Result, Status: res.Status, Timing: oc.Timing, Tests: []TestResult{}, Send: res, Outcome: oc}
	// A response that never came is a transport error: nothing to print.
	if res.Status == 0 {
		return out, Errorf(ExitUsage, "%s", res.Message)
	}
	out.Tests = append(out.Tests, view.script.end(oc.Tests)...)
	var scriptErr error
	if oc.ScriptErr != nil {
		scriptErr = fmt.Errorf("script error: %v", oc.ScriptErr)
	}
	if err := printStream(env, o, out); err != nil {
		return out, err
	}
	return out, streamExit(o, out, scriptErr)
}

// streamView is the CLI's Observer of a run: the timeline, the script's
// console lines before the record whose call printed them, and for a
// replay its own first and last lines.
type streamView struct {
	tl     *timeline
	kind   send.StreamKind
	script *scriptLog
	replay *project.Recording
	last   time.Duration // the last event's offset (a replay)
	next   run.Observer
}

func (v *streamView) Record(rec send.Record) {
	v.script.flush()
	switch {
	case v.replay == nil:
		if rec.Kind == send.KindResponseHeaders {
			v.kind = rec.Response.StreamKind
		}
		v.tl.record(rec, v.kind)
	case rec.Kind == send.KindRequestSent:
		r := v.replay
		v.tl.line(0, "replay", fmt.Sprintf("%s %s recorded %s: %d %s, %s", r.Method, r.URL, r.StartedAt.Format(time.RFC3339), r.Status, r.ContentType, plural(len(r.Events), "event")))
	case rec.Kind == send.KindEvent:
		v.last = rec.At
		v.tl.record(rec, v.kind)
	case rec.Kind == send.KindWarning:
		v.tl.record(rec, v.kind)
	case rec.Kind == send.KindEnd:
		v.tl.line(v.last, "end", fmt.Sprintf("%s (replayed), %s", rec.End.Reason, plural(rec.End.Events, "event")))
	}
	if v.next != nil {
		v.next.Record(rec)
	}
}

// printStream prints the result on stdout (secrets masked in it, as JSON
// text with --json) and, after a plain-text result, the summary line on
// stderr.
func printStream(env *Env, o StreamOptions, out *StreamOutput) error {
	red := o.Plan.Redactor
	if o.JSON {
		if red == nil {
			return writeJSON(env.Stdout, out)
		}
		var b bytes.Buffer
		if err := writeJSON(&b, out); err != nil {
			return err
		}
		if _, err := env.Stdout.Write(red.JSON(b.Bytes())); err != nil {
			return Errorf(ExitUsage, "writing stdout: %v", err)
		}
		return nil
	}
	if out.Status >= 400 {
		return nil // the error line shows the body
	}
	text := out.Content
	if out.Format == merge.FormatUnknown && out.Send.Kind == send.StreamPlain {
		text = string(out.Send.Body)
	}
	text = red.String(text)
	if text != "" {
		if _, err := io.WriteString(env.Stdout, text); err != nil {
			return Errorf(ExitUsage, "writing stdout: %v", err)
		}
		if !strings.HasSuffix(text, "\n") {
			io.WriteString(env.Stdout, "\n")
		}
	}
	shown := *out
	if fr := out.FinishReason; fr != nil && red != nil {
		v := red.String(*fr) // before summaryLine escapes it
		shown.FinishReason = &v
	}
	fmt.Fprintln(env.Stderr, red.String(summaryLine(&shown)))
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return Errorf(ExitUsage, "writing stdout: %v", err)
	}
	return nil
}

// summaryLine is the one-line summary after a plain-text result.
func summaryLine(out *StreamOutput) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s, %s", out.Status, out.Format, out.Verdict)
	if out.FinishReason != nil {
		fmt.Fprintf(&b, " (%s)", Visible(*out.FinishReason))
	}
	fmt.Fprintf(&b, ", %s", plural(out.Events, "event"))
	if len(out.Choices) > 1 {
		calls := 0
		for _, c := range out.Choices {
			calls += len(c.ToolCalls)
		}
		fmt.Fprintf(&b, ", %d choices", len(out.Choices))
		if calls > 0 {
			fmt.Fprintf(&b, ", %s in all", plural(calls, "tool call"))
		}
	} else if n := len(out.ToolCalls); n > 0 {
		fmt.Fprintf(&b, ", %s", plural(n, "tool call"))
	}
	if out.Timing.TTFBMS != nil {
		fmt.Fprintf(&b, ", ttfb %s", fmtMS(*out.Timing.TTFBMS))
	}
	if out.Timing.FirstEventMS != nil {
		fmt.Fprintf(&b, ", first event %s", fmtMS(*out.Timing.FirstEventMS))
	}
	fmt.Fprintf(&b, ", total %s", fmtMS(out.Timing.DurationMS))
	return b.String()
}

// streamExit maps the outcome to the contract's exit codes.
func streamExit(o StreamOptions, out *StreamOutput, scriptErr error) error {
	res := out.Send
	red := o.Plan.Redactor
	if out.Status >= 400 {
		msg := fmt.Sprintf("HTTP %d %s", out.Status, http.StatusText(out.Status))
		if body := strings.TrimSpace(red.String(string(res.Body))); body != "" {
			msg += ": " + oneLine(truncateUTF8(body, 200))
		}
		return Errorf(ExitUsage, "%s", msg)
	}
	if scriptErr != nil {
		return Errorf(ExitFailed, "%v", scriptErr)
	}
	failed := 0
	for _, t := range out.Tests {
		if !t.Passed {
			failed++
		}
	}
	switch res.Reason {
	case send.EndComplete:
	case send.EndError:
		if res.Code != send.CodeStream { // the merge's error event is reported below
			return Errorf(ExitIncomplete, "stream incomplete: %s", res.Message)
		}
	default:
		return Errorf(ExitIncomplete, "stream incomplete: %s", res.Message)
	}
	final := out.Result
	if e := final.Error; e != nil && red != nil {
		// masked before resultExit shortens the message
		final.Error = &merge.StreamError{Message: red.String(e.Message), Type: red.String(e.Type), Code: e.Code}
	}
	if code, err := resultExit(final); code != ExitOK {
		return err
	}
	if failed > 0 {
		return Errorf(ExitFailed, "%d of %d tests failed", failed, len(out.Tests))
	}
	return nil
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func fmtMS(v float64) string {
	if v >= 10000 {
		return fmt.Sprintf("%.1fs", v/1000)
	}
	return fmt.Sprintf("%.1fms", v)
}

// timeline prints records as terminal lines: time offset, a tag, details.
// It is used from one goroutine (the sender's) at a time.
type timeline struct {
	w     io.Writer
	width int
	buf   []byte // the line being built, reused
	// red masks secrets in every line before it is cut to the width (a
	// secret cut in two would not be found whole later); chunks masks the
	// chunks of a plain body, seeing the ones before.
	red    *redact.Redactor
	chunks *redact.Chunks
}

func newTimeline(w io.Writer, width int, red *redact.Redactor) *timeline {
	return &timeline{w: w, width: width, red: red, chunks: red.NewChunks()}
}

// line writes one timeline line: "+%8.1fms  %-8s " then text, made
// visible (control characters escaped), cut to the width with "…", and
// without trailing spaces. It builds the line in a reused buffer and writes
// it in one call, so a fast stream costs no allocation per line.
func (t *timeline) line(at time.Duration, tag, text string) {
	tag, text = Visible(t.red.String(tag)), t.red.String(text)
	b := append(t.buf[:0], '+')
	// %8.1f: fmt formats with strconv's 'f' and pads on the left.
	var scratch [32]byte
	num := strconv.AppendFloat(scratch[:0], float64(at.Microseconds())/1000, 'f', 1, 64)
	if pad := 8 - len(num); pad > 0 {
		b = append(b, "        "[:pad]...)
	}
	b = append(b, num...)
	b = append(b, "ms  "...)
	b = append(b, tag...)
	tagRunes := utf8.RuneCountInString(tag)
	if pad := 8 - tagRunes; pad > 0 { // %-8s pads to 8 runes
		b = append(b, "        "[:pad]...)
	}
	b = append(b, ' ')
	room := t.width - (1 + max(len(num), 8) + 4 + max(tagRunes, 8) + 1)
	if room < 10 {
		room = 10
	}
	if n := min(len(text), room+1); printableASCII(text[:n]) {
		// The common case: a rune per byte and nothing to escape.
		if n > room {
			b = append(append(b, text[:room-1]...), "…"...)
		} else {
			b = append(b, text[:n]...)
		}
	} else {
		// Cut before escaping (escapes only lengthen), then cut to the rune.
		start := len(b)
		b = appendVisible(b, truncateRunes(text, room+1), true)
		if utf8.RuneCount(b[start:]) > room {
			b = append(b[:start+runeOffset(b[start:], room-1)], "…"...)
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	b = append(b, '\n')
	t.buf = b
	t.w.Write(b)
}

// printableASCII reports whether s is all ASCII without control characters.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// runeOffset is the byte offset of the n-th rune of b (len(b) when b has
// fewer), counting an invalid byte as one rune like a range loop does.
func runeOffset(b []byte, n int) int {
	i := 0
	for ; n > 0 && i < len(b); n-- {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRune(b[i:])
		i += size
	}
	return i
}

// truncateRunes returns the first n runes of s (s itself when shorter).
func truncateRunes(s string, n int) string {
	if n < 0 {
		return s
	}
	i := 0
	for ; i < len(s) && s[i] < utf8.RuneSelf; i++ { // ASCII: a rune per byte
		if i == n {
			return s[:i]
		}
	}
	n -= i
	for j := range s[i:] {
		if n == 0 {
			return s[:i+j]
		}
		n--
	}
	return s
}

func (t *timeline) record(rec send.Record, kind send.StreamKind) {
	switch rec.Kind {
	case send.KindRequestSent:
		r := rec.Request
		text := r.Method + " " + r.URL
		if r.BodySize > 0 {
			text += fmt.Sprintf(" (%d B body)", r.BodySize)
		}
		t.line(rec.At, "request", text)
	case send.KindRedirect:
		t.line(rec.At, "redirect", redirectText(rec.Redirect))
	case send.KindResponseHeaders:
		r := rec.Response
		text := fmt.Sprintf("%d %s %s %s, read as %s", r.Status, r.StatusText, r.Proto, r.Header.Get("Content-Type"), r.StreamKind)
		if r.Encoding != "" {
			text += ", " + r.Encoding
		}
		tm := r.Timing
		if tm.Reused {
			text += "; reused connection"
		} else {
			text += fmt.Sprintf("; dns %s, connect %s", fmtMS(tm.DNSMS), fmtMS(tm.ConnectMS))
			if tm.TLSMS > 0 {
				text += ", tls " + fmtMS(tm.TLSMS)
			}
		}
		t.line(rec.At, "response", text)
	case send.KindChunk:
		if kind == send.StreamPlain {
			data := t.chunks.Next(rec.Chunk.Data)
			t.line(rec.At, "chunk", fmt.Sprintf("%d B  %s", rec.Chunk.Size, truncateUTF8(string(data), 400)))
		}
	case send.KindEvent:
		t.line(rec.At, rec.Event.Type, truncateUTF8(t.red.String(rec.Event.Data), 1000))
	case send.KindComment:
		t.line(rec.At, "comment", strings.TrimPrefix(rec.Text, " "))
	case send.KindRetry, send.KindReconnect:
		r := rec.Retry
		text := fmt.Sprintf("%s: attempt %d in %s", r.Reason, r.NextAttempt, fmtMS(r.WaitMS))
		if r.LastEventID != "" {
			text += ", Last-Event-ID " + r.LastEventID
		}
		t.line(rec.At, string(rec.Kind), text)
	case send.KindWarning:
		t.line(rec.At, "warning", rec.Warning.Message)
	case send.KindError:
		t.line(rec.At, "error", rec.Error.Message)
	case send.KindEnd:
		e := rec.End
		text := fmt.Sprintf("%s, %s, %d B", e.Reason, plural(e.Events, "event"), e.Bytes)
		if e.WireBytes != e.Bytes {
			text += fmt.Sprintf(" (%d B on the wire)", e.WireBytes)
		}
		if e.Message != "" {
			text += ": " + e.Message
		}
		t.line(rec.At, "end", text)
	}
}

// redirectText is a redirect's timeline line: status, target and what the
// next request leaves out, or why it is not followed.
func redirectText(r *send.RedirectInfo) string {
	text := fmt.Sprintf("%d -> %s", r.Status, r.To)
	if !r.Followed {
		return text + ", not followed: " + r.Reason
	}
	text += " (" + r.Method
	if r.CrossOrigin {
		text += ", another origin"
	}
	text += ")"
	if len(r.Dropped) > 0 {
		text += "; not sent there: " + strings.Join(r.Dropped, ", ")
	}
	if r.Body == "dropped" {
		text += "; body dropped"
	}
	return text
}
