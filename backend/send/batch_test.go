package send

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/sse"
)

// batchSink collects batches safely.
type batchSink struct {
	mu      sync.Mutex
	batches []Batch
	got     chan struct{}
}

func newBatchSink() *batchSink { return &batchSink{got: make(chan struct{}, 1024)} }

func (s *batchSink) flush(b Batch) {
	s.mu.Lock()
	s.batches = append(s.batches, b)
	s.mu.Unlock()
	s.got <- struct{}{}
}

func (s *batchSink) all(t *testing.T) []Record {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var recs []Record
	for i, b := range s.batches {
		if b.Seq != int64(i+1) {
			t.Fatalf("batch %d has seq %d", i, b.Seq)
		}
		recs = append(recs, b.Records...)
	}
	return recs
}

func TestBatcherKeepsBatchesSmall(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	var in []Record
	for i := range 600 {
		r := Record{Seq: int64(i + 1)}
		switch i % 4 {
		case 0:
			n := rng.IntN(4 << 10)
			if i%40 == 0 {
				n = 40 << 10
			}
			data := make([]byte, n)
			for j := range data {
				data[j] = byte(rng.UintN(256))
			}
			r.Kind, r.Chunk = KindChunk, &ChunkInfo{Size: len(data), Data: data}
		case 1:
			r.Kind, r.Event = KindEvent, &EventInfo{Index: i, Event: sse.Event{Type: "message", Data: strings.Repeat("\"é\n<", rng.IntN(3000))}}
		case 2:
			r.Kind, r.Text = KindComment, strings.Repeat("\x01", 500)
		default:
			r.Kind, r.Warning = KindWarning, &Notice{Code: "x", Message: "careful"}
		}
		in = append(in, r)
	}
	sink := newBatchSink()
	b := NewBatcher(BatchOptions{}, sink.flush)
	for _, r := range in {
		b.Add(r)
	}
	b.Close()
	sink.mu.Lock()
	for _, batch := range sink.batches {
		js, err := json.Marshal(batch)
		if err != nil {
			t.Fatal(err)
		}
		if len(js) >= 64<<10 {
			t.Fatalf("batch %d is %d bytes of JSON", batch.Seq, len(js))
		}
	}
	sink.mu.Unlock()
	out := sink.all(t)
	if len(out) != len(in) {
		t.Fatalf("%d records out, %d in", len(out), len(in))
	}
	for i, r := range out {
		orig := in[i]
		if r.Seq != orig.Seq || r.Kind != orig.Kind {
			t.Fatalf("record %d: seq %d kind %s, want %d %s", i, r.Seq, r.Kind, orig.Seq, orig.Kind)
		}
		switch {
		case r.Chunk != nil:
			c := r.Chunk
			if c.Data != nil {
				t.Fatalf("chunk %d not shaped", r.Seq)
			}
			if c.Truncated != (len(orig.Chunk.Data) > 1024) || !strings.HasPrefix(string(orig.Chunk.Data), c.Preview) {
				t.Fatalf("chunk %d preview of %d bytes, truncated %v", r.Seq, len(c.Preview), c.Truncated)
			}
			if full, ok := b.Full(r.Seq); c.Truncated && (!ok || !bytes.Equal(full, orig.Chunk.Data)) {
				t.Fatalf("chunk %d full bytes not offered", r.Seq)
			}
		case r.Event != nil:
			e := r.Event
			if e.Truncated != (len(orig.Event.Data) > 8192) || !strings.HasPrefix(orig.Event.Data, e.Data) || !utf8.ValidString(e.Data) {
				t.Fatalf("event %d: %d bytes, truncated %v", r.Seq, len(e.Data), e.Truncated)
			}
			if full, ok := b.Full(r.Seq); e.Truncated && (!ok || string(full) != orig.Event.Data || e.Size != len(orig.Event.Data)) {
				t.Fatalf("event %d full data not offered", r.Seq)
			}
		}
	}
}

func TestBatcherNeverWaitsForFlush(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var mu sync.Mutex
	total := 0
	b := NewBatcher(BatchOptions{MaxRecords: 10}, func(batch Batch) {
		<-release // a UI that does not keep up at all
		mu.Lock()
		total += len(batch.Records)
		mu.Unlock()
	})
	// With flush stuck, Add must still return for every record.
	for i := range 5000 {
		b.Add(Record{Seq: int64(i + 1), Kind: KindComment, Text: "x"})
	}
	close(release)
	b.Close()
	if total != 5000 {
		t.Fatalf("flushed %d records, want 5000", total)
	}
}

func TestBatcherFlushesOnInterval(t *testing.T) {
	t.Parallel()
	sink := newBatchSink()
	b := NewBatcher(BatchOptions{Interval: 5 * time.Millisecond}, sink.flush)
	defer b.Close()
	b.Add(Record{Seq: 1, Kind: KindComment, Text: "one"})
	select {
	case <-sink.got:
	case <-time.After(5 * time.Second):
		t.Fatal("a lone record was never flushed")
	}
	if recs := sink.all(t); len(recs) != 1 || recs[0].Text != "one" {
		t.Fatalf("%+v", recs)
	}
}

func TestBatcherWithSender(t *testing.T) {
	t.Parallel()
	var events []string
	for range 500 {
		events = append(events, "data: {\"choices\":[{\"delta\":{\"content\":\"tok\"}}]}\n\n")
	}
	srv := httptest.NewServer(http.HandlerFunc(sseHandler(events, 0)))
	defer srv.Close()
	sink := newBatchSink()
	b := NewBatcher(BatchOptions{}, sink.flush)
	res := Do(context.Background(), &Request{URL: srv.URL}, b.Add)
	b.Close()
	recs := sink.all(t)
	checkSeq(t, recs)
	if res.Events != 500 || len(kinds(recs, KindEvent)) != 500 {
		t.Fatalf("events %d, in batches %d", res.Events, len(kinds(recs, KindEvent)))
	}
}

// jsonLen is an upper bound of the encoded size, and a close one for the
// quotes every JSON event carries.
func TestJSONLenBoundsEncoding(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	alphabet := []string{"a", "\"", "\\", "\n", "\x01", "<", "&", "é", "東", "\u2028", "\xff", " ", "{", "😀"}
	for i := 0; i < 2000; i++ {
		var sb strings.Builder
		for j := rng.IntN(40); j > 0; j-- {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := sb.String()
		enc, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonLen(s); got < len(enc) {
			t.Fatalf("jsonLen(%q) = %d, encoded %d bytes: %s", s, got, len(enc), enc)
		}
	}
	quoted := `{"choices":[{"delta":{"content":"hi"}}]}`
	enc, _ := json.Marshal(quoted)
	if got := jsonLen(quoted); got != len(enc) {
		t.Fatalf("jsonLen of a JSON event = %d, encoded %d", got, len(enc))
	}
}

// TestEstimateBoundsEventRecord: an event record's estimate covers its
// JSON with every number at its longest.
func TestEstimateBoundsEventRecord(t *testing.T) {
	t.Parallel()
	const big = int64(^uint64(0) >> 1)
	for _, data := range []string{"", `{"a":"<b>"}`, strings.Repeat("\"\n", 50)} {
		r := Record{Seq: big, Kind: KindEvent, TimeMS: -1.2345678901234567e+300, Attempt: int(big), Event: &EventInfo{
			Index: int(big), Event: sse.Event{Type: "message", Data: data, ID: "id"}, Truncated: true, Size: int(big),
			RawOffset: big, RawSize: int(big),
		}}
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if n := estimate(&r); n < len(js) {
			t.Fatalf("estimate %d < %d bytes of JSON: %s", n, len(js), js)
		}
	}
}

func TestBatcherFlushNowKeepsOrder(t *testing.T) {
	t.Parallel()
	sink := newBatchSink()
	// An interval long enough that only Flush and the size limit send.
	b := NewBatcher(BatchOptions{Interval: time.Hour, MaxRecords: 7}, sink.flush)
	b.Add(Record{Seq: 1, Kind: KindComment, Text: "first"})
	b.Flush()
	if recs := sink.all(t); len(recs) != 1 || recs[0].Text != "first" {
		t.Fatalf("Flush returned before flushing the waiting record: %+v", recs)
	}
	// Flush from several goroutines while records keep coming and the
	// Batcher's own loop sends full batches: batch seqs stay 1, 2, 3...
	// (checked by all) and records come out in the order they were added.
	const n = 3000
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					b.Flush()
				}
			}
		}()
	}
	for i := 2; i <= n; i++ {
		b.Add(Record{Seq: int64(i), Kind: KindComment, Text: "x"})
	}
	close(stop)
	wg.Wait()
	b.Close()
	recs := sink.all(t)
	if len(recs) != n {
		t.Fatalf("%d records, want %d", len(recs), n)
	}
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d", i, r.Seq)
		}
	}
}
