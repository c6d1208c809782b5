package demo

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/script"
)

//go:embed project
var files embed.FS

// root is the project's folder inside files.
const root = "project"

// ID is the demo project's id (in its streamscope.yaml). It keys the
// secrets of its `real` environment, so it never changes.
const ID = "streamscope-demo"

// DirName is the demo project's folder under the configuration directory.
const DirName = "demo"

// FS returns the demo project's files, rooted at the project folder: the
// embedded project plus the script package's examples as scripts/*.js, so
// the scripts users see are the ones tested there (never a copy).
func FS() fs.FS { return demoFS() }

var demoFS = sync.OnceValue(func() fs.FS {
	m := fstest.MapFS{}
	add := func(src fs.FS, dir, to string) {
		err := fs.WalkDir(src, dir, func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(src, name)
			if err != nil {
				return err
			}
			m[path.Join(to, strings.TrimPrefix(strings.TrimPrefix(name, dir), "/"))] = &fstest.MapFile{Data: data, Mode: 0o644}
			return nil
		})
		if err != nil {
			panic("demo: " + err.Error()) // both trees are embedded constants
		}
	}
	add(files, root, ".")
	add(script.Examples, "examples", "scripts")
	return m
})

// Install writes the demo project into dir (created if missing) unless dir
// already holds it; see Write.
func Install(dir string) error {
	_, err := Write(dir)
	return err
}

// Dir installs the demo project as configDir/demo (the folder the app
// opens) when it is not there yet, and returns that folder.
func Dir(configDir string) (string, error) {
	if configDir == "" {
		return "", errors.New("demo: no configuration directory")
	}
	dir := filepath.Join(configDir, DirName)
	if err := Install(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// Write writes the demo project into dir and returns how many files it
// wrote. A dir that already holds the demo project (its streamscope.yaml
// has the demo's id) is left exactly as it is: 0 files, no error. Every
// other case where writing could clobber something is an error and
// nothing is written: dir holds another project, or a streamscope.yaml that
// does not parse, or files that are not the demo's (hidden files aside).
// A dir left by an interrupted Write (demo files but no streamscope.yaml
// yet) is completed: missing files are added, existing ones kept.
func Write(dir string) (int, error) {
	if dir == "" {
		return 0, errors.New("demo: no folder given")
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return 0, fmt.Errorf("%s: not a folder; the demo project was not written", dir)
	}
	meta := filepath.Join(dir, project.ProjectFile)
	if _, err := os.Stat(meta); err == nil {
		return 0, checkExisting(dir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	names, err := fileNames()
	if err != nil {
		return 0, err
	}
	if err := checkForeign(dir, names); err != nil {
		return 0, err
	}
	// streamscope.yaml last: until it exists the folder is not a project.
	names = append(slices.DeleteFunc(names, func(n string) bool { return n == project.ProjectFile }), project.ProjectFile)
	src := FS()
	written := 0
	for _, name := range names {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if _, err := os.Lstat(full); err == nil {
			continue // left by an interrupted install: kept as it is
		}
		data, err := fs.ReadFile(src, name)
		if err != nil {
			return written, err
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return written, err
		}
		if err := project.WriteFileAtomic(full, data, 0o644); err != nil {
			return written, fmt.Errorf("demo: %w", err)
		}
		written++
	}
	return written, nil
}

// checkExisting accepts a dir whose streamscope.yaml is the demo's.
func checkExisting(dir string) error {
	p, err := project.Load(dir)
	if err != nil {
		return err
	}
	metaPath := filepath.Join(dir, project.ProjectFile)
	for _, pr := range p.Problems {
		if filepath.Clean(pr.Path) == filepath.Clean(metaPath) {
			return fmt.Errorf("%s: the folder holds a project whose file does not load (%v); the demo project was not written", dir, pr)
		}
	}
	if p.Meta.ID != ID {
		return fmt.Errorf("%s: the folder holds another project (%q, id %s); the demo project was not written", dir, p.Meta.Name, p.Meta.ID)
	}
	return nil
}

// checkForeign fails when dir holds anything but demo files and folders
// (hidden names aside, as project.Load ignores them).
func checkForeign(dir string, names []string) error {
	files, dirs := map[string]bool{}, map[string]bool{}
	for _, n := range names {
		files[n] = true
		for d := path.Dir(n); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	var foreign []string
	err := filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			if full == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		rel, err := filepath.Rel(dir, full)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasPrefix(d.Name(), "."):
		case d.IsDir() && dirs[rel]:
			return nil
		case !d.IsDir() && files[rel]:
			return nil
		default:
			foreign = append(foreign, rel)
		}
		if d.IsDir() {
			return fs.SkipDir
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(foreign) > 0 {
		if len(foreign) > 3 {
			foreign = append(foreign[:3], "...")
		}
		return fmt.Errorf("%s: the folder is not empty and holds no project (%s); the demo project was not written", dir, strings.Join(foreign, ", "))
	}
	return nil
}

// fileNames lists the demo project's files, slash-separated, sorted.
func fileNames() ([]string, error) {
	var names []string
	err := fs.WalkDir(FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, name)
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}
