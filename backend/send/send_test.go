package send

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// collect returns a sink that keeps every record and a getter for them.
func collect() (Sink, func() []Record) {
	var recs []Record
	return func(r Record) { recs = append(recs, r) }, func() []Record { return recs }
}

func kinds(recs []Record, k Kind) []Record {
	var out []Record
	for _, r := range recs {
		if r.Kind == k {
			out = append(out, r)
		}
	}
	return out
}

func eventData(recs []Record) []string {
	var out []string
	for _, r := range kinds(recs, KindEvent) {
		out = append(out, r.Event.Data)
	}
	return out
}

// checkSeq verifies the timeline invariants: seq from 1 without gaps,
// monotonic offsets, exactly one end record and it is last.
func checkSeq(t *testing.T, recs []Record) {
	t.Helper()
	if len(recs) == 0 {
		t.Fatal("no records")
	}
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d", i, r.Seq)
		}
		if i > 0 && r.At < recs[i-1].At {
			t.Fatalf("record %d goes back in time", i)
		}
	}
	if len(kinds(recs, KindEnd)) != 1 || recs[len(recs)-1].Kind != KindEnd {
		t.Fatalf("want exactly one end record, last")
	}
}

func sseHandler(events []string, gap time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, e := range events {
			io.WriteString(w, e)
			w.(http.Flusher).Flush()
			if gap > 0 {
				time.Sleep(gap)
			}
		}
	}
}

func TestStreamKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, ctype, body string
		mode              StreamKind
		wantKind          StreamKind
		wantEvents        []string
		wantWarning       bool
	}{
		{"sse", "text/event-stream; charset=utf-8", "data: a\n\n: ping\n\ndata: b\nid: 7\n\n", "", StreamSSE, []string{"a", "b"}, false},
		{"ndjson", "application/x-ndjson", "{\"a\":1}\n\n{\"b\":2}\n", StreamAuto, StreamNDJSON, []string{`{"a":1}`, `{"b":2}`}, false},
		{"jsonl", "application/jsonl", "1\n2", "", StreamNDJSON, []string{"1", "2"}, false},
		{"x-jsonlines", "application/x-jsonlines", "1\n", "", StreamNDJSON, []string{"1"}, false},
		{"plain", "application/json", "data: x\n\n", "", StreamPlain, nil, false},
		{"forced sse", "text/plain", "data: x\n\n", StreamSSE, StreamSSE, []string{"x"}, true},
		{"forced ndjson", "text/event-stream", "data: x\n\n", StreamNDJSON, StreamNDJSON, []string{"data: x"}, true},
		{"forced plain", "text/event-stream", "data: x\n\n", StreamPlain, StreamPlain, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			sink, got := collect()
			res := Do(context.Background(), &Request{URL: srv.URL, StreamMode: tc.mode}, sink)
			recs := got()
			checkSeq(t, recs)
			if res.Reason != EndComplete || res.Kind != tc.wantKind {
				t.Fatalf("reason %s (%s), kind %s; want complete, %s", res.Reason, res.Message, res.Kind, tc.wantKind)
			}
			if g := eventData(recs); fmt.Sprint(g) != fmt.Sprint(tc.wantEvents) {
				t.Fatalf("events %q, want %q", g, tc.wantEvents)
			}
			if string(res.Body) != tc.body {
				t.Fatalf("body %q, want %q", res.Body, tc.body)
			}
			if w := kinds(recs, KindWarning); (len(w) == 1 && w[0].Warning.Code == CodeKindOverride) != tc.wantWarning {
				t.Fatalf("warnings %+v, want override warning %v", w, tc.wantWarning)
			}
		})
	}
}

func TestTimelineOfSSEStream(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(sseHandler([]string{
		"retry: 1500\n", ": heartbeat\n\n", "event: delta\ndata: {\"x\":1}\nid: a\n\n", "data: two\n\n",
	}, 2*time.Millisecond))
	defer srv.Close()
	sink, got := collect()
	res := Do(context.Background(), &Request{
		Method: "post", URL: srv.URL + "/v1?x=1", Body: []byte(`{}`), Header: map[string][]string{"Authorization": {"Bearer sk-secret"}},
		Query: map[string][]string{"api_key": {"k"}},
	}, sink)
	recs := got()
	checkSeq(t, recs)
	if recs[0].Kind != KindRequestSent || recs[1].Kind != KindResponseHeaders {
		t.Fatalf("first records %s, %s", recs[0].Kind, recs[1].Kind)
	}
	req := recs[0].Request
	if req.Method != "POST" || req.BodySize != 2 || req.Header.Get("Authorization") != "Bearer [redacted]" ||
		strings.Contains(req.URL, "=k") || req.Header.Get("Accept-Encoding") != "identity" {
		t.Fatalf("request record %+v", req)
	}
	resp := recs[1].Response
	if resp.Status != 200 || resp.StreamKind != StreamSSE || resp.Proto != "HTTP/1.1" || resp.Timing.TTFBMS <= 0 || resp.Timing.ConnectMS <= 0 {
		t.Fatalf("response record %+v", resp)
	}
	evs := kinds(recs, KindEvent)
	if len(evs) != 2 || evs[0].Event.Type != "delta" || evs[0].Event.ID != "a" || evs[1].Event.ID != "a" || evs[1].Event.Index != 2 {
		t.Fatalf("events %+v", evs)
	}
	if c := kinds(recs, KindComment); len(c) != 1 || c[0].Text != " heartbeat" {
		t.Fatalf("comments %+v", c)
	}
	if len(kinds(recs, KindChunk)) < 2 {
		t.Fatalf("want several chunks, got %d", len(kinds(recs, KindChunk)))
	}
	end := recs[len(recs)-1].End
	if end.Reason != EndComplete || end.Events != 2 || res.RetryMS != 1500 || res.LastEventID != "a" ||
		end.Timing.FirstEventMS < end.Timing.TTFBMS || end.Timing.DurationMS < end.Timing.FirstEventMS {
		t.Fatalf("end %+v, result %+v", end, res)
	}
}

// connCounter counts a test server's open connections.
type connCounter struct {
	mu     sync.Mutex
	open   int
	closed chan time.Time
}

func newCountingServer(h http.Handler) (*httptest.Server, *connCounter) {
	cc := &connCounter{closed: make(chan time.Time, 16)}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		switch s {
		case http.StateNew:
			cc.open++
		case http.StateClosed, http.StateHijacked:
			cc.open--
			cc.closed <- time.Now()
		}
	}
	srv.Start()
	return srv, cc
}

func (c *connCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open
}

func TestCancelClosesConnection(t *testing.T) {
	t.Parallel()
	srv, cc := newCountingServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			io.WriteString(w, "data: tick\n\n")
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
			}
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var cancelledAt time.Time
	var once sync.Once
	res := Do(ctx, &Request{URL: srv.URL}, func(r Record) {
		if r.Kind == KindEvent && r.Event.Index == 3 {
			once.Do(func() {
				if cc.count() != 1 {
					t.Errorf("open connections %d, want 1", cc.count())
				}
				cancelledAt = time.Now()
				cancel()
			})
		}
	})
	if res.Reason != EndCancelled {
		t.Fatalf("reason %s (%s), want cancelled", res.Reason, res.Message)
	}
	select {
	case closedAt := <-cc.closed:
		d := closedAt.Sub(cancelledAt)
		t.Logf("server saw the close %s after cancel", d)
		if d > 100*time.Millisecond {
			t.Fatalf("server saw the connection close %s after cancel, want < 100ms", d)
		}
	case <-time.After(time.Second):
		t.Fatal("server connection still open 1s after cancel")
	}
	if cc.count() != 0 {
		t.Fatalf("open connections %d after cancel", cc.count())
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		req     Request
		code    string
		msg     string
		events  int
	}{
		{"never answers", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			Request{HeaderTimeout: 50 * time.Millisecond}, CodeHeaderTimeout, "no response headers after 50ms", 0},
		{"stalls mid-stream", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: one\n\ndata: tw")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, Request{IdleTimeout: 60 * time.Millisecond}, CodeIdleTimeout, "no data for 60ms", 1},
		{"heartbeats keep it alive", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			for range 20 { // 800ms in all, never 400ms without a byte (margin for loaded CI machines)
				io.WriteString(w, ":\n")
				w.(http.Flusher).Flush()
				time.Sleep(40 * time.Millisecond)
			}
			io.WriteString(w, "data: done\n\n")
		}, Request{IdleTimeout: 400 * time.Millisecond, HeaderTimeout: 300 * time.Millisecond}, "", "", 1}, // the header timeout ends with the headers
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			req := tc.req
			req.URL = srv.URL
			sink, got := collect()
			start := time.Now()
			res := Do(context.Background(), &req, sink)
			checkSeq(t, got())
			if tc.code == "" {
				if res.Reason != EndComplete || res.Events != tc.events {
					t.Fatalf("reason %s (%s), events %d", res.Reason, res.Message, res.Events)
				}
				return
			}
			if res.Reason != EndTimeout || res.Code != tc.code || res.Message != tc.msg || res.Events != tc.events {
				t.Fatalf("got %s/%s %q events %d; want timeout/%s %q events %d", res.Reason, res.Code, res.Message, res.Events, tc.code, tc.msg, tc.events)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %s", d)
			}
		})
	}
}

// hijackClose writes raw bytes on the connection and closes it.
func hijackClose(w http.ResponseWriter, raw string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	buf.WriteString(raw)
	buf.Flush()
	conn.Close()
}

func TestTruncation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		finish  func() (EndReason, string)
		reason  EndReason
		events  int
	}{
		{"closed mid-event", sseHandler([]string{"data: one\n\n", "data: tw"}, 0), nil, EndTruncated, 1},
		{"chunked body cut", func(w http.ResponseWriter, r *http.Request) {
			hijackClose(w, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\nb\r\ndata: one\n\n\r\n5\r\ndata:")
		}, nil, EndTruncated, 1},
		{"content-length short", func(w http.ResponseWriter, r *http.Request) {
			hijackClose(w, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 100\r\n\r\ndata: one\n\n")
		}, nil, EndTruncated, 1},
		{"no end marker per caller", sseHandler([]string{"data: one\n\n"}, 0),
			func() (EndReason, string) { return EndTruncated, "no [DONE]" }, EndTruncated, 1},
		{"error event per caller", sseHandler([]string{"data: one\n\n"}, 0),
			func() (EndReason, string) { return EndError, "overloaded" }, EndError, 1},
		{"caller accepts", sseHandler([]string{"data: one\n\n"}, 0),
			func() (EndReason, string) { return "", "" }, EndComplete, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			sink, got := collect()
			res := Do(context.Background(), &Request{URL: srv.URL, Finish: tc.finish}, sink)
			checkSeq(t, got())
			if res.Reason != tc.reason || res.Events != tc.events || (tc.reason != EndComplete && res.Message == "") {
				t.Fatalf("got %s %q events %d; want %s events %d", res.Reason, res.Message, res.Events, tc.reason, tc.events)
			}
		})
	}
}

func compressHandler(enc string, events []string, gap time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Content-Encoding", enc)
		var zw interface {
			io.Writer
			Flush() error
			Close() error
		}
		switch enc {
		case "gzip":
			zw = gzip.NewWriter(w)
		case "br":
			zw = brotli.NewWriter(w)
		}
		for _, e := range events {
			io.WriteString(zw, e)
			if gap > 0 {
				zw.Flush()
				w.(http.Flusher).Flush()
				time.Sleep(gap)
			}
		}
		zw.Close()
	}
}

func TestCompression(t *testing.T) {
	t.Parallel()
	events := []string{"data: a\n\n", "data: b\n\n", "data: c\n\n", "data: d\n\n"}
	for _, enc := range []string{"gzip", "br"} {
		for _, gap := range []time.Duration{0, 25 * time.Millisecond} {
			t.Run(fmt.Sprintf("%s gap %s", enc, gap), func(t *testing.T) {
				t.Parallel()
				srv := httptest.NewServer(compressHandler(enc, events, gap))
				defer srv.Close()
				sink, got := collect()
				res := Do(context.Background(), &Request{URL: srv.URL, Compression: true}, sink)
				recs := got()
				checkSeq(t, recs)
				if res.Reason != EndComplete || fmt.Sprint(eventData(recs)) != "[a b c d]" {
					t.Fatalf("reason %s (%s) events %q", res.Reason, res.Message, eventData(recs))
				}
				if ae := recs[0].Request.Header.Get("Accept-Encoding"); ae != "gzip, br" {
					t.Fatalf("Accept-Encoding %q", ae)
				}
				if recs[1].Response.Encoding != enc || res.WireBytes == res.Bytes {
					t.Fatalf("encoding %q wire %d decoded %d", recs[1].Response.Encoding, res.WireBytes, res.Bytes)
				}
				buffered := false
				for _, w := range kinds(recs, KindWarning) {
					buffered = buffered || w.Warning.Code == CodeCompressedBuffered
				}
				if buffered != (gap == 0) {
					t.Fatalf("buffered warning %v, want %v", buffered, gap == 0)
				}
				if gap > 0 {
					evs := kinds(recs, KindEvent)
					if spread := evs[3].At - evs[0].At; spread < gap {
						t.Fatalf("events not decoded as they arrived: spread %s", spread)
					}
				}
			})
		}
	}
}

func TestBadCompressedBody(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, enc, body string }{
		{"not gzip", "gzip", "data: plain\n\n"},
		{"not brotli", "br", "\xff\xff\xff\xff data"},
		{"unknown", "zstd", "data: x\n\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.Header().Set("Content-Encoding", tc.enc)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			sink, got := collect()
			res := Do(context.Background(), &Request{URL: srv.URL}, sink)
			recs := got()
			checkSeq(t, recs)
			if tc.enc == "zstd" {
				if w := kinds(recs, KindWarning); len(w) != 1 || w[0].Warning.Code != CodeUnknownEncoding || res.Events != 1 {
					t.Fatalf("warnings %+v events %d", w, res.Events)
				}
				return
			}
			if res.Reason != EndError || res.Code != CodeDecode || !strings.Contains(res.Message, tc.enc) {
				t.Fatalf("got %s/%s %q", res.Reason, res.Code, res.Message)
			}
		})
	}
}

func TestBadBodies(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	binary := make([]byte, 200<<10)
	for i := range binary {
		binary[i] = byte(rng.UintN(256))
	}
	cases := []struct {
		name      string
		body      []byte
		ctype     string
		warnUTF8  bool
		minEvents int
	}{
		{"binary as sse", binary, "text/event-stream", true, 0},
		{"binary as ndjson", binary, "application/x-ndjson", true, 1},
		{"binary plain", binary, "application/octet-stream", false, 0},
		{"invalid utf-8 event", []byte("data: a\xffb\n\n"), "text/event-stream", true, 1},
		{"valid multibyte", []byte("data: héllo €\n\n"), "text/event-stream", false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.Write(tc.body)
			}))
			defer srv.Close()
			sink, got := collect()
			res := Do(context.Background(), &Request{URL: srv.URL}, sink)
			recs := got()
			checkSeq(t, recs)
			if !bytes.Equal(res.Body, tc.body) || res.Events < tc.minEvents {
				t.Fatalf("body kept %d of %d bytes, events %d", len(res.Body), len(tc.body), res.Events)
			}
			warned := false
			for _, w := range kinds(recs, KindWarning) {
				warned = warned || w.Warning.Code == CodeInvalidUTF8
			}
			if warned != tc.warnUTF8 {
				t.Fatalf("invalid UTF-8 warning %v, want %v", warned, tc.warnUTF8)
			}
		})
	}
}

func TestHugeLine(t *testing.T) {
	t.Parallel()
	size := 100 << 20
	if testing.Short() || raceEnabled {
		size = 24 << 20 // still 24 times the cap; keeps -race runs fast
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		bw := bufio.NewWriterSize(w, 64<<10)
		bw.WriteString("data: small\n\ndata: ")
		block := bytes.Repeat([]byte("x"), 64<<10)
		for n := 0; n < size; n += len(block) {
			bw.Write(block)
		}
		bw.WriteString("\n\ndata: after\n\n")
		bw.Flush()
	}))
	defer srv.Close()
	var tooLarge []Record
	var events []string
	res := Do(context.Background(), &Request{URL: srv.URL, MaxEventSize: 1 << 20, MaxBody: 1 << 20}, func(r Record) {
		switch r.Kind {
		case KindError:
			tooLarge = append(tooLarge, r)
		case KindEvent:
			events = append(events, r.Event.Data)
		}
	})
	if res.Reason != EndComplete || fmt.Sprint(events) != "[small after]" {
		t.Fatalf("reason %s (%s), events %q", res.Reason, res.Message, events)
	}
	if len(tooLarge) != 1 || tooLarge[0].Error.Code != CodeEventTooLarge || !strings.Contains(tooLarge[0].Error.Message, "limit") {
		t.Fatalf("error records %+v", tooLarge)
	}
	if len(res.Body) != 1<<20 || !res.BodyTruncated || res.Bytes < int64(size) {
		t.Fatalf("kept %d bytes (truncated %v), read %d", len(res.Body), res.BodyTruncated, res.Bytes)
	}
}

func TestRetryOn429(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.Header().Set("Retry-After", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			sseHandler([]string{"data: ok\n\n"}, 0)(w, r)
		}
	}))
	defer srv.Close()

	sink, got := collect()
	res := Do(context.Background(), &Request{URL: srv.URL, Retry: Retry{Enabled: true}}, sink)
	recs := got()
	checkSeq(t, recs)
	retries := kinds(recs, KindRetry)
	if res.Reason != EndComplete || res.Attempts != 3 || len(retries) != 2 || retries[0].Retry.Reason != "HTTP 429" ||
		retries[1].Retry.Reason != "HTTP 503" || retries[1].Retry.NextAttempt != 3 || res.Events != 1 {
		t.Fatalf("reason %s attempts %d retries %+v events %d", res.Reason, res.Attempts, retries, res.Events)
	}

	// Without the option a 429 is the answer.
	calls.Store(0)
	res = Do(context.Background(), &Request{URL: srv.URL}, nil)
	if res.Status != 429 || res.Attempts != 1 || res.Reason != EndComplete {
		t.Fatalf("status %d attempts %d reason %s", res.Status, res.Attempts, res.Reason)
	}
	// A retry that then gets no answer is a timeout, not the earlier 429.
	srvSilent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		<-r.Context().Done()
	}))
	defer srvSilent.Close()
	calls.Store(0)
	res = Do(context.Background(), &Request{URL: srvSilent.URL, HeaderTimeout: 300 * time.Millisecond, Retry: Retry{Enabled: true}}, nil)
	if res.Status != 0 || res.Reason != EndTimeout || res.Attempts != 2 {
		t.Fatalf("status %d reason %s attempts %d", res.Status, res.Reason, res.Attempts)
	}
	// Attempts run out: the last 429 is read as the answer.
	calls.Store(0)
	res = Do(context.Background(), &Request{URL: srv.URL, Retry: Retry{Enabled: true, MaxAttempts: 1}}, nil)
	if res.Status != 503 || res.Attempts != 2 {
		t.Fatalf("status %d attempts %d", res.Status, res.Attempts)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"Fri, 02 Jan 2026 03:04:15 GMT", 10 * time.Second, true},
		{"Fri, 02 Jan 2026 03:00:00 GMT", 0, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		d, ok := ParseRetryAfter(tc.in, now)
		if d != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, d, ok, tc.want, tc.ok)
		}
	}
	r := Retry{MaxWait: 5 * time.Second, Fallback: 2 * time.Second}
	if w := r.wait("3600", now); w != 5*time.Second {
		t.Errorf("cap: %s", w)
	}
	if w := r.wait("junk", now); w != 2*time.Second {
		t.Errorf("fallback: %s", w)
	}
}

func TestReconnectSendsLastEventID(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var gotID atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			sseHandler([]string{"retry: 10\nid: 41\ndata: one\n\n", "id: 42\ndata: cut"}, 0)(w, r)
			return
		}
		gotID.Store(r.Header.Get("Last-Event-ID"))
		sseHandler([]string{"data: two\n\n"}, 0)(w, r)
	}))
	defer srv.Close()
	sink, got := collect()
	res := Do(context.Background(), &Request{URL: srv.URL, Reconnect: Reconnect{Enabled: true}}, sink)
	recs := got()
	checkSeq(t, recs)
	rc := kinds(recs, KindReconnect)
	if len(rc) != 1 || rc[0].Retry.WaitMS != 10 || rc[0].Retry.LastEventID != "41" || gotID.Load() != "41" {
		t.Fatalf("reconnects %+v, server got Last-Event-ID %v", rc, gotID.Load())
	}
	evs := kinds(recs, KindEvent)
	if res.Reason != EndComplete || len(evs) != 2 || evs[1].Event.ID != "41" || evs[1].Attempt != 2 {
		t.Fatalf("reason %s events %+v", res.Reason, evs)
	}
	// NDJSON streams are not reopened (no event IDs to resume from).
	nd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hijackClose(w, "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: 50\r\n\r\n{}\n")
	}))
	defer nd.Close()
	if res := Do(context.Background(), &Request{URL: nd.URL, Reconnect: Reconnect{Enabled: true, Delay: time.Millisecond}}, nil); res.Reason != EndTruncated || res.Attempts != 1 {
		t.Fatalf("ndjson: reason %s attempts %d", res.Reason, res.Attempts)
	}
	// Without the option the cut stream is the end.
	calls.Store(0)
	res = Do(context.Background(), &Request{URL: srv.URL}, nil)
	if res.Reason != EndTruncated || res.Attempts != 1 {
		t.Fatalf("reason %s attempts %d", res.Reason, res.Attempts)
	}
}

// A stream's `retry:` (or the configured delay) cannot make a reconnect
// wait longer than MaxReconnectDelay, and the cap shows as a warning just
// before the reconnect record (item 18 of issue 17: `retry: 99999999999`
// made the wait three years).
func TestReconnectDelayIsCapped(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		retry string
		delay time.Duration
		want  string
	}{
		{"retry field", "retry: 99999999999\n", 0, "the stream's retry: field asks for 99999999999 ms: the wait before reconnecting is capped at 1m0s"},
		{"retry field past a Duration", "retry: 9223372036854775807\n", 0, "asks for 9223372036854775807 ms"},
		{"configured delay", "", 2 * time.Hour, "the reconnect delay is 2h0m0s: the wait before reconnecting is capped at 1m0s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(sseHandler([]string{tc.retry + "data: one\n\n", "data: cut"}, 0))
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var recs []Record
			res := Do(ctx, &Request{URL: srv.URL, Reconnect: Reconnect{Enabled: true, Delay: tc.delay}}, func(r Record) {
				recs = append(recs, r)
				if r.Kind == KindReconnect {
					cancel() // the wait itself is not waited for
				}
			})
			rc := kinds(recs, KindReconnect)
			if len(rc) != 1 || rc[0].Retry.WaitMS != 60000 {
				t.Fatalf("reconnect records %+v, want one waiting 60000 ms", rc)
			}
			w := recs[rc[0].Seq-2]
			if w.Kind != KindWarning || w.Warning.Code != CodeReconnectCapped || !strings.Contains(w.Warning.Message, tc.want) {
				t.Errorf("record before the reconnect: %+v, want a %s warning containing %q", w, CodeReconnectCapped, tc.want)
			}
			if res.Reason != EndCancelled {
				t.Errorf("reason %s", res.Reason)
			}
		})
	}
	// Under the cap nothing is said.
	srv := httptest.NewServer(sseHandler([]string{"retry: 60000\ndata: one\n\n", "data: cut"}, 0))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var warned bool
	Do(ctx, &Request{URL: srv.URL, Reconnect: Reconnect{Enabled: true}}, func(r Record) {
		warned = warned || r.Kind == KindWarning
		if r.Kind == KindReconnect {
			if r.Retry.WaitMS != 60000 {
				t.Errorf("wait %v ms, want 60000", r.Retry.WaitMS)
			}
			cancel()
		}
	})
	if warned {
		t.Error("a warning for a retry: at the cap")
	}
}

func TestCancelDuringRetryWait(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	res := Do(ctx, &Request{URL: srv.URL, Retry: Retry{Enabled: true}}, func(r Record) {
		if r.Kind == KindRetry {
			cancel()
		}
	})
	if res.Reason != EndCancelled || time.Since(start) > time.Second {
		t.Fatalf("reason %s after %s", res.Reason, time.Since(start))
	}
}

func TestRequestErrors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"empty url", Request{}, "request URL is empty"},
		{"bad scheme", Request{URL: "ftp://x"}, "scheme must be http or https"},
		{"no host", Request{URL: "http://"}, "no host"},
		{"bad header", Request{URL: "http://x", Header: map[string][]string{"X": {"a\nb"}}}, `header "X"`},
		{"bad auth", Request{URL: "http://x", Auth: &Auth{Type: "digest"}}, `auth type "digest"`},
		{"refused", Request{URL: closed}, "cannot connect to " + strings.TrimPrefix(closed, "http://") + ": "},
		{"unknown host", Request{URL: "http://nohost.invalid/"}, "cannot resolve nohost.invalid: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sink, got := collect()
			res := Do(context.Background(), &tc.req, sink)
			checkSeq(t, got())
			if res.Reason != EndError || !strings.Contains(res.Message, tc.want) {
				t.Fatalf("got %s %q, want error containing %q", res.Reason, res.Message, tc.want)
			}
		})
	}
}

func TestAuthAndHeaders(t *testing.T) {
	t.Parallel()
	var seen http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		seen.Set("X-Method", r.Method)
		seen.Set("X-Query", r.URL.RawQuery)
	}))
	defer srv.Close()
	cases := []struct {
		req  Request
		name string
		want map[string]string
	}{
		{Request{Auth: &Auth{Type: "bearer", Token: "t0k"}}, "bearer", map[string]string{"Authorization": "Bearer t0k", "X-Method": "GET"}},
		{Request{Auth: &Auth{Type: "Basic", Username: "u", Password: "p"}}, "basic", map[string]string{"Authorization": "Basic dTpw"}},
		{Request{Auth: &Auth{Type: "bearer", Token: "x"}, Header: map[string][]string{"Authorization": {"Custom y"}}}, "header wins", map[string]string{"Authorization": "Custom y"}},
		{Request{Body: []byte("{}"), Query: map[string][]string{"b": {"2"}}}, "post and query", map[string]string{"X-Method": "POST", "X-Query": "a=1&b=2"}},
		{Request{Header: map[string][]string{"Accept-Encoding": {"gzip"}}}, "own encoding", map[string]string{"Accept-Encoding": "gzip"}},
	}
	for _, tc := range cases {
		req := tc.req
		req.URL = srv.URL + "?a=1"
		if res := Do(context.Background(), &req, nil); res.Reason != EndComplete {
			t.Fatalf("%s: %s", tc.name, res.Message)
		}
		for k, v := range tc.want {
			if seen.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, seen.Get(k), v)
			}
		}
	}
}

func TestHTTPErrorStatusIsRead(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"bad key"}`)
	}))
	defer srv.Close()
	res := Do(context.Background(), &Request{URL: srv.URL}, nil)
	if res.Status != 401 || res.StatusText != "Unauthorized" || string(res.Body) != `{"error":"bad key"}` || res.Reason != EndComplete {
		t.Fatalf("%+v", res)
	}
}

func TestKeepBody(t *testing.T) {
	t.Parallel()
	const stream = "data: one\n\ndata: two\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/plain" {
			w.Header().Set("Content-Type", "text/plain")
		} else {
			w.Header().Set("Content-Type", "text/event-stream")
		}
		io.WriteString(w, stream)
	}))
	t.Cleanup(srv.Close)
	cases := []struct {
		name     string
		path     string
		keep     func(int, StreamKind) bool
		wantBody string
		wantKind StreamKind
	}{
		{"nil keeps", "/sse", nil, stream, StreamSSE},
		{"true keeps", "/sse", func(int, StreamKind) bool { return true }, stream, StreamSSE},
		{"false drops", "/sse", func(int, StreamKind) bool { return false }, "", StreamSSE},
		{"by kind: sse dropped", "/sse", func(_ int, k StreamKind) bool { return k == StreamPlain }, "", StreamSSE},
		{"by kind: plain kept", "/plain", func(_ int, k StreamKind) bool { return k == StreamPlain }, stream, StreamPlain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var asked []string
			keep := tc.keep
			if keep != nil {
				keep = func(status int, k StreamKind) bool {
					asked = append(asked, fmt.Sprintf("%d %s", status, k))
					return tc.keep(status, k)
				}
			}
			sink, got := collect()
			res := Do(context.Background(), &Request{URL: srv.URL + tc.path, KeepBody: keep}, sink)
			recs := got()
			checkSeq(t, recs)
			if string(res.Body) != tc.wantBody || res.BodyTruncated || res.Bytes != int64(len(stream)) || res.Kind != tc.wantKind {
				t.Fatalf("body %q (truncated %v), %d bytes read, kind %s", res.Body, res.BodyTruncated, res.Bytes, res.Kind)
			}
			if tc.wantKind == StreamSSE && fmt.Sprint(eventData(recs)) != "[one two]" {
				t.Fatalf("events %q", eventData(recs))
			}
			if keep != nil && fmt.Sprint(asked) != fmt.Sprintf("[200 %s]", tc.wantKind) {
				t.Fatalf("KeepBody asked %q", asked)
			}
			var chunked int
			for _, r := range kinds(recs, KindChunk) {
				chunked += len(r.Chunk.Data)
			}
			if chunked != len(stream) {
				t.Fatalf("chunk records carry %d bytes, want %d", chunked, len(stream))
			}
		})
	}
}
