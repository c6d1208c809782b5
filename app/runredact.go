package app

import (
	"errors"
	"net/http"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/send"
)

// A run's secret values never reach the UI, its record and event files or
// an export: every way out goes through the run's redactor (package
// redact, the CLI's too). The merger, the script and the body file see
// the stream as received; what is shown of them is masked:
//   - records are masked before the batcher (whose shortened copies and
//     whole ones for Chunk are then masked) and the record log; chunks
//     with redact.Chunks, seeing the chunks before;
//   - events are masked before the event file (Export, SaveRecording,
//     CheckRule read it);
//   - the merged texts go to the UI through a redact.Stream each, so a
//     secret that arrives in pieces is masked whole;
//   - Body, RawSlice and Export raw mask what they read of the body
//     file, seeing the bytes around it.

// maskRecord returns rec with every text masked (rec itself without
// secrets). It is called from the sender's goroutine, in record order.
func (r *run) maskRecord(rec send.Record) send.Record {
	red := r.red
	if red == nil {
		return rec
	}
	if q := rec.Request; q != nil {
		c := *q
		c.URL, c.Header = red.String(c.URL), maskHeader(red, c.Header)
		rec.Request = &c
	}
	if p := rec.Response; p != nil {
		c := *p
		c.StatusText, c.Proto, c.Header = red.String(c.StatusText), red.String(c.Proto), maskHeader(red, c.Header)
		rec.Response = &c
	}
	if ch := rec.Chunk; ch != nil {
		c := *ch
		c.Data = r.chunks.Next(c.Data)
		rec.Chunk = &c
	}
	if e := rec.Event; e != nil {
		c := *e
		c.Type, c.Data, c.ID = red.String(c.Type), red.String(c.Data), red.String(c.ID)
		if len(e.Headers) > 0 { // an AWS event-stream frame's headers
			c.Headers = make([]eventstream.Header, len(e.Headers))
			for i, h := range e.Headers {
				c.Headers[i] = eventstream.Header{Name: red.String(h.Name), Type: h.Type, Value: red.String(h.Value)}
			}
		}
		rec.Event = &c
	}
	rec.Text = red.String(rec.Text)
	if t := rec.Retry; t != nil {
		c := *t
		c.Reason, c.LastEventID = red.String(c.Reason), red.String(c.LastEventID)
		rec.Retry = &c
	}
	for _, n := range []**send.Notice{&rec.Warning, &rec.Error} {
		if *n != nil {
			c := **n
			c.Message = red.String(c.Message)
			*n = &c
		}
	}
	if e := rec.End; e != nil {
		c := *e
		c.Message = red.String(c.Message)
		rec.End = &c
	}
	return rec
}

// maskError masks the secret values scope looked up in err (an invalid
// URL's error quotes the URL, secrets filled in); an error without any
// is returned as it is.
func maskError(scope *project.Scope, err error) error {
	red := redact.New(scope.RedactValues()...)
	if msg := red.String(err.Error()); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}

// maskHeader returns a masked copy of h (h itself without secrets).
func maskHeader(red *redact.Redactor, h http.Header) http.Header {
	if red == nil || h == nil {
		return h
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		m := make([]string, len(vs))
		for i, v := range vs {
			m[i] = red.String(v)
		}
		out[red.String(k)] = m
	}
	return out
}

// maskSmall masks the small fields of a merge result that a delta or a
// snapshot carries whole (the texts go through textDelta's streams).
func maskSmall(red *redact.Redactor, res *merge.Result) {
	if red == nil {
		return
	}
	res.FinishReason = maskPtr(red, res.FinishReason)
	res.Usage = redact.Value(red, res.Usage)
	if e := res.Error; e != nil {
		res.Error = &merge.StreamError{Message: red.String(e.Message), Type: red.String(e.Type), Code: red.String(e.Code)}
	}
	res.Model, res.ID = red.String(res.Model), red.String(res.ID)
	if len(res.Warnings) > 0 {
		w := append([]string(nil), res.Warnings...)
		red.Strings(w)
		res.Warnings = w
	}
	if len(res.Choices) > 0 {
		cs := append([]merge.Choice(nil), res.Choices...)
		for i := range cs {
			cs[i].FinishReason = maskPtr(red, cs[i].FinishReason)
		}
		res.Choices = cs
	}
}

func maskPtr(red *redact.Redactor, s *string) *string {
	if s == nil {
		return nil
	}
	v := red.String(*s)
	return &v
}

// maskedText is what the UI was sent of one merged text: the raw text
// consumed so far is run.sentText's; shown is what went out of its
// stream.
type maskedText struct {
	s     *redact.Stream
	shown []byte
}
