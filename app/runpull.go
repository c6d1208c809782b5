package app

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The pull transport. Batches reach the UI in one of two ways:
//   - pulled: once per animation frame the UI asks the asset server for
//     its live runs' new batches (PullPath, a synchronous request made at
//     the start of the frame) and shows them in that same frame. The
//     records waiting in the Batcher are batched there and then, so the
//     batches follow the UI's frames (one every ~16.7 ms) and an event
//     waits for the next frame only, not for a batch interval and then a
//     frame (measured in the production window: byte-to-screen p99 at
//     1,000 events/s, docs/BENCHMARKS.md);
//     A fast stream's pulls go through the pull socket instead (see
//     pullsocket.go), one every other frame, without the UI waiting;
//   - pushed: the "run:<id>" events, when the UI does not pull (a UI
//     without the pull, a hidden window whose frames stop, a stalled one).
//
// A run starts out expecting pulls. A batch nobody pulls within pullGrace
// is pushed, and so is every batch after it until the UI pulls again.
// Either way each batch goes exactly once, in order of Seq.

// PullPath is the asset server path the UI pulls batches from:
// GET PullPath?runs=ID,ID answers a PullResponse.
const PullPath = "/_streamscope/pull"

// pullGrace is how long a batch waits for a pull before it is pushed: many
// frames, so that a slow frame does not switch a run to pushes.
const pullGrace = 250 * time.Millisecond

// PullResponse is the answer to a pull: each run's batches (in Seq order;
// none when nothing is new), and the runs asked for that do not exist.
type PullResponse struct {
	Runs    map[string][]RunBatch `json:"runs"`
	Unknown []string              `json:"unknown"`
}

// outbox holds a run's batches until the UI pulls them, or pushes them.
type outbox struct {
	push  func(RunBatch)
	grace time.Duration

	mu       sync.Mutex
	batches  []RunBatch
	since    time.Time // when the oldest waiting batch came
	lastPull time.Time
	timer    *time.Timer
}

func newOutbox(grace time.Duration, push func(RunBatch)) *outbox {
	// Until the UI's first pull, the run counts as pulled at its start.
	return &outbox{push: push, grace: grace, lastPull: time.Now()}
}

// deliver hands a batch to the UI: kept for the next pull while the UI
// pulls, pushed (after any still waiting) when it does not.
func (o *outbox) deliver(b RunBatch) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	if o.grace <= 0 || now.Sub(o.lastPull) > o.grace {
		o.pushAllLocked()
		o.push(b)
		return
	}
	if len(o.batches) == 0 {
		o.since = now
	}
	o.batches = append(o.batches, b)
	if o.timer == nil {
		o.timer = time.AfterFunc(o.grace, o.expire)
	}
}

// expire pushes the batches that waited pullGrace for a pull.
func (o *outbox) expire() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.timer = nil
	if len(o.batches) == 0 {
		return
	}
	if wait := o.grace - time.Since(o.since); wait > 0 {
		o.timer = time.AfterFunc(wait, o.expire)
		return
	}
	o.pushAllLocked()
}

func (o *outbox) pushAllLocked() {
	for _, w := range o.batches {
		o.push(w)
	}
	o.batches = nil
}

// touch records a pull, before the run's waiting records are batched for it.
func (o *outbox) touch() {
	o.mu.Lock()
	o.lastPull = time.Now()
	o.mu.Unlock()
}

// take returns the waiting batches and empties the outbox (after touch).
func (o *outbox) take() []RunBatch {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.batches
	o.batches = nil
	return b
}

// pullFlushWait bounds how long a pull waits for the run's waiting records
// to be batched. The UI's main thread waits for the pull, and batching
// takes the run's lock, which the request's goroutines also hold while
// they write the body and records to disk: a write held up by the disk
// once kept a pull, and so a frame, waiting for 154 ms at 20,000 events/s.
// A batch that misses the wait goes with the next pull.
const pullFlushWait = 4 * time.Millisecond

// pull batches what the run has waiting (within pullFlushWait) and returns
// every batch not yet given to the UI.
func (r *liveRun) pull() []RunBatch {
	r.out.touch()
	flushed := make(chan struct{})
	go func() {
		r.batcher.Flush()
		close(flushed)
	}()
	t := time.NewTimer(pullFlushWait)
	select {
	case <-flushed:
	case <-t.C:
	}
	t.Stop()
	return r.out.take()
}

// pull returns the new batches of the given runs (the UI's pull, served
// over HTTP by App.AssetMiddleware). Not a bound method: the UI calls it
// synchronously, which the bindings cannot.
func (s *RunService) pull(runIDs []string) PullResponse {
	res := PullResponse{Runs: map[string][]RunBatch{}, Unknown: []string{}}
	for _, id := range runIDs {
		s.mu.Lock()
		r := s.runs[id]
		s.mu.Unlock()
		if r == nil {
			res.Unknown = append(res.Unknown, id)
			continue
		}
		if b := r.pull(); len(b) > 0 {
			res.Runs[id] = b
		}
	}
	return res
}

// maxPullRuns bounds the runs one pull may name.
const maxPullRuns = 64

// pullRunIDs reads the comma-separated run ids of a pull.
func pullRunIDs(list string) ([]string, error) {
	var ids []string
	for _, id := range strings.Split(list, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > maxPullRuns {
		return nil, errors.New("pull: too many runs in one request")
	}
	return ids, nil
}

// AssetMiddleware serves PullPath and PullSocketPath on the app's asset
// server and hands every other request to next.
func (a *App) AssetMiddleware(next http.Handler) http.Handler {
	s := a.Run
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.URL.Path {
		case PullPath:
			if fromAppPage(w, req) {
				s.servePull(w, req)
			}
		case PullSocketPath:
			if fromAppPage(w, req) {
				s.servePullSocket(w, req)
			}
		default:
			next.ServeHTTP(w, req)
		}
	})
}

// servePull answers GET PullPath?runs=ID,ID with a PullResponse.
func (s *RunService) servePull(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet {
		http.Error(w, "pull: use GET", http.StatusMethodNotAllowed)
		return
	}
	ids, err := pullRunIDs(req.URL.Query().Get("runs"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(s.pull(ids))
}
