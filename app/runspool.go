package app

// A run's files: its events (JSON Lines, for Export, SaveRecording and
// CheckRule) and its decoded body, so that a long stream's memory stays
// bounded. The record log beside them is in runrecords.go.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/streamscope/streamscope/backend/sse"
)

// spoolPath returns a new file for a run's events, under a directory of
// the service made on first use.
func (s *RunService) spoolPath(id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spoolDir == "" {
		d, err := os.MkdirTemp("", "streamscope-runs-")
		if err != nil {
			return "", err
		}
		s.spoolDir = d
	}
	return s.spoolDir + string(os.PathSeparator) + id, nil
}

// spoolEvent is one line of a run's event file (Export "events-jsonl").
type spoolEvent struct {
	Seq    int     `json:"seq"`
	TimeMS float64 `json:"time_ms"`
	Type   string  `json:"type"`
	Data   string  `json:"data"`
	ID     string  `json:"id"`
}

func (r *run) openSpool() {
	p, err := r.svc.spoolPath(r.id)
	if err == nil {
		r.spool, err = os.Create(p + ".events.jsonl")
	}
	if err == nil {
		r.raw, err = os.Create(p + ".body")
	}
	if err == nil {
		r.recs.open(p + ".records.jsonl")
	}
	if err != nil {
		r.spoolErr = err
		return
	}
	r.spoolW = bufio.NewWriterSize(r.spool, 64<<10)
	r.rawW = bufio.NewWriterSize(r.raw, 64<<10)
}

// rawLocked appends body bytes to the run's body file, up to maxRawBody.
func (r *run) rawLocked(b []byte) {
	if r.rawW == nil {
		return
	}
	if room := maxRawBody - r.rawN; int64(len(b)) > room {
		b = b[:max(room, 0)]
		r.rawTrunc = true
	}
	n, err := r.rawW.Write(b)
	r.rawN += int64(n)
	if err != nil && r.spoolErr == nil {
		r.spoolErr = err
	}
}

// readRaw returns up to limit bytes of the body and whether it was cut
// (at limit, or at maxRawBody while it was received).
func (r *run) readRaw(limit int) ([]byte, bool, error) {
	r.mu.Lock()
	if r.rawW == nil {
		r.mu.Unlock()
		return nil, false, fmt.Errorf("the body of run %s is gone", r.id)
	}
	if r.spoolErr != nil {
		r.mu.Unlock()
		return nil, false, fmt.Errorf("the body of run %s was not kept: %v", r.id, r.spoolErr)
	}
	r.rawW.Flush()
	name, size, trunc := r.raw.Name(), r.rawN, r.rawTrunc
	r.mu.Unlock()
	f, err := os.Open(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	n := min(size, int64(limit))
	buf := make([]byte, n)
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, false, err
	}
	return buf, trunc || size > int64(limit), nil
}

// readRawAt returns up to n bytes of the body from off (fewer at the end
// of what was kept), the kept size and whether the body was cut at
// maxRawBody while it was received.
func (r *run) readRawAt(off int64, n int) ([]byte, int64, bool, error) {
	r.mu.Lock()
	if r.rawW == nil {
		r.mu.Unlock()
		return nil, 0, false, fmt.Errorf("the body of run %s is gone", r.id)
	}
	if r.spoolErr != nil {
		r.mu.Unlock()
		return nil, 0, false, fmt.Errorf("the body of run %s was not kept: %v", r.id, r.spoolErr)
	}
	if err := r.rawW.Flush(); err != nil {
		r.mu.Unlock()
		return nil, 0, false, err
	}
	name, size, trunc := r.raw.Name(), r.rawN, r.rawTrunc
	r.mu.Unlock()
	if off >= size || n <= 0 {
		return nil, size, trunc, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, false, err
	}
	defer f.Close()
	buf := make([]byte, min(int64(n), size-off))
	if _, err := f.ReadAt(buf, off); err != nil {
		return nil, 0, false, err
	}
	return buf, size, trunc, nil
}

// spoolLocked appends one event to the run's event file (old events live
// on disk, not in memory).
func (r *run) spoolLocked(seq int, at time.Duration, ev sse.Event) {
	if r.spoolW == nil {
		return
	}
	b, _ := json.Marshal(spoolEvent{Seq: seq, TimeMS: float64(at.Microseconds()) / 1000, Type: ev.Type, Data: ev.Data, ID: ev.ID})
	b = append(b, '\n')
	if _, err := r.spoolW.Write(b); err != nil && r.spoolErr == nil {
		r.spoolErr = err
	}
}

// readSpool calls fn for every event saved so far.
func (r *run) readSpool(fn func(spoolEvent) error) error {
	r.mu.Lock()
	if r.spoolErr != nil {
		r.mu.Unlock()
		return fmt.Errorf("the events of run %s were not kept: %v", r.id, r.spoolErr)
	}
	if r.spoolW == nil {
		r.mu.Unlock()
		return fmt.Errorf("the events of run %s are gone", r.id)
	}
	r.spoolW.Flush()
	name := r.spool.Name()
	r.mu.Unlock()
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		var ev spoolEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return err
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	return sc.Err()
}

func (r *run) removeSpool() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs.close()
	if r.spool != nil {
		r.spool.Close()
		os.Remove(r.spool.Name())
		r.spool, r.spoolW = nil, nil
	}
	if r.raw != nil {
		r.raw.Close()
		os.Remove(r.raw.Name())
		r.raw, r.rawW = nil, nil
	}
}
