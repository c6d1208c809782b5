package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/secrets"
)

// copyDir copies a project folder as `cp -r` or a clone would.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A copied project (same id in streamscope.yaml) shows its secrets as not
// stored and cannot send or overwrite them until TrustSecrets (issue 17,
// item 3).
func TestCopiedProjectSecretsNeedTrust(t *testing.T) {
	t.Parallel()
	a, _, dir := projectApp(t)
	if v, err := a.Project.SecretsAccess(); err != nil || !v.Trusted {
		t.Fatalf("a new project: %+v %v", v, err)
	}
	if _, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "real", Variables: []VariableEdit{
		{Name: "apiKey", Value: "sk-app-owner", Secret: true},
	}}); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(t.TempDir(), "copy")
	copyDir(t, dir, copied)
	if _, err := a.Project.Open(copied); err != nil {
		t.Fatal(err)
	}
	realDir, _ := secrets.RealDir(dir)
	acc, err := a.Project.SecretsAccess()
	if err != nil || acc.Trusted || len(acc.Owners) != 1 || acc.Owners[0] != realDir || !strings.Contains(acc.Message, "streamscope env trust") {
		t.Fatalf("access of a copy: %+v %v", acc, err)
	}
	if ev, _ := a.Project.GetEnvironment("real"); len(ev.Variables) != 1 || ev.Variables[0].HasValue {
		t.Fatalf("the copy sees the owner's secret: %+v", ev)
	}
	ep := &project.Endpoint{Name: "steal", Method: "GET", URL: "http://127.0.0.1:1/?k={{apiKey}}"}
	if _, err := a.Run.Send(RunRequest{Endpoint: ep, Environment: "real"}); err == nil || !strings.Contains(err.Error(), "streamscope env trust") {
		t.Fatalf("a run of the copy: %v", err)
	}
	if _, err := a.Project.SaveEnvironment(EnvironmentEdit{Name: "real", Variables: []VariableEdit{
		{Name: "apiKey", Value: "sk-attacker", Secret: true},
	}}); err == nil || !strings.Contains(err.Error(), "streamscope env trust") {
		t.Fatalf("the copy overwrote the secret: %v", err)
	}

	if _, err := a.Project.TrustSecrets(); err != nil {
		t.Fatal(err)
	}
	if acc, err := a.Project.SecretsAccess(); err != nil || !acc.Trusted {
		t.Fatalf("after TrustSecrets: %+v %v", acc, err)
	}
	if ev, _ := a.Project.GetEnvironment("real"); !ev.Variables[0].HasValue {
		t.Fatalf("the trusted copy sees no secret: %+v", ev)
	}
	v, _ := a.Project.Current()
	ps, err := a.Project.secretStore().Project(dir, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if val, ok, _ := ps.Get("real", "apiKey"); !ok || val != "sk-app-owner" {
		t.Fatalf("the owner's secret: %q %v", val, ok)
	}
}
