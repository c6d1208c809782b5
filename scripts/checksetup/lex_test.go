package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func names(cmds []Cmd) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Name)
	}
	return out
}

func TestCommands(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		want      []string
	}{
		{"pipeline and substitution", "win=$(xdotool search --name x | head -1)\n", []string{"xdotool", "head"}},
		{"inside double quotes", `say "$(convert a.png -format '%k' info:) colours"` + "\n", []string{"say", "convert"}},
		{"command -v only asks", "command -v curl >/dev/null 2>&1 || ensure_apt curl\n", []string{"ensure_apt"}},
		{"wrappers", "exec timeout 5 setsid sleep 1\n$SUDO apt-get update -qq\n", []string{"timeout", "setsid", "sleep", "apt-get"}},
		{"here-document skipped", "python3 - <<'PY'\nimport json\nos.system('rm')\nPY\necho done\n", []string{"python3", "echo"}},
		{"comments and arrays", "# xdotool here\nPKGS=(xvfb curl) # x\nlocal a=() p\n", []string{"local"}},
		{"for and arithmetic", "for i in $(seq 1 3); do sleep $((i * 2)); done\n", []string{"seq", "sleep"}},
		{"redirect before command", ">/dev/null 2>&1 curl -s x\n", []string{"curl"}},
		{"process substitution", "mapfile -t P < <(go list ./... | grep -v x)\n", []string{"mapfile", "go", "grep"}},
		{"assignment then command", "FOO=1 BAR=\"a b\" xwininfo -root\n", []string{"xwininfo"}},
		{"conditions", "if ! kill -0 $p; then die x; fi\n[ -n \"$x\" ] && import -window root a.png\n", []string{"kill", "die", "[", "import"}},
	}
	for _, c := range cases {
		got := names(Commands(c.src))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestBashScripts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("lib.sh", "set -e\n")
	write("test", "#!/usr/bin/env bash\necho\n")
	write("notes.md", "# not a script\n")
	write("referees/run", "#!/usr/bin/env bash\nnode x.mjs\n")
	write("referees/referees.mjs", "#!/usr/bin/env node\n")
	write("referees/node_modules/pkg/bin/tool", "#!/bin/bash\ncurl x\n")
	write(".cache/hook", "#!/bin/bash\ncurl x\n")
	write("referees/lib.sh", "set -e\n") // only scripts/lib.sh is the library
	got, err := bashScripts(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range got {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, r)
	}
	want := []string{"lib.sh", "referees/run", "test"}
	if !reflect.DeepEqual(rel, want) {
		t.Errorf("bashScripts: got %q, want %q", rel, want)
	}
}
