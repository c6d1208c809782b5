package secrets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
)

func opener(s *FileStore) func() (*FileStore, error) {
	return func() (*FileStore, error) { return s, nil }
}

func setVars(vars ...project.Variable) func(*project.Environment) error {
	return func(e *project.Environment) error {
		for _, v := range vars {
			e.Set(v)
		}
		return nil
	}
}

// Not parallel: it replaces saveEnvironmentFile.
func TestSaveEnvironmentRollsBack(t *testing.T) {
	root := t.TempDir()
	s := &FileStore{Dir: filepath.Join(root, "secrets")}
	p := newProjectAt(t, filepath.Join(root, "proj"), "rollback-id")
	_, err := SaveEnvironment(p, EnvironmentSave{Name: "real",
		Edit:    setVars(project.Variable{Name: "kept", Secret: true}, project.Variable{Name: "url", Value: "http://a"}),
		Secrets: map[string]string{"kept": "sk-old"}}, opener(s))
	must(t, err)
	envFile := filepath.Join(p.Dir, "environments", "real.yaml")
	before, _ := os.ReadFile(envFile)

	saveEnvironmentFile = func(*project.Project, *project.Environment) error { return errors.New("disk full") }
	defer func() { saveEnvironmentFile = (*project.Project).SaveEnvironment }()
	_, err = SaveEnvironment(p, EnvironmentSave{Name: "real",
		Edit:    setVars(project.Variable{Name: "kept", Secret: true}, project.Variable{Name: "added", Secret: true}),
		Secrets: map[string]string{"kept": "sk-new", "added": "sk-added"}}, opener(s))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("want the file's error, got %v", err)
	}
	ps, err := s.Project(p.Dir, "rollback-id")
	must(t, err)
	if v, ok, _ := ps.Get("real", "kept"); !ok || v != "sk-old" {
		t.Fatalf("the old secret was not put back: %q %v", v, ok)
	}
	if _, ok, _ := ps.Get("real", "added"); ok {
		t.Fatal("a secret of the failed save stayed")
	}
	if after, _ := os.ReadFile(envFile); string(after) != string(before) {
		t.Fatalf("the environment file changed:\n%s", after)
	}
}

func TestSaveEnvironmentSecrets(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	s := &FileStore{Dir: filepath.Join(root, "secrets")}
	p := newProjectAt(t, filepath.Join(root, "proj"), "save-id")
	envFile := filepath.Join(p.Dir, "environments", "real.yaml")

	// No usable store: nothing is written, and the error names the secret.
	broken := func() (*FileStore, error) { return nil, errors.New("STREAMSCOPE_SECRETS=bogus") }
	_, err := SaveEnvironment(p, EnvironmentSave{Name: "real", Edit: setVars(project.Variable{Name: "k", Secret: true}),
		Secrets: map[string]string{"k": "sk-1"}}, broken)
	if err == nil || !strings.Contains(err.Error(), `secret "k" of environment "real" cannot be stored`) {
		t.Fatalf("no store: %v", err)
	}
	if _, err := os.Stat(envFile); !os.IsNotExist(err) {
		t.Fatal("the file was written although its secret could not be stored")
	}
	// Plain variables need no store.
	if where, err := SaveEnvironment(p, EnvironmentSave{Name: "real", Edit: setVars(project.Variable{Name: "u", Value: "x"})}, broken); err != nil || where != "" {
		t.Fatalf("plain: %q %v", where, err)
	}

	where, err := SaveEnvironment(p, EnvironmentSave{Name: "real",
		Edit:    setVars(project.Variable{Name: "a", Secret: true}, project.Variable{Name: "b", Secret: true}),
		Secrets: map[string]string{"a": "sk-a", "b": "sk-b"}}, opener(s))
	if err != nil || where != s.Dir {
		t.Fatalf("save: %q %v", where, err)
	}
	if b, _ := os.ReadFile(envFile); strings.Contains(string(b), "sk-") {
		t.Fatalf("a secret value in the file: %s", b)
	}
	// a made plain and b removed: their stored values go.
	_, err = SaveEnvironment(p, EnvironmentSave{Name: "real", Edit: func(e *project.Environment) error {
		e.Variables = []project.Variable{{Name: "a", Value: "now plain"}}
		return nil
	}}, opener(s))
	must(t, err)
	ps, _ := s.Project(p.Dir, "save-id")
	for _, n := range []string{"a", "b"} {
		if _, ok, _ := ps.Get("real", n); ok {
			t.Errorf("the stored value of %s stayed", n)
		}
	}
	if _, err := SaveEnvironment(p, EnvironmentSave{Name: "real", Secrets: map[string]string{"a": "x"}}, opener(s)); err == nil || !strings.Contains(err.Error(), "not a secret variable") {
		t.Fatalf("a value for a plain variable: %v", err)
	}
	// p's snapshot follows the save.
	if e, err := p.Environment("real"); err != nil || len(e.Variables) != 1 || e.Variables[0].Value != "now plain" {
		t.Fatalf("snapshot %+v %v", e, err)
	}
	// A broken file is not replaced.
	must(t, os.WriteFile(envFile, []byte("schema: 2\nvariables: [unclosed\n"), 0o644))
	if _, err := SaveEnvironment(p, EnvironmentSave{Name: "real", Edit: setVars(project.Variable{Name: "u", Value: "y"})}, opener(s)); !errors.Is(err, project.ErrBrokenFile) {
		t.Fatalf("broken file: %v", err)
	}
}

// Goroutines with their own project and store handles, saving at once,
// lose nothing (the same lock serves processes: see the CLI's test).
func TestSaveEnvironmentConcurrent(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "proj")
	newProjectAt(t, dir, "concurrent-id")
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := project.Load(dir)
			if err != nil {
				errs <- err
				return
			}
			s := &FileStore{Dir: filepath.Join(root, "secrets")}
			name := fmt.Sprintf("v%d", i)
			save := EnvironmentSave{Name: "dev", Edit: setVars(project.Variable{Name: name, Value: "plain"})}
			if i%2 == 1 {
				save = EnvironmentSave{Name: "dev", Edit: setVars(project.Variable{Name: name, Secret: true}), Secrets: map[string]string{name: "sk-" + name}}
			}
			_, err = SaveEnvironment(p, save, opener(s))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	p, err := project.Load(dir)
	must(t, err)
	e, err := p.Environment("dev")
	must(t, err)
	ps, err := (&FileStore{Dir: filepath.Join(root, "secrets")}).Project(dir, "concurrent-id")
	must(t, err)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("v%d", i)
		if _, ok := e.Lookup(name); !ok {
			t.Errorf("lost %s", name)
		}
		if i%2 == 1 {
			if v, ok, _ := ps.Get("dev", name); !ok || v != "sk-"+name {
				t.Errorf("lost the secret %s", name)
			}
		}
	}
}
