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
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/send"
	"github.com/streamscope/streamscope/backend/sse"
)

// StreamOptions configures RunStream: one request, its live timeline on
// stderr, its merged result on stdout. `send` and `run` fill it from their
// flags; extensions (post-processor scripts) add Hooks.
type StreamOptions struct {
	// Command names the subcommand in messages ("send", "run").
	Command string
	Request send.Request
	Merge   merge.Options
	// JSON prints the merge object plus status, timing and tests instead
	// of the merged text.
	JSON bool
	// Width caps the timeline lines; 0 means $COLUMNS, else 120.
	Width int
	// Sender sends the request; nil means the default client.
	Sender *send.Sender
	Hooks  []StreamHook
	// Redact masks secret values in everything printed (nil: none).
	Redact *redact.Redactor
}

// StreamHook lets a caller follow the stream and shape the output. Every
// function is optional and runs on the stream's goroutine, in order.
type StreamHook struct {
	// OnResponse is called when the response headers arrived.
	OnResponse func(status int, header http.Header)
	// OnEvent is called for every event right after the merger took it,
	// with its 1-based sequence number and time offset since the request
	// was sent. An error is reported as a warning line; the stream goes on.
	OnEvent func(m *merge.Merger, ev sse.Event, seq int, at time.Duration) error
	// OnEnd is called once after the stream ended, before anything is
	// printed on stdout. It may change out.Result and append out.Tests; an
	// error fails the command with exit code 1.
	OnEnd func(out *StreamOutput) error
}

// TestResult is the outcome of one script test.
type TestResult struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	Message string `json:"message"`
}

// StreamTiming is the `timing` object of --json output (milliseconds since
// the request was sent; null when the moment never came).
type StreamTiming struct {
	TTFBMS       *float64 `json:"ttfb_ms"`
	FirstEventMS *float64 `json:"first_event_ms"`
	DurationMS   float64  `json:"duration_ms"`
}

// StreamOutput is what RunStream prints with --json: the merge object plus
// status, timing and tests. Send is the sender's full result (body,
// headers, end reason) for hooks and callers.
type StreamOutput struct {
	merge.Result
	Status int          `json:"status"`
	Timing StreamTiming `json:"timing"`
	Tests  []TestResult `json:"tests"`

	Send *send.Result `json:"-"`
}

// RunStream sends o.Request, prints the timeline live on env.Stderr and
// the merged result on env.Stdout, and returns the output with an error
// carrying the contract's exit code (nil: exit 0): 2 for a transport
// error or HTTP status >= 400, 1 when a test failed or a hook threw, 3
// when the stream ended incomplete.
func RunStream(ctx context.Context, env *Env, o StreamOptions) (*StreamOutput, error) {
	if o.Command == "" {
		o.Command = "send"
	}
	m, err := NewMerger(o.Merge)
	if err != nil {
		return nil, err
	}
	width := o.Width
	if width <= 0 {
		width, _ = strconv.Atoi(env.Var("COLUMNS"))
		if width < 40 {
			width = 120
		}
	}
	tl := newTimeline(env.Stderr, width, o.Redact)
	kind := send.StreamPlain
	req := o.Request
	// ended is the result of the last End, valid while no event came after
	// it (End validates every tool call's arguments: with many long calls
	// it is worth not doing twice).
	var ended *merge.Result
	// Finish runs at every clean end of a body (hence EndClean). The merger
	// takes events after End too, so a reconnect (Request.Reconnect) goes
	// on merging and the final End below (a body cut off) judges the whole
	// stream.
	req.Finish = func() (send.EndReason, string) {
		r := m.EndClean() // Finish runs where a body ended cleanly
		ended = &r
		reason, msg := send.MergeCheck(r)
		return reason, o.Redact.String(msg)
	}
	// A body that broke after the end marker still brought the whole stream.
	req.EndMarker = m.SawEnd
	// The body is kept only where something reads it: a plain body is the
	// result, an error status prints it, and a hook's OnEnd may read
	// out.Send.Body (a script's pm.response.text()). An event stream's
	// events are all the merge needs, so its body is not held in memory.
	needBody := false
	for _, h := range o.Hooks {
		needBody = needBody || h.OnEnd != nil
	}
	if req.KeepBody == nil {
		req.KeepBody = func(status int, k send.StreamKind) bool {
			return needBody || status >= 400 || k == send.StreamPlain
		}
	}
	sink := func(rec send.Record) {
		switch rec.Kind {
		case send.KindResponseHeaders:
			kind = rec.Response.StreamKind
			for _, h := range o.Hooks {
				if h.OnResponse != nil {
					h.OnResponse(rec.Response.Status, rec.Response.Header)
				}
			}
		case send.KindEvent:
			ended = nil
			m.AddTimed(rec.Event.Event, rec.At)
			for _, h := range o.Hooks {
				if h.OnEvent == nil {
					continue
				}
				if err := h.OnEvent(m, rec.Event.Event, rec.Event.Index, rec.At); err != nil {
					tl.line(rec.At, "warning", "hook: "+err.Error())
				}
			}
		}
		tl.record(rec, kind)
	}
	sender := o.Sender
	if sender == nil {
		sender = &send.Sender{}
	}
	res := sender.Do(ctx, &req, sink)

	out := &StreamOutput{Status: res.Status, Send: res, Tests: []TestResult{}}
	out.Timing.DurationMS = res.Timing.DurationMS
	if res.Status != 0 {
		v := res.Timing.TTFBMS
		out.Timing.TTFBMS = &v
	}
	if res.Events > 0 {
		v := res.Timing.FirstEventMS
		out.Timing.FirstEventMS = &v
	}
	if ended != nil {
		out.Result = *ended
	} else {
		out.Result = m.End()
	}
	out.Result = send.FinalResult(o.Merge, out.Result, res)

	// A response that never came is a transport error: nothing to print.
	if res.Status == 0 {
		return out, Errorf(ExitUsage, "%s", res.Message)
	}
	var hookErr error
	for _, h := range o.Hooks {
		if h.OnEnd != nil {
			if err := h.OnEnd(out); err != nil && hookErr == nil {
				hookErr = err
			}
		}
	}
	if err := printStream(env, o, out); err != nil {
		return out, err
	}
	return out, streamExit(o, out, hookErr)
}

// printStream prints the result on stdout (secrets masked in it, as JSON
// text with --json) and, after a plain-text result, the summary line on
// stderr.
func printStream(env *Env, o StreamOptions, out *StreamOutput) error {
	if o.JSON {
		if o.Redact == nil {
			return writeJSON(env.Stdout, out)
		}
		var b bytes.Buffer
		if err := writeJSON(&b, out); err != nil {
			return err
		}
		if _, err := env.Stdout.Write(o.Redact.JSON(b.Bytes())); err != nil {
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
	text = o.Redact.String(text)
	if text != "" {
		if _, err := io.WriteString(env.Stdout, text); err != nil {
			return Errorf(ExitUsage, "writing stdout: %v", err)
		}
		if !strings.HasSuffix(text, "\n") {
			io.WriteString(env.Stdout, "\n")
		}
	}
	shown := *out
	if fr := out.FinishReason; fr != nil && o.Redact != nil {
		v := o.Redact.String(*fr) // before summaryLine escapes it
		shown.FinishReason = &v
	}
	fmt.Fprintln(env.Stderr, o.Redact.String(summaryLine(&shown)))
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
func streamExit(o StreamOptions, out *StreamOutput, hookErr error) error {
	res := out.Send
	if out.Status >= 400 {
		msg := fmt.Sprintf("HTTP %d %s", out.Status, http.StatusText(out.Status))
		if body := strings.TrimSpace(o.Redact.String(string(res.Body))); body != "" {
			msg += ": " + oneLine(truncateUTF8(body, 200))
		}
		return Errorf(ExitUsage, "%s", msg)
	}
	if hookErr != nil {
		return Errorf(ExitFailed, "%v", hookErr)
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
	if e := final.Error; e != nil && o.Redact != nil {
		// masked before resultExit shortens the message
		final.Error = &merge.StreamError{Message: o.Redact.String(e.Message), Type: o.Redact.String(e.Type), Code: e.Code}
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
