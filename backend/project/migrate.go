package project

import (
	"encoding/json"
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Schema history.
//
// Version 1 was the first, hand-writing-friendly draft: headers and query
// parameters as a mapping (`headers: {Accept: text/event-stream}`), a body
// as a plain string, and environment variables as a mapping
// (`variables: {base_url: http://…}`). Files without a `schema` field are
// read as version 1.
//
// Version 2 (current) keeps every list as a sequence of entries, so headers
// can repeat and be disabled, variables can be marked secret, and a body
// has a type. Version 1 files are migrated when read; they are written as
// version 2 the next time they are saved, never before.
//
// Fields added within version 2 are optional and default to the behaviour
// before them (an endpoint's follow_redirects: unset follows), so older
// version 2 files read the same; a build that predates a field reports it
// as unknown (checkKnown) instead of ignoring it.

// migrations[v] turns a version v root mapping into version v+1, in place.
var migrations = map[int]func(kind fileKind, root *yaml.Node) error{
	1: migrate1to2,
}

// migrate brings root from version `from` to SchemaVersion.
func migrate(kind fileKind, root *yaml.Node, from int) error {
	for v := from; v < SchemaVersion; v++ {
		step, ok := migrations[v]
		if !ok {
			return fmt.Errorf("no migration from schema %d", v)
		}
		if err := step(kind, root); err != nil {
			return err
		}
	}
	setMapScalar(root, "schema", strconv.Itoa(SchemaVersion), "!!int")
	return nil
}

func migrate1to2(kind fileKind, root *yaml.Node) error {
	switch kind {
	case kindEndpoint:
		for _, key := range []string{"headers", "query"} {
			if err := mappingToEntries(root, key, "name", "value"); err != nil {
				return err
			}
		}
		if b := mapValue(root, "body"); b != nil && b.Kind == yaml.ScalarNode {
			typ := BodyRaw
			if json.Valid([]byte(b.Value)) {
				typ = BodyJSON
			}
			text := *b
			text.Style = 0
			if len(b.Value) > 0 && b.Value[len(b.Value)-1] != '\n' && containsNewline(b.Value) {
				text.Style = yaml.LiteralStyle
			}
			*b = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: b.Line, Column: b.Column, Content: []*yaml.Node{
				scalar("type", b.Line), scalar(typ, b.Line),
				scalar("text", b.Line), &text,
			}}
		}
	case kindEnvironment:
		if err := mappingToEntries(root, "variables", "name", "value"); err != nil {
			return err
		}
	}
	return nil
}

// mappingToEntries turns `key: {a: 1, b: 2}` into
// `key: [{name: a, value: 1}, {name: b, value: 2}]`.
func mappingToEntries(root *yaml.Node, key, nameField, valueField string) error {
	m := mapValue(root, key)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: m.Line, Column: m.Column}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return &FileError{Line: v.Line, Reason: fmt.Sprintf("%s.%s: expected a plain value (schema 1 mapping form)", key, k.Value)}
		}
		val := *v
		val.Tag = "!!str"
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: k.Line, Column: k.Column, Content: []*yaml.Node{
			scalar(nameField, k.Line), scalarStr(k.Value, k.Line),
			scalar(valueField, k.Line), &val,
		}})
	}
	*m = *seq
	return nil
}

func containsNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return true
		}
	}
	return false
}

func scalar(v string, line int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: line}
}

func scalarStr(v string, line int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: line}
}

// setMapScalar sets key to a scalar value in a mapping node, adding it
// first when absent.
func setMapScalar(m *yaml.Node, key, value, tag string) {
	if v := mapValue(m, key); v != nil {
		v.Kind, v.Value, v.Tag, v.Content = yaml.ScalarNode, value, tag, nil
		return
	}
	m.Content = append([]*yaml.Node{scalar(key, m.Line), {Kind: yaml.ScalarNode, Value: value, Tag: tag, Line: m.Line}}, m.Content...)
}
