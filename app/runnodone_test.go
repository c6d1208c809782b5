package app

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
)

// TestSendWithoutDone: a run of an OpenAI-style stream that never sends
// [DONE] is complete when every choice sent a finish_reason and the body
// ended cleanly, and cut off when the connection broke after the same
// events.
func TestSendWithoutDone(t *testing.T) {
	t.Parallel()
	const events = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n" +
		"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/clean" {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, events)
			return
		}
		// a chunked body whose last chunk never comes: an unexpected EOF
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(events), events)
		buf.Flush()
	}))
	t.Cleanup(srv.Close)
	a, rt := runApp(t)
	for _, tc := range []struct {
		path     string
		complete bool
		verdict  string
	}{{"/clean", true, merge.VerdictComplete}, {"/cut", false, merge.VerdictCutOff}} {
		ep := &project.Endpoint{Name: "nodone", Method: "GET", URL: srv.URL + tc.path}
		st, err := a.Run.Send(RunRequest{Endpoint: ep})
		if err != nil {
			t.Fatal(err)
		}
		bs := waitDone(t, rt, st.Event)
		done := bs[len(bs)-1].Done
		if done.Complete != tc.complete || done.Verdict != tc.verdict {
			t.Errorf("%s: done %+v", tc.path, done)
		}
		res, err := a.Run.Result(st.RunID)
		if err != nil || res.Merge.Content != "Hi" || res.Merge.Complete != tc.complete {
			t.Errorf("%s: result %+v %v", tc.path, res.Merge, err)
		}
	}
}
