package eventstream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	awses "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// ContentType is the media type of an AWS event stream.
const ContentType = "application/vnd.amazon.eventstream"

// Sizes of the wire format and the decoder's limits.
const (
	// PreludeSize is the length of a frame's prelude: total length,
	// headers length and the prelude's CRC32, 4 bytes each.
	PreludeSize = 12
	// minFrame is a frame with no headers and no payload: prelude and
	// message CRC.
	minFrame = PreludeSize + 4
	// DefaultMaxPayload is the payload limit when Options.MaxPayload is 0:
	// AWS's own maximum for one message.
	DefaultMaxPayload = 16 << 20
	// MaxHeaders is AWS's maximum for the headers of one message.
	MaxHeaders = 128 << 10
)

// Error codes (Error.Code).
const (
	CodePrelude    = "prelude"     // bad prelude CRC or lengths: the framing is lost (fatal)
	CodeTooLarge   = "too_large"   // a frame over the limits, skipped
	CodeMessageCRC = "message_crc" // a frame whose message CRC does not match, dropped
	CodeHeaders    = "headers"     // a frame whose headers do not decode, dropped
	CodeTruncated  = "truncated"   // the input ended inside a frame
)

// Error is a frame the decoder could not deliver.
type Error struct {
	// Offset is where the frame starts in the input since the last Reset;
	// Size its declared total length (0 when its prelude never came whole).
	Offset int64
	Size   int64
	Code   string
	// Fatal says the framing is lost: nothing after the frame is decoded.
	Fatal  bool
	Detail string
}

func (e *Error) Error() string {
	return fmt.Sprintf("event-stream frame at byte %d: %s", e.Offset, e.Detail)
}

// Options configures a Decoder. The zero value uses AWS's limits.
type Options struct {
	// MaxPayload caps one frame's payload in bytes (0: DefaultMaxPayload);
	// a bigger frame is skipped, never held.
	MaxPayload int
}

// Decoder decodes an event stream fed in pieces of any size. It is not safe
// for concurrent use.
type Decoder struct {
	max int
	lib *awses.Decoder
	rd  bytes.Reader

	pos   int64  // input offset of the next byte fed
	start int64  // offset of the frame being gathered
	buf   []byte // the frame being gathered (prelude first)
	want  int    // its total length once the prelude checked out, else 0
	// skip counts the bytes still to pass over of an oversized frame that
	// started at skipAt and declared skipSize bytes.
	skip, skipAt, skipSize int64
	failed                 bool

	frames, dropped int
	payload         []byte // the library's payload buffer, reused
	frame           Frame
}

// NewDecoder returns a decoder with the options o.
func NewDecoder(o Options) *Decoder {
	max := o.MaxPayload
	if max <= 0 {
		max = DefaultMaxPayload
	}
	return &Decoder{max: max, lib: awses.NewDecoder()}
}

// MaxPayload is the payload limit in effect.
func (d *Decoder) MaxPayload() int { return d.max }

// Frames counts the frames delivered since the decoder was made.
func (d *Decoder) Frames() int { return d.frames }

// Dropped counts the frames skipped or dropped (too large, bad message
// CRC, bad headers) since the decoder was made.
func (d *Decoder) Dropped() int { return d.dropped }

// Failed reports whether a fatal error lost the framing since the last
// Reset: the rest of the input is not decoded.
func (d *Decoder) Failed() bool { return d.failed }

// Reset prepares the decoder for a new input (a new connection); offsets
// count from 0 again. The counters go on.
func (d *Decoder) Reset() {
	d.pos, d.start, d.want = 0, 0, 0
	d.buf = d.buf[:0]
	d.skip, d.skipAt, d.skipSize = 0, 0, 0
	d.failed = false
}

// Feed decodes the next piece b of the input: emit gets every frame that
// became whole (the Frame and its Payload are valid until emit returns),
// fail every frame that could not be delivered. After a fatal error the
// rest of the input is counted, not decoded.
func (d *Decoder) Feed(b []byte, emit func(*Frame), fail func(*Error)) {
	for len(b) > 0 {
		switch {
		case d.failed:
			d.pos += int64(len(b))
			return
		case d.skip > 0:
			n := min(d.skip, int64(len(b)))
			d.skip -= n
			d.pos += n
			b = b[n:]
			continue
		}
		if d.want == 0 {
			if len(d.buf) == 0 {
				d.start = d.pos
				if len(b) >= PreludeSize {
					// The prelude lies in b: no copy unless the frame is cut.
					ok := d.prelude(b[:PreludeSize], fail)
					if !ok {
						d.pos += PreludeSize
						b = b[PreludeSize:]
						continue
					}
					if len(b) >= d.want {
						n := d.want
						d.decode(b[:n], emit, fail)
						d.want = 0
						d.pos += int64(n)
						b = b[n:]
						continue
					}
				}
			}
			if d.want == 0 {
				n := min(PreludeSize-len(d.buf), len(b))
				d.buf = append(d.buf, b[:n]...)
				d.pos += int64(n)
				b = b[n:]
				if len(d.buf) < PreludeSize {
					return
				}
				if !d.prelude(d.buf, fail) {
					d.buf = d.buf[:0]
					continue
				}
			}
		}
		n := min(d.want-len(d.buf), len(b))
		d.buf = append(d.buf, b[:n]...)
		d.pos += int64(n)
		b = b[n:]
		if len(d.buf) == d.want {
			d.decode(d.buf, emit, fail)
			d.want = 0
			if cap(d.buf) > 1<<20 {
				d.buf = nil // do not hold a big frame's memory
			} else {
				d.buf = d.buf[:0]
			}
		}
	}
}

// prelude checks the 12 bytes p of a frame's prelude. It returns true when
// the frame is to be gathered (d.want set); otherwise the framing is lost
// (d.failed) or the frame is skipped (d.skip), and fail was told.
func (d *Decoder) prelude(p []byte, fail func(*Error)) bool {
	total := binary.BigEndian.Uint32(p[0:4])
	hlen := binary.BigEndian.Uint32(p[4:8])
	sent := binary.BigEndian.Uint32(p[8:12])
	if sum := crc32.ChecksumIEEE(p[:8]); sum != sent {
		d.failed = true
		fail(&Error{Offset: d.start, Code: CodePrelude, Fatal: true, Detail: fmt.Sprintf(
			"prelude CRC mismatch (computed %08x, the frame says %08x): the framing is lost, the rest of the input is not decoded", sum, sent)})
		return false
	}
	if total < minFrame || hlen > total-minFrame {
		d.failed = true
		fail(&Error{Offset: d.start, Size: int64(total), Code: CodePrelude, Fatal: true, Detail: fmt.Sprintf(
			"impossible lengths (total %d, headers %d): the framing is lost, the rest of the input is not decoded", total, hlen)})
		return false
	}
	payload := int64(total) - int64(hlen) - minFrame
	if hlen > MaxHeaders || payload > int64(d.max) {
		d.dropped++
		d.skip, d.skipAt, d.skipSize = int64(total)-PreludeSize, d.start, int64(total)
		fail(&Error{Offset: d.start, Size: int64(total), Code: CodeTooLarge, Detail: fmt.Sprintf(
			"declares %d bytes of headers and %d of payload, over the limits (%d and %d): frame skipped", hlen, payload, MaxHeaders, d.max)})
		return false
	}
	d.want = int(total)
	return true
}

// decode hands the whole frame f to the library and delivers it.
func (d *Decoder) decode(f []byte, emit func(*Frame), fail func(*Error)) {
	d.rd.Reset(f)
	msg, err := d.lib.Decode(&d.rd, d.payload[:0])
	if err != nil {
		d.dropped++
		n := len(f)
		sum, sent := crc32.ChecksumIEEE(f[:n-4]), binary.BigEndian.Uint32(f[n-4:])
		var ce awses.ChecksumError
		if errors.As(err, &ce) || sum != sent {
			fail(&Error{Offset: d.start, Size: int64(n), Code: CodeMessageCRC, Detail: fmt.Sprintf(
				"message CRC mismatch (computed %08x, the frame says %08x): frame of %d bytes dropped", sum, sent, n)})
			return
		}
		fail(&Error{Offset: d.start, Size: int64(n), Code: CodeHeaders, Detail: fmt.Sprintf(
			"headers do not decode (%v): frame of %d bytes dropped", err, n)})
		return
	}
	if cap(msg.Payload) <= 1<<20 {
		d.payload = msg.Payload
	}
	d.frames++
	d.frame = Frame{Offset: d.start, Size: len(f), Headers: convertHeaders(msg.Headers), Payload: msg.Payload}
	emit(&d.frame)
}

// End declares the input ended. It returns the CodeTruncated error of a
// frame the input ended inside (nil when it ended between frames or after a
// fatal error, which was reported) and makes the decoder ready for more
// input, as after Reset but with offsets going on.
func (d *Decoder) End() *Error {
	var e *Error
	switch {
	case d.failed:
	case d.skip > 0:
		e = &Error{Offset: d.skipAt, Size: d.skipSize, Code: CodeTruncated, Detail: fmt.Sprintf(
			"the input ended %d bytes before the end of a skipped frame of %d bytes", d.skip, d.skipSize)}
	case d.want > 0:
		e = &Error{Offset: d.start, Size: int64(d.want), Code: CodeTruncated, Detail: fmt.Sprintf(
			"the input ended %d bytes into a frame of %d bytes: the incomplete frame was discarded", len(d.buf), d.want)}
	case len(d.buf) > 0:
		e = &Error{Offset: d.start, Code: CodeTruncated, Detail: fmt.Sprintf(
			"the input ended %d bytes into a frame's %d-byte prelude: the incomplete frame was discarded", len(d.buf), PreludeSize)}
	}
	d.want, d.skip = 0, 0
	d.buf = d.buf[:0]
	return e
}

// Pending reports whether the decoder holds part of a frame (End would
// return a CodeTruncated error).
func (d *Decoder) Pending() bool {
	return !d.failed && (d.skip > 0 || d.want > 0 || len(d.buf) > 0)
}

// LooksLike reports whether an input that starts with prefix is an event
// stream: its first 12 bytes are a prelude whose CRC matches and whose
// lengths are possible. decided is false while prefix is too short to
// tell; text (SSE, NDJSON) is told apart by its first byte.
func LooksLike(prefix []byte) (yes, decided bool) {
	if len(prefix) == 0 {
		return false, false
	}
	// The first byte is the top byte of the total length: 0 below 16 MiB,
	// 1 up to 32 MiB; text starts with a printable byte or white space.
	if prefix[0] > 1 {
		return false, true
	}
	if len(prefix) < PreludeSize {
		return false, false
	}
	total := binary.BigEndian.Uint32(prefix[0:4])
	hlen := binary.BigEndian.Uint32(prefix[4:8])
	ok := crc32.ChecksumIEEE(prefix[:8]) == binary.BigEndian.Uint32(prefix[8:12]) &&
		total >= minFrame && hlen <= total-minFrame
	return ok, true
}
