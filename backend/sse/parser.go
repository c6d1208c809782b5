package sse

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// DefaultMaxEventSize is the per-event cap used when Options.MaxEventSize is 0.
const DefaultMaxEventSize = 16 << 20

// Options configures a Parser. The zero value parses Server-Sent Events with
// the default size cap.
type Options struct {
	// NDJSON makes every non-empty line one event of type "message" whose
	// data is the line (NDJSON / JSON Lines). CRLF and lone CR end lines too.
	// No field, comment or id processing happens in this mode.
	NDJSON bool
	// MaxEventSize caps the bytes one event may buffer (the data buffer plus
	// the line being assembled). 0 means DefaultMaxEventSize.
	MaxEventSize int
	// OnComment, when set, is called for each comment line with the
	// (UTF-8 decoded) text after the ':'.
	OnComment func(text string)
	// OnRetry, when set, is called for each valid retry field.
	OnRetry func(ms int)
}

// TooLargeError reports an event whose buffered bytes exceeded
// Options.MaxEventSize. The parser drops that event and resumes at the next
// event boundary (in NDJSON mode: the next line).
type TooLargeError struct {
	Limit int // the MaxEventSize in effect
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("sse: event larger than the %d-byte limit (MaxEventSize); event dropped", e.Limit)
}

// DroppedText describes n events dropped for going over the limit, as a
// sentence for a list of lost data.
func DroppedText(n, limit int) string {
	if n == 1 {
		return fmt.Sprintf("1 event larger than the %d-byte event size limit dropped", limit)
	}
	return fmt.Sprintf("%d events larger than the %d-byte event size limit dropped", n, limit)
}

// Parser is an incremental Server-Sent Events parser implementing the WHATWG
// HTML "interpret an event stream" algorithm (or, with Options.NDJSON, a
// JSON Lines splitter). Feed it bytes in any chunking; it emits the same
// events whatever the chunk boundaries. A Parser is not safe for concurrent
// use.
type Parser struct {
	o   Options
	max int

	// Leading BOM detection (the decoder strips one U+FEFF at stream start).
	bomDone bool
	bomN    int // bytes of a BOM prefix held back so far

	line   []byte // owned bytes of the line being assembled across chunks
	skipLF bool   // the previous chunk ended in CR: a leading LF belongs to it

	skipLine  bool // discarding the rest of an oversized line
	skipEvent bool // discarding lines up to the next blank line (oversized event)

	// Event being built.
	data     []byte // owned data buffer (values joined by LF, no trailing LF)
	dref     []byte // borrowed single data value (points into cur)
	borrowed bool   // data lives in dref, not data
	hasData  bool   // at least one data field was seen (data buffer non-empty)
	typ      []byte // event type buffer
	pending  bool   // a non-comment line was processed since the last boundary

	// The chunk being fed. Event strings of lines wholly inside it are cut
	// from one string copy of it (curStr, holding cur[curBase:]) made at the
	// first dispatch that needs it: one allocation per chunk, not per event.
	cur      []byte
	curStr   string
	curBase  int
	curValid bool // cur, apart from partial lines at its ends, is valid UTF-8

	// Positions in the input fed since NewParser or Reset (a BOM and every
	// line terminator count), for Span. They are worked out when an event
	// is dispatched, not per line.
	off        int64 // bytes fed so far
	base       int64 // position of cur[0]
	blockStart int64 // first byte of the block (SSE) or line (NDJSON) being read
	lineEnd    int64 // end of the dispatching line, through its terminator's first byte

	idBuf   string // last event ID buffer
	lastID  string // last event ID string (committed on dispatch)
	curType string // cached string of the last non-default event type
	retry   int
	retryOK bool
	dropped int // events dropped as too large since NewParser
}

// NewParser returns a parser configured by o.
func NewParser(o Options) *Parser {
	p := &Parser{o: o, max: o.MaxEventSize}
	if p.max <= 0 {
		p.max = DefaultMaxEventSize
	}
	return p
}

// LastEventID returns the last event ID string: the ID committed by the most
// recent dispatch (an event or a block without data). It is "" when none was
// ever set, and never reflects an id field of an unterminated block.
func (p *Parser) LastEventID() string { return p.lastID }

// MaxEventSize returns the per-event cap in effect.
func (p *Parser) MaxEventSize() int { return p.max }

// Dropped returns how many events (NDJSON: lines) were dropped as larger
// than MaxEventSize since NewParser; Reset keeps the count.
func (p *Parser) Dropped() int { return p.dropped }

// Retry returns the last valid reconnection time set by a retry field.
func (p *Parser) Retry() (ms int, ok bool) { return p.retry, p.retryOK }

// Span returns, while emit is being called, where the emitted event came
// from: bytes start to end of the input fed since NewParser or the last
// Reset (a BOM counts, as every byte does). In SSE mode that is its block,
// from the first byte of the first line after the previous blank line (or
// after the stream's BOM) through the first byte of the terminator of the
// blank line that dispatched it; in NDJSON mode it is the line and the
// first byte of its terminator (none for a last line without one). The LF
// of a CRLF that ends the span is not counted: it may arrive after the
// event was dispatched, and a span never depends on how the input was
// split. Outside emit the result is meaningless.
func (p *Parser) Span() (start, end int64) { return p.blockStart, p.lineEnd }

// Reset prepares the parser for a new connection of the same event source:
// it clears every buffer and the BOM state, counts Span positions from 0
// again, and keeps the last event ID (which also becomes the new stream's
// last event ID buffer) and the retry time.
func (p *Parser) Reset() {
	p.bomDone, p.bomN = false, 0
	p.off, p.base, p.blockStart, p.lineEnd = 0, 0, 0, 0
	p.resetLine()
	p.skipLF, p.skipLine, p.skipEvent = false, false, false
	p.clearEvent()
	p.idBuf = p.lastID
}

// resetLine empties the line buffer, releasing it after a very long line.
func (p *Parser) resetLine() {
	if cap(p.line) > 1<<20 {
		p.line = nil
		return
	}
	p.line = p.line[:0]
}

func (p *Parser) clearEvent() {
	if cap(p.data) > 1<<20 {
		p.data = nil // do not pin a huge buffer after one big event
	}
	p.data = p.data[:0]
	p.dref, p.borrowed, p.hasData = nil, false, false
	p.typ = p.typ[:0]
	p.pending = false
}

var bom = [3]byte{0xEF, 0xBB, 0xBF}

// Feed consumes the next chunk of the stream and calls emit for each event
// it completes, in order. Chunks may be of any size and split anywhere (inside
// a UTF-8 sequence, between CR and LF, inside the BOM). Feed always consumes
// the whole chunk; it returns a *TooLargeError (the first one) when an event
// went over MaxEventSize, and that event is dropped. b is not retained.
//
// Allocation: the Data of events dispatched in a call whose data is a single
// line lying wholly in b is cut from one string copy of b (made once per
// call, from the first such event on), instead of one allocation per event.
// Such strings share that copy, so keeping any of them keeps the copy alive;
// everything else (multi-line data, lines spanning chunks) gets its own
// string.
func (p *Parser) Feed(b []byte, emit func(Event)) error {
	// base is the input position of b[0] as b is cut at its start.
	base := p.off
	p.off += int64(len(b))
	if !p.bomDone {
		for len(b) > 0 && p.bomN < 3 && b[0] == bom[p.bomN] {
			b = b[1:]
			base++
			p.bomN++
		}
		if p.bomN == 3 {
			p.bomDone = true // a whole BOM: dropped
			p.blockStart = base
		} else if len(b) == 0 {
			return nil // still possibly a BOM
		} else {
			// Not a BOM: the held bytes start the first line.
			p.bomDone = true
			p.line = append(p.line, bom[:p.bomN]...)
		}
		p.bomN = 0
	}
	if p.skipLF {
		if len(b) == 0 {
			return nil
		}
		p.skipLF = false
		if b[0] == '\n' {
			b = b[1:]
			if p.blockStart == base {
				p.blockStart++ // the LF of the CRLF that ended the last block
			}
			base++
		}
	}
	p.cur, p.curStr, p.curBase = b, "", 0
	p.base = base
	p.curValid = utf8.Valid(completeLines(b, len(p.line) > 0))
	var err error
	// Cached positions of the next LF and CR in b (-1: none left), so that
	// each byte is scanned once even with lone CRs or LF-only streams.
	nextLF, nextCR := -2, -2
	pos := 0
	for pos < len(b) {
		if nextLF != -1 && nextLF < pos {
			if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
				nextLF = pos + i
			} else {
				nextLF = -1
			}
		}
		if nextCR != -1 && nextCR < pos {
			if i := bytes.IndexByte(b[pos:], '\r'); i >= 0 {
				nextCR = pos + i
			} else {
				nextCR = -1
			}
		}
		end := nextLF
		if end < 0 || (nextCR >= 0 && nextCR < end) {
			end = nextCR
		}
		if end < 0 {
			// No line end in the rest of the chunk: keep it for later.
			rest := b[pos:]
			if p.skipLine {
				break
			}
			if p.skipEvent {
				// A non-empty partial line cannot be the blank line that
				// ends the dropped event: discard it without counting.
				p.resetLine()
				p.skipLine = true
				break
			}
			if len(p.line)+len(rest)+p.dataLen() > p.max {
				err = p.tooLarge(err)
				p.resetLine()
				p.skipLine = true
				break
			}
			if p.o.NDJSON && len(p.line) == 0 {
				p.blockStart = base + int64(pos) // a line begins
			}
			p.line = append(p.line, rest...)
			break
		}
		next := end + 1
		if b[end] == '\r' {
			if next < len(b) {
				if b[next] == '\n' {
					next++
				}
			} else {
				p.skipLF = true
			}
		}
		if p.skipLine {
			p.skipLine = false
			pos = next
			continue
		}
		if p.skipEvent {
			if end == pos && len(p.line) == 0 {
				p.processLine(nil, false, emit) // the blank line ends the skip
				p.blockStart = base + int64(next)
			}
			p.resetLine()
			pos = next
			continue
		}
		if len(p.line) > 0 {
			if len(p.line)+(end-pos)+p.dataLen() > p.max {
				err = p.tooLarge(err)
			} else {
				p.line = append(p.line, b[pos:end]...)
				p.lineEnd = base + int64(end) + 1
				p.processLine(p.line, false, emit)
			}
			p.resetLine()
		} else if end == pos && !p.o.NDJSON {
			// A blank line dispatches (skipEvent is false here); the
			// next block starts after it.
			p.lineEnd = base + int64(end) + 1
			p.dispatch(emit)
			p.blockStart = base + int64(next)
		} else if (end-pos)+p.dataLen() > p.max {
			err = p.tooLarge(err)
		} else {
			p.processLine(b[pos:end], true, emit)
		}
		pos = next
	}
	// b is not retained: take ownership of a borrowed data value.
	if p.borrowed {
		p.data = append(p.data[:0], p.dref...)
		p.dref, p.borrowed = nil, false
	}
	p.cur, p.curStr = nil, ""
	return err
}

// completeLines trims from b the bytes that can only belong to partial lines
// (never processed in place): an incomplete UTF-8 sequence at the end and,
// when the first line started in an earlier chunk, continuation bytes at the
// start. What remains is what lines processed in place are cut from.
func completeLines(b []byte, continued bool) []byte {
	if continued {
		for i := 0; i < 3 && len(b) > 0 && b[0]&0xC0 == 0x80; i++ {
			b = b[1:]
		}
	}
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			break
		}
		if c >= 0xC0 { // a lead byte: cut when its sequence is incomplete
			if utf8.FullRune(b[len(b)-i:]) {
				break
			}
			return b[:len(b)-i]
		}
	}
	return b
}

// chunkString returns v, a sub-slice of the current chunk, as a string cut
// from the shared copy of the chunk.
func (p *Parser) chunkString(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	off := cap(p.cur) - cap(v)
	if p.curStr == "" || off < p.curBase {
		p.curBase = off
		p.curStr = string(p.cur[off:])
	}
	off -= p.curBase
	return p.curStr[off : off+len(v)]
}

// tooLarge drops the current event and arranges to skip to its end.
func (p *Parser) tooLarge(prev error) error {
	p.dropped++
	p.clearEvent()
	if !p.o.NDJSON {
		p.skipEvent = true
	}
	if prev != nil {
		return prev
	}
	return &TooLargeError{Limit: p.max}
}

func (p *Parser) dataLen() int {
	if p.borrowed {
		return len(p.dref)
	}
	return len(p.data)
}

// End signals the end of the input. A CR that ended the last chunk has
// already ended its line. In SSE mode an unterminated last block is
// discarded (not dispatched, its id not committed) and End reports true when
// bytes of such an incomplete event were discarded; comment lines alone do
// not count. In NDJSON mode a last line without a line terminator is a
// complete line (JSON Lines allows the final newline to be missing) and is
// emitted. The parser's buffers are cleared; LastEventID and Retry keep their
// values.
func (p *Parser) End(emit func(Event)) (discarded bool) {
	if !p.bomDone && p.bomN > 0 {
		p.line = append(p.line, bom[:p.bomN]...)
	}
	p.bomDone, p.bomN = true, 0
	if p.o.NDJSON {
		if len(p.line) > 0 && !p.skipLine {
			p.lineEnd = p.off
			p.processLine(p.line, false, emit)
		}
	} else {
		discarded = p.pending || p.skipEvent || p.skipLine || len(p.line) > 0
	}
	p.blockStart = p.off
	p.resetLine()
	p.skipLF, p.skipLine, p.skipEvent = false, false, false
	p.clearEvent()
	return discarded
}

// processLine handles one complete line (without its terminator). inChunk
// says the bytes belong to the caller's chunk and stay valid until Feed
// returns, so a data value may be borrowed instead of copied.
func (p *Parser) processLine(line []byte, inChunk bool, emit func(Event)) {
	if p.o.NDJSON {
		if len(line) == 0 {
			return
		}
		if inChunk {
			// the line is cur[i:i+len(line)], its terminator follows
			p.blockStart = p.base + int64(cap(p.cur)-cap(line))
			p.lineEnd = p.blockStart + int64(len(line)) + 1
			if p.curValid {
				emit(Event{Type: "message", Data: p.chunkString(line)})
				return
			}
		}
		emit(Event{Type: "message", Data: decodeString(line)})
		return
	}
	if len(line) == 0 {
		if p.skipEvent {
			p.skipEvent = false
			p.clearEvent()
			return
		}
		p.dispatch(emit)
		return
	}
	if p.skipEvent {
		return
	}
	// Fast path for the overwhelmingly common "data:" line.
	if len(line) >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':' {
		v := line[5:]
		if len(v) > 0 && v[0] == ' ' {
			v = v[1:]
		}
		p.pending = true
		p.appendData(v, inChunk)
		return
	}
	if line[0] == ':' {
		if p.o.OnComment != nil {
			p.o.OnComment(decodeString(line[1:]))
		}
		return
	}
	p.pending = true
	var name, value []byte
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	} else {
		name = line
	}
	switch string(name) {
	case "data":
		p.appendData(value, inChunk)
	case "event":
		p.typ = appendDecoded(p.typ[:0], value)
	case "id":
		if bytes.IndexByte(value, 0) >= 0 {
			return // an id containing U+0000 is ignored
		}
		if utf8.Valid(value) {
			if string(value) != p.idBuf {
				p.idBuf = string(value)
			}
		} else {
			p.idBuf = decodeString(value)
		}
	case "retry":
		if ms, ok := parseRetry(value); ok {
			p.retry, p.retryOK = ms, true
			if p.o.OnRetry != nil {
				p.o.OnRetry(ms)
			}
		}
	}
}

// parseRetry accepts a non-empty string of ASCII digits that fits an int.
func parseRetry(v []byte) (int, bool) {
	if len(v) == 0 {
		return 0, false
	}
	const maxInt = int(^uint(0) >> 1)
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int(c - '0')
		if n > (maxInt-d)/10 {
			return 0, false // does not fit: ignored
		}
		n = n*10 + d
	}
	return n, true
}

func (p *Parser) appendData(v []byte, inChunk bool) {
	if !p.hasData {
		p.hasData = true
		if inChunk && (p.curValid || utf8.Valid(v)) {
			p.dref, p.borrowed = v, true
			return
		}
		p.data = appendDecoded(p.data[:0], v)
		return
	}
	if p.borrowed {
		p.data = append(p.data[:0], p.dref...)
		p.dref, p.borrowed = nil, false
	}
	p.data = append(p.data, '\n')
	if inChunk && p.curValid {
		p.data = append(p.data, v...)
	} else {
		p.data = appendDecoded(p.data, v)
	}
}

// dispatch implements the blank-line step: commit the id, then emit an event
// when the data buffer is non-empty.
func (p *Parser) dispatch(emit func(Event)) {
	p.lastID = p.idBuf
	p.pending = false
	if !p.hasData {
		p.typ = p.typ[:0]
		return
	}
	var data string
	if p.borrowed {
		data = p.chunkString(p.dref)
	} else {
		data = string(p.data)
	}
	typ := "message"
	if len(p.typ) > 0 {
		if string(p.typ) != p.curType {
			p.curType = string(p.typ)
		}
		typ = p.curType
	}
	p.clearEvent()
	emit(Event{Type: typ, Data: data, ID: p.lastID})
}

// decodeString returns b as a string, decoded per WHATWG UTF-8 when it is
// not valid UTF-8.
func decodeString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string(appendDecoded(nil, b))
}
