package project

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A save never writes a file that loading would refuse for its size.
func TestSaveRefusesOversizedFile(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	ep := &Endpoint{Name: "big", URL: "http://x/", Body: &Body{Type: BodyRaw, Text: strings.Repeat("\x01", MaxYAMLFile/2)}}
	if err := p.SaveEndpoint(ep); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "big.endpoint.yaml: file too large") {
		t.Fatalf("save: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(p.Dir, "big.endpoint.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("written: %v", err)
	}
}

// Issue 17, item 6: an alias expands into a full copy of its anchor when
// decoded, so a small file could become gigabytes. Every project file
// refuses aliases, with the file and line, and is never overwritten.
func TestAliasesRefusedInEveryProjectFile(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	amp := "schema: 2\nname: amp\nurl: http://x/\nnotes: &v " + strings.Repeat("A", 1000) + "\nheaders:\n" + strings.Repeat("  - {name: X, value: *v}\n", 100)
	writeFile(t, p, "amp.endpoint.yaml", amp)
	writeFile(t, p, "environments/dev.yaml", "schema: 2\nbase: &b {name: a, value: b}\nvariables:\n  - *b\n")
	writeFile(t, p, "f/folder.yaml", "schema: 2\nname: &n F\nnotes: *n\n")
	q, err := Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Endpoints) != 0 || len(q.Environments) != 0 {
		t.Fatalf("loaded %d endpoints, %d environments", len(q.Endpoints), len(q.Environments))
	}
	want := map[string]int{"amp.endpoint.yaml": 6, "dev.yaml": 4, "folder.yaml": 3}
	if len(q.Problems) != len(want) {
		t.Fatalf("problems %v", q.Problems)
	}
	for _, fe := range q.Problems {
		if line, ok := want[filepath.Base(fe.Path)]; !ok || fe.Line != line || !strings.Contains(fe.Reason, "YAML aliases are not allowed") {
			t.Errorf("problem %q: want line %d and the alias reason", fe.Error(), line)
		}
	}
	err = q.SaveEndpoint(&Endpoint{Name: "amp", URL: "http://x/", File: "amp.endpoint.yaml"})
	if !errors.Is(err, ErrBrokenFile) {
		t.Fatalf("save over the alias file: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(p.Dir, "amp.endpoint.yaml")); string(b) != amp {
		t.Fatal("the alias file changed")
	}
	// The project file itself, through a merge key.
	writeFile(t, p, ProjectFile, "schema: 2\nbase: &m {name: x}\n<<: *m\nid: abc\n")
	q, err = Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	last := q.Problems[len(q.Problems)-1]
	if filepath.Base(last.Path) != ProjectFile || last.Line != 3 || !strings.Contains(last.Reason, "*m: YAML aliases") {
		t.Fatalf("problems %v", q.Problems)
	}
}

// Issue 17, item 7: a file over its size limit is reported, not read.
func TestOversizedFilesReported(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	big := "schema: 2\nname: big\nurl: http://x/\nnotes: " + strings.Repeat("a", MaxYAMLFile) + "\n"
	writeFile(t, p, "big.endpoint.yaml", big)
	writeFile(t, p, "environments/big.yaml", "schema: 2\n#"+strings.Repeat("a", MaxYAMLFile)+"\n")
	ok := &Endpoint{Name: "ok", URL: "http://x/", Script: "ok.js"}
	if err := p.SaveEndpoint(ok); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "ok.js", "//"+strings.Repeat("a", MaxScriptFile))
	q, err := Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Problems) != 2 {
		t.Fatalf("problems %v", q.Problems)
	}
	for _, fe := range q.Problems {
		if !strings.Contains(fe.Reason, "more than the 4 MiB allowed") {
			t.Errorf("problem %q", fe.Error())
		}
	}
	if err := q.SaveEnvironment(&Environment{Name: "big"}); !errors.Is(err, ErrBrokenFile) {
		t.Fatalf("save over the big environment: %v", err)
	}
	ep, err := q.Endpoint("ok")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.ReadScript(ep); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("big script: %v", err)
	}
}

// Issue 17, item 7: a link to a file outside the project is reported; a
// link inside it loads.
func TestLinkedProjectFiles(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	outside := filepath.Join(t.TempDir(), "other.endpoint.yaml")
	if err := os.WriteFile(outside, []byte("schema: 2\nname: other\nurl: http://x/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "shared/real.endpoint.yaml", "schema: 2\nname: real\nurl: http://x/\n")
	symlink(t, outside, filepath.Join(p.Dir, "out.endpoint.yaml"))
	symlink(t, filepath.Join("shared", "real.endpoint.yaml"), filepath.Join(p.Dir, "alias.endpoint.yaml"))
	q, err := Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Endpoints) != 2 {
		t.Fatalf("endpoints %v", q.Endpoints)
	}
	if len(q.Problems) != 1 || !strings.HasSuffix(q.Problems[0].Path, "out.endpoint.yaml") || !strings.Contains(q.Problems[0].Reason, "links outside the project folder") {
		t.Fatalf("problems %v", q.Problems)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
}

// Issue 17, item 20: URLs are checked where they are written; a
// {{variable}} may stand for the scheme and host.
func TestURLChecks(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"http://x/", "https://api.openai.com/v1/chat/completions?a=b#f", "HTTP://X", "{{base_url}}/v1/chat",
		"{{scheme}}://h/x", "http://{{host}}/x", "https://h/{{path}}", "http{{s}}://h", "{{host}}:8080/x",
		"http://[::1]:8080/x", "http://h/a b",
	} {
		if err := CheckURL(u); err != nil {
			t.Errorf("%q refused: %v", u, err)
		}
	}
	for u, want := range map[string]string{
		"http://x/\nforged\tGET\thttp://evil/": "line break (U+000A)",
		"http://x/\r":                          "line break (U+000D)",
		"http://x/\x1b]0;pwn\x07":              "control character (U+001B)",
		"http://x/\u009b31m":                   "control character (U+009B)",
		"http://x/\t":                          "tab",
		"{{base}}/\n":                          "line break",
		"file:///etc/passwd":                   `scheme "file" is not allowed`,
		"gopher://x/":                          `scheme "gopher" is not allowed`,
		"javascript:alert(1)":                  `scheme "javascript"`,
		"ftp://{{host}}/":                      `scheme "ftp"`,
		"localhost:8080/x":                     `scheme "localhost"`,
		"/v1/chat":                             "must start with http:// or https://",
		"x y":                                  "must start with http:// or https://",
		"http:///x":                            "has no host",
		"http://%zz/":                          "not a valid URL",
		" ":                                    "needs a URL",
	} {
		if err := CheckURL(u); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", u, err, want)
		}
	}
}

// Issue 17, item 20: a file with a forged URL, name or header is a
// problem naming the file, line and field, so it cannot forge lines in
// `ls` or `export curl`.
func TestControlCharactersRefusedOnLoad(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		content, reason string
		line            int
	}{
		"url newline": {"schema: 2\nname: a\nurl: \"http://x/\\nforged\\tGET\\thttp://evil/\"\n", "url: cannot contain a line break", 3},
		"url scheme":  {"schema: 2\nname: a\nurl: file:///etc/passwd\n", `url: the scheme "file"`, 3},
		"name escape": {"schema: 2\nname: \"a\\e]0;t\\a\"\nurl: http://x/\n", "name: ", 2},
		"header esc":  {"schema: 2\nname: a\nurl: http://x/\nheaders:\n  - name: X\n    value: \"a\\eb\"\n", "headers.0.value: a header value cannot contain a control character (U+001B)", 6},
		"token":       {"schema: 2\nname: a\nurl: http://x/\nauth:\n  type: bearer\n  token: \"a\\nb\"\n", "auth.token: cannot contain a line break", 6},
		"apikey name": {"schema: 2\nname: a\nurl: http://x/\nauth:\n  type: apikey\n  key: \"x y\"\n", "auth.key", 6},
		"form name":   {"schema: 2\nname: a\nurl: http://x/\nbody:\n  type: form\n  fields:\n    - name: \"a\\r\\nX: y\"\n      value: v\n", "body.fields.0.name", 7},
		"ctype":       {"schema: 2\nname: a\nurl: http://x/\nbody:\n  type: raw\n  content_type: \"a\\nb\"\n", "body.content_type", 6},
	} {
		_, err := parseEndpoint("x.endpoint.yaml", []byte(c.content))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != c.line || !strings.Contains(fe.Reason, c.reason) {
			t.Errorf("%s: got %v, want line %d with %q", name, err, c.line, c.reason)
		}
	}
	// Tabs stay allowed in header values (HTTP allows them).
	if _, err := parseEndpoint("x.endpoint.yaml", []byte("schema: 2\nname: a\nurl: http://x/\nheaders:\n  - name: X\n    value: \"a\\tb\"\n")); err != nil {
		t.Fatal(err)
	}
}

// Issue 17, item 20: once the variables are substituted the URL is checked
// again, and the error names the field without the substituted value.
func TestResolveChecksExpandedURL(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	ep := &Endpoint{Name: "e", URL: "{{base}}/v1"}
	if err := p.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	for base, want := range map[string]string{
		"file:///etc":           `scheme "file" is not allowed`,
		"http://x\r\nX-Evil: 1": "line break",
		"gopher://h":            `scheme "gopher"`,
		"h.example":             "does not start with http:// or https://",
	} {
		_, err := p.Resolve(ep, &Scope{Overrides: map[string]string{"base": base}})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "e.endpoint.yaml: url: \"{{base}}/v1\" after {{variable}} substitution") || strings.Contains(err.Error(), base) {
			t.Errorf("base %q: %v", base, err)
		}
	}
	if _, err := p.Resolve(ep, &Scope{Overrides: map[string]string{"base": "https://h"}}); err != nil {
		t.Fatal(err)
	}
}
