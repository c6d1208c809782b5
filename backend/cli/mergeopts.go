package cli

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/sse"
)

// MergeFlags are the merge flags that merge, send and run share.
type MergeFlags struct {
	Format    string
	Content   string
	Reasoning string
	Stop      string
	NDJSON    bool
}

// mergeFlagsUsage is the synopsis of the flags AddMergeFlags registers.
const mergeFlagsUsage = "[--format F] [--content PATH] [--reasoning PATH] [--stop PATH] [--ndjson]"

// AddMergeFlags registers --format, --content, --reasoning, --stop and
// --ndjson on fs.
func AddMergeFlags(fs *flag.FlagSet) *MergeFlags {
	f := &MergeFlags{}
	fs.StringVar(&f.Format, "format", "", "merge format `F`, one of the merge formats (default: detected from the events)")
	fs.StringVar(&f.Content, "content", "", "JSONPath rule whose matches form the content (implies --format jsonpath)")
	fs.StringVar(&f.Reasoning, "reasoning", "", "JSONPath rule whose matches form the reasoning")
	fs.StringVar(&f.Stop, "stop", "", "JSONPath rule whose last match is the finish reason")
	fs.BoolVar(&f.NDJSON, "ndjson", false, "read the body as NDJSON (default: detected from its first bytes)")
	return f
}

// Options returns the merge options the flags select.
func (f *MergeFlags) Options() merge.Options {
	return merge.Options{Format: f.Format, ContentPath: f.Content, ReasoningPath: f.Reasoning, StopPath: f.Stop}
}

// MergeSetup says how mergeStream reads and merges a body.
type MergeSetup struct {
	Options merge.Options
	// NDJSON forces NDJSON, SSE forces Server-Sent Events; with neither the
	// wire format is detected from the first bytes: an AWS event stream by
	// its binary prelude (eventstream.LooksLike), else NDJSON or SSE
	// (merge.WireSniffer).
	NDJSON, SSE bool
	// Start is the instant event times are measured from (the request's
	// sending time); zero means when mergeStream starts reading.
	Start time.Time
	// OnEvent, when set, is called for every event right after the merger
	// took it, with its 1-based sequence number and time offset. An error
	// stops reading and is returned.
	OnEvent func(m *merge.Merger, ev sse.Event, seq int, at time.Duration) error
}

// NewMerger validates the options (a bad format name or JSONPath rule is a
// usage error naming it) before any input is read.
func NewMerger(o merge.Options) (*merge.Merger, error) {
	m, err := merge.New(o)
	if err != nil {
		return nil, UsageError("%v", err)
	}
	return m, nil
}

// mergeStream reads a raw response body from in, merges its events and
// returns the final result together with the merger (for metrics and rule
// counts). Errors are read errors, or the first error of OnEvent.
func mergeStream(in io.Reader, s MergeSetup) (merge.Result, *merge.Merger, error) {
	m, err := NewMerger(s.Options)
	if err != nil {
		return merge.Result{}, nil, err
	}
	res, err := mergeWith(m, in, s)
	return res, m, err
}

func mergeWith(m *merge.Merger, in io.Reader, s MergeSetup) (merge.Result, error) {
	start := s.Start
	if start.IsZero() {
		start = time.Now()
	}
	var p *sse.Parser
	seq := 0
	var hookErr error
	emit := func(ev sse.Event) {
		if hookErr != nil {
			return
		}
		seq++
		at := time.Since(start)
		m.AddTimed(ev, at)
		if s.OnEvent != nil {
			hookErr = s.OnEvent(m, ev, seq, at)
		}
	}
	// An event over the size limit is dropped (Feed's error); it is counted
	// (p.Dropped) and reported as data lost in the result.
	feed := func(b []byte) { _ = p.Feed(b, emit) }
	newParser := func(ndjson bool) { p = sse.NewParser(sse.Options{NDJSON: ndjson}) }
	var sniff *merge.WireSniffer // holds the first bytes until the wire format is known
	// frames reads an AWS event stream; head holds the first bytes until
	// eventstream.LooksLike can tell one (at most its 12-byte prelude).
	var frames *frameMerge
	var head []byte
	headDone := s.NDJSON || s.SSE
	if s.NDJSON || s.SSE {
		newParser(s.NDJSON)
	} else {
		sniff = &merge.WireSniffer{}
	}
	buf := make([]byte, 64<<10)
	for hookErr == nil {
		n, rerr := in.Read(buf)
		data := buf[:n]
		if !headDone && n > 0 {
			head = append(head, data...)
			data = nil
			if yes, decided := eventstream.LooksLike(head); decided || rerr != nil {
				headDone, data, head = true, head, nil
				if yes {
					frames = newFrameMerge(m, emit)
				}
			}
		}
		switch {
		case frames != nil:
			frames.feed(data)
		case p != nil:
			if len(data) > 0 {
				feed(data)
			}
		case len(data) > 0:
			if held, ndjson, done := sniff.Add(data); done {
				newParser(ndjson)
				feed(held)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			hookErr = fmt.Errorf("reading the body: %w", rerr)
		}
	}
	clean := false
	if frames != nil {
		clean = frames.end() && hookErr == nil
	} else {
		if p == nil {
			newParser(false)
			if hookErr == nil {
				if len(head) > 0 { // fewer bytes than a prelude: text
					if held, ndjson, done := sniff.Add(head); done {
						newParser(ndjson)
						feed(held)
					}
				}
				feed(sniff.End())
			}
		}
		// The input ended cleanly at EOF, unless in the middle of an event.
		if hookErr == nil {
			clean = !p.End(emit)
		}
		if n := p.Dropped(); n > 0 {
			m.MarkLost(sse.DroppedText(n, p.MaxEventSize()))
		}
	}
	if clean {
		return m.EndClean(), nil
	}
	return m.End(), hookErr
}

// frameMerge feeds an AWS event stream's frames to the merge: each frame
// is an event (eventstream.Frame.Event); a frame that cannot be decoded
// is data lost (the first maxFrameErrors named, the rest counted).
type frameMerge struct {
	m      *merge.Merger
	emit   func(sse.Event)
	dec    *eventstream.Decoder
	errors int
}

const maxFrameErrors = 10

func newFrameMerge(m *merge.Merger, emit func(sse.Event)) *frameMerge {
	return &frameMerge{m: m, emit: emit, dec: eventstream.NewDecoder(eventstream.Options{})}
}

func (f *frameMerge) feed(b []byte) {
	if len(b) > 0 {
		f.dec.Feed(b, func(fr *eventstream.Frame) { f.emit(fr.Event()) }, f.fail)
	}
}

func (f *frameMerge) fail(e *eventstream.Error) {
	f.errors++
	if f.errors <= maxFrameErrors {
		f.m.MarkLost(e.Error())
	}
}

// end reports whether the input ended between frames (cleanly).
func (f *frameMerge) end() bool {
	truncated := f.dec.End() != nil
	if n := f.errors - maxFrameErrors; n > 0 {
		f.m.MarkLost(fmt.Sprintf("%d more event-stream frames could not be decoded", n))
	}
	return !truncated && !f.dec.Failed()
}
