package project

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// varRE matches a {{name}} reference (spaces inside the braces allowed).
var varRE = regexp.MustCompile(`\{\{\s*([A-Za-z_$][A-Za-z0-9_.\-$]*)\s*\}\}`)

// VarNames returns the variable names referenced in s, in order, once each.
func VarNames(s string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range varRE.FindAllStringSubmatch(s, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	return names
}

// SecretSource gives the values of one project's secret variables, by
// environment and name; secrets.ProjectStore is one (bound to the project's
// folder, so that another folder claiming the same id cannot read them).
type SecretSource interface {
	Get(env, name string) (value string, ok bool, err error)
}

// EnvPrefix starts a reference to a process environment variable:
// {{$env.NAME}}.
const EnvPrefix = "$env."

// AllowEnvVar is the process environment variable that lists (comma- or
// space-separated) the process variables a project may read, through
// {{$env.NAME}} or, as before, a bare {{NAME}} it does not define. It is
// set by the user, outside any project: a project cannot read GITHUB_TOKEN
// or any other variable of the process unless it is listed.
const AllowEnvVar = "STREAMSCOPE_ALLOW_ENV"

// Scope resolves variable names: the overrides (--var) first, then the
// environment (secret values from the secret store), then the process
// environment, for the variables the user allowed in AllowEnvVar only.
type Scope struct {
	Overrides map[string]string
	Env       *Environment
	Secrets   SecretSource
	// Getenv reads the process environment (and AllowEnvVar in it); nil
	// means none.
	Getenv func(string) string

	secretValues []string
	missingNotes map[string]string
}

// AllowedEnv reports whether the process variable name may be read (it is
// listed in AllowEnvVar).
func (s *Scope) AllowedEnv(name string) bool {
	if s.Getenv == nil || name == "" {
		return false
	}
	for _, n := range strings.FieldsFunc(s.Getenv(AllowEnvVar), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if n == name {
			return true
		}
	}
	return false
}

func (s *Scope) note(name, why string) {
	if s.missingNotes == nil {
		s.missingNotes = map[string]string{}
	}
	s.missingNotes[name] = why
}

// Lookup returns the value of name and whether it is set.
func (s *Scope) Lookup(name string) (string, bool, error) {
	if v, ok := s.Overrides[name]; ok {
		return v, true, nil
	}
	if s.Env != nil {
		if v, ok := s.Env.Lookup(name); ok {
			if !v.Secret {
				return v.Value, true, nil
			}
			if s.Secrets != nil {
				val, ok, err := s.Secrets.Get(s.Env.Name, name)
				if err != nil {
					return "", false, fmt.Errorf("secret %q of environment %q: %w", name, s.Env.Name, err)
				}
				if ok {
					s.secretValues = append(s.secretValues, val)
					return val, true, nil
				}
			}
			s.note(name, "secret with no value stored on this machine")
		}
	}
	if proc, explicit := strings.CutPrefix(name, EnvPrefix); explicit {
		switch {
		case !s.AllowedEnv(proc):
			s.note(name, fmt.Sprintf("the process variable %s is not allowed: list it in %s (set outside the project)", proc, AllowEnvVar))
		case s.Getenv(proc) == "":
			s.note(name, fmt.Sprintf("%s is not set in the process environment", proc))
		default:
			return s.processValue(proc), true, nil
		}
		return "", false, nil
	}
	if s.Getenv != nil {
		if v := s.Getenv(name); v != "" {
			if s.AllowedEnv(name) {
				return s.processValue(name), true, nil
			}
			s.note(name, fmt.Sprintf("set in the process environment, which a project reads only when allowed: write {{%s%s}} and list %s in %s", EnvPrefix, name, name, AllowEnvVar))
		}
	}
	return "", false, nil
}

// processValue returns the allowed process variable name; one whose name
// says it carries a credential (OPENAI_API_KEY, GITHUB_TOKEN: see
// CredentialName) counts as a secret value, kept out of what a run shows.
func (s *Scope) processValue(name string) string {
	v := s.Getenv(name)
	if CredentialName(name) {
		s.secretValues = append(s.secretValues, v)
	}
	return v
}

// Values returns every variable the scope knows by name (environment
// values including secrets, then overrides on top); the process
// environment is not included. It is what a script's ctx.vars sees.
func (s *Scope) Values() (map[string]string, error) {
	out := map[string]string{}
	if s.Env != nil {
		for _, v := range s.Env.Variables {
			val, ok, err := s.Lookup(v.Name)
			if err != nil {
				return nil, err
			}
			if ok {
				out[v.Name] = val
			}
		}
	}
	for k, v := range s.Overrides {
		out[k] = v
	}
	return out, nil
}

// SecretValues returns the secret values looked up so far, so that callers
// can keep them out of logs.
func (s *Scope) SecretValues() []string { return s.secretValues }

// UnresolvedError lists the variables that have no value.
type UnresolvedError struct {
	Names []string
	Notes map[string]string // why, for some names (e.g. a secret not stored)
}

func (e *UnresolvedError) Error() string {
	parts := make([]string, len(e.Names))
	for i, n := range e.Names {
		parts[i] = n
		if note := e.Notes[n]; note != "" {
			parts[i] += " (" + note + ")"
		}
	}
	return fmt.Sprintf("unresolved variable(s): %s; give them with --var NAME=VALUE or in the environment (--env)", strings.Join(parts, ", "))
}

// expander substitutes {{name}} references and remembers unresolved names.
type expander struct {
	scope      *Scope
	unresolved map[string]bool
	err        error
}

// maxVarDepth bounds how deep variables may refer to variables.
const maxVarDepth = 10

func (x *expander) expand(s string) string { return x.expandDepth(s, nil) }

// expandDepth substitutes references in s; a value that itself holds
// {{references}} is expanded too (chain holds the names being expanded,
// to report a cycle).
func (x *expander) expandDepth(s string, chain []string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return varRE.ReplaceAllStringFunc(s, func(m string) string {
		name := varRE.FindStringSubmatch(m)[1]
		for _, c := range chain {
			if c == name && x.err == nil {
				x.err = fmt.Errorf("variable %q refers to itself (%s -> %s)", name, strings.Join(chain, " -> "), name)
			}
		}
		if x.err != nil || len(chain) >= maxVarDepth {
			if x.err == nil {
				x.err = fmt.Errorf("variables nest deeper than %d levels: %s", maxVarDepth, strings.Join(chain, " -> "))
			}
			return m
		}
		v, ok, err := x.scope.Lookup(name)
		if err != nil && x.err == nil {
			x.err = err
		}
		if !ok {
			x.unresolved[name] = true
			return m
		}
		return x.expandDepth(v, append(chain[:len(chain):len(chain)], name))
	})
}

// Request is an endpoint with every variable substituted, ready to send.
type Request struct {
	Method string
	URL    string
	// Headers in order, disabled ones dropped, auth and Content-Type added.
	Headers    []KV
	Body       []byte
	Stream     string // auto, sse, ndjson or plain
	Compressed bool
	Merge      MergeSettings
	Timeouts   Timeouts
	Reconnect  Reconnect
	Retry      Retry
	// FollowRedirects is the endpoint's follow_redirects (true when unset).
	FollowRedirects bool
	// Credentials names the headers that carry a credential: the API key
	// header of apikey auth and every header whose value holds a secret
	// variable's value. A redirect to another origin does not get them.
	Credentials []string
	// SigV4 is sigv4 auth with its fields substituted, nil for any other:
	// the sender signs each request with it.
	SigV4 *Auth
}

// Header returns the headers as an http.Header.
func (r *Request) Header() http.Header {
	h := http.Header{}
	for _, kv := range r.Headers {
		h.Add(kv.Name, kv.Value)
	}
	return h
}

// Resolve substitutes variables from scope into ep's URL, query, headers,
// auth and body and builds the request. Every unresolved variable is
// reported at once, by name, in an *UnresolvedError, before anything is sent.
func (p *Project) Resolve(ep *Endpoint, scope *Scope) (*Request, error) {
	if scope == nil {
		scope = &Scope{}
	}
	x := &expander{scope: scope, unresolved: map[string]bool{}}
	r := &Request{Method: ep.Method, Stream: ep.Stream, Compressed: ep.Compressed,
		FollowRedirects: ep.FollowRedirects == nil || *ep.FollowRedirects}
	if r.Method == "" {
		r.Method = "GET"
	}
	if r.Stream == "" {
		r.Stream = defaultStreamMode
	}
	if ep.Merge != nil {
		r.Merge = *ep.Merge
	}
	if ep.Timeouts != nil {
		r.Timeouts = *ep.Timeouts
	}
	if ep.Reconnect != nil {
		r.Reconnect = *ep.Reconnect
	}
	if ep.Retry != nil {
		r.Retry = *ep.Retry
	}
	rawURL := x.expand(ep.URL)
	var query []string
	for _, q := range ep.Query {
		if !q.Disabled {
			query = append(query, url.QueryEscape(x.expand(q.Name))+"="+url.QueryEscape(x.expand(q.Value)))
		}
	}
	for _, h := range ep.Headers {
		if !h.Disabled {
			r.Headers = append(r.Headers, KV{Name: x.expand(h.Name), Value: x.expand(h.Value)})
		}
	}
	if a := ep.Auth; a != nil {
		switch a.Type {
		case AuthBearer:
			r.Headers = append(r.Headers, KV{Name: "Authorization", Value: "Bearer " + x.expand(a.Token)})
		case AuthBasic:
			cred := x.expand(a.Username) + ":" + x.expand(a.Password)
			r.Headers = append(r.Headers, KV{Name: "Authorization", Value: "Basic " + base64.StdEncoding.EncodeToString([]byte(cred))})
		case AuthAPIKey:
			if a.In == "query" {
				query = append(query, url.QueryEscape(x.expand(a.Key))+"="+url.QueryEscape(x.expand(a.Value)))
			} else {
				key := x.expand(a.Key)
				r.Headers = append(r.Headers, KV{Name: key, Value: x.expand(a.Value)})
				r.Credentials = append(r.Credentials, key)
			}
		case AuthSigV4:
			r.SigV4 = &Auth{Type: AuthSigV4, AccessKey: x.expand(a.AccessKey), SecretKey: x.expand(a.SecretKey),
				SessionToken: x.expand(a.SessionToken), Region: x.expand(a.Region), Service: x.expand(a.Service)}
		}
	}
	contentType := ""
	if b := ep.Body; b != nil {
		switch b.Type {
		case BodyJSON:
			r.Body = []byte(x.expand(b.Text))
			contentType = "application/json"
		case BodyRaw:
			r.Body = []byte(x.expand(b.Text))
			contentType = "text/plain; charset=utf-8"
		case BodyURLEncoded:
			var parts []string
			for _, f := range b.Fields {
				if !f.Disabled {
					parts = append(parts, url.QueryEscape(x.expand(f.Name))+"="+url.QueryEscape(x.expand(f.Value)))
				}
			}
			r.Body = []byte(strings.Join(parts, "&"))
			contentType = "application/x-www-form-urlencoded"
		case BodyForm:
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for i, f := range b.Fields {
				if f.Disabled {
					continue
				}
				name := x.expand(f.Name)
				if f.File != "" {
					data, base, err := p.readFormFile(ep, i, f.File, x.expand(f.File))
					if err != nil {
						return nil, err
					}
					w, err := mw.CreateFormFile(name, base)
					if err != nil {
						return nil, err
					}
					_, _ = w.Write(data)
					continue
				}
				if err := mw.WriteField(name, x.expand(f.Value)); err != nil {
					return nil, err
				}
			}
			if err := mw.Close(); err != nil {
				return nil, err
			}
			r.Body = buf.Bytes()
			contentType = mw.FormDataContentType()
		}
		if b.ContentType != "" && b.Type != BodyForm {
			contentType = x.expand(b.ContentType)
		}
	}
	if x.err != nil {
		return nil, x.err
	}
	if len(x.unresolved) > 0 {
		names := make([]string, 0, len(x.unresolved))
		for n := range x.unresolved {
			names = append(names, n)
		}
		sort.Strings(names)
		notes := map[string]string{}
		for _, n := range names {
			if note := scope.missingNotes[n]; note != "" {
				notes[n] = note
			}
		}
		return nil, &UnresolvedError{Names: names, Notes: notes}
	}
	for _, h := range r.Headers {
		if holdsSecret(h.Value, scope.SecretValues()) && !slices.Contains(r.Credentials, h.Name) {
			r.Credentials = append(r.Credentials, h.Name)
		}
	}
	if contentType != "" && !hasHeader(r.Headers, "Content-Type") {
		r.Headers = append(r.Headers, KV{Name: "Content-Type", Value: contentType})
	}
	if len(query) > 0 {
		frag := ""
		if i := strings.IndexByte(rawURL, '#'); i >= 0 {
			rawURL, frag = rawURL[:i], rawURL[i:]
		}
		sep := "?"
		if strings.Contains(rawURL, "?") {
			sep = "&"
			if strings.HasSuffix(rawURL, "?") || strings.HasSuffix(rawURL, "&") {
				sep = ""
			}
		}
		rawURL += sep + strings.Join(query, "&") + frag
	}
	if reason := urlReason(rawURL, true); reason != "" {
		// The expanded URL is not shown: a variable in it may be a secret.
		return nil, fmt.Errorf("%s: %q after {{variable}} substitution: %s", fieldPlace(ep, "url"), ep.URL, reason)
	}
	r.URL = rawURL
	return r, nil
}

// holdsSecret reports whether v contains one of the secret values.
func holdsSecret(v string, secrets []string) bool {
	for _, s := range secrets {
		if s != "" && strings.Contains(v, s) {
			return true
		}
	}
	return false
}

func hasHeader(h []KV, name string) bool {
	for _, kv := range h {
		if strings.EqualFold(kv.Name, name) {
			return true
		}
	}
	return false
}

// EscapeQuery query-escapes s but leaves {{variables}} as written, so a
// URL can be shown or exported without resolving anything.
func EscapeQuery(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range varRE.FindAllStringIndex(s, -1) {
		b.WriteString(url.QueryEscape(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(url.QueryEscape(s[last:]))
	return b.String()
}

// FullURL is the endpoint's URL with its enabled query parameters (and an
// API key sent in the query) appended, {{variables}} left as written.
func (e *Endpoint) FullURL() string {
	var query []string
	for _, q := range e.Query {
		if !q.Disabled {
			query = append(query, EscapeQuery(q.Name)+"="+EscapeQuery(q.Value))
		}
	}
	if a := e.Auth; a != nil && a.Type == AuthAPIKey && a.In == "query" {
		query = append(query, EscapeQuery(a.Key)+"="+EscapeQuery(a.Value))
	}
	if len(query) == 0 {
		return e.URL
	}
	u, frag, _ := strings.Cut(e.URL, "#")
	if frag != "" {
		frag = "#" + frag
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + strings.Join(query, "&") + frag
}
