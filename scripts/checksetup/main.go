// Command checksetup fails when a script in scripts/ calls an external command
// that no script installs: every command a script runs must come from a
// Debian package that the script (or scripts/lib.sh, which it sources)
// installs with ensure_apt, from a package every Debian 12 machine has
// (priority required or important, or essential), or from the toolchains the
// README asks for (Go, Node.js and npm, git) and the Go tools the scripts
// `go install` (wails, staticcheck). A command found only because somebody
// installed it by hand is an error, and so is a command not found at all.
//
// It reads the scripts as text: the first word of every simple command
// (after assignments, redirections, reserved words and wrappers such as
// exec, sudo, setsid and timeout), also inside $(…), <(…) and backticks;
// here-documents, comments and quoted text are skipped. Functions the
// scripts define and shell builtins are not commands.
//
// Usage (from the repository root, after the set-up has run):
//
//	go run ./scripts/checksetup [SCRIPT]...
//	go run ./scripts/checksetup -packages
//
// Without arguments it checks every bash script in scripts/ and its
// folders (node_modules left out). With
// -packages it prints every package the scripts install, so that a check
// on a fresh machine can install them first (scripts/test does): which
// commands a package holds is known only once it is installed.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// toolchain are the commands that come from outside Debian's packages: the
// README asks for Go and Node.js on the machine, the clone brings git, and
// lib.sh installs wails and staticcheck with `go install`.
var toolchain = map[string]bool{
	"go": true, "gofmt": true, "node": true, "npm": true, "npx": true,
	"git": true, "wails": true, "staticcheck": true,
}

func main() {
	root, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	scripts := os.Args[1:]
	listPackages := len(scripts) == 1 && scripts[0] == "-packages"
	if listPackages || len(scripts) == 0 {
		scripts, err = bashScripts(filepath.Join(root, "scripts"))
		if err != nil {
			fail(err)
		}
	}
	lib, err := os.ReadFile(filepath.Join(root, "scripts", "lib.sh"))
	if err != nil {
		fail(err)
	}
	arrays := pkgArrays(string(lib))
	libFuncs := functions(string(lib))
	libPkgs := installs(string(lib), arrays)
	for _, p := range arrays["BUILD_PKGS"] {
		libPkgs[p] = true
	}
	for _, p := range arrays["TEST_PKGS"] {
		libPkgs[p] = true
	}

	if listPackages {
		all := map[string]bool{}
		for p := range libPkgs {
			all[p] = true
		}
		for _, path := range scripts {
			src, err := os.ReadFile(path)
			if err != nil {
				fail(err)
			}
			for p := range installs(string(src), arrays) {
				all[p] = true
			}
		}
		var names []string
		for p := range all {
			// lib.sh installs Debian's Node.js only where none is on the
			// PATH: the machine's own Node.js comes first.
			if p != "nodejs" && p != "npm" {
				names = append(names, p)
			}
		}
		sort.Strings(names)
		fmt.Println(strings.Join(names, "\n"))
		return
	}

	var problems []string
	checked := 0
	for _, path := range scripts {
		src, err := os.ReadFile(path)
		if err != nil {
			fail(err)
		}
		text := string(src)
		pkgs := installs(text, arrays)
		if filepath.Base(path) == "lib.sh" {
			pkgs = libPkgs
		} else if strings.Contains(text, "ensure_build_deps") {
			for _, p := range arrays["BUILD_PKGS"] {
				pkgs[p] = true
			}
		}
		funcs := functions(text)
		for f := range libFuncs {
			funcs[f] = true
		}
		rel, _ := filepath.Rel(root, path)
		for _, c := range Commands(text) {
			if funcs[c.Name] || builtins[c.Name] || toolchain[c.Name] {
				continue
			}
			checked++
			if msg := provided(c.Name, pkgs); msg != "" {
				problems = append(problems, fmt.Sprintf("%s:%d: %s %s", rel, c.Line, c.Name, msg))
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, p)
		}
		fmt.Fprintf(os.Stderr, "checksetup: %d command(s) the scripts call but do not install\n", len(problems))
		os.Exit(1)
	}
	fmt.Printf("checksetup: %d command calls in %d scripts, each from a package the scripts install or every Debian 12 machine has\n", checked, len(scripts))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "checksetup:", err)
	os.Exit(2)
}

// bashScripts lists the files under dir whose first line names bash, and
// lib.sh: in dir and in its folders (a step with its own folder, such as
// scripts/referees/run), leaving out node_modules and hidden folders.
func bashScripts(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != dir && (e.Name() == "node_modules" || strings.HasPrefix(e.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		first, _ := bufio.NewReader(f).ReadString('\n')
		f.Close()
		if strings.HasPrefix(first, "#!") && strings.Contains(first, "bash") || e.Name() == "lib.sh" && filepath.Dir(p) == dir {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

var arrayRE = regexp.MustCompile(`(?m)^([A-Z_]+_PKGS)=\(([^)]*)\)`)

// pkgArrays reads the NAME_PKGS=(a b c) arrays of lib.sh.
func pkgArrays(lib string) map[string][]string {
	out := map[string][]string{}
	for _, m := range arrayRE.FindAllStringSubmatch(lib, -1) {
		out[m[1]] = strings.Fields(m[2])
	}
	return out
}

var ensureRE = regexp.MustCompile(`ensure_apt\s+([^;|&\n]*)`)

// installs is the set of packages a script installs with ensure_apt, with
// "${NAME_PKGS[@]}" expanded.
func installs(text string, arrays map[string][]string) map[string]bool {
	out := map[string]bool{}
	for _, m := range ensureRE.FindAllStringSubmatch(text, -1) {
		for _, w := range strings.Fields(m[1]) {
			w = strings.Trim(w, `"'`)
			if strings.HasPrefix(w, "${") && strings.HasSuffix(w, "[@]}") {
				for _, p := range arrays[strings.TrimSuffix(strings.TrimPrefix(w, "${"), "[@]}")] {
					out[p] = true
				}
				continue
			}
			if w == "" || strings.ContainsAny(w, "$\"'") || strings.HasPrefix(w, "#") {
				continue
			}
			out[w] = true
		}
	}
	return out
}

var funcRE = regexp.MustCompile(`(?m)^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)`)

// functions are the shell functions a script defines.
func functions(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range funcRE.FindAllStringSubmatch(text, -1) {
		out[m[1]] = true
	}
	return out
}

// provided says why name is not available from an allowed package, or "".
func provided(name string, pkgs map[string]bool) string {
	var paths []string
	if strings.Contains(name, "/") {
		if !filepath.IsAbs(name) {
			return "" // a path of the repository's own
		}
		paths = []string{name}
	} else {
		for _, d := range []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin"} {
			paths = append(paths, filepath.Join(d, name))
		}
	}
	owners := map[string]bool{}
	for _, p := range paths {
		if real, err := filepath.EvalSymlinks(p); err == nil && real != p {
			paths = append(paths, real) // /usr/bin/awk -> /etc/alternatives/awk -> /usr/bin/mawk
		}
	}
	for _, p := range paths {
		out, err := dpkgOwner(p)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			pkgsPart, _, ok := strings.Cut(line, ": ")
			if !ok {
				continue
			}
			for _, pkg := range strings.Split(pkgsPart, ", ") {
				owners[strings.SplitN(pkg, ":", 2)[0]] = true
			}
		}
	}
	if len(owners) == 0 {
		if where, err := exec.LookPath(name); err == nil {
			return fmt.Sprintf("is %s, which no Debian package installed here provides (installed by hand?)", where)
		}
		return "is not installed, and no package the scripts install provides it"
	}
	var names []string
	for o := range owners {
		if pkgs[o] || basePackage(o) || dependedOn(o, pkgs) {
			return ""
		}
		names = append(names, o)
	}
	sort.Strings(names)
	return fmt.Sprintf("comes from package %s, which no script installs (add it to an ensure_apt call or lib.sh's package lists)", strings.Join(names, ", "))
}

// dpkgCache keeps each dpkg-query answer: the scripts name the same
// commands and packages many times.
var dpkgCache = map[string]struct {
	out []byte
	err error
}{}

func dpkgQuery(args ...string) ([]byte, error) {
	key := strings.Join(args, "\x00")
	if c, ok := dpkgCache[key]; ok {
		return c.out, c.err
	}
	out, err := exec.Command("dpkg-query", args...).Output()
	dpkgCache[key] = struct {
		out []byte
		err error
	}{out, err}
	return out, err
}

// dpkgOwner is `dpkg-query -S path`: the packages that hold path.
func dpkgOwner(path string) ([]byte, error) { return dpkgQuery("-S", path) }

// basePackage tells whether every Debian 12 machine has pkg: priority
// required or important, or essential.
func basePackage(pkg string) bool {
	out, err := dpkgQuery("-W", "--showformat=${Priority} ${Essential}", pkg)
	if err != nil {
		return false
	}
	f := strings.Fields(string(out))
	return len(f) > 0 && (f[0] == "required" || f[0] == "important") || bytes.Contains(out, []byte("yes"))
}

// dependedOn tells whether one of pkgs depends on pkg directly (python3 on
// python3-minimal, which holds /usr/bin/python3).
func dependedOn(pkg string, pkgs map[string]bool) bool {
	for p := range pkgs {
		out, err := dpkgQuery("-W", "--showformat=${Depends},${Pre-Depends}", p)
		if err != nil {
			continue
		}
		for _, alt := range strings.FieldsFunc(string(out), func(r rune) bool { return r == ',' || r == '|' }) {
			if f := strings.Fields(alt); len(f) > 0 && strings.SplitN(f[0], ":", 2)[0] == pkg {
				return true
			}
		}
	}
	return false
}
