package postman

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/project"
)

func TestImportCollection(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/llm.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "llm")
	res, err := Import(data, "llm.postman_collection.json", dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) != 0 {
		t.Fatalf("problems: %v", p.Problems)
	}
	if p.Meta.Name != "LLM streaming" || p.Meta.Notes != "Streaming endpoints of several providers." {
		t.Errorf("meta %+v", p.Meta)
	}
	var refs []string
	for _, e := range p.Endpoints {
		refs = append(refs, e.Ref()+" "+e.Method)
	}
	wantRefs := []string{"Token (form) POST", "Upload POST", "GraphQL POST", "Health GET", "openai/Chat stream POST", "openai/Chat stream (2) POST", "gemini/Stream generate POST"}
	if !reflect.DeepEqual(refs, wantRefs) {
		t.Errorf("endpoints %q\nwant %q", refs, wantRefs)
	}
	get := func(ref string) *project.Endpoint {
		t.Helper()
		e, err := p.Endpoint(ref)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	chat := get("openai/Chat stream")
	if chat.URL != "{{base_url}}/v1/chat/completions" ||
		!reflect.DeepEqual(chat.Query, []project.KV{{Name: "api-version", Value: "1"}, {Name: "debug", Value: "true", Disabled: true}}) ||
		!reflect.DeepEqual(chat.Headers, []project.KV{{Name: "Accept", Value: "text/event-stream"}, {Name: "X-Debug", Value: "1", Disabled: true}}) ||
		!reflect.DeepEqual(chat.Auth, &project.Auth{Type: "bearer", Token: "{{openai_key}}"}) ||
		chat.Body == nil || chat.Body.Type != "json" || !strings.Contains(chat.Body.Text, `"model": "{{model}}"`) {
		t.Errorf("chat %+v body %+v", chat, chat.Body)
	}
	src, err := p.ReadScript(chat)
	if err != nil || !strings.Contains(src, `pm.test("status is 200"`) || chat.Script != "chat-stream.js" {
		t.Errorf("script %q %q %v", chat.Script, src, err)
	}
	echo := get("openai/Chat stream (2)")
	if echo.Auth != nil || echo.Body == nil || echo.Body.Type != "raw" || echo.Body.ContentType != "text/plain" || echo.URL != "{{base_url}}/v1/echo" {
		t.Errorf("echo %+v %+v", echo, echo.Body)
	}
	gem := get("gemini/Stream generate")
	if gem.URL != "https://generativelanguage.googleapis.com/v1beta/models/{{model}}" ||
		!reflect.DeepEqual(gem.Auth, &project.Auth{Type: "apikey", Key: "x-goog-api-key", Value: "{{gemini_key}}", In: "header"}) ||
		gem.Body == nil || gem.Body.Type != "json" {
		t.Errorf("gemini %+v", gem)
	}
	tok := get("Token (form)")
	if !reflect.DeepEqual(tok.Auth, &project.Auth{Type: "basic", Username: "{{client_id}}", Password: "{{client_secret}}"}) ||
		!reflect.DeepEqual(tok.Body, &project.Body{Type: "urlencoded", Fields: []project.FormField{{Name: "grant_type", Value: "client_credentials"}, {Name: "scope", Value: "read", Disabled: true}}}) {
		t.Errorf("token %+v %+v", tok.Auth, tok.Body)
	}
	up := get("Upload")
	if up.Auth != nil || !reflect.DeepEqual(up.Body.Fields, []project.FormField{{Name: "purpose", Value: "fine-tune"}}) {
		t.Errorf("upload %+v %+v", up.Auth, up.Body)
	}
	gql := get("GraphQL")
	if gql.Body.Type != "json" || gql.Body.Text != `{"query":"query { me { id } }","variables":{"a":1}}` {
		t.Errorf("graphql %q", gql.Body.Text)
	}
	if h := get("Health"); h.URL != "https://api.example.com/health" || h.Auth == nil || h.Auth.Type != "bearer" {
		t.Errorf("health %+v", h)
	}

	env, err := p.Environment(EnvironmentName)
	if err != nil {
		t.Fatal(err)
	}
	wantVars := []project.Variable{{Name: "base_url", Value: "http://127.0.0.1:8080"}, {Name: "model", Value: "gpt-4.1"}, {Name: "retries", Value: "3"}}
	if !reflect.DeepEqual(env.Variables, wantVars) {
		t.Errorf("variables %+v", env.Variables)
	}
	if f := p.Folders; len(f) != 2 || f[0].Name != "OpenAI" || f[0].Notes != "Chat Completions" || f[1].Path != "gemini" {
		t.Errorf("folders %+v", f)
	}

	warnings := strings.Join(res.Warnings, "\n")
	for _, w := range []string{"pre-request script", `auth type "awsv4"`, "/home/someone/data.jsonl", "path variable :model", `"bad name" skipped`} {
		if !strings.Contains(warnings, w) {
			t.Errorf("no warning about %q in:\n%s", w, warnings)
		}
	}
	// The project resolves and sends with the imported environment.
	r, err := p.Resolve(chat, &project.Scope{Env: env, Overrides: map[string]string{"openai_key": "k"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "http://127.0.0.1:8080/v1/chat/completions?api-version=1" || r.Header().Get("Authorization") != "Bearer k" {
		t.Errorf("resolved %s %v", r.URL, r.Headers)
	}
}

func TestImportErrors(t *testing.T) {
	t.Parallel()
	nonEmpty := t.TempDir()
	if err := os.WriteFile(filepath.Join(nonEmpty, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, data, dir, err string
	}{
		{"syntax", "{\n  \"info\": {\n    \"name\": \"x\",,\n", "", "c.json:3:"},
		{"type", `{"info": {"name": 5}}`, "", "c.json:1:"},
		{"v1", `{"info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v1.0.0/collection.json"}, "item": []}`, "", "only Postman collection v2.1"},
		{"not a collection", `{"foo": 1}`, "", "not a Postman collection"},
		{"not empty", `{"info": {"name": "x"}, "item": []}`, nonEmpty, "not empty"},
		{"bad method", `{"info": {"name": "x"}, "item": [{"name": "r", "request": {"method": "GE T", "url": "http://x"}}]}`, "", `item[0] "r": method`},
		{"no url", `{"info": {"name": "x"}, "item": [{"name": "r", "request": {"method": "GET"}}]}`, "", "request.url is missing"},
		// Issue 17, item 20: URLs that could forge output lines or are not http(s).
		{"file url", `{"info": {"name": "x"}, "item": [{"name": "r", "request": {"method": "GET", "url": "file:///etc/passwd"}}]}`, "", `item[0] "r": url: the scheme "file" is not allowed`},
		{"gopher url object", `{"info": {"name": "x"}, "item": [{"name": "r", "request": {"method": "GET", "url": {"raw": "gopher://h/x", "protocol": "gopher", "host": ["h"], "path": ["x"]}}}]}`, "", `scheme "gopher"`},
		{"newline in url", `{"info": {"name": "x"}, "item": [{"name": "r", "request": {"method": "GET", "url": "http://x/\nforged\tGET\thttp://evil/"}}]}`, "", "url: cannot contain a line break"},
		{"escape in header", `{"info": {"name": "x"}, "item": [{"name": "r", "request": {"method": "GET", "url": "http://x/", "header": [{"key": "X", "value": "a\u001b]0;t"}]}}]}`, "", "headers.0.value"},
	}
	for _, c := range cases {
		dir := c.dir
		if dir == "" {
			dir = filepath.Join(t.TempDir(), "p")
		}
		_, err := Import([]byte(c.data), "c.json", dir)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			continue
		}
		if c.dir == "" {
			if _, statErr := os.Stat(dir); statErr == nil {
				t.Errorf("%s: a failed import wrote %s", c.name, dir)
			}
		}
	}
}

func TestImportEnvironment(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/local.postman_environment.json")
	if err != nil {
		t.Fatal(err)
	}
	if !IsEnvironment(data) {
		t.Fatal("not recognised as an environment")
	}
	if coll, _ := os.ReadFile("testdata/llm.postman_collection.json"); IsEnvironment(coll) {
		t.Fatal("a collection recognised as an environment")
	}
	res, err := ImportEnvironment(data, "local.json", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []project.Variable{{Name: "base_url", Value: "http://127.0.0.1:8080"}, {Name: "openai_key", Secret: true}}
	if res.Environment.Name != "local-mock" || !reflect.DeepEqual(res.Environment.Variables, want) {
		t.Fatalf("environment %+v", res.Environment)
	}
	if !reflect.DeepEqual(res.Secrets, map[string]string{"openai_key": "sk-postman-secret-77aa"}) {
		t.Fatalf("secrets %v", res.Secrets)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `"bad key"`) {
		t.Fatalf("warnings %v", res.Warnings)
	}
	if _, err := ImportEnvironment([]byte(`{"_postman_variable_scope": "globals", "values": []}`), "g.json", ""); err == nil {
		t.Fatal("globals accepted as an environment")
	}
	if _, err := ImportEnvironment(data, "local.json", "bad/name"); err == nil {
		t.Fatal("bad environment name accepted")
	}
}

// nested returns a collection whose one request sits depth folders deep,
// every folder and the request named name.
func nested(depth int, name string) []byte {
	var b strings.Builder
	b.WriteString(`{"info":{"name":"deep","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":[`)
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, `{"name":%q,"item":[`, name)
	}
	fmt.Fprintf(&b, `{"name":%q,"request":{"method":"GET","url":"http://x/"}}`, name)
	b.WriteString(strings.Repeat("]}", depth))
	b.WriteString("]}")
	return []byte(b.String())
}

// runWithin fails the test when f runs longer than d: a safety net for
// imports that used to never finish. f must not call t.
func runWithin(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// Item 4: items named with 70 emoji (a request, a folder) import under
// shortened file and directory names and keep their names.
func TestImportLongNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("😀", 70)
	for _, depth := range []int{0, 1} {
		dir := filepath.Join(t.TempDir(), "p")
		var err error
		runWithin(t, 30*time.Second, func() { _, err = Import(nested(depth, long), "c.json", dir) })
		if err != nil {
			t.Fatalf("depth %d: %v", depth, err)
		}
		p, err := project.Load(dir)
		if err != nil || len(p.Problems) > 0 || len(p.Endpoints) != 1 {
			t.Fatalf("depth %d: %v %v %+v", depth, err, p.Problems, p.Endpoints)
		}
		e := p.Endpoints[0]
		if e.Name != long {
			t.Errorf("endpoint name %q", e.Name)
		}
		for _, part := range strings.Split(e.File, "/") {
			if len(part) > 255 {
				t.Errorf("file name of %d bytes: %s", len(part), part)
			}
		}
		if depth == 1 && (len(p.Folders) != 1 || p.Folders[0].Name != long) {
			t.Errorf("folders %+v", p.Folders)
		}
	}
}

// Item 19: a collection nested deeper than project.MaxFolderDepth is
// refused with the limit before anything is written; 3,000 levels end as
// fast as 65 (they used to never finish).
func TestImportDepthLimit(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "ok")
	if _, err := Import(nested(project.MaxFolderDepth, "f"), "c.json", dir); err != nil {
		t.Fatalf("%d levels: %v", project.MaxFolderDepth, err)
	}
	if p, err := project.Load(dir); err != nil || len(p.Problems) > 0 || len(p.Endpoints) != 1 || len(p.Folders) != project.MaxFolderDepth {
		t.Fatalf("load: %v %v", err, p.Problems)
	}
	for _, depth := range []int{project.MaxFolderDepth + 1, 3000} {
		dir := filepath.Join(t.TempDir(), "deep")
		var err error
		runWithin(t, 30*time.Second, func() { _, err = Import(nested(depth, "f"), "c.json", dir) })
		want := fmt.Sprintf("folders nest at most %d deep", project.MaxFolderDepth)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") || len(err.Error()) > 300 {
			t.Errorf("depth %d: want one short line with %q, got %v", depth, want, err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("depth %d: the project was created (%v)", depth, err)
		}
	}
}

// Postman's AWS Signature auth (awsv4) becomes sigv4 auth.
func TestImportAWSV4Auth(t *testing.T) {
	t.Parallel()
	a, err := convertAuth(&auth{Type: "awsv4", AWSV4: []byte(`[{"key":"accessKey","value":"{{aws_key}}"},{"key":"secretKey","value":"{{aws_secret}}"},` +
		`{"key":"region","value":"eu-west-1"},{"key":"service","value":"bedrock"},{"key":"sessionToken","value":"{{aws_token}}"}]`)})
	want := &project.Auth{Type: "sigv4", AccessKey: "{{aws_key}}", SecretKey: "{{aws_secret}}", SessionToken: "{{aws_token}}", Region: "eu-west-1", Service: "bedrock"}
	if err != nil || !reflect.DeepEqual(a, want) {
		t.Errorf("awsv4: %+v, %v", a, err)
	}
}
