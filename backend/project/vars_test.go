package project

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/sse"
)

type fakeSecrets map[string]string

func (f fakeSecrets) Get(env, name string) (string, bool, error) {
	v, ok := f[env+"/"+name]
	return v, ok, nil
}

func TestResolveOrderAndUnresolved(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	env := &Environment{Name: "dev", Variables: []Variable{
		{Name: "host", Value: "http://env.example"},
		{Name: "model", Value: "env-model"},
		{Name: "token", Secret: true},
		{Name: "missing_secret", Secret: true},
	}}
	ep := &Endpoint{Name: "E", Method: "POST", URL: "{{host}}/v1/{{ path }}",
		Query:   []KV{{Name: "q", Value: "{{model}} x&y"}},
		Headers: []KV{{Name: "X-Model", Value: "{{model}}"}, {Name: "X-Off", Value: "{{nowhere}}", Disabled: true}},
		Auth:    &Auth{Type: AuthBearer, Token: "{{token}}"},
		Body:    &Body{Type: BodyJSON, Text: `{"model":"{{model}}","user":"{{USER_FROM_OS}}"}`},
	}
	scope := &Scope{
		Overrides: map[string]string{"model": "cli-model", "path": "chat"},
		Env:       env,
		Secrets:   fakeSecrets{"dev/token": "s3cret"},
		Getenv: func(k string) string {
			return map[string]string{"USER_FROM_OS": "os-user", "host": "http://os.example", AllowEnvVar: "USER_FROM_OS"}[k]
		},
	}
	r, err := p.Resolve(ep, scope)
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "http://env.example/v1/chat?q=cli-model+x%26y" {
		t.Errorf("url %q", r.URL)
	}
	wantHeaders := []KV{{Name: "X-Model", Value: "cli-model"}, {Name: "Authorization", Value: "Bearer s3cret"}, {Name: "Content-Type", Value: "application/json"}}
	if !reflect.DeepEqual(r.Headers, wantHeaders) {
		t.Errorf("headers %+v", r.Headers)
	}
	if string(r.Body) != `{"model":"cli-model","user":"os-user"}` {
		t.Errorf("body %s", r.Body)
	}
	if !reflect.DeepEqual(scope.SecretValues(), []string{"s3cret"}) {
		t.Errorf("secret values %v", scope.SecretValues())
	}

	// Every unresolved name is reported at once, sorted, before sending.
	ep.Headers = append(ep.Headers, KV{Name: "X-A", Value: "{{zeta}} {{alpha}}"}, KV{Name: "X-S", Value: "{{missing_secret}}"})
	_, err = p.Resolve(ep, scope)
	var ue *UnresolvedError
	if !errors.As(err, &ue) || !reflect.DeepEqual(ue.Names, []string{"alpha", "missing_secret", "zeta"}) {
		t.Fatalf("unresolved: %v", err)
	}
	if !strings.Contains(err.Error(), "missing_secret (secret with no value stored on this machine)") {
		t.Errorf("message %q", err)
	}
}

func TestResolveAuthAndBodies(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	if err := os.WriteFile(filepath.Join(p.Dir, "upload.txt"), []byte("file body"), 0o644); err != nil {
		t.Fatal(err)
	}
	scope := &Scope{Overrides: map[string]string{"u": "al ice", "pw": "p:w", "k": "KEY"}}
	cases := []struct {
		name     string
		ep       Endpoint
		url      string
		headers  []KV
		body     string
		bodyType string
	}{
		{name: "basic", ep: Endpoint{Method: "GET", URL: "http://h/x", Auth: &Auth{Type: AuthBasic, Username: "{{u}}", Password: "{{pw}}"}},
			url: "http://h/x", headers: []KV{{Name: "Authorization", Value: "Basic " + base64.StdEncoding.EncodeToString([]byte("al ice:p:w"))}}},
		{name: "apikey header", ep: Endpoint{Method: "GET", URL: "http://h/x", Auth: &Auth{Type: AuthAPIKey, Key: "x-api-key", Value: "{{k}}", In: "header"}},
			url: "http://h/x", headers: []KV{{Name: "x-api-key", Value: "KEY"}}},
		{name: "apikey query", ep: Endpoint{Method: "GET", URL: "http://h/x?alt=sse#frag", Auth: &Auth{Type: AuthAPIKey, Key: "key", Value: "{{k}}", In: "query"}},
			url: "http://h/x?alt=sse&key=KEY#frag"},
		{name: "raw with content type", ep: Endpoint{Method: "POST", URL: "http://h/x", Body: &Body{Type: BodyRaw, Text: "hi {{u}}", ContentType: "text/markdown"}},
			url: "http://h/x", headers: []KV{{Name: "Content-Type", Value: "text/markdown"}}, body: "hi al ice"},
		{name: "header content type wins", ep: Endpoint{Method: "POST", URL: "http://h/x", Headers: []KV{{Name: "content-type", Value: "application/vnd+json"}}, Body: &Body{Type: BodyJSON, Text: "{}"}},
			url: "http://h/x", headers: []KV{{Name: "content-type", Value: "application/vnd+json"}}, body: "{}"},
		{name: "urlencoded", ep: Endpoint{Method: "POST", URL: "http://h/x", Body: &Body{Type: BodyURLEncoded, Fields: []FormField{{Name: "a", Value: "1 2"}, {Name: "b", Value: "{{u}}"}, {Name: "c", Value: "x", Disabled: true}}}},
			url: "http://h/x", headers: []KV{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}, body: "a=1+2&b=al+ice"},
		{name: "form", ep: Endpoint{Method: "POST", URL: "http://h/x", Body: &Body{Type: BodyForm, Fields: []FormField{{Name: "a", Value: "{{k}}"}, {Name: "f", File: "upload.txt"}}}},
			url: "http://h/x", bodyType: "multipart/form-data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := p.Resolve(&c.ep, scope)
			if err != nil {
				t.Fatal(err)
			}
			if r.URL != c.url {
				t.Errorf("url %q, want %q", r.URL, c.url)
			}
			if c.bodyType != "" {
				mt, params, err := mime.ParseMediaType(r.Header().Get("Content-Type"))
				if err != nil || mt != c.bodyType {
					t.Fatalf("content type %q", r.Header().Get("Content-Type"))
				}
				mr := multipart.NewReader(strings.NewReader(string(r.Body)), params["boundary"])
				got := map[string]string{}
				for {
					part, err := mr.NextPart()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					b, _ := io.ReadAll(part)
					got[part.FormName()+"|"+part.FileName()] = string(b)
				}
				if !reflect.DeepEqual(got, map[string]string{"a|": "KEY", "f|upload.txt": "file body"}) {
					t.Errorf("parts %v", got)
				}
				return
			}
			if !reflect.DeepEqual(r.Headers, c.headers) {
				t.Errorf("headers %+v, want %+v", r.Headers, c.headers)
			}
			if string(r.Body) != c.body {
				t.Errorf("body %q, want %q", r.Body, c.body)
			}
		})
	}
	if _, err := p.Resolve(&Endpoint{Method: "GET", URL: "ftp://x"}, nil); err == nil {
		t.Error("ftp URL accepted")
	}
}

func TestSecretNeverWrittenToProject(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	env := &Environment{Name: "dev"}
	env.Set(Variable{Name: "api_key", Value: "sk-must-not-land", Secret: true})
	if err := p.SaveEnvironment(env); err != nil {
		t.Fatal(err)
	}
	if err := p.SaveEnvironment(&Environment{Name: "bad", Variables: []Variable{{Name: "k", Value: "sk-must-not-land", Secret: true}}}); err == nil {
		t.Fatal("an environment with a secret value was saved")
	}
	assertNotInTree(t, p.Dir, "sk-must-not-land")
}

// assertNotInTree fails when any file under dir contains needle.
func assertNotInTree(t *testing.T, dir, needle string) {
	t.Helper()
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), needle) {
			t.Errorf("%s contains the secret", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWatchSeesExternalEdit(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	ep := &Endpoint{Name: "Watched", URL: "http://x/before"}
	if err := p.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := make(chan *Project, 8)
	go Watch(ctx, p.Dir, 20*time.Millisecond, func(q *Project, err error) {
		if err == nil {
			changes <- q
		}
	})
	time.Sleep(60 * time.Millisecond) // let the watcher take its first fingerprint
	// An editor rewrites the file in place.
	full := filepath.Join(p.Dir, ep.File)
	b, _ := os.ReadFile(full)
	if err := os.WriteFile(full, []byte(strings.Replace(string(b), "http://x/before", "http://x/after-edit", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case q := <-changes:
			if e, err := q.Endpoint("Watched"); err == nil && e.URL == "http://x/after-edit" {
				// A git pull adds a file: seen too.
				writeFile(t, p, "pulled.endpoint.yaml", "schema: 2\nname: Pulled\nurl: http://x/p\n")
				for {
					select {
					case q := <-changes:
						if _, err := q.Endpoint("Pulled"); err == nil {
							return
						}
					case <-deadline:
						t.Fatal("new file not picked up")
					}
				}
			}
		case <-deadline:
			t.Fatal("external edit not picked up")
		}
	}
}

func TestReloadPicksUpEdit(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	writeFile(t, p, "a.endpoint.yaml", "schema: 2\nname: A\nurl: http://x/1\n")
	q, _ := p.Reload()
	writeFile(t, p, "a.endpoint.yaml", "schema: 2\nname: A\nurl: http://x/2\n")
	q, err := q.Reload()
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := q.Endpoint("A"); e == nil || e.URL != "http://x/2" {
		t.Fatalf("reload: %+v", e)
	}
}

func TestRecordingRoundTrip(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	rec := &Recording{Endpoint: "Chat", Method: "POST", URL: "{{base_url}}/v1/chat", Status: 200, ContentType: "text/event-stream",
		Stream: "sse", StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), TTFBMS: 12.5, DurationMS: 80, End: "complete",
		Events: []RecordedEvent{
			{TimeMS: 13, Event: sse.Event{Type: "message", Data: `{"a":"<b>&"}`, ID: "1"}},
			{TimeMS: 40.25, Event: sse.Event{Type: "done", Data: "line1\nline2"}},
		}}
	rel, err := p.SaveRecording("Chat run", rec)
	if err != nil || rel != "recordings/chat-run.jsonl" {
		t.Fatalf("%q %v", rel, err)
	}
	rel2, err := p.SaveRecording("Chat run", rec)
	if err != nil || rel2 != "recordings/chat-run-2.jsonl" {
		t.Fatalf("second save %q %v", rel2, err)
	}
	got, err := p.LoadRecording("chat-run")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rec) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, rec)
	}
	if got.Events[1].Elapsed() != 40250*time.Microsecond {
		t.Errorf("elapsed %v", got.Events[1].Elapsed())
	}
	list, _ := p.Recordings()
	if !reflect.DeepEqual(list, []string{"recordings/chat-run-2.jsonl", "recordings/chat-run.jsonl"}) {
		t.Errorf("list %v", list)
	}
	raw, _ := os.ReadFile(filepath.Join(p.Dir, rel))
	if lines := strings.Count(string(raw), "\n"); lines != 3 {
		t.Errorf("%d lines:\n%s", lines, raw)
	}
	// A bad line is reported with its number.
	bad := filepath.Join(p.Dir, "recordings", "bad.jsonl")
	if err := os.WriteFile(bad, []byte(strings.SplitN(string(raw), "\n", 2)[0]+"\n{\"t\":1,\"data\":\"ok\"}\n{broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = p.LoadRecording("bad")
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 3 {
		t.Fatalf("bad recording: %v", err)
	}
	if _, err := ReadRecording(filepath.Join(p.Dir, ProjectFile)); err == nil {
		t.Fatal("a YAML file read as a recording")
	}
	// Recordings are not endpoints: Load ignores them.
	q, _ := Load(p.Dir)
	if len(q.Problems) != 0 || len(q.Endpoints) != 0 {
		t.Fatalf("load saw recordings: %v", q.Problems)
	}
}

func TestResolveNestedVariables(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	env := &Environment{Name: "dev", Variables: []Variable{
		{Name: "host", Value: "127.0.0.1"},
		{Name: "port", Value: "{{default_port}}"},
		{Name: "base_url", Value: "http://{{host}}:{{port}}"},
		{Name: "loop_a", Value: "{{loop_b}}"},
		{Name: "loop_b", Value: "x{{loop_a}}"},
		{Name: "deep", Value: "{{missing_inner}}"},
	}}
	scope := &Scope{Env: env, Overrides: map[string]string{"default_port": "8080"}}
	r, err := p.Resolve(&Endpoint{Method: "GET", URL: "{{base_url}}/v1"}, scope)
	if err != nil || r.URL != "http://127.0.0.1:8080/v1" {
		t.Fatalf("nested: %v %+v", err, r)
	}
	if _, err := p.Resolve(&Endpoint{Method: "GET", URL: "http://h/{{loop_a}}"}, scope); err == nil || !strings.Contains(err.Error(), `"loop_a" refers to itself (loop_a -> loop_b -> loop_a)`) {
		t.Fatalf("cycle: %v", err)
	}
	var ue *UnresolvedError
	if _, err := p.Resolve(&Endpoint{Method: "GET", URL: "http://h/{{deep}}"}, scope); !errors.As(err, &ue) || ue.Names[0] != "missing_inner" {
		t.Fatalf("inner unresolved: %v", err)
	}
}

// A project reads a process variable only when the user listed it in
// STREAMSCOPE_ALLOW_ENV, as {{$env.NAME}} or (the old form) {{NAME}}; one
// it would have read before says why it no longer does (issue 17, item 24).
func TestProcessVariablesOnlyWhenAllowed(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	proc := map[string]string{"GITHUB_TOKEN": "ghp_process", "HOST": "http://allowed.example", "MODEL": "m1"}
	scope := func(allow string) *Scope {
		return &Scope{Getenv: func(k string) string {
			if k == AllowEnvVar {
				return allow
			}
			return proc[k]
		}}
	}
	steal := &Endpoint{Name: "S", URL: "http://x.example/?a={{GITHUB_TOKEN}}&b={{$env.GITHUB_TOKEN}}"}
	_, err := p.Resolve(steal, scope(""))
	var ue *UnresolvedError
	if !errors.As(err, &ue) || !reflect.DeepEqual(ue.Names, []string{"$env.GITHUB_TOKEN", "GITHUB_TOKEN"}) {
		t.Fatalf("a process variable nobody allowed resolved: %v", err)
	}
	for _, want := range []string{
		"GITHUB_TOKEN (set in the process environment, which a project reads only when allowed: write {{$env.GITHUB_TOKEN}} and list GITHUB_TOKEN in STREAMSCOPE_ALLOW_ENV)",
		"$env.GITHUB_TOKEN (the process variable GITHUB_TOKEN is not allowed: list it in STREAMSCOPE_ALLOW_ENV",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "ghp_process") {
		t.Fatal("the process variable's value is in the error")
	}

	ep := &Endpoint{Name: "E", URL: "{{$env.HOST}}/v1?m={{MODEL}}&n={{$env.UNSET}}"}
	_, err = p.Resolve(ep, scope("HOST, MODEL,UNSET"))
	if err == nil || !strings.Contains(err.Error(), "$env.UNSET (UNSET is not set in the process environment)") {
		t.Fatalf("an allowed but unset variable: %v", err)
	}
	ep.URL = "{{$env.HOST}}/v1?m={{MODEL}}"
	r, err := p.Resolve(ep, scope("HOST,MODEL"))
	if err != nil || r.URL != "http://allowed.example/v1?m=m1" {
		t.Fatalf("allowed variables: %v %+v", err, r)
	}
	// The project's own variables and --var still come first.
	sc := scope("MODEL")
	sc.Overrides = map[string]string{"MODEL": "from-var"}
	if r, err := p.Resolve(&Endpoint{Name: "O", URL: "http://x.example/{{MODEL}}"}, sc); err != nil || r.URL != "http://x.example/from-var" {
		t.Fatalf("override: %v %+v", err, r)
	}
}

// follow_redirects: false turns following off; a header whose value holds
// a secret, and the apikey header, are credentials a redirect to another
// origin does not get (item 10 of issue 17). The field survives a save.
func TestRedirectSettings(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	writeFile(t, p, "e.endpoint.yaml", "schema: 2\nname: E\nmethod: GET\nurl: http://h/\nfollow_redirects: false\n"+
		"headers:\n  - name: X-Tenant\n    value: 'id {{tenant_key}}'\n  - name: X-Plain\n    value: '{{model}}'\n"+
		"auth:\n  type: apikey\n  key: X-Vendor\n  value: '{{api}}'\n")
	p, err := p.Reload()
	if err != nil || len(p.Problems) > 0 {
		t.Fatalf("load: %v %+v", err, p.Problems)
	}
	ep, err := p.Endpoint("E")
	if err != nil {
		t.Fatal(err)
	}
	env := &Environment{Name: "dev", Variables: []Variable{{Name: "tenant_key", Secret: true}, {Name: "model", Value: "m"}, {Name: "api", Value: "plain-key"}}}
	scope := &Scope{Env: env, Secrets: fakeSecrets{"dev/tenant_key": "t0p"}}
	r, err := p.Resolve(ep, scope)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := r.SendRequest()
	if err != nil {
		t.Fatal(err)
	}
	if !sr.NoFollow || !reflect.DeepEqual(sr.Credentials, []string{"X-Vendor", "X-Tenant"}) {
		t.Fatalf("NoFollow %v, credentials %q", sr.NoFollow, sr.Credentials)
	}
	if err := p.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(p.Dir, "e.endpoint.yaml"))
	if err != nil || !strings.Contains(string(data), "follow_redirects: false\n") {
		t.Fatalf("saved file (%v):\n%s", err, data)
	}
	// Unset means follow.
	ep.FollowRedirects = nil
	if r, _ := p.Resolve(ep, scope); !r.FollowRedirects {
		t.Fatal("unset follow_redirects does not follow")
	}
	// A value that is not a boolean is reported with its line.
	writeFile(t, p, "bad.endpoint.yaml", "schema: 2\nname: B\nmethod: GET\nurl: http://h/\nfollow_redirects: sometimes\n")
	if p, _ = p.Reload(); len(p.Problems) != 1 || p.Problems[0].Line != 5 {
		t.Fatalf("problems %+v", p.Problems)
	}
}
