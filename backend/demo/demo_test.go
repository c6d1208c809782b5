package demo_test

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/demo"
	"github.com/streamscope/streamscope/backend/mockllm"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
)

// install writes the demo project into a fresh temporary folder.
func install(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	n, err := demo.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("Write wrote no file into an empty folder")
	}
	return dir
}

func load(t *testing.T, dir string) *project.Project {
	t.Helper()
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range p.Problems {
		t.Errorf("problem: %v", pr)
	}
	return p
}

func TestProjectLoadsWithoutProblems(t *testing.T) {
	t.Parallel()
	p := load(t, install(t))
	if p.Meta.ID != demo.ID || p.Meta.Name != "Streamscope demo" {
		t.Errorf("meta = %+v", p.Meta)
	}
	folders := map[string]bool{}
	for _, f := range p.Folders {
		if !f.HasFile || f.Name == "" || f.Seq == 0 {
			t.Errorf("folder %s: want a folder.yaml with a name and seq, got %+v", f.Path, f)
		}
		folders[f.Path] = true
	}
	for _, want := range []string{"providers", "reasoning", "tools", "faults", "rules", "scripts", "self-hosted"} {
		if !folders[want] {
			t.Errorf("no folder %s", want)
		}
	}
	names := map[string]bool{}
	for _, ep := range p.Endpoints {
		if names[ep.Name] {
			t.Errorf("endpoint name %q is not unique", ep.Name)
		}
		names[ep.Name] = true
		if err := ep.Validate(); err != nil {
			t.Errorf("%s: %v", ep.File, err)
		}
		if strings.TrimSpace(ep.Notes) == "" {
			t.Errorf("%s: no notes (every demo endpoint says what it shows)", ep.File)
		}
		if ep.Folder == "" {
			t.Errorf("%s: demo endpoints live in folders", ep.File)
		}
		if ep.Script != "" {
			src, err := p.ReadScript(ep)
			if err != nil || !strings.Contains(src, "function ") {
				t.Errorf("%s: script %s: %v", ep.File, ep.Script, err)
			}
		}
	}
	var envs []string
	for _, e := range p.Environments {
		envs = append(envs, e.Name)
	}
	if !slices.Equal(envs, []string{"demo", "real"}) {
		t.Errorf("environments = %v", envs)
	}
	recs, err := p.Recordings()
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range recs {
		rec, err := p.LoadRecording(rel)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		// A recording belongs to an endpoint of the project, replays from it,
		// and keeps the URL as written there.
		ep, err := p.Endpoint(rec.Endpoint)
		if err != nil {
			t.Errorf("%s: endpoint %q: %v", rel, rec.Endpoint, err)
			continue
		}
		if rec.URL != ep.FullURL() || rec.Method != ep.Method || len(rec.Events) == 0 || rec.Status != 200 {
			t.Errorf("%s: %s %s, status %d, %d events; endpoint %s %s", rel, rec.Method, rec.URL, rec.Status, len(rec.Events), ep.Method, ep.FullURL())
		}
		if !strings.Contains(ep.Notes, "--replay "+strings.TrimSuffix(filepath.Base(rel), ".jsonl")) {
			t.Errorf("%s: the notes of %s do not say how to replay it", rel, ep.Ref())
		}
	}
	if len(recs) != 3 {
		t.Errorf("recordings = %v", recs)
	}
}

// The demo's scripts are the scripts package's examples, byte for byte, so
// the examples tested there are the ones users see.
func TestScriptsAreTheExamples(t *testing.T) {
	t.Parallel()
	examples, err := filepath.Glob(filepath.Join("..", "script", "examples", "*.js"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples in ../script/examples: %v", err)
	}
	for _, ex := range examples {
		want, err := os.ReadFile(ex)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.ReadFile(demo.FS(), "scripts/"+filepath.Base(ex))
		if err != nil {
			t.Errorf("%s is not in the demo project: %v", filepath.Base(ex), err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("scripts/%s differs from %s: demo.FS must serve the examples", filepath.Base(ex), ex)
		}
	}
	js, _ := fs.Glob(demo.FS(), "scripts/*.js")
	if len(js) != len(examples) {
		t.Errorf("demo scripts %v, examples %v", js, examples)
	}
}

// fakeSecrets answers every secret with a recognisable test value.
type fakeSecrets struct{}

func (fakeSecrets) Get(env, name string) (string, bool, error) {
	return "test-value-of-" + name, true, nil
}

func TestRealEnvironmentHoldsNoSecretValue(t *testing.T) {
	t.Parallel()
	p := load(t, install(t))
	real, err := p.Environment("real")
	if err != nil {
		t.Fatal(err)
	}
	secret := map[string]bool{}
	for _, v := range real.Variables {
		looksLikeKey := strings.Contains(strings.ToLower(v.Name), "key")
		if looksLikeKey && (!v.Secret || v.Value != "") {
			t.Errorf("real: %s must be a secret with no value, got %+v", v.Name, v)
		}
		if v.Secret {
			secret[v.Name] = true
		}
	}
	if len(secret) != 7 {
		t.Errorf("real: secret variables %v, want the five API keys and the two AWS keys", secret)
	}
	// No file of the project carries anything shaped like a provider key.
	keyShape := regexp.MustCompile(`sk-[A-Za-z0-9_-]{8,}|sk-ant-|AIza[0-9A-Za-z_-]{20,}`)
	err = fs.WalkDir(demo.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(demo.FS(), name)
		if err == nil && keyShape.Match(data) {
			t.Errorf("%s holds something shaped like an API key: %s", name, keyShape.Find(data))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// Every live endpoint resolves against the real providers, its key
	// taken from the secret store.
	hosts := map[string]bool{}
	for _, ep := range p.Endpoints {
		if strings.Contains(ep.URL, "customServerUrl") {
			continue
		}
		r, err := p.Resolve(ep, &project.Scope{Env: real, Secrets: fakeSecrets{}})
		if err != nil {
			t.Errorf("%s with env real: %v", ep.Ref(), err)
			continue
		}
		host := strings.SplitN(strings.SplitN(r.URL, "://", 2)[1], "/", 2)[0]
		hosts[host] = true
		if strings.Contains(r.URL, "127.0.0.1") || strings.Contains(string(r.Body), "{{") {
			t.Errorf("%s: %s %s", ep.Ref(), r.URL, r.Body)
		}
		auth := ""
		for _, h := range r.Headers {
			if strings.HasPrefix(h.Value, "test-value-of-") || strings.HasPrefix(h.Value, "Bearer test-value-of-") {
				auth = h.Name
			}
		}
		if a := r.SigV4; a != nil && a.AccessKey == "test-value-of-awsAccessKeyId" && a.SecretKey == "test-value-of-awsSecretAccessKey" && a.Region == "us-east-1" {
			auth = "sigv4"
		}
		// Servers on the user's own machine (Ollama, TGI, llama.cpp) take
		// no key by default.
		if !strings.HasPrefix(host, "localhost:") && auth == "" {
			t.Errorf("%s: no API key header to %s", ep.Ref(), host)
		}
	}
	for _, want := range []string{"api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com", "localhost:11434",
		"api.deepseek.com", "api.cohere.com", "localhost:3000", "localhost:8080", "bedrock-runtime.us-east-1.amazonaws.com"} {
		if !hosts[want] {
			t.Errorf("no endpoint reaches %s in env real (hosts %v)", want, hosts)
		}
	}
}

func TestWriteNeverOverwritesTheUsersDemo(t *testing.T) {
	t.Parallel()
	dir := install(t)
	edited := filepath.Join(dir, "providers", "openai-chat.endpoint.yaml")
	deleted := filepath.Join(dir, "faults", "gzip.endpoint.yaml")
	added := filepath.Join(dir, "mine.endpoint.yaml")
	mine := "schema: 2\nname: Mine\nmethod: GET\nurl: http://127.0.0.1:1/\n"
	if err := os.WriteFile(edited, []byte("schema: 2\nname: Edited\nmethod: GET\nurl: http://127.0.0.1:1/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(deleted); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(added, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	for range 2 {
		if n, err := demo.Write(dir); err != nil || n != 0 {
			t.Fatalf("Write over an installed demo = %d, %v", n, err)
		}
		if err := demo.Install(dir); err != nil {
			t.Fatal(err)
		}
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("Write changed the user's demo project")
	}
	if _, err := os.Stat(deleted); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a deleted demo file came back: %v", err)
	}
}

func TestWriteRefusesForeignFolders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		file  string // Write into this file of the folder instead
		want  string
	}{
		{"a file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "f"), "x")
		}, "f", "not a folder"},
		{"another project", func(t *testing.T, dir string) {
			if _, err := project.Create(dir, "Mine"); err != nil {
				t.Fatal(err)
			}
		}, "", `another project ("Mine"`},
		{"broken streamscope.yaml", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, project.ProjectFile), "schema: [\n")
		}, "", "does not load"},
		{"unrelated files", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "notes.txt"), "my notes")
		}, "", "not empty and holds no project (notes.txt)"},
		{"unrelated folder", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "photos", "a.jpg"), "x")
		}, "", "(photos)"},
		{"a demo path that is a folder here", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "providers", "ollama.endpoint.yaml", "x"), "x")
		}, "", "providers/ollama.endpoint.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			c.setup(t, dir)
			if c.file != "" {
				dir = filepath.Join(dir, c.file)
			}
			before := snapshot(t, dir)
			n, err := demo.Write(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), dir) {
				t.Errorf("Write = %d, %v; want an error naming the folder and %q", n, err, c.want)
			}
			if n != 0 || !maps.Equal(before, snapshot(t, dir)) {
				t.Errorf("Write wrote into a folder it refused")
			}
		})
	}
}

// An interrupted install (no streamscope.yaml yet) is completed, keeping the
// files already there; hidden files are ignored.
func TestWriteCompletesAnInterruptedInstall(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kept := filepath.Join(dir, "providers", "ollama.endpoint.yaml")
	writeFile(t, kept, "schema: 2\nname: Ollama chat (NDJSON)\nmethod: POST\nurl: '{{ollamaBaseUrl}}/api/chat'\nnotes: kept\n")
	writeFile(t, filepath.Join(dir, ".git", "HEAD"), "ref: refs/heads/main\n")
	n, err := demo.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	total := len(snapshotFS(t))
	if n != total-1 {
		t.Errorf("wrote %d files, want %d", n, total-1)
	}
	if data, _ := os.ReadFile(kept); !strings.Contains(string(data), "notes: kept") {
		t.Errorf("the existing file was overwritten: %s", data)
	}
	p := load(t, dir)
	if p.Meta.ID != demo.ID {
		t.Errorf("id %q", p.Meta.ID)
	}
}

func TestDir(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	dir, err := demo.Dir(cfg)
	if err != nil || dir != filepath.Join(cfg, demo.DirName) {
		t.Fatalf("Dir = %q, %v", dir, err)
	}
	if got := snapshot(t, dir); !maps.Equal(got, snapshotFS(t)) {
		t.Errorf("the installed files differ from the embedded ones")
	}
	if _, err := demo.Dir(""); err == nil {
		t.Error("Dir(\"\") should fail")
	}
	if _, err := demo.Write(""); err == nil {
		t.Error("Write(\"\") should fail")
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot maps every file under dir (slash paths) to its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(full)
		rel, _ := filepath.Rel(dir, full)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func snapshotFS(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(demo.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(demo.FS(), name)
		out[name] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The secret store reserves the demo's id for the demo folder beside it:
// both must name the same id and folder as this package.
func TestSecretStoreKnowsTheDemo(t *testing.T) {
	t.Parallel()
	if demo.ID != secrets.DemoID {
		t.Fatalf("demo.ID %q, secrets.DemoID %q", demo.ID, secrets.DemoID)
	}
	cfg := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": cfg, secrets.ModeVar: "file"}[k]
	}
	s, err := secrets.Default(getenv)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cfg, "streamscope", demo.DirName)
	if _, err := demo.Write(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Project(dir, demo.ID); err != nil {
		t.Fatalf("the demo folder: %v", err)
	}
}

// The demo environment signs the Bedrock endpoints with the mock's
// published key pair, so the mock's signature check passes.
func TestDemoSignsWithTheMockKeys(t *testing.T) {
	t.Parallel()
	p := load(t, install(t))
	env, err := p.Environment("demo")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"awsAccessKeyId": mockllm.MockAccessKeyID, "awsSecretAccessKey": mockllm.MockSecretAccessKey} {
		if v, ok := env.Lookup(name); !ok || v.Secret || v.Value != want {
			t.Errorf("demo: %s = %+v, want the mock's %q", name, v, want)
		}
	}
}
