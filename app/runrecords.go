package app

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

// The record log keeps every timeline record a run sent to the UI (the
// batch copies: long data shortened) in a file, so that the UI can keep
// only the newest records in memory and page older ones back in with
// RunService.Records.

// recordMarkEvery is how often the log's sparse index marks a record.
const recordMarkEvery = 64

// maxRecordPage bounds the records one Records call returns.
const maxRecordPage = 5000

// recordMark is the file offset of a record's line.
type recordMark struct {
	seq, off int64
}

// recordLog is a run's record file; guarded by run.mu.
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

// RecordPage is a run of consecutive timeline records from the record log.
type RecordPage struct {
	// Records are the records with seq from From on, at most the count asked.
	Records []TimelineRecord `json:"records"`
	// From is the first seq asked; First and Last the seqs the log holds.
	From  int64 `json:"from"`
	First int64 `json:"first"`
	Last  int64 `json:"last"`
}

func (l *recordLog) open(path string) {
	l.f, l.err = os.Create(path)
	if l.err == nil {
		l.w = bufio.NewWriterSize(l.f, 64<<10)
	}
}

// append writes records (already JSON lines); called with run.mu held.
func (l *recordLog) append(seqs []int64, lines [][]byte) {
	if l.w == nil || l.err != nil {
		return
	}
	for i, line := range lines {
		if l.n == 0 {
			l.first = seqs[i]
		}
		if l.n%recordMarkEvery == 0 {
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

// encodeRecords turns a batch's records into record-log lines (done
// before the run's lock is taken; recordLog.append writes them under it).
func encodeRecords(recs []TimelineRecord) (seqs []int64, lines [][]byte) {
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

// Records returns up to count (at most 5,000) consecutive timeline records
// of a run, from seq from on, as its batches carried them (long data
// shortened; Chunk has it whole). The UI keeps the newest records of a
// long run in memory and pages older ones in with this.
func (s *RunService) Records(runID string, from int64, count int) (RecordPage, error) {
	if count < 1 || count > maxRecordPage {
		return RecordPage{}, fmt.Errorf("records: count %d is not between 1 and %d", count, maxRecordPage)
	}
	r, err := s.get(runID)
	if err != nil {
		return RecordPage{}, err
	}
	r.mu.Lock()
	l := &r.recs
	if l.err != nil {
		r.mu.Unlock()
		return RecordPage{}, fmt.Errorf("the records of run %s were not kept: %v", runID, l.err)
	}
	if l.w == nil {
		r.mu.Unlock()
		return RecordPage{}, fmt.Errorf("the records of run %s are gone", runID)
	}
	if err := l.w.Flush(); err != nil {
		r.mu.Unlock()
		return RecordPage{}, err
	}
	page := RecordPage{Records: []TimelineRecord{}, From: from, First: l.first, Last: l.last}
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
		return RecordPage{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(io.NewSectionReader(f, start, end-start))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() && len(page.Records) < count {
		var rec TimelineRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return RecordPage{}, fmt.Errorf("the record log of run %s: %v", runID, err)
		}
		if rec.Seq >= from {
			page.Records = append(page.Records, rec)
		}
	}
	if err := sc.Err(); err != nil {
		return RecordPage{}, err
	}
	return page, nil
}
