package sse

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordedDir holds real provider streams outside the repository (see the
// repository's shared fixtures README); absent in a user's clone.
const recordedDir = "../../../shared/fixtures/llm_streams"

// countErrata corrects sse_event_count where the shared fixture contradicts
// its own body: openai_compat_tool_index_starts_at_1.sse has nine
// "data: …\n\n" blocks (its notes say the final "\n" was appended so that
// [DONE] dispatches), but its count of 8 predates that append.
var countErrata = map[string]int{"openai_compat_tool_index_starts_at_1.sse": 9}

// TestRecordedStreams parses every recorded provider stream whole and in
// small chunks and checks the event count the fixture records.
func TestRecordedStreams(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(recordedDir, "*.sse"))
	nd, _ := filepath.Glob(filepath.Join(recordedDir, "*.ndjson"))
	files = append(files, nd...)
	if len(files) == 0 {
		t.Skipf("no recorded streams in %s (shared fixtures are not part of the repository)", recordedDir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ndjson := strings.HasSuffix(f, ".ndjson")
			whole := parseChunks(Options{NDJSON: ndjson}, [][]byte{body})
			if whole.Err != nil || whole.Discarded {
				t.Fatalf("err %v, discarded %v", whole.Err, whole.Discarded)
			}
			for _, size := range []int{1, 3, 64} {
				var chunks [][]byte
				for b := body; len(b) > 0; {
					n := min(size, len(b))
					chunks = append(chunks, b[:n])
					b = b[n:]
				}
				if got := parseChunks(Options{NDJSON: ndjson}, chunks); !sameOutcome(got, whole, false) {
					t.Fatalf("chunk size %d changes the result", size)
				}
			}
			raw, err := os.ReadFile(strings.TrimSuffix(strings.TrimSuffix(f, ".sse"), ".ndjson") + ".expected.json")
			if err != nil {
				t.Fatal(err)
			}
			var exp struct {
				Count *int `json:"sse_event_count"`
			}
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatal(err)
			}
			if n, ok := countErrata[filepath.Base(f)]; ok {
				exp.Count = &n
			}
			if exp.Count != nil && len(whole.Events) != *exp.Count {
				t.Fatalf("%d events, the recording says %d", len(whole.Events), *exp.Count)
			}
			for i, e := range whole.Events {
				if e.Data != "[DONE]" && !json.Valid([]byte(e.Data)) {
					t.Fatalf("event %d data is not JSON: %q", i, e.Data)
				}
			}
		})
	}
}
