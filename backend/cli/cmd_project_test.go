package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/project"
)

// cliRun runs one command with the given stdin and process environment.
func cliRun(t *testing.T, vars map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }}
	code = Main(args, env)
	return code, out.String(), errb.String()
}

// grepTree returns the files under dir that contain needle.
func grepTree(t *testing.T, dir, needle string) []string {
	t.Helper()
	var hits []string
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(needle)) {
			hits = append(hits, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

const openAICurl = `curl https://api.openai.com/v1/chat/completions \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $OPENAI_API_KEY" \
  -d '{"model": "gpt-4.1", "stream": true, "messages": [{"role": "user", "content": "Hi"}]}'`

func TestProjectCommandsEndToEnd(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "proj")
	cfg := t.TempDir()
	vars := map[string]string{"XDG_CONFIG_HOME": cfg}

	if code, out, errs := cliRun(t, vars, "", "new", dir, "--name", "Demo"); code != ExitOK || !strings.Contains(out, `"Demo"`) {
		t.Fatalf("new: %d %q %q", code, out, errs)
	}
	if code, _, errs := cliRun(t, vars, "", "new", dir); code != ExitUsage || !strings.Contains(errs, "already exists") {
		t.Fatalf("second new: %d %q", code, errs)
	}

	// Import from an argument and from stdin.
	if code, out, errs := cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "OpenAI chat", openAICurl); code != ExitOK {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	gemini := `curl "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" -H "x-goog-api-key: $GEMINI_API_KEY" -d '{"contents":[]}'`
	if code, _, errs := cliRun(t, vars, gemini, "import", "curl", "--project", dir, "--name", "Gemini", "--folder", "google"); code != ExitOK {
		t.Fatalf("import from stdin: %d %q", code, errs)
	}
	if code, _, errs := cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "OpenAI chat", openAICurl); code != ExitUsage || !strings.Contains(errs, "already exists") {
		t.Fatalf("duplicate import: %d %q", code, errs)
	}
	if code, _, errs := cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "Bad", "curl --bogus http://x"); code != ExitUsage || !strings.Contains(errs, "--bogus") {
		t.Fatalf("bad curl: %d %q", code, errs)
	}
	if code, _, errs := cliRun(t, vars, "", "import", "curl", "--name", "X", "curl http://x"); code != ExitUsage || !strings.Contains(errs, "--project") {
		t.Fatalf("missing --project: %d %q", code, errs)
	}

	code, out, errs := cliRun(t, vars, "", "ls", dir)
	want := "OpenAI chat\tPOST\thttps://api.openai.com/v1/chat/completions\n" +
		"google/Gemini\tPOST\thttps://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse\n"
	if code != ExitOK || out != want || errs != "" {
		t.Fatalf("ls: %d\n%s\nwant\n%s\nstderr %q", code, out, want, errs)
	}

	code, out, _ = cliRun(t, vars, "", "export", "curl", dir, "OpenAI chat")
	wantCurl := "curl -N https://api.openai.com/v1/chat/completions \\\n" +
		"  -H 'Authorization: Bearer {{OPENAI_API_KEY}}' \\\n" +
		"  -H 'Content-Type: application/json' \\\n" +
		"  --data-raw '{\"model\": \"gpt-4.1\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}'\n"
	if code != ExitOK || out != wantCurl {
		t.Fatalf("export: %d\n%s\nwant\n%s", code, out, wantCurl)
	}
	if code, _, errs := cliRun(t, vars, "", "export", "curl", dir, "Nope"); code != ExitUsage || !strings.Contains(errs, `no endpoint "Nope"`) {
		t.Fatalf("export unknown: %d %q", code, errs)
	}

	// Variables: a plain one, and a secret one that never lands in the project.
	const secret = "sk-test-9f8e7d6c5b4a"
	if code, _, errs := cliRun(t, vars, "", "env", "set", dir, "local", "base_url", "http://127.0.0.1:1"); code != ExitOK {
		t.Fatalf("env set: %d %q", code, errs)
	}
	code, out, errs = cliRun(t, vars, "", "env", "set", dir, "local", "OPENAI_API_KEY", secret, "--secret")
	if code != ExitOK || strings.Contains(out+errs, secret) {
		t.Fatalf("env set --secret: %d %q %q", code, out, errs)
	}
	if hits := grepTree(t, dir, secret); len(hits) != 0 {
		t.Fatalf("the secret reached the project: %v", hits)
	}
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(cfg, "streamscope", "secrets", p.Meta.ID+".json")
	if hits := grepTree(t, cfg, secret); len(hits) != 1 || hits[0] != store {
		t.Fatalf("secret store files %v, want %s", hits, store)
	}
	if st, err := os.Stat(store); err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o600) {
		t.Fatalf("store mode: %v %v", st.Mode(), err)
	}
	e, err := p.Environment("local")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Lookup("OPENAI_API_KEY"); !v.Secret || v.Value != "" {
		t.Fatalf("secret variable in file: %+v", v)
	}
	if v, _ := e.Lookup("base_url"); v.Value != "http://127.0.0.1:1" {
		t.Fatalf("plain variable: %+v", v)
	}
	if _, out, _ := cliRun(t, vars, "", "export", "curl", dir, "OpenAI chat"); strings.Contains(out, secret) {
		t.Fatal("export printed the secret")
	}
	// A secret read from stdin (keeps it out of shell history), then made plain again.
	if code, _, errs := cliRun(t, vars, "other-secret-value\n", "env", "set", dir, "local", "TOKEN", "-", "--secret"); code != ExitOK {
		t.Fatalf("secret from stdin: %d %q", code, errs)
	}
	if hits := grepTree(t, dir, "other-secret-value"); len(hits) != 0 {
		t.Fatalf("stdin secret reached the project: %v", hits)
	}
	if code, _, errs := cliRun(t, vars, "", "env", "set", dir, "local", "TOKEN", "now-plain"); code != ExitOK {
		t.Fatalf("unsecret: %d %q", code, errs)
	}
	if hits := grepTree(t, cfg, "other-secret-value"); len(hits) != 0 {
		t.Fatalf("old secret value left in the store: %v", hits)
	}
	if code, _, errs := cliRun(t, vars, "", "env", "set", dir, "bad/name", "a", "b"); code != ExitUsage || !strings.Contains(errs, "ENV") {
		t.Fatalf("bad env name: %d %q", code, errs)
	}
	if code, _, errs := cliRun(t, vars, "", "env", "set", dir, "local", "bad name", "b"); code != ExitUsage || !strings.Contains(errs, "variables") {
		t.Fatalf("bad variable name: %d %q", code, errs)
	}
}

func TestLsReportsBrokenFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "proj")
	if code, _, errs := cliRun(t, nil, "", "new", dir); code != ExitOK {
		t.Fatal(errs)
	}
	if code, _, errs := cliRun(t, nil, "", "import", "curl", "--project", dir, "--name", "Good", "curl http://x/good"); code != ExitOK {
		t.Fatal(errs)
	}
	broken := "schema: 2\nname: Broken\nurl: http://x\nstream: telepathy\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.endpoint.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "environments"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "environments", "dev.yaml"), []byte("schema: 2\nvariables: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cliRun(t, nil, "", "ls", dir)
	if code != ExitUsage || out != "Good\tGET\thttp://x/good\n" {
		t.Fatalf("ls: %d %q", code, out)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "broken.endpoint.yaml:4: stream:") || !strings.Contains(lines[1], "dev.yaml:") {
		t.Fatalf("stderr:\n%s", errs)
	}
	// Setting a variable in the broken environment refuses and leaves it alone.
	code, _, errs = cliRun(t, nil, "", "env", "set", dir, "dev", "a", "b")
	if code != ExitUsage || !strings.Contains(errs, "refusing to overwrite") {
		t.Fatalf("env set on broken file: %d %q", code, errs)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "environments", "dev.yaml")); string(b) != "schema: 2\nvariables: [\n" {
		t.Fatalf("broken environment changed: %q", b)
	}
	if code, _, errs := cliRun(t, nil, "", "export", "curl", dir, "Broken"); code != ExitUsage || !strings.Contains(errs, "does not load") {
		t.Fatalf("export of a broken endpoint: %d %q", code, errs)
	}
	if code, _, errs := cliRun(t, nil, "", "ls", filepath.Join(dir, "missing")); code != ExitUsage || !strings.Contains(errs, "missing") {
		t.Fatalf("ls missing: %d %q", code, errs)
	}
}

func TestImportPostmanCommand(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "llm")
	code, out, errs := cliRun(t, nil, "", "import", "postman", "../postman/testdata/llm.postman_collection.json", dir)
	if code != ExitOK || !strings.Contains(out, "7 endpoint(s)") || !strings.Contains(errs, "warning: ") {
		t.Fatalf("import postman: %d %q %q", code, out, errs)
	}
	code, out, _ = cliRun(t, nil, "", "ls", dir)
	if code != ExitOK || !strings.Contains(out, "openai/Chat stream\tPOST\t{{base_url}}/v1/chat/completions?api-version=1\n") {
		t.Fatalf("ls: %d %q", code, out)
	}
	if code, _, errs := cliRun(t, nil, "", "import", "postman", "missing.json", filepath.Join(t.TempDir(), "x")); code != ExitUsage || !strings.Contains(errs, "missing.json") {
		t.Fatalf("missing file: %d %q", code, errs)
	}
}

func TestImportPostmanEnvironment(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "proj")
	cfg := t.TempDir()
	vars := map[string]string{"XDG_CONFIG_HOME": cfg}
	if code, _, errs := cliRun(t, vars, "", "new", dir); code != ExitOK {
		t.Fatal(errs)
	}
	code, out, errs := cliRun(t, vars, "", "import", "postman", "../postman/testdata/local.postman_environment.json", dir)
	if code != ExitOK || !strings.Contains(out, "imported environment local-mock: 2 variable(s), 1 secret(s)") || !strings.Contains(errs, `"bad key" skipped`) {
		t.Fatalf("import environment: %d %q %q", code, out, errs)
	}
	if hits := grepTree(t, dir, "sk-postman-secret-77aa"); len(hits) != 0 {
		t.Fatalf("the secret reached the project: %v", hits)
	}
	if hits := grepTree(t, cfg, "sk-postman-secret-77aa"); len(hits) != 1 {
		t.Fatalf("the secret is not in the store: %v", hits)
	}
	if code, _, errs := cliRun(t, vars, "", "import", "postman", "../postman/testdata/local.postman_environment.json", dir, "--env", "dev"); code != ExitOK {
		t.Fatalf("--env: %d %q", code, errs)
	}
	p, _ := project.Load(dir)
	if e, err := p.Environment("dev"); err != nil || len(e.Variables) != 2 {
		t.Fatalf("dev: %v %+v", err, e)
	}
	if code, _, errs := cliRun(t, vars, "", "import", "postman", "../postman/testdata/llm.postman_collection.json", dir, "--env", "x"); code != ExitUsage || !strings.Contains(errs, "--env applies") {
		t.Fatalf("--env with a collection: %d %q", code, errs)
	}
}

// Items 4 and 15: import curl with a name whose file name would pass 255
// bytes saves it under a shortened file name (it used to loop forever);
// folders that would not load, or that lead out through a link, are
// refused with the rule, exit 2 and nothing written.
func TestImportCurlNamesAndFolders(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "proj")
	vars := map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
	if code, _, errs := cliRun(t, vars, "", "new", dir); code != ExitOK {
		t.Fatalf("new: %s", errs)
	}
	long := strings.Repeat("😀", 61)
	type result struct {
		code        int
		out, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errs := cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", long, "curl http://x/")
		done <- result{code, out, errs}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("import curl with a long name did not end")
	}
	if r.code != ExitOK {
		t.Fatalf("long name: %d %s", r.code, r.stderr)
	}
	if code, out, errs := cliRun(t, vars, "", "ls", dir); code != ExitOK || !strings.Contains(out, long+"\tGET") {
		t.Fatalf("ls: %d %q %s", code, out, errs)
	}

	outside := t.TempDir()
	linked := runtime.GOOS != "windows" && os.Symlink(outside, filepath.Join(dir, "linked")) == nil
	for _, c := range []struct{ folder, want string }{
		{strings.Repeat("a", 300), "300 bytes long, at most 255"},
		{".hidden", "hidden"},
		{"recordings", "recordings/ folder"},
		{"environments", "environments/ folder"},
		{"a/../..", "'..'"},
		{"linked", "symbolic link"},
	} {
		if c.folder == "linked" && !linked {
			continue
		}
		code, _, errs := cliRun(t, vars, "", "import", "curl", "--project", dir, "--folder", c.folder, "--name", "n", "curl http://x/")
		if code != ExitUsage || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("--folder %q: %d %q, want one line with %q", c.folder, code, errs, c.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2+boolInt(linked) {
		t.Fatalf("project holds %v", entries)
	}
	if code, _, errs := cliRun(t, vars, "", "ls", dir); code != ExitOK {
		t.Fatalf("ls after refused imports: %d %s", code, errs)
	}

	// env set into a linked environments/: refused, nothing outside.
	if linked {
		if err := os.Symlink(outside, filepath.Join(dir, project.EnvironmentsDir)); err != nil {
			t.Fatal(err)
		}
		if code, _, errs := cliRun(t, vars, "", "env", "set", dir, "dev", "base_url", "http://x"); code != ExitUsage || !strings.Contains(errs, "symbolic link") {
			t.Fatalf("env set through a link: %d %s", code, errs)
		}
		if e, _ := os.ReadDir(outside); len(e) != 0 {
			t.Fatalf("written outside the project: %v", e)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
