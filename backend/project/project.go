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

	folders := map[string]*Folder{}
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
			if err := checkFolderLimits(rel); err != nil {
				// Nothing below is walked: a deep tree costs no more
				// than MaxFolderDepth levels.
				p.problem(&FileError{Path: full, Reason: err.Error() + "; nothing in it is loaded"})
				return fs.SkipDir
			}
			f := &Folder{Path: rel, Name: name}
			folders[rel] = f
			p.Folders = append(p.Folders, f)
			return nil
		}
		switch {
		case strings.HasSuffix(name, EndpointExt):
			p.loadEndpoint(full, rel, d)
		case name == FolderFile && path.Dir(rel) != ".":
			p.loadFolderFile(full, d, folders[path.Dir(rel)])
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

// loadFolderFile reads a folder.yaml into f, the folder of its directory.
func (p *Project) loadFolderFile(full string, d fs.DirEntry, f *Folder) {
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

// sort orders folders and endpoints as a tree: folders by (seq, name,
// directory name) among their siblings, endpoints by folder, then (seq,
// name, file); the endpoints of a folder come before those of its
// subfolders. It costs O(n log n) plus the length of the paths: each folder
// gets its place in the tree once (folderOrder) and the sorts compare those
// places, never the paths.
func (p *Project) sort() {
	order := p.folderOrder()
	sort.SliceStable(p.Folders, func(i, j int) bool {
		return order[p.Folders[i].Path] < order[p.Folders[j].Path]
	})
	sort.SliceStable(p.Endpoints, func(i, j int) bool {
		a, b := p.Endpoints[i], p.Endpoints[j]
		if oa, ob := order[a.Folder], order[b.Folder]; oa != ob {
			// An endpoint of a parent folder comes before the subfolders.
			return oa < ob
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

// folderNode is one directory in folderOrder's tree.
type folderNode struct {
	path       string
	seq        int
	name, base string
	linked     bool
	children   []*folderNode
}

// folderOrder numbers every folder path (those of p.Folders, those the
// endpoints are in, and the directories above them) in tree order: a
// folder before its subfolders, siblings by (seq, name, directory name);
// a directory without a Folder sorts as seq 0 under its directory name.
// The top ("") is 0.
func (p *Project) folderOrder() map[string]int {
	root := &folderNode{linked: true}
	nodes := map[string]*folderNode{"": root}
	node := func(rel string) *folderNode {
		n := nodes[rel]
		if n == nil {
			base := path.Base(rel)
			n = &folderNode{path: rel, name: base, base: base}
			nodes[rel] = n
		}
		return n
	}
	for _, f := range p.Folders {
		if f.Path != "" && nodes[f.Path] == nil {
			n := node(f.Path)
			n.seq, n.name = f.Seq, f.Name
		}
	}
	// Hang every node under its parent, making the missing ones; each
	// node is hung once, so this is linear in the total length of the paths.
	hang := func(n *folderNode) {
		for !n.linked {
			n.linked = true
			parent := node(folderOf(n.path))
			parent.children = append(parent.children, n)
			n = parent
		}
	}
	for _, f := range p.Folders {
		if f.Path != "" {
			hang(nodes[f.Path])
		}
	}
	for _, e := range p.Endpoints {
		hang(node(e.Folder))
	}
	order := make(map[string]int, len(nodes))
	// Depth first with a stack of its own: no recursion, however deep.
	stack := []*folderNode{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order[n.path] = len(order)
		sort.Slice(n.children, func(i, j int) bool {
			a, b := n.children[i], n.children[j]
			if a.seq != b.seq {
				return a.seq < b.seq
			}
			if a.name != b.name {
				return a.name < b.name
			}
			return a.base < b.base
		})
		for i := len(n.children) - 1; i >= 0; i-- {
			stack = append(stack, n.children[i])
		}
	}
	return order
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
