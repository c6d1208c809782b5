package app

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
)

// The app's verdict is the CLI's (send.MergeCheck, send.FinalResult): data
// lost makes a run incomplete (item 16 of issue 17), a body that breaks
// after the end marker is complete (item 17), and a reconnected stream
// goes on merging.
func TestRunVerdict(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 17<<20) // over the 16 MiB event limit and plainMergeMax
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big-event":
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""+big+"\"}}]}\n\n"+
				"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"end\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
		case "/big-plain":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, big)
		case "/reconnect":
			w.Header().Set("Content-Type", "text/event-stream")
			if calls.Add(1) == 1 {
				io.WriteString(w, "id: 1\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n")
				return // closed before [DONE]: reopened
			}
			io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
		}
	}))
	defer srv.Close()
	noZeroChunk := rawChunked(t, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n", "data: [DONE]\n\n")
	a, rt := newTestApp(t, Options{})
	a.Startup(rt)
	cases := []struct {
		name, url, reason, verdict string
		complete                   bool
		content, warning           string
		reconnect                  bool
	}{
		{"event over the limit", srv.URL + "/big-event", "complete", merge.VerdictDataLost, false, "end",
			"data lost: 1 event larger than the 16777216-byte event size limit dropped", false},
		{"plain body over the merged size", srv.URL + "/big-plain", "complete", merge.VerdictDataLost, false, "",
			"data lost: the body is larger than the 16777216 bytes kept: the rest is not in the result", false},
		{"no zero chunk after [DONE]", noZeroChunk, "complete", merge.VerdictComplete, true, "Hi", "", false},
		{"reconnected stream merged whole", srv.URL + "/reconnect", "complete", merge.VerdictComplete, true, "Hello", "", true},
	}
	for _, tc := range cases {
		ep := &project.Endpoint{Name: "v", Method: "GET", URL: tc.url}
		if tc.reconnect {
			ep.Reconnect = &project.Reconnect{Enabled: true, DelayMS: 1}
		}
		st, err := a.Run.Send(RunRequest{Endpoint: ep})
		if err != nil {
			t.Fatal(err)
		}
		bs := waitDone(t, rt, st.Event)
		done := bs[len(bs)-1].Done
		res, err := a.Run.Result(st.RunID)
		if err != nil {
			t.Fatal(err)
		}
		if done.Reason != tc.reason || done.Verdict != tc.verdict || done.Complete != tc.complete || res.Merge.Verdict != tc.verdict {
			t.Errorf("%s: done %s/%s complete %v (%s), result verdict %s; want %s/%s %v",
				tc.name, done.Reason, done.Verdict, done.Complete, done.Message, res.Merge.Verdict, tc.reason, tc.verdict, tc.complete)
		}
		if tc.content != "" && res.Merge.Content != tc.content {
			t.Errorf("%s: content %q, want %q", tc.name, res.Merge.Content, tc.content)
		}
		var warnings []string
		for _, b := range bs {
			if b.Merge != nil {
				warnings = b.Merge.Warnings
			}
		}
		if tc.warning != "" && fmt.Sprint(warnings) != "["+tc.warning+"]" {
			t.Errorf("%s: merge warnings %q, want [%s]", tc.name, warnings, tc.warning)
		}
		// a UI that reloads gets the same warnings from the snapshot
		snap, err := a.Run.Snapshot(st.RunID)
		if err != nil || fmt.Sprint(snap.Merge.Warnings) != fmt.Sprint(warnings) {
			t.Errorf("%s: snapshot warnings %q, the batches' %q (%v)", tc.name, snap.Merge.Warnings, warnings, err)
		}
	}
}

// rawChunked serves an SSE body of the given chunks without the chunked
// encoding's last (zero-length) chunk, then closes the connection.
func rawChunked(t *testing.T, chunks ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	raw := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, c := range chunks {
		raw += fmt.Sprintf("%x\r\n%s\r\n", len(c), c)
	}
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
					if line, err := br.ReadString('\n'); err != nil || line == "\r\n" {
						break
					}
				}
				c.Write([]byte(raw))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}
