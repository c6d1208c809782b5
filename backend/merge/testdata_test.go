package merge

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// requiredKeys must appear in every testdata/*.json expectation.
var requiredKeys = []string{"format", "content", "reasoning", "tool_calls", "finish_reason", "usage", "error", "complete", "events", "verdict"}

// TestTestdata merges every stream in testdata (our own compositions in each
// provider's wire format) whole and in random chunks, and compares each key
// of the expected .json with the result; keys the file leaves out must be
// empty in the result (choices, refusal, signatures, warnings aside).
func TestTestdata(t *testing.T) {
	t.Parallel()
	var streams []string
	for _, pat := range []string{"testdata/*.sse", "testdata/*.ndjson"} {
		m, _ := filepath.Glob(pat)
		streams = append(streams, m...)
	}
	if len(streams) < 16 {
		t.Fatalf("found %d testdata streams, want at least 16", len(streams))
	}
	for _, path := range streams {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(strings.TrimSuffix(path, filepath.Ext(path)) + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%s.json: %v", name, err)
			}
			for _, k := range requiredKeys {
				if _, ok := want[k]; !ok {
					t.Fatalf("%s.json lacks %q", name, k)
				}
			}
			ndjson := filepath.Ext(path) == ".ndjson"
			if LooksLikeNDJSON(body) != ndjson {
				t.Errorf("LooksLikeNDJSON = %v for a %s file", !ndjson, filepath.Ext(path))
			}
			for i, chunk := range []int{0, 1, 3, 17, 200} {
				res := mergeBody(t, body, Options{}, ndjson, chunk, uint64(i+1)*7919)
				compareResult(t, name, chunk, res, want)
			}
		})
	}
}

func compareResult(t *testing.T, name string, chunk int, res Result, want map[string]any) {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(got)+len(want))
	for k := range got {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		w, inWant := want[k]
		g := got[k]
		if !inWant {
			if k == "warnings" {
				continue
			}
			t.Errorf("%s (chunks %d): unexpected %s = %v", name, chunk, k, g)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			t.Errorf("%s (chunks %d): %s = %s\nwant %s", name, chunk, k, gj, wj)
		}
	}
}
