package cli

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// liveFlush is how long stderr output may wait in the buffer: short enough
// that a live timeline is immediate (it adds at most 5 ms to the time to
// first event), long enough that a fast stream costs one write per burst
// of hundreds of events instead of one per event.
const liveFlush = 5 * time.Millisecond

// liveWriter passes a write through at once when nothing was written for
// liveFlush (a slow stream's lines appear immediately); writes that follow
// within liveFlush are buffered and flushed liveFlush later (a fast
// stream's burst costs one write), and on Close. It is safe for concurrent
// use, so the timeline, script console lines and errors share one ordered
// stream.
type liveWriter struct {
	mu        sync.Mutex
	w         *bufio.Writer
	timer     *time.Timer
	lastFlush time.Time
}

func newLiveWriter(w io.Writer) *liveWriter {
	return &liveWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

func (l *liveWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.w.Write(p)
	if l.timer != nil || l.w.Buffered() == 0 {
		return n, err
	}
	if now := time.Now(); now.Sub(l.lastFlush) >= liveFlush {
		l.lastFlush = now
		if ferr := l.w.Flush(); err == nil {
			err = ferr
		}
		return n, err
	}
	l.timer = time.AfterFunc(liveFlush, l.flush)
	return n, err
}

func (l *liveWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timer = nil
	l.lastFlush = time.Now()
	_ = l.w.Flush()
}

// Close writes out what is buffered; later writes still work (and flush
// on their own timer).
func (l *liveWriter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	return l.w.Flush()
}
