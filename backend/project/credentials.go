package project

import (
	"fmt"
	"strconv"
	"strings"
)

// Credential is a credential written literally in an endpoint (not as a
// {{variable}}): where it is, what to call it in a message and a variable
// name to move it to. It never holds the value, so it can be shown.
type Credential struct {
	// Field is the field's path: "auth.token", "auth.password",
	// "auth.value", "headers.N.value", "query.N.value" or "url" (a
	// password in the URL's user info).
	Field string `json:"field"`
	// What names it for a message: `header "x-api-key"`, "bearer token".
	What string `json:"what"`
	// Var is the variable name suggested for it.
	Var string `json:"var"`
}

// credentialWords are the parts of a header or parameter name that say it
// carries a credential.
var credentialWords = []string{"auth", "key", "token", "secret", "password", "passwd", "cookie", "signature", "session"}

// notCredentials are header and parameter names that match a word above
// but carry no credential.
var notCredentials = map[string]bool{"idempotency-key": true, "x-idempotency-key": true, "keep-alive": true, "max_tokens": true, "max-tokens": true, "max_completion_tokens": true, "max_output_tokens": true, "maxoutputtokens": true, "top_k": true}

// CredentialName reports whether a header or query parameter name looks
// like it carries a credential (Authorization, x-api-key, api-key,
// x-goog-api-key, key, access_token, Cookie, ...).
func CredentialName(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" || notCredentials[n] {
		return false
	}
	for _, w := range credentialWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// literal reports whether s holds text besides {{variables}} and spaces.
func literal(s string) bool {
	return strings.TrimSpace(varRE.ReplaceAllString(s, "")) != ""
}

// authScheme splits an Authorization-style value into its scheme word
// ("Bearer ") and the credential after it; a value of one word is all
// credential.
func authScheme(v string) (scheme, cred string) {
	t := strings.TrimSpace(v)
	if i := strings.IndexByte(t, ' '); i > 0 && !strings.Contains(t[:i], "{{") {
		return t[:i+1], strings.TrimSpace(t[i+1:])
	}
	return "", t
}

// isAuthorization reports whether a header name is Authorization or
// Proxy-Authorization, whose values start with a scheme word.
func isAuthorization(name string) bool {
	n := strings.ToLower(name)
	return n == "authorization" || n == "proxy-authorization"
}

// varName makes a variable name from a header or parameter name.
func varName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), "_")
	if s == "" {
		return "secret"
	}
	return s
}

// Credentials lists the credentials written literally in e: a bearer
// token, a basic password, an API key value, the value of a header or
// query parameter whose name says it carries one (see CredentialName), a
// password in the URL. A value that is a {{variable}} (or, for
// Authorization, a scheme and a variable: "Bearer {{api_key}}") is not
// listed.
func (e *Endpoint) Credentials() []Credential {
	var out []Credential
	if a := e.Auth; a != nil {
		switch a.Type {
		case AuthBearer:
			if literal(a.Token) {
				out = append(out, Credential{Field: "auth.token", What: "bearer token", Var: "api_key"})
			}
		case AuthBasic:
			if literal(a.Password) {
				out = append(out, Credential{Field: "auth.password", What: "basic auth password", Var: "password"})
			}
		case AuthAPIKey:
			if literal(a.Value) {
				out = append(out, Credential{Field: "auth.value", What: fmt.Sprintf("API key %q", a.Key), Var: varName(a.Key)})
			}
		case AuthSigV4:
			if literal(a.SecretKey) {
				out = append(out, Credential{Field: "auth.secret_key", What: "AWS secret access key", Var: "aws_secret_access_key"})
			}
			if literal(a.SessionToken) {
				out = append(out, Credential{Field: "auth.session_token", What: "AWS session token", Var: "aws_session_token"})
			}
		}
	}
	for i, h := range e.Headers {
		if !CredentialName(h.Name) {
			continue
		}
		v := h.Value
		name := varName(h.Name)
		if isAuthorization(h.Name) {
			scheme, cred := authScheme(v)
			v = cred
			if strings.EqualFold(scheme, "bearer ") {
				name = "api_key"
			}
		}
		if literal(v) {
			out = append(out, Credential{Field: "headers." + strconv.Itoa(i) + ".value", What: fmt.Sprintf("header %q", h.Name), Var: name})
		}
	}
	for i, q := range e.Query {
		if CredentialName(q.Name) && literal(q.Value) {
			out = append(out, Credential{Field: "query." + strconv.Itoa(i) + ".value", What: fmt.Sprintf("query parameter %q", q.Name), Var: varName(q.Name)})
		}
	}
	if _, pass, ok := urlPassword(e.URL); ok && literal(pass) {
		out = append(out, Credential{Field: "url", What: "password in the URL", Var: "password"})
	}
	return out
}

// urlPassword finds the password of a URL's user info
// (scheme://user:PASSWORD@host/...): its byte offset and text.
func urlPassword(raw string) (int, string, bool) {
	i := strings.Index(raw, "://")
	if i < 0 {
		return 0, "", false
	}
	rest := raw[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return 0, "", false
	}
	colon := strings.IndexByte(rest[:at], ':')
	if colon < 0 {
		return 0, "", false
	}
	start := i + 3 + colon + 1
	return start, raw[start : i+3+at], true
}

// ReplaceCredential puts with (normally "{{NAME}}") in place of the
// credential c found by Credentials, keeping an Authorization header's
// scheme word ("Bearer {{api_key}}"), and returns the value it replaced.
// The value of a password in the URL is returned as written there
// (percent-encoded); with is put there as given.
func (e *Endpoint) ReplaceCredential(c Credential, with string) (string, error) {
	index := func(prefix string, n int) (int, bool) {
		s, ok := strings.CutPrefix(c.Field, prefix)
		if !ok {
			return 0, false
		}
		s, ok = strings.CutSuffix(s, ".value")
		i, err := strconv.Atoi(s)
		return i, ok && err == nil && i >= 0 && i < n
	}
	switch {
	case c.Field == "auth.token" && e.Auth != nil:
		old := e.Auth.Token
		e.Auth.Token = with
		return old, nil
	case c.Field == "auth.password" && e.Auth != nil:
		old := e.Auth.Password
		e.Auth.Password = with
		return old, nil
	case c.Field == "auth.value" && e.Auth != nil:
		old := e.Auth.Value
		e.Auth.Value = with
		return old, nil
	case c.Field == "auth.secret_key" && e.Auth != nil:
		old := e.Auth.SecretKey
		e.Auth.SecretKey = with
		return old, nil
	case c.Field == "auth.session_token" && e.Auth != nil:
		old := e.Auth.SessionToken
		e.Auth.SessionToken = with
		return old, nil
	case c.Field == "url":
		start, pass, ok := urlPassword(e.URL)
		if !ok {
			break
		}
		e.URL = e.URL[:start] + with + e.URL[start+len(pass):]
		return pass, nil
	}
	if i, ok := index("headers.", len(e.Headers)); ok {
		h := &e.Headers[i]
		old := h.Value
		if isAuthorization(h.Name) {
			scheme, cred := authScheme(h.Value)
			h.Value = scheme + with
			return cred, nil
		}
		h.Value = with
		return old, nil
	}
	if i, ok := index("query.", len(e.Query)); ok {
		old := e.Query[i].Value
		e.Query[i].Value = with
		return old, nil
	}
	return "", fmt.Errorf("%s: no credential there", c.Field)
}
