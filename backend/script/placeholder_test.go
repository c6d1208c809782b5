package script

import (
	"os"
	"path/filepath"
	"testing"
)

// TestUIPlaceholderRuns runs the example that the desktop app's script
// editor shows (frontend/src/lib/scriptPlaceholder.txt) over a stream, as a
// user who copies it would: it must compile, run without an error and pass
// its own test.
func TestUIPlaceholderRuns(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "frontend", "src", "lib", "scriptPlaceholder.txt")
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	body := sseBody(`{"choices":[{"index":0,"delta":{"content":"Hi"}}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`, "[DONE]")
	res, run := runExample(t, filepath.Join("..", path), "", body, nil)
	if err := run.Err(); err != nil {
		t.Fatalf("the placeholder throws: %v", err)
	}
	tests := run.Tests()
	if len(tests) == 0 {
		t.Fatal("the placeholder ran no test")
	}
	for _, tr := range tests {
		if !tr.Passed {
			t.Errorf("test %q failed: %s", tr.Name, tr.Message)
		}
	}
	if res.Content != "Hi" {
		t.Errorf("content %q", res.Content)
	}
	if len(run.Logs()) == 0 {
		t.Error("the placeholder's console.log printed nothing")
	}
}
