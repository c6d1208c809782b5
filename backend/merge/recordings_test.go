package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// recordingsDir holds the 22 real provider recordings shared by the team;
// it lies outside the repository (beside the checkout, or beside the
// folder of worktrees) and is absent from a user's clone.
var recordingsDir = sharedDir("fixtures/llm_streams")

// sharedDir finds shared/REL in a parent folder of the package's: the
// team's shared folder sits beside the main checkout, which puts it three
// levels up from here, and four from a worktree under wt/.
func sharedDir(rel string) string {
	first := ""
	for up := "../../../"; len(up) <= len("../../../../../"); up += "../" {
		dir := filepath.Join(up, "shared", rel)
		if first == "" {
			first = dir
		}
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	return first
}

type expectedRecording struct {
	Content      string          `json:"content"`
	Reasoning    string          `json:"reasoning"`
	ToolCalls    []expectedTool  `json:"tool_calls"`
	FinishReason *string         `json:"finish_reason"`
	Usage        json.RawMessage `json:"usage"`
	Error        *struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
	SSEEventCount *int `json:"sse_event_count"`
	Extras        struct {
		NDJSONLineCount *int `json:"ndjson_line_count"`
	} `json:"extras"`
	Choices []struct {
		Index        int            `json:"index"`
		Content      string         `json:"content"`
		Reasoning    string         `json:"reasoning"`
		FinishReason *string        `json:"finish_reason"`
		ToolCalls    []expectedTool `json:"tool_calls"`
	} `json:"choices"`
}

type expectedTool struct {
	ID            *string         `json:"id"`
	Name          string          `json:"name"`
	Arguments     string          `json:"arguments"`
	ArgumentsJSON json.RawMessage `json:"arguments_json"`
}

// jsonValue decodes JSON text into generic values for a semantic comparison.
func jsonValue(t *testing.T, what string, b []byte) any {
	t.Helper()
	var v any
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v in %q", what, err, b)
	}
	return v
}

func compareTools(t *testing.T, where string, got []ToolCall, want []expectedTool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d tool calls, want %d: %+v", where, len(got), len(want), got)
		return
	}
	for i, w := range want {
		g := got[i]
		wantID := ""
		if w.ID != nil {
			wantID = *w.ID
		}
		if g.ID != wantID || g.Name != w.Name {
			t.Errorf("%s: tool %d id/name = %q/%q, want %q/%q", where, i, g.ID, g.Name, wantID, w.Name)
		}
		args := g.Arguments
		if args == "" {
			args = "{}"
		}
		ga := jsonValue(t, where+" got arguments", []byte(args))
		wa := jsonValue(t, where+" want arguments_json", w.ArgumentsJSON)
		if !reflect.DeepEqual(ga, wa) {
			t.Errorf("%s: tool %d arguments = %s, want %s", where, i, g.Arguments, w.ArgumentsJSON)
		}
		if g.ArgumentsError != "" {
			t.Errorf("%s: tool %d arguments error: %s", where, i, g.ArgumentsError)
		}
	}
}

func TestRecordings(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(recordingsDir); err != nil {
		t.Skipf("shared recordings not present at %s (only in the team checkout): %v", recordingsDir, err)
	}
	files, err := filepath.Glob(filepath.Join(recordingsDir, "*.expected.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings in %s: %v", recordingsDir, err)
	}
	if len(files) != 22 {
		t.Errorf("found %d recordings, want 22", len(files))
	}
	for _, exp := range files {
		name := strings.TrimSuffix(filepath.Base(exp), ".expected.json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(exp)
			if err != nil {
				t.Fatal(err)
			}
			var want expectedRecording
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%s: %v", exp, err)
			}
			body, err := os.ReadFile(filepath.Join(recordingsDir, name+".sse"))
			ndjson := false
			if os.IsNotExist(err) {
				body, err = os.ReadFile(filepath.Join(recordingsDir, name+".ndjson"))
				ndjson = true
			}
			if err != nil {
				t.Fatal(err)
			}
			if LooksLikeNDJSON(body) != ndjson {
				t.Errorf("LooksLikeNDJSON = %v, want %v", !ndjson, ndjson)
			}
			for _, chunk := range []int{0, 1, 7, 64} {
				got := mergeBody(t, body, Options{}, ndjson, chunk, uint64(len(body)))
				checkRecording(t, name, chunk, got, &want)
			}
		})
	}
}

func checkRecording(t *testing.T, name string, chunk int, got Result, want *expectedRecording) {
	t.Helper()
	where := name
	if chunk > 0 {
		where += fmt.Sprintf(" (random chunks of at most %d bytes)", chunk)
	}
	if got.Content != want.Content {
		t.Errorf("%s: content = %q, want %q", where, got.Content, want.Content)
	}
	if got.Reasoning != want.Reasoning {
		t.Errorf("%s: reasoning = %q, want %q", where, got.Reasoning, want.Reasoning)
	}
	compareTools(t, where, got.ToolCalls, want.ToolCalls)
	if !reflect.DeepEqual(got.FinishReason, want.FinishReason) {
		t.Errorf("%s: finish_reason = %v, want %v", where, deref(got.FinishReason), deref(want.FinishReason))
	}
	gu, _ := json.Marshal(got.Usage)
	if g, w := jsonValue(t, "usage", gu), jsonValue(t, "usage", want.Usage); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: usage = %s, want %s", where, gu, want.Usage)
	}
	switch {
	case want.Error == nil && got.Error != nil:
		t.Errorf("%s: error = %+v, want none", where, got.Error)
	case want.Error != nil && got.Error == nil:
		t.Errorf("%s: no error, want %+v", where, want.Error)
	case want.Error != nil && (got.Error.Message != want.Error.Message || got.Error.Type != want.Error.Type):
		t.Errorf("%s: error = %+v, want %+v", where, got.Error, want.Error)
	}
	wantEvents := want.SSEEventCount
	if wantEvents == nil {
		wantEvents = want.Extras.NDJSONLineCount
	}
	if wantEvents == nil {
		t.Errorf("%s: expected file gives no event count", where)
	} else if e, ok := countErrata[name]; ok {
		if *wantEvents != e.recorded || got.Events != e.actual {
			t.Errorf("%s: events = %d (expected file %d); erratum says file %d, actual %d: update countErrata",
				where, got.Events, *wantEvents, e.recorded, e.actual)
		}
	} else if got.Events != *wantEvents {
		t.Errorf("%s: events = %d, want %d", where, got.Events, *wantEvents)
	}
	if len(want.Choices) != len(got.Choices) {
		t.Errorf("%s: %d choices, want %d", where, len(got.Choices), len(want.Choices))
	} else {
		for i, wc := range want.Choices {
			gc := got.Choices[i]
			if gc.Index != wc.Index || gc.Content != wc.Content || gc.Reasoning != wc.Reasoning ||
				!reflect.DeepEqual(gc.FinishReason, wc.FinishReason) {
				t.Errorf("%s: choice %d = %+v, want %+v", where, i, gc, wc)
			}
			compareTools(t, where, gc.ToolCalls, wc.ToolCalls)
		}
	}
	if got.InvalidEvents != 0 {
		t.Errorf("%s: %d invalid events", where, got.InvalidEvents)
	}
	wantComplete := want.Error == nil
	if got.Complete != wantComplete {
		t.Errorf("%s: complete = %v, want %v (verdict %s)", where, got.Complete, wantComplete, got.Verdict)
	}
}

// countErrata lists recordings whose expected sse_event_count disagrees
// with the bytes of the recording itself.
var countErrata = map[string]struct {
	recorded, actual int
	why              string
}{
	"openai_compat_tool_index_starts_at_1": {8, 9, "the .sse holds 9 blank-line-terminated " +
		"events (8 chunks + data: [DONE]); its README says a final newline was appended so that " +
		"[DONE] dispatches, but sse_event_count (8) was counted before that"},
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
