package send

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
)

// wireReader counts the bytes as received and reports every read that
// brought data (the idle timer and burst detection hang on it).
type wireReader struct {
	r      io.Reader
	n      int64
	reads  int64
	onRead func()
}

func (w *wireReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.n += int64(n)
		w.reads++
		if w.onRead != nil {
			w.onRead()
		}
	}
	return n, err
}

// lazyDecoder builds its decompressor on the first Read, so that creating
// it never blocks waiting for a header that has not arrived yet.
type lazyDecoder struct {
	src  io.Reader
	make func(io.Reader) (io.Reader, error)
	name string
	dec  io.Reader
}

func (l *lazyDecoder) Read(p []byte) (int, error) {
	if l.dec == nil {
		d, err := l.make(l.src)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, l.wrap(err)
		}
		l.dec = d
	}
	n, err := l.dec.Read(p)
	if err != nil && err != io.EOF {
		err = l.wrap(err)
	}
	return n, err
}

// decodeError marks an error of the content decoder (as opposed to the
// connection), so the timeline can name it.
type decodeError struct {
	encoding string
	err      error
}

func (e *decodeError) Error() string {
	return fmt.Sprintf("decoding %s body: %v", e.encoding, e.err)
}
func (e *decodeError) Unwrap() error { return e.err }

func (l *lazyDecoder) wrap(err error) error {
	var de *decodeError
	if errors.As(err, &de) || isTransportErr(err) {
		return err
	}
	return &decodeError{encoding: l.name, err: err}
}

// isTransportErr reports errors that come from the connection beneath a
// decoder rather than from the compressed data.
func isTransportErr(err error) bool {
	var ce *causeError
	return errors.As(err, &ce)
}

// causeError wraps an error read from the connection so decoders pass it
// through unchanged.
type causeError struct{ err error }

func (c *causeError) Error() string { return c.err.Error() }
func (c *causeError) Unwrap() error { return c.err }

// markTransport wraps non-EOF errors of r as *causeError.
type markTransport struct{ r io.Reader }

func (m markTransport) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if err != nil && err != io.EOF {
		err = &causeError{err}
	}
	return n, err
}

// parseEncoding splits a Content-Encoding into its codings (identity
// dropped, lower case) and reports whether every one can be decoded.
func parseEncoding(contentEncoding string) ([]string, bool) {
	var names []string
	known := true
	for _, e := range strings.Split(contentEncoding, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		switch e {
		case "", "identity":
			continue
		case "gzip", "x-gzip", "br", "deflate":
		default:
			known = false
		}
		names = append(names, e)
	}
	return names, known
}

// decoder returns a reader decoding codings (as parseEncoding returned
// them, all known) from src; stacked codings are undone in reverse order.
func decoder(codings []string, src io.Reader) io.Reader {
	if len(codings) == 0 {
		return src
	}
	r := io.Reader(markTransport{src})
	for i := len(codings) - 1; i >= 0; i-- {
		var mk func(io.Reader) (io.Reader, error)
		switch codings[i] {
		case "gzip", "x-gzip":
			mk = func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }
		case "br":
			mk = func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }
		default: // deflate
			mk = newDeflate
		}
		r = &lazyDecoder{src: r, make: mk, name: codings[i]}
	}
	return r
}

// newDeflate reads HTTP "deflate", which is meant to be zlib-wrapped but is
// raw DEFLATE from some servers: the first two bytes tell which.
func newDeflate(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	hdr, err := br.Peek(2)
	if err != nil {
		return nil, err
	}
	if (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 && hdr[0]&0x0f == 8 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// burst tracks when events arrive, to spot a stream that was buffered
// whole (typically by compression) instead of streamed.
type burst struct {
	first, last time.Duration
	events      int
	firstRead   int64
	lastRead    int64
}

func (b *burst) add(at time.Duration, wireRead int64) {
	if b.events == 0 {
		b.first, b.firstRead = at, wireRead
	}
	b.last, b.lastRead = at, wireRead
	b.events++
}

// buffered reports whether at least 3 events all arrived within 10 ms or
// from one network read.
func (b *burst) buffered() bool {
	return b.events >= 3 && (b.last-b.first <= 10*time.Millisecond || b.firstRead == b.lastRead)
}
