package app

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/project"
)

// The secrets of the echo run: an API key, a password with every
// character an encoding changes, and a secret shorter than 4.
const (
	echoKey   = "sk-Qv7x_9f8e7d6c5b4a"
	echoPass  = `p@ss w/rd+"é<&>`
	echoShort = "Zq9"
	// splitKey comes in two content deltas (two events, two batches): the
	// merged text has it whole, the events each a piece.
	splitKey = "sk-Split-1234567890"
)

// leaks returns what of a secret text holds (any form, or 5 bytes of the
// key past its first 3), or "".
func leaks(text string) string {
	for i := 3; i+5 <= len(echoKey); i++ {
		if strings.Contains(text, echoKey[i:i+5]) {
			return echoKey[i : i+5]
		}
	}
	for _, s := range []string{echoKey, echoPass, echoShort, splitKey} {
		j, _ := json.Marshal(s)
		forms := []string{s, url.QueryEscape(s), url.PathEscape(s), string(j[1 : len(j)-1])}
		if len(s) >= 8 {
			forms = append(forms, base64.StdEncoding.EncodeToString([]byte("user:"+s)), base64.StdEncoding.EncodeToString([]byte(s)))
		}
		for _, f := range forms {
			if strings.Contains(text, f) {
				return f
			}
		}
	}
	return ""
}

// echoServer sends back every secret it gets, in every place a stream
// carries text: content (the key split between two events that arrive
// in two batches, and another whole), event types and ids, a long event and long tool-call
// arguments with the key where they are cut for the UI, a chunk boundary
// inside the key, usage, finish_reason and an error event.
func echoServer(t *testing.T) *httptest.Server {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(strings.Builder)
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			body.Write(buf[:n])
			if err != nil {
				break
			}
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Echo", r.Header.Get("X-Trace"))
		flush := func() { w.(http.Flusher).Flush(); time.Sleep(40 * time.Millisecond) }
		delta := func(d string) string { return `data: {"choices":[{"index":0,"delta":` + d + `}]}` + "\n\n" }
		fmt.Fprint(w, delta(`{"content":`+q("split "+splitKey[:9])+`}`))
		flush()
		fmt.Fprint(w, delta(`{"content":`+q(splitKey[9:]+", key "+echoKey+", pass "+echoPass+", short "+echoShort)+`}`))
		fmt.Fprint(w, "event: "+echoKey+"\nid: "+echoKey+"\ndata: "+q(r.Header.Get("Authorization")+" "+r.URL.RawQuery+" "+body.String())+"\n\n")
		fmt.Fprint(w, "data: "+strings.Repeat("x", 8190)+echoKey+strings.Repeat("y", 9000)+"\n\n")
		args := strings.Repeat("a", 4090) + echoKey + strings.Repeat("b", 100)
		fmt.Fprint(w, delta(`{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":`+q(args)+`}}]}`))
		half := "data: " + q("split "+echoKey) + "\n\n"
		fmt.Fprint(w, half[:14])
		flush()
		fmt.Fprint(w, half[14:])
		fmt.Fprint(w, `data: {"choices":[{"index":0,"delta":{},"finish_reason":`+q("stop "+echoKey)+`}],"usage":{"total_tokens":3,"note":`+q(echoKey)+`}}`+"\n\n")
		fmt.Fprint(w, `data: {"error":{"message":`+q("bad key "+echoKey)+`,"type":"auth"}}`+"\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunKeepsEchoedSecretsOutOfTheUIAndFiles(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	a, rt := newTestApp(t, Options{ConfigDir: cfg, Getenv: func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": cfg, "STREAMSCOPE_SECRETS": "file"}[k]
	}})
	a.Startup(rt)
	dir := filepath.Join(t.TempDir(), "proj")
	if _, err := a.Project.NewProject(dir, "Echo"); err != nil {
		t.Fatal(err)
	}
	srv := echoServer(t)
	if _, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "real", Variables: []VariableEdit{
		{Name: "base", Value: srv.URL}, {Name: "apiKey", Value: echoKey, Secret: true},
		{Name: "pass", Value: echoPass, Secret: true}, {Name: "short", Value: echoShort, Secret: true},
		{Name: "split", Value: splitKey, Secret: true},
	}}); err != nil {
		t.Fatal(err)
	}
	ep := &project.Endpoint{Name: "echo", Method: "POST", URL: "{{base}}/echo",
		Query:   []project.KV{{Name: "t", Value: "{{pass}}"}, {Name: "s", Value: "{{short}}"}},
		Headers: []project.KV{{Name: "X-Trace", Value: "{{apiKey}}"}},
		Auth:    &project.Auth{Type: project.AuthBasic, Username: "user", Password: "{{pass}}"},
		Body:    &project.Body{Type: project.BodyJSON, Text: `{"key": "{{apiKey}}", "pass": "{{pass}}"}`}}
	src := `console.log("sees " + pm.environment.get("apiKey"));
function onEnd(ctx) { pm.test("named " + pm.environment.get("pass"), function () { pm.expect(pm.environment.get("short")).to.eql("no"); }); }`
	st, err := a.Run.Send(RunRequest{Endpoint: ep, Environment: "real", Script: &src})
	if err != nil {
		t.Fatal(err)
	}
	bs := waitDone(t, rt, st.Event)

	// Everything the UI can get of the run, and every file of it.
	seen := map[string]any{"started": st}
	for i, b := range bs {
		seen[fmt.Sprintf("batch %d", i)] = b
	}
	content, _ := reassemble(t, bs)
	seen["reassembled"] = content
	check := func() {
		t.Helper()
		for what, v := range seen {
			b, _ := json.Marshal(v)
			s := string(b)
			if str, ok := v.(string); ok {
				s = str
			}
			if l := leaks(s); l != "" {
				t.Errorf("%s holds %q:\n%.3000s", what, l, s)
			}
		}
	}
	res, err := a.Run.Result(st.RunID)
	if err != nil {
		t.Fatal(err)
	}
	seen["result"] = res
	if seen["snapshot"], err = a.Run.Snapshot(st.RunID); err != nil {
		t.Fatal(err)
	}
	page, err := a.Run.Records(st.RunID, 1, 5000)
	if err != nil {
		t.Fatal(err)
	}
	seen["records"] = page
	var body int64
	for _, rec := range page.Records {
		if rec.Chunk != nil {
			body = max(body, rec.Chunk.Offset+int64(rec.Chunk.Size))
		}
		if (rec.Event != nil && rec.Event.Truncated) || (rec.Chunk != nil && rec.Chunk.Truncated) {
			cv, err := a.Run.Chunk(st.RunID, rec.Seq)
			if err != nil || !cv.Available {
				t.Fatalf("chunk %d: %+v %v", rec.Seq, cv, err)
			}
			seen[fmt.Sprintf("chunk %d", rec.Seq)] = cv.Text
		}
		if e := rec.Event; e != nil && e.RawSize > 0 {
			v, err := a.Run.RawSlice(st.RunID, e.RawOffset, e.RawSize)
			if err != nil || !v.Available || v.Size != e.RawSize {
				t.Fatalf("raw of event %d: %+v %v", e.Index, v, err)
			}
			seen[fmt.Sprintf("raw of event %d", e.Index)] = v.Text
		}
	}
	// slices at every offset of the body, cutting the secrets anywhere
	for off := int64(0); off < body; off += 5 {
		v, err := a.Run.RawSlice(st.RunID, off, 11)
		if err != nil {
			t.Fatal(err)
		}
		if l := leaks(v.Text + v.Base64); l != "" || (v.Available && v.Size != min(11, int(body-off))) {
			t.Fatalf("raw slice at %d: %+v holds %q", off, v, l)
		}
	}
	if seen["body"], err = a.Run.Body(st.RunID); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, kind := range []string{ExportEvents, ExportRaw, ExportMerged} {
		if _, err := a.Run.Export(st.RunID, kind, filepath.Join(out, kind)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Run.SaveRecording(st.RunID, "echo"); err != nil {
		t.Fatal(err)
	}
	check()
	// The exports, the recording, the project, and the run's own files
	// but its body (that one holds the bytes as received; every read of
	// it above is masked).
	for _, d := range []string{out, dir, a.Run.files.Path(), cfg} {
		filepath.Walk(d, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || strings.HasSuffix(path, ".body") || strings.Contains(path, "secrets") {
				return nil
			}
			b, _ := os.ReadFile(path)
			if l := leaks(string(b)); l != "" {
				t.Errorf("%s holds %q", path, l)
			}
			return nil
		})
	}
	// The masks are there, and the rest of the run is intact.
	done := bs[len(bs)-1].Done
	if !strings.HasPrefix(content, "split [secret], key [secret], pass [secret], short [secret]") || res.Merge.Content != content ||
		done.Message != "error event in the stream: bad key [secret]" || len(res.Tests) != 1 || res.Tests[0].Name != "named [secret]" {
		t.Fatalf("content %q, result %q, done %+v, tests %+v", content, res.Merge.Content, done, res.Tests)
	}
	if len(res.Merge.ToolCalls) != 1 || !strings.Contains(res.Merge.ToolCalls[0].Arguments, "a[secret]b") {
		t.Fatalf("tool calls %+v", res.Merge.ToolCalls)
	}
}

func TestSendErrorsKeepSecretsOut(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	a, rt := newTestApp(t, Options{ConfigDir: cfg, Getenv: func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": cfg, "STREAMSCOPE_SECRETS": "file"}[k]
	}})
	a.Startup(rt)
	if _, err := a.Project.NewProject(filepath.Join(t.TempDir(), "proj"), "Bad"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "real", Variables: []VariableEdit{{Name: "apiKey", Value: echoKey, Secret: true}}}); err != nil {
		t.Fatal(err)
	}
	// The URL does not parse once the secret is in it: its error must not
	// quote the expanded URL.
	_, err := a.Run.Send(RunRequest{Endpoint: &project.Endpoint{Name: "bad", Method: "GET", URL: "http://{{apiKey}}:port/"}, Environment: "real"})
	if err == nil || leaks(err.Error()) != "" {
		t.Fatalf("error %v", err)
	}
}
