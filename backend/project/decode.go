package project

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FileError is a file that could not be read or does not parse: its path,
// the line at fault (0 when unknown) and the reason.
type FileError struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`

	err error // the cause, when a read failed (see Unwrap)
}

// Unwrap returns the cause of a read failure (fs.ErrNotExist,
// ErrNotRegular, ErrTooLarge, ErrOutside, ...), or nil.
func (e *FileError) Unwrap() error { return e.err }

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Reason)
}

var yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)

// yamlError turns a yaml.v3 error into a FileError with its line.
func yamlError(path string, err error) *FileError {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if strings.HasPrefix(m[2], "did not find expected") {
			// yaml.v3 reports parser (not scanner) errors at the 0-based
			// line of the construct that is left open.
			line++
		}
		return &FileError{Path: path, Line: line, Reason: m[2]}
	}
	return &FileError{Path: path, Reason: msg}
}

// fileKind names what a file holds, for migration and messages.
type fileKind string

const (
	kindProject     fileKind = "project"
	kindEndpoint    fileKind = "endpoint"
	kindFolder      fileKind = "folder"
	kindEnvironment fileKind = "environment"
)

// decodeFile parses data (the content of path) into out, a pointer to the
// struct for kind: it checks the schema version, migrates older versions,
// rejects unknown fields, all with the line at fault. It returns the root
// mapping node so that validation can name lines too.
func decodeFile(path string, data []byte, kind fileKind, out any) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &FileError{Path: path, Line: 1, Reason: "file is empty (expected a " + string(kind) + " mapping)"}
	}
	if fe := refuseAliases(&doc); fe != nil {
		fe.Path = path
		return nil, fe
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &FileError{Path: path, Line: root.Line, Reason: "expected a mapping of " + string(kind) + " fields"}
	}
	version := 1 // files from before the schema field existed are version 1
	if v := mapValue(root, "schema"); v != nil {
		n, err := strconv.Atoi(v.Value)
		if err != nil || v.Kind != yaml.ScalarNode || n < 1 {
			return nil, &FileError{Path: path, Line: v.Line, Reason: fmt.Sprintf("schema: %q is not a schema version (a whole number >= 1)", v.Value)}
		}
		version = n
	}
	if version > SchemaVersion {
		return nil, &FileError{Path: path, Line: lineOf(root, "schema"), Reason: fmt.Sprintf("schema %d is newer than this streamscope understands (%d); update streamscope", version, SchemaVersion)}
	}
	if err := migrate(kind, root, version); err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			fe.Path = path
			return nil, fe
		}
		return nil, &FileError{Path: path, Line: root.Line, Reason: err.Error()}
	}
	if fe := checkKnown(root, reflect.TypeOf(out).Elem(), ""); fe != nil {
		fe.Path = path
		return nil, fe
	}
	if err := root.Decode(out); err != nil {
		return nil, yamlError(path, err)
	}
	return root, nil
}

// refuseAliases reports the first alias (*name, or a merge <<: *name) in
// the document. Streamscope never writes aliases, and decoding expands
// each one into a full copy of its anchor, so a small file could otherwise
// become gigabytes in memory and in every export of it.
func refuseAliases(doc *yaml.Node) *FileError {
	stack := []*yaml.Node{doc}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Kind == yaml.AliasNode {
			return &FileError{Line: n.Line, Reason: fmt.Sprintf("*%s: YAML aliases are not allowed in project files (write the value out in full)", n.Value)}
		}
		for i := len(n.Content) - 1; i >= 0; i-- {
			stack = append(stack, n.Content[i])
		}
	}
	return nil
}

// encodeYAML renders v as YAML with two-space indentation.
func encodeYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// mapValue returns the value node of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// lineOf returns the line of the value at the path of keys (a key may be a
// decimal index into a sequence), or of the deepest node found on the way.
func lineOf(root *yaml.Node, keys ...string) int {
	n := root
	line := 0
	if n != nil {
		line = n.Line
	}
	for _, k := range keys {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			next = mapValue(n, k)
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return line
		}
		n = next
		line = n.Line
	}
	return line
}

// checkKnown reports the first mapping key that has no field in t (by yaml
// tag), recursing into nested structs and slices of structs.
func checkKnown(n *yaml.Node, t reflect.Type, where string) *FileError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // the decoder reports the type mismatch
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fields[name] = f.Type
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if first, dup := seen[k.Value]; dup {
				return &FileError{Line: k.Line, Reason: fmt.Sprintf("field %q%s given twice (first on line %d)", k.Value, inWhere(where), first)}
			}
			seen[k.Value] = k.Line
			ft, ok := fields[k.Value]
			if !ok {
				known := make([]string, 0, len(fields))
				for name := range fields {
					known = append(known, name)
				}
				slices.Sort(known)
				return &FileError{Line: k.Line, Reason: fmt.Sprintf("unknown field %q%s (known: %s)", k.Value, inWhere(where), strings.Join(known, ", "))}
			}
			if fe := checkKnown(n.Content[i+1], ft, joinWhere(where, k.Value)); fe != nil {
				return fe
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for i, c := range n.Content {
			if fe := checkKnown(c, t.Elem(), fmt.Sprintf("%s[%d]", where, i)); fe != nil {
				return fe
			}
		}
	}
	return nil
}

func inWhere(where string) string {
	if where == "" {
		return ""
	}
	return " in " + where
}

func joinWhere(where, key string) string {
	if where == "" {
		return key
	}
	return where + "." + key
}
