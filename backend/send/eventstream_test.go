package send

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/eventstream"
)

// converseBody is a composed ConverseStream answer as AWS frames it
// (Bedrock API reference, ConverseStream; "p" padding as the service adds).
func converseBody() (body []byte, types []string, bounds []int) {
	evs := [][2]string{
		{"messageStart", `{"p":"abcdefgh","role":"assistant"}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"Hello — 東京"},"p":"abc"}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":" 🙂"},"p":"abcdefghijklmnop"}`},
		{"contentBlockStop", `{"contentBlockIndex":0,"p":"ab"}`},
		{"messageStop", `{"p":"abcd","stopReason":"end_turn"}`},
		{"metadata", `{"metrics":{"latencyMs":88},"p":"a","usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7}}`},
	}
	bounds = []int{0}
	for _, e := range evs {
		body = append(body, eventstream.EventFrame(e[0], []byte(e[1]))...)
		types = append(types, e[0])
		bounds = append(bounds, len(body))
	}
	return body, types, bounds
}

// frameServer serves body as an event stream, flushed in pieces of size
// piece (0: whole), then calls after (e.g. to hold the connection open).
func frameServer(t *testing.T, body []byte, piece int, after func(w http.ResponseWriter, r *http.Request)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", eventstream.ContentType)
		w.WriteHeader(http.StatusOK)
		for b := body; len(b) > 0; {
			n := len(b)
			if piece > 0 {
				n = min(n, piece)
			}
			w.Write(b[:n])
			w.(http.Flusher).Flush()
			b = b[n:]
		}
		if after != nil {
			after(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Every frame is an event record with its headers and its place in the
// body; the request asks Finish at the end, as for SSE.
func TestEventStreamTimeline(t *testing.T) {
	t.Parallel()
	body, types, bounds := converseBody()
	for _, piece := range []int{0, 1, 5, 64} {
		srv := frameServer(t, body, piece, nil)
		sink, got := collect()
		asked := 0
		res := Do(context.Background(), &Request{URL: srv.URL, Finish: func() (EndReason, string) { asked++; return "", "" }}, sink)
		recs := got()
		checkSeq(t, recs)
		if res.Reason != EndComplete || res.Kind != StreamEventStream || res.Events != len(types) || asked != 1 || len(res.Lost) != 0 {
			t.Fatalf("piece %d: %s %q kind %s events %d finish asked %d lost %v", piece, res.Reason, res.Message, res.Kind, res.Events, asked, res.Lost)
		}
		if k := kinds(recs, KindResponseHeaders)[0].Response.StreamKind; k != StreamEventStream {
			t.Fatalf("response stream kind %s", k)
		}
		for i, r := range kinds(recs, KindEvent) {
			e := r.Event
			if e.Type != types[i] || e.Index != i+1 || e.RawOffset != int64(bounds[i]) || e.RawSize != bounds[i+1]-bounds[i] {
				t.Fatalf("piece %d event %d: %+v", piece, i, e)
			}
			if len(e.Headers) != 3 || e.Headers[0].Name != ":event-type" || e.Headers[0].Value != types[i] || e.Headers[2].Value != "event" {
				t.Fatalf("piece %d event %d headers %+v", piece, i, e.Headers)
			}
			if !strings.HasPrefix(e.Data, "{") || !strings.Contains(e.Data, `"p":"a`) {
				t.Fatalf("piece %d event %d data %q", piece, i, e.Data)
			}
		}
		if len(kinds(recs, KindWarning)) != 0 || len(kinds(recs, KindError)) != 0 {
			t.Fatalf("piece %d: warnings %+v errors %+v", piece, kinds(recs, KindWarning), kinds(recs, KindError))
		}
	}
}

// A body that ends cleanly at any byte: complete at a frame boundary,
// truncated (closed mid-frame) anywhere else, the whole frames before the
// cut delivered either way.
func TestEventStreamCutAtEveryByte(t *testing.T) {
	t.Parallel()
	body, types, bounds := converseBody()
	at := map[int]int{}
	for i, b := range bounds {
		at[b] = i
	}
	for cut := 0; cut <= len(body); cut++ {
		srv := frameServer(t, body[:cut], 3, nil)
		sink, got := collect()
		res := Do(context.Background(), &Request{URL: srv.URL}, sink)
		srv.Close()
		whole := 0
		for i, b := range bounds {
			if b <= cut {
				whole = i
			}
		}
		_, boundary := at[cut]
		want := EndTruncated
		if boundary {
			want = EndComplete
		}
		if res.Reason != want || res.Events != whole || len(res.Lost) != 0 {
			t.Fatalf("cut %d: %s %q, %d events; want %s, %d (of %d)", cut, res.Reason, res.Message, res.Events, want, whole, len(types))
		}
		if !boundary && !strings.Contains(res.Message, "connection closed mid-frame: event-stream frame at byte") {
			t.Fatalf("cut %d: message %q", cut, res.Message)
		}
		if errs := kinds(got(), KindError); len(errs) != map[bool]int{true: 0, false: 1}[boundary] ||
			(!boundary && (errs[0].Error.Code != CodeFrame || errs[0].Error.Message != res.Message)) {
			t.Fatalf("cut %d: error records %+v", cut, errs)
		}
	}
}

// A bad prelude CRC ends the attempt at once as an error (the server
// going on sending does not keep it open); the frames before it count.
func TestEventStreamBadPrelude(t *testing.T) {
	t.Parallel()
	body, _, bounds := converseBody()
	bad := bytes.Clone(body)
	bad[bounds[2]+8] ^= 0xff
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	srv := frameServer(t, bad, 0, func(w http.ResponseWriter, r *http.Request) {
		for {
			select {
			case <-r.Context().Done():
				return
			case <-hold:
				return
			case <-time.After(5 * time.Millisecond):
				w.Write([]byte("more bytes"))
				w.(http.Flusher).Flush()
			}
		}
	})
	sink, got := collect()
	done := make(chan *Result, 1)
	go func() { done <- Do(context.Background(), &Request{URL: srv.URL}, sink) }()
	var res *Result
	select {
	case res = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Do did not return after a bad prelude")
	}
	recs := got()
	checkSeq(t, recs)
	if res.Reason != EndError || res.Code != CodeFrame || res.Events != 2 || !strings.Contains(res.Message, "prelude CRC mismatch") {
		t.Fatalf("%s %s %q events %d", res.Reason, res.Code, res.Message, res.Events)
	}
	errs := kinds(recs, KindError)
	if len(errs) != 1 || errs[0].Error.Code != CodeFrame || !strings.Contains(errs[0].Error.Message, "frame at byte "+strconv.Itoa(bounds[2])) {
		t.Fatalf("error records %+v", errs)
	}
	if len(res.Lost) != 1 || !strings.Contains(res.Lost[0], "was not decoded") {
		t.Fatalf("lost %q", res.Lost)
	}
}

// A bad message CRC drops that frame: an error record, data lost, and
// the stream goes on to the end.
func TestEventStreamBadMessageCRC(t *testing.T) {
	t.Parallel()
	body, types, bounds := converseBody()
	bad := bytes.Clone(body)
	bad[bounds[2]-1] ^= 0x01 // the second frame's message CRC
	srv := frameServer(t, bad, 7, nil)
	sink, got := collect()
	res := Do(context.Background(), &Request{URL: srv.URL}, sink)
	recs := got()
	if res.Reason != EndComplete || res.Events != len(types)-1 {
		t.Fatalf("%s %q events %d", res.Reason, res.Message, res.Events)
	}
	if errs := kinds(recs, KindError); len(errs) != 1 || !strings.Contains(errs[0].Error.Message, "message CRC mismatch") {
		t.Fatalf("errors %+v", errs)
	}
	if len(res.Lost) != 1 || res.Lost[0] != "1 event-stream frame with a bad message CRC dropped" {
		t.Fatalf("lost %q", res.Lost)
	}
}

// A frame declaring more than MaxEventSize is skipped unheld; the body
// ending inside it is a truncation.
func TestEventStreamHugeFrame(t *testing.T) {
	t.Parallel()
	body, _, _ := converseBody()
	p := binary.BigEndian.AppendUint32(nil, 1<<30)
	p = binary.BigEndian.AppendUint32(p, 0)
	p = binary.BigEndian.AppendUint32(p, crc32.ChecksumIEEE(p))
	first := int(binary.BigEndian.Uint32(body))
	huge := append(append(bytes.Clone(body[:first]), p...), make([]byte, 256<<10)...)
	srv := frameServer(t, huge, 0, nil)
	sink, got := collect()
	res := Do(context.Background(), &Request{URL: srv.URL, MaxEventSize: 1 << 20}, sink)
	if res.Reason != EndTruncated || res.Events != 1 || !strings.Contains(res.Message, "before the end of a skipped frame") {
		t.Fatalf("%s %q events %d", res.Reason, res.Message, res.Events)
	}
	errs := kinds(got(), KindError)
	if len(errs) != 2 || !strings.Contains(errs[0].Error.Message, "over the limits") || !strings.Contains(errs[1].Error.Message, "before the end of a skipped frame") {
		t.Fatalf("errors %+v", errs)
	}
	if len(res.Lost) != 1 || !strings.Contains(res.Lost[0], "over the size limit") {
		t.Fatalf("lost %q", res.Lost)
	}
}

// Exceptions are events named after their :exception-type.
func TestEventStreamException(t *testing.T) {
	t.Parallel()
	body, _, bounds := converseBody()
	b := append(bytes.Clone(body[:bounds[2]]), eventstream.ExceptionFrame("modelStreamErrorException",
		[]byte(`{"message":"Model stream error","originalStatusCode":500}`))...)
	srv := frameServer(t, b, 0, nil)
	sink, got := collect()
	Do(context.Background(), &Request{URL: srv.URL}, sink)
	evs := kinds(got(), KindEvent)
	last := evs[len(evs)-1].Event
	if len(evs) != 3 || last.Type != "modelStreamErrorException" || last.Headers[2].Value != "exception" {
		t.Fatalf("events %+v", evs)
	}
}

func TestEventStreamKind(t *testing.T) {
	t.Parallel()
	if k := DetectKind("application/vnd.amazon.eventstream"); k != StreamEventStream {
		t.Errorf("DetectKind = %s", k)
	}
	if k, err := ParseStreamMode("EventStream"); err != nil || k != StreamEventStream {
		t.Errorf("ParseStreamMode = %s, %v", k, err)
	}
	if _, err := ParseStreamMode("binary"); err == nil || !strings.Contains(err.Error(), "eventstream") {
		t.Errorf("ParseStreamMode(binary) = %v", err)
	}
}
