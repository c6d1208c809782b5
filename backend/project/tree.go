package project

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Tree editing: what a project tree offers (duplicate, move, delete an
// endpoint; create, move, delete a folder), each keeping the files and the
// loaded model in step. Order within a folder is each file's seq: a move
// renumbers the folder's endpoints 1, 2, ... and saves those whose seq
// changed.

// Node is one row of the project tree: a folder or an endpoint.
type Node struct {
	Folder   *Folder   // set for a folder
	Endpoint *Endpoint // set for an endpoint
	// Parent is the folder path holding the row ("" at the top), Depth its
	// nesting level (0 at the top).
	Parent string
	Depth  int
}

// Tree returns the project's rows depth first, in display order: a folder
// is followed by its endpoints, then its subfolders. It takes time linear
// in the number of folders and endpoints.
func (p *Project) Tree() []Node {
	endpointsIn := map[string][]*Endpoint{}
	for _, e := range p.Endpoints {
		endpointsIn[e.Folder] = append(endpointsIn[e.Folder], e)
	}
	foldersIn := map[string][]*Folder{}
	for _, f := range p.Folders {
		if f.Path != "" {
			foldersIn[ParentFolder(f.Path)] = append(foldersIn[ParentFolder(f.Path)], f)
		}
	}
	var out []Node
	var walk func(folder string, depth int)
	walk = func(folder string, depth int) {
		for _, e := range endpointsIn[folder] {
			out = append(out, Node{Endpoint: e, Parent: folder, Depth: depth})
		}
		for _, f := range foldersIn[folder] {
			out = append(out, Node{Folder: f, Parent: folder, Depth: depth})
			walk(f.Path, depth+1)
		}
	}
	walk("", 0)
	return out
}

// DisplayName is the folder's name, or its directory's when it has none.
func (f *Folder) DisplayName() string {
	if f.Name == "" {
		return path.Base(f.Path)
	}
	return f.Name
}

// ParentFolder is the folder path holding rel ("" at the top).
func ParentFolder(rel string) string {
	if i := strings.LastIndex(rel, "/"); i >= 0 {
		return rel[:i]
	}
	return ""
}

// NameTaken reports whether folder holds an endpoint named name.
func (p *Project) NameTaken(folder, name string) bool {
	for _, e := range p.Endpoints {
		if e.Folder == folder && e.Name == name {
			return true
		}
	}
	return false
}

// Variables lists the {{names}} the endpoint's URL, query, headers, auth
// and body use, once each, in order of appearance (never nil).
func (e *Endpoint) Variables() []string {
	var texts []string
	texts = append(texts, e.URL)
	for _, kv := range append(append([]KV{}, e.Query...), e.Headers...) {
		if !kv.Disabled {
			texts = append(texts, kv.Name, kv.Value)
		}
	}
	if a := e.Auth; a != nil {
		texts = append(texts, a.Token, a.Username, a.Password, a.Key, a.Value, a.AccessKey, a.SecretKey, a.SessionToken, a.Region, a.Service)
	}
	if b := e.Body; b != nil {
		texts = append(texts, b.Text)
		for _, f := range b.Fields {
			if !f.Disabled {
				texts = append(texts, f.Name, f.Value)
			}
		}
	}
	out := []string{}
	seen := map[string]bool{}
	for _, t := range texts {
		for _, n := range VarNames(t) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// DuplicateEndpoint copies e (and its script) as "NAME copy" ("NAME copy
// 2", ... when taken) in its folder, right after it.
func (p *Project) DuplicateEndpoint(e *Endpoint) (*Endpoint, error) {
	src, err := p.ReadScript(e)
	if err != nil {
		return nil, err
	}
	cp := *e
	cp.File, cp.Script, cp.Seq = "", "", 0
	base := e.Name + " copy"
	cp.Name = base
	for i := 2; p.NameTaken(cp.Folder, cp.Name); i++ {
		cp.Name = fmt.Sprintf("%s %d", base, i)
	}
	if err := p.SaveEndpoint(&cp); err != nil {
		return nil, err
	}
	if e.Script != "" {
		if err := p.SaveScript(&cp, src); err != nil {
			return nil, err
		}
	}
	if err := p.placeAfter(&cp, e); err != nil {
		return nil, err
	}
	return &cp, nil
}

// RemoveEndpoint deletes e's file, and its script when no other endpoint
// uses that script.
func (p *Project) RemoveEndpoint(e *Endpoint) error {
	script := p.ScriptPath(e)
	if err := p.DeleteEndpoint(e); err != nil {
		return err
	}
	if script != "" && !p.scriptUsed(script) {
		if err := os.Remove(script); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (p *Project) scriptUsed(full string) bool {
	for _, e := range p.Endpoints {
		if p.ScriptPath(e) == full {
			return true
		}
	}
	return false
}

// MoveEndpoint puts e at position index (0-based) among the endpoints of
// folder ("" the top), moving its file (and script) when the folder
// changes, and renumbers that folder. It returns the endpoint as it is now
// (a new one when it changed folders).
func (p *Project) MoveEndpoint(e *Endpoint, folder string, index int) (*Endpoint, error) {
	if folder != e.Folder {
		if p.NameTaken(folder, e.Name) {
			return nil, fmt.Errorf("endpoint %q already exists in folder %q", e.Name, folder)
		}
		src, err := p.ReadScript(e)
		if err != nil {
			return nil, err
		}
		oldScript := p.ScriptPath(e)
		cp := *e
		cp.File, cp.Folder, cp.Script, cp.Seq = "", folder, "", 1<<30
		if err := p.SaveEndpoint(&cp); err != nil {
			return nil, err
		}
		if e.Script != "" {
			if err := p.SaveScript(&cp, src); err != nil {
				return nil, err
			}
		}
		if err := p.DeleteEndpoint(e); err != nil {
			return nil, err
		}
		if oldScript != "" && !p.scriptUsed(oldScript) {
			os.Remove(oldScript)
		}
		e = &cp
	}
	return e, p.renumber(insertAt(p.siblings(folder, e), e, index))
}

// siblings returns the endpoints of folder in display order, except one.
func (p *Project) siblings(folder string, except *Endpoint) []*Endpoint {
	var out []*Endpoint
	for _, e := range p.Endpoints {
		if e.Folder == folder && e != except {
			out = append(out, e)
		}
	}
	return out
}

// placeAfter moves e right after anchor among their folder's endpoints.
func (p *Project) placeAfter(e, anchor *Endpoint) error {
	list := p.siblings(e.Folder, e)
	idx := len(list)
	for i, o := range list {
		if o == anchor {
			idx = i + 1
		}
	}
	return p.renumber(insertAt(list, e, idx))
}

// insertAt returns list with e at position i (clamped to the list).
func insertAt(list []*Endpoint, e *Endpoint, i int) []*Endpoint {
	i = max(0, min(i, len(list)))
	out := append([]*Endpoint{}, list[:i]...)
	out = append(out, e)
	return append(out, list[i:]...)
}

// renumber gives list seq 1, 2, ..., saves the endpoints whose seq changed
// and sorts the project again.
func (p *Project) renumber(list []*Endpoint) error {
	for i, e := range list {
		if e.Seq != i+1 {
			cp := *e
			cp.Seq = i + 1
			if err := p.SaveEndpoint(&cp); err != nil {
				return err
			}
			*e = cp
		}
	}
	p.sort()
	return nil
}

// CreateFolder adds a folder named name inside parent ("" the top), last
// among its siblings. Its directory is the name made file-safe; a name
// taken by one of the project's own directories ("Recordings" at the top)
// gets "-folder" added (the folder keeps its name in folder.yaml).
func (p *Project) CreateFolder(parent, name string) (*Folder, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "/\\\r\n\t") {
		return nil, fmt.Errorf("folder name %q: must be non-empty without '/', '\\', tabs or newlines", name)
	}
	fp := path.Join(parent, Slug(name))
	if ReservedFolder(fp) {
		fp += "-folder"
	}
	seq := 1
	for _, f := range p.Folders {
		if f.Path == fp {
			return nil, fmt.Errorf("folder %q already exists", fp)
		}
		if ParentFolder(f.Path) == parent && f.Seq >= seq {
			seq = f.Seq + 1
		}
	}
	f := &Folder{Path: fp, Name: name, Seq: seq}
	if err := p.SaveFolder(f); err != nil {
		return nil, err
	}
	return f, nil
}

// MoveFolder puts a folder at position index (0-based) among the
// subfolders of parent ("" the top). When parent is not its parent the
// folder's directory moves there, with everything in it (the endpoints in
// it then have new refs: the folder path is part of a ref). A folder
// cannot move into itself, and a folder of the same directory name already
// in parent stops the move, as does anything in it that would not load
// from its new place. The project is read again from its folder: the
// result is the project after the move (non-nil also with an error once
// the directory moved).
func (p *Project) MoveFolder(folderPath, parent string, index int) (*Project, error) {
	if folderPath == "" || strings.Contains(folderPath, "..") || strings.Contains(parent, "..") {
		return nil, fmt.Errorf("move folder %q into %q: not folders of the project", folderPath, parent)
	}
	if p.Folder(folderPath) == nil {
		return nil, fmt.Errorf("no folder %q in the project", folderPath)
	}
	if parent != "" && p.Folder(parent) == nil {
		return nil, fmt.Errorf("no folder %q to move %q into", parent, folderPath)
	}
	if parent == folderPath || strings.HasPrefix(parent, folderPath+"/") {
		return nil, fmt.Errorf("folder %q cannot move into itself (%q)", folderPath, parent)
	}
	target := folderPath
	if ParentFolder(folderPath) != parent {
		target = path.Join(parent, path.Base(folderPath))
		for _, f := range p.Folders {
			if f.Path == folderPath || strings.HasPrefix(f.Path, folderPath+"/") {
				if err := CheckFolderPath(target + strings.TrimPrefix(f.Path, folderPath)); err != nil {
					return nil, fmt.Errorf("move folder %q into %q: %w", folderPath, parent, err)
				}
			}
		}
		dst := filepath.Join(p.Dir, filepath.FromSlash(target))
		if _, err := os.Lstat(dst); err == nil {
			return nil, fmt.Errorf("folder %q already has a %q: rename one of them first", parent, path.Base(folderPath))
		}
		if err := os.Rename(filepath.Join(p.Dir, filepath.FromSlash(folderPath)), dst); err != nil {
			return nil, fmt.Errorf("move folder %q into %q: %w", folderPath, parent, err)
		}
		np, err := p.Reload()
		if err != nil {
			return nil, err
		}
		p = np
	}
	var list []*Folder
	var moved *Folder
	for _, f := range p.Folders {
		switch {
		case f.Path == target:
			moved = f
		case ParentFolder(f.Path) == parent:
			list = append(list, f)
		}
	}
	if moved == nil {
		return p, fmt.Errorf("folder %q is missing after the move", target)
	}
	index = max(0, min(index, len(list)))
	list = append(list[:index], append([]*Folder{moved}, list[index:]...)...)
	for i, f := range list {
		if f.Seq != i+1 || !f.HasFile {
			cp := *f
			cp.Seq = i + 1
			if cp.Name == "" {
				cp.Name = path.Base(cp.Path)
			}
			if err := p.SaveFolder(&cp); err != nil {
				return p, err
			}
			*f = cp
		}
	}
	np, err := p.Reload()
	if err != nil {
		return p, err
	}
	return np, nil
}

// DeleteFolder removes an empty folder (its folder.yaml and directory) and
// returns the project read again. A folder that still holds endpoints,
// subfolders or other files is kept, and the error says what is in it.
func (p *Project) DeleteFolder(folderPath string) (*Project, error) {
	if folderPath == "" || strings.Contains(folderPath, "..") {
		return nil, fmt.Errorf("folder %q: not a folder of the project", folderPath)
	}
	full := filepath.Join(p.Dir, filepath.FromSlash(folderPath))
	entries, err := os.ReadDir(full)
	if err != nil {
		return nil, err
	}
	var left []string
	for _, e := range entries {
		if e.Name() != FolderFile {
			left = append(left, e.Name())
		}
	}
	if len(left) > 0 {
		return nil, fmt.Errorf("folder %q is not empty (%s): move or delete what is in it first", folderPath, strings.Join(left, ", "))
	}
	if err := os.Remove(filepath.Join(full, FolderFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.Remove(full); err != nil {
		return nil, err
	}
	return p.Reload()
}

// RecordingEndpoint reads the endpoint named in the header line of the
// recording at rel (a path relative to the project; "" when it names none
// or does not read). It reads one line at most, so a listing of many
// recordings stays quick.
func (p *Project) RecordingEndpoint(rel string) string {
	f, err := OpenRegular(filepath.Join(p.Dir, filepath.FromSlash(rel)), MaxRecordingFile) // a pipe must not hang
	if err != nil {
		return ""
	}
	defer f.Close()
	line, _ := bufio.NewReaderSize(f, 4096).ReadSlice('\n')
	var h struct {
		Endpoint string `json:"endpoint"`
	}
	if json.Unmarshal(line, &h) != nil {
		return ""
	}
	return h.Endpoint
}

// NameFromURL makes an endpoint name from a URL's last two path segments
// ("Imported request" when it has none).
func NameFromURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	u = strings.SplitN(u, "?", 2)[0]
	parts := strings.Split(strings.Trim(u, "/"), "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	n := strings.NewReplacer("{", "", "}", "", ":", " ").Replace(strings.Join(parts, " "))
	if strings.TrimSpace(n) == "" {
		return "Imported request"
	}
	return strings.TrimSpace(n)
}
