package send

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/sse"
)

// rawServer answers every connection with raw (after reading the request
// head) and then closes it, or with hold keeps it open until the test ends.
// It returns the base URL.
func rawServer(t *testing.T, raw string, hold bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				c.Write([]byte(raw))
				if hold {
					<-done
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// chunked frames s as one HTTP/1.1 chunk.
func chunked(s string) string { return fmt.Sprintf("%x\r\n%s\r\n", len(s), s) }

const sseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

// A body that breaks after the stream's end marker still brought the whole
// stream: complete, with the fault as a warning (item 17 of issue 17: a
// chunked body without its zero-length last chunk after [DONE] made the
// run exit 3). Without the end marker the break still truncates.
func TestFaultAfterEndMarker(t *testing.T) {
	t.Parallel()
	done := sseHead + chunked("data: {\"x\":1}\n\n") + chunked("data: [DONE]\n\n") // no "0\r\n\r\n"
	cases := []struct {
		name    string
		raw     string
		hold    bool
		idle    time.Duration
		marker  bool
		reason  EndReason
		warning string // code of the warning expected ("" none)
		message string
	}{
		{"no zero chunk after the marker", done, false, 0, true, EndComplete, CodeTruncated,
			"after the stream's end marker: connection closed before the end of the body (after 29 bytes); the stream is complete"},
		{"no zero chunk, no marker", done, false, 0, false, EndTruncated, "", ""},
		{"an unterminated event after the marker", done + chunked("data: tr"), false, 0, true, EndComplete, CodeTruncated,
			"; the stream is complete (an unterminated event after the marker was discarded)"},
		{"idle after the marker", done, true, 150 * time.Millisecond, true, EndComplete, CodeIdleTimeout,
			"after the stream's end marker: no data for 150ms; the stream is complete"},
		{"idle, no marker", done, true, 150 * time.Millisecond, false, EndTimeout, "", ""},
		{"content-length short after the marker",
			"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 100\r\n\r\ndata: {}\n\ndata: [DONE]\n\n", false, 0, true, EndComplete, CodeTruncated, "the stream is complete"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := rawServer(t, tc.raw, tc.hold)
			finished := 0
			var recs []Record
			res := Do(context.Background(), &Request{
				URL:         url,
				IdleTimeout: tc.idle,
				EndMarker:   func() bool { return tc.marker },
				Finish: func() (EndReason, string) {
					finished++
					return "", ""
				},
			}, func(r Record) { recs = append(recs, r) })
			checkSeq(t, recs)
			if res.Reason != tc.reason || res.Events != 2 {
				t.Fatalf("reason %s (%s), %d events; want %s, 2", res.Reason, res.Message, res.Events, tc.reason)
			}
			var got []Notice
			for _, w := range kinds(recs, KindWarning) {
				got = append(got, *w.Warning)
			}
			if tc.warning == "" {
				if len(got) != 0 {
					t.Fatalf("warnings %+v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Code != tc.warning || !strings.Contains(got[0].Message, tc.message) {
				t.Fatalf("warnings %+v, want one %s containing %q", got, tc.warning, tc.message)
			}
			if finished != 1 {
				t.Fatalf("Finish asked %d times, want once", finished)
			}
		})
	}
	// A cancel after the marker is still a cancel.
	url := rawServer(t, done, true)
	ctx, cancel := context.WithCancel(context.Background())
	res := Do(ctx, &Request{URL: url, EndMarker: func() bool { return true }}, func(r Record) {
		if r.Kind == KindEvent && r.Event.Data == "[DONE]" {
			cancel()
		}
	})
	if res.Reason != EndCancelled {
		t.Fatalf("cancel after the marker: reason %s", res.Reason)
	}
}

// Events dropped for their size are data lost: the result says so (item 16
// of issue 17), and Finish, asked only for event streams, is not asked for
// a plain body.
func TestDroppedEventsAreLost(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 2000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/plain" {
			w.Write([]byte("data: " + big + "\n\n"))
			return
		}
		sseHandler([]string{"data: " + big + "\n\n", "data: ok\n\n", "data: " + big + "\n\n"}, 0)(w, r)
	}))
	defer srv.Close()
	asked := 0
	finish := func() (EndReason, string) { asked++; return "", "" }
	res := Do(context.Background(), &Request{URL: srv.URL, MaxEventSize: 1000, Finish: finish}, nil)
	if res.Reason != EndComplete || res.Events != 1 || fmt.Sprint(res.Lost) != "[2 events larger than the 1000-byte event size limit dropped]" {
		t.Fatalf("reason %s, %d events, lost %q", res.Reason, res.Events, res.Lost)
	}
	if asked != 1 {
		t.Fatalf("Finish asked %d times for the stream", asked)
	}
	res = Do(context.Background(), &Request{URL: srv.URL + "/plain", MaxEventSize: 1000, Finish: finish}, nil)
	if res.Kind != StreamPlain || len(res.Lost) != 0 || asked != 1 {
		t.Fatalf("plain body: kind %s, lost %q, Finish asked %d times in all", res.Kind, res.Lost, asked)
	}
}

func TestMergeCheck(t *testing.T) {
	t.Parallel()
	errRes := merge.Result{Error: &merge.StreamError{Message: "over\nloaded"}, Events: 1}
	cases := []struct {
		res    merge.Result
		reason EndReason
		msg    string
	}{
		{merge.Result{Complete: true, Events: 3}, EndComplete, ""},
		{errRes, EndError, "error event in the stream: over loaded"},
		{merge.Result{Format: "anthropic", Events: 2}, EndTruncated, "stream ended before the anthropic end marker"},
		{merge.Result{Format: "unknown"}, "", ""},
	}
	for _, tc := range cases {
		if r, m := MergeCheck(tc.res); r != tc.reason || m != tc.msg {
			t.Errorf("MergeCheck(%+v) = %s %q, want %s %q", tc.res, r, m, tc.reason, tc.msg)
		}
	}
}

// FinalResult is the one verdict of the CLI and the app: a plain body is
// merged as one answer, and data lost on the way (events dropped, a plain
// body longer than what was kept) makes any result incomplete.
func TestFinalResult(t *testing.T) {
	t.Parallel()
	complete := merge.Result{Format: "openai-chat", Complete: true, Verdict: merge.VerdictComplete, Events: 4}
	cutOff := merge.Result{Format: "openai-chat", Verdict: merge.VerdictCutOff, Events: 4}
	dropped := sse.DroppedText(1, 16<<20)
	cases := []struct {
		name     string
		streamed merge.Result
		res      Result
		verdict  string
		complete bool
		lost     string
		content  string
	}{
		{"stream complete", complete, Result{Kind: StreamSSE, Status: 200, Reason: EndComplete}, merge.VerdictComplete, true, "[]", ""},
		{"stream with a dropped event", complete, Result{Kind: StreamSSE, Status: 200, Reason: EndComplete, Lost: []string{dropped}},
			merge.VerdictDataLost, false, "[" + dropped + "]", ""},
		{"cut off and dropped stays cut off", cutOff, Result{Kind: StreamSSE, Status: 200, Reason: EndTruncated, Lost: []string{dropped}},
			merge.VerdictCutOff, false, "[" + dropped + "]", ""},
		{"plain body", merge.Result{}, Result{Kind: StreamPlain, Status: 200, Reason: EndComplete, Body: []byte("hello")},
			merge.VerdictComplete, true, "[]", "hello"},
		{"plain body cut at the cap", merge.Result{}, Result{Kind: StreamPlain, Status: 200, Reason: EndComplete, Body: []byte("hel"), BodyTruncated: true},
			merge.VerdictDataLost, false, "[the body is larger than the 3 bytes kept: the rest is not in the result]", "hel"},
		{"plain body broken", merge.Result{}, Result{Kind: StreamPlain, Status: 200, Reason: EndTruncated, Body: []byte("he")},
			merge.VerdictCutOff, false, "[]", "he"},
		{"event stream body kept and cut (a script's copy)", complete, Result{Kind: StreamSSE, Status: 200, Reason: EndComplete, BodyTruncated: true},
			merge.VerdictComplete, true, "[]", ""},
	}
	for _, tc := range cases {
		got := FinalResult(merge.Options{}, tc.streamed, &tc.res)
		if got.Verdict != tc.verdict || got.Complete != tc.complete || fmt.Sprint(got.Lost) != tc.lost || got.Content != tc.content {
			t.Errorf("%s: verdict %s complete %v lost %q content %q; want %s %v %s %q",
				tc.name, got.Verdict, got.Complete, got.Lost, got.Content, tc.verdict, tc.complete, tc.lost, tc.content)
		}
	}
}
