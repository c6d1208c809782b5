package app

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
)

func TestAdHocBodiesAndChunks(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 20000)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sse":
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write([]byte("data: small\n\ndata: " + big + "\n\n"))
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
		case "/html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<html><body>hi</body></html>"))
		}
	}))
	defer srv.Close()
	// no project open: an ad-hoc request
	a, rt := newTestApp(t, Options{})
	a.Startup(rt)
	send := func(path string) (RunStarted, []RunBatch) {
		t.Helper()
		st, err := a.Run.Send(RunRequest{Endpoint: &project.Endpoint{Name: "adhoc", Method: "GET", URL: srv.URL + path}})
		if err != nil {
			t.Fatal(err)
		}
		return st, waitDone(t, rt, st.Event)
	}

	st, bs := send("/sse")
	checkSequence(t, bs)
	var bigSeq int64
	for _, b := range bs {
		for _, r := range b.Records {
			if r.Event != nil && r.Event.Truncated {
				bigSeq = r.Seq
				if r.Event.Size != len(big) || len(r.Event.Data) >= len(big) {
					t.Fatalf("shortened event %d of %d bytes", len(r.Event.Data), r.Event.Size)
				}
			}
		}
	}
	if bigSeq == 0 {
		t.Fatal("the big event was not shortened in its batch")
	}
	cv, err := a.Run.Chunk(st.RunID, bigSeq)
	if err != nil || !cv.Available || !cv.IsText || cv.Text != big {
		t.Fatalf("chunk %+v %v", cv.Available, err)
	}
	if cv, _ := a.Run.Chunk(st.RunID, 1); cv.Available {
		t.Fatal("a record that was not shortened has no full copy")
	}

	st, _ = send("/image")
	bv, err := a.Run.Body(st.RunID)
	if err != nil || bv.IsText || bv.ContentType != "image/png" || bv.Size != len(png) {
		t.Fatalf("image body %+v %v", bv, err)
	}
	if raw, _ := base64.StdEncoding.DecodeString(bv.Base64); string(raw) != string(png) {
		t.Fatal("base64 body differs")
	}

	st, _ = send("/html")
	bv, _ = a.Run.Body(st.RunID)
	if !bv.IsText || bv.Text != "<html><body>hi</body></html>" {
		t.Fatalf("html body %+v", bv)
	}
	if err := a.Run.Forget(st.RunID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run.Body(st.RunID); err == nil {
		t.Fatal("a forgotten run still answers")
	}
	// a run without a project cannot be saved as a recording
	st, _ = send("/sse")
	if _, err := a.Run.SaveRecording(st.RunID, "x"); err == nil || !strings.Contains(err.Error(), "no project") {
		t.Fatalf("save without a project: %v", err)
	}
}

func TestFinishedRunsAreBounded(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: x\n\n"))
	}))
	defer srv.Close()
	a, rt := newTestApp(t, Options{})
	a.Run.KeepRuns = 2
	a.Startup(rt)
	var ids []string
	for i := 0; i < 4; i++ {
		st, err := a.Run.Send(RunRequest{Endpoint: &project.Endpoint{Name: "n", URL: srv.URL}})
		if err != nil {
			t.Fatal(err)
		}
		waitDone(t, rt, st.Event)
		ids = append(ids, st.RunID)
	}
	for i, id := range ids {
		_, err := a.Run.Result(id)
		if (err == nil) != (i >= 2) {
			t.Fatalf("run %d kept=%v", i, err == nil)
		}
	}
}
