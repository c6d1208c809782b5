package merge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// publicRecording is one entry of testdata/public_recordings.json: a real
// recorded stream in a public repository (named by repository, commit and
// path, never copied here), how its lines become a response body, and
// what the merge of that body must be. The expectations were computed by
// an independent reference merger and checked against the source
// repositories' own assertions where they have any.
type publicRecording struct {
	Name   string `json:"name"`
	Repo   string `json:"repo"`
	Commit string `json:"commit"`
	Path   string `json:"path"`
	// Lines is the 1-based inclusive range of non-blank lines to use
	// (files that hold several responses), all when absent.
	Lines []int `json:"lines"`
	// Framing: verbatim (the file is a response body); json-pointer (the
	// file is JSON, the body the string at Pointer, e.g. a recorded
	// response in an HTTP tape); sse-lines (the selected lines are SSE
	// lines as recorded, indented in the file: each, without its leading
	// white space, ends an event); eventstream-json (an AWS SDK's
	// {"<eventType>": payload} per line, framed as AWS event-stream
	// frames); or one JSON payload per line framed as sse-typed
	// (event: <type> + data:), sse-data, sse-data-crlf, ndjson.
	Framing string `json:"framing"`
	// Pointer is the RFC 6901 JSON Pointer of the body (json-pointer).
	Pointer string `json:"pointer"`
	// ChunkMarks is a string the source put between the body's pieces to
	// cut it into chunks (e.g. "|" split off by its test); it is removed.
	ChunkMarks string `json:"chunk_marks"`
	AppendDone bool   `json:"append_done"`
	Covers     string `json:"covers"`
	Note       string `json:"note"`
	Expect     struct {
		Format       string  `json:"format"`
		Content      string  `json:"content"`
		Reasoning    string  `json:"reasoning"`
		Refusal      string  `json:"refusal"`
		FinishReason *string `json:"finish_reason"`
		Events       int     `json:"events"`
		Complete     bool    `json:"complete"`
		ErrorType    string  `json:"error_type"`
		ToolCalls    []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"tool_calls"`
		ServerTools []struct {
			Type   string `json:"type"`
			ID     string `json:"id"`
			Name   string `json:"name"`
			Output bool   `json:"output"`
		} `json:"server_tools"`
		Citations int `json:"citations"`
		// Usage, when given, must equal the merged usage (as JSON values).
		Usage   json.RawMessage `json:"usage"`
		Filters []struct {
			Source   string `json:"source"`
			Index    int    `json:"index"`
			Category string `json:"category"`
			Filtered bool   `json:"filtered"`
		} `json:"filters"`
	} `json:"expect"`
}

// sourceReposEnv names a folder holding git repositories of the sources,
// each as owner+name (a clone or bare repository, or owner+name/repo).
const sourceReposEnv = "STREAMSCOPE_SOURCE_REPOS"

// TestPublicRecordings merges real recordings from public SDK test suites
// (testdata/public_recordings.json), whole and in random chunks. The
// recordings are read from git repositories outside this one; without
// them the test skips.
func TestPublicRecordings(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/public_recordings.json")
	if err != nil {
		t.Fatal(err)
	}
	var recs []publicRecording
	if err := json.Unmarshal(raw, &recs); err != nil {
		t.Fatalf("public_recordings.json: %v", err)
	}
	dir := os.Getenv(sourceReposEnv)
	if dir == "" {
		t.Skipf("%s is not set: it names a folder of git repositories (owner+name) holding the %d recordings", sourceReposEnv, len(recs))
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	for _, rec := range recs {
		t.Run(rec.Name, func(t *testing.T) {
			t.Parallel()
			body, err := rec.body(dir)
			if err != nil {
				t.Skip(err)
			}
			for _, chunk := range []int{0, 1, 7, 64} {
				var got Result
				if rec.Framing == "eventstream-json" {
					got = mergeFrames(t, body, Options{}, chunk, uint64(len(body)))
				} else {
					ndjson := rec.Framing == "ndjson" || LooksLikeNDJSON(body)
					got = mergeBody(t, body, Options{}, ndjson, chunk, uint64(len(body)))
				}
				rec.check(t, chunk, got)
			}
		})
	}
}

// body reads the recording from its repository and frames it.
func (rec *publicRecording) body(dir string) ([]byte, error) {
	name := strings.ReplaceAll(rec.Repo, "/", "+")
	var data []byte
	var lastErr error
	for _, gitDir := range []string{filepath.Join(dir, name, "repo"), filepath.Join(dir, name, ".git"), filepath.Join(dir, name)} {
		if _, err := os.Stat(gitDir); err != nil {
			continue
		}
		out, err := exec.Command("git", "--git-dir", gitDir, "cat-file", "blob", rec.Commit+":"+rec.Path).Output()
		if err == nil {
			data, lastErr = out, nil
			break
		}
		lastErr = fmt.Errorf("%s at %s: %v", rec.Path, gitDir, err)
	}
	if data == nil {
		if lastErr == nil {
			lastErr = fmt.Errorf("no repository %s under %s", name, dir)
		}
		return nil, lastErr
	}
	switch rec.Framing {
	case "verbatim":
		return data, nil
	case "json-pointer":
		return jsonPointerString(data, rec.Pointer)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(rec.Lines) == 2 {
		lines = lines[rec.Lines[0]-1 : rec.Lines[1]]
	}
	var b bytes.Buffer
	for _, l := range lines {
		if rec.ChunkMarks != "" {
			l = strings.ReplaceAll(l, rec.ChunkMarks, "")
		}
		switch rec.Framing {
		case "sse-typed":
			var head struct{ Type string }
			if err := json.Unmarshal([]byte(l), &head); err != nil {
				return nil, fmt.Errorf("%s: a line is not JSON: %v", rec.Path, err)
			}
			fmt.Fprintf(&b, "event: %s\ndata: %s\n\n", head.Type, l)
		case "sse-data":
			fmt.Fprintf(&b, "data: %s\n\n", l)
		case "sse-data-crlf":
			fmt.Fprintf(&b, "data: %s\r\n\r\n", l)
		case "ndjson":
			b.WriteString(l + "\n")
		case "eventstream-json":
			frame, err := sdkJSONFrame(l)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", rec.Path, err)
			}
			b.Write(frame)
		case "sse-lines":
			b.WriteString(strings.TrimLeft(l, " \t") + "\n\n")
		default:
			return nil, fmt.Errorf("unknown framing %q", rec.Framing)
		}
	}
	if rec.AppendDone {
		b.WriteString("data: [DONE]\n\n")
	}
	return b.Bytes(), nil
}

// jsonPointerString returns the string that the RFC 6901 pointer names in
// the JSON document data.
func jsonPointerString(data []byte, pointer string) ([]byte, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("json-pointer: the file is not JSON: %v", err)
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, fmt.Errorf("json-pointer: %q does not start with /", pointer)
	}
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, fmt.Errorf("json-pointer %s: no key %q", pointer, tok)
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("json-pointer %s: no element %q", pointer, tok)
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("json-pointer %s: %q is below a scalar", pointer, tok)
		}
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("json-pointer %s: not a string", pointer)
	}
	return []byte(s), nil
}

// textMatches compares a text with an expectation: the text itself, or
// sha256:<first 16 hex digits>:<length in bytes> for a long one.
func textMatches(got, want string) bool {
	if rest, ok := strings.CutPrefix(want, "sha256:"); ok {
		sum := sha256.Sum256([]byte(got))
		return rest == fmt.Sprintf("%s:%d", hex.EncodeToString(sum[:])[:16], len(got))
	}
	return got == want
}

func (rec *publicRecording) check(t *testing.T, chunk int, got Result) {
	t.Helper()
	w := &rec.Expect
	where := fmt.Sprintf("%s (chunks %d)", rec.Name, chunk)
	short := func(s string) string {
		if len(s) > 120 {
			return s[:120] + "…"
		}
		return s
	}
	if got.Format != w.Format {
		t.Errorf("%s: format = %q, want %q", where, got.Format, w.Format)
	}
	for _, f := range []struct{ name, got, want string }{
		{"content", got.Content, w.Content}, {"reasoning", got.Reasoning, w.Reasoning}, {"refusal", got.Refusal, w.Refusal},
	} {
		if !textMatches(f.got, f.want) {
			t.Errorf("%s: %s = %q (%d bytes), want %s", where, f.name, short(f.got), len(f.got), f.want)
		}
	}
	if deref(got.FinishReason) != deref(w.FinishReason) {
		t.Errorf("%s: finish_reason = %v, want %v", where, deref(got.FinishReason), deref(w.FinishReason))
	}
	if got.Events != w.Events || got.Complete != w.Complete {
		t.Errorf("%s: events/complete = %d/%v, want %d/%v (verdict %s, warnings %q)", where, got.Events, got.Complete,
			w.Events, w.Complete, got.Verdict, got.Warnings)
	}
	if (got.Error == nil) != (w.ErrorType == "") || (got.Error != nil && got.Error.Type != w.ErrorType) {
		t.Errorf("%s: error = %+v, want type %q", where, got.Error, w.ErrorType)
	}
	var calls, wantCalls []string
	for _, c := range got.ToolCalls {
		calls = append(calls, c.ID+" "+c.Name)
		if c.ArgumentsError != "" && got.Error == nil {
			t.Errorf("%s: tool call %s: %s", where, c.Name, c.ArgumentsError)
		}
	}
	for _, c := range w.ToolCalls {
		wantCalls = append(wantCalls, c.ID+" "+c.Name)
	}
	if strings.Join(calls, ",") != strings.Join(wantCalls, ",") {
		t.Errorf("%s: tool_calls = %q, want %q", where, calls, wantCalls)
	}
	var servers, wantServers []string
	for _, s := range got.ServerTools {
		servers = append(servers, fmt.Sprintf("%s %s %s %v", s.Type, s.ID, s.Name, s.Output != nil))
	}
	for _, s := range w.ServerTools {
		wantServers = append(wantServers, fmt.Sprintf("%s %s %s %v", s.Type, s.ID, s.Name, s.Output))
	}
	if strings.Join(servers, ",") != strings.Join(wantServers, ",") {
		t.Errorf("%s: server_tools = %q, want %q", where, servers, wantServers)
	}
	if len(got.Citations) != w.Citations {
		t.Errorf("%s: %d citations, want %d", where, len(got.Citations), w.Citations)
	}
	if len(w.Filters) > 0 {
		var filters, wantFilters []string
		for _, f := range got.Filters {
			filters = append(filters, fmt.Sprintf("%s %d %s %v", f.Source, f.Index, f.Category, f.Filtered))
		}
		for _, f := range w.Filters {
			wantFilters = append(wantFilters, fmt.Sprintf("%s %d %s %v", f.Source, f.Index, f.Category, f.Filtered))
		}
		if strings.Join(filters, ",") != strings.Join(wantFilters, ",") {
			t.Errorf("%s: filters = %q, want %q", where, filters, wantFilters)
		}
	}
	if len(w.Usage) > 0 {
		var wantUsage, gotUsage any
		gu, _ := json.Marshal(got.Usage)
		if json.Unmarshal(w.Usage, &wantUsage) != nil || json.Unmarshal(gu, &gotUsage) != nil || !reflect.DeepEqual(gotUsage, wantUsage) {
			t.Errorf("%s: usage = %s, want %s", where, gu, w.Usage)
		}
	}
	if got.InvalidEvents != 0 {
		t.Errorf("%s: %d invalid events", where, got.InvalidEvents)
	}
}
