package postman

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/streamscope/streamscope/backend/project"
)

// EnvironmentFile is an imported Postman environment: the environment to
// save (secret variables without their values) and the secret values, to
// be put in the secret store, never in the project.
type EnvironmentFile struct {
	Environment *project.Environment
	Secrets     map[string]string
	Warnings    []string
}

type postmanEnvironment struct {
	Name   string `json:"name"`
	Scope  string `json:"_postman_variable_scope"`
	Values []struct {
		Key     string `json:"key"`
		Value   any    `json:"value"`
		Enabled *bool  `json:"enabled"`
		Type    string `json:"type"`
	} `json:"values"`
}

// IsEnvironment reports whether data looks like a Postman environment export
// (rather than a collection).
func IsEnvironment(data []byte) bool {
	var probe struct {
		Scope  string          `json:"_postman_variable_scope"`
		Values json.RawMessage `json:"values"`
		Info   json.RawMessage `json:"info"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	return probe.Scope == "environment" || (probe.Info == nil && probe.Values != nil)
}

// ImportEnvironment converts a Postman environment export. name overrides
// the environment's name ("" keeps Postman's, made file-safe). Variables of
// Postman type "secret" become secret variables.
func ImportEnvironment(data []byte, file, name string) (*EnvironmentFile, error) {
	var pe postmanEnvironment
	if err := json.Unmarshal(data, &pe); err != nil {
		return nil, jsonError(file, data, err)
	}
	if pe.Scope != "" && pe.Scope != "environment" {
		return nil, fmt.Errorf("%s: _postman_variable_scope %q: expected an environment export", file, pe.Scope)
	}
	if name == "" {
		name = strings.ReplaceAll(project.Slug(pe.Name), ".", "-")
	}
	if !project.ValidEnvironmentName(name) {
		return nil, fmt.Errorf("%s: %q cannot name an environment; give one with --env", file, name)
	}
	out := &EnvironmentFile{Environment: &project.Environment{Name: name}, Secrets: map[string]string{}}
	for i, v := range pe.Values {
		if v.Enabled != nil && !*v.Enabled {
			continue
		}
		vr := project.Variable{Name: v.Key, Value: scalar(v.Value), Secret: v.Type == "secret"}
		probe := &project.Environment{Variables: []project.Variable{{Name: vr.Name}}}
		if err := probe.Validate(); err != nil {
			out.Warnings = append(out.Warnings, fmt.Sprintf("values[%d] %q skipped: %v", i, v.Key, err))
			continue
		}
		if vr.Secret {
			out.Secrets[vr.Name] = vr.Value
		}
		out.Environment.Set(vr)
	}
	return out, nil
}
