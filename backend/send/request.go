package send

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/streamscope/streamscope/backend/eventstream"
)

// StreamKind is how a response body is read.
type StreamKind string

// Stream kinds; "auto" (or "") decides from the Content-Type.
const (
	StreamAuto   StreamKind = "auto"
	StreamSSE    StreamKind = "sse"
	StreamNDJSON StreamKind = "ndjson"
	StreamPlain  StreamKind = "plain"
	// StreamEventStream is the AWS event stream
	// (application/vnd.amazon.eventstream): binary frames with headers.
	StreamEventStream StreamKind = "eventstream"
)

// Defaults used when a Request leaves a field zero.
const (
	DefaultHeaderTimeout  = 120 * time.Second
	DefaultIdleTimeout    = 120 * time.Second
	DefaultMaxEventSize   = 16 << 20
	DefaultMaxBody        = 64 << 20
	DefaultReconnectDelay = 3 * time.Second
	// MaxReconnectDelay caps the wait before a reconnect, whether a
	// stream's `retry:` field or Reconnect.Delay asks for longer.
	MaxReconnectDelay      = 60 * time.Second
	DefaultRetryMaxWait    = 60 * time.Second
	DefaultRetryFallback   = time.Second
	defaultReconnectMaxTry = 5
)

// Request is one request to send and how to read its answer.
type Request struct {
	Method string // "" means GET, or POST when Body is set
	URL    string
	Header http.Header
	// Query parameters are added to those already in URL.
	Query url.Values
	Body  []byte
	Auth  *Auth
	// NoFollow makes a redirect the answer instead of following it. A
	// followed redirect to another origin (scheme, host or port) never
	// gets the credentials (headers whose name looks like one, those in
	// Credentials, Authorization from Auth) nor, on a 307/308, the body:
	// such a redirect is not followed. Every redirect is a KindRedirect
	// record.
	NoFollow bool
	// Credentials names more headers that carry credentials (an API key
	// header, a header holding a secret variable).
	Credentials []string

	// StreamMode forces how the body is read; "" or "auto" decides from
	// the Content-Type.
	StreamMode StreamKind
	// Compression, when set, asks for gzip and br; otherwise the request
	// says Accept-Encoding: identity (unless Header sets it). A compressed
	// answer is decoded either way.
	Compression bool

	// HeaderTimeout bounds the wait for the response headers; IdleTimeout
	// the wait for the next body bytes. Zero means the defaults, a negative
	// value none at all.
	HeaderTimeout time.Duration
	IdleTimeout   time.Duration

	// MaxEventSize caps one event (0: DefaultMaxEventSize); a larger event
	// becomes an error record and is skipped.
	MaxEventSize int
	// MaxBody caps how much of the decoded body is kept in Result.Body
	// (0: DefaultMaxBody, negative: nothing kept). Reading goes on past it.
	MaxBody int
	// KeepBody, when set, is asked once per attempt, when its response
	// headers arrived, whether to keep that attempt's body in Result.Body
	// (within MaxBody); false reads the body without keeping it, so a long
	// stream whose events are all the caller needs costs no memory for
	// it. nil keeps every body.
	KeepBody func(status int, kind StreamKind) bool

	Reconnect Reconnect
	Retry     Retry

	// Finish, when set, is asked each time an event stream's body (SSE,
	// NDJSON or an AWS event stream) ended cleanly whether the stream really finished (e.g. the
	// merge saw the format's end marker; MergeCheck answers from a merge
	// result). It returns "" or EndComplete to accept the end as complete,
	// or EndTruncated / EndError with a message (a truncated SSE stream is
	// then reopened when Reconnect allows, and Finish is asked again at its
	// end). It runs on the sender's goroutine after the body's last event
	// was delivered.
	Finish func() (EndReason, string)
	// EndMarker, when set, is asked when an event stream's body broke (the
	// connection closed before the end of the body, e.g. a chunked body
	// without its last chunk; a decoding error; the idle timeout) whether
	// the stream's end marker had arrived (merge.Merger.SawEnd). When it had,
	// the stream is complete: the fault becomes a warning record and Finish
	// is asked as at a clean end.
	EndMarker func() bool
}

// Auth adds an Authorization header unless Header already has one.
type Auth struct {
	// Type is "bearer", "basic" or "sigv4" (AWS Signature Version 4,
	// sigv4.go: each attempt signed when it is sent).
	Type     string
	Token    string
	Username string
	Password string
	// AccessKey, SecretKey, SessionToken (optional), Region and Service
	// (e.g. bedrock) are for sigv4.
	AccessKey    string
	SecretKey    string
	SessionToken string
	Region       string
	Service      string
}

// Reconnect configures reopening a broken SSE stream (off by default): a
// connection that failed, or a 200 text/event-stream body that broke or was
// cut (mid-event, or per Request.Finish), is reopened with Last-Event-ID.
type Reconnect struct {
	Enabled bool
	// MaxAttempts bounds the reconnects (0: 5).
	MaxAttempts int
	// Delay is the wait before reconnecting while the stream set no
	// `retry:` (0: 3s). A `retry:` field from the stream always wins. Either
	// is capped at MaxReconnectDelay (60 s), with a warning record.
	Delay time.Duration
}

// Retry configures retrying a 429 or 503 answer (off by default).
type Retry struct {
	Enabled bool
	// MaxAttempts bounds the retries (0: 3).
	MaxAttempts int
	// MaxWait caps a Retry-After wait (0: 60s).
	MaxWait time.Duration
	// Fallback is the wait when the answer has no usable Retry-After (0: 1s).
	Fallback time.Duration
}

// build turns r into an *http.Request for one attempt.
func (r *Request) build(ctx context.Context, lastEventID string) (*http.Request, error) {
	if strings.TrimSpace(r.URL) == "" {
		return nil, fmt.Errorf("request URL is empty")
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, fmt.Errorf("request URL %q: %v", r.URL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("request URL %q: scheme must be http or https", r.URL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("request URL %q: no host", r.URL)
	}
	if len(r.Query) > 0 {
		q := u.Query()
		for k, vs := range r.Query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	method := strings.ToUpper(r.Method)
	if method == "" {
		method = http.MethodGet
		if r.Body != nil {
			method = http.MethodPost
		}
	}
	var body *bytes.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	var req *http.Request
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, method, u.String(), body)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, u.String(), nil)
	}
	if err != nil {
		return nil, fmt.Errorf("request: %v", err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n") {
				return nil, fmt.Errorf("header %q: value contains a line break", k)
			}
			req.Header.Add(k, v)
		}
	}
	if req.Header.Get("Accept-Encoding") == "" {
		if r.Compression {
			req.Header.Set("Accept-Encoding", "gzip, br")
		} else {
			req.Header.Set("Accept-Encoding", "identity")
		}
	}
	if r.Auth != nil && req.Header.Get("Authorization") == "" {
		switch strings.ToLower(r.Auth.Type) {
		case "bearer":
			req.Header.Set("Authorization", "Bearer "+r.Auth.Token)
		case "basic":
			req.SetBasicAuth(r.Auth.Username, r.Auth.Password)
		case "sigv4": // signed below, once every header is set
		default:
			return nil, fmt.Errorf("auth type %q: want bearer, basic or sigv4", r.Auth.Type)
		}
	}
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	if r.Auth.isSigV4() && r.Header.Get("Authorization") == "" {
		if err := signV4(req, r.Body, r.Auth, time.Now()); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// DetectKind maps a Content-Type to a stream kind.
func DetectKind(contentType string) StreamKind {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	}
	switch mt {
	case "text/event-stream":
		return StreamSSE
	case "application/x-ndjson", "application/ndjson", "application/jsonl",
		"application/x-jsonl", "application/x-jsonlines", "application/jsonlines":
		return StreamNDJSON
	case eventstream.ContentType:
		return StreamEventStream
	}
	return StreamPlain
}

// ParseStreamMode validates a user's stream mode.
func ParseStreamMode(s string) (StreamKind, error) {
	switch k := StreamKind(strings.ToLower(s)); k {
	case "", StreamAuto:
		return StreamAuto, nil
	case StreamSSE, StreamNDJSON, StreamEventStream, StreamPlain:
		return k, nil
	}
	return "", fmt.Errorf("stream mode %q: want auto, sse, ndjson, eventstream or plain", s)
}

// sensitive reports whether a header or query parameter name looks like it
// carries a credential.
func sensitive(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"auth", "key", "token", "secret", "cookie", "password", "signature"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// RedactHeader returns a copy of h with credential-like values replaced;
// an Authorization value keeps its scheme ("Bearer [redacted]").
func RedactHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		if !sensitive(k) {
			out[k] = append([]string(nil), vs...)
			continue
		}
		red := make([]string, len(vs))
		for i, v := range vs {
			if scheme, _, ok := strings.Cut(v, " "); ok && strings.HasSuffix(strings.ToLower(k), "authorization") {
				red[i] = scheme + " [redacted]"
			} else {
				red[i] = "[redacted]"
			}
		}
		out[k] = red
	}
	return out
}

// RedactURL returns u with credential-like query values and any userinfo
// password replaced.
func RedactURL(u *url.URL) string {
	c := *u
	if c.User != nil {
		if _, has := c.User.Password(); has {
			c.User = url.UserPassword(c.User.Username(), "redacted")
		}
	}
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			if sensitive(k) {
				q[k] = []string{"redacted"}
				changed = true
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}
