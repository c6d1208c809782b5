package project

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Project is a loaded project folder.
type Project struct {
	// Dir is the project folder as given to Load or Create.
	Dir          string         `json:"dir"`
	Meta         Meta           `json:"meta"`
	Folders      []*Folder      `json:"folders"`
	Endpoints    []*Endpoint    `json:"endpoints"`
	Environments []*Environment `json:"environments"`
	// Problems are the files that could not be read or parsed. The rest of
	// the project loaded; these files are never overwritten or deleted.
	Problems []*FileError `json:"problems"`
}

// ErrNotProject is returned by Load for a folder without streamscope.yaml.
var ErrNotProject = errors.New("not a streamscope project")

// Create makes a new, empty project in dir (created if missing; an existing
// dir must not already hold a project). name defaults to dir's base name.
func Create(dir, name string) (*Project, error) {
	if _, err := os.Stat(filepath.Join(dir, ProjectFile)); err == nil {
		return nil, fmt.Errorf("%s: a project already exists here", filepath.Join(dir, ProjectFile))
	}
	if name == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, err
		}
		name = filepath.Base(abs)
	}
	if strings.ContainsAny(name, "\r\n") {
		return nil, fmt.Errorf("name: %q cannot contain a line break", name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := &Project{Dir: dir, Meta: Meta{Schema: SchemaVersion, Name: name, ID: NewID()}}
	if err := p.SaveMeta(); err != nil {
		return nil, err
	}
	return p, nil
}

// NewID returns a fresh random project id (32 hex digits).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Load reads a project folder. A file that cannot be read or parsed lands
// in Problems and the rest of the project still loads; the error is only
// for a folder that is missing or holds no streamscope.yaml.
func Load(dir string) (*Project, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	metaPath := filepath.Join(dir, ProjectFile)
	if _, err := os.Lstat(metaPath); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w (no %s; create one with 'streamscope new')", dir, ErrNotProject, ProjectFile)
	}
	p := &Project{Dir: dir}
	data, err := p.readProjectFile(metaPath, MaxYAMLFile)
	if err != nil {
		p.problem(asFileError(metaPath, err))
	} else if root, err := decodeFile(metaPath, data, kindProject, &p.Meta); err != nil {
		p.problem(asFileError(metaPath, err))
	} else if !validID(p.Meta.ID) {
		p.problem(&FileError{Path: metaPath, Line: lineOf(root, "id"), Reason: fmt.Sprintf("id: %q is not a project id (letters, digits, '-' and '_', at most 64)", p.Meta.ID)})
		p.Meta = Meta{}
	}

	err = filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, full)
		rel = filepath.ToSlash(rel)
		if err != nil {
			p.problem(&FileError{Path: full, Reason: err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if rel == "." {
			return nil
		}
		if strings.HasPrefix(name, ".") || isTempName(name) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel == RecordingsDir {
				return fs.SkipDir
			}
			if rel == EnvironmentsDir {
				p.loadEnvironments(full)
				return fs.SkipDir
			}
			p.Folders = append(p.Folders, &Folder{Path: rel, Name: name})
			return nil
		}
		switch {
		case strings.HasSuffix(name, EndpointExt):
			p.loadEndpoint(full, rel, d)
		case name == FolderFile && path.Dir(rel) != ".":
			p.loadFolderFile(full, rel, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.sort()
	return p, nil
}

// Reload reads the project folder again, picking up changes made outside.
func (p *Project) Reload() (*Project, error) { return Load(p.Dir) }

func (p *Project) problem(fe *FileError) { p.Problems = append(p.Problems, fe) }

func asFileError(path string, err error) *FileError {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return &FileError{Path: path, Reason: err.Error()}
}

// readWalked reads a YAML file found by the walk of the project folder. An
// entry that is not a link is inside the folder by construction (the walk
// follows no links); a link must lead to a file inside it.
func (p *Project) readWalked(full string, d fs.DirEntry) ([]byte, error) {
	if d != nil && d.Type()&fs.ModeSymlink == 0 {
		data, err := ReadRegular(full, MaxYAMLFile)
		if err != nil {
			return nil, readError(full, err)
		}
		return data, nil
	}
	return p.readProjectFile(full, MaxYAMLFile)
}

func (p *Project) loadEndpoint(full, rel string, d fs.DirEntry) {
	data, err := p.readWalked(full, d)
	if err != nil {
		p.problem(asFileError(full, err))
		return
	}
	ep, err := parseEndpoint(full, data)
	if err != nil {
		p.problem(asFileError(full, err))
		return
	}
	ep.File = rel
	ep.Folder = folderOf(rel)
	p.Endpoints = append(p.Endpoints, ep)
}

func parseEndpoint(full string, data []byte) (*Endpoint, error) {
	ep := &Endpoint{}
	root, err := decodeFile(full, data, kindEndpoint, ep)
	if err != nil {
		return nil, err
	}
	if fe := ep.validate(); fe != nil {
		return nil, fe.toFileError(full, root)
	}
	return ep, nil
}

func (p *Project) loadFolderFile(full, rel string, d fs.DirEntry) {
	dirRel := path.Dir(rel)
	f := p.Folder(dirRel)
	data, err := p.readWalked(full, d)
	if err != nil {
		p.problem(asFileError(full, err))
		return
	}
	var ff Folder
	if _, err := decodeFile(full, data, kindFolder, &ff); err != nil {
		p.problem(asFileError(full, err))
		return
	}
	if f == nil {
		return
	}
	if ff.Name != "" {
		f.Name = ff.Name
	}
	f.Schema, f.Seq, f.Notes, f.HasFile = ff.Schema, ff.Seq, ff.Notes, true
}

func (p *Project) loadEnvironments(full string) {
	entries, err := os.ReadDir(full)
	if err != nil {
		p.problem(&FileError{Path: full, Reason: err.Error()})
		return
	}
	for _, d := range entries {
		name := d.Name()
		if d.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, environmentExt) {
			continue
		}
		fp := filepath.Join(full, name)
		data, err := p.readWalked(fp, d)
		if err != nil {
			p.problem(asFileError(fp, err))
			continue
		}
		env, fe := parseEnvironmentFile(fp, data)
		if fe != nil {
			p.problem(fe)
			continue
		}
		p.Environments = append(p.Environments, env)
	}
}

// parseEnvironmentFile decodes one environments/NAME.yaml read from fp.
func parseEnvironmentFile(fp string, data []byte) (*Environment, *FileError) {
	env := &Environment{}
	root, err := decodeFile(fp, data, kindEnvironment, env)
	if err != nil {
		return nil, asFileError(fp, err)
	}
	if fe := validateEnvironment(env); fe != nil {
		return nil, fe.toFileError(fp, root)
	}
	name := filepath.Base(fp)
	env.Name = strings.TrimSuffix(name, environmentExt)
	env.File = EnvironmentsDir + "/" + name
	return env, nil
}

func folderOf(rel string) string {
	d := path.Dir(rel)
	if d == "." {
		return ""
	}
	return d
}

// Folder returns the folder at the slash-separated path rel, or nil.
func (p *Project) Folder(rel string) *Folder {
	for _, f := range p.Folders {
		if f.Path == rel {
			return f
		}
	}
	return nil
}

// orderKey gives the position of a folder path in the tree: the (seq, name)
// of every folder on the way down.
func (p *Project) orderKey(dir string) []string {
	if dir == "" {
		return nil
	}
	var key []string
	parts := strings.Split(dir, "/")
	for i := range parts {
		seq, name := 0, parts[i]
		if f := p.Folder(strings.Join(parts[:i+1], "/")); f != nil {
			seq, name = f.Seq, f.Name
		}
		key = append(key, fmt.Sprintf("%012d\x00%s\x00%s", seq, name, parts[i]))
	}
	return key
}

func lessKeys(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// sort orders folders and endpoints as a tree: folders by (seq, name) among
// their siblings, endpoints by folder, then (seq, name, file); the
// endpoints of a folder come before those of its subfolders.
func (p *Project) sort() {
	sort.SliceStable(p.Folders, func(i, j int) bool {
		return lessKeys(p.orderKey(p.Folders[i].Path), p.orderKey(p.Folders[j].Path)) < 0
	})
	sort.SliceStable(p.Endpoints, func(i, j int) bool {
		a, b := p.Endpoints[i], p.Endpoints[j]
		if c := lessKeys(p.orderKey(a.Folder), p.orderKey(b.Folder)); c != 0 {
			// An endpoint of a parent folder comes before the subfolders.
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
	sort.Slice(p.Environments, func(i, j int) bool { return p.Environments[i].Name < p.Environments[j].Name })
	sort.Slice(p.Problems, func(i, j int) bool { return p.Problems[i].Path < p.Problems[j].Path })
}

// Ref is how commands name an endpoint: "FOLDER/NAME" for an endpoint in a
// folder (the folder's directory path), else its name.
func (e *Endpoint) Ref() string {
	if e.Folder == "" {
		return e.Name
	}
	return e.Folder + "/" + e.Name
}

// Endpoint finds an endpoint by its Ref, by its name when that is unique,
// or by its file path (with or without the .endpoint.yaml suffix).
func (p *Project) Endpoint(ref string) (*Endpoint, error) {
	var exact []*Endpoint
	for _, e := range p.Endpoints {
		if e.Ref() == ref {
			exact = append(exact, e)
		}
	}
	if len(exact) == 1 {
		return exact[0], nil
	}
	if len(exact) > 1 {
		files := make([]string, len(exact))
		for i, e := range exact {
			files[i] = e.File
		}
		return nil, fmt.Errorf("endpoint %q is defined by more than one file: %s (rename one, or name it by its file)", ref, strings.Join(files, ", "))
	}
	var byName []*Endpoint
	for _, e := range p.Endpoints {
		if e.Name == ref {
			byName = append(byName, e)
		}
	}
	if len(byName) == 1 {
		return byName[0], nil
	}
	if len(byName) > 1 {
		refs := make([]string, len(byName))
		for i, e := range byName {
			refs[i] = e.Ref()
		}
		return nil, fmt.Errorf("endpoint %q is ambiguous: %s", ref, strings.Join(refs, ", "))
	}
	file := filepath.ToSlash(ref)
	for _, e := range p.Endpoints {
		if e.File == file || strings.TrimSuffix(e.File, EndpointExt) == file {
			return e, nil
		}
	}
	for _, fe := range p.Problems {
		base := filepath.Base(fe.Path)
		if strings.TrimSuffix(base, EndpointExt) == slug(ref) {
			return nil, fmt.Errorf("endpoint %q: its file does not load: %s", ref, fe.Error())
		}
	}
	return nil, fmt.Errorf("no endpoint %q in %s (see 'streamscope ls %s')", ref, p.Dir, p.Dir)
}

// Environment returns the environment named name.
func (p *Project) Environment(name string) (*Environment, error) {
	for _, e := range p.Environments {
		if e.Name == name {
			return e, nil
		}
	}
	for _, fe := range p.Problems {
		if filepath.Base(fe.Path) == name+environmentExt {
			return nil, fmt.Errorf("environment %q does not load: %s", name, fe.Error())
		}
	}
	names := make([]string, len(p.Environments))
	for i, e := range p.Environments {
		names[i] = e.Name
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no environment %q in %s (it has none)", name, p.Dir)
	}
	return nil, fmt.Errorf("no environment %q in %s (it has: %s)", name, p.Dir, strings.Join(names, ", "))
}

// Slug turns a name into the file-name-safe base name used for its file
// or directory (lower case, runs of other characters as one '-').
func Slug(name string) string { return slug(name) }

// slug turns a name into a file-name-safe base name.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r > 127 && r != 0xFFFD
		if ok && !(r == '.' && b.Len() == 0) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-.")
	if s == "" {
		s = "endpoint"
	}
	if r := []rune(s); len(r) > 80 {
		s = strings.TrimRight(string(r[:80]), "-.")
	}
	return s
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// ValidEnvironmentName reports whether name can name an environment file.
func ValidEnvironmentName(name string) bool {
	return validVarName(name) && !strings.HasPrefix(name, ".")
}
