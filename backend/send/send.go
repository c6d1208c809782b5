package send

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/sse"
)

// Sink receives the timeline records in order, on the sender's goroutine.
// It must return quickly (hand records to a Batcher, a buffered writer, ...):
// while it runs, the stream is not read.
type Sink func(Record)

// Result is what a request left behind once it ended.
type Result struct {
	// Status, StatusText, Proto and Header are those of the last response
	// (Status 0 when no response came).
	Status     int
	StatusText string
	Proto      string
	Header     http.Header
	// Kind is how the body was read.
	Kind StreamKind
	// Body is the decoded body of every attempt that was read (and that
	// Request.KeepBody accepted), up to Request.MaxBody bytes;
	// BodyTruncated says the cap was hit.
	Body          []byte
	BodyTruncated bool
	// Events counts the dispatched events.
	Events int
	// Lost says what data of the stream was dropped on the way (events
	// over MaxEventSize), one sentence each; FinalResult makes the merge
	// result incomplete for it.
	Lost []string
	// LastEventID and RetryMS are the stream's last event ID and last
	// valid `retry:` value (RetryMS -1 when none came).
	LastEventID string
	RetryMS     int
	// Reason, Code and Message say how the request ended (as the end record).
	Reason  EndReason
	Code    string
	Message string
	// Err is the underlying error for error, timeout and cancelled ends.
	Err      error
	Attempts int
	Timing   Timing
	// Bytes and WireBytes count the decoded and received body bytes.
	Bytes     int64
	WireBytes int64
}

// TimeoutError is the cause of a response-header or idle timeout.
type TimeoutError struct {
	// Phase is "headers" or "idle".
	Phase string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	if e.Phase == "headers" {
		return fmt.Sprintf("no response headers after %s", e.After)
	}
	return fmt.Sprintf("no data for %s", e.After)
}

// Sender sends requests with one http.Client. The zero value uses a shared
// client that never times out on its own and leaves compression to the
// sender; a custom Client must not set Timeout (it would cut long streams).
type Sender struct {
	Client *http.Client
}

var defaultClient = &http.Client{Transport: newTransport()}

// readBuffer is the transport's read buffer: a fast stream arriving as one
// small HTTP chunk per event is then read in up to 64 KiB per system call
// (net/http's default is 4 KiB); a slow stream's reads are as small as ever.
const readBuffer = 64 << 10

func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	t.ReadBufferSize = readBuffer
	return t
}

// Do sends r with the default client (see Sender.Do).
func Do(ctx context.Context, r *Request, sink Sink) *Result {
	return (&Sender{}).Do(ctx, r, sink)
}

// Do sends r, delivers the timeline to sink (nil: records are dropped) and
// returns when the request ended: body complete, cancelled through ctx,
// timed out or failed. It never panics on bad input; every failure ends
// in an end record with its reason and message.
func (s *Sender) Do(ctx context.Context, r *Request, sink Sink) *Result {
	c := s.Client
	if c == nil {
		c = defaultClient
	}
	if sink == nil {
		sink = func(Record) {}
	}
	run := &run{
		r:      r,
		client: c,
		sink:   sink,
		start:  time.Now(),
		res:    &Result{RetryMS: -1},
	}
	run.loop(ctx)
	return run.res
}

type run struct {
	r      *Request
	client *http.Client
	sink   Sink
	start  time.Time
	seq    int64
	res    *Result

	attempt    int
	parser     *sse.Parser
	parserKind StreamKind
	frames     *eventstream.Decoder
	events     int
	capWarned  bool
	firstEvent time.Duration

	mu     sync.Mutex // guards timing, written by httptrace callbacks
	timing Timing
}

func (x *run) since() time.Duration { return time.Since(x.start) }

func (x *run) emit(rec Record) { x.emitAt(rec, x.since()) }

// emitAt emits rec with the time offset at, taken just before (one clock
// read per record on the hot path).
func (x *run) emitAt(rec Record, at time.Duration) {
	x.seq++
	rec.Seq = x.seq
	rec.At = at
	rec.TimeMS = ms(rec.At)
	rec.Attempt = x.attempt
	x.sink(rec)
}

// outcome is how one attempt ended.
type outcome struct {
	reason EndReason
	code   string
	msg    string
	err    error
	// next is how to continue: "" stop, "retry" after a 429/503,
	// "reconnect" after a broken stream.
	next string
	wait time.Duration
	why  string
}

func (x *run) loop(ctx context.Context) {
	retries, reconnects := 0, 0
	var o outcome
	for {
		x.attempt++
		o = x.once(ctx, x.r.Retry.Enabled && retries < x.r.Retry.maxAttempts())
		switch o.next {
		case "retry":
			retries++
		case "reconnect":
			max := x.r.Reconnect.MaxAttempts
			if max <= 0 {
				max = defaultReconnectMaxTry
			}
			if !x.r.Reconnect.Enabled || reconnects >= max {
				o.next = ""
				break
			}
			reconnects++
			o.wait = x.reconnectDelay()
		}
		if o.next == "" {
			break
		}
		kind := KindRetry
		if o.next == "reconnect" {
			kind = KindReconnect
		}
		x.emit(Record{Kind: kind, Retry: &RetryInfo{
			Reason: o.why, WaitMS: ms(o.wait), NextAttempt: x.attempt + 1, LastEventID: x.res.LastEventID,
		}})
		t := time.NewTimer(o.wait)
		select {
		case <-ctx.Done():
			t.Stop()
			o = x.ctxOutcome(ctx, ctx.Err())
		case <-t.C:
			continue
		}
		break
	}
	x.finish(o)
}

// reconnectDelay is the wait before reopening the stream: the stream's
// last `retry:` value, else Reconnect.Delay, else DefaultReconnectDelay, and
// never over MaxReconnectDelay (a warning record says when it was capped).
func (x *run) reconnectDelay() time.Duration {
	var asked string
	switch ms, d := x.res.RetryMS, x.r.Reconnect.Delay; {
	case ms > int(MaxReconnectDelay/time.Millisecond):
		asked = fmt.Sprintf("the stream's retry: field asks for %d ms", ms)
	case ms >= 0:
		return time.Duration(ms) * time.Millisecond
	case d > MaxReconnectDelay:
		asked = fmt.Sprintf("the reconnect delay is %s", d)
	case d > 0:
		return d
	default:
		return DefaultReconnectDelay
	}
	x.emit(Record{Kind: KindWarning, Warning: &Notice{Code: CodeReconnectCapped, Message: fmt.Sprintf(
		"%s: the wait before reconnecting is capped at %s", asked, MaxReconnectDelay)}})
	return MaxReconnectDelay
}

func (x *run) finish(o outcome) {
	res := x.res
	res.Reason, res.Code, res.Message, res.Err = o.reason, o.code, o.msg, o.err
	res.Attempts = x.attempt
	res.Events = x.events
	x.mu.Lock()
	res.Timing = x.timing
	x.mu.Unlock()
	res.Timing.DurationMS = ms(x.since())
	if x.events > 0 {
		res.Timing.FirstEventMS = ms(x.firstEvent)
	}
	x.emit(Record{Kind: KindEnd, End: &EndInfo{
		Reason: o.reason, Code: o.code, Message: o.msg, Events: x.events,
		Bytes: res.Bytes, WireBytes: res.WireBytes, Attempts: x.attempt, Timing: res.Timing,
	}})
}

// ctxOutcome names why ctx (or the attempt's derived context) ended.
func (x *run) ctxOutcome(ctx context.Context, err error) outcome {
	cause := context.Cause(ctx)
	var te *TimeoutError
	switch {
	case errors.As(cause, &te):
		code := CodeIdleTimeout
		if te.Phase == "headers" {
			code = CodeHeaderTimeout
		}
		return outcome{reason: EndTimeout, code: code, msg: te.Error(), err: te}
	case errors.Is(cause, context.DeadlineExceeded):
		return outcome{reason: EndTimeout, code: CodeDeadline, msg: fmt.Sprintf("deadline exceeded after %s", x.since().Round(time.Millisecond)), err: cause}
	default:
		if cause == nil {
			cause = err
		}
		return outcome{reason: EndCancelled, code: CodeCancelled, msg: "cancelled", err: cause}
	}
}

func (x *run) trace() *httptrace.ClientTrace {
	var dnsStart, connStart, tlsStart time.Time
	set := func(f func(t *Timing)) {
		x.mu.Lock()
		f(&x.timing)
		x.mu.Unlock()
	}
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { dnsStart = time.Now() },
		DNSDone: func(httptrace.DNSDoneInfo) {
			d := time.Since(dnsStart)
			set(func(t *Timing) { t.DNSMS = ms(d) })
		},
		ConnectStart: func(string, string) { connStart = time.Now() },
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				d := time.Since(connStart)
				set(func(t *Timing) { t.ConnectMS = ms(d) })
			}
		},
		TLSHandshakeStart: func() { tlsStart = time.Now() },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err == nil {
				d := time.Since(tlsStart)
				set(func(t *Timing) { t.TLSMS = ms(d) })
			}
		},
		GotConn: func(info httptrace.GotConnInfo) {
			set(func(t *Timing) { t.Reused = info.Reused })
		},
		GotFirstResponseByte: func() {
			at := x.since()
			set(func(t *Timing) { t.TTFBMS = ms(at) })
		},
	}
}

// once runs one attempt; mayRetry allows answering a 429/503 with a retry.
func (x *run) once(parent context.Context, mayRetry bool) outcome {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	x.mu.Lock()
	x.timing = Timing{}
	x.mu.Unlock()
	// The result describes the last response: none yet for this attempt.
	x.res.Status, x.res.StatusText, x.res.Proto, x.res.Header = 0, "", "", nil

	req, err := x.r.build(httptrace.WithClientTrace(ctx, x.trace()), x.res.LastEventID)
	if err != nil {
		return outcome{reason: EndError, code: CodeTransport, msg: err.Error(), err: err}
	}
	x.emit(Record{Kind: KindRequestSent, Request: &RequestInfo{
		Method: req.Method, URL: RedactURL(req.URL), Header: RedactHeader(req.Header), BodySize: len(x.r.Body),
	}})

	var headerTimer *time.Timer
	if ht := orDefault(x.r.HeaderTimeout, DefaultHeaderTimeout); ht > 0 {
		headerTimer = time.AfterFunc(ht, func() { cancel(&TimeoutError{Phase: "headers", After: ht}) })
	}
	client := *x.client
	client.CheckRedirect = x.checkRedirect(x.client.CheckRedirect)
	resp, err := client.Do(req)
	if headerTimer != nil {
		headerTimer.Stop()
	}
	if err != nil {
		if ctx.Err() != nil {
			return x.ctxOutcome(ctx, err)
		}
		msg := transportMessage(err, req.URL.Host)
		return outcome{reason: EndError, code: CodeTransport, msg: msg, err: err, next: "reconnect", why: msg}
	}
	defer resp.Body.Close()

	kind := x.r.StreamMode
	detected := DetectKind(resp.Header.Get("Content-Type"))
	if kind == "" || kind == StreamAuto {
		kind = detected
	}
	x.res.Status, x.res.StatusText, x.res.Proto = resp.StatusCode, http.StatusText(resp.StatusCode), resp.Proto
	x.res.Header = resp.Header.Clone()
	x.res.Kind = kind
	x.mu.Lock()
	timing := x.timing
	x.mu.Unlock()
	enc := resp.Header.Get("Content-Encoding")
	codings, known := parseEncoding(enc)
	encName := strings.Join(codings, ", ")
	x.emit(Record{Kind: KindResponseHeaders, Response: &ResponseInfo{
		Status: resp.StatusCode, StatusText: http.StatusText(resp.StatusCode), Proto: resp.Proto,
		Header: resp.Header.Clone(), StreamKind: kind, Encoding: encName, Timing: timing,
	}})
	if kind != detected {
		x.emit(Record{Kind: KindWarning, Warning: &Notice{Code: CodeKindOverride, Message: fmt.Sprintf(
			"stream read as %s although the Content-Type %q says %s", kind, resp.Header.Get("Content-Type"), detected)}})
	}

	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if mayRetry {
			return outcome{reason: EndComplete, next: "retry", why: fmt.Sprintf("HTTP %d", resp.StatusCode),
				wait: x.r.Retry.wait(resp.Header.Get("Retry-After"), time.Now())}
		}
	}

	// The idle timer restarts on every read from the connection.
	var idle *time.Timer
	idleFor := orDefault(x.r.IdleTimeout, DefaultIdleTimeout)
	if idleFor > 0 {
		idle = time.AfterFunc(idleFor, func() { cancel(&TimeoutError{Phase: "idle", After: idleFor}) })
		defer idle.Stop()
	}
	wire := &wireReader{r: resp.Body}
	if idle != nil {
		wire.onRead = func() { idle.Reset(idleFor) }
	}
	var src io.Reader = wire
	if known {
		src = decoder(codings, wire)
	} else {
		x.emit(Record{Kind: KindWarning, Warning: &Notice{Code: CodeUnknownEncoding, Message: fmt.Sprintf(
			"Content-Encoding %q is not supported; the body is shown as received", enc)}})
		encName = ""
	}
	keep := x.r.KeepBody == nil || x.r.KeepBody(resp.StatusCode, kind)
	o := x.read(ctx, src, wire, kind, encName, keep)
	x.res.WireBytes += wire.n
	if o.next == "reconnect" && (kind != StreamSSE || resp.StatusCode != http.StatusOK) {
		o.next = "" // only a 200 event stream is reopened, as EventSource does
	}
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// transportMessage turns a client error into one clear sentence.
func transportMessage(err error, host string) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		var dns *net.DNSError
		if errors.As(op.Err, &dns) {
			return fmt.Sprintf("cannot resolve %s: %v", host, dns)
		}
		addr := host
		if op.Addr != nil {
			addr = op.Addr.String()
		}
		return fmt.Sprintf("cannot connect to %s: %v", addr, op.Err)
	}
	return err.Error()
}

// parserFor returns the run's parser for kind, reset for a new connection.
func (x *run) parserFor(kind StreamKind) *sse.Parser {
	if x.parser != nil && x.parserKind == kind {
		x.parser.Reset()
		return x.parser
	}
	x.parserKind = kind
	x.parser = sse.NewParser(sse.Options{
		NDJSON:       kind == StreamNDJSON,
		MaxEventSize: x.r.MaxEventSize,
		OnComment: func(text string) {
			x.emit(Record{Kind: KindComment, Text: text})
		},
		OnRetry: func(v int) { x.res.RetryMS = v },
	})
	return x.parser
}

// read streams the body of one attempt into the timeline.
// keep says whether the body goes into Result.Body.
func (x *run) read(ctx context.Context, src io.Reader, wire *wireReader, kind StreamKind, encoding string, keep bool) outcome {
	var p *sse.Parser
	if kind == StreamSSE || kind == StreamNDJSON {
		p = x.parserFor(kind)
	}
	var fr *frameReader // an AWS event stream's frames (eventstream.go)
	maxBody := x.r.MaxBody
	if maxBody == 0 {
		maxBody = DefaultMaxBody
	}
	if !keep {
		maxBody = -1
	}
	var (
		check  utf8Check
		bursts burst
		buf    = make([]byte, readBuffer)
		// base is where this attempt's body starts in the request's: the
		// parser counts its spans from the attempt's first byte.
		base = x.res.Bytes
	)
	if kind == StreamEventStream {
		fr = &frameReader{x: x, dec: x.frameDecoder(), base: base, b: &bursts, wire: wire}
	}
	onEvent := func(ev sse.Event) {
		x.events++
		at := x.since()
		if x.events == 1 {
			x.firstEvent = at
		}
		bursts.add(at, wire.reads)
		start, end := p.Span()
		x.emitAt(Record{Kind: KindEvent, Event: &EventInfo{Index: x.events, Event: ev, RawOffset: base + start, RawSize: int(end - start)}}, at)
	}
	var readErr error
	dropped := 0
	if p != nil {
		dropped = p.Dropped()
	}
	for {
		n, err := src.Read(buf)
		if n > 0 {
			data := make([]byte, n)
			copy(data, buf[:n])
			off := x.res.Bytes
			x.res.Bytes += int64(n)
			x.emit(Record{Kind: KindChunk, Chunk: &ChunkInfo{Offset: off, Size: n, Data: data}})
			x.capture(data, maxBody)
			if p != nil {
				if at, bad := check.feed(data); bad {
					x.emit(Record{Kind: KindWarning, Warning: &Notice{Code: CodeInvalidUTF8, Message: fmt.Sprintf(
						"invalid UTF-8 at body byte %d; it is read as U+FFFD", at)}})
				}
				if ferr := p.Feed(data, onEvent); ferr != nil {
					x.emit(Record{Kind: KindError, Error: &Notice{Code: CodeEventTooLarge, Message: ferr.Error()}})
				}
				x.res.LastEventID = p.LastEventID()
			}
			if fr != nil {
				fr.feed(data)
			}
		}
		if fr != nil && fr.fatal != nil {
			break // the framing is lost: nothing more can be decoded
		}
		if err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
	}
	if p != nil {
		discarded := p.End(onEvent)
		x.res.LastEventID = p.LastEventID()
		if n := p.Dropped() - dropped; n > 0 {
			x.res.Lost = append(x.res.Lost, sse.DroppedText(n, p.MaxEventSize()))
		}
		if encoding != "" && bursts.buffered() {
			x.emit(Record{Kind: KindWarning, Warning: &Notice{Code: CodeCompressedBuffered, Message: fmt.Sprintf(
				"%s-compressed stream was buffered: %d events arrived in one burst after %s", encoding, bursts.events,
				bursts.first.Round(time.Millisecond))}})
		}
		if readErr != nil && x.endedBeforeFault(ctx, readErr, discarded) {
			readErr, discarded = nil, false
		}
		if readErr == nil && discarded {
			return outcome{reason: EndTruncated, code: CodeTruncated, next: "reconnect",
				msg: "connection closed mid-event: the unterminated last event was discarded", why: "closed mid-event"}
		}
	}
	if fr != nil {
		discarded, msg := fr.end()
		if w := burstWarning(&bursts, encoding); w != "" {
			x.emit(Record{Kind: KindWarning, Warning: &Notice{Code: CodeCompressedBuffered, Message: w}})
		}
		if fr.fatal != nil {
			return outcome{reason: EndError, code: CodeFrame, msg: fr.message(fr.fatal)}
		}
		if readErr != nil && x.endedBeforeFault(ctx, readErr, discarded) {
			readErr, discarded = nil, false
		}
		if readErr == nil && discarded {
			// The incomplete frame is an error record, as a bad one is.
			x.emit(Record{Kind: KindError, Error: &Notice{Code: CodeFrame, Message: msg}})
			return outcome{reason: EndTruncated, code: CodeTruncated, msg: msg}
		}
	}
	if readErr != nil {
		if ctx.Err() != nil {
			return x.ctxOutcome(ctx, readErr)
		}
		var de *decodeError
		if errors.As(readErr, &de) {
			return outcome{reason: EndError, code: CodeDecode, msg: de.Error(), err: readErr}
		}
		if errors.Is(readErr, io.ErrUnexpectedEOF) {
			msg := fmt.Sprintf("connection closed before the end of the body (after %d bytes)", x.res.Bytes)
			return outcome{reason: EndTruncated, code: CodeTruncated, msg: msg, err: readErr, next: "reconnect", why: msg}
		}
		msg := fmt.Sprintf("reading body: %v", readErr)
		return outcome{reason: EndError, code: CodeTransport, msg: msg, err: readErr, next: "reconnect", why: msg}
	}
	if (p != nil || fr != nil) && x.r.Finish != nil {
		if reason, msg := x.r.Finish(); reason != "" && reason != EndComplete {
			code := CodeStream
			if reason == EndTruncated {
				code = CodeTruncated
			}
			return outcome{reason: reason, code: code, msg: msg, next: "reconnect", why: msg}
		}
	}
	return outcome{reason: EndComplete}
}

// endedBeforeFault reports whether the stream's end marker had arrived
// when its body broke with err (not a cancel or deadline of the caller):
// then the stream is complete and the fault is reported as a warning.
func (x *run) endedBeforeFault(ctx context.Context, err error, discarded bool) bool {
	if x.r.EndMarker == nil {
		return false
	}
	var fault Notice
	var te *TimeoutError
	var de *decodeError
	switch cause := context.Cause(ctx); {
	case ctx.Err() != nil && errors.As(cause, &te) && te.Phase == "idle":
		fault = Notice{Code: CodeIdleTimeout, Message: te.Error()}
	case ctx.Err() != nil:
		return false
	case errors.As(err, &de):
		fault = Notice{Code: CodeDecode, Message: de.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF):
		fault = Notice{Code: CodeTruncated, Message: fmt.Sprintf("connection closed before the end of the body (after %d bytes)", x.res.Bytes)}
	default:
		fault = Notice{Code: CodeTransport, Message: fmt.Sprintf("reading body: %v", err)}
	}
	if !x.r.EndMarker() {
		return false
	}
	fault.Message = "after the stream's end marker: " + fault.Message + "; the stream is complete"
	if discarded {
		fault.Message += " (an unterminated event after the marker was discarded)"
	}
	x.emit(Record{Kind: KindWarning, Warning: &fault})
	return true
}

// capture appends data to the kept body up to max bytes.
func (x *run) capture(data []byte, max int) {
	if max < 0 {
		return
	}
	room := max - len(x.res.Body)
	if room >= len(data) {
		x.res.Body = append(x.res.Body, data...)
		return
	}
	if room > 0 {
		x.res.Body = append(x.res.Body, data[:room]...)
	}
	x.res.BodyTruncated = true
	if !x.capWarned {
		x.capWarned = true
		x.emit(Record{Kind: KindWarning, Warning: &Notice{Code: CodeBodyCapture, Message: fmt.Sprintf(
			"body larger than %d bytes: only the first %d are kept (reading goes on)", max, max)}})
	}
}
