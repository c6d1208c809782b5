package curl

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/streamscope/streamscope/backend/project"
)

// Options tune Import.
type Options struct {
	// AllowFiles lets -d @FILE, --data-binary @FILE, --json @FILE,
	// --data-urlencode [NAME]@FILE and -F NAME=<FILE copy the content of
	// the local FILE into the endpoint. Off, such a command is refused with
	// an error wrapping ErrLocalFile: a pasted command must not copy a
	// local file (@/etc/shadow) into a project silently. (-F NAME=@FILE
	// keeps a reference to FILE, inside the project, and reads nothing.)
	AllowFiles bool
	// ReadFile reads those FILEs; nil means a regular file of at most
	// project.MaxYAMLFile bytes (the most an endpoint file may hold),
	// relative to Dir.
	ReadFile func(name string) ([]byte, error)
	// Dir resolves relative file names ("" means the working directory).
	Dir string
	// Name is the endpoint's name (may be left empty and set later).
	Name string
}

// ErrLocalFile is wrapped by Import's error for an option that would copy
// a local file into the endpoint while Options.AllowFiles is off.
var ErrLocalFile = errors.New("refusing to copy a local file into the project")

// Result is an imported endpoint and notes about what was not carried over.
type Result struct {
	Endpoint *project.Endpoint
	// Warnings name the options that were ignored and why, and the local
	// files copied into the endpoint.
	Warnings []string
	// Credentials are the credentials written literally in the endpoint
	// (a pasted token, -u user:password, an API key header or parameter),
	// which the caller should warn about or move into secret variables
	// (see project.Endpoint.ReplaceCredential).
	Credentials []project.Credential
}

// option arity: options listed here take a value; the rest of the known
// ones are flags.
var valueOptions = map[string]string{
	"-X": "--request", "-H": "--header", "-d": "--data", "-u": "--user", "-F": "--form",
	"-A": "--user-agent", "-e": "--referer", "-b": "--cookie", "-m": "--max-time",
	"-o": "--output", "-w": "--write-out", "-x": "--proxy", "-E": "--cert", "-T": "--upload-file",
	"-K": "--config", "-c": "--cookie-jar", "-D": "--dump-header", "-r": "--range", "-Y": "--speed-limit",
	"-y": "--speed-time", "-z": "--time-cond", "-C": "--continue-at", "-U": "--proxy-user",
}

var longValueOptions = map[string]bool{
	"--request": true, "--header": true, "--data": true, "--data-raw": true, "--data-binary": true,
	"--data-ascii": true, "--data-urlencode": true, "--json": true, "--user": true, "--form": true,
	"--form-string": true, "--user-agent": true, "--referer": true, "--cookie": true, "--url": true,
	"--max-time": true, "--connect-timeout": true, "--output": true, "--write-out": true,
	"--oauth2-bearer": true, "--retry": true, "--retry-delay": true, "--retry-max-time": true,
	"--proxy": true, "--cacert": true, "--capath": true, "--cert": true, "--key": true, "--resolve": true,
	"--connect-to": true, "--upload-file": true, "--limit-rate": true, "--config": true,
	"--max-redirs": true, "--cookie-jar": true, "--dump-header": true, "--range": true,
	"--speed-limit": true, "--speed-time": true, "--time-cond": true, "--continue-at": true,
	"--proxy-user": true, "--interface": true, "--expect100-timeout": true, "--keepalive-time": true,
	"--aws-sigv4": true, "--variable": true, "--url-query": true, "--cert-type": true, "--key-type": true,
	"--pass": true, "--ciphers": true, "--tls-max": true, "--noproxy": true, "--dns-servers": true,
	"--happy-eyeballs-timeout-ms": true, "--unix-socket": true, "--abstract-unix-socket": true,
}

var shortFlags = map[byte]string{
	'N': "--no-buffer", 's': "--silent", 'S': "--show-error", 'v': "--verbose", 'i': "--include",
	'L': "--location", 'k': "--insecure", 'f': "--fail", 'G': "--get", 'I': "--head", 'g': "--globoff",
	'q': "--disable", '#': "--progress-bar", '0': "--http1.0", '1': "--tlsv1", '2': "--sslv2", '3': "--sslv3",
	'4': "--ipv4", '6': "--ipv6", 'j': "--junk-session-cookies", 'n': "--netrc", 'O': "--remote-name",
	'J': "--remote-header-name", 'R': "--remote-time", 'Z': "--parallel", 'l': "--list-only", 'B': "--use-ascii",
	'a': "--append", 'p': "--proxytunnel", 'P': "--ftp-port", 'V': "--version", 'h': "--help", 'M': "--manual",
}

// flags that change nothing about the request Streamscope sends.
var harmlessFlags = map[string]bool{
	"--no-buffer": true, "--silent": true, "--show-error": true, "--verbose": true, "--include": true,
	"--location": true, "--fail": true, "--fail-with-body": true, "--globoff": true, "--disable": true,
	"--progress-bar": true, "--no-progress-meter": true, "--http1.1": true, "--http2": true,
	"--http2-prior-knowledge": true, "--http1.0": true, "--ipv4": true, "--ipv6": true, "--raw": true,
	"--tr-encoding": true, "--no-keepalive": true, "--tcp-nodelay": true, "--no-sessionid": true,
	"--path-as-is": true, "--styled-output": true, "--no-styled-output": true, "--trace-time": true,
	"--no-alpn": true, "--no-npn": true, "--fail-early": true, "--show-headers": true,
}

// Import parses a curl command line (as pasted from provider docs) into an
// endpoint. The endpoint has no name yet. Shell variables ($NAME, ${NAME})
// become {{NAME}}; options that do not change the request are ignored and
// the ones that cannot be carried over are named in Warnings.
func Import(command string, opts Options) (*Result, error) {
	words, err := splitWords(command)
	if err != nil {
		return nil, err
	}
	if len(words) > 0 && words[0] == "$" {
		words = words[1:]
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("empty command: expected a curl command line")
	}
	if base := strings.TrimSuffix(filepath.Base(strings.ReplaceAll(words[0], "\\", "/")), ".exe"); base != "curl" {
		return nil, fmt.Errorf("expected a curl command, got %q", words[0])
	}
	c := &parsed{opts: opts}
	if err := c.parse(words[1:]); err != nil {
		return nil, err
	}
	ep, err := c.endpoint()
	if err != nil {
		return nil, err
	}
	return &Result{Endpoint: ep, Warnings: c.warnings, Credentials: ep.Credentials()}, nil
}

type dataPart struct {
	text      string
	urlencode bool // from --data-urlencode
	name      string
	value     string // for --data-urlencode name=value: the raw value
}

type parsed struct {
	opts     Options
	method   string
	url      string
	headers  []project.KV
	data     []dataPart
	isJSON   bool // --json
	form     []project.FormField
	user     *string
	bearer   string
	sigv4    string // --aws-sigv4 provider1:provider2:region:service
	get      bool
	head     bool
	compress bool
	retry    int
	warnings []string
}

func (c *parsed) warn(format string, a ...any) {
	c.warnings = append(c.warnings, fmt.Sprintf(format, a...))
}

func (c *parsed) parse(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		value := func(name string) (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("option %s needs a value", name)
			}
			i++
			return args[i], nil
		}
		switch {
		case a == "--":
			for _, rest := range args[i+1:] {
				if err := c.setURL(rest); err != nil {
					return err
				}
			}
			return nil
		case strings.HasPrefix(a, "--"):
			name := a
			if k, _, ok := strings.Cut(a, "="); ok && longValueOptions[k] {
				return fmt.Errorf("%s: curl does not accept --option=value; write %s VALUE", a, k)
			}
			if longValueOptions[name] {
				v, err := value(name)
				if err != nil {
					return err
				}
				if err := c.option(name, v); err != nil {
					return err
				}
				continue
			}
			if err := c.flag(name); err != nil {
				return err
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			// Short options, possibly combined (-sN) or with an attached value (-XPOST).
			for j := 1; j < len(a); j++ {
				ch := a[j]
				short := "-" + string(ch)
				if long, ok := valueOptions[short]; ok {
					v := a[j+1:]
					if v == "" {
						var err error
						if v, err = value(short); err != nil {
							return err
						}
					}
					if err := c.option(long, v); err != nil {
						return err
					}
					break
				}
				long, ok := shortFlags[ch]
				if !ok {
					return fmt.Errorf("unknown curl option %s", short)
				}
				if err := c.flag(long); err != nil {
					return err
				}
			}
		default:
			if err := c.setURL(a); err != nil {
				return err
			}
		}
	}
	if c.url == "" {
		return fmt.Errorf("no URL in the curl command")
	}
	return nil
}

func (c *parsed) setURL(u string) error {
	if c.url != "" && c.url != u {
		return fmt.Errorf("more than one URL (%q and %q): import one request at a time", c.url, u)
	}
	c.url = u
	return nil
}

func (c *parsed) flag(name string) error {
	switch name {
	case "--get":
		c.get = true
	case "--head":
		c.head = true
	case "--compressed":
		c.compress = true
	case "--insecure":
		c.warn("%s ignored: Streamscope always verifies TLS certificates", name)
	case "--version", "--help", "--manual":
		return fmt.Errorf("%s does not send a request", name)
	default:
		if harmlessFlags[name] {
			return nil
		}
		if _, ok := shortFlagByLong(name); ok {
			c.warn("%s ignored: it does not apply to an HTTP request here", name)
			return nil
		}
		return fmt.Errorf("unknown curl option %s", name)
	}
	return nil
}

func shortFlagByLong(name string) (byte, bool) {
	for k, v := range shortFlags {
		if v == name {
			return k, true
		}
	}
	return 0, false
}

// readFile reads the FILE of an option (opt, as written: "-d @FILE") whose
// content goes into the endpoint, when Options.AllowFiles lets it.
func (c *parsed) readFile(opt, name string) ([]byte, error) {
	if name == "-" {
		return nil, fmt.Errorf("%s: @- (read from stdin) is not supported in an imported command: put the body in the command or a file", opt)
	}
	if !c.opts.AllowFiles {
		return nil, fmt.Errorf("%s: %w: %s", opt, ErrLocalFile, name)
	}
	var b []byte
	var err error
	if c.opts.ReadFile != nil {
		b, err = c.opts.ReadFile(name)
	} else {
		full := name
		if c.opts.Dir != "" && !filepath.IsAbs(name) {
			full = filepath.Join(c.opts.Dir, name)
		}
		b, err = project.ReadRegular(full, project.MaxYAMLFile)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt, err)
	}
	c.warn("%s: copied the %d bytes of %s into the endpoint (it does not follow later changes of the file)", opt, len(b), name)
	return b, nil
}

func (c *parsed) option(name, v string) error {
	switch name {
	case "--request":
		c.method = strings.ToUpper(v)
	case "--url":
		return c.setURL(v)
	case "--header":
		return c.header(v)
	case "--data", "--data-ascii":
		if strings.HasPrefix(v, "@") {
			b, err := c.readFile(name+" "+v, v[1:])
			if err != nil {
				return err
			}
			// curl drops carriage returns and newlines from -d @file.
			v = strings.NewReplacer("\r", "", "\n", "").Replace(string(b))
		}
		c.data = append(c.data, dataPart{text: v})
	case "--data-raw":
		c.data = append(c.data, dataPart{text: v})
	case "--data-binary", "--json":
		if strings.HasPrefix(v, "@") {
			b, err := c.readFile(name+" "+v, v[1:])
			if err != nil {
				return err
			}
			v = string(b)
		}
		c.data = append(c.data, dataPart{text: v})
		if name == "--json" {
			c.isJSON = true
		}
	case "--data-urlencode":
		return c.dataURLEncode(v)
	case "--form", "--form-string":
		return c.formField(name, v)
	case "--user":
		c.user = &v
	case "--oauth2-bearer":
		c.bearer = v
	case "--aws-sigv4":
		c.sigv4 = v
	case "--user-agent":
		c.headers = append(c.headers, project.KV{Name: "User-Agent", Value: v})
	case "--referer":
		c.headers = append(c.headers, project.KV{Name: "Referer", Value: strings.TrimSuffix(v, ";auto")})
	case "--cookie":
		if !strings.Contains(v, "=") {
			c.warn("--cookie %s ignored: reading cookies from a file is not supported", v)
			return nil
		}
		c.headers = append(c.headers, project.KV{Name: "Cookie", Value: v})
	case "--retry":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("--retry %q: expected a number", v)
		}
		c.retry = n
	case "--upload-file", "--config", "--variable":
		return fmt.Errorf("%s is not supported by import", name)
	case "--url-query":
		return fmt.Errorf("--url-query is not supported by import: put the parameter in the URL")
	default:
		c.warn("%s %s ignored: it does not change the request Streamscope sends", name, v)
	}
	return nil
}

func (c *parsed) header(v string) error {
	if strings.HasPrefix(v, "@") {
		return fmt.Errorf("-H %s: reading headers from a file is not supported", v)
	}
	name, value, ok := strings.Cut(v, ":")
	if !ok {
		if n, found := strings.CutSuffix(v, ";"); found {
			// curl: "Name;" sends the header with an empty value.
			c.headers = append(c.headers, project.KV{Name: strings.TrimSpace(n)})
			return nil
		}
		return fmt.Errorf("-H %q: a header is \"Name: value\"", v)
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if name == "" {
		return fmt.Errorf("-H %q: the header has no name", v)
	}
	if value == "" {
		c.warn("-H %q ignored: curl uses an empty header to remove a default header", v)
		return nil
	}
	c.headers = append(c.headers, project.KV{Name: name, Value: value})
	return nil
}

func (c *parsed) dataURLEncode(v string) error {
	// Forms: content, =content, name=content, @file, name@file.
	if i := strings.IndexAny(v, "=@"); i >= 0 {
		name, rest := v[:i], v[i+1:]
		if v[i] == '@' {
			b, err := c.readFile("--data-urlencode "+v, rest)
			if err != nil {
				return err
			}
			rest = string(b)
		}
		if name == "" {
			c.data = append(c.data, dataPart{text: url.QueryEscape(rest)})
			return nil
		}
		c.data = append(c.data, dataPart{urlencode: true, name: name, value: rest, text: url.QueryEscape(name) + "=" + url.QueryEscape(rest)})
		return nil
	}
	c.data = append(c.data, dataPart{text: url.QueryEscape(v)})
	return nil
}

func (c *parsed) formField(opt, v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("%s %q: a form field is name=value", opt, v)
	}
	if opt == "--form-string" {
		c.form = append(c.form, project.FormField{Name: name, Value: value})
		return nil
	}
	if i := strings.Index(value, ";type="); i >= 0 && (strings.HasPrefix(value, "@") || strings.HasPrefix(value, "<")) {
		c.warn("-F %s: the part's ;type= is not kept", v)
		value = value[:i]
	}
	switch {
	case strings.HasPrefix(value, "@"):
		c.form = append(c.form, project.FormField{Name: name, File: filepath.ToSlash(value[1:])})
	case strings.HasPrefix(value, "<"):
		b, err := c.readFile(opt+" "+v, value[1:])
		if err != nil {
			return err
		}
		c.form = append(c.form, project.FormField{Name: name, Value: string(b)})
	default:
		c.form = append(c.form, project.FormField{Name: name, Value: value})
	}
	return nil
}

var placeholderRE = regexp.MustCompile(`\{\{\s*[A-Za-z_$][A-Za-z0-9_.\-$]*\s*\}\}`)

// looksJSON reports whether s is JSON once every {{variable}} is read as a
// value (inside a string or in place of a number).
func looksJSON(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return false
	}
	return json.Valid([]byte(placeholderRE.ReplaceAllString(t, "0")))
}

func (c *parsed) endpoint() (*project.Endpoint, error) {
	ep := &project.Endpoint{Method: c.method}
	if c.compress {
		ep.Compressed = true
	}
	if c.retry > 0 {
		ep.Retry = &project.Retry{Enabled: true, MaxAttempts: c.retry}
	}
	rawURL := c.url
	if !strings.Contains(rawURL, "://") && !strings.HasPrefix(rawURL, "{{") {
		rawURL = "http://" + rawURL // curl's default scheme
	}
	headers := c.headers
	// Authorization.
	switch {
	case c.sigv4 != "":
		a, err := sigv4Auth(c.sigv4, c.user, &headers)
		if err != nil {
			return nil, err
		}
		ep.Auth = a
	case c.user != nil:
		user, pass, _ := strings.Cut(*c.user, ":")
		ep.Auth = &project.Auth{Type: project.AuthBasic, Username: user, Password: pass}
	case c.bearer != "":
		ep.Auth = &project.Auth{Type: project.AuthBearer, Token: c.bearer}
	default:
		if i, tok := bearerHeader(headers); i >= 0 {
			ep.Auth = &project.Auth{Type: project.AuthBearer, Token: tok}
			headers = append(headers[:i:i], headers[i+1:]...)
		}
	}
	contentType := ""
	ctIndex := -1
	for i, h := range headers {
		if strings.EqualFold(h.Name, "Content-Type") {
			contentType, ctIndex = h.Value, i
		}
	}
	dropCT := func() {
		if ctIndex >= 0 {
			headers = append(headers[:ctIndex:ctIndex], headers[ctIndex+1:]...)
		}
	}
	switch {
	case len(c.form) > 0:
		if len(c.data) > 0 {
			return nil, fmt.Errorf("-F and -d cannot be combined (curl refuses too)")
		}
		ep.Body = &project.Body{Type: project.BodyForm, Fields: c.form}
		if strings.HasPrefix(strings.ToLower(contentType), "multipart/form-data") {
			dropCT()
		}
	case len(c.data) > 0 && c.get:
		// -G: the data goes into the query string.
		joined := joinData(c.data)
		if strings.Contains(rawURL, "?") {
			rawURL += "&" + joined
		} else {
			rawURL += "?" + joined
		}
	case len(c.data) > 0:
		text := joinData(c.data)
		ct := strings.ToLower(contentType)
		switch {
		case (c.isJSON || ct == "" || strings.Contains(ct, "json")) && looksJSON(text):
			ep.Body = &project.Body{Type: project.BodyJSON, Text: text}
			if ct == "application/json" {
				dropCT()
			}
		case ct == "" || ct == "application/x-www-form-urlencoded":
			if fields, ok := formFields(c.data); ok {
				ep.Body = &project.Body{Type: project.BodyURLEncoded, Fields: fields}
				dropCT()
				break
			}
			ep.Body = &project.Body{Type: project.BodyRaw, Text: text, ContentType: "application/x-www-form-urlencoded"}
			dropCT()
		default:
			ep.Body = &project.Body{Type: project.BodyRaw, Text: text, ContentType: contentType}
			dropCT()
		}
		if c.isJSON && !hasHeader(headers, "Accept") {
			headers = append(headers, project.KV{Name: "Accept", Value: "application/json"})
		}
	}
	switch {
	case c.method != "":
	case c.head:
		ep.Method = "HEAD"
	case c.get:
		ep.Method = "GET"
	case ep.Body != nil:
		ep.Method = "POST"
	default:
		ep.Method = "GET"
	}
	ep.URL, ep.Query = splitQuery(rawURL)
	if len(headers) > 0 {
		ep.Headers = headers
	}
	ep.Name = c.opts.Name
	if ep.Name == "" {
		ep.Name = "imported" // validated with a stand-in, returned unnamed
		defer func() { ep.Name = "" }()
	}
	if err := ep.Validate(); err != nil {
		return nil, err
	}
	return ep, nil
}

func hasHeader(h []project.KV, name string) bool {
	for _, kv := range h {
		if strings.EqualFold(kv.Name, name) {
			return true
		}
	}
	return false
}

// bearerHeader finds the single "Authorization: Bearer TOKEN" header.
func bearerHeader(h []project.KV) (int, string) {
	found := -1
	token := ""
	for i, kv := range h {
		if strings.EqualFold(kv.Name, "Authorization") {
			if found >= 0 {
				return -1, ""
			}
			scheme, tok, ok := strings.Cut(kv.Value, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
				return -1, ""
			}
			found, token = i, strings.TrimSpace(tok)
		}
	}
	return found, token
}

func joinData(parts []dataPart) string {
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.text
	}
	return strings.Join(texts, "&")
}

// formFields turns name=value&… data into fields when it is unambiguous:
// every piece has a name, and encoding the decoded fields gives the same
// bytes back (so nothing about the request changes).
func formFields(parts []dataPart) ([]project.FormField, bool) {
	var fields []project.FormField
	for _, p := range parts {
		if p.urlencode {
			fields = append(fields, project.FormField{Name: p.name, Value: p.value})
			continue
		}
		for _, piece := range strings.Split(p.text, "&") {
			k, v, ok := strings.Cut(piece, "=")
			if !ok || k == "" {
				return nil, false
			}
			dk, err1 := url.QueryUnescape(k)
			dv, err2 := url.QueryUnescape(v)
			if err1 != nil || err2 != nil || escapeKeepVars(dk) != k || escapeKeepVars(dv) != v {
				return nil, false
			}
			fields = append(fields, project.FormField{Name: dk, Value: dv})
		}
	}
	return fields, len(fields) > 0
}

// splitQuery moves the URL's query parameters into a list when that is
// exact: every parameter is name=value and re-encoding the decoded list
// reproduces the query string byte for byte. Otherwise the URL is kept whole.
func splitQuery(raw string) (string, []project.KV) {
	base, q, ok := strings.Cut(raw, "?")
	if !ok || q == "" || strings.Contains(q, "#") {
		return raw, nil
	}
	var out []project.KV
	for _, piece := range strings.Split(q, "&") {
		k, v, ok := strings.Cut(piece, "=")
		if !ok || k == "" {
			return raw, nil
		}
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || escapeKeepVars(dk) != k || escapeKeepVars(dv) != v {
			return raw, nil
		}
		out = append(out, project.KV{Name: dk, Value: dv})
	}
	return base, out
}

// escapeKeepVars query-escapes s but leaves {{variables}} as written.
func escapeKeepVars(s string) string { return project.EscapeQuery(s) }

// sigv4Auth reads curl's --aws-sigv4 "aws:amz:REGION:SERVICE" with the keys
// of --user ACCESS_KEY:SECRET_KEY; an X-Amz-Security-Token header becomes
// the session token (and leaves the headers).
func sigv4Auth(spec string, user *string, headers *[]project.KV) (*project.Auth, error) {
	parts := strings.Split(spec, ":")
	if len(parts) != 4 || parts[2] == "" || parts[3] == "" {
		return nil, fmt.Errorf("--aws-sigv4 %q: give provider1:provider2:region:service (aws:amz:us-east-1:bedrock); import does not guess the region and service from the host", spec)
	}
	if user == nil {
		return nil, fmt.Errorf("--aws-sigv4 needs --user ACCESS_KEY:SECRET_KEY")
	}
	ak, sk, _ := strings.Cut(*user, ":")
	a := &project.Auth{Type: project.AuthSigV4, AccessKey: ak, SecretKey: sk, Region: parts[2], Service: parts[3]}
	kept := (*headers)[:0:0]
	for _, h := range *headers {
		if strings.EqualFold(h.Name, "X-Amz-Security-Token") && a.SessionToken == "" {
			a.SessionToken = h.Value
			continue
		}
		kept = append(kept, h)
	}
	*headers = kept
	return a, nil
}
