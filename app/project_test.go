package app

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/project"
)

// projectApp is a started App (mock off) with a new empty project.
func projectApp(t *testing.T) (*App, *fakeRuntime, string) {
	t.Helper()
	a, rt := newTestApp(t, Options{})
	a.Project.PollInterval = 20 * time.Millisecond
	a.Startup(rt)
	dir := filepath.Join(t.TempDir(), "proj")
	v, err := a.Project.NewProject(dir, "My API")
	if err != nil {
		t.Fatal(err)
	}
	if !v.Open || v.Name != "My API" || v.Dir != dir || len(v.Items) != 0 {
		t.Fatalf("new project view %+v", v)
	}
	return a, rt, dir
}

func names(v ProjectView) string {
	var b []string
	for _, it := range v.Items {
		b = append(b, strings.Repeat(" ", it.Depth)+it.Kind[:1]+":"+it.Name)
	}
	return strings.Join(b, "|")
}

func TestProjectTreeEditing(t *testing.T) {
	t.Parallel()
	a, _, dir := projectApp(t)
	ps := a.Project
	must := func(doc EndpointDoc, err error) EndpointDoc {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	one := must(ps.CreateEndpoint("", "One", ""))
	must(ps.CreateEndpoint("", "Two", "https://example.com/{{path}}"))
	if _, err := ps.CreateFolder("", "Anthropic"); err != nil {
		t.Fatal(err)
	}
	must(ps.CreateEndpoint("anthropic", "Messages", ""))
	v, _ := ps.Current()
	if got := names(v); got != "e:One|e:Two|f:Anthropic| e:Messages" {
		t.Fatalf("tree %q", got)
	}
	if one.Endpoint.File != "one.endpoint.yaml" || len(one.Variables) != 1 || one.Variables[0] != "mockBaseUrl" {
		t.Fatalf("created %+v", one)
	}
	// edit with a script, then rename: the file keeps its name
	one.Endpoint.Notes = "hello"
	one.Script = "function onEnd(ctx) {}\n"
	one = must(ps.SaveEndpoint(one))
	if one.Endpoint.Script != "one.js" {
		t.Fatalf("script %q", one.Endpoint.Script)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "one.js")); string(b) != one.Script {
		t.Fatalf("script file %q", b)
	}
	ren := must(ps.RenameEndpoint("One", "First"))
	if ren.Ref != "First" || ren.Endpoint.File != "one.endpoint.yaml" || ren.Endpoint.Notes != "hello" {
		t.Fatalf("renamed %+v", ren)
	}
	dup := must(ps.DuplicateEndpoint("First"))
	if dup.Endpoint.Name != "First copy" || dup.Script != one.Script || dup.Endpoint.Script == "one.js" {
		t.Fatalf("duplicate %+v", dup)
	}
	v, _ = ps.Current()
	if got := names(v); got != "e:First|e:First copy|e:Two|f:Anthropic| e:Messages" {
		t.Fatalf("tree after duplicate %q", got)
	}
	// reorder, then move into the folder
	if v, err := ps.MoveEndpoint("Two", "", 0); err != nil || names(v) != "e:Two|e:First|e:First copy|f:Anthropic| e:Messages" {
		t.Fatalf("reorder: %q %v", names(v), err)
	}
	v, err := ps.MoveEndpoint("First", "anthropic", 1)
	if err != nil || names(v) != "e:Two|e:First copy|f:Anthropic| e:Messages| e:First" {
		t.Fatalf("move: %q %v", names(v), err)
	}
	moved := must(ps.GetEndpoint("anthropic/First"))
	if moved.Script != one.Script || !strings.HasPrefix(moved.Endpoint.File, "anthropic/") {
		t.Fatalf("moved %+v", moved)
	}
	if _, err := os.Stat(filepath.Join(dir, "one.endpoint.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("old file still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "one.js")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("old script still there: %v", err)
	}
	// the order survives a reload from disk
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) != 0 || len(p.Endpoints) != 4 {
		t.Fatalf("reloaded %d endpoints, problems %v", len(p.Endpoints), p.Problems)
	}
	if _, err := ps.Open(dir); err != nil {
		t.Fatal(err)
	}
	if v, _ := ps.Current(); names(v) != "e:Two|e:First copy|f:Anthropic| e:Messages| e:First" {
		t.Fatalf("after reopening %q", names(v))
	}
	// delete removes the script too
	dupScript := filepath.Join(dir, dup.Endpoint.Script)
	if _, err := ps.DeleteEndpoint("First copy"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dupScript); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("script of a deleted endpoint kept: %v", err)
	}
	if _, err := ps.GetEndpoint("First copy"); err == nil {
		t.Fatal("deleted endpoint still found")
	}
}

func TestSaveRefusesBrokenFile(t *testing.T) {
	t.Parallel()
	for _, poll := range []time.Duration{time.Hour, 5 * time.Millisecond} {
		testSaveRefusesBrokenFile(t, poll)
	}
}

func testSaveRefusesBrokenFile(t *testing.T, poll time.Duration) {
	a, rt := newTestApp(t, Options{})
	a.Project.PollInterval = poll
	a.Startup(rt)
	dir := filepath.Join(t.TempDir(), "proj")
	if _, err := a.Project.NewProject(dir, ""); err != nil {
		t.Fatal(err)
	}
	doc, err := a.Project.CreateEndpoint("", "Chat", "")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, doc.Endpoint.File)
	broken := "schema: 2\nname: Chat\nurl: [unclosed\n"
	if err := os.WriteFile(file, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	doc.Endpoint.Notes = "edited"
	if poll < time.Second {
		time.Sleep(50 * time.Millisecond)
	}
	_, err = a.Project.SaveEndpoint(doc)
	if poll > time.Second && !errors.Is(err, project.ErrBrokenFile) {
		t.Fatalf("want ErrBrokenFile, got %v", err)
	}
	// Either the save itself refuses (ErrBrokenFile) or, once the watcher
	// reloaded the folder, the endpoint is reported as not loading: both
	// name the file, and it stays as the user wrote it.
	if err == nil || !strings.Contains(err.Error(), "chat.endpoint.yaml") ||
		!(errors.Is(err, project.ErrBrokenFile) || strings.Contains(err.Error(), "does not load")) {
		t.Fatalf("want an error naming the broken file, got %v", err)
	}
	if b, _ := os.ReadFile(file); string(b) != broken {
		t.Fatalf("the broken file was changed: %q", b)
	}
	v, _ := a.Project.Open(dir)
	if len(v.Problems) != 1 || v.Problems[0].Line == 0 || !strings.HasSuffix(v.Problems[0].Path, "chat.endpoint.yaml") {
		t.Fatalf("problems %+v", v.Problems)
	}
}

func TestExternalChangeIsAnnounced(t *testing.T) {
	t.Parallel()
	a, rt, dir := projectApp(t)
	if _, err := a.Project.CreateEndpoint("", "Chat", ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(80 * time.Millisecond) // several polls: the app's own save is not "external"
	for _, e := range rt.named(EventProjectChanged) {
		if e.(ProjectChanged).Reason == "external" {
			t.Fatalf("own save reported as external: %+v", e)
		}
	}
	ep := "schema: 2\nname: Outside\nmethod: GET\nurl: https://example.com\n"
	if err := os.WriteFile(filepath.Join(dir, "outside.endpoint.yaml"), []byte(ep), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an external change event", func() bool {
		for _, e := range rt.named(EventProjectChanged) {
			if e.(ProjectChanged).Reason == "external" {
				return true
			}
		}
		return false
	})
	if _, err := a.Project.GetEndpoint("Outside"); err != nil {
		t.Fatal(err)
	}
}

func TestCurlImportExport(t *testing.T) {
	t.Parallel()
	a, _, _ := projectApp(t)
	cmd := `curl https://api.openai.com/v1/chat/completions -H "Authorization: Bearer $OPENAI_API_KEY" -H 'Content-Type: application/json' -d '{"model":"gpt-4o","stream":true}' --max-time 5`
	imp, err := a.Project.ImportCurl(cmd, "", "")
	if err != nil {
		t.Fatal(err)
	}
	ep := imp.Endpoint.Endpoint
	if ep.Name != "chat completions" || ep.Method != "POST" || imp.Endpoint.Ref != "chat completions" {
		t.Fatalf("imported %+v", imp)
	}
	if !strings.Contains(strings.Join(imp.Endpoint.Variables, ","), "OPENAI_API_KEY") {
		t.Fatalf("variables %v", imp.Endpoint.Variables)
	}
	out, err := a.Project.ExportCurl(imp.Endpoint.Ref)
	if err != nil || !strings.Contains(out, "{{OPENAI_API_KEY}}") || !strings.HasPrefix(out, "curl") {
		t.Fatalf("export %q %v", out, err)
	}
	if _, err := a.Project.ImportCurl("wget http://x", "", ""); err == nil {
		t.Fatal("not a curl command: no error")
	}
}

func TestEnvironmentSecretsStayOutOfTheProject(t *testing.T) {
	t.Parallel()
	a, rt, dir := projectApp(t)
	_, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "real", Variables: []VariableEdit{
		{Name: "baseUrl", Value: "https://api.example.com"},
		{Name: "apiKey", Value: "sk-very-secret", Secret: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "environments", "real.yaml"))
	if strings.Contains(string(b), "sk-very-secret") || !strings.Contains(string(b), "apiKey") {
		t.Fatalf("environment file %q", b)
	}
	ev, _ := a.Project.GetEnvironment("real")
	if len(ev.Variables) != 2 || ev.Variables[1].Value != "" || !ev.Variables[1].HasValue || ev.Variables[0].Value != "https://api.example.com" {
		t.Fatalf("view %+v", ev)
	}
	// the secret resolves in a run (and is kept when saved with KeepSecret)
	if _, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "real", Variables: []VariableEdit{
		{Name: "baseUrl", Value: a.Mock.baseURL() + "/"}, {Name: "apiKey", Secret: true, KeepSecret: true},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Mock.Start(); err != nil {
		t.Fatal(err)
	}
	ep := chatEndpoint("c", "Authorization: Bearer {{apiKey}}", "")
	ep.URL = "{{mockBaseUrl}}/v1/chat/completions?tag={{apiKey}}"
	src := `console.log("key is " + pm.environment.get("apiKey")); function onEnd(ctx) { pm.test("k " + pm.environment.get("apiKey"), () => {}) }`
	st, err := a.Run.Send(RunRequest{Endpoint: ep, Environment: "real", Script: &src})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(st.URL, "sk-very-secret") || !strings.Contains(st.URL, "[secret]") {
		t.Fatalf("started URL %q", st.URL)
	}
	bs := waitDone(t, rt, st.Event)
	res, _ := a.Run.Result(st.RunID)
	if len(res.Logs) != 1 || res.Logs[0].Message != "key is [secret]" || len(res.Tests) != 1 || res.Tests[0].Name != "k [secret]" {
		t.Fatalf("script output %+v %+v %+v", res.Logs, res.Tests, res.Done)
	}
	for _, b := range bs {
		for _, l := range b.Logs {
			if strings.Contains(l.Message, "sk-very-secret") {
				t.Fatal("the secret reached a batch")
			}
		}
	}
	for _, b := range bs {
		for _, r := range b.Records {
			if r.Request != nil && strings.Contains(strings.Join(r.Request.Header["Authorization"], ""), "sk-very-secret") {
				t.Fatal("the secret reached the timeline")
			}
		}
	}
	// removing the variable deletes the secret
	if _, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "real", Variables: []VariableEdit{{Name: "baseUrl", Value: "x"}}}); err != nil {
		t.Fatal(err)
	}
	v, _ := a.Project.Current()
	if st := a.Project.secretStore(); st != nil {
		if _, ok, _ := st.Get(v.ID, "real", "apiKey"); ok {
			t.Fatal("secret kept after the variable was removed")
		}
	}
	if _, err := a.Run.Send(RunRequest{Endpoint: ep, Environment: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown environment: %v", err)
	}
}

func TestOpenErrorsAndRecent(t *testing.T) {
	t.Parallel()
	a, rt, dir := projectApp(t)
	if _, err := a.Project.Open(t.TempDir()); !errors.Is(err, project.ErrNotProject) {
		t.Fatalf("open a plain folder: %v", err)
	}
	rec, _ := a.Project.Recent()
	if len(rec) != 1 || rec[0].Path != dir || rec[0].Name != "My API" {
		t.Fatalf("recent %+v", rec)
	}
	rt.dir = ""
	if v, err := a.Project.OpenDialog(); err != nil || v.Dir != dir {
		t.Fatalf("cancelled dialog: %+v %v", v, err)
	}
	other := filepath.Join(t.TempDir(), "other")
	if _, err := project.Create(other, "Other"); err != nil {
		t.Fatal(err)
	}
	rt.dir = other
	if v, err := a.Project.OpenDialog(); err != nil || v.Name != "Other" {
		t.Fatalf("dialog: %+v %v", v, err)
	}
	if v, _ := a.Project.Close(); v.Open {
		t.Fatal("still open after Close")
	}
	if _, err := a.Project.GetEndpoint("x"); !errors.Is(err, errNoProject) {
		t.Fatalf("no project: %v", err)
	}
	os.RemoveAll(dir)
	if _, err := a.Project.Open(dir); err == nil {
		t.Fatal("a removed folder opened")
	}
	rec, _ = a.Project.Recent()
	if len(rec) != 1 || rec[0].Path != other {
		t.Fatalf("a removed folder stays in the recent list: %+v", rec)
	}
}

func TestFoldersAndEnvironments(t *testing.T) {
	t.Parallel()
	a, _, dir := projectApp(t)
	ps := a.Project
	if _, err := ps.CreateFolder("", "Group A"); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.CreateFolder("", "Group A"); err == nil {
		t.Fatal("a second folder with the same name")
	}
	if _, err := ps.CreateFolder("group-a", "Inner"); err != nil {
		t.Fatal(err)
	}
	v, err := ps.RenameFolder("group-a", "Renamed")
	if err != nil || names(v) != "f:Renamed| f:Inner" {
		t.Fatalf("rename: %q %v", names(v), err)
	}
	if _, err := ps.DeleteFolder("group-a"); err == nil || !strings.Contains(err.Error(), "inner") {
		t.Fatalf("deleting a folder with a subfolder: %v", err)
	}
	if v, err := ps.DeleteFolder("group-a/inner"); err != nil || names(v) != "f:Renamed" {
		t.Fatalf("delete: %q %v", names(v), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "group-a", "inner")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the folder is still on disk")
	}
	if _, err := ps.RenameFolder("nope", "x"); err == nil {
		t.Fatal("renaming a missing folder")
	}
	if _, err := ps.SaveEnvironment(EnvironmentEdit{Name: "tmp", Variables: []VariableEdit{{Name: "k", Value: "secret-value", Secret: true}}}); err != nil {
		t.Fatal(err)
	}
	pv, _ := ps.Current()
	if len(pv.Environments) != 1 || pv.DefaultEnvironment != "tmp" {
		t.Fatalf("environments %+v", pv.Environments)
	}
	pv, err = ps.DeleteEnvironment("tmp")
	if err != nil || len(pv.Environments) != 0 {
		t.Fatalf("delete env: %+v %v", pv.Environments, err)
	}
	if _, ok, _ := ps.secretStore().Get(pv.ID, "tmp", "k"); ok {
		t.Fatal("the secret of a deleted environment is kept")
	}
	if _, err := ps.SaveEnvironment(EnvironmentEdit{Name: "bad name!"}); err == nil {
		t.Fatal("a bad environment name was accepted")
	}
}

func TestSecretWithoutAStoreIsRefusedNotDropped(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	a, rt := newTestApp(t, Options{ConfigDir: cfg, Getenv: func(k string) string {
		switch k {
		case "XDG_CONFIG_HOME":
			return cfg
		case "STREAMSCOPE_SECRETS":
			return "bogus" // no usable secret store
		}
		return ""
	}})
	a.Startup(rt)
	dir := filepath.Join(t.TempDir(), "proj")
	if _, err := a.Project.NewProject(dir, "P"); err != nil {
		t.Fatal(err)
	}
	_, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "real", Variables: []VariableEdit{
		{Name: "apiKey", Value: "sk-1", Secret: true},
	}})
	if err == nil || !strings.Contains(err.Error(), `secret "apiKey"`) || !strings.Contains(err.Error(), "STREAMSCOPE_SECRETS") {
		t.Fatalf("want an error naming the secret and the setting, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "environments", "real.yaml")); !os.IsNotExist(err) {
		t.Fatalf("environment written although its secret could not be stored (%v)", err)
	}
	// plain variables still save
	if _, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "dev", Variables: []VariableEdit{{Name: "u", Value: "x"}}}); err != nil {
		t.Fatal(err)
	}
}

func TestMoveFolder(t *testing.T) {
	t.Parallel()
	a, _, dir := projectApp(t)
	ps := a.Project
	for _, n := range []string{"A", "B", "C"} {
		if _, err := ps.CreateFolder("", n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ps.CreateEndpoint("b", "Inside", ""); err != nil {
		t.Fatal(err)
	}
	folders := func(v ProjectView) string {
		var out []string
		for _, it := range v.Items {
			if it.Kind == "folder" {
				out = append(out, it.Ref)
			}
		}
		return strings.Join(out, " ")
	}
	// Reorder among siblings: C first.
	v, err := ps.MoveFolder("c", "", 0)
	if err != nil || folders(v) != "c a b" {
		t.Fatalf("reorder: %q %v", folders(v), err)
	}
	// Into another folder: b (with its endpoint) goes inside a.
	v, err = ps.MoveFolder("b", "a", 0)
	if err != nil || folders(v) != "c a a/b" {
		t.Fatalf("into a: %q %v", folders(v), err)
	}
	if _, err := ps.GetEndpoint("a/b/Inside"); err != nil {
		t.Fatalf("the moved folder's endpoint: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the old directory is still there")
	}
	// The order survives a reload from disk.
	if v, err := ps.Open(dir); err != nil || folders(v) != "c a a/b" {
		t.Fatalf("reloaded: %q %v", folders(v), err)
	}
	// Refused moves name what is wrong and change nothing.
	for _, c := range []struct{ from, to, want string }{
		{"a", "a/b", "into itself"},
		{"a", "a", "into itself"},
		{"nope", "", `no folder "nope"`},
		{"c", "zzz", `no folder "zzz"`},
		{"../x", "", "not folders of the project"},
	} {
		if _, err := ps.MoveFolder(c.from, c.to, 0); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("MoveFolder(%q, %q): %v, want %q", c.from, c.to, err, c.want)
		}
	}
	if _, err := ps.CreateFolder("", "B"); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.MoveFolder("b", "a", 0); err == nil || !strings.Contains(err.Error(), "already has") {
		t.Fatalf("a name clash: %v", err)
	}
	if v, _ := ps.Current(); folders(v) != "c a a/b b" {
		t.Fatalf("after refused moves: %q", folders(v))
	}
}

// Items 15 and 19 in the tree: a folder named like one of the project's own
// directories gets another directory (its name kept), and a move that would
// put a folder under a reserved name or deeper than the limit is refused
// before anything moves.
func TestFolderNamesAndMovesThatWouldNotLoad(t *testing.T) {
	t.Parallel()
	a, _, dir := projectApp(t)
	ps := a.Project
	v, err := ps.CreateFolder("", "Recordings")
	if err != nil || names(v) != "f:Recordings" || v.Items[0].Ref != "recordings-folder" {
		t.Fatalf("create: %q %+v %v", names(v), v.Items, err)
	}
	if _, err := ps.CreateFolder("", strings.Repeat("😀", 70)); err != nil {
		t.Fatalf("a long name: %v", err)
	}
	if _, err := ps.CreateFolder("recordings-folder", "Recordings"); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.MoveFolder("recordings-folder/recordings", "", 0); err == nil || !strings.Contains(err.Error(), "recordings/ folder") {
		t.Fatalf("move to the top as recordings/: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "recordings-folder", "recordings")); err != nil {
		t.Fatalf("the refused move moved it: %v", err)
	}
	// A chain as deep as allowed cannot go under another folder.
	parent := ""
	for i := 0; i < project.MaxFolderDepth; i++ {
		if _, err := ps.CreateFolder(parent, "d"); err != nil {
			t.Fatalf("level %d: %v", i+1, err)
		}
		parent = path.Join(parent, "d")
	}
	if _, err := ps.CreateFolder(parent, "one more"); err == nil || !strings.Contains(err.Error(), "folders nest at most") {
		t.Fatalf("create too deep: %v", err)
	}
	if _, err := ps.MoveFolder("d", "recordings-folder", 0); err == nil || !strings.Contains(err.Error(), "folders nest at most") {
		t.Fatalf("move too deep: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "d")); err != nil {
		t.Fatalf("the refused move moved it: %v", err)
	}
	if v, err := ps.Open(dir); err != nil || len(v.Problems) > 0 {
		t.Fatalf("reopen: %v %+v", err, v.Problems)
	}
}

// A pasted curl command's literal credentials are reported (never their
// values) and can be moved into secret variables: the project folder then
// holds no literal, and a failed move leaves the endpoint as it was
// (issue 17, item 26).
func TestMoveCredentials(t *testing.T) {
	t.Parallel()
	a, _, dir := projectApp(t)
	imp, err := a.Project.ImportCurl(`curl https://api.example.com/v1/chat -H 'Authorization: Bearer sk-literal-123' -H 'x-api-key: xk-literal-456' -d '{}'`, "Chat", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Credentials) != 2 {
		t.Fatalf("credentials %+v", imp.Credentials)
	}
	if b, _ := json.Marshal(append(imp.Credentials, project.Credential{What: strings.Join(imp.Warnings, "|")})); strings.Contains(string(b), "literal-") {
		t.Fatalf("the import's credentials or warnings carry a value: %s", b)
	}
	if _, err := a.Project.MoveCredentials(imp.Endpoint.Ref, "bad name"); err == nil {
		t.Fatal("an invalid environment name was taken")
	}
	if doc, _ := a.Project.GetEndpoint(imp.Endpoint.Ref); len(doc.Endpoint.Credentials()) != 2 {
		t.Fatal("a failed move changed the endpoint")
	}
	moved, err := a.Project.MoveCredentials(imp.Endpoint.Ref, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if len(moved.Moved) != 2 || len(moved.Endpoint.Endpoint.Credentials()) != 0 {
		t.Fatalf("moved %+v", moved)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), "literal-") {
			t.Errorf("%s holds a credential", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	env, err := a.Project.GetEnvironment("dev")
	if err != nil {
		t.Fatal(err)
	}
	secretsSet := 0
	for _, v := range env.Variables {
		if v.Secret && v.HasValue {
			secretsSet++
		}
	}
	if secretsSet != 2 {
		t.Fatalf("environment %+v", env)
	}
	if _, err := a.Project.MoveCredentials(imp.Endpoint.Ref, "dev"); err == nil {
		t.Fatal("nothing left to move, yet no error")
	}
}
