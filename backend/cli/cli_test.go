package cli

import (
	"bytes"
	"strings"
	"testing"
)

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestHelpListsCommands(t *testing.T) {
	code, out, _ := runMain(t, "help")
	if code != ExitOK || !strings.Contains(out, "exit codes") {
		t.Fatalf("help: code %d, out %q", code, out)
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	code, _, errOut := runMain(t, "frobnicate")
	if code != ExitUsage {
		t.Fatalf("code %d, want %d", code, ExitUsage)
	}
	if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, `"frobnicate"`) {
		t.Fatalf("want one line naming the command, got %q", errOut)
	}
}

func TestErrorIsOneLineWithCode(t *testing.T) {
	Register(Command{Name: "zz-test-fail", Summary: "test", Run: func(env *Env, args []string) (int, error) {
		return 0, Errorf(ExitIncomplete, "stream cut\noff")
	}})
	defer delete(commands, "zz-test-fail")
	code, _, errOut := runMain(t, "zz-test-fail")
	if code != ExitIncomplete || errOut != "streamscope zz-test-fail: stream cut off\n" {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

func TestParseFlagsInterleaved(t *testing.T) {
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	fs := NewFlagSet(env, "x", "")
	n := fs.Int("n", 0, "")
	pos, err := ParseFlags(env, fs, []string{"a", "-n", "3", "b"})
	if err != nil || *n != 3 || strings.Join(pos, ",") != "a,b" {
		t.Fatalf("pos %v n %d err %v", pos, *n, err)
	}
	if _, err := ParseFlags(env, NewFlagSet(env, "x", ""), []string{"--nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("want error naming flag, got %v", err)
	}
}
