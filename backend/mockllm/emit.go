package mockllm

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// frame is one event as written on the wire: its bytes, or a template
// rendered with the frame's values when it is written (see tmpl).
type frame struct {
	b      []byte
	t      *tmpl
	text   string // template values
	aux    string
	n      int32
	tokens int32 // generated tokens it carries: paced by the token rate
}

// plan is a complete streamed response, built before anything is written.
type plan struct {
	contentType string
	frames      []frame
	// cut is the number of frames sent before a drop or error fault
	// (just past the middle of the token-carrying frames).
	cut int
	// errFrames returns the provider-shaped error written at cut by the
	// error fault; the stream then ends without its end marker.
	errFrames func(cut int) []byte
	// heartbeat is what the heartbeat fault writes: an SSE comment; nil
	// for NDJSON, which has no comment syntax (a real Ollama or Cohere
	// sends nothing while the model is busy; a blank line would be an
	// empty event that clients such as ollama-js warn about).
	heartbeat []byte
	// stamp (X-Mock-Stamp, SSE only) puts an `id:` line with the Unix time
	// in microseconds at the head of every event when it is written.
	stamp bool
	// wrap, when set, frames each entry as it is written (Bedrock's binary
	// event-stream frames): it appends the wire bytes of b to dst.
	wrap func(dst, b []byte) []byte
}

// setCut places the fault point after half of the token frames (at least one).
func (p *plan) setCut() {
	total := 0
	for _, f := range p.frames {
		if f.tokens > 0 {
			total++
		}
	}
	want := max(1, total/2)
	seen := 0
	for i, f := range p.frames {
		if f.tokens > 0 {
			seen++
			if seen == want {
				p.cut = i + 1
				return
			}
		}
	}
	p.cut = len(p.frames) / 2
}

// pacing is the timing of one response.
type pacing struct {
	ttft     time.Duration // before the first token
	perToken time.Duration // between tokens
}

// sink writes the response body: directly with a flush after each write,
// through the split writer, or into a gzip buffer written in one burst.
type sink struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	split   bool
	rng     *rand.Rand
	pending []byte // split: bytes held back until the next write
	gz      *gzip.Writer
	gzBuf   bytes.Buffer
	err     error
}

func newSink(w http.ResponseWriter, f faults, seed uint64) *sink {
	s := &sink{w: w, rc: http.NewResponseController(w), split: f.split, rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	if f.gzip {
		s.gz = gzip.NewWriter(&s.gzBuf)
	}
	return s
}

// write sends b now (or, with gzip, compresses it for later).
func (s *sink) write(b []byte) {
	if s.err != nil {
		return
	}
	if s.gz != nil {
		_, s.err = s.gz.Write(b)
		return
	}
	s.out(b)
}

// out puts bytes on the wire; with the split fault it holds back a random
// tail (cut inside a multi-byte character when there is one) that goes out
// with the next write, after the next pause, in 1 to 3 flushed pieces.
func (s *sink) out(b []byte) {
	if !s.split {
		s.raw(b)
		return
	}
	data := append(s.pending, b...)
	s.pending = nil
	if len(data) < 2 {
		s.raw(data)
		return
	}
	cut := 1 + s.rng.IntN(len(data)-1)
	off := len(data) - len(b)
	if mb := firstMultiByte(b); mb >= 0 && s.rng.IntN(4) != 0 {
		cut = off + mb + 1 // inside the character's UTF-8 sequence
	}
	head := data[:cut]
	s.pending = append([]byte(nil), data[cut:]...)
	for len(head) > 0 && s.err == nil {
		n := len(head)
		if n > 2 && s.rng.IntN(2) == 0 {
			n = 1 + s.rng.IntN(n-1)
		}
		s.raw(head[:n])
		head = head[n:]
	}
}

func firstMultiByte(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if n > 1 && r != utf8.RuneError {
			return i
		}
		i += n
	}
	return -1
}

func (s *sink) raw(b []byte) {
	if s.err != nil || len(b) == 0 {
		return
	}
	if _, s.err = s.w.Write(b); s.err == nil {
		s.err = s.rc.Flush()
	}
}

// finish writes what is held back: the split tail, or the whole gzip body.
// With cut set (drop fault) the gzip stream is flushed but not closed, so the
// client sees a truncated compressed body.
func (s *sink) finish(cut bool) {
	if s.gz != nil {
		if cut {
			s.gz.Flush()
		} else {
			s.gz.Close()
		}
		s.gz = nil
		body := s.gzBuf.Bytes()
		if cut {
			body = body[:len(body)/2+1]
		}
		s.out(body)
	}
	if s.split && len(s.pending) > 0 {
		p := s.pending
		s.pending = nil
		s.raw(p)
	}
}

// wait sleeps d, sending heartbeats every heartbeatEvery when hb is set.
// It reports false when the request is gone.
func wait(ctx context.Context, d time.Duration, hb func()) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	deadline := time.Now().Add(d)
	for {
		step := time.Until(deadline)
		if step <= 0 {
			return true
		}
		if hb != nil && step > heartbeatEvery {
			step = heartbeatEvery
		}
		t := time.NewTimer(step)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		if hb != nil && time.Until(deadline) > 0 {
			hb()
		}
	}
}

// heartbeatEvery is how often the heartbeat fault sends a comment during a
// long pause (e.g. slow-first).
const heartbeatEvery = 250 * time.Millisecond

// stream writes a planned response with the request's faults.
func stream(w http.ResponseWriter, r *http.Request, p *plan, f faults, pace pacing, seed uint64) {
	h := w.Header()
	h.Set("Content-Type", p.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	if f.gzip {
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
	}
	w.WriteHeader(http.StatusOK)
	s := newSink(w, f, seed)
	_ = s.rc.Flush()

	var hb func()
	if f.heartbeat && len(p.heartbeat) > 0 {
		hb = func() { s.write(p.heartbeat) }
		hb()
	}
	frames := p.frames
	if f.drop || f.err {
		frames = frames[:p.cut]
	}
	ttft := pace.ttft
	if f.slowFirst {
		ttft = slowFirstDelay
	}
	// Deadline-based pacing: the first token frame is due ttft after the
	// start, every later one when its own tokens have been generated, i.e.
	// at start + ttft + perToken * (tokens of the token frames after the
	// first, up to and including it). A frame due more than slack ahead is
	// waited for; an earlier or overdue one goes out at once, so timer
	// granularity and write costs are caught up instead of adding up.
	start := time.Now()
	slack := min(maxSlack, pace.perToken/2)
	var generated time.Duration // perToken * tokens after the first token frame
	first := true
	var scratch, stamped, wrapped []byte // a templated frame's bytes; with stamps; framed
	for i, fr := range frames {
		if fr.tokens > 0 {
			if first {
				first = false
			} else {
				generated += pace.perToken * time.Duration(fr.tokens)
			}
			d := time.Until(start.Add(ttft + generated))
			if d <= slack {
				d = 0
			}
			if !wait(r.Context(), d, hb) {
				return
			}
		}
		if hb != nil && i > 0 {
			hb()
		}
		b := p.frameAt(scratch, i)
		if fr.t != nil {
			scratch = b
		}
		if p.stamp {
			stamped = stampEvents(stamped[:0], b, stampNow(start))
			b = stamped
		}
		if p.wrap != nil {
			wrapped = p.wrap(wrapped[:0], b)
			b = wrapped
		}
		s.write(b)
		if s.err != nil {
			return
		}
	}
	if f.err {
		b := p.errFrames(p.cut)
		if p.stamp {
			b = stampEvents(nil, b, stampNow(start))
		}
		s.write(b)
	}
	s.finish(f.drop)
	if f.drop {
		// Close the connection without the terminating chunk: the client
		// sees the body end abruptly (unexpected EOF), like a network drop.
		panic(http.ErrAbortHandler)
	}
}

// stampNow is the Unix time in microseconds: the wall clock at start plus
// the monotonic time since, so stamps never decrease within a stream.
func stampNow(start time.Time) int64 {
	return start.UnixMicro() + time.Since(start).Microseconds()
}

// stampEvents appends the SSE events of b to dst, each with an `id: us`
// line first. Events end with a blank line; the id line ends like the
// event's first line (LF, or CRLF for Gemini).
func stampEvents(dst, b []byte, us int64) []byte {
	for len(b) > 0 {
		eol := "\n"
		if i := bytes.IndexByte(b, '\n'); i > 0 && b[i-1] == '\r' {
			eol = "\r\n"
		}
		end := len(b)
		if i := bytes.Index(b, []byte(eol+eol)); i >= 0 {
			end = i + 2*len(eol)
		}
		dst = append(dst, "id: "...)
		dst = strconv.AppendInt(dst, us, 10)
		dst = append(dst, eol...)
		dst = append(dst, b[:end]...)
		b = b[end:]
	}
	return dst
}

// maxSlack is how far ahead of its due time a token frame may be written
// instead of being waited for (at most half a token interval): waits shorter
// than the timer granularity would only make the stream fall behind.
const maxSlack = time.Millisecond

// slowFirstDelay is the time to first token under the slow-first fault.
const slowFirstDelay = 2 * time.Second

// respondJSON writes a non-streaming response after the time the model would
// take to generate it, honouring the faults that apply to a plain body.
func respondJSON(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte, f faults, pace pacing, tokens int, seed uint64) {
	d := pace.ttft + time.Duration(tokens)*pace.perToken
	if f.slowFirst {
		d = slowFirstDelay + time.Duration(tokens)*pace.perToken
	}
	if !wait(r.Context(), d, nil) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	if f.gzip {
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
	}
	w.WriteHeader(status)
	s := newSink(w, f, seed)
	if f.drop {
		// Half of the body, then an abrupt close.
		if f.gzip {
			s.write(body)
		} else {
			s.write(body[:len(body)/2])
		}
		s.finish(true)
		panic(http.ErrAbortHandler)
	}
	s.write(body)
	s.finish(false)
}

// writeBody writes a small complete body with its status (errors, 429).
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.Copy(w, bytes.NewReader(body))
}
