package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/runstore"
)

// The record log gives back, page by page, exactly the records the batches
// carried, so the UI can drop old ones from memory and page them in again.
func TestRecordsPagesBackWhatTheBatchesCarried(t *testing.T) {
	t.Parallel()
	a, rt := runApp(t)
	st, err := a.Run.Send(RunRequest{Endpoint: chatEndpoint("chat", "X-Mock-TPS: 0", `{"model":"gpt-4o","stream":true,"n":4,"messages":[{"role":"user","content":"Tell me a long story about Paris"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	var sent []TimelineRecord
	for _, b := range waitDone(t, rt, st.Event) {
		sent = append(sent, b.Records...)
	}
	if len(sent) < 2*runstore.MarkEvery {
		t.Fatalf("only %d records: the test needs several index marks", len(sent))
	}
	for i, r := range sent {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d", i, r.Seq)
		}
	}
	var got []TimelineRecord
	for from := int64(1); ; {
		page, err := a.Run.Records(st.RunID, from, 37)
		if err != nil {
			t.Fatal(err)
		}
		if page.First != 1 || page.Last != int64(len(sent)) {
			t.Fatalf("page from %d: first %d last %d, want 1 and %d", from, page.First, page.Last, len(sent))
		}
		if len(page.Records) == 0 {
			break
		}
		got = append(got, page.Records...)
		from = page.Records[len(page.Records)-1].Seq + 1
	}
	if len(got) != len(sent) {
		t.Fatalf("paged %d records, batches carried %d", len(got), len(sent))
	}
	for i := range sent {
		if jsonOf(t, got[i]) != jsonOf(t, sent[i]) {
			t.Fatalf("record %d differs:\n got %s\nsent %s", i+1, jsonOf(t, got[i]), jsonOf(t, sent[i]))
		}
	}
	// a page from the middle, across index marks
	want := min(runstore.MarkEvery, len(sent)-runstore.MarkEvery-4)
	mid, err := a.Run.Records(st.RunID, runstore.MarkEvery+5, want)
	if err != nil || len(mid.Records) != want || mid.Records[0].Seq != runstore.MarkEvery+5 || mid.Records[want-1].Seq != int64(runstore.MarkEvery+4+want) {
		t.Fatalf("middle page: %d records from %d to %d, %v", len(mid.Records), mid.Records[0].Seq, mid.Records[len(mid.Records)-1].Seq, err)
	}
	for _, c := range []struct {
		run   string
		count int
		want  string
	}{
		{st.RunID, 0, "count 0"},
		{st.RunID, runstore.MaxPage + 1, "count 5001"},
		{"nope", 10, `no run "nope"`},
	} {
		if _, err := a.Run.Records(c.run, 1, c.count); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Records(%q, 1, %d): err = %v, want %q", c.run, c.count, err, c.want)
		}
	}
	if err := a.Run.Forget(st.RunID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run.Records(st.RunID, 1, 10); err == nil {
		t.Fatal("Records of a forgotten run: no error")
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
