package run

import (
	"net/http"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/send"
)

// Masker masks the records of one run for what is shown or written of
// them (the app's batches and files): every text, with the chunks masked
// in order, each seeing the ones before (redact.Chunks), so that a secret
// split between two chunks is masked whole.
type Masker struct {
	red    *redact.Redactor
	chunks *redact.Chunks
}

// NewMasker returns a Masker for red's secrets (nil red: records pass as
// they are).
func NewMasker(red *redact.Redactor) *Masker {
	return &Masker{red: red, chunks: red.NewChunks()}
}

// Record returns rec with every text masked (rec itself without secrets).
// Call it for every record of the run, in order (the chunks are masked as
// a stream).
func (k *Masker) Record(rec send.Record) send.Record {
	red := k.red
	if red == nil {
		return rec
	}
	if q := rec.Request; q != nil {
		c := *q
		c.URL, c.Header = red.String(c.URL), MaskHeader(red, c.Header)
		rec.Request = &c
	}
	if p := rec.Response; p != nil {
		c := *p
		c.StatusText, c.Proto, c.Header = red.String(c.StatusText), red.String(c.Proto), MaskHeader(red, c.Header)
		rec.Response = &c
	}
	if ch := rec.Chunk; ch != nil {
		c := *ch
		c.Data = k.chunks.Next(c.Data)
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

// MaskHeader returns a masked copy of h (h itself without secrets).
func MaskHeader(red *redact.Redactor, h http.Header) http.Header {
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

// MaskSmall masks the small fields of a merge result in place (finish
// reasons, usage, the error, model, id, warnings); the texts (content,
// reasoning, refusal, tool calls) are left to the caller, who may mask
// them as streams (redact.Stream) or whole (redact.Value).
func MaskSmall(red *redact.Redactor, res *merge.Result) {
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
