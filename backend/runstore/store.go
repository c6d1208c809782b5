package runstore

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/streamscope/streamscope/backend/send"
	"github.com/streamscope/streamscope/backend/sse"
)

// MaxBody bounds the body kept on disk per run.
const MaxBody = 256 << 20

// Dir is a directory of run files, made (under the system's temporary
// directory) on first use.
type Dir struct {
	mu   sync.Mutex
	path string
}

func (d *Dir) file(id string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.path == "" {
		p, err := os.MkdirTemp("", "streamscope-runs-")
		if err != nil {
			return "", err
		}
		d.path = p
	}
	return d.path + string(os.PathSeparator) + id, nil
}

// Path is the directory ("" before the first Open).
func (d *Dir) Path() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.path
}

// RemoveAll deletes the directory and every run file in it; the next Open
// makes a new one.
func (d *Dir) RemoveAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.path != "" {
		os.RemoveAll(d.path)
		d.path = ""
	}
}

// Run is the files of one run. A file that could not be made is reported
// by the reads (its error); the run itself goes on.
type Run struct {
	id    string
	limit int64 // MaxBody (tests lower it)

	mu      sync.Mutex
	events  *os.File
	eventsW *bufio.Writer
	body    *os.File
	bodyW   *bufio.Writer
	bodyN   int64
	bodyCut bool
	err     error // the first error of the events or body file
	recs    recordLog
}

// Open creates the files of run id (its events, body and record log).
func (d *Dir) Open(id string) *Run {
	r := &Run{id: id, limit: MaxBody}
	p, err := d.file(id)
	if err == nil {
		r.events, err = os.Create(p + ".events.jsonl")
	}
	if err == nil {
		r.body, err = os.Create(p + ".body")
	}
	if err == nil {
		r.recs.open(p + ".records.jsonl")
	}
	if err != nil {
		r.err = err
		return r
	}
	r.eventsW = bufio.NewWriterSize(r.events, 64<<10)
	r.bodyW = bufio.NewWriterSize(r.body, 64<<10)
	return r
}

// Event is one line of a run's event file.
type Event struct {
	Seq    int     `json:"seq"`
	TimeMS float64 `json:"time_ms"`
	Type   string  `json:"type"`
	Data   string  `json:"data"`
	ID     string  `json:"id"`
}

// AddEvent appends one event, seq counting from 1 and at since the request
// was sent.
func (r *Run) AddEvent(seq int, at time.Duration, ev sse.Event) {
	b, _ := json.Marshal(Event{Seq: seq, TimeMS: float64(at.Microseconds()) / 1000, Type: ev.Type, Data: ev.Data, ID: ev.ID})
	b = append(b, '\n')
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.eventsW == nil {
		return
	}
	if _, err := r.eventsW.Write(b); err != nil && r.err == nil {
		r.err = err
	}
}

// AddBody appends body bytes, up to MaxBody in all (the rest is cut).
func (r *Run) AddBody(b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bodyW == nil {
		return
	}
	if room := r.limit - r.bodyN; int64(len(b)) > room {
		b = b[:max(room, 0)]
		r.bodyCut = true
	}
	n, err := r.bodyW.Write(b)
	r.bodyN += int64(n)
	if err != nil && r.err == nil {
		r.err = err
	}
}

// BodySize is the number of body bytes kept.
func (r *Run) BodySize() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bodyN
}

// Flush writes what is buffered to the files.
func (r *Run) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.eventsW != nil {
		r.eventsW.Flush()
		r.bodyW.Flush()
	}
	if r.recs.w != nil {
		r.recs.w.Flush()
	}
}

// bodyFile flushes the body and returns its file's name, size and whether
// it was cut at MaxBody.
func (r *Run) bodyFile() (string, int64, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return "", 0, false, fmt.Errorf("the body of run %s was not kept: %v", r.id, r.err)
	}
	if r.bodyW == nil {
		return "", 0, false, fmt.Errorf("the body of run %s is gone", r.id)
	}
	if err := r.bodyW.Flush(); err != nil {
		return "", 0, false, err
	}
	return r.body.Name(), r.bodyN, r.bodyCut, nil
}

// Body returns up to limit bytes of the body from its start and whether it
// was cut (at limit, or at MaxBody while it was received).
func (r *Run) Body(limit int) ([]byte, bool, error) {
	name, size, cut, err := r.bodyFile()
	if err != nil {
		return nil, false, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	buf := make([]byte, min(size, int64(max(limit, 0))))
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, false, err
	}
	return buf, cut || size > int64(limit), nil
}

// BodyAt returns up to n bytes of the body from off (fewer at the end of
// what was kept), the kept size and whether the body was cut at MaxBody
// while it was received.
func (r *Run) BodyAt(off int64, n int) ([]byte, int64, bool, error) {
	name, size, cut, err := r.bodyFile()
	if err != nil {
		return nil, 0, false, err
	}
	if off >= size || n <= 0 {
		return nil, size, cut, nil
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
	return buf, size, cut, nil
}

// Events calls fn for every event added so far, in order; an error of fn
// stops the reading and is returned.
func (r *Run) Events(fn func(Event) error) error {
	r.mu.Lock()
	if r.err != nil {
		r.mu.Unlock()
		return fmt.Errorf("the events of run %s were not kept: %v", r.id, r.err)
	}
	if r.eventsW == nil {
		r.mu.Unlock()
		return fmt.Errorf("the events of run %s are gone", r.id)
	}
	r.eventsW.Flush()
	name := r.events.Name()
	r.mu.Unlock()
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return err
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	return sc.Err()
}

// EventsJSONL returns the event file's lines (the events export).
func (r *Run) EventsJSONL() ([]byte, error) {
	var b []byte
	err := r.Events(func(ev Event) error {
		line, err := json.Marshal(ev)
		b = append(append(b, line...), '\n')
		return err
	})
	return b, err
}

// Remove closes and deletes the run's files; later reads say they are gone.
func (r *Run) Remove() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs.close()
	if r.events != nil {
		r.events.Close()
		os.Remove(r.events.Name())
		r.events, r.eventsW = nil, nil
	}
	if r.body != nil {
		r.body.Close()
		os.Remove(r.body.Name())
		r.body, r.bodyW = nil, nil
	}
}

// AddRecords appends timeline records to the record log, as a UI was sent
// them (masked, long data shortened). They are encoded before the run's
// lock is taken.
func (r *Run) AddRecords(recs []send.Record) {
	seqs, lines := encodeRecords(recs)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs.append(seqs, lines)
}
