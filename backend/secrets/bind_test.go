package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
)

// newProjectAt creates a project folder at dir whose streamscope.yaml
// claims id (what a foreign folder can copy at will).
func newProjectAt(t *testing.T, dir, id string) *project.Project {
	t.Helper()
	p, err := project.Create(dir, filepath.Base(dir))
	if err != nil {
		t.Fatal(err)
	}
	p.Meta.ID = id
	must(t, p.SaveMeta())
	return p
}

func wantUntrusted(t *testing.T, err error, dir string, owners ...string) {
	t.Helper()
	var ue *UntrustedError
	if !errors.As(err, &ue) {
		t.Fatalf("want an *UntrustedError, got %v", err)
	}
	real, _ := RealDir(dir)
	for _, o := range owners {
		o, _ = RealDir(o)
		if !strings.Contains(err.Error(), o) {
			t.Errorf("the error does not name the owner %s: %v", o, err)
		}
	}
	if ue.Dir != real || !strings.Contains(err.Error(), TrustCommand+" "+real) {
		t.Errorf("the error does not name the folder and the command to trust it: %v", err)
	}
}

// A folder whose streamscope.yaml claims another project's id gets none of
// its secrets until the user trusts it (issue 17, item 3).
func TestSecretsBoundToTheFolder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	s := &FileStore{Dir: filepath.Join(root, "cfg", "streamscope", "secrets")}
	owner := filepath.Join(root, "owner")
	newProjectAt(t, owner, "victim-id")
	ps, err := s.Project(owner, "victim-id")
	must(t, err)
	must(t, ps.Set("real", "apiKey", "sk-owner"))

	foreign := filepath.Join(root, "foreign")
	newProjectAt(t, foreign, "victim-id")
	_, err = s.Project(foreign, "victim-id")
	wantUntrusted(t, err, foreign, owner)
	if err := s.Check(foreign, "victim-id"); err == nil {
		t.Fatal("Check lets the foreign folder in")
	}
	// Asking did not bind it.
	_, err = s.Project(foreign, "victim-id")
	wantUntrusted(t, err, foreign, owner)

	// A symbolic link to the owner's folder is the owner's folder.
	link := filepath.Join(root, "link")
	must(t, os.Symlink(owner, link))
	if ps, err := s.Project(link, "victim-id"); err != nil {
		t.Fatalf("through a link: %v", err)
	} else if v, ok, _ := ps.Get("real", "apiKey"); !ok || v != "sk-owner" {
		t.Fatalf("through a link: %q %v", v, ok)
	}

	// Trusted, the copy shares the secrets; the owner keeps them.
	others, err := s.Trust(foreign, "victim-id")
	must(t, err)
	if realOwner, _ := RealDir(owner); len(others) != 1 || others[0] != realOwner {
		t.Fatalf("others %v", others)
	}
	for _, dir := range []string{foreign, owner} {
		ps, err := s.Project(dir, "victim-id")
		must(t, err)
		if v, ok, _ := ps.Get("real", "apiKey"); !ok || v != "sk-owner" {
			t.Fatalf("%s: %q %v", dir, v, ok)
		}
	}

	// A moved project: trusted at its new place, the old one (gone) is
	// forgotten, so a folder made there later must ask again.
	moved := filepath.Join(root, "moved")
	must(t, os.Rename(owner, moved))
	_, err = s.Project(moved, "victim-id")
	wantUntrusted(t, err, moved, foreign)
	_, err = s.Trust(moved, "victim-id")
	must(t, err)
	must(t, os.RemoveAll(foreign))
	_, err = s.Trust(moved, "victim-id")
	must(t, err)
	newProjectAt(t, foreign, "victim-id")
	_, err = s.Project(foreign, "victim-id")
	wantUntrusted(t, err, foreign, moved)

	// A new id is bound to the first folder that stores a secret for it.
	fresh := filepath.Join(root, "fresh")
	newProjectAt(t, fresh, "fresh-id")
	ps, err = s.Project(fresh, "fresh-id")
	must(t, err)
	must(t, ps.Set("dev", "k", "v"))
	if _, err := s.Project(moved, "fresh-id"); err == nil {
		t.Fatal("a second folder took a bound id")
	}
}

// Secrets stored before they were bound to folders go to no folder until
// the user trusts one: the first folder to claim their id may be a copy.
func TestUnboundStoreMigrates(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "cfg", "streamscope", "secrets")
	must(t, os.MkdirAll(dir, 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "legacy-id.json"),
		[]byte(`{"schema":1,"project":"legacy-id","environments":{"real":{"apiKey":"sk-legacy"}}}`), 0o600))
	s := &FileStore{Dir: dir}
	// A folder that claims the id first gets no value stored before the
	// binding (any folder can claim an id): it must be trusted, once.
	evil := filepath.Join(root, "evil")
	newProjectAt(t, evil, "legacy-id")
	ps, err := s.Project(evil, "legacy-id")
	must(t, err)
	_, ok, err := ps.Get("real", "apiKey")
	wantUntrusted(t, err, evil)
	if ok || !strings.Contains(err.Error(), "stored before streamscope bound secrets") {
		t.Fatalf("legacy value to the first claimant: %v %v", ok, err)
	}
	if v, ok, err := ps.Get("real", "other"); ok || err != nil || v != "" {
		t.Fatalf("a secret that is not stored: %q %v %v", v, ok, err)
	}
	evilProject, err := project.Load(evil)
	must(t, err)
	evilProject.Environments = []*project.Environment{{Name: "real", Variables: []project.Variable{{Name: "apiKey", Secret: true}}}}
	wantUntrusted(t, s.CheckProject(evilProject), evil)

	// The user trusts the real project: it reads the value, and the other
	// folder is now told whose the secrets are.
	mine := filepath.Join(root, "mine")
	newProjectAt(t, mine, "legacy-id")
	_, err = s.Trust(mine, "legacy-id")
	must(t, err)
	ps, err = s.Project(mine, "legacy-id")
	must(t, err)
	if v, ok, err := ps.Get("real", "apiKey"); !ok || err != nil || v != "sk-legacy" {
		t.Fatalf("legacy value after trust: %q %v %v", v, ok, err)
	}
	_, err = s.Project(evil, "legacy-id")
	wantUntrusted(t, err, evil, mine)
}

// A new project's first secret binds its folder to its id: later reads in
// the same or another process need no trust.
func TestFirstSecretBindsANewProject(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	s := &FileStore{Dir: filepath.Join(root, "secrets")}
	dir := filepath.Join(root, "p")
	newProjectAt(t, dir, "fresh-id")
	ps, err := s.Project(dir, "fresh-id")
	must(t, err)
	must(t, ps.Set("dev", "key", "sk-new"))
	if v, ok, err := ps.Get("dev", "key"); !ok || err != nil || v != "sk-new" {
		t.Fatalf("same store: %q %v %v", v, ok, err)
	}
	again := &FileStore{Dir: s.Dir}
	ps, err = again.Project(dir, "fresh-id")
	must(t, err)
	if v, ok, err := ps.Get("dev", "key"); !ok || err != nil || v != "sk-new" {
		t.Fatalf("another store: %q %v %v", v, ok, err)
	}
	other := filepath.Join(root, "copy")
	newProjectAt(t, other, "fresh-id")
	_, err = again.Project(other, "fresh-id")
	wantUntrusted(t, err, other, dir)
}

// The demo's id is public and fixed: only the demo folder gets its
// secrets without asking, even before it used them.
func TestDemoIDReserved(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	s, err := Default(func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": cfg, ModeVar: "file"}[k]
	})
	must(t, err)
	demoDir := filepath.Join(cfg, "streamscope", "demo")
	foreign := filepath.Join(t.TempDir(), "evil")
	newProjectAt(t, foreign, DemoID)
	_, err = s.Project(foreign, DemoID)
	wantUntrusted(t, err, foreign, demoDir)

	newProjectAt(t, demoDir, DemoID)
	ps, err := s.Project(demoDir, DemoID)
	must(t, err)
	must(t, ps.Set("real", "openaiApiKey", "sk-demo"))
	_, err = s.Project(foreign, DemoID)
	wantUntrusted(t, err, foreign, demoDir)
	// Trusting another folder does not lock the demo folder out.
	_, err = s.Trust(foreign, DemoID)
	must(t, err)
	if _, err := s.Project(demoDir, DemoID); err != nil {
		t.Fatalf("the demo folder after another was trusted: %v", err)
	}
}
