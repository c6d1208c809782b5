package send

import (
	"fmt"
	"time"

	"github.com/streamscope/streamscope/backend/eventstream"
)

// AWS event streams (StreamEventStream): every frame of the binary framing
// is an event record carrying its headers; a frame the decoder cannot
// deliver is an error record and data lost; a lost framing (bad prelude)
// ends the attempt as an error.

// frameReader decodes one attempt's event stream into event records.
type frameReader struct {
	x    *run
	dec  *eventstream.Decoder
	base int64 // where the attempt's body starts in the request's
	b    *burst
	wire *wireReader
	// fatal is the error that lost the framing, nil while there is none.
	fatal *eventstream.Error
	// lost counts the dropped frames of this attempt by error code.
	lost map[string]int
}

// frameDecoder returns the run's event-stream decoder, reset for a new
// connection.
func (x *run) frameDecoder() *eventstream.Decoder {
	if x.frames == nil {
		x.frames = eventstream.NewDecoder(eventstream.Options{MaxPayload: x.r.MaxEventSize})
	} else {
		x.frames.Reset()
	}
	return x.frames
}

func (f *frameReader) feed(data []byte) {
	f.dec.Feed(data, f.frame, f.fail)
}

func (f *frameReader) frame(fr *eventstream.Frame) {
	x := f.x
	x.events++
	at := x.since()
	if x.events == 1 {
		x.firstEvent = at
	}
	f.b.add(at, f.wire.reads)
	x.emitAt(Record{Kind: KindEvent, Event: &EventInfo{
		Index: x.events, Event: fr.Event(), Headers: fr.Headers,
		RawOffset: f.base + fr.Offset, RawSize: fr.Size,
	}}, at)
}

func (f *frameReader) fail(e *eventstream.Error) {
	f.x.emit(Record{Kind: KindError, Error: &Notice{Code: CodeFrame, Message: f.message(e)}})
	if e.Fatal {
		f.fatal = e
		return
	}
	if f.lost == nil {
		f.lost = map[string]int{}
	}
	f.lost[e.Code]++
}

// message is e's text with the offset counted in the request's body.
func (f *frameReader) message(e *eventstream.Error) string {
	c := *e
	c.Offset += f.base
	return c.Error()
}

// end finishes the attempt's decoding: it reports whether an incomplete
// frame was discarded (with the end's message) and records in the result
// what was lost.
func (f *frameReader) end() (discarded bool, msg string) {
	if e := f.dec.End(); e != nil {
		discarded, msg = true, "connection closed mid-frame: "+f.message(e)
	}
	what := map[string]string{
		eventstream.CodeTooLarge:   "over the size limit",
		eventstream.CodeMessageCRC: "with a bad message CRC",
		eventstream.CodeHeaders:    "whose headers do not decode",
	}
	for _, code := range []string{eventstream.CodeTooLarge, eventstream.CodeMessageCRC, eventstream.CodeHeaders} {
		if n := f.lost[code]; n > 0 {
			f.x.res.Lost = append(f.x.res.Lost, fmt.Sprintf("%d event-stream frame%s %s dropped", n, plural(n), what[code]))
		}
	}
	if f.fatal != nil {
		f.x.res.Lost = append(f.x.res.Lost, fmt.Sprintf("the body from byte %d on was not decoded (the event-stream framing was lost)", f.base+f.fatal.Offset))
	}
	return discarded, msg
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// burstWarning is the warning of a compressed event stream that arrived in
// one burst, "" when it did not.
func burstWarning(b *burst, encoding string) string {
	if encoding == "" || !b.buffered() {
		return ""
	}
	return fmt.Sprintf("%s-compressed stream was buffered: %d events arrived in one burst after %s", encoding, b.events,
		b.first.Round(time.Millisecond))
}
