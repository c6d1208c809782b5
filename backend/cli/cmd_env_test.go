package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
)

// copyTree copies the project folder src to dst, as `cp -r` (or a git
// clone) would: streamscope.yaml, with its id, included.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A copy of a project (or any folder claiming its id) neither reads nor
// writes its secrets until `streamscope env trust DIR` (issue 17, item 3).
func TestCopiedProjectMustBeTrusted(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t)
	copied := filepath.Join(t.TempDir(), "copy")
	copyTree(t, f.dir, copied)
	realCopy, _ := secrets.RealDir(copied)
	vars := map[string]string{"XDG_CONFIG_HOME": f.cfg, "COLUMNS": "100"}

	sent := f.seen.count()
	code, stdout, stderr := cliRun(t, vars, "", "run", copied, "Chat", "--env", "local")
	if code != ExitUsage || !strings.Contains(stderr, "streamscope env trust "+realCopy) || !strings.Contains(stderr, `secret "api_key"`) {
		t.Fatalf("run of a copy: %d\n%s", code, stderr)
	}
	if f.seen.count() != sent || strings.Contains(stdout+stderr, runSecret) {
		t.Fatal("the copy sent a request or printed the secret")
	}
	// Nor can it overwrite the owner's value.
	code, _, stderr = cliRun(t, vars, "", "env", "set", copied, "local", "api_key", "sk-attacker", "--secret")
	if code != ExitUsage || !strings.Contains(stderr, "streamscope env trust "+realCopy) {
		t.Fatalf("env set --secret in a copy: %d\n%s", code, stderr)
	}
	if code, _, stderr := f.run(t, nil, "Chat", "--env", "local"); code != ExitOK {
		t.Fatalf("the owner after the copy's attempts: %d\n%s", code, stderr)
	}
	if r, _ := f.seen.last(); r.Header.Get("Authorization") != "Bearer "+runSecret {
		t.Fatalf("the owner's secret changed: %q", r.Header.Get("Authorization"))
	}
	// A plain variable is none of the secrets' business.
	if code, _, stderr := cliRun(t, vars, "", "env", "set", copied, "local", "model", "gpt-4o-mini"); code != ExitOK {
		t.Fatalf("plain env set in a copy: %d\n%s", code, stderr)
	}

	code, stdout, stderr = cliRun(t, vars, "", "env", "trust", copied)
	if code != ExitOK || !strings.Contains(stdout, realCopy+" may use the secrets of project id") {
		t.Fatalf("env trust: %d %q\n%s", code, stdout, stderr)
	}
	if code, _, stderr := cliRun(t, vars, "", "run", copied, "Chat", "--env", "local"); code != ExitOK {
		t.Fatalf("run of the trusted copy: %d\n%s", code, stderr)
	}
	if r, _ := f.seen.last(); r.Header.Get("Authorization") != "Bearer "+runSecret {
		t.Fatalf("the trusted copy sent %q", r.Header.Get("Authorization"))
	}
	if code, _, stderr := cliRun(t, vars, "", "env", "trust", t.TempDir()); code != ExitUsage || !strings.Contains(stderr, "streamscope.yaml") {
		t.Fatalf("env trust of a folder that is no project: %d %q", code, stderr)
	}
}

// The demo project, written where the app keeps it, uses its secrets
// without asking; a folder that copies its public id does not.
func TestDemoSecretsStayTheDemos(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	vars := map[string]string{"XDG_CONFIG_HOME": cfg, secrets.ModeVar: "file"}
	code, stdout, stderr := cliRun(t, vars, "", "demo")
	if code != ExitOK {
		t.Fatalf("demo: %d %s", code, stderr)
	}
	demoDir := strings.TrimSpace(stdout)
	if code, _, stderr := cliRun(t, vars, "sk-demo-real-1234\n", "env", "set", demoDir, "real", "openaiApiKey", "-", "--secret"); code != ExitOK {
		t.Fatalf("env set in the demo: %d %s", code, stderr)
	}
	p, err := project.Load(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := p.Environment("real")
	sc := secrets.NewScope(p, e, nil, vars2getenv(vars), secrets.Opener(vars2getenv(vars), nil))
	if v, ok, err := sc.Lookup("openaiApiKey"); err != nil || !ok || v != "sk-demo-real-1234" {
		t.Fatalf("the demo's secret: %q %v %v", v, ok, err)
	}

	evil := filepath.Join(t.TempDir(), "evil")
	copyTree(t, demoDir, evil)
	q, err := project.Load(evil)
	if err != nil {
		t.Fatal(err)
	}
	qe, _ := q.Environment("real")
	sc = secrets.NewScope(q, qe, nil, vars2getenv(vars), secrets.Opener(vars2getenv(vars), nil))
	if _, ok, err := sc.Lookup("openaiApiKey"); ok || err == nil || !strings.Contains(err.Error(), "streamscope env trust") {
		t.Fatalf("a copy of the demo read its secret: %v %v", ok, err)
	}
}

func vars2getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

const envSetChild = "STREAMSCOPE_ENVSET_CHILD"

// TestEnvSetChild is the child process of TestConcurrentEnvSetLosesNothing:
// it runs one `streamscope` command given as JSON in envSetChild.
func TestEnvSetChild(t *testing.T) {
	spec := os.Getenv(envSetChild)
	if spec == "" {
		t.Skip("helper process for TestConcurrentEnvSetLosesNothing")
	}
	var args []string
	if err := json.Unmarshal([]byte(spec), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(99)
	}
	os.Exit(Main(args, &Env{}))
}

// Ten `env set` processes at once, on plain variables and on secrets:
// every one of them is kept (issue 17, item 11: 1-2 of 10 survived).
func TestConcurrentEnvSetLosesNothing(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	dir := filepath.Join(t.TempDir(), "proj")
	p, err := project.Create(dir, "Concurrent")
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	var wg sync.WaitGroup
	errs := make([]string, 2*n)
	for i := 0; i < 2*n; i++ {
		args := []string{"env", "set", dir, "dev", fmt.Sprintf("plain%d", i), fmt.Sprintf("value-%d", i)}
		if i >= n {
			args = []string{"env", "set", dir, "dev", fmt.Sprintf("secret%d", i), fmt.Sprintf("sk-value-%d", i), "--secret"}
		}
		spec, _ := json.Marshal(args)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestEnvSetChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), envSetChild+"="+string(spec), "XDG_CONFIG_HOME="+cfg, secrets.ModeVar+"=file")
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Sprintf("%v: %v\n%s", args, err, out)
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Error(e)
		}
	}
	q, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := q.Environment("dev")
	if err != nil {
		t.Fatal(err)
	}
	store, err := secrets.Default(func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": cfg, secrets.ModeVar: "file"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := store.Project(dir, p.Meta.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2*n; i++ {
		name, want := fmt.Sprintf("plain%d", i), fmt.Sprintf("value-%d", i)
		if i >= n {
			name, want = fmt.Sprintf("secret%d", i), ""
		}
		v, ok := e.Lookup(name)
		if !ok || v.Value != want {
			t.Errorf("environment lost %s: %+v %v", name, v, ok)
		}
		if i >= n {
			if sv, ok, err := ps.Get("dev", name); !ok || err != nil || sv != fmt.Sprintf("sk-value-%d", i) {
				t.Errorf("secret store lost %s: %q %v %v", name, sv, ok, err)
			}
		}
	}
}
