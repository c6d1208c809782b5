package send

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// bodyOf joins the chunk records' bytes, checking that each chunk's Offset
// is where it lands in the request's body (all attempts, in order).
func bodyOf(t *testing.T, recs []Record) []byte {
	t.Helper()
	var body []byte
	for _, r := range kinds(recs, KindChunk) {
		if r.Chunk.Offset != int64(len(body)) {
			t.Fatalf("chunk %d at offset %d, want %d", r.Seq, r.Chunk.Offset, len(body))
		}
		body = append(body, r.Chunk.Data...)
	}
	return body
}

// TestEventRawSpans: every event record says which bytes of the decoded
// body it came from, as received, whatever the line ends, fields, comments,
// encoding and attempt.
func TestEventRawSpans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mode   StreamKind
		enc    string
		pieces []string
		want   []string
	}{
		{"sse as received", "", "", []string{
			"\xef\xbb\xbf: hello\r\nretry: 5\r", "\nid: 1\r\nevent: delta\r\ndata:{\"a\":\r\ndata: 1}\r", "\n\r", "\n\n:ping\n\ndata: é\n\n",
		}, []string{": hello\r\nretry: 5\r\nid: 1\r\nevent: delta\r\ndata:{\"a\":\r\ndata: 1}\r\n\r", "data: é\n\n"}},
		{"ndjson", StreamNDJSON, "", []string{"{\"a\":1}\r\n", "\n{\"b\"", ":2}"},
			[]string{"{\"a\":1}\r", "{\"b\":2}"}},
		{"gzip: positions in the decoded body", "", "gzip", []string{"data: one\n\n", "data: two\r\n\r\n"},
			[]string{"data: one\n\n", "data: two\r\n\r"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := sseHandler(tc.pieces, time.Millisecond)
			if tc.enc != "" {
				h = compressHandler(tc.enc, tc.pieces, time.Millisecond)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			sink, got := collect()
			Do(context.Background(), &Request{URL: srv.URL, StreamMode: tc.mode}, sink)
			recs := got()
			body := bodyOf(t, recs)
			evs := kinds(recs, KindEvent)
			if len(evs) != len(tc.want) {
				t.Fatalf("%d events, want %d", len(evs), len(tc.want))
			}
			for i, r := range evs {
				e := r.Event
				if e.RawOffset < 0 || e.RawSize <= 0 || e.RawOffset+int64(e.RawSize) > int64(len(body)) {
					t.Fatalf("event %d: raw %d+%d in a body of %d", i, e.RawOffset, e.RawSize, len(body))
				}
				if raw := body[e.RawOffset : e.RawOffset+int64(e.RawSize)]; string(raw) != tc.want[i] {
					t.Fatalf("event %d: raw %q, want %q", i, raw, tc.want[i])
				}
			}
		})
	}
}

// TestEventRawSpansAcrossAttempts: after a reconnect the spans go on in
// the request's body, where the new attempt's chunks are.
func TestEventRawSpansAcrossAttempts(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	first := []string{"retry: 10\nid: 41\r\ndata:one\r\n\r\n", "id: 42\ndata: cut"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			sseHandler(first, 0)(w, r)
			return
		}
		sseHandler([]string{"\xef\xbb\xbf: again\ndata: two\n\n"}, 0)(w, r)
	}))
	defer srv.Close()
	sink, got := collect()
	res := Do(context.Background(), &Request{URL: srv.URL, Reconnect: Reconnect{Enabled: true}}, sink)
	recs := got()
	body := bodyOf(t, recs)
	evs := kinds(recs, KindEvent)
	if res.Attempts != 2 || len(evs) != 2 || evs[1].Attempt != 2 {
		t.Fatalf("attempts %d, events %+v", res.Attempts, evs)
	}
	second := int64(len(first[0]) + len(first[1]))
	want := []struct {
		off  int64
		text string
	}{{0, "retry: 10\nid: 41\r\ndata:one\r\n\r"}, {second + 3, ": again\ndata: two\n\n"}}
	for i, w := range want {
		e := evs[i].Event
		if e.RawOffset != w.off || !bytes.Equal(body[e.RawOffset:e.RawOffset+int64(e.RawSize)], []byte(w.text)) {
			t.Fatalf("event %d: raw %d+%d %q, want %d %q", i, e.RawOffset, e.RawSize, body[e.RawOffset:e.RawOffset+int64(e.RawSize)], w.off, w.text)
		}
	}
}
