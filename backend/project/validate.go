package project

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/ohler55/ojg/jp"
	"github.com/streamscope/streamscope/backend/merge"
	"gopkg.in/yaml.v3"
)

// StreamModes are the accepted values of Endpoint.Stream.
var StreamModes = []string{"auto", "sse", "ndjson", "eventstream", "plain"}

// MergeFormats are the accepted values of MergeSettings.Format besides
// "auto": the formats `streamscope merge --format` accepts (merge.Formats,
// one list for both).
var MergeFormats = merge.Formats

// fieldError is a validation failure at a path of keys in the file.
type fieldError struct {
	keys   []string
	reason string
}

func ferr(reason string, keys ...string) *fieldError { return &fieldError{keys: keys, reason: reason} }

// toFileError places a fieldError at its line, using root when the endpoint
// came from a file.
func (f *fieldError) toFileError(path string, root *yaml.Node) *FileError {
	line := 0
	if root != nil {
		line = lineOf(root, f.keys...)
	}
	return &FileError{Path: path, Line: line, Reason: strings.Join(f.keys, ".") + ": " + f.reason}
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// Validate checks an endpoint's fields and normalises the method to upper
// case. The error names the field at fault.
func (e *Endpoint) Validate() error {
	if fe := e.validate(); fe != nil {
		return fmt.Errorf("%s: %s", strings.Join(fe.keys, "."), fe.reason)
	}
	return nil
}

func (e *Endpoint) validate() *fieldError {
	if strings.TrimSpace(e.Name) == "" {
		return ferr("an endpoint needs a name", "name")
	}
	if strings.ContainsAny(e.Name, "/\\\n\r\t") {
		return ferr(fmt.Sprintf("%q: a name cannot contain '/', '\\', tabs or newlines", e.Name), "name")
	}
	if _, bad := controlChar(e.Name, false); bad {
		return ferr(fmt.Sprintf("%q: a name cannot contain control characters", e.Name), "name")
	}
	if e.Method == "" {
		e.Method = "GET"
	}
	for _, r := range e.Method {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return ferr(fmt.Sprintf("%q is not an HTTP method", e.Method), "method")
		}
	}
	e.Method = strings.ToUpper(e.Method)
	if reason := urlReason(e.URL, false); reason != "" {
		return ferr(reason, "url")
	}
	for i, kv := range e.Query {
		if kv.Name == "" {
			return ferr("a query parameter needs a name", "query", strconv.Itoa(i), "name")
		}
	}
	for i, kv := range e.Headers {
		if !validHeaderName(kv.Name) {
			return ferr(fmt.Sprintf("%q is not a header name", kv.Name), "headers", strconv.Itoa(i), "name")
		}
		if reason := controlReason(kv.Value, true); reason != "" {
			return ferr("a header value "+reason, "headers", strconv.Itoa(i), "value")
		}
	}
	if b := e.Body; b != nil {
		if reason := controlReason(b.ContentType, true); reason != "" {
			return ferr("a content type "+reason, "body", "content_type")
		}
		switch b.Type {
		case BodyJSON, BodyRaw:
			if len(b.Fields) > 0 {
				return ferr("a "+b.Type+" body has text, not fields", "body", "fields")
			}
		case BodyForm, BodyURLEncoded:
			if b.Text != "" {
				return ferr("a "+b.Type+" body has fields, not text", "body", "text")
			}
			for i, f := range b.Fields {
				if f.Name == "" {
					return ferr("a field needs a name", "body", "fields", strconv.Itoa(i), "name")
				}
				if reason := controlReason(f.Name, false); reason != "" && b.Type == BodyForm {
					return ferr("a form field name "+reason, "body", "fields", strconv.Itoa(i), "name")
				}
				if reason := controlReason(f.File, false); reason != "" {
					return ferr("a file name "+reason, "body", "fields", strconv.Itoa(i), "file")
				}
				if f.File != "" && b.Type != BodyForm {
					return ferr("only form bodies can send files", "body", "fields", strconv.Itoa(i), "file")
				}
				if f.File != "" && !insideRelative(f.File) {
					return ferr(fmt.Sprintf("%q must be a relative path inside the project", f.File), "body", "fields", strconv.Itoa(i), "file")
				}
			}
		default:
			return ferr(fmt.Sprintf("%q is not a body type (json, raw, form, urlencoded)", b.Type), "body", "type")
		}
	}
	if a := e.Auth; a != nil {
		for _, f := range []struct{ key, value string }{{"token", a.Token}, {"username", a.Username}, {"password", a.Password}, {"key", a.Key}, {"value", a.Value},
			{"access_key", a.AccessKey}, {"secret_key", a.SecretKey}, {"session_token", a.SessionToken}, {"region", a.Region}, {"service", a.Service}} {
			if reason := controlReason(f.value, f.key != "key"); reason != "" {
				return ferr(reason, "auth", f.key)
			}
		}
		switch a.Type {
		case AuthNone, "":
		case AuthBearer:
			if a.Token == "" {
				return ferr("bearer auth needs a token", "auth", "token")
			}
		case AuthBasic:
			if a.Username == "" {
				return ferr("basic auth needs a username", "auth", "username")
			}
		case AuthAPIKey:
			if a.Key == "" {
				return ferr("API key auth needs the header or parameter name", "auth", "key")
			}
			if a.In == "" {
				a.In = "header"
			}
			if !oneOf(a.In, "header", "query") {
				return ferr(fmt.Sprintf("%q: an API key goes in \"header\" or \"query\"", a.In), "auth", "in")
			}
			if a.In == "header" && !validHeaderName(a.Key) {
				return ferr(fmt.Sprintf("%q is not a header name", a.Key), "auth", "key")
			}
		case AuthSigV4:
			for _, f := range []struct{ key, value, what string }{{"access_key", a.AccessKey, "an access key"}, {"secret_key", a.SecretKey, "a secret key"},
				{"region", a.Region, "a region (e.g. us-east-1)"}, {"service", a.Service, "a service (bedrock for Bedrock)"}} {
				if f.value == "" {
					return ferr("sigv4 auth needs "+f.what, "auth", f.key)
				}
			}
		default:
			return ferr(fmt.Sprintf("%q is not an auth type (none, bearer, basic, apikey, sigv4)", a.Type), "auth", "type")
		}
	}
	if e.Stream != "" && !oneOf(e.Stream, StreamModes...) {
		return ferr(fmt.Sprintf("%q is not a stream mode (%s)", e.Stream, strings.Join(StreamModes, ", ")), "stream")
	}
	if m := e.Merge; m != nil {
		if m.Format != "" && m.Format != "auto" && !oneOf(m.Format, MergeFormats...) {
			return ferr(fmt.Sprintf("%q is not a merge format (auto, %s)", m.Format, strings.Join(MergeFormats, ", ")), "merge", "format")
		}
		for _, r := range []struct{ key, expr string }{{"content", m.Content}, {"reasoning", m.Reasoning}, {"stop", m.Stop}} {
			if r.expr == "" {
				continue
			}
			if _, err := jp.ParseString(r.expr); err != nil {
				return ferr(fmt.Sprintf("invalid JSONPath %q: %v", r.expr, err), "merge", r.key)
			}
		}
	}
	if e.Script != "" {
		if !strings.HasSuffix(e.Script, ".js") {
			return ferr(fmt.Sprintf("%q: a script is a .js file", e.Script), "script")
		}
		if !insideRelative(e.Script) {
			return ferr(fmt.Sprintf("%q must be a relative path inside the project", e.Script), "script")
		}
	}
	if t := e.Timeouts; t != nil {
		if t.HeaderMS < 0 {
			return ferr("must not be negative", "timeouts", "header_ms")
		}
		if t.IdleMS < 0 {
			return ferr("must not be negative", "timeouts", "idle_ms")
		}
	}
	if r := e.Reconnect; r != nil && (r.MaxAttempts < 0 || r.DelayMS < 0) {
		return ferr("max_attempts and delay_ms must not be negative", "reconnect")
	}
	if r := e.Retry; r != nil && (r.MaxAttempts < 0 || r.MaxWaitMS < 0 || r.FallbackMS < 0) {
		return ferr("max_attempts, max_wait_ms and fallback_ms must not be negative", "retry")
	}
	return nil
}

// validHeaderName reports whether name can be an HTTP header name as far
// as a file can tell (a {{variable}} in it is checked when sent): not
// empty, no spaces, colons or control characters.
func validHeaderName(name string) bool {
	if name == "" || strings.ContainsAny(name, " :") {
		return false
	}
	_, bad := controlChar(name, false)
	return !bad
}

// insideRelative reports whether p is a relative path that does not climb
// out of its base directory (not absolute, no leading "..").
func insideRelative(p string) bool {
	if p == "" || path.IsAbs(p) || strings.HasPrefix(p, "\\") || strings.Contains(p, ":") {
		return false
	}
	c := path.Clean(strings.ReplaceAll(p, "\\", "/"))
	return c != ".." && !strings.HasPrefix(c, "../")
}

// Validate checks an environment's variables; the error names the field.
func (e *Environment) Validate() error {
	if fe := validateEnvironment(e); fe != nil {
		return fmt.Errorf("%s: %s", strings.Join(fe.keys, "."), fe.reason)
	}
	return nil
}

func validateEnvironment(e *Environment) *fieldError {
	seen := map[string]bool{}
	for i, v := range e.Variables {
		if !validVarName(v.Name) {
			return ferr(fmt.Sprintf("%q is not a variable name (letters, digits, _ . -)", v.Name), "variables", strconv.Itoa(i), "name")
		}
		if seen[v.Name] {
			return ferr(fmt.Sprintf("%q is defined twice", v.Name), "variables", strconv.Itoa(i), "name")
		}
		seen[v.Name] = true
		if v.Secret && v.Value != "" {
			return ferr(fmt.Sprintf("secret %q has a value in the project file; secret values belong in the secret store (streamscope env set --secret)", v.Name), "variables", strconv.Itoa(i), "value")
		}
	}
	return nil
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
		case i > 0 && (r >= '0' && r <= '9' || r == '.' || r == '-'):
		default:
			return false
		}
	}
	return true
}
