package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrBrokenFile is wrapped by a save that refuses to replace a file which
// does not parse: the user's text in it would be lost.
var ErrBrokenFile = errors.New("refusing to overwrite a file that does not parse")

// saveFile writes v as YAML to rel (relative to the project root), after
// checking, under the file's lock, that whatever is there now still parses
// as kind: a broken file is never overwritten.
func (p *Project) saveFile(rel string, kind fileKind, v any) error {
	full := filepath.Join(p.Dir, filepath.FromSlash(rel))
	data, err := encodeYAML(v)
	if err != nil {
		return fmt.Errorf("%s: %w", full, err)
	}
	if len(data) > MaxYAMLFile {
		// Loading would refuse it: never write a file that does not load.
		return fmt.Errorf("%s: %w", full, tooLarge(int64(len(data)), MaxYAMLFile))
	}
	if err := p.mkdirInside(path.Dir(rel)); err != nil {
		return err
	}
	unlock := lockFile(full)
	defer unlock()
	if err := checkReplaceable(full, kind); err != nil {
		return err
	}
	return writeFileAtomicLocked(full, data, 0o644)
}

// checkReplaceable returns an error wrapping ErrBrokenFile when full exists
// and does not parse as kind.
func checkReplaceable(full string, kind fileKind) error {
	old, err := ReadRegular(full, MaxYAMLFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("%w: %v (fix or remove it by hand first)", ErrBrokenFile, err)
	}
	if err != nil {
		return err
	}
	var target any
	switch kind {
	case kindEndpoint:
		_, err = parseEndpoint(full, old)
	case kindProject:
		target = &Meta{}
	case kindFolder:
		target = &Folder{}
	case kindEnvironment:
		target = &Environment{}
	}
	if target != nil {
		var root *yaml.Node
		root, err = decodeFile(full, old, kind, target)
		if env, ok := target.(*Environment); ok && err == nil {
			if fe := validateEnvironment(env); fe != nil {
				err = fe.toFileError(full, root)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%w: %v (fix or remove it by hand first)", ErrBrokenFile, err)
	}
	return nil
}

// SaveMeta writes streamscope.yaml.
func (p *Project) SaveMeta() error {
	if !validID(p.Meta.ID) {
		return fmt.Errorf("%s: id %q is not a project id", filepath.Join(p.Dir, ProjectFile), p.Meta.ID)
	}
	p.Meta.Schema = SchemaVersion
	return p.saveFile(ProjectFile, kindProject, &p.Meta)
}

// SaveEndpoint validates ep and writes its file. An endpoint never saved
// gets a file named after it in its Folder, and the next seq of that
// folder when its Seq is 0. The project's list is updated.
func (p *Project) SaveEndpoint(ep *Endpoint) error {
	if err := ep.Validate(); err != nil {
		return fmt.Errorf("endpoint %q: %w", ep.Name, err)
	}
	if ep.Folder != "" {
		if err := CheckFolderPath(ep.Folder); err != nil {
			return fmt.Errorf("endpoint %q: %w", ep.Name, err)
		}
	}
	isNew := ep.File == ""
	for _, o := range p.Endpoints {
		if o != ep && o.Folder == ep.Folder && o.Name == ep.Name && o.File != ep.File {
			return fmt.Errorf("endpoint %q already exists in %s", ep.Ref(), o.File)
		}
	}
	if isNew {
		file, err := p.freeEndpointFile(ep.Folder, ep.Name)
		if err != nil {
			return fmt.Errorf("endpoint %q: %w", ep.Name, err)
		}
		ep.File = file
		if ep.Seq == 0 {
			ep.Seq = p.nextSeq(ep.Folder)
		}
	}
	ep.Schema = SchemaVersion
	if err := p.saveFile(ep.File, kindEndpoint, ep); err != nil {
		if isNew {
			ep.File = ""
		}
		return err
	}
	if isNew {
		p.Endpoints = append(p.Endpoints, ep)
		if ep.Folder != "" && p.Folder(ep.Folder) == nil {
			have := make(map[string]bool, len(p.Folders))
			for _, f := range p.Folders {
				have[f.Path] = true
			}
			parts := strings.Split(ep.Folder, "/")
			for i := range parts {
				fp := strings.Join(parts[:i+1], "/")
				if !have[fp] {
					p.Folders = append(p.Folders, &Folder{Path: fp, Name: parts[i]})
				}
			}
		}
		p.sort()
	}
	return nil
}

// freeEndpointFile picks FOLDER/slug.endpoint.yaml, adding -2, -3, ... when
// the name is taken (by a loaded endpoint, a broken file, or anything on
// disk). The slug is bounded (see slug), the name itself is kept in the
// file; an error from the file system (other than "does not exist") ends
// the search.
func (p *Project) freeEndpointFile(folder, name string) (string, error) {
	dir := filepath.Join(p.Dir, filepath.FromSlash(folder))
	file, err := probeName(slug(name), EndpointExt, func(file string) (bool, error) {
		return onDisk(filepath.Join(dir, file))
	})
	if err != nil {
		return "", err
	}
	return path.Join(folder, file), nil
}

func (p *Project) nextSeq(folder string) int {
	max := 0
	for _, e := range p.Endpoints {
		if e.Folder == folder && e.Seq > max {
			max = e.Seq
		}
	}
	return max + 1
}

// DeleteEndpoint removes an endpoint's file (not its script).
func (p *Project) DeleteEndpoint(ep *Endpoint) error {
	if ep.File == "" {
		return fmt.Errorf("endpoint %q was never saved", ep.Name)
	}
	if err := os.Remove(filepath.Join(p.Dir, filepath.FromSlash(ep.File))); err != nil {
		return err
	}
	for i, o := range p.Endpoints {
		if o == ep {
			p.Endpoints = append(p.Endpoints[:i], p.Endpoints[i+1:]...)
			break
		}
	}
	return nil
}

// SaveFolder writes a folder's folder.yaml (creating the directory).
func (p *Project) SaveFolder(f *Folder) error {
	if err := CheckFolderPath(f.Path); err != nil {
		return err
	}
	f.Schema = SchemaVersion
	if err := p.saveFile(path.Join(f.Path, FolderFile), kindFolder, f); err != nil {
		return err
	}
	f.HasFile = true
	if p.Folder(f.Path) == nil {
		p.Folders = append(p.Folders, f)
		p.sort()
	}
	return nil
}

// SaveEnvironment validates env and writes environments/NAME.yaml. A
// secret variable's value is never written (it belongs in the secret store).
func (p *Project) SaveEnvironment(env *Environment) error {
	if !ValidEnvironmentName(env.Name) {
		return fmt.Errorf("environment %q: a name is letters, digits, '_', '.' and '-'", env.Name)
	}
	if len(env.Name) > maxSlugBytes {
		return fmt.Errorf("environment %s: a name is at most %d characters (this one has %d)", quoteShort(env.Name), maxSlugBytes, len(env.Name))
	}
	if fe := validateEnvironment(env); fe != nil {
		return fmt.Errorf("environment %q: %s: %s", env.Name, strings.Join(fe.keys, "."), fe.reason)
	}
	env.Schema = SchemaVersion
	env.File = EnvironmentsDir + "/" + env.Name + environmentExt
	if err := p.saveFile(env.File, kindEnvironment, env); err != nil {
		return err
	}
	for _, e := range p.Environments {
		if e == env || e.Name == env.Name {
			*e = *env
			return nil
		}
	}
	p.Environments = append(p.Environments, env)
	p.sort()
	return nil
}

// ScriptPath returns the absolute path of ep's script ("" when it has none).
func (p *Project) ScriptPath(ep *Endpoint) string {
	if ep.Script == "" {
		return ""
	}
	return filepath.Join(p.Dir, filepath.FromSlash(ep.Folder), filepath.FromSlash(ep.Script))
}

// ReadScript returns ep's script source ("" when it has none).
func (p *Project) ReadScript(ep *Endpoint) (string, error) {
	fp := p.ScriptPath(ep)
	if fp == "" {
		return "", nil
	}
	b, err := p.readProjectFile(fp, MaxScriptFile)
	if err != nil {
		return "", fmt.Errorf("script of endpoint %q: %w", ep.Ref(), err)
	}
	return string(b), nil
}

// SaveScript writes src as ep's script, beside the endpoint file (named
// after it, NAME.js, unless ep already names a script), and saves ep.
func (p *Project) SaveScript(ep *Endpoint, src string) error {
	if ep.Script == "" {
		if ep.File == "" {
			if err := p.SaveEndpoint(ep); err != nil {
				return err
			}
		}
		ep.Script = strings.TrimSuffix(path.Base(ep.File), EndpointExt) + ".js"
	}
	if err := ep.Validate(); err != nil {
		return err
	}
	if err := p.checkInside(path.Dir(path.Join(ep.Folder, ep.Script))); err != nil {
		return err
	}
	if err := WriteFileAtomic(p.ScriptPath(ep), []byte(src), 0o644); err != nil {
		return err
	}
	return p.SaveEndpoint(ep)
}
