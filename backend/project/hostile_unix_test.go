//go:build unix

package project

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mkfifo(t *testing.T, p *Project, rel string) {
	t.Helper()
	full := filepath.Join(p.Dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(full, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// Issue 17, item 7: named pipes and devices in place of project files are
// reported, never waited on or read; a save over one refuses.
func TestSpecialFilesReported(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	good := &Endpoint{Name: "good", URL: "http://x/"}
	if err := p.SaveEndpoint(good); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, p, "pipe.endpoint.yaml")
	mkfifo(t, p, "environments/dev.yaml")
	mkfifo(t, p, "f/folder.yaml")
	symlink(t, os.DevNull, filepath.Join(p.Dir, "null.endpoint.yaml"))
	var q *Project
	var err error
	within(t, 20*time.Second, "Load", func() { q, err = Load(p.Dir) })
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Endpoints) != 1 || q.Endpoints[0].Name != "good" {
		t.Fatalf("endpoints %v", q.Endpoints)
	}
	want := map[string]string{
		"pipe.endpoint.yaml": "not a regular file (a named pipe)",
		"dev.yaml":           "not a regular file (a named pipe)",
		"folder.yaml":        "not a regular file (a named pipe)",
		"null.endpoint.yaml": "links outside the project folder (to " + os.DevNull + ")",
	}
	if len(q.Problems) != len(want) {
		t.Fatalf("problems %v", q.Problems)
	}
	for _, fe := range q.Problems {
		if w := want[filepath.Base(fe.Path)]; w == "" || fe.Reason != w {
			t.Errorf("problem %q, want %q", fe.Error(), w)
		}
	}
	within(t, 20*time.Second, "SaveEnvironment", func() { err = q.SaveEnvironment(&Environment{Name: "dev"}) })
	if !errors.Is(err, ErrBrokenFile) {
		t.Fatalf("save over a pipe: %v", err)
	}
	within(t, 20*time.Second, "SaveFolder", func() { err = q.SaveFolder(&Folder{Path: "f", Name: "F"}) })
	if !errors.Is(err, ErrBrokenFile) {
		t.Fatalf("save over a pipe: %v", err)
	}
	if st, err := os.Lstat(filepath.Join(p.Dir, "environments", "dev.yaml")); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v", err)
	}

	// A device itself (reached without the project's link check).
	if _, err := ReadRegular("/dev/zero", MaxYAMLFile); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "a character device") {
		t.Fatalf("/dev/zero: %v", err)
	}
	if _, err := ReadRecording("/dev/zero"); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("recording /dev/zero: %v", err)
	}

	// The project file itself.
	r := newProject(t)
	if err := os.Remove(filepath.Join(r.Dir, ProjectFile)); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, r, ProjectFile)
	within(t, 20*time.Second, "Load", func() { q, err = Load(r.Dir) })
	if err != nil || len(q.Problems) != 1 || !strings.Contains(q.Problems[0].Reason, "named pipe") {
		t.Fatalf("load: %v %v", err, q.Problems)
	}
}

// Issue 17, item 7: scripts and recordings are read only when they are
// regular files inside the project.
func TestScriptAndRecordingMustBeRegular(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	ep := &Endpoint{Name: "e", URL: "http://x/", Script: "e.js"}
	if err := p.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, p, "e.js")
	var err error
	within(t, 20*time.Second, "ReadScript", func() { _, err = p.ReadScript(ep) })
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "e.js: not a regular file (a named pipe)") {
		t.Fatalf("script pipe: %v", err)
	}
	os.Remove(filepath.Join(p.Dir, "e.js"))
	outside := filepath.Join(t.TempDir(), "x.js")
	os.WriteFile(outside, []byte("secret"), 0o644)
	symlink(t, outside, filepath.Join(p.Dir, "e.js"))
	if _, err := p.ReadScript(ep); !errors.Is(err, ErrOutside) {
		t.Fatalf("script outside: %v", err)
	}

	mkfifo(t, p, "recordings/pipe.jsonl")
	within(t, 20*time.Second, "LoadRecording", func() { _, err = p.LoadRecording("pipe") })
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "pipe.jsonl: not a regular file") {
		t.Fatalf("recording pipe: %v", err)
	}
	symlink(t, "/dev/zero", filepath.Join(p.Dir, "recordings", "zero.jsonl"))
	if _, err := p.LoadRecording("zero"); !errors.Is(err, ErrOutside) {
		t.Fatalf("recording /dev/zero: %v", err)
	}
	if _, err := p.LoadRecording("../../x/y"); err == nil {
		t.Fatal("a recording path out of the project was read")
	}
}

// Issue 17, item 8: a form body's file must stay inside the project once
// its variables are substituted and its links resolved.
func TestFormFileStaysInsideProject(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	outDir := t.TempDir()
	outside := filepath.Join(outDir, "outside.txt")
	if err := os.WriteFile(outside, []byte("SECRETMARK"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "sub/in.txt", "inside")
	symlink(t, outside, filepath.Join(p.Dir, "sub", "link.txt"))
	symlink(t, outDir, filepath.Join(p.Dir, "sub", "dirlink"))
	symlink(t, "in.txt", filepath.Join(p.Dir, "sub", "ok-link.txt"))
	mkfifo(t, p, "sub/pipe")
	ep := &Endpoint{Name: "up", Method: "POST", URL: "http://x/", Folder: "sub", Body: &Body{Type: BodyForm, Fields: []FormField{{Name: "f", File: "{{f}}"}}}}
	if err := p.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]string{
		"../../" + filepath.Base(filepath.Dir(p.Dir)) + "/x": `sub/up.endpoint.yaml: body.fields.0.file: "{{f}}" after {{variable}} substitution is not a relative path inside the project folder`,
		"../" + filepath.Base(p.Dir) + "/../x":               "is not a relative path inside the project folder",
		outside:                                              "is not a relative path inside the project folder",
		"link.txt":                                           `"{{f}}" after {{variable}} substitution links outside the project folder`,
		"dirlink/outside.txt":                                "links outside the project folder",
		"pipe":                                               "not a regular file (a named pipe)",
		"missing.txt":                                        "no such file",
		"in.txt\r\nX-Evil: 1":                                "line break",
	} {
		var err error
		within(t, 20*time.Second, "Resolve", func() {
			_, err = p.Resolve(ep, &Scope{Overrides: map[string]string{"f": f}})
		})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("file %q: got %v, want %q", f, err, want)
		}
	}
	for _, f := range []string{"in.txt", "ok-link.txt", "./in.txt"} {
		r, err := p.Resolve(ep, &Scope{Overrides: map[string]string{"f": f}})
		if err != nil || !strings.Contains(string(r.Body), "inside") {
			t.Fatalf("file %q: %v", f, err)
		}
	}
	// A link written in the file itself (no variable) names where it leads.
	ep.Body.Fields[0].File = "link.txt"
	_, err := p.Resolve(ep, nil)
	if err == nil || !strings.Contains(err.Error(), `"link.txt" links outside the project folder (to `) {
		t.Fatalf("written link: %v", err)
	}
}
