package script

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
)

func session(t *testing.T, src string, vars map[string]string, timeout time.Duration) *Session {
	t.Helper()
	prog, err := Compile("s.js", src)
	if err != nil {
		t.Fatal(err)
	}
	return prog.NewSession(vars, timeout)
}

func TestSession(t *testing.T) {
	t.Parallel()
	base := func() merge.Result { return merge.Result{Content: "merged"} }
	for _, c := range []struct {
		name    string
		src     string
		raw     string // written as the raw input instead of the events' data
		body    []byte // given to End
		events  int
		content string
		tests   string
		errHas  string
		told    int // failures Event returned
	}{
		{name: "changes on the merge", src: `function onEvent(e, ctx) { ctx.append(e.seq) }
function onEnd(ctx) { ctx.append("!") }`, events: 3, content: "merged123!"},
		{name: "the body is the events' data", src: `function onEnd() { pm.test(pm.response.text(), () => {}) }`, events: 2, tests: "d1\nd2\n"},
		{name: "the raw input", src: `function onEnd() { pm.test(pm.response.text(), () => {}) }`, raw: "data: d1\n\n", events: 1, tests: "data: d1\n\n"},
		{name: "the body at the end", src: `function onEnd() { pm.test(pm.response.text(), () => {}) }`, body: []byte("whole"), events: 1, tests: "whole"},
		{name: "the status and variables", src: `pm.test(pm.response.code + " " + ctx_get(), () => {})
function ctx_get() { return pm.environment.get("v") }`, tests: "201 val"},
		{name: "a failure is told once", src: `function onEvent(e) { if (e.seq >= 2) throw new Error("boom " + e.seq) }`, events: 4, content: "merged", errHas: "boom 2", told: 1},
		{name: "a failing top level is told at the end", src: `throw new Error("top")`, events: 2, content: "merged", errHas: "top"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := session(t, c.src, map[string]string{"v": "val"}, 0)
			if c.raw != "" {
				s.Write([]byte(c.raw))
			}
			s.Start(201, http.Header{})
			s.Start(500, nil) // the first counts
			told := 0
			for i := 1; i <= c.events; i++ {
				if err := s.Event(Event{Seq: i, Type: "message", Data: "d" + string(rune('0'+i))}, base); err != nil {
					told++
				}
			}
			res := base()
			err := s.End(&res, c.body)
			if c.content != "" && res.Content != c.content {
				t.Fatalf("content %q, want %q", res.Content, c.content)
			}
			var names []string
			for _, tr := range s.Tests() {
				names = append(names, tr.Name)
			}
			if got := strings.Join(names, "|"); got != c.tests {
				t.Fatalf("tests %q, want %q", got, c.tests)
			}
			if (err == nil) != (c.errHas == "") || err != nil && !strings.Contains(err.Error(), c.errHas) || s.Err() != err {
				t.Fatalf("End: %v, Err: %v, want %q", err, s.Err(), c.errHas)
			}
			if told != c.told {
				t.Fatalf("told %d failures, want %d", told, c.told)
			}
		})
	}
	var nilSession *Session
	nilSession.Start(200, nil)
	if nilSession.Event(Event{}, base) != nil || nilSession.End(&merge.Result{}, nil) != nil || nilSession.Tests() != nil {
		t.Fatal("a nil session did something")
	}
}

// Output never waits for a call in progress: a script stuck in a loop
// until its time limit holds up neither Apply nor Logs, Tests and Err.
func TestSessionOutputDoesNotWaitForACall(t *testing.T) {
	t.Parallel()
	s := session(t, `console.log("top"); function onEvent() { for (;;) {} }`, nil, 500*time.Millisecond)
	s.Start(200, nil)
	inCall := make(chan struct{})
	ended := make(chan error, 1)
	go func() {
		ended <- s.Event(Event{Seq: 1}, func() merge.Result { close(inCall); return merge.Result{} })
	}()
	<-inCall
	res := merge.Result{Content: "x"}
	s.Apply(&res)
	if len(s.Logs()) != 1 || s.Tests() != nil || s.Err() != nil || res.Content != "x" {
		t.Fatalf("during the call: logs %v, tests %v, err %v", s.Logs(), s.Tests(), s.Err())
	}
	select {
	case err := <-ended:
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("the stuck call ended with %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the stuck call never ended")
	}
}
