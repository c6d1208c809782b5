package runstore

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/streamscope/streamscope/backend/send"
)

// MarkEvery is how often the record log's sparse index marks a record.
const MarkEvery = 64

// MaxPage bounds the records one Records call returns.
const MaxPage = 5000

// recordMark is the file offset of a record's line.
type recordMark struct {
	seq, off int64
}

// recordLog is a run's record file; guarded by Run.mu.
type recordLog struct {
	f     *os.File
	w     *bufio.Writer
	off   int64
	n     int64
	marks []recordMark
	first int64 // seq of the first record written
	last  int64 // seq of the last record written
	err   error
}

// Page is a run of consecutive records from the record log.
type Page struct {
	// Records are the records with seq from From on, at most the count asked.
	Records []send.Record
	// From is the first seq asked; First and Last the seqs the log holds.
	From, First, Last int64
}

func (l *recordLog) open(path string) {
	l.f, l.err = os.Create(path)
	if l.err == nil {
		l.w = bufio.NewWriterSize(l.f, 64<<10)
	}
}

func (l *recordLog) append(seqs []int64, lines [][]byte) {
	if l.w == nil || l.err != nil {
		return
	}
	for i, line := range lines {
		if l.n == 0 {
			l.first = seqs[i]
		}
		if l.n%MarkEvery == 0 {
			l.marks = append(l.marks, recordMark{seq: seqs[i], off: l.off})
		}
		if _, err := l.w.Write(line); err != nil {
			l.err = err
			return
		}
		l.off += int64(len(line))
		l.n++
		l.last = seqs[i]
	}
}

func (l *recordLog) close() {
	if l.f != nil {
		l.f.Close()
		os.Remove(l.f.Name())
	}
	l.f, l.w = nil, nil
}

// encodeRecords turns records into record-log lines.
func encodeRecords(recs []send.Record) (seqs []int64, lines [][]byte) {
	seqs = make([]int64, len(recs))
	lines = make([][]byte, len(recs))
	for i := range recs {
		b, err := json.Marshal(&recs[i])
		if err != nil {
			b = []byte("null")
		}
		seqs[i], lines[i] = recs[i].Seq, append(b, '\n')
	}
	return seqs, lines
}

// Records returns up to count (1 to MaxPage) consecutive records of the
// log from seq from on, read from the last index mark before from.
func (r *Run) Records(from int64, count int) (Page, error) {
	if count < 1 || count > MaxPage {
		return Page{}, fmt.Errorf("records: count %d is not between 1 and %d", count, MaxPage)
	}
	r.mu.Lock()
	l := &r.recs
	if l.err != nil {
		r.mu.Unlock()
		return Page{}, fmt.Errorf("the records of run %s were not kept: %v", r.id, l.err)
	}
	if l.w == nil {
		r.mu.Unlock()
		return Page{}, fmt.Errorf("the records of run %s are gone", r.id)
	}
	if err := l.w.Flush(); err != nil {
		r.mu.Unlock()
		return Page{}, err
	}
	page := Page{Records: []send.Record{}, From: from, First: l.first, Last: l.last}
	if l.n == 0 || from > l.last {
		r.mu.Unlock()
		return page, nil
	}
	// the last mark at or before from
	i := sort.Search(len(l.marks), func(i int) bool { return l.marks[i].seq > from }) - 1
	start := int64(0)
	if i >= 0 {
		start = l.marks[i].off
	}
	end, name := l.off, l.f.Name()
	r.mu.Unlock()

	f, err := os.Open(name)
	if err != nil {
		return Page{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(io.NewSectionReader(f, start, end-start))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() && len(page.Records) < count {
		var rec send.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return Page{}, fmt.Errorf("the record log of run %s: %v", r.id, err)
		}
		if rec.Seq >= from {
			page.Records = append(page.Records, rec)
		}
	}
	if err := sc.Err(); err != nil {
		return Page{}, err
	}
	return page, nil
}
