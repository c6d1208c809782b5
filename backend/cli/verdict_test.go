package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/run"
	"github.com/streamscope/streamscope/backend/send"
)

// rawHTTP serves raw on every connection (after its request head) and
// closes it: a server that breaks the HTTP framing on purpose.
func rawHTTP(t *testing.T, raw string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
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

func httpChunk(s string) string { return fmt.Sprintf("%x\r\n%s\r\n", len(s), s) }

// [DONE] came, then the connection closed without the chunked body's last
// chunk: the stream is complete (exit 0), the fault a warning line (item
// 17 of issue 17: it exited 3). Without [DONE] the same fault is exit 3.
func TestSendFaultAfterEndMarker(t *testing.T) {
	t.Parallel()
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
	events := httpChunk("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n")
	url := rawHTTP(t, head+events+httpChunk("data: [DONE]\n\n"))
	code, stdout, stderr := sendCmd(t, "", url)
	if code != ExitOK || stdout != "Hi\n" {
		t.Fatalf("exit %d stdout %q\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "warning  after the stream's end marker: connection closed before the end of the body (") ||
		!strings.Contains(stderr, "200 openai-chat, complete (stop)") {
		t.Fatalf("timeline:\n%s", stderr)
	}
	cut := rawHTTP(t, head+events)
	if code, _, stderr := sendCmd(t, "", cut); code != ExitIncomplete || !strings.Contains(lastLine(stderr), "stream incomplete: connection closed before the end of the body") {
		t.Fatalf("without [DONE]: exit %d, %q", code, lastLine(stderr))
	}
}

// Data lost on the way is in the verdict and the exit code (item 16 of
// issue 17): an event over the size limit was dropped with the verdict
// complete and exit 0, and a plain body over the kept size was cut with
// exit 0.
func TestRunStreamDataLost(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 3000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/plain" {
			w.Write([]byte(big))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + big + "\"}}]}\n\n" +
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"end\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
	}))
	t.Cleanup(srv.Close)
	cases := []struct {
		name string
		req  send.Request
		line string
		out  string
	}{
		{"event over the limit", send.Request{URL: srv.URL, MaxEventSize: 1000},
			"stream incomplete: data lost: 1 event larger than the 1000-byte event size limit dropped", "end\n"},
		{"plain body over the cap", send.Request{URL: srv.URL + "/plain", MaxBody: 1000},
			"stream incomplete: data lost: the body is larger than the 1000 bytes kept: the rest is not in the result", big[:1000] + "\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			out, err := RunStream(context.Background(), &Env{Stdout: &stdout, Stderr: &stderr}, StreamOptions{Plan: &run.Plan{Request: tc.req}})
			var ee *ExitError
			if !errors.As(err, &ee) || ee.Code != ExitIncomplete || err.Error() != tc.line {
				t.Fatalf("err %v, want exit 3 %q\n%s", err, tc.line, stderr.String())
			}
			if out.Complete || out.Verdict != "data_lost" || len(out.Lost) != 1 || stdout.String() != tc.out {
				t.Fatalf("complete %v verdict %s lost %q stdout %d bytes", out.Complete, out.Verdict, out.Lost, stdout.Len())
			}
			if !strings.Contains(stderr.String(), ", data_lost") {
				t.Fatalf("summary line:\n%s", stderr.String())
			}
		})
	}
}
