package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/demo"
)

func TestDemoCommand(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	vars := map[string]string{"XDG_CONFIG_HOME": cfg}
	own := filepath.Join(t.TempDir(), "my demo")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"default folder", []string{"demo"}, ExitOK, filepath.Join(cfg, "streamscope", demo.DirName) + "\n", "wrote the demo project ("},
		{"default folder again", []string{"demo"}, ExitOK, filepath.Join(cfg, "streamscope", demo.DirName) + "\n", "already in"},
		{"given folder", []string{"demo", own}, ExitOK, own + "\n", "wrote the demo project ("},
		{"given folder again", []string{"demo", own}, ExitOK, own + "\n", "left as it is"},
		{"a folder with other files", []string{"demo", cfg}, ExitUsage, "", "not empty and holds no project"},
		{"two folders", []string{"demo", own, own}, ExitUsage, "", "at most one argument"},
	}
	// Sequential: each case builds on the previous one's folder.
	for _, c := range cases {
		code, stdout, stderr := cliRun(t, vars, "", c.args...)
		if code != c.code || stdout != c.stdout || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.name, code, stdout, stderr, c.code, c.stdout, c.stderr)
		}
	}
	// The written folder is a project the other commands read.
	code, stdout, stderr := cliRun(t, vars, "", "ls", own)
	if code != ExitOK || !strings.Contains(stdout, "providers/OpenAI Chat Completions\tPOST\t{{openaiBaseUrl}}/v1/chat/completions\n") {
		t.Errorf("ls: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(cfg, "streamscope.yaml")); err == nil {
		t.Error("the refused folder was written into")
	}
}
