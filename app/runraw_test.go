package app

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/runstore"
)

// rawBody is an event stream as a server may really send it: a BOM, CRLF
// and lone CR line ends, comments and retry lines inside blocks, data
// without the space, multi-line data.
func rawBody(events int) string {
	var b strings.Builder
	b.WriteString("\xef\xbb\xbf: welcome\r\nretry: 3000\r\n\r\n")
	for i := range events {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "id: %d\r\nevent: delta\r\n: keep-alive\r\ndata:{\"i\":%d,\r\ndata: \"s\":\"é\"}\r\n\r\n", i, i)
		case 1:
			fmt.Fprintf(&b, "data: %d\n\n", i)
		default:
			fmt.Fprintf(&b, "data: %d\rdata: more\r\r", i)
		}
	}
	return b.String()
}

// The Timeline's raw view of an event is the bytes it came from, read
// back from the run's body, also for records paged back in from disk.
func TestRawSliceGivesEachEventItsBytes(t *testing.T) {
	t.Parallel()
	body := rawBody(300)
	big := "data: " + strings.Repeat("x", runstore.MaxSlice+100) + "\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		text := body
		if r.URL.Path == "/big" {
			text = big
		}
		for len(text) > 0 { // in uneven pieces
			n := min(len(text), 777)
			w.Write([]byte(text[:n]))
			w.(http.Flusher).Flush()
			text = text[n:]
		}
	}))
	defer srv.Close()
	a, rt := newTestApp(t, Options{})
	a.Startup(rt)
	send := func(path string) RunStarted {
		t.Helper()
		st, err := a.Run.Send(RunRequest{Endpoint: &project.Endpoint{Name: "raw", Method: "GET", URL: srv.URL + path}})
		if err != nil {
			t.Fatal(err)
		}
		waitDone(t, rt, st.Event)
		return st
	}
	st := send("/")
	page, err := a.Run.Records(st.RunID, 1, runstore.MaxPage)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, r := range page.Records {
		if r.Event == nil {
			continue
		}
		n++
		e := r.Event
		v, err := a.Run.RawSlice(st.RunID, e.RawOffset, e.RawSize)
		if err != nil || !v.Available || !v.IsText || v.Shortened || v.Offset != e.RawOffset {
			t.Fatalf("event %d: %+v %v", e.Index, v, err)
		}
		want := body[e.RawOffset : e.RawOffset+int64(e.RawSize)]
		if next := e.RawOffset + int64(e.RawSize); strings.HasSuffix(want, "\r") && next < int64(len(body)) && body[next] == '\n' {
			want += "\n"
		}
		if v.Text != want || v.Size != len(want) {
			t.Fatalf("event %d: raw %q, want %q", e.Index, v.Text, want)
		}
		var exp string
		switch i := e.Index - 1; i % 3 { // the welcome block has no data: no event
		case 0:
			exp = fmt.Sprintf("id: %d\r\nevent: delta\r\n: keep-alive\r\ndata:{\"i\":%d,\r\ndata: \"s\":\"é\"}\r\n\r\n", i, i)
		case 1:
			exp = fmt.Sprintf("data: %d\n\n", i)
		default:
			exp = fmt.Sprintf("data: %d\rdata: more\r\r", i)
		}
		if v.Text != exp {
			t.Fatalf("event %d: raw %q, want %q", e.Index, v.Text, exp)
		}
	}
	if n != 300 {
		t.Fatalf("%d events, want 300", n)
	}

	// bad arguments are errors; bytes not there say why
	if _, err := a.Run.RawSlice(st.RunID, -1, 10); err == nil {
		t.Fatal("a negative offset is an error")
	}
	if _, err := a.Run.RawSlice("nope", 0, 10); err == nil {
		t.Fatal("an unknown run is an error")
	}
	if v, err := a.Run.RawSlice(st.RunID, int64(len(body)), 10); err != nil || v.Available || !strings.Contains(v.Reason, "past the") {
		t.Fatalf("past the end: %+v %v", v, err)
	}
	if v, err := a.Run.RawSlice(st.RunID, int64(len(body))-4, 10); err != nil || !v.Available || !v.Shortened || v.Text != body[len(body)-4:] {
		t.Fatalf("over the end: %+v %v", v, err)
	}
	if v, err := a.Run.RawSlice(st.RunID, 0, 2); err != nil || !v.Available || v.IsText || v.Base64 != base64.StdEncoding.EncodeToString([]byte("\xef\xbb")) {
		t.Fatalf("a BOM cut in two is not text: %+v %v", v, err)
	}

	// one call returns at most 1 MiB, shortened
	st = send("/big")
	v, err := a.Run.RawSlice(st.RunID, 0, len(big))
	if err != nil || !v.Available || !v.Shortened || v.Size != runstore.MaxSlice || v.Text != big[:runstore.MaxSlice] {
		t.Fatalf("big slice: size %d shortened %v %v", v.Size, v.Shortened, err)
	}

	// a forgotten run's bytes are gone
	if err := a.Run.Forget(st.RunID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run.RawSlice(st.RunID, 0, 1); err == nil {
		t.Fatal("a forgotten run still answers")
	}
}
