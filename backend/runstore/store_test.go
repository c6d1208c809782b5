package runstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/send"
	"github.com/streamscope/streamscope/backend/sse"
)

func openRun(t *testing.T) (*Dir, *Run) {
	t.Helper()
	d := &Dir{}
	t.Cleanup(d.RemoveAll)
	return d, d.Open("1")
}

func TestEventsComeBackInOrder(t *testing.T) {
	t.Parallel()
	_, r := openRun(t)
	evs := []sse.Event{{Type: "message", Data: "a"}, {Type: "delta", Data: "b\nc", ID: "7"}, {Type: "message", Data: `"quoted" é`}}
	for i, ev := range evs {
		r.AddEvent(i+1, time.Duration(i)*1500*time.Microsecond, ev)
	}
	var got []Event
	if err := r.Events(func(e Event) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(evs) {
		t.Fatalf("%d events back, want %d", len(got), len(evs))
	}
	for i, e := range got {
		if e.Seq != i+1 || e.TimeMS != float64(i)*1.5 || e.Type != evs[i].Type || e.Data != evs[i].Data || e.ID != evs[i].ID {
			t.Errorf("event %d: %+v, want %+v", i, e, evs[i])
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := r.Events(func(Event) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("an error of fn: %v after %d events, want it back after 1", err, n)
	}
	b, err := r.EventsJSONL()
	if err != nil || strings.Count(string(b), "\n") != 3 || !strings.HasPrefix(string(b), `{"seq":1,"time_ms":0,"type":"message","data":"a","id":""}`) {
		t.Errorf("EventsJSONL: %q %v", b, err)
	}
}

func TestBodyIsKeptUpToItsLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		limit  int64
		writes []string
		read   int
		want   string
		cut    bool
	}{
		{"whole", 100, []string{"abc", "def"}, 100, "abcdef", false},
		{"read limit", 100, []string{"abc", "def"}, 4, "abcd", true},
		{"kept limit", 5, []string{"abc", "def", "gh"}, 100, "abcde", true},
		{"empty", 100, nil, 10, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, r := openRun(t)
			r.limit = c.limit
			for _, w := range c.writes {
				r.AddBody([]byte(w))
			}
			b, cut, err := r.Body(c.read)
			if err != nil || string(b) != c.want || cut != c.cut {
				t.Fatalf("Body(%d) = %q, cut %v, %v; want %q, cut %v", c.read, b, cut, err, c.want, c.cut)
			}
			if r.BodySize() != int64(min(c.limit, int64(len(strings.Join(c.writes, ""))))) {
				t.Errorf("BodySize %d", r.BodySize())
			}
		})
	}
}

func TestSlice(t *testing.T) {
	t.Parallel()
	const body = "data: a\r\n\r\ndata: é\n\nkey sk-SECRET-1 end"
	secret := "sk-SECRET-1"
	at := int64(strings.Index(body, secret))
	for _, c := range []struct {
		name   string
		limit  int64 // of the body kept (0: MaxBody)
		red    *redact.Redactor
		off    int64
		size   int
		want   string // the data
		bytes  int    // Size, the body bytes it stands for
		avail  bool
		short  bool
		reason string
	}{
		{name: "a line", off: 0, size: 9, want: "data: a\r\n", bytes: 9, avail: true},
		{name: "CR then its LF", off: 0, size: 10, want: "data: a\r\n\r\n", bytes: 11, avail: true},
		{name: "over the end", off: int64(len(body)) - 3, size: 10, want: "end", bytes: 3, avail: true, short: true},
		{name: "past the end", off: int64(len(body)), size: 10, reason: "past the"},
		{name: "past the end, nothing asked", red: redact.New(secret), off: int64(len(body)) + 5, size: 0, avail: true},
		{name: "past the part kept", limit: 20, off: 25, size: 3, reason: "only the first 20 bytes"},
		{name: "a UTF-8 sequence not cut", limit: 18, off: 17, size: 2, avail: true, short: true},
		{name: "a secret cut by the slice is masked", red: redact.New(secret), off: at + 3, size: 4, want: "[secret]", bytes: 4, avail: true},
		{name: "a secret whole", red: redact.New(secret), off: at - 4, size: len(secret) + 8, want: "key [secret] end", bytes: len(secret) + 8, avail: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, r := openRun(t)
			if c.limit > 0 {
				r.limit = c.limit
			}
			r.AddBody([]byte(body))
			v := r.Slice(c.off, c.size, c.red)
			if v.Available != c.avail || string(v.Data) != c.want || v.Size != c.bytes || v.Shortened != c.short || !strings.Contains(v.Reason, c.reason) {
				t.Fatalf("Slice(%d, %d) = %+v (%q)", c.off, c.size, v, v.Data)
			}
		})
	}
	_, r := openRun(t)
	r.AddBody([]byte(strings.Repeat("x", MaxSlice+10)))
	if v := r.Slice(0, MaxSlice+10, nil); !v.Shortened || v.Size != MaxSlice {
		t.Errorf("a slice over MaxSlice: size %d, shortened %v", v.Size, v.Shortened)
	}
}

func TestView(t *testing.T) {
	t.Parallel()
	_, r := openRun(t)
	r.AddBody([]byte("hello sk-SECRET-2 world"))
	red := redact.New("sk-SECRET-2")
	for _, c := range []struct {
		limit int
		want  string
		cut   bool
	}{{100, "hello [secret] world", false}, {8, "hello [secret]", true}, {5, "hello", true}} {
		b, cut, err := r.View(c.limit, red)
		if err != nil || string(b) != c.want || cut != c.cut {
			t.Errorf("View(%d) = %q, %v, %v; want %q, %v", c.limit, b, cut, err, c.want, c.cut)
		}
	}
}

func TestRecordsPageAcrossMarks(t *testing.T) {
	t.Parallel()
	_, r := openRun(t)
	const n = 3*MarkEvery + 7
	var recs []send.Record
	for i := 1; i <= n; i++ {
		recs = append(recs, send.Record{Seq: int64(i), Kind: send.KindComment, Text: fmt.Sprint("c", i), TimeMS: float64(i)})
		if i%50 == 0 || i == n { // in batches, as a UI is sent them
			r.AddRecords(recs)
			recs = nil
		}
	}
	for _, c := range []struct {
		from       int64
		count      int
		first, end int64 // seqs of the page's first and last records (0: empty)
	}{
		{1, 10, 1, 10},
		{MarkEvery - 1, 5, MarkEvery - 1, MarkEvery + 3},
		{MarkEvery + 5, MarkEvery, MarkEvery + 5, 2*MarkEvery + 4},
		{n - 2, 100, n - 2, n},
		{n + 1, 10, 0, 0},
		{0, 3, 1, 3},
	} {
		p, err := r.Records(c.from, c.count)
		if err != nil || p.First != 1 || p.Last != n || p.From != c.from {
			t.Fatalf("Records(%d, %d): %+v %v", c.from, c.count, p, err)
		}
		if c.first == 0 {
			if len(p.Records) != 0 {
				t.Errorf("Records(%d, %d): %d records, want none", c.from, c.count, len(p.Records))
			}
			continue
		}
		if len(p.Records) != int(c.end-c.first+1) || p.Records[0].Seq != c.first || p.Records[len(p.Records)-1].Seq != c.end {
			t.Errorf("Records(%d, %d): %d records", c.from, c.count, len(p.Records))
		}
		for i, rec := range p.Records {
			if rec.Seq != c.first+int64(i) || rec.Text != fmt.Sprint("c", rec.Seq) || rec.Kind != send.KindComment {
				t.Fatalf("record %d: %+v", i, rec)
			}
		}
	}
	for _, count := range []int{0, MaxPage + 1} {
		if _, err := r.Records(1, count); err == nil || !strings.Contains(err.Error(), fmt.Sprint("count ", count)) {
			t.Errorf("Records(1, %d): %v", count, err)
		}
	}
}

func TestRemovedFilesAreGone(t *testing.T) {
	t.Parallel()
	d, r := openRun(t)
	r.AddEvent(1, 0, sse.Event{Type: "message", Data: "x"})
	r.AddBody([]byte("x"))
	r.AddRecords([]send.Record{{Seq: 1, Kind: send.KindComment}})
	r.Flush()
	files, _ := filepath.Glob(filepath.Join(d.Path(), "*"))
	if len(files) != 3 {
		t.Fatalf("files of a run: %v", files)
	}
	r.Remove()
	if files, _ := filepath.Glob(filepath.Join(d.Path(), "*")); len(files) != 0 {
		t.Fatalf("files left after Remove: %v", files)
	}
	if _, _, err := r.Body(10); err == nil || !strings.Contains(err.Error(), "run 1 is gone") {
		t.Errorf("Body after Remove: %v", err)
	}
	if err := r.Events(func(Event) error { return nil }); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("Events after Remove: %v", err)
	}
	if _, err := r.Records(1, 1); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("Records after Remove: %v", err)
	}
	if v := r.Slice(0, 1, nil); v.Available || !strings.Contains(v.Reason, "gone") {
		t.Errorf("Slice after Remove: %+v", v)
	}
	r.AddBody([]byte("more")) // no panic, nothing written
	path := d.Path()
	d.RemoveAll()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the directory is still there: %v", err)
	}
}

// A run whose files cannot be made goes on, and its reads say why.
func TestFilesThatCannotBeMadeAreReported(t *testing.T) {
	t.Parallel()
	d := &Dir{path: filepath.Join(t.TempDir(), "missing", "dir")}
	r := d.Open("9")
	r.AddEvent(1, 0, sse.Event{Data: "x"})
	r.AddBody([]byte("x"))
	r.AddRecords([]send.Record{{Seq: 1}})
	if _, _, err := r.Body(1); err == nil || !strings.Contains(err.Error(), "the body of run 9 was not kept") {
		t.Errorf("Body: %v", err)
	}
	if err := r.Events(func(Event) error { return nil }); err == nil || !strings.Contains(err.Error(), "the events of run 9 were not kept") {
		t.Errorf("Events: %v", err)
	}
	if _, err := r.Records(1, 1); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("Records: %v", err)
	}
}

func TestCutUTF8(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want int
	}{{"", 0}, {"ab", 2}, {"aé", 3}, {"a\xc3", 1}, {"a\xe6\x9d", 1}, {"a東", 4}, {"\xf0\x9f\x98", 0}, {"\xff", 1}} {
		if got := CutUTF8([]byte(c.in)); got != c.want {
			t.Errorf("CutUTF8(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestTextOrBase64(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, ct, text, b64 string
		isText            bool
	}{
		{"hé", "", "hé", "", true},
		{"{}", "application/json", "{}", "", true},
		{"ab", "image/png", "", "YWI=", false},
		{"ab", "application/octet-stream; x=y", "", "YWI=", false},
		{"\xff", "text/plain", "", "/w==", false},
	} {
		text, b64, isText := TextOrBase64([]byte(c.in), c.ct)
		if text != c.text || b64 != c.b64 || isText != c.isText {
			t.Errorf("TextOrBase64(%q, %q) = %q %q %v", c.in, c.ct, text, b64, isText)
		}
	}
}
