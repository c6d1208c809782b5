package mockllm

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/sse"
)

// idLine matches a stamp line (LF or CRLF).
var idLine = regexp.MustCompile(`(?m)^id: [0-9]+\r?\n`)

// checkStamps parses a stamped SSE body with the project's parser and
// checks that every event carries its own numeric id within [from, to]
// (Unix microseconds), in non-decreasing order; it returns the ids.
func checkStamps(t *testing.T, body []byte, from, to int64) []int64 {
	t.Helper()
	var evs []sse.Event
	p := sse.NewParser(sse.Options{})
	if err := p.Feed(body, func(e sse.Event) { evs = append(evs, e) }); err != nil {
		t.Fatal(err)
	}
	if p.End(func(sse.Event) {}) {
		t.Fatal("the stream ends inside an event")
	}
	// The parser's IDs are sticky, so count the id lines too: one per event.
	if n := len(idLine.FindAll(body, -1)); n != len(evs) || n == 0 {
		t.Fatalf("%d id lines for %d events", n, len(evs))
	}
	var ids []int64
	prev := int64(0)
	for i, e := range evs {
		id, err := strconv.ParseInt(e.ID, 10, 64)
		if err != nil || id < from || id > to || id < prev {
			t.Fatalf("event %d (%s): id %q (%v), want a number in [%d, %d] not below %d", i, e.Type, e.ID, err, from, to, prev)
		}
		prev = id
		ids = append(ids, id)
	}
	return ids
}

func TestStampEveryEvent(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	normal := normalBodies(t, base)
	for _, tc := range streamCases {
		if ndjsonFormat(tc.format) {
			continue
		}
		for _, fault := range []string{"", "split", "heartbeat", "error", "split,heartbeat,error"} {
			t.Run(tc.name+"/"+fault, func(t *testing.T) {
				t.Parallel()
				from := time.Now().UnixMicro()
				_, body, err := post(t, base+tc.path, tc.body, HeaderStamp, "1", HeaderFault, fault)
				to := time.Now().UnixMicro()
				if err != nil {
					t.Fatal(err)
				}
				checkStamps(t, body, from, to)
				// Without the id lines (and heartbeats) the stream is the
				// usual one; with the error fault, a prefix of it.
				plain := idLine.ReplaceAll(body, nil)
				plain = bytes.ReplaceAll(plain, []byte(": ping\r\n\r\n"), nil)
				plain = bytes.ReplaceAll(plain, []byte(": ping\n\n"), nil)
				if tc.format == "tgi" {
					plain = bytes.ReplaceAll(plain, []byte(":\n\n"), nil)
				}
				if strings.Contains(fault, "error") {
					if !refMerge(t, tc.format, body).errored {
						t.Fatal("no error event")
					}
					return
				}
				if !bytes.Equal(plain, normal[tc.name]) {
					t.Fatalf("without stamps the body differs:\n%q", plain)
				}
			})
		}
	}
}

// TestStampsAreWriteTimes checks that the stamps are taken when each event
// is written, not when the plan is built: paced token events are about one
// token interval apart.
func TestStampsAreWriteTimes(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	from := time.Now().UnixMicro()
	_, body, err := post(t, base+"/v1/messages", `{"model":"m","max_tokens":9999,"stream":true,"messages":[{"role":"user","content":"hi"}]}`,
		HeaderStamp, "true", HeaderTPS, "200", HeaderTTFT, "0", HeaderTokens, "40")
	to := time.Now().UnixMicro()
	if err != nil {
		t.Fatal(err)
	}
	ids := checkStamps(t, body, from, to)
	// message_start, content_block_start, ping, 40 deltas, ...: the first
	// and last delta are 39 intervals of 5 ms apart.
	if span := time.Duration(ids[42]-ids[3]) * time.Microsecond; span < 39*5*time.Millisecond*9/10 {
		t.Fatalf("40 token events stamped within %s, want about %s", span, 39*5*time.Millisecond)
	}
}

func TestStampRefused(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, tc := range []struct{ path, body, value, want string }{
		{"/api/chat", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, "1", "NDJSON"},
		{"/v1beta/models/g:streamGenerateContent", `{"contents":[{"parts":[{"text":"x"}]}]}`, "1", "alt=sse"},
		{"/v1beta/models/g:generateContent", `{"contents":[{"parts":[{"text":"x"}]}]}`, "1", "not streamed"},
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, "true", "not streamed"},
		{"/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}`, "yes", `\"yes\" is not 1 or true`},
		{"/v1/messages", `{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}]}`, "0", `\"0\" is not 1 or true`},
	} {
		resp, raw, err := post(t, base+tc.path, tc.body, HeaderStamp, tc.value)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(raw), HeaderStamp) || !strings.Contains(string(raw), tc.want) {
			t.Errorf("%s with %s: %s: status %d, body %s; want 400 naming the header and %q", tc.path, HeaderStamp, tc.value, resp.StatusCode, raw, tc.want)
		}
	}
}

func TestStampEvents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"data: x\n\n", "id: 7\ndata: x\n\n"},
		{"event: error\ndata: {}\n\nevent: response.failed\ndata: {}\n\n", "id: 7\nevent: error\ndata: {}\n\nid: 7\nevent: response.failed\ndata: {}\n\n"},
		{"data: {}\r\n\r\n", "id: 7\r\ndata: {}\r\n\r\n"},
	} {
		if got := string(stampEvents([]byte("old"), []byte(tc.in), 7)); got != "old"+tc.want {
			t.Errorf("stampEvents(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
