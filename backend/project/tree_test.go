package project

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// treeOf is the tree as "e:Name" / "f:Name" rows, indented by depth.
func treeOf(p *Project) string {
	var b []string
	for _, n := range p.Tree() {
		row := "f:"
		name := ""
		if n.Endpoint != nil {
			row, name = "e:", n.Endpoint.Name
		} else {
			name = n.Folder.DisplayName()
		}
		b = append(b, strings.Repeat(" ", n.Depth)+row+name)
	}
	return strings.Join(b, "|")
}

func mustEndpoint(t *testing.T, p *Project, folder, name, script string) *Endpoint {
	t.Helper()
	e := &Endpoint{Name: name, Folder: folder, URL: "http://x/" + name}
	if err := p.SaveEndpoint(e); err != nil {
		t.Fatal(err)
	}
	if script != "" {
		if err := p.SaveScript(e, script); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// Every edit keeps the files and the model in step: the tree after it is
// the tree a fresh load of the folder gives.
func TestTreeEdits(t *testing.T) {
	t.Parallel()
	type step struct {
		name string
		do   func(t *testing.T, p *Project) (*Project, error)
		tree string // after the step ("" when it must fail)
		err  string
	}
	ep := func(p *Project, ref string) *Endpoint {
		e, err := p.Endpoint(ref)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	steps := []step{
		{name: "create a folder", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.CreateFolder("", "Anthropic")
			return nil, err
		}, tree: "e:One|e:Two|f:Anthropic"},
		{name: "the same folder again", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.CreateFolder("", "Anthropic")
			return nil, err
		}, err: `folder "anthropic" already exists`},
		{name: "a folder name with a slash", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.CreateFolder("", "a/b")
			return nil, err
		}, err: "without '/'"},
		{name: "duplicate", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.DuplicateEndpoint(ep(p, "One"))
			return nil, err
		}, tree: "e:One|e:One copy|e:Two|f:Anthropic"},
		{name: "duplicate again", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.DuplicateEndpoint(ep(p, "One"))
			return nil, err
		}, tree: "e:One|e:One copy 2|e:One copy|e:Two|f:Anthropic"},
		{name: "reorder", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.MoveEndpoint(ep(p, "Two"), "", 0)
			return nil, err
		}, tree: "e:Two|e:One|e:One copy 2|e:One copy|f:Anthropic"},
		{name: "past the end", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.MoveEndpoint(ep(p, "Two"), "", 99)
			return nil, err
		}, tree: "e:One|e:One copy 2|e:One copy|e:Two|f:Anthropic"},
		{name: "into a folder", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.MoveEndpoint(ep(p, "One"), "anthropic", 0)
			return nil, err
		}, tree: "e:One copy 2|e:One copy|e:Two|f:Anthropic| e:One"},
		{name: "a name taken in the folder", do: func(t *testing.T, p *Project) (*Project, error) {
			mustEndpoint(t, p, "", "One", "")
			_, err := p.MoveEndpoint(ep(p, "One"), "anthropic", 0)
			return nil, err
		}, err: `endpoint "One" already exists in folder "anthropic"`},
		{name: "remove", do: func(t *testing.T, p *Project) (*Project, error) {
			return nil, p.RemoveEndpoint(ep(p, "One"))
		}, tree: "e:One copy 2|e:One copy|e:Two|f:Anthropic| e:One"},
		{name: "a folder that is not empty", do: func(t *testing.T, p *Project) (*Project, error) {
			return p.DeleteFolder("anthropic")
		}, err: `folder "anthropic" is not empty (one.endpoint.yaml, one.js)`},
		{name: "a subfolder", do: func(t *testing.T, p *Project) (*Project, error) {
			_, err := p.CreateFolder("anthropic", "Inner")
			return nil, err
		}, tree: "e:One copy 2|e:One copy|e:Two|f:Anthropic| e:One| f:Inner"},
		{name: "move a folder to the top, first", do: func(t *testing.T, p *Project) (*Project, error) {
			return p.MoveFolder("anthropic/inner", "", 0)
		}, tree: "e:One copy 2|e:One copy|e:Two|f:Inner|f:Anthropic| e:One"},
		{name: "into itself", do: func(t *testing.T, p *Project) (*Project, error) {
			return p.MoveFolder("anthropic", "anthropic", 0)
		}, err: "cannot move into itself"},
		{name: "into a missing folder", do: func(t *testing.T, p *Project) (*Project, error) {
			return p.MoveFolder("anthropic", "zzz", 0)
		}, err: `no folder "zzz"`},
		{name: "out of the project", do: func(t *testing.T, p *Project) (*Project, error) {
			return p.MoveFolder("../x", "", 0)
		}, err: "not folders of the project"},
		{name: "a folder with its endpoint into another", do: func(t *testing.T, p *Project) (*Project, error) {
			return p.MoveFolder("anthropic", "inner", 0)
		}, tree: "e:One copy 2|e:One copy|e:Two|f:Inner| f:Anthropic|  e:One"},
		{name: "delete an empty folder", do: func(t *testing.T, p *Project) (*Project, error) {
			if _, err := p.CreateFolder("", "Empty"); err != nil {
				t.Fatal(err)
			}
			return p.DeleteFolder("empty")
		}, tree: "e:One copy 2|e:One copy|e:Two|f:Inner| f:Anthropic|  e:One"},
	}
	p := newProject(t)
	mustEndpoint(t, p, "", "One", "function onEnd() {}\n")
	mustEndpoint(t, p, "", "Two", "")
	for _, st := range steps {
		before := treeOf(p)
		np, err := st.do(t, p)
		if np != nil {
			p = np
		}
		if st.err != "" {
			if err == nil || !strings.Contains(err.Error(), st.err) {
				t.Fatalf("%s: error %v, want %q", st.name, err, st.err)
			}
			if st.name != "a name taken in the folder" && treeOf(p) != before {
				t.Fatalf("%s: the refused edit changed the tree: %q", st.name, treeOf(p))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := treeOf(p); got != st.tree {
			t.Fatalf("%s: tree %q, want %q", st.name, got, st.tree)
		}
		fresh, err := Load(p.Dir)
		if err != nil || len(fresh.Problems) > 0 {
			t.Fatalf("%s: reload: %v %v", st.name, err, fresh.Problems)
		}
		if got := treeOf(fresh); got != st.tree {
			t.Fatalf("%s: tree on disk %q, want %q", st.name, got, st.tree)
		}
	}
	// the moved endpoint kept its script, the old one is gone
	e, err := p.Endpoint("inner/anthropic/One")
	if err != nil {
		t.Fatal(err)
	}
	if src, err := p.ReadScript(e); err != nil || src != "function onEnd() {}\n" {
		t.Fatalf("moved script %q %v", src, err)
	}
	if _, err := os.Stat(filepath.Join(p.Dir, "one.js")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the old script is still there: %v", err)
	}
}

// A script two endpoints share stays until the last of them is removed.
func TestRemoveEndpointKeepsASharedScript(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	a := mustEndpoint(t, p, "", "A", "// shared\n")
	b := mustEndpoint(t, p, "", "B", "")
	b.Script = a.Script
	if err := p.SaveEndpoint(b); err != nil {
		t.Fatal(err)
	}
	script := p.ScriptPath(a)
	if err := p.RemoveEndpoint(a); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("a script still used was removed: %v", err)
	}
	if err := p.RemoveEndpoint(b); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(script); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the script of the last endpoint is kept: %v", err)
	}
}

func TestCreateFolderUnderAReservedName(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	f, err := p.CreateFolder("", "Recordings")
	if err != nil || f.Path != "recordings-folder" || f.Name != "Recordings" || f.Seq != 1 {
		t.Fatalf("folder %+v %v", f, err)
	}
	g, err := p.CreateFolder("", "Next")
	if err != nil || g.Seq != 2 {
		t.Fatalf("folder %+v %v", g, err)
	}
}

func TestEndpointVariables(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		e    Endpoint
		want string
	}{
		{Endpoint{URL: "{{base}}/v1"}, "base"},
		{Endpoint{URL: "{{base}}/{{base}}", Headers: []KV{{Name: "x-{{h}}", Value: "{{v}}"}, {Name: "Off", Value: "{{off}}", Disabled: true}}}, "base h v"},
		{Endpoint{URL: "http://x", Auth: &Auth{Type: "bearer", Token: "{{key}}"}, Body: &Body{Type: BodyJSON, Text: `{"m":"{{model}}"}`}}, "key model"},
		{Endpoint{URL: "http://x"}, ""},
	} {
		if got := strings.Join(c.e.Variables(), " "); got != c.want {
			t.Errorf("Variables of %+v = %q, want %q", c.e, got, c.want)
		}
	}
}

func TestNameFromURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://api.openai.com/v1/chat/completions":       "chat completions",
		"https://x/v1beta/models/{model}:generate?alt=sse": "models model generate",
		"https://example.com/":                             "example.com",
		"https://example.com/one":                          "example.com one",
		"https://":                                         "Imported request",
	} {
		if got := NameFromURL(in); got != want {
			t.Errorf("NameFromURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRecordingEndpoint(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	rel, err := p.SaveRecording("r", &Recording{Endpoint: "Chat", Method: "POST"})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "recordings/bad.jsonl", "not json\n")
	for rel, want := range map[string]string{rel: "Chat", "recordings/bad.jsonl": "", "recordings/missing.jsonl": ""} {
		if got := p.RecordingEndpoint(rel); got != want {
			t.Errorf("RecordingEndpoint(%q) = %q, want %q", rel, got, want)
		}
	}
}

// A program's own writes, followed by Seen, are not reported; a write by
// anyone else is, once; an unreadable folder is reported once too.
func TestWatcherReportsOnlyOthersWrites(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	var mu sync.Mutex
	w := &Watcher{Dir: p.Dir, Lock: &mu}
	w.Seen()
	var got []string
	poll := func() {
		t.Helper()
		after := w.poll(context.Background(), func(q *Project, err error) func() {
			if mu.TryLock() {
				mu.Unlock()
				t.Error("onChange ran without the lock")
			}
			switch {
			case err != nil:
				got = append(got, "error")
			default:
				names := []string{}
				for _, e := range q.Endpoints {
					names = append(names, e.Name)
				}
				got = append(got, strings.Join(names, ","))
			}
			return func() {
				if !mu.TryLock() {
					t.Error("the function onChange returned ran under the lock")
				} else {
					mu.Unlock()
				}
			}
		})
		if after != nil {
			after()
		}
	}
	check := func(step string, want ...string) {
		t.Helper()
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("%s: reported %q, want %q", step, got, want)
		}
		got = nil
	}
	poll()
	check("nothing changed")
	mustEndpoint(t, p, "", "Own", "")
	w.Seen()
	poll()
	check("our own write")
	writeFile(t, p, "theirs.endpoint.yaml", "schema: 2\nname: Theirs\nurl: http://x/t\n")
	poll()
	poll()
	check("their write", "Theirs,Own")
	if err := os.Rename(p.Dir, p.Dir+".gone"); err != nil {
		t.Fatal(err)
	}
	poll()
	poll()
	check("the folder gone", "error")
	if err := os.Rename(p.Dir+".gone", p.Dir); err != nil {
		t.Fatal(err)
	}
	poll()
	check("the folder back", "Theirs,Own")
}
