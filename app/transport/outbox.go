package transport

import (
	"sync"
	"time"
)

// Grace is how long a batch waits for a pull before it is pushed: many
// frames, so that a slow frame does not switch a run to pushes.
const Grace = 250 * time.Millisecond

// FlushWait bounds how long a pull waits for the run's waiting records to
// be batched. The UI's main thread waits for the pull, and batching takes
// the run's lock, which the request's goroutines also hold while they
// write the body and records to disk: a write held up by the disk once
// kept a pull, and so a frame, waiting for 154 ms at 20,000 events/s. A
// batch that misses the wait goes with the next pull.
const FlushWait = 4 * time.Millisecond

// Outbox holds a run's batches until the UI pulls them, or pushes them.
type Outbox[B any] struct {
	push  func(B)
	grace time.Duration

	mu       sync.Mutex
	batches  []B
	since    time.Time // when the oldest waiting batch came
	lastPull time.Time
	timer    *time.Timer
}

// NewOutbox returns an outbox that pushes with push the batches nobody
// pulled within grace (negative: every batch is pushed at once).
func NewOutbox[B any](grace time.Duration, push func(B)) *Outbox[B] {
	// Until the UI's first pull, the run counts as pulled at its start.
	return &Outbox[B]{push: push, grace: grace, lastPull: time.Now()}
}

// Deliver hands a batch to the UI: kept for the next pull while the UI
// pulls, pushed (after any still waiting) when it does not.
func (o *Outbox[B]) Deliver(b B) {
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

// expire pushes the batches that waited the grace for a pull.
func (o *Outbox[B]) expire() {
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

func (o *Outbox[B]) pushAllLocked() {
	for _, w := range o.batches {
		o.push(w)
	}
	o.batches = nil
}

// Pull records a pull, lets flush batch what the run has waiting (within
// FlushWait) and returns every batch not yet given to the UI.
func (o *Outbox[B]) Pull(flush func()) []B {
	o.mu.Lock()
	o.lastPull = time.Now()
	o.mu.Unlock()
	flushed := make(chan struct{})
	go func() {
		flush()
		close(flushed)
	}()
	t := time.NewTimer(FlushWait)
	select {
	case <-flushed:
	case <-t.C:
	}
	t.Stop()
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.batches
	o.batches = nil
	return b
}
