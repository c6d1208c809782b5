package app

import (
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The app's own paths on the asset server (PullPath, PullSocketPath) hand
// out run data and the pull socket's token, so they answer only the app's
// own page. In the window the page is wails://wails and its requests reach
// the asset server through WebKit's URI scheme handler with Host "wails";
// under `wails dev` the page is http://localhost:34115 and the asset server
// is a real HTTP server that any program, or a web page in a browser,
// can reach. A request whose Host is another name (a DNS rebinding page:
// evil.example resolving to 127.0.0.1) or whose Origin is another site is
// refused with 403, in every mode.

// appHost tells whether a Host header names the app's page: the WebKit
// scheme's host, or a loopback name (any port).
func appHost(host string) bool {
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

// appOrigin tells whether an Origin header is the app's page (or absent: a
// same-origin GET carries none).
func appOrigin(origin string) bool {
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" {
		return false
	}
	switch u.Scheme {
	case "wails", "http", "https":
		return appHost(u.Host)
	}
	return false
}

// fromAppPage refuses, with 403, a request that does not come from the
// app's page, and tells whether it did.
func fromAppPage(w http.ResponseWriter, req *http.Request) bool {
	why := ""
	if !appHost(req.Host) {
		why = "Host " + quoteHeader(req.Host) + " is not the app's"
	} else if o := req.Header.Get("Origin"); !appOrigin(o) {
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
