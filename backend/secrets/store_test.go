package secrets

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestDefaultDir(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/streamscope/secrets"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/home/u"}, "/home/u/.config/streamscope/secrets"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/streamscope/secrets"},
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("HOME fallback is for other Unixes")
	}
	for _, c := range cases {
		got, err := DefaultDir(func(k string) string { return c.env[k] })
		if err != nil || got != filepath.FromSlash(c.want) {
			t.Errorf("%v: %q %v, want %q", c.env, got, err, c.want)
		}
	}
}

func TestFileStore(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cfg", "streamscope", "secrets")
	s := &FileStore{Dir: dir}
	if _, ok, err := s.Get("p1", "dev", "k"); ok || err != nil {
		t.Fatalf("empty store: %v %v", ok, err)
	}
	must(t, s.Set("p1", "dev", "k", "v1"))
	must(t, s.Set("p1", "prod", "k", "v2"))
	must(t, s.Set("p2", "dev", "k", "other project"))
	for _, c := range []struct{ id, env, want string }{{"p1", "dev", "v1"}, {"p1", "prod", "v2"}, {"p2", "dev", "other project"}} {
		if v, ok, err := s.Get(c.id, c.env, "k"); !ok || err != nil || v != c.want {
			t.Errorf("%s/%s: %q %v %v", c.id, c.env, v, ok, err)
		}
	}
	names, err := s.Names("p1", "dev")
	if err != nil || strings.Join(names, ",") != "k" {
		t.Errorf("names %v %v", names, err)
	}
	must(t, s.Delete("p1", "dev", "k"))
	if _, ok, _ := s.Get("p1", "dev", "k"); ok {
		t.Error("deleted secret still there")
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(filepath.Join(dir, "p1.json"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("file mode: %v %v", st.Mode(), err)
		}
		dst, _ := os.Stat(dir)
		if dst.Mode().Perm() != 0o700 {
			t.Fatalf("dir mode %v", dst.Mode())
		}
		// A file others can read is refused, not used.
		must(t, os.Chmod(filepath.Join(dir, "p1.json"), 0o644))
		if _, _, err := s.Get("p1", "prod", "k"); err == nil || !strings.Contains(err.Error(), "too open") {
			t.Fatalf("open permissions: %v", err)
		}
	}
	for _, bad := range []string{"", "../x", "a/b", strings.Repeat("a", 65)} {
		if err := s.Set(bad, "dev", "k", "v"); err == nil {
			t.Errorf("project id %q accepted", bad)
		}
	}
	must(t, os.WriteFile(filepath.Join(dir, "p3.json"), []byte("{not json"), 0o600))
	if _, _, err := s.Get("p3", "dev", "k"); err == nil || !strings.Contains(err.Error(), "p3.json") {
		t.Fatalf("corrupt store: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
