package curl

import (
	"strconv"
	"strings"

	"github.com/streamscope/streamscope/backend/project"
)

// Export renders an endpoint as a curl command line, one option per line
// joined with backslash-newline, every word shell-quoted. {{variables}}
// are left as written, so no variable value (and no secret) is ever
// printed. Disabled headers, query parameters and fields are left out.
// Importing the output gives back an endpoint that sends the same request.
func Export(ep *project.Endpoint) string {
	method := ep.Method
	if method == "" {
		method = "GET"
	}
	u := ep.FullURL()
	var lines []string
	add := func(words ...string) {
		q := make([]string, len(words))
		for i, w := range words {
			q[i] = Quote(w)
		}
		lines = append(lines, strings.Join(q, " "))
	}
	var headers [][2]string
	for _, h := range ep.Headers {
		if !h.Disabled {
			headers = append(headers, [2]string{h.Name, h.Value})
		}
	}
	var auth []string
	if a := ep.Auth; a != nil {
		switch a.Type {
		case project.AuthBearer:
			headers = append(headers, [2]string{"Authorization", "Bearer " + a.Token})
		case project.AuthBasic:
			auth = []string{"-u", a.Username + ":" + a.Password}
		case project.AuthAPIKey:
			if a.In != "query" { // a query key is part of FullURL
				headers = append(headers, [2]string{a.Key, a.Value})
			}
		case project.AuthSigV4: // curl signs it the same way
			auth = []string{"--aws-sigv4", "aws:amz:" + a.Region + ":" + a.Service, "-u", a.AccessKey + ":" + a.SecretKey}
			if a.SessionToken != "" {
				headers = append(headers, [2]string{"X-Amz-Security-Token", a.SessionToken})
			}
		}
	}
	var body [][]string
	contentType := ""
	if b := ep.Body; b != nil {
		switch b.Type {
		case project.BodyJSON:
			contentType = "application/json"
			body = append(body, []string{"--data-raw", b.Text})
		case project.BodyRaw:
			contentType = b.ContentType
			if contentType == "" {
				contentType = "text/plain; charset=utf-8"
			}
			body = append(body, []string{"--data-raw", b.Text})
		case project.BodyURLEncoded:
			for _, f := range b.Fields {
				if !f.Disabled {
					body = append(body, []string{"--data-urlencode", f.Name + "=" + f.Value})
				}
			}
			if len(body) == 0 {
				body = append(body, []string{"--data-raw", ""})
			}
		case project.BodyForm:
			for _, f := range b.Fields {
				switch {
				case f.Disabled:
				case f.File != "":
					body = append(body, []string{"-F", f.Name + "=@" + f.File})
				case strings.HasPrefix(f.Value, "@") || strings.HasPrefix(f.Value, "<"):
					body = append(body, []string{"--form-string", f.Name + "=" + f.Value})
				default:
					body = append(body, []string{"-F", f.Name + "=" + f.Value})
				}
			}
		}
		if b.ContentType != "" && b.Type != project.BodyForm {
			contentType = b.ContentType
		}
	}
	if contentType != "" {
		for _, h := range headers {
			if strings.EqualFold(h[0], "Content-Type") {
				contentType = ""
			}
		}
		if contentType != "" {
			headers = append(headers, [2]string{"Content-Type", contentType})
		}
	}

	first := []string{"curl", "-N"}
	hasBody := len(body) > 0
	if !(method == "GET" && !hasBody) && !(method == "POST" && hasBody) {
		if method == "HEAD" && !hasBody {
			first = append(first, "-I")
		} else {
			first = append(first, "-X", method)
		}
	}
	first = append(first, u)
	add(first...)
	if ep.Compressed {
		add("--compressed")
	}
	for _, h := range headers {
		add("-H", h[0]+": "+h[1])
	}
	if len(auth) > 0 {
		add(auth...)
	}
	if r := ep.Retry; r != nil && r.Enabled && r.MaxAttempts > 0 {
		add("--retry", strconv.Itoa(r.MaxAttempts))
	}
	for _, b := range body {
		add(b...)
	}
	return strings.Join(lines, " \\\n  ") + "\n"
}
