package project

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func newProject(t *testing.T) *Project {
	t.Helper()
	p, err := Create(filepath.Join(t.TempDir(), "proj"), "Test project")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, p *Project, rel, content string) {
	t.Helper()
	full := filepath.Join(p.Dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fullEndpoint() *Endpoint {
	return &Endpoint{
		Name:      "Chat stream",
		Method:    "post",
		URL:       "{{base_url}}/v1/chat/completions",
		Query:     []KV{{Name: "api-version", Value: "1"}, {Name: "off", Value: "x", Disabled: true}},
		Headers:   []KV{{Name: "Accept", Value: "text/event-stream"}, {Name: "X-Trace", Value: "a"}, {Name: "X-Trace", Value: "b"}},
		Body:      &Body{Type: BodyJSON, Text: "{\n  \"model\": \"{{model}}\",\n  \"stream\": true\n}\n"},
		Auth:      &Auth{Type: AuthBearer, Token: "{{api_key}}"},
		Stream:    "sse",
		Merge:     &MergeSettings{Format: "jsonpath", Content: "$.choices[0].delta.content", Reasoning: "$.choices[0].delta.reasoning_content", Stop: "$.choices[0].finish_reason"},
		Script:    "chat-stream.js",
		Timeouts:  &Timeouts{HeaderMS: 1000, IdleMS: 2000},
		Reconnect: &Reconnect{Enabled: true, MaxAttempts: 3, DelayMS: 500},
		Retry:     &Retry{Enabled: true, MaxAttempts: 2, MaxWaitMS: 9000, FallbackMS: 100},
		Notes:     "first line\nsecond line\n",
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	ep := fullEndpoint()
	if err := p.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	if ep.File != "chat-stream.endpoint.yaml" || ep.Seq != 1 || ep.Method != "POST" {
		t.Fatalf("file %q seq %d method %q", ep.File, ep.Seq, ep.Method)
	}
	sub := &Endpoint{Name: "Messages", Method: "POST", URL: "http://x/v1/messages", Folder: "anthropic"}
	if err := p.SaveEndpoint(sub); err != nil {
		t.Fatal(err)
	}
	if err := p.SaveFolder(&Folder{Path: "anthropic", Name: "Anthropic", Seq: 2, Notes: "n"}); err != nil {
		t.Fatal(err)
	}
	env := &Environment{Name: "local", Variables: []Variable{{Name: "base_url", Value: "http://127.0.0.1"}, {Name: "api_key", Secret: true}}}
	if err := p.SaveEnvironment(env); err != nil {
		t.Fatal(err)
	}

	q, err := Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Problems) != 0 {
		t.Fatalf("problems: %v", q.Problems)
	}
	if q.Meta.Name != "Test project" || q.Meta.ID != p.Meta.ID || q.Meta.Schema != SchemaVersion {
		t.Fatalf("meta %+v vs %+v", q.Meta, p.Meta)
	}
	if len(q.Endpoints) != 2 {
		t.Fatalf("endpoints: %d", len(q.Endpoints))
	}
	got, err := q.Endpoint("Chat stream")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ep) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, ep)
	}
	if got, err := q.Endpoint("anthropic/Messages"); err != nil || got.Folder != "anthropic" {
		t.Fatalf("folder endpoint: %v %+v", err, got)
	}
	if f := q.Folder("anthropic"); f == nil || f.Name != "Anthropic" || f.Seq != 2 || !f.HasFile {
		t.Fatalf("folder: %+v", f)
	}
	e, err := q.Environment("local")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Lookup("api_key"); !v.Secret || v.Value != "" {
		t.Fatalf("secret var %+v", v)
	}
	raw, _ := os.ReadFile(filepath.Join(p.Dir, "chat-stream.endpoint.yaml"))
	for _, want := range []string{"schema: 2\n", "name: Chat stream\n", "text: |\n", "    {\n", "url: '{{base_url}}/v1/chat/completions'\n"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("endpoint file lacks %q:\n%s", want, raw)
		}
	}
}

func TestOrderBySeqAndFolders(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	writeFile(t, p, "b.endpoint.yaml", "schema: 2\nname: B\nseq: 1\nmethod: GET\nurl: http://x/b\n")
	writeFile(t, p, "a.endpoint.yaml", "schema: 2\nname: A\nseq: 2\nmethod: GET\nurl: http://x/a\n")
	// Two people added an endpoint with the same seq: ties sort by name.
	writeFile(t, p, "c.endpoint.yaml", "schema: 2\nname: C\nseq: 2\nmethod: GET\nurl: http://x/c\n")
	writeFile(t, p, "z/folder.yaml", "schema: 2\nname: Zed\nseq: 1\n")
	writeFile(t, p, "z/in.endpoint.yaml", "schema: 2\nname: In Z\nseq: 1\nmethod: GET\nurl: http://x/z\n")
	writeFile(t, p, "y/in.endpoint.yaml", "schema: 2\nname: In Y\nseq: 1\nmethod: GET\nurl: http://x/y\n")
	writeFile(t, p, "y/folder.yaml", "schema: 2\nseq: 5\n")
	q, err := Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, e := range q.Endpoints {
		refs = append(refs, e.Ref())
	}
	want := []string{"B", "A", "C", "z/In Z", "y/In Y"}
	if !reflect.DeepEqual(refs, want) {
		t.Fatalf("order %v, want %v", refs, want)
	}
	ep := &Endpoint{Name: "D", URL: "http://x/d"}
	if err := q.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	if ep.Seq != 3 {
		t.Fatalf("next seq %d, want 3", ep.Seq)
	}
}

func TestCorruptFileNextToGoodOnes(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	good := &Endpoint{Name: "Good", URL: "http://x/good"}
	if err := p.SaveEndpoint(good); err != nil {
		t.Fatal(err)
	}
	broken := "schema: 2\nname: Broken\nmethod: GET\nurl: http://x/broken\nheaders:\n  - name: A\n   value: misindented\n"
	writeFile(t, p, "broken.endpoint.yaml", broken)
	badEnv := "schema: 2\nvariables:\n  - name: ok\n    value: 1\n  - name: token\n    secret: true\n    value: leaked\n"
	writeFile(t, p, "environments/bad.yaml", badEnv)
	writeFile(t, p, "environments/good.yaml", "schema: 2\nvariables:\n  - name: a\n    value: b\n")

	q, err := Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Endpoints) != 1 || q.Endpoints[0].Name != "Good" {
		t.Fatalf("endpoints %+v", q.Endpoints)
	}
	if len(q.Environments) != 1 || q.Environments[0].Name != "good" {
		t.Fatalf("environments %+v", q.Environments)
	}
	if len(q.Problems) != 2 {
		t.Fatalf("problems %v", q.Problems)
	}
	ep, envp := q.Problems[0], q.Problems[1]
	if !strings.HasSuffix(ep.Path, "broken.endpoint.yaml") || ep.Line != 6 || ep.Reason == "" {
		t.Errorf("endpoint problem: %+v", ep)
	}
	if !strings.HasSuffix(envp.Path, filepath.Join("environments", "bad.yaml")) || envp.Line != 7 || !strings.Contains(envp.Reason, "secret") {
		t.Errorf("environment problem: %+v", envp)
	}

	// A save to the broken file refuses and leaves it byte for byte.
	over := &Endpoint{Name: "Broken", URL: "http://x/new", File: "broken.endpoint.yaml"}
	err = q.SaveEndpoint(over)
	if !errors.Is(err, ErrBrokenFile) || !strings.Contains(err.Error(), "broken.endpoint.yaml:6") {
		t.Fatalf("save over broken file: %v", err)
	}
	if err := q.SaveEnvironment(&Environment{Name: "bad", Variables: []Variable{{Name: "x", Value: "y"}}}); !errors.Is(err, ErrBrokenFile) {
		t.Fatalf("save over broken environment: %v", err)
	}
	for rel, want := range map[string]string{"broken.endpoint.yaml": broken, "environments/bad.yaml": badEnv} {
		b, err := os.ReadFile(filepath.Join(p.Dir, rel))
		if err != nil || string(b) != want {
			t.Fatalf("%s changed or gone: %v %q", rel, err, b)
		}
	}
	// A new endpoint whose slug collides with the broken file gets another file.
	again := &Endpoint{Name: "Broken", URL: "http://x/new"}
	if err := q.SaveEndpoint(again); err != nil {
		t.Fatal(err)
	}
	if again.File != "broken-2.endpoint.yaml" {
		t.Fatalf("new file %q", again.File)
	}
	// Looking the broken endpoint up explains why it is missing.
	if _, err := q.Endpoint("broken"); err == nil || !strings.Contains(err.Error(), "does not load") {
		t.Fatalf("lookup broken: %v", err)
	}
}

func TestFileErrorsNameLineAndField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, content string
		line          int
		reason        string
	}{
		{"unclosed flow", "schema: 2\nname: [unclosed\nurl: x\n", 2, "did not find expected ',' or ']'"},
		{"scanner", "schema: 2\nname: a: b\n", 2, "mapping values are not allowed"},
		{"duplicate key", "schema: 2\nname: X\nurl: http://x\nname: Y\n", 4, `field "name" given twice (first on line 2)`},
		{"unknown field", "schema: 2\nname: X\nurl: http://x\nheadrs:\n  - name: A\n", 4, `unknown field "headrs"`},
		{"nested unknown field", "schema: 2\nname: X\nurl: http://x\nauth:\n  type: bearer\n  tokn: t\n", 6, `unknown field "tokn" in auth`},
		{"bad stream mode", "schema: 2\nname: X\nurl: http://x\nstream: websocket\n", 4, "stream: \"websocket\" is not a stream mode"},
		{"bad JSONPath", "schema: 2\nname: X\nurl: http://x\nmerge:\n  content: '$.[[['\n", 5, "merge.content: invalid JSONPath"},
		{"bad body type", "schema: 2\nname: X\nurl: http://x\nbody:\n  type: xml\n", 5, "body.type"},
		{"missing url", "schema: 2\nname: X\n", 1, "url: an endpoint needs a URL"},
		{"header index", "schema: 2\nname: X\nurl: http://x\nheaders:\n  - name: ok\n    value: 1\n  - name: 'bad name'\n    value: 2\n", 7, "headers.1.name"},
		{"wrong type", "schema: 2\nname: X\nurl: http://x\nseq: first\n", 4, "cannot unmarshal"},
		{"newer schema", "schema: 99\nname: X\nurl: http://x\n", 1, "schema 99 is newer"},
		{"bad schema", "schema: two\nname: X\n", 1, "not a schema version"},
		{"not a mapping", "- a\n- b\n", 1, "expected a mapping"},
		{"empty", "", 1, "file is empty"},
		{"script escapes", "schema: 2\nname: X\nurl: http://x\nscript: ../../etc/x.js\n", 4, "relative path inside the project"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseEndpoint("x.endpoint.yaml", []byte(c.content))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FileError", err)
			}
			if fe.Path != "x.endpoint.yaml" || fe.Line != c.line || !strings.Contains(fe.Reason, c.reason) {
				t.Fatalf("got %q (line %d), want line %d with %q", fe.Error(), fe.Line, c.line, c.reason)
			}
		})
	}
}

func TestMigrateSchema1(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	v1 := "name: Old\nmethod: post\nurl: http://x/old\nheaders:\n  Accept: text/event-stream\n  X-Num: 5\nquery:\n  a: b\nbody: '{\"stream\": true}'\n"
	writeFile(t, p, "old.endpoint.yaml", v1)
	writeFile(t, p, "plain.endpoint.yaml", "schema: 1\nname: Plain\nurl: http://x/p\nbody: |\n  hello\n  world\n")
	writeFile(t, p, "environments/old.yaml", "schema: 1\nvariables:\n  base_url: http://x\n  n: 3\n")
	q, err := Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Problems) != 0 {
		t.Fatalf("problems: %v", q.Problems)
	}
	old, _ := q.Endpoint("Old")
	want := &Endpoint{Schema: 2, Name: "Old", Method: "POST", URL: "http://x/old",
		Headers: []KV{{Name: "Accept", Value: "text/event-stream"}, {Name: "X-Num", Value: "5"}},
		Query:   []KV{{Name: "a", Value: "b"}},
		Body:    &Body{Type: BodyJSON, Text: `{"stream": true}`},
		File:    "old.endpoint.yaml"}
	if !reflect.DeepEqual(old, want) {
		t.Fatalf("migrated:\n got %+v\nwant %+v", old, want)
	}
	plain, _ := q.Endpoint("Plain")
	if plain.Body == nil || plain.Body.Type != BodyRaw || plain.Body.Text != "hello\nworld\n" {
		t.Fatalf("plain body %+v", plain.Body)
	}
	env, err := q.Environment("old")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(env.Variables, []Variable{{Name: "base_url", Value: "http://x"}, {Name: "n", Value: "3"}}) {
		t.Fatalf("variables %+v", env.Variables)
	}
	// Reading never rewrites; saving writes schema 2.
	if b, _ := os.ReadFile(filepath.Join(p.Dir, "old.endpoint.yaml")); string(b) != v1 {
		t.Fatal("loading rewrote a schema 1 file")
	}
	if err := q.SaveEndpoint(old); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(p.Dir, "old.endpoint.yaml"))
	if !strings.HasPrefix(string(b), "schema: 2\n") || !strings.Contains(string(b), "- name: Accept\n") {
		t.Fatalf("saved:\n%s", b)
	}
}

func TestEndpointLookup(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	for _, e := range []*Endpoint{{Name: "Same", URL: "http://a"}, {Name: "Same", URL: "http://b", Folder: "f"}, {Name: "Only", URL: "http://c", Folder: "f/g"}} {
		if err := p.SaveEndpoint(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.SaveEndpoint(&Endpoint{Name: "Same", URL: "http://d"}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate name: %v", err)
	}
	cases := []struct{ ref, url, err string }{
		{"Same", "http://a", ""},
		{"f/Same", "http://b", ""},
		{"Only", "http://c", ""},
		{"f/g/only.endpoint.yaml", "http://c", ""},
		{"f/g/only", "http://c", ""},
		{"Nope", "", "no endpoint \"Nope\""},
	}
	for _, c := range cases {
		e, err := p.Endpoint(c.ref)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.ref, err, c.err)
			}
			continue
		}
		if err != nil || e.URL != c.url {
			t.Errorf("%s: %v %+v", c.ref, err, e)
		}
	}
	if err := p.SaveEndpoint(&Endpoint{Name: "Only", URL: "http://e", Folder: "h"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Endpoint("Only"); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Fatalf("ambiguous: %v", err)
	}
	// Two files naming the same endpoint (e.g. after a git merge).
	writeFile(t, p, "same-copy.endpoint.yaml", "schema: 2\nname: Same\nurl: http://z\n")
	q, _ := Load(p.Dir)
	if _, err := q.Endpoint("Same"); err == nil || !strings.Contains(err.Error(), "same-copy.endpoint.yaml") {
		t.Fatalf("duplicate files: %v", err)
	}
	if e, err := q.Endpoint("same-copy"); err != nil || e.URL != "http://z" {
		t.Fatalf("by file: %v", err)
	}
}

func TestCreateRefusesExistingProject(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	if _, err := Create(p.Dir, "again"); err == nil {
		t.Fatal("Create over an existing project succeeded")
	}
	if _, err := Load(t.TempDir()); !errors.Is(err, ErrNotProject) {
		t.Fatalf("Load of an empty dir: %v", err)
	}
}

func TestScriptBesideEndpoint(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	ep := &Endpoint{Name: "With script", URL: "http://x", Folder: "f"}
	if err := p.SaveScript(ep, "function onEnd(ctx) {}\n"); err != nil {
		t.Fatal(err)
	}
	if ep.Script != "with-script.js" {
		t.Fatalf("script %q", ep.Script)
	}
	q, _ := Load(p.Dir)
	e, _ := q.Endpoint("With script")
	src, err := q.ReadScript(e)
	if err != nil || src != "function onEnd(ctx) {}\n" {
		t.Fatalf("script %q %v", src, err)
	}
	if _, err := os.Stat(filepath.Join(p.Dir, "f", "with-script.js")); err != nil {
		t.Fatal(err)
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Chat completion (stream)": "chat-completion-stream",
		"  ..hidden":               "hidden",
		"Ünïcode ok":               "ünïcode-ok",
		"///":                      "endpoint",
		"a/b\\c":                   "a-b-c",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// docBlock returns the first tab-indented comment block of doc.go after marker.
func docBlock(t *testing.T, marker string) string {
	t.Helper()
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(src), marker)
	if !ok {
		t.Fatalf("doc.go has no %q", marker)
	}
	var b strings.Builder
	started := false
	for _, line := range strings.Split(after, "\n") {
		if text, ok := strings.CutPrefix(line, "//\t"); ok {
			started = true
			b.WriteString(text + "\n")
		} else if started {
			break
		}
	}
	return b.String()
}

// The layout documented in doc.go (and copied into the README) is valid.
func TestDocExamplesParse(t *testing.T) {
	t.Parallel()
	ep, err := parseEndpoint("doc.go endpoint", []byte(docBlock(t, "An endpoint file, as written")))
	if err != nil {
		t.Fatal(err)
	}
	if ep.Name != "Chat stream" || ep.Merge.Stop == "" || ep.Retry.FallbackMS != 1000 || ep.Query[0].Value != "1" {
		t.Fatalf("doc endpoint %+v", ep)
	}
	env := &Environment{}
	if _, err := decodeFile("doc.go environment", []byte(docBlock(t, "a secret one has no value")), kindEnvironment, env); err != nil {
		t.Fatal(err)
	}
	if err := env.Validate(); err != nil || len(env.Variables) != 2 {
		t.Fatalf("doc environment %+v %v", env, err)
	}
}

// Files edited on Windows (CRLF line ends, a byte-order mark) load the same.
func TestCRLFAndBOM(t *testing.T) {
	t.Parallel()
	src := "\ufeffschema: 2\r\nname: Win\r\nurl: http://x\r\nbody:\r\n  type: raw\r\n  text: |\r\n    a\r\n    b\r\n"
	ep, err := parseEndpoint("win.endpoint.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if ep.Name != "Win" || ep.Body.Text != "a\nb\n" {
		t.Fatalf("%+v %q", ep, ep.Body.Text)
	}
}

// A project can select every format the merge knows (the self-hosted ones
// too): one list for both.
func TestEveryMergeFormatValidates(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"tgi", "llama-cpp", "cohere-v1", "openai-chat"} {
		e := &Endpoint{Name: "E", Method: "GET", URL: "http://h/", Merge: &MergeSettings{Format: f}}
		if err := e.Validate(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
