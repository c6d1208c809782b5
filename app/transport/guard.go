package transport

import (
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// AppHost tells whether a Host header names the app's page: the WebKit
// scheme's host, or a loopback name (any port).
func AppHost(host string) bool {
	if host == "" {
		return false
	}
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	switch strings.ToLower(h) {
	case "wails", "wails.localhost", "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// AppOrigin tells whether an Origin header is the app's page (or absent: a
// same-origin GET carries none).
func AppOrigin(origin string) bool {
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" {
		return false
	}
	switch u.Scheme {
	case "wails", "http", "https":
		return AppHost(u.Host)
	}
	return false
}

// FromAppPage refuses, with 403, a request that does not come from the
// app's page, and tells whether it did.
func FromAppPage(w http.ResponseWriter, req *http.Request) bool {
	why := ""
	if !AppHost(req.Host) {
		why = "Host " + quoteHeader(req.Host) + " is not the app's"
	} else if o := req.Header.Get("Origin"); !AppOrigin(o) {
		why = "Origin " + quoteHeader(o) + " is not the app's"
	}
	if why == "" {
		return true
	}
	log.Printf("streamscope: refused %s %s: %s", req.Method, req.URL.Path, why)
	http.Error(w, "streamscope: refused: "+why, http.StatusForbidden)
	return false
}

// quoteHeader quotes a header value for an error text, control characters
// escaped, at most 100 bytes.
func quoteHeader(v string) string {
	if len(v) > 100 {
		v = v[:100] + "…"
	}
	return strconv.Quote(strings.ToValidUTF8(v, "?"))
}
