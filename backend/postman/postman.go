package postman

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/project"
)

// EnvironmentName is the environment that receives the collection's variables.
const EnvironmentName = "collection"

type collection struct {
	Info     info       `json:"info"`
	Item     []item     `json:"item"`
	Variable []variable `json:"variable"`
	Auth     *auth      `json:"auth"`
}

type info struct {
	Name        string          `json:"name"`
	Schema      string          `json:"schema"`
	Description json.RawMessage `json:"description"`
}

type item struct {
	Name        string          `json:"name"`
	Item        []item          `json:"item"`    // a folder
	Request     json.RawMessage `json:"request"` // a request: an object or a URL string
	Event       []event         `json:"event"`
	Auth        *auth           `json:"auth"`
	Description json.RawMessage `json:"description"`
}

type event struct {
	Listen string `json:"listen"`
	Script struct {
		Exec json.RawMessage `json:"exec"` // string or array of lines
	} `json:"script"`
}

type variable struct {
	Key      string `json:"key"`
	Value    any    `json:"value"`
	Disabled bool   `json:"disabled"`
}

type request struct {
	Method      string          `json:"method"`
	URL         json.RawMessage `json:"url"`
	Header      json.RawMessage `json:"header"`
	Body        *body           `json:"body"`
	Auth        *auth           `json:"auth"`
	Description json.RawMessage `json:"description"`
}

type urlObject struct {
	Raw      string          `json:"raw"`
	Protocol string          `json:"protocol"`
	Host     json.RawMessage `json:"host"`
	Port     string          `json:"port"`
	Path     json.RawMessage `json:"path"`
	Query    []keyValue      `json:"query"`
	Variable []keyValue      `json:"variable"`
}

type keyValue struct {
	Key      string `json:"key"`
	Value    any    `json:"value"`
	Disabled bool   `json:"disabled"`
	Type     string `json:"type"`
	Src      any    `json:"src"`
}

type body struct {
	Mode       string     `json:"mode"`
	Raw        string     `json:"raw"`
	URLEncoded []keyValue `json:"urlencoded"`
	FormData   []keyValue `json:"formdata"`
	GraphQL    *struct {
		Query     string `json:"query"`
		Variables string `json:"variables"`
	} `json:"graphql"`
	Options struct {
		Raw struct {
			Language string `json:"language"`
		} `json:"raw"`
	} `json:"options"`
	Disabled bool `json:"disabled"`
}

type auth struct {
	Type   string          `json:"type"`
	Bearer json.RawMessage `json:"bearer"`
	Basic  json.RawMessage `json:"basic"`
	APIKey json.RawMessage `json:"apikey"`
	AWSV4  json.RawMessage `json:"awsv4"`
}

// Result is what Import made.
type Result struct {
	Project  *project.Project
	Warnings []string
}

// Import reads a Postman collection (the JSON in data, named file in
// messages) and creates a project from it in dir, which must not exist or
// be empty. Everything is converted and validated before the first file is
// written.
func Import(data []byte, file, dir string) (*Result, error) {
	var c collection
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, jsonError(file, data, err)
	}
	if c.Info.Schema != "" && !strings.Contains(c.Info.Schema, "/v2.1") && !strings.Contains(c.Info.Schema, "/v2.0") {
		return nil, fmt.Errorf("%s: info.schema %q: only Postman collection v2.1 and v2.0 are supported (export the collection as v2.1)", file, c.Info.Schema)
	}
	if c.Info.Name == "" && len(c.Item) == 0 {
		return nil, fmt.Errorf("%s: not a Postman collection (no info.name and no item)", file)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s: the folder is not empty; import a collection into a new folder", dir)
	}
	cv := &converter{file: file}
	cv.walk(c.Item, "", "item", c.Auth)
	if cv.err != nil {
		return nil, cv.err
	}
	env := &project.Environment{Name: EnvironmentName}
	for i, v := range c.Variable {
		if v.Disabled {
			continue
		}
		vr := project.Variable{Name: v.Key, Value: scalar(v.Value)}
		probe := &project.Environment{Name: EnvironmentName, Variables: []project.Variable{vr}}
		if err := probe.Validate(); err != nil {
			cv.warn("variable[%d] %q skipped: %v", i, v.Key, err)
			continue
		}
		env.Set(vr)
	}

	name := c.Info.Name
	if name == "" {
		name = "Postman collection"
	}
	p, err := project.Create(dir, name)
	if err != nil {
		return nil, err
	}
	if notes := description(c.Info.Description); notes != "" {
		p.Meta.Notes = notes
		if err := p.SaveMeta(); err != nil {
			return nil, err
		}
	}
	for _, f := range cv.folders {
		if err := p.SaveFolder(f); err != nil {
			return nil, err
		}
	}
	for _, e := range cv.endpoints {
		if e.script != "" {
			if err := p.SaveScript(e.ep, e.script); err != nil {
				return nil, err
			}
			continue
		}
		if err := p.SaveEndpoint(e.ep); err != nil {
			return nil, err
		}
	}
	if len(env.Variables) > 0 {
		if err := p.SaveEnvironment(env); err != nil {
			return nil, err
		}
	}
	return &Result{Project: p, Warnings: cv.warnings}, nil
}

// jsonError names the line and column of a JSON syntax error.
func jsonError(file string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		err = fmt.Errorf("%s: expected %s, got %s", te.Field, te.Type, te.Value)
	}
	if off < 0 {
		return fmt.Errorf("%s: %v", file, err)
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Errorf("%s:%d:%d: %v", file, line, col, err)
}

type pending struct {
	ep     *project.Endpoint
	script string
}

type converter struct {
	file      string
	folders   []*project.Folder
	endpoints []pending
	warnings  []string
	err       error
	usedDirs  map[string]bool
}

func (cv *converter) warn(format string, a ...any) {
	cv.warnings = append(cv.warnings, fmt.Sprintf(format, a...))
}

func (cv *converter) fail(where string, format string, a ...any) {
	if len(where) > 80 {
		// Deep in nested folders: the innermost part says where.
		cut := len(where) - 60
		if i := strings.IndexByte(where[cut:], '.'); i >= 0 {
			cut += i + 1
		}
		for !utf8.RuneStart(where[cut]) {
			cut++
		}
		where = "…" + where[cut:]
	}
	if cv.err == nil {
		cv.err = fmt.Errorf("%s: %s: %s", cv.file, where, fmt.Sprintf(format, a...))
	}
}

// walk converts the items of one folder ("" at the top); where is the JSON
// path of the list, inherited the auth in effect.
func (cv *converter) walk(items []item, dir, where string, inherited *auth) {
	names := map[string]int{}
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", where, i)
		if cv.err != nil {
			return
		}
		effective := inherited
		if it.Auth != nil {
			effective = it.Auth
		}
		if it.Request == nil && it.Item != nil {
			d := cv.folderDir(dir, it.Name)
			if err := project.CheckFolderPath(d); err != nil {
				// Also what ends a collection nested thousands deep: the
				// walk goes no deeper than project.MaxFolderDepth.
				cv.fail(at, "%q: %v", it.Name, err)
				return
			}
			f := &project.Folder{Path: d, Name: it.Name, Seq: i + 1, Notes: description(it.Description)}
			cv.folders = append(cv.folders, f)
			cv.walk(it.Item, d, at+".item", effective)
			continue
		}
		if it.Request == nil {
			cv.warn("%s %q skipped: neither a request nor a folder", at, it.Name)
			continue
		}
		name := strings.TrimSpace(strings.NewReplacer("/", "-", "\\", "-", "\t", " ", "\n", " ", "\r", " ").Replace(it.Name))
		if name == "" {
			name = fmt.Sprintf("Request %d", i+1)
		}
		names[strings.ToLower(name)]++
		if n := names[strings.ToLower(name)]; n > 1 {
			name = fmt.Sprintf("%s (%d)", name, n)
		}
		ep, err := cv.request(it, at, effective)
		if err != nil {
			cv.fail(at, "%v", err)
			return
		}
		ep.Name, ep.Folder, ep.Seq = name, dir, i+1
		if ep.Notes == "" {
			ep.Notes = description(it.Description)
		}
		if err := ep.Validate(); err != nil {
			cv.fail(at+" "+fmt.Sprintf("%q", it.Name), "%v", err)
			return
		}
		var script string
		for _, ev := range it.Event {
			src := execText(ev.Script.Exec)
			if strings.TrimSpace(src) == "" {
				continue
			}
			switch ev.Listen {
			case "test":
				script = src
			case "prerequest":
				cv.warn("%s %q: the pre-request script was not imported (Streamscope runs scripts over the response stream only)", at, it.Name)
			}
		}
		cv.endpoints = append(cv.endpoints, pending{ep: ep, script: script})
	}
}

func (cv *converter) folderDir(parent, name string) string {
	if cv.usedDirs == nil {
		cv.usedDirs = map[string]bool{}
	}
	base := project.Slug(name)
	for i := 1; ; i++ {
		d := base
		if i > 1 {
			d = fmt.Sprintf("%s-%d", base, i)
		}
		full := path.Join(parent, d)
		if !cv.usedDirs[full] && !project.ReservedFolder(full) {
			cv.usedDirs[full] = true
			return full
		}
	}
}

func (cv *converter) request(it item, at string, effective *auth) (*project.Endpoint, error) {
	ep := &project.Endpoint{}
	var r request
	if len(it.Request) > 0 && it.Request[0] == '"' {
		var u string
		if err := json.Unmarshal(it.Request, &u); err != nil {
			return nil, fmt.Errorf("request: %v", err)
		}
		r.Method = "GET"
		ep.URL = u
	} else {
		if err := json.Unmarshal(it.Request, &r); err != nil {
			return nil, fmt.Errorf("request: %v", err)
		}
		if err := cv.url(ep, r.URL, at); err != nil {
			return nil, err
		}
	}
	ep.Method = strings.ToUpper(r.Method)
	if ep.Method == "" {
		ep.Method = "GET"
	}
	ep.Notes = description(r.Description)
	headers, err := headerList(r.Header)
	if err != nil {
		return nil, fmt.Errorf("request.header: %v", err)
	}
	ep.Headers = headers
	if r.Auth != nil {
		effective = r.Auth
	}
	if effective != nil {
		a, err := convertAuth(effective)
		if err != nil {
			cv.warn("%s %q: %v", at, it.Name, err)
		}
		ep.Auth = a
	}
	if b := r.Body; b != nil && !b.Disabled {
		cv.body(ep, b, at, it.Name)
	}
	return ep, nil
}

func (cv *converter) url(ep *project.Endpoint, raw json.RawMessage, at string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return fmt.Errorf("request.url is missing")
	}
	if raw[0] == '"' {
		return json.Unmarshal(raw, &ep.URL)
	}
	var u urlObject
	if err := json.Unmarshal(raw, &u); err != nil {
		return fmt.Errorf("request.url: %v", err)
	}
	base := u.Raw
	if base == "" {
		host := joinParts(u.Host, ".")
		if u.Protocol != "" {
			base = u.Protocol + "://"
		}
		base += host
		if u.Port != "" {
			base += ":" + u.Port
		}
		if p := joinParts(u.Path, "/"); p != "" {
			base += "/" + strings.TrimPrefix(p, "/")
		}
	}
	if u.Query != nil {
		base, _, _ = strings.Cut(base, "?")
		for _, q := range u.Query {
			ep.Query = append(ep.Query, project.KV{Name: q.Key, Value: scalar(q.Value), Disabled: q.Disabled})
		}
	}
	if len(u.Variable) > 0 {
		for _, v := range u.Variable {
			// Postman path variables (:name) become {{name}}.
			if v.Key != "" && strings.Contains(base, ":"+v.Key) {
				base = replacePathVar(base, v.Key)
				cv.warn("%s: path variable :%s is now {{%s}}; give it a value with --var %s=… or in an environment", at, v.Key, v.Key, v.Key)
			}
		}
	}
	ep.URL = base
	return nil
}

// replacePathVar turns the path segment ":key" into "{{key}}".
func replacePathVar(u, key string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		scheme, rest = "", u
	}
	segs := strings.Split(rest, "/")
	for i := 1; i < len(segs); i++ {
		if segs[i] == ":"+key {
			segs[i] = "{{" + key + "}}"
		}
	}
	out := strings.Join(segs, "/")
	if ok {
		out = scheme + "://" + out
	}
	return out
}

func joinParts(raw json.RawMessage, sep string) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []any
	if json.Unmarshal(raw, &parts) == nil {
		strs := make([]string, 0, len(parts))
		for _, p := range parts {
			if m, ok := p.(map[string]any); ok { // path segment objects {type, value}
				p = m["value"]
			}
			strs = append(strs, scalar(p))
		}
		return strings.Join(strs, sep)
	}
	return ""
}

func headerList(raw json.RawMessage) ([]project.KV, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var out []project.KV
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		for _, line := range strings.Split(s, "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && strings.TrimSpace(k) != "" {
				out = append(out, project.KV{Name: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
			}
		}
		return out, nil
	}
	var list []keyValue
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	for _, h := range list {
		if h.Key == "" {
			continue
		}
		out = append(out, project.KV{Name: h.Key, Value: scalar(h.Value), Disabled: h.Disabled})
	}
	return out, nil
}

var rawLanguageTypes = map[string]string{
	"json": "application/json", "xml": "application/xml", "html": "text/html",
	"javascript": "application/javascript", "text": "text/plain",
}

func (cv *converter) body(ep *project.Endpoint, b *body, at, name string) {
	switch b.Mode {
	case "raw":
		if b.Raw == "" {
			return
		}
		lang := b.Options.Raw.Language
		if lang == "json" || (lang == "" && headerIs(ep.Headers, "json")) {
			ep.Body = &project.Body{Type: project.BodyJSON, Text: b.Raw}
			return
		}
		ep.Body = &project.Body{Type: project.BodyRaw, Text: b.Raw, ContentType: rawLanguageTypes[lang]}
	case "urlencoded":
		var fields []project.FormField
		for _, f := range b.URLEncoded {
			fields = append(fields, project.FormField{Name: f.Key, Value: scalar(f.Value), Disabled: f.Disabled})
		}
		ep.Body = &project.Body{Type: project.BodyURLEncoded, Fields: fields}
	case "formdata":
		var fields []project.FormField
		for _, f := range b.FormData {
			if f.Type == "file" {
				src := scalar(f.Src)
				if src == "" || path.IsAbs(src) || strings.HasPrefix(src, "..") || strings.Contains(src, ":") {
					cv.warn("%s %q: form file %q left out (copy the file into the project and set its path)", at, name, src)
					continue
				}
				fields = append(fields, project.FormField{Name: f.Key, File: src, Disabled: f.Disabled})
				continue
			}
			fields = append(fields, project.FormField{Name: f.Key, Value: scalar(f.Value), Disabled: f.Disabled})
		}
		ep.Body = &project.Body{Type: project.BodyForm, Fields: fields}
	case "graphql":
		if b.GraphQL == nil {
			return
		}
		vars := json.RawMessage("{}")
		if v := strings.TrimSpace(b.GraphQL.Variables); v != "" && json.Valid([]byte(v)) {
			vars = json.RawMessage(v)
		}
		text, _ := json.Marshal(map[string]any{"query": b.GraphQL.Query, "variables": vars})
		ep.Body = &project.Body{Type: project.BodyJSON, Text: string(text)}
	case "file":
		cv.warn("%s %q: a file body was not imported", at, name)
	case "":
	default:
		cv.warn("%s %q: body mode %q was not imported", at, name, b.Mode)
	}
}

func headerIs(h []project.KV, sub string) bool {
	for _, kv := range h {
		if strings.EqualFold(kv.Name, "Content-Type") && strings.Contains(strings.ToLower(kv.Value), sub) {
			return true
		}
	}
	return false
}

// attrs reads Postman auth attributes: a list of {key, value} (v2.1) or an
// object (v2.0).
func attrs(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 {
		return out
	}
	var list []keyValue
	if json.Unmarshal(raw, &list) == nil {
		for _, a := range list {
			out[a.Key] = scalar(a.Value)
		}
		return out
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) == nil {
		for k, v := range obj {
			out[k] = scalar(v)
		}
	}
	return out
}

func convertAuth(a *auth) (*project.Auth, error) {
	switch a.Type {
	case "noauth", "":
		return nil, nil
	case "bearer":
		return &project.Auth{Type: project.AuthBearer, Token: attrs(a.Bearer)["token"]}, nil
	case "basic":
		m := attrs(a.Basic)
		return &project.Auth{Type: project.AuthBasic, Username: m["username"], Password: m["password"]}, nil
	case "apikey":
		m := attrs(a.APIKey)
		in := m["in"]
		if in == "" {
			in = "header"
		}
		return &project.Auth{Type: project.AuthAPIKey, Key: m["key"], Value: m["value"], In: in}, nil
	case "awsv4":
		m := attrs(a.AWSV4)
		au := &project.Auth{Type: project.AuthSigV4, AccessKey: m["accessKey"], SecretKey: m["secretKey"],
			SessionToken: m["sessionToken"], Region: m["region"], Service: m["service"]}
		if au.AccessKey == "" || au.SecretKey == "" || au.Region == "" || au.Service == "" {
			return nil, fmt.Errorf("auth type %q needs accessKey, secretKey, region and service; the request was imported without auth", a.Type)
		}
		return au, nil
	default:
		return nil, fmt.Errorf("auth type %q is not supported; the request was imported without auth", a.Type)
	}
}

func execText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return ensureNewline(s)
	}
	var lines []string
	if json.Unmarshal(raw, &lines) == nil {
		return ensureNewline(strings.Join(lines, "\n"))
	}
	return ""
}

func ensureNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

func description(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var d struct {
		Content string `json:"content"`
	}
	if json.Unmarshal(raw, &d) == nil {
		return d.Content
	}
	return ""
}

// scalar renders a JSON value as Postman shows it in a field.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64, bool:
		b, _ := json.Marshal(x)
		return string(b)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
