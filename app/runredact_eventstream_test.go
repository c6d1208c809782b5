package app

import (
	"testing"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/send"
	"github.com/streamscope/streamscope/backend/sse"
)

// An AWS event-stream frame's headers are masked like the rest of a
// record, in a copy: the record the merger and the script see keeps them.
func TestMaskRecordFrameHeaders(t *testing.T) {
	t.Parallel()
	r := &run{red: redact.New(echoKey)}
	headers := []eventstream.Header{{Name: ":event-type", Type: "string", Value: "chunk"}, {Name: "x-echo", Type: "string", Value: "key " + echoKey}}
	rec := send.Record{Kind: send.KindEvent, Event: &send.EventInfo{Index: 1, Event: sse.Event{Type: "chunk", Data: "{}"}, Headers: headers}}
	shown := r.maskRecord(rec)
	if got := shown.Event.Headers[1].Value; got != "key [secret]" || leaks(got) != "" {
		t.Errorf("shown header %q", got)
	}
	if shown.Event.Headers[0] != headers[0] || rec.Event.Headers[1].Value != "key "+echoKey {
		t.Errorf("headers changed: shown %+v, original %+v", shown.Event.Headers, rec.Event.Headers)
	}
}
