package send

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// MaxRedirects is how many redirects one attempt follows before it fails.
const MaxRedirects = 10

// RedirectInfo describes one redirect answer (KindRedirect): where it
// pointed, how the next request goes there and what it leaves out.
type RedirectInfo struct {
	// Status is the redirect's status (301, 302, 303, 307, 308).
	Status int `json:"status"`
	// From is the URL that answered with the redirect, To its Location
	// (both with credential-like query values redacted).
	From string `json:"from"`
	To   string `json:"to"`
	// Method is the next request's method (a 301-303 turns POST into GET).
	Method string `json:"method"`
	// CrossOrigin says To's scheme, host or port differs from the first
	// request's (or an earlier hop's did).
	CrossOrigin bool `json:"cross_origin"`
	// Dropped names the headers not sent to To: credentials (and the
	// Referer Go would add) on a cross-origin hop.
	Dropped []string `json:"dropped,omitempty"`
	// Body is "kept" when the request body goes to To, "dropped" when a
	// request that had one goes without it, "" when it had none.
	Body string `json:"body,omitempty"`
	// Followed is false when the redirect is the answer: following is off
	// (Request.NoFollow), or a 307/308 would resend the body to another
	// origin; Reason says which.
	Followed bool   `json:"followed"`
	Reason   string `json:"reason,omitempty"`
}

// origin is a URL's scheme, host and port (the default port made explicit).
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// credential reports whether the header name carries a credential: its
// name looks like one (Authorization, Cookie, x-api-key, ...) or the
// request marks it (Request.Credentials).
func (r *Request) credential(name string) bool {
	if sensitive(name) {
		return true
	}
	for _, c := range r.Credentials {
		if strings.EqualFold(c, name) {
			return true
		}
	}
	return false
}

// checkRedirect is the client's CheckRedirect for one attempt: it records
// every redirect on the timeline, keeps credentials and the body from any
// origin but the first request's, and stops where the request says so.
// next is the custom client's own CheckRedirect, if any. It runs on the
// sender's goroutine (inside Client.Do).
func (x *run) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first, prev := via[0], via[len(via)-1]
		info := &RedirectInfo{From: RedactURL(prev.URL), To: RedactURL(req.URL), Method: req.Method, Followed: true}
		if req.Response != nil {
			info.Status = req.Response.StatusCode
		}
		for _, r := range append(via[1:len(via):len(via)], req) {
			info.CrossOrigin = info.CrossOrigin || origin(r.URL) != origin(first.URL)
		}
		if len(x.r.Body) > 0 {
			info.Body = "dropped"
			if req.GetBody != nil {
				info.Body = "kept"
			}
		}
		stop := error(nil)
		switch {
		case x.r.NoFollow:
			info.Reason = "following redirects is off"
			stop = http.ErrUseLastResponse
		case len(via) >= MaxRedirects:
			info.Reason = fmt.Sprintf("stopped after %d redirects", MaxRedirects)
			stop = errors.New(info.Reason)
		case info.CrossOrigin && info.Body == "kept":
			info.Reason = fmt.Sprintf("a %d redirect to another origin would send the request body there", info.Status)
			stop = http.ErrUseLastResponse
		}
		if stop != nil {
			info.Followed, info.Body = false, ""
			x.emit(Record{Kind: KindRedirect, Redirect: info})
			return stop
		}
		if info.CrossOrigin {
			// Go strips Authorization and Cookie itself, but only when the
			// host is not a subdomain, and keeps every other credential.
			for name := range first.Header {
				if x.r.credential(name) {
					req.Header.Del(name)
					info.Dropped = append(info.Dropped, http.CanonicalHeaderKey(name))
				}
			}
			// The Referer Go adds is the previous URL, query (API keys) and all.
			if req.Header.Get("Referer") != "" && first.Header.Get("Referer") == "" {
				req.Header.Del("Referer")
				info.Dropped = append(info.Dropped, "Referer")
			}
			slices.Sort(info.Dropped)
		}
		x.emit(Record{Kind: KindRedirect, Redirect: info})
		if !info.CrossOrigin && x.r.Auth.isSigV4() && x.r.Header.Get("Authorization") == "" {
			// The signature covers the path (and method, body): sign the
			// hop afresh. Another origin gets no credential at all.
			var body []byte
			if info.Body == "kept" {
				body = x.r.Body
			}
			if err := x.resignRedirect(req, body); err != nil {
				return err
			}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}
