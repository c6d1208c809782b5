package app

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamscope/streamscope/app/transport"
	"github.com/streamscope/streamscope/backend/merge"
)

// pullUntilDone pulls a run's batches every few ms, as the UI does once a
// frame, until the last one; stopAfter > 0 stops pulling after that many
// pulls that returned something.
func pullUntilDone(t *testing.T, a *App, runID string, stopAfter int) (pulled []RunBatch) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	got := 0
	for time.Now().Before(deadline) {
		res := a.Run.pull([]string{runID})
		if len(res.Unknown) != 0 {
			t.Fatalf("run %s unknown to pull: %+v", runID, res)
		}
		bs := res.Runs[runID]
		pulled = append(pulled, bs...)
		if len(bs) > 0 {
			got++
			if bs[len(bs)-1].Done != nil || (stopAfter > 0 && got >= stopAfter) {
				return pulled
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("run %s: no done batch pulled within 20 s (%d batches)", runID, len(pulled))
	return nil
}

func bySeq(bs []RunBatch) []RunBatch {
	out := append([]RunBatch(nil), bs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

func TestPullTakesEveryBatchAndNothingIsPushed(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 2000", "")})
	if err != nil {
		t.Fatal(err)
	}
	pulled := pullUntilDone(t, a, st.RunID, 0)
	events := checkSequence(t, pulled) // pulled in order, seq 1, 2, 3...
	res, err := a.Run.Result(st.RunID)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := reassemble(t, pulled)
	if done := pulled[len(pulled)-1].Done; done.Reason != "complete" || done.Events != events || content != res.Merge.Content || content == "" {
		t.Fatalf("done %+v after %d events; content %q, result %q", done, events, content, res.Merge.Content)
	}
	if pushed := batches(rt, st.Event); len(pushed) != 0 {
		t.Fatalf("%d batches pushed to a UI that pulls", len(pushed))
	}
	if again := a.Run.pull([]string{st.RunID}); len(again.Runs) != 0 {
		t.Fatalf("a batch was given twice: %+v", again)
	}
}

func TestPushWhenTheUINeverPulls(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	a.Run.PullGrace = 40 * time.Millisecond
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 500", "")})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)
	checkSequence(t, bs)
}

func TestPullStoppedMidStreamFallsBackToPush(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	a.Run.PullGrace = 40 * time.Millisecond
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 300", "")})
	if err != nil {
		t.Fatal(err)
	}
	// The UI pulls a few times, then stops (its window hidden): the rest
	// comes pushed, and together they are every batch exactly once.
	pulled := pullUntilDone(t, a, st.RunID, 3)
	if pulled[len(pulled)-1].Done != nil {
		t.Fatal("the stream ended within three pulls: make it slower")
	}
	pushed := waitDone(t, rt, st.Event)
	if len(pushed) == 0 {
		t.Fatal("nothing pushed after the UI stopped pulling")
	}
	all := bySeq(append(pulled, pushed...))
	checkSequence(t, all) // seq 1..n, each once, records 1..m in order
	content, _ := reassemble(t, all)
	if res, _ := a.Run.Result(st.RunID); content != res.Merge.Content || res.Merge.Verdict != merge.VerdictComplete {
		t.Fatalf("content %q, result %q (%s)", content, res.Merge.Content, res.Merge.Verdict)
	}
}

func TestPullAndPushRacingGiveEachBatchOnce(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	// A grace shorter than the pulls' spacing: batches go both ways.
	a.Run.PullGrace = 3 * time.Millisecond
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 3000", "")})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var pulled []RunBatch
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(1+rand.IntN(8)) * time.Millisecond):
				}
				bs := a.Run.pull([]string{st.RunID}).Runs[st.RunID]
				mu.Lock()
				pulled = append(pulled, bs...)
				mu.Unlock()
			}
		}()
	}
	waitFor(t, "the done batch, pulled or pushed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, b := range append(batches(rt, st.Event), pulled...) {
			if b.Done != nil {
				return true
			}
		}
		return false
	})
	close(stop)
	wg.Wait()
	pulled = append(pulled, a.Run.pull([]string{st.RunID}).Runs[st.RunID]...)
	pushed := batches(rt, st.Event)
	if len(pulled) == 0 || len(pushed) == 0 {
		t.Logf("pulled %d, pushed %d: the race was one-sided this time", len(pulled), len(pushed))
	}
	checkSequence(t, bySeq(append(pulled, pushed...)))
}

func TestPullMiddleware(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t)
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 0", "")})
	if err != nil {
		t.Fatal(err)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("asset " + r.URL.Path)) })
	srv := httptest.NewServer(a.AssetMiddleware(next))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, b.String()
	}
	if code, body := get("/index.html"); code != 200 || body != "asset /index.html" {
		t.Fatalf("other paths: %d %q", code, body)
	}
	var all []RunBatch
	waitFor(t, "the done batch over HTTP", func() bool {
		code, body := get(transport.PullPath + "?runs=" + st.RunID + ",nope")
		if code != 200 {
			t.Fatalf("pull: %d %q", code, body)
		}
		return takeAnswer(t, []byte(body), st.RunID, &all)
	})
	checkSequence(t, all)
	resp, err := http.Post(srv.URL+transport.PullPath+"?runs="+st.RunID, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	if code, body := get(transport.PullPath + "?runs=" + strings.Repeat("1,", transport.MaxRuns+1)); code != http.StatusBadRequest || !strings.Contains(body, "too many runs") {
		t.Fatalf("too many: %d %q", code, body)
	}
}

func TestPullDoesNotWaitForABusyRun(t *testing.T) {
	t.Parallel()
	a, _ := runApp(t)
	// Only pulls batch the records (and a full batch's worth).
	a.Run.Batch.Interval = time.Hour
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 200", "")})
	if err != nil {
		t.Fatal(err)
	}
	first := pullUntilDone(t, a, st.RunID, 1)
	time.Sleep(100 * time.Millisecond) // records to batch come in
	a.Run.mu.Lock()
	r := a.Run.runs[st.RunID]
	a.Run.mu.Unlock()
	// The run's lock held, as by a disk write that is held up: batching
	// cannot go on, and the pull must come back without it.
	r.mu.Lock()
	began := time.Now()
	res := a.Run.pull([]string{st.RunID})
	waited := time.Since(began)
	r.mu.Unlock()
	if waited > 500*time.Millisecond {
		t.Fatalf("a pull waited %v for a busy run", waited)
	}
	rest := append(res.Runs[st.RunID], pullUntilDone(t, a, st.RunID, 0)...)
	checkSequence(t, append(first, rest...))
}

// takeAnswer adds the batches of runID in a pull's answer (to a pull that
// also named the unknown run "nope") to all; reports whether the last
// batch is in.
func takeAnswer(t *testing.T, answer []byte, runID string, all *[]RunBatch) bool {
	t.Helper()
	var res transport.Response[RunBatch]
	if err := json.Unmarshal(answer, &res); err != nil {
		t.Fatalf("answer %q: %v", answer, err)
	}
	if len(res.Unknown) != 1 || res.Unknown[0] != "nope" {
		t.Fatalf("unknown runs %v", res.Unknown)
	}
	*all = append(*all, res.Runs[runID]...)
	return len(*all) > 0 && (*all)[len(*all)-1].Done != nil
}
