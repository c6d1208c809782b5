package project

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// within fails the test when f has not returned after d: a safety net for
// code that used to loop forever, so that a regression fails instead of
// hanging the suite. f must not call t (it may still run after the test
// ended); it leaves its results for the test to check.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

// checkFileName fails unless base is a file name every common file system
// takes: at most 255 bytes, valid UTF-8, not cut inside a character.
func checkFileName(t *testing.T, base string) {
	t.Helper()
	if len(base) > maxNameBytes || !utf8.ValidString(base) {
		t.Fatalf("file name %q: %d bytes, valid UTF-8 %v", base, len(base), utf8.ValidString(base))
	}
}

func TestSlugIsBounded(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		strings.Repeat("😀", 61), strings.Repeat("😀", 70), strings.Repeat("漢", 72),
		strings.Repeat("漢", 500), strings.Repeat("a", 300), strings.Repeat("é", 200),
		strings.Repeat("ab😀", 100), "x" + strings.Repeat("\u0301", 300),
	} {
		s := slug(name)
		if len(s) > maxSlugBytes || utf8.RuneCountInString(s) > maxSlugRunes || !utf8.ValidString(s) || s == "" {
			t.Errorf("slug of %d bytes: %q (%d bytes, %d characters)", len(name), s, len(s), utf8.RuneCountInString(s))
		}
		if !strings.HasPrefix(name, s[:1]) {
			t.Errorf("slug %q does not start the name", s)
		}
	}
	// Controls, spaces of any kind and invisible formatting never reach a
	// file name.
	if got := slug("a\u0085b\u00a0c\u202ed\u3000e"); got != "a-b-c-d-e" {
		t.Errorf("slug = %q", got)
	}
}

// Item 4: a name whose file name would pass 255 bytes is saved under a
// shortened, unique file name; its full name is kept in the file.
func TestLongNamesSaveUnderShortFileNames(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	names := []string{
		strings.Repeat("😀", 61),
		strings.Repeat("😀", 61) + " again", // the same first 30 characters
		strings.Repeat("漢", 72),
		strings.Repeat("a", 300),
	}
	eps := make([]*Endpoint, len(names))
	errs := make([]error, len(names))
	within(t, 30*time.Second, "saving endpoints with long names", func() {
		for i, n := range names {
			eps[i] = &Endpoint{Name: n, URL: "http://x/", Folder: "f"}
			errs[i] = p.SaveEndpoint(eps[i])
		}
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("save %d-byte name: %v", len(names[i]), err)
		}
		checkFileName(t, path.Base(eps[i].File))
	}
	q, err := Load(p.Dir)
	if err != nil || len(q.Problems) > 0 {
		t.Fatalf("load: %v %v", err, q.Problems)
	}
	var got []string
	files := map[string]bool{}
	for _, e := range q.Endpoints {
		got = append(got, e.Name)
		files[e.File] = true
	}
	want := append([]string(nil), names...)
	slices.Sort(got)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) || len(files) != len(names) {
		t.Fatalf("names after load %q, want %q (files %v)", got, want, files)
	}
}

// Item 4: the search for a free file name ends on an error other than
// "does not exist" (here the folder is a file: ENOTDIR) instead of trying
// name-2, name-3, ... forever.
func TestFreeNameSearchEndsOnError(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	writeFile(t, p, "plain", "a file, not a folder\n")
	var err error
	within(t, 30*time.Second, "SaveEndpoint into a file", func() {
		err = p.SaveEndpoint(&Endpoint{Name: "x", URL: "http://x/", Folder: "plain"})
	})
	if err == nil || !strings.Contains(err.Error(), "plain") {
		t.Errorf("want an error naming plain, got %v", err)
	}
	calls := 0
	boom := errors.New("boom")
	if _, err := probeName("b", ".x", func(string) (bool, error) { calls++; return false, boom }); !errors.Is(err, boom) || calls != 1 {
		t.Fatalf("probeName: %v after %d calls", err, calls)
	}
	calls = 0
	if _, err := probeName("b", ".x", func(string) (bool, error) { calls++; return true, nil }); err == nil || calls != maxProbes {
		t.Fatalf("probeName with every name taken: %v after %d calls", err, calls)
	}
	if n, err := probeName("b", ".x", func(n string) (bool, error) { return n != "b-3.x", nil }); n != "b-3.x" || err != nil {
		t.Fatalf("probeName: %q %v", n, err)
	}
}

// Item 4: --record with a long name: the file name is shortened, the name
// is kept in the recording, and LoadRecording finds it by that name.
func TestLongRecordingName(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	name := strings.Repeat("😀", 63)
	rels := make([]string, 2)
	errs := make([]error, 2)
	within(t, 30*time.Second, "SaveRecording with a long name", func() {
		for i := range rels {
			rels[i], errs[i] = p.SaveRecording(name, &Recording{Endpoint: "e", Status: 200 + i})
		}
	})
	if errs[0] != nil || errs[1] != nil || rels[0] == rels[1] {
		t.Fatalf("recordings %q: %v", rels, errs)
	}
	checkFileName(t, path.Base(rels[0]))
	checkFileName(t, path.Base(rels[1]))
	rec, err := p.LoadRecording(name)
	if err != nil || rec.Name != name || rec.Status != 200 {
		t.Fatalf("load by name: %+v %v", rec, err)
	}
	if rec, err := p.LoadRecording(rels[1]); err != nil || rec.Status != 201 {
		t.Fatalf("load by path: %+v %v", rec, err)
	}
	// By name also for a short one saved under a slug, and for one saved
	// before names were kept (no name in the file).
	if _, err := p.SaveRecording("My Run", &Recording{Status: 7}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "recordings/old-run.jsonl", `{"schema":1,"kind":"streamscope-recording","status":9}`+"\n")
	for n, status := range map[string]int{"My Run": 7, "my-run": 7, "Old Run": 9} {
		if rec, err := p.LoadRecording(n); err != nil || rec.Status != status {
			t.Errorf("LoadRecording(%q): %+v %v", n, rec, err)
		}
	}
	if _, err := p.LoadRecording("Never saved"); err == nil || !strings.Contains(err.Error(), "Never saved") {
		t.Fatalf("missing recording: %v", err)
	}
}

// Item 15: folders that would not load (hidden, reserved, not a clean
// relative path) are refused with the rule, and nothing is written.
func TestFolderPathRules(t *testing.T) {
	t.Parallel()
	deep := strings.TrimSuffix(strings.Repeat("f/", MaxFolderDepth), "/")
	for _, c := range []struct{ folder, want string }{
		{".hidden", "starts with '.'"},
		{"a/.b", "starts with '.'"},
		{"recordings", "recordings/ folder"},
		{"environments", "environments/ folder"},
		{"Recordings/x", "recordings/ folder"},
		{"a//b", "empty part"},
		{"a/", "empty part"},
		{"/a", "empty part"},
		{"../a", "'..'"},
		{"a/./b", "'.'"},
		{`a\b`, `'\'`},
		{"a:b", "':'"},
		{"a\tb", "control"},
		{"a\x00b", "control"},
		{"a/\xff", "UTF-8"},
		{strings.Repeat("a", 256), "256 bytes long, at most 255"},
		{deep + "/g", fmt.Sprintf("%d folders deep", MaxFolderDepth+1)},
		{strings.TrimSuffix(strings.Repeat(strings.Repeat("d", 200)+"/", 6), "/"), "at most 1024"},
	} {
		err := CheckFolderPath(c.folder)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckFolderPath(%q) = %v, want %q", c.folder, err, c.want)
		}
	}
	for _, ok := range []string{"a", "a/recordings", "a/environments", "recordings-x", "漢字/😀", deep, "a b/c-d_e.f"} {
		if err := CheckFolderPath(ok); err != nil {
			t.Errorf("CheckFolderPath(%q): %v", ok, err)
		}
	}

	p := newProject(t)
	for _, folder := range []string{".hidden", "recordings", "environments", "a/.b", deep + "/g"} {
		if err := p.SaveEndpoint(&Endpoint{Name: "n", URL: "http://x/", Folder: folder}); err == nil {
			t.Errorf("SaveEndpoint in %q was accepted", folder)
		}
		if err := p.SaveFolder(&Folder{Path: folder, Name: "n"}); err == nil {
			t.Errorf("SaveFolder %q was accepted", folder)
		}
	}
	entries, _ := os.ReadDir(p.Dir)
	if len(entries) != 1 {
		t.Fatalf("written although refused: %v", entries)
	}
	// A subfolder may be called recordings; it loads.
	if err := p.SaveEndpoint(&Endpoint{Name: "n", URL: "http://x/", Folder: "a/recordings"}); err != nil {
		t.Fatal(err)
	}
	if q, err := Load(p.Dir); err != nil || len(q.Endpoints) != 1 || q.Endpoints[0].Ref() != "a/recordings/n" {
		t.Fatalf("load: %+v %v", q.Endpoints, err)
	}
}

// An environment's name becomes its file's: a name too long for one is
// refused with the limit (it failed in the file system before).
func TestLongEnvironmentName(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	err := p.SaveEnvironment(&Environment{Name: strings.Repeat("a", 300)})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("at most %d characters", maxSlugBytes)) {
		t.Fatalf("want the limit, got %v", err)
	}
	if err := p.SaveEnvironment(&Environment{Name: strings.Repeat("a", maxSlugBytes)}); err != nil {
		t.Fatal(err)
	}
}

// Item 15: nothing is written through a symbolic link in the project
// (Load does not follow them; the file would land outside and never load).
func TestNoWriteThroughSymlink(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	outside := t.TempDir()
	for _, link := range []string{EnvironmentsDir, RecordingsDir, "linked"} {
		if err := os.Symlink(outside, filepath.Join(p.Dir, link)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(p.Dir, "real")); err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("%s: want an error about the link, got %v", what, err)
		}
	}
	check("SaveEnvironment", p.SaveEnvironment(&Environment{Name: "dev", Variables: []Variable{{Name: "a", Value: "b"}}}))
	_, err := p.SaveRecording("r", &Recording{})
	check("SaveRecording", err)
	check("CheckRecordings", p.CheckRecordings())
	check("SaveEndpoint", p.SaveEndpoint(&Endpoint{Name: "n", URL: "http://x/", Folder: "linked"}))
	check("SaveEndpoint below", p.SaveEndpoint(&Endpoint{Name: "n", URL: "http://x/", Folder: "linked/deeper"}))
	check("SaveFolder", p.SaveFolder(&Folder{Path: "linked", Name: "L"}))
	ep := &Endpoint{Name: "s", URL: "http://x/", Script: "real/s.js"}
	check("SaveScript", p.SaveScript(ep, "function onEvent(){}\n"))
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("written outside the project: %v", entries)
	}
}

// Item 19: folders nest at most MaxFolderDepth deep. Load lists a deeper
// one as a problem and reads nothing below it.
func TestLoadStopsAtMaxDepth(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	rel := ""
	for i := 0; i < MaxFolderDepth+6; i++ {
		rel = path.Join(rel, "f")
		if i == MaxFolderDepth-1 {
			writeFile(t, p, rel+"/ok.endpoint.yaml", "schema: 2\nname: ok\nurl: http://x/\n")
		}
	}
	writeFile(t, p, rel+"/deep.endpoint.yaml", "schema: 2\nname: deep\nurl: http://x/\n")
	q, err := Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Folders) != MaxFolderDepth || len(q.Endpoints) != 1 || q.Endpoints[0].Name != "ok" {
		t.Fatalf("%d folders, endpoints %+v", len(q.Folders), q.Endpoints)
	}
	if len(q.Problems) != 1 || !strings.Contains(q.Problems[0].Reason, fmt.Sprintf("at most %d deep", MaxFolderDepth)) {
		t.Fatalf("problems %v", q.Problems)
	}
	if _, err := Fingerprint(p.Dir); err != nil {
		t.Fatal(err)
	}
}

// orderKeySort is the tree order as the sort computed it before folderOrder
// (a key of (seq, name, directory) per level, compared part by part): the
// oracle for TestSortMatchesTreeOrder.
func orderKeySort(p *Project) (folders, endpoints []string) {
	key := func(dir string) []string {
		if dir == "" {
			return nil
		}
		var k []string
		parts := strings.Split(dir, "/")
		for i := range parts {
			seq, name := 0, parts[i]
			if f := p.Folder(strings.Join(parts[:i+1], "/")); f != nil {
				seq, name = f.Seq, f.Name
			}
			k = append(k, fmt.Sprintf("%012d\x00%s\x00%s", seq, name, parts[i]))
		}
		return k
	}
	less := func(a, b []string) int {
		for i := 0; i < len(a) && i < len(b); i++ {
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return len(a) - len(b)
	}
	fs := append([]*Folder(nil), p.Folders...)
	es := append([]*Endpoint(nil), p.Endpoints...)
	sort.SliceStable(fs, func(i, j int) bool { return less(key(fs[i].Path), key(fs[j].Path)) < 0 })
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if c := less(key(a.Folder), key(b.Folder)); c != 0 {
			return c < 0
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.File < b.File
	})
	for _, f := range fs {
		folders = append(folders, f.Path)
	}
	for _, e := range es {
		endpoints = append(endpoints, e.File)
	}
	return folders, endpoints
}

// Item 19: the tree sort (linear in the paths) orders random trees exactly
// as the former key comparison did: folders by (seq, name, directory) among
// siblings, a folder's endpoints before its subfolders.
func TestSortMatchesTreeOrder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(17))
	for round := 0; round < 200; round++ {
		p := &Project{}
		var paths []string
		for i := 0; i < 1+rng.Intn(25); i++ {
			parent := ""
			if len(paths) > 0 && rng.Intn(3) > 0 {
				parent = paths[rng.Intn(len(paths))]
			}
			fp := path.Join(parent, fmt.Sprintf("d%d", rng.Intn(4)))
			if p.Folder(fp) != nil {
				continue
			}
			paths = append(paths, fp)
			// Some directories have no Folder (an endpoint's folder never
			// listed); the rest have seqs that tie and names that differ
			// from their directory's.
			if rng.Intn(5) > 0 {
				p.Folders = append(p.Folders, &Folder{Path: fp, Seq: rng.Intn(3) - 1, Name: fmt.Sprintf("N%d", rng.Intn(3))})
			}
		}
		for i := 0; i < rng.Intn(30); i++ {
			folder := ""
			if len(paths) > 0 && rng.Intn(4) > 0 {
				folder = paths[rng.Intn(len(paths))]
			}
			p.Endpoints = append(p.Endpoints, &Endpoint{Folder: folder, Seq: rng.Intn(3), Name: fmt.Sprintf("e%d", rng.Intn(3)), File: path.Join(folder, fmt.Sprintf("f%d", i))})
		}
		rng.Shuffle(len(p.Folders), func(i, j int) { p.Folders[i], p.Folders[j] = p.Folders[j], p.Folders[i] })
		rng.Shuffle(len(p.Endpoints), func(i, j int) { p.Endpoints[i], p.Endpoints[j] = p.Endpoints[j], p.Endpoints[i] })
		wantF, wantE := orderKeySort(p)
		p.sort()
		var gotF, gotE []string
		for _, f := range p.Folders {
			gotF = append(gotF, f.Path)
		}
		for _, e := range p.Endpoints {
			gotE = append(gotE, e.File)
		}
		if !reflect.DeepEqual(gotF, wantF) || !reflect.DeepEqual(gotE, wantE) {
			t.Fatalf("round %d:\nfolders   %v\nwant      %v\nendpoints %v\nwant      %v", round, gotF, wantF, gotE, wantE)
		}
	}
}
