package project

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// controlChar returns the first control character in s (C0, DEL or C1;
// a tab too unless allowTab) and whether there is one.
func controlChar(s string, allowTab bool) (rune, bool) {
	for _, r := range s {
		if r == '\t' && allowTab {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return r, true
		}
	}
	return 0, false
}

// controlReason says which control character s holds, "" when none.
func controlReason(s string, allowTab bool) string {
	r, ok := controlChar(s, allowTab)
	if !ok {
		return ""
	}
	switch r {
	case '\n', '\r':
		return fmt.Sprintf("cannot contain a line break (U+%04X)", r)
	case '\t':
		return "cannot contain a tab (U+0009)"
	}
	return fmt.Sprintf("cannot contain a control character (U+%04X)", r)
}

// CheckURL checks an endpoint's URL as written: no control characters,
// and an http:// or https:// URL with a host. A URL whose scheme is (or
// holds) a {{variable}}, like '{{base_url}}/v1/chat', is checked for its
// scheme and host once the variables are substituted (when it is sent);
// a URL with a variable elsewhere still needs http or https. The error is
// the reason, without the URL.
func CheckURL(raw string) error {
	if reason := urlReason(raw, false); reason != "" {
		return fmt.Errorf("%s", reason)
	}
	return nil
}

// urlReason returns why raw is not a URL Streamscope sends ("" when it
// is). expanded says every {{variable}} has been substituted.
func urlReason(raw string, expanded bool) string {
	if strings.TrimSpace(raw) == "" {
		return "an endpoint needs a URL"
	}
	if reason := controlReason(raw, false); reason != "" {
		return reason
	}
	scheme, _, hasColon := strings.Cut(raw, ":")
	if !expanded && strings.Contains(scheme, "{{") {
		return "" // the scheme comes from a variable: checked when sent
	}
	if !hasColon || !validScheme(scheme) {
		if expanded {
			return "does not start with http:// or https://"
		}
		return "must start with http:// or https:// (or a {{variable}} holding that)"
	}
	if s := strings.ToLower(scheme); s != "http" && s != "https" {
		return fmt.Sprintf("the scheme %q is not allowed: only http and https", s)
	}
	if !expanded && strings.Contains(raw, "{{") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return "is not a valid URL: " + ue.Err.Error()
		}
		return "is not a valid URL"
	}
	if u.Host == "" {
		return "has no host (expected http://HOST/...)"
	}
	return ""
}

// validScheme reports whether s is a URL scheme: a letter, then letters,
// digits, '+', '-' or '.'.
func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}
