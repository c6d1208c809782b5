package redact

import (
	"io"
	"sync"
)

// Stream masks text that arrives in pieces, a secret split between pieces
// included: it holds back the end of what it was given while that end
// could be the start of a secret (never more than Context bytes), and
// gives it out once the next piece shows it is not, or at Flush. What it
// gives out is final: a later piece never changes it.
type Stream struct {
	m    matcher
	base int64  // offset of pend[0] in the stream
	pend []byte // bytes given in and not out yet
}

// NewStream starts a Stream (one that passes everything through at once
// for a nil Redactor).
func (r *Redactor) NewStream() *Stream {
	s := &Stream{}
	if r != nil {
		s.m.a = r.a
	}
	return s
}

// Write appends to dst what p lets out, masked, and returns it.
func (s *Stream) Write(dst, p []byte) []byte { return streamWrite(s, dst, p) }

// WriteString is Write for a string.
func (s *Stream) WriteString(dst []byte, p string) []byte { return streamWrite(s, dst, p) }

// Held is the number of bytes held back.
func (s *Stream) Held() int { return len(s.pend) }

func streamWrite[T string | []byte](s *Stream, dst []byte, p T) []byte {
	if s.m.a == nil {
		return append(dst, p...)
	}
	s.pend = append(s.pend, p...)
	feed(&s.m, p)
	return s.release(dst, s.m.pos-int64(s.m.a.grow[s.m.st]))
}

// Flush appends everything held back, masked, and returns it; the stream
// goes on from there (a secret cannot span a Flush).
func (s *Stream) Flush(dst []byte) []byte {
	if s.m.a == nil {
		return dst
	}
	dst = s.release(dst, s.m.pos)
	s.m.st = 0
	return dst
}

// release gives out the bytes before upTo: no span can start before it
// any more (spans that started already are known).
func (s *Stream) release(dst []byte, upTo int64) []byte {
	m := &s.m
	for i := s.base; i < upTo; {
		switch {
		case i < m.skip:
			i = min(m.skip, upTo)
		case len(m.runs) > 0 && m.runs[0].start <= i:
			dst = append(dst, Mark...)
			m.skip = m.runs[0].end
			m.runs = m.runs[1:]
		default:
			next := upTo
			if len(m.runs) > 0 && m.runs[0].start < next {
				next = m.runs[0].start
			}
			dst = append(dst, s.pend[i-s.base:next-s.base]...)
			i = next
		}
	}
	n := copy(s.pend, s.pend[upTo-s.base:])
	s.pend = s.pend[:n]
	s.base = upTo
	return dst
}

// Writer is an io.Writer that masks secrets on their way to another
// writer, also across writes (a Stream). Call Flush at the end: until
// then it may hold back a few bytes. It is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	s   *Stream
	w   io.Writer
	buf []byte
}

// NewWriter returns a Writer to w (for a nil Redactor, one that passes
// writes through).
func (r *Redactor) NewWriter(w io.Writer) *Writer {
	return &Writer{s: r.NewStream(), w: w}
}

// Write masks p and writes what can be written of it; it reports len(p)
// written unless the writer below failed.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.s.m.a == nil {
		return w.w.Write(p)
	}
	w.buf = w.s.Write(w.buf[:0], p)
	if len(w.buf) > 0 {
		if _, err := w.w.Write(w.buf); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes what is held back.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = w.s.Flush(w.buf[:0])
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(w.buf)
	return err
}

// Chunks masks the pieces of a stream that must each be shown at once, as
// they come (the chunks of a live timeline): each piece is masked seeing
// the end of the pieces before it, so the rest of a secret split between
// two pieces is masked in the second; and the end of a piece that is the
// start of a secret (at least 4 bytes of it, fewer when the shortest form
// is 4 bytes or less) is masked at once, since the piece cannot wait for
// the next one. So at most the first 3 bytes of a secret split between
// two pieces show.
type Chunks struct {
	r   *Redactor
	ctx []byte
}

// NewChunks starts masking the pieces of one stream.
func (r *Redactor) NewChunks() *Chunks { return &Chunks{r: r} }

// Next returns piece p masked (p itself when nothing in it was).
func (c *Chunks) Next(p []byte) []byte {
	r := c.r
	if r == nil {
		return p
	}
	buf := make([]byte, 0, len(c.ctx)+len(p))
	buf = append(append(buf, c.ctx...), p...)
	m := matcher{a: r.a}
	feed(&m, buf)
	if d := int64(r.a.pat[m.st]); d >= int64(r.hold) {
		m.add(span{m.pos - d, m.pos})
	}
	from := len(c.ctx)
	keep := min(len(buf), r.Context())
	c.ctx = append(c.ctx[:0], buf[len(buf)-keep:]...)
	for _, s := range m.runs {
		if int(s.end) > from {
			return appendMasked(make([]byte, 0, len(p)), buf, from, len(buf), m.runs)
		}
	}
	return p
}
