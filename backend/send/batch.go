package send

import (
	"sync"
	"time"
	"unicode/utf8"
)

// Batch is a group of records for a UI, in timeline order. Batches of one
// Batcher are numbered from 1 without gaps.
type Batch struct {
	Seq     int64    `json:"seq"`
	Records []Record `json:"records"`
}

// BatchOptions tunes a Batcher; zero fields take the defaults.
type BatchOptions struct {
	// MaxRecords flushes once this many records wait (default 256).
	MaxRecords int
	// Interval flushes waiting records at least this often (default 33ms).
	Interval time.Duration
	// MaxBytes bounds the estimated JSON size of one batch (default 60000,
	// under the 64 KB a UI bridge should get in one message). A single
	// record larger than that (only huge headers can be) travels alone.
	MaxBytes int
	// PreviewBytes is how much of a chunk is shown (default 1024);
	// MaxEventData how much of an event's data (default 8192).
	PreviewBytes int
	MaxEventData int
	// KeepFull bounds the bytes of shortened chunks and events kept for
	// Full (default 64 MiB); beyond it Full reports them as unavailable.
	KeepFull int64
}

func (o *BatchOptions) defaults() {
	if o.MaxRecords <= 0 {
		o.MaxRecords = 256
	}
	if o.Interval <= 0 {
		o.Interval = 33 * time.Millisecond
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 60000
	}
	if o.PreviewBytes <= 0 {
		o.PreviewBytes = 1024
	}
	if o.MaxEventData <= 0 {
		o.MaxEventData = 8192
	}
	if o.KeepFull <= 0 {
		o.KeepFull = 64 << 20
	}
}

// Batcher turns timeline records into sequenced, size-bounded batches. Add
// (usable as a Sink) only shapes the record and queues it; a goroutine of
// the Batcher calls flush, so a slow consumer never slows the sender: while
// flush runs, records queue up and go out in the next batches.
type Batcher struct {
	o     BatchOptions
	flush func(Batch)

	mu      sync.Mutex
	pending []Record
	sizes   []int // estimate of each pending record
	size    int
	full    map[int64][]byte
	kept    int64

	kick    chan struct{}
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once

	drainMu sync.Mutex // one drain at a time: flush calls never overlap
	seq     int64      // guarded by drainMu
}

// NewBatcher starts a Batcher that hands batches to flush, one call at a
// time, from its own goroutine. Call Close when the request ended.
func NewBatcher(o BatchOptions, flush func(Batch)) *Batcher {
	o.defaults()
	b := &Batcher{
		o: o, flush: flush, full: map[int64][]byte{},
		kick: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{}),
	}
	go b.loop()
	return b
}

// Add queues one record. It never waits for flush.
func (b *Batcher) Add(r Record) {
	var keep []byte
	switch {
	case r.Chunk != nil:
		c := *r.Chunk
		if len(c.Data) > b.o.PreviewBytes {
			c.Preview = string(c.Data[:utf8Cut(c.Data, b.o.PreviewBytes)])
			c.Truncated = true
			keep = c.Data
		} else {
			c.Preview = string(c.Data)
		}
		c.Data = nil
		r.Chunk = &c
	case r.Event != nil && len(r.Event.Data) > b.o.MaxEventData:
		e := *r.Event
		keep = []byte(e.Data)
		e.Size = len(e.Data)
		e.Data = e.Data[:utf8Cut(keep, b.o.MaxEventData)]
		e.Truncated = true
		r.Event = &e
	}
	n := estimate(&r)
	b.mu.Lock()
	if keep != nil && b.kept+int64(len(keep)) <= b.o.KeepFull {
		b.full[r.Seq] = keep
		b.kept += int64(len(keep))
	}
	b.pending = append(b.pending, r)
	b.sizes = append(b.sizes, n)
	b.size += n
	hurry := len(b.pending) >= b.o.MaxRecords || b.size >= b.o.MaxBytes
	b.mu.Unlock()
	if hurry {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
}

// Full returns the whole bytes of a chunk or event record whose batch copy
// was shortened, while they were within KeepFull.
func (b *Batcher) Full(seq int64) ([]byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.full[seq]
	return d, ok
}

// Close flushes what is left and stops the Batcher; it returns after the
// last flush call returned (a Flush's included). Records added after Close are dropped.
func (b *Batcher) Close() {
	b.once.Do(func() { close(b.done) })
	<-b.stopped
	// Returns after a Flush still under way in another goroutine too.
	b.drainMu.Lock()
	defer b.drainMu.Unlock()
}

func (b *Batcher) loop() {
	defer close(b.stopped)
	tick := time.NewTicker(b.o.Interval)
	defer tick.Stop()
	for {
		select {
		case <-b.done:
			b.drain()
			return
		case <-b.kick:
		case <-tick.C:
		}
		b.drain()
	}
}

// Flush sends every waiting record now, from the caller's goroutine, and
// returns once flush has been called for them (for a consumer that asks
// for batches instead of waiting for the next interval). Calls of flush
// stay one at a time and in order with the Batcher's own.
func (b *Batcher) Flush() {
	b.drain()
}

// drain sends every waiting record, split into batches.
func (b *Batcher) drain() {
	b.drainMu.Lock()
	defer b.drainMu.Unlock()
	b.mu.Lock()
	recs, sizes := b.pending, b.sizes
	b.pending, b.sizes, b.size = nil, nil, 0
	b.mu.Unlock()
	for len(recs) > 0 {
		n, size := 0, 0
		for n < len(recs) && n < b.o.MaxRecords {
			s := sizes[n]
			if n > 0 && size+s > b.o.MaxBytes {
				break
			}
			size += s
			n++
		}
		b.seq++
		b.flush(Batch{Seq: b.seq, Records: recs[:n:n]})
		recs, sizes = recs[n:], sizes[n:]
	}
}

// utf8Cut returns a length <= max that does not split a UTF-8 sequence.
func utf8Cut(b []byte, max int) int {
	if len(b) <= max {
		return len(b)
	}
	for i := max; i > max-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return max
}

// estimate is an upper bound of a record's JSON size: strings count with
// the worst-case escaping of their bytes.
func estimate(r *Record) int {
	n := 200
	if r.Request != nil {
		n += jsonLen(r.Request.URL) + headerLen(r.Request.Header)
	}
	if r.Response != nil {
		n += 300 + headerLen(r.Response.Header)
	}
	if r.Chunk != nil {
		n += jsonLen(r.Chunk.Preview)
	}
	if r.Event != nil {
		// 80: index, size, raw_offset and raw_size with the longest
		// numbers, beyond what the 200 above leaves for them
		n += 80 + jsonLen(r.Event.Data) + jsonLen(r.Event.Type) + jsonLen(r.Event.ID)
		for _, h := range r.Event.Headers {
			n += 30 + jsonLen(h.Name) + jsonLen(h.Type) + jsonLen(h.Value)
		}
	}
	n += jsonLen(r.Text)
	for _, nt := range []*Notice{r.Warning, r.Error} {
		if nt != nil {
			n += jsonLen(nt.Message) + len(nt.Code)
		}
	}
	if r.Retry != nil {
		n += jsonLen(r.Retry.Reason) + jsonLen(r.Retry.LastEventID)
	}
	if r.End != nil {
		n += 200 + jsonLen(r.End.Message)
	}
	return n
}

func headerLen(h map[string][]string) int {
	n := 2
	for k, vs := range h {
		n += jsonLen(k) + 4
		for _, v := range vs {
			n += jsonLen(v) + 1
		}
	}
	return n
}

// jsonLen bounds the encoded length of s as encoding/json writes it: a
// quote or backslash takes 2 bytes (\" \\), control characters, HTML-escaped
// and invalid bytes at most 6 (\u003c).
func jsonLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			n += 6
		} else {
			n += size
		}
		i += size
	}
	return n
}
