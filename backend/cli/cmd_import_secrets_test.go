package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
)

// Issue 17, item 14: import curl copies no local file without --allow-file.
func TestImportCurlRefusesLocalFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "proj")
	vars := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "STREAMSCOPE_SECRETS": "file"}
	if code, _, errs := cliRun(t, vars, "", "new", dir); code != ExitOK {
		t.Fatal(errs)
	}
	shadow := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(shadow, []byte("SECRETMARK"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "a", "curl http://x/ -d @"+shadow)
	if code != ExitUsage || out != "" || !strings.Contains(errs, "--data @"+shadow+": refusing to copy a local file into the project") || !strings.Contains(errs, "--allow-file") || strings.Count(errs, "\n") != 1 {
		t.Fatalf("without --allow-file: %d %q %q", code, out, errs)
	}
	if hits := grepTree(t, dir, "SECRETMARK"); len(hits) != 0 {
		t.Fatalf("copied: %v", hits)
	}
	code, _, errs = cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "a", "--allow-file", "curl http://x/ -d @"+shadow)
	if code != ExitOK || !strings.Contains(errs, "copied the 10 bytes of "+shadow) {
		t.Fatalf("with --allow-file: %d %q", code, errs)
	}
	if hits := grepTree(t, dir, "SECRETMARK"); len(hits) != 1 {
		t.Fatalf("not copied: %v", hits)
	}
}

// Issue 17, item 26: literal credentials are warned about by where they
// are (never their value), or moved into secret variables.
func TestImportCurlCredentials(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "proj")
	cfg := t.TempDir()
	vars := map[string]string{"XDG_CONFIG_HOME": cfg, "STREAMSCOPE_SECRETS": "file"}
	if code, _, errs := cliRun(t, vars, "", "new", dir); code != ExitOK {
		t.Fatal(errs)
	}
	const cmd = `curl 'https://h/v1?key=AIzaLIT' -H 'x-api-key: kLIT' -H 'Authorization: Bearer sk-LIT' -d '{}'`
	lits := []string{"AIzaLIT", "kLIT", "sk-LIT"}
	code, out, errs := cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "plain", cmd)
	if code != ExitOK {
		t.Fatalf("import: %d %q", code, errs)
	}
	for _, w := range []string{`the header "x-api-key" is a literal credential, now written in plain.endpoint.yaml`, "the bearer token is a literal credential", `the query parameter "key"`, "--secrets-to ENV"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q: %s", w, errs)
		}
	}
	for _, lit := range lits {
		if strings.Contains(out+errs, lit) {
			t.Errorf("%s printed: %q %q", lit, out, errs)
		}
	}
	if !strings.Contains(out, "https://h/v1?key=REDACTED") {
		t.Errorf("stdout %q", out)
	}

	code, out, errs = cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "moved", "--secrets-to", "prod", cmd)
	if code != ExitOK || errs != "" {
		t.Fatalf("--secrets-to: %d %q %q", code, out, errs)
	}
	for _, w := range []string{`moved the header "x-api-key" into secret variable x_api_key of environment prod`, "moved the bearer token into secret variable api_key"} {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q: %s", w, out)
		}
	}
	for _, lit := range lits {
		if strings.Contains(out+errs, lit) {
			t.Errorf("%s printed", lit)
		}
		if hits := grepTree(t, dir, lit); len(hits) != 1 || filepath.Base(hits[0]) != "plain.endpoint.yaml" {
			t.Errorf("%s in %v", lit, hits)
		}
		if hits := grepTree(t, cfg, lit); len(hits) != 1 {
			t.Errorf("%s in the store: %v", lit, hits)
		}
	}
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := p.Endpoint("moved")
	if err != nil {
		t.Fatal(err)
	}
	if len(ep.Credentials()) != 0 || ep.Auth.Token != "{{api_key}}" {
		t.Fatalf("endpoint %+v", ep)
	}
	env, err := p.Environment("prod")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := env.Lookup("x_api_key"); !ok || !v.Secret {
		t.Fatalf("variables %+v", env.Variables)
	}
	// A second import picks names the environment does not have yet.
	code, out, _ = cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "again", "--secrets-to", "prod", cmd)
	if code != ExitOK || !strings.Contains(out, "secret variable api_key_2") {
		t.Fatalf("again: %d %q", code, out)
	}
	// A broken environment file: nothing is written, not even the endpoint.
	if err := os.WriteFile(filepath.Join(dir, "environments", "bad.yaml"), []byte("schema: 2\nvariables: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "failing", "--secrets-to", "bad", cmd)
	if code != ExitUsage || !strings.Contains(errs, "bad.yaml") {
		t.Fatalf("broken env: %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "failing.endpoint.yaml")); !os.IsNotExist(err) {
		t.Fatalf("endpoint left behind: %v", err)
	}
	if code, _, errs := cliRun(t, vars, "", "import", "curl", "--project", dir, "--name", "x", "--secrets-to", "a/b", cmd); code != ExitUsage || !strings.Contains(errs, "--secrets-to") {
		t.Fatalf("bad env name: %d %q", code, errs)
	}
}
