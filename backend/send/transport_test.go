package send

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/mockllm"
)

func TestTLSAndHTTP2Timings(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(sseHandler([]string{"data: a\n\n", "data: b\n\n"}, time.Millisecond))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	sink, got := collect()
	res := (&Sender{Client: srv.Client()}).Do(context.Background(), &Request{URL: srv.URL}, sink)
	recs := got()
	checkSeq(t, recs)
	resp := recs[1].Response
	if res.Reason != EndComplete || res.Events != 2 || resp.Proto != "HTTP/2.0" || resp.Timing.TLSMS <= 0 || resp.Timing.ConnectMS <= 0 {
		t.Fatalf("reason %s events %d proto %s timing %+v", res.Reason, res.Events, resp.Proto, resp.Timing)
	}
}

func TestDNSTiming(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(sseHandler([]string{"data: a\n\n"}, 0))
	defer srv.Close()
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	sink, got := collect()
	res := Do(context.Background(), &Request{URL: url}, sink)
	if res.Reason != EndComplete {
		t.Skipf("localhost does not resolve to the test server here: %s", res.Message)
	}
	if tm := got()[1].Response.Timing; tm.DNSMS <= 0 {
		t.Fatalf("no DNS time for localhost: %+v", tm)
	}
}

// TestCancelAgainstMock cancels a paced mock LLM stream and watches the
// mock's own connection counter drop to zero.
func TestCancelAgainstMock(t *testing.T) {
	t.Parallel()
	mock := mockllm.New(mockllm.Options{TokensPerSecond: 200})
	srv := httptest.NewUnstartedServer(mock)
	srv.Config.ConnState = mock.ConnState
	srv.Start()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled time.Time
	res := Do(ctx, &Request{Method: "POST", URL: srv.URL + "/v1/chat/completions", Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"a long answer please"}]}`)},
		func(r Record) {
			if r.Kind == KindEvent && r.Event.Index == 3 {
				if n := mock.OpenConnections(); n != 1 {
					t.Errorf("mock has %d open connections mid-stream, want 1", n)
				}
				cancelled = time.Now()
				cancel()
			}
		})
	// Events already received in the same read may still be delivered.
	if res.Reason != EndCancelled || res.Events < 3 || res.Events >= 28 {
		t.Fatalf("reason %s events %d", res.Reason, res.Events)
	}
	for mock.OpenConnections() != 0 {
		if time.Since(cancelled) > time.Second {
			t.Fatalf("mock still has %d open connections 1s after cancel", mock.OpenConnections())
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("mock connection closed %s after cancel", time.Since(cancelled))
}
