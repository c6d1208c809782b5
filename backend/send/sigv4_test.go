package send

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// sigv4Case is one case of the AWS Signature Version 4 test suite
// (testdata/sigv4_suite.json: awslabs/aws-c-auth's
// tests/aws-signing-test-suite/v4, header signing, as data).
type sigv4Case struct {
	Name    string `json:"name"`
	Context struct {
		Credentials struct {
			AccessKeyID     string `json:"access_key_id"`
			SecretAccessKey string `json:"secret_access_key"`
			Token           string `json:"token"`
		} `json:"credentials"`
		Region           string `json:"region"`
		Service          string `json:"service"`
		Timestamp        string `json:"timestamp"`
		SignBody         bool   `json:"sign_body"`
		OmitSessionToken bool   `json:"omit_session_token"`
		Normalize        bool   `json:"normalize"`
	} `json:"context"`
	Request          string `json:"request"`
	CanonicalRequest string `json:"canonical_request"`
	StringToSign     string `json:"string_to_sign"`
	Signature        string `json:"signature"`
	Authorization    string `json:"authorization"`
}

// notSupported are the suite's cases this signer does not claim, with why.
var notSupported = map[string]string{
	"get-header-value-multiline":         "an obs-folded header value: a value with a line break is refused before sending",
	"get-relative-normalized":            "dot segments: the signer signs the path as sent, it does not normalise it",
	"get-relative-relative-normalized":   "dot segments, as above",
	"get-slash-dot-slash-normalized":     "dot segments, as above",
	"get-slash-pointless-dot-normalized": "dot segments, as above",
	"get-slash-normalized":               "repeated slashes: signed as sent, not merged",
	"get-slashes-normalized":             "repeated slashes, as above",
}

// signLog captures the canonical request and string to sign the signer
// logs.
type signLog struct{ canonical, toSign string }

func (l *signLog) Logf(_ logging.Classification, format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	const a, b, c = "---[ CANONICAL STRING  ]-----------------------------\n", "\n---[ STRING TO SIGN ]--------------------------------\n", "\n-----------------------------------------------------"
	if i, j := strings.Index(msg, a), strings.Index(msg, b); i >= 0 && j > i {
		l.canonical = msg[i+len(a) : j]
		rest := msg[j+len(b):]
		if k := strings.Index(rest, c); k >= 0 {
			l.toSign = rest[:k]
		}
	}
}

// parseSuiteRequest reads a request.txt: request line, headers, blank
// line, body. The request line's path is the path as sent (the suite
// writes it unencoded), kept in URL.Opaque.
func parseSuiteRequest(t *testing.T, raw string) (*http.Request, []byte) {
	t.Helper()
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	method, rest, _ := strings.Cut(lines[0], " ")
	target := strings.TrimSuffix(rest, " HTTP/1.1")
	path, query, _ := strings.Cut(target, "?")
	req, err := http.NewRequest(method, "https://example.amazonaws.com/", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("header line %q", l)
		}
		switch strings.ToLower(name) {
		case "host":
			req.Host = value
			req.URL.Host = value
		case "content-length":
		default:
			req.Header.Add(name, value)
		}
	}
	req.URL.Opaque = "//" + req.URL.Host + path
	req.URL.RawQuery = query
	return req, []byte(body)
}

// The signer matches the AWS SigV4 test suite: canonical request, string
// to sign, signature and Authorization, for every header-signing case but
// the few listed in notSupported.
func TestSigV4Suite(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/sigv4_suite.json")
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Cases []sigv4Case `json:"cases"`
	}
	if err := json.Unmarshal(raw, &suite); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range suite.Cases {
		if why, skip := notSupported[c.Name]; skip {
			t.Logf("%s: not claimed (%s)", c.Name, why)
			continue
		}
		checked++
		req, body := parseSuiteRequest(t, c.Request)
		ctx := c.Context
		when, err := time.Parse(time.RFC3339, ctx.Timestamp)
		if err != nil {
			t.Fatal(err)
		}
		if ctx.SignBody {
			sum := sha256.Sum256(body)
			req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		}
		a := &Auth{Type: "sigv4", AccessKey: ctx.Credentials.AccessKeyID, SecretKey: ctx.Credentials.SecretAccessKey,
			Region: ctx.Region, Service: ctx.Service}
		if !ctx.OmitSessionToken {
			a.SessionToken = ctx.Credentials.Token
		}
		log := &signLog{}
		if err := signV4(req, body, a, when, func(o *v4.SignerOptions) { o.Logger, o.LogSigning = log, true }); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if log.canonical != c.CanonicalRequest {
			t.Errorf("%s: canonical request\n%s\nwant\n%s", c.Name, log.canonical, c.CanonicalRequest)
		}
		if log.toSign != c.StringToSign {
			t.Errorf("%s: string to sign\n%s\nwant\n%s", c.Name, log.toSign, c.StringToSign)
		}
		if got := req.Header.Get("Authorization"); got != c.Authorization || !strings.HasSuffix(got, "Signature="+c.Signature) {
			t.Errorf("%s: Authorization\n%s\nwant\n%s", c.Name, got, c.Authorization)
		}
	}
	if checked != 31 {
		t.Errorf("checked %d cases, want 31 of the suite's 38", checked)
	}
}

// --- an independent recomputation, written from the AWS documentation
// ("Create a signed AWS API request", IAM user guide) -----------------------

// uriEncode percent-encodes every byte but the unreserved characters
// (A-Z a-z 0-9 - _ . ~), and '/' when keepSlash.
func uriEncode(s string, keepSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && keepSlash:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func hmacSHA256(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}

// recompute is the SigV4 signature of a request as a server sees it: the
// path as sent (encoded once more, as every service but S3 does), the
// query, the signed headers' values, the body, the X-Amz-Date.
func recompute(method, sentPath, rawQuery string, header http.Header, signed []string, body []byte, secret, amzDate, region, service string) (canonical, signature string) {
	type kv struct{ k, v string }
	var q []kv
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		q = append(q, kv{uriEncode(k, false), uriEncode(v, false)})
	}
	sort.Slice(q, func(i, j int) bool { return q[i].k < q[j].k || q[i].k == q[j].k && q[i].v < q[j].v })
	var qs []string
	for _, p := range q {
		qs = append(qs, p.k+"="+p.v)
	}
	var hs []string
	for _, name := range signed {
		var vals []string
		for _, v := range header.Values(name) {
			vals = append(vals, strings.Join(strings.Fields(v), " "))
		}
		hs = append(hs, name+":"+strings.Join(vals, ",")+"\n")
	}
	sum := sha256.Sum256(body)
	canonical = strings.Join([]string{method, uriEncode(sentPath, true), strings.Join(qs, "&"), strings.Join(hs, ""),
		strings.Join(signed, ";"), hex.EncodeToString(sum[:])}, "\n")
	day := amzDate[:8]
	scope := day + "/" + region + "/" + service + "/aws4_request"
	crSum := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(crSum[:])
	key := hmacSHA256(hmacSHA256(hmacSHA256(hmacSHA256([]byte("AWS4"+secret), day), region), service), "aws4_request")
	return canonical, hex.EncodeToString(hmacSHA256(key, toSign))
}

// parseAuthorization splits an AWS4-HMAC-SHA256 Authorization value.
func parseAuthorization(v string) (credential string, signed []string, signature string, ok bool) {
	rest, found := strings.CutPrefix(v, "AWS4-HMAC-SHA256 ")
	if !found {
		return "", nil, "", false
	}
	for _, part := range strings.Split(rest, ", ") {
		k, val, _ := strings.Cut(part, "=")
		switch k {
		case "Credential":
			credential = val
		case "SignedHeaders":
			signed = strings.Split(val, ";")
		case "Signature":
			signature = val
		}
	}
	return credential, signed, signature, credential != "" && signature != "" && len(signed) > 0
}

// verifier is a server that checks every request's signature by
// recomputation (header "Host" from the request) and answers 403 when it
// does not match.
func verifier(t *testing.T, secret string, next http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		cred, signed, sig, ok := parseAuthorization(r.Header.Get("Authorization"))
		if !ok {
			http.Error(w, "missing or malformed Authorization", http.StatusForbidden)
			return
		}
		parts := strings.Split(cred, "/")
		h := r.Header.Clone()
		h.Set("Host", r.Host)
		if r.ContentLength > 0 {
			h.Set("Content-Length", fmt.Sprint(r.ContentLength))
		}
		_, want := recompute(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, h, signed, body, secret, r.Header.Get("X-Amz-Date"), parts[2], parts[3])
		if sig != want {
			http.Error(w, "The request signature we calculated does not match the signature you provided.", http.StatusForbidden)
			return
		}
		next(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const (
	testAKID   = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// A Bedrock request built by the sender carries the signature an
// independent recomputation gives, for model ids with ':' as written and
// as %3A, with and without a session token and a query.
func TestSigV4Recompute(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ url, token string }{
		{"https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse-stream", ""},
		{"https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke-with-response-stream", "FQoGZXIvYXdzEXAMPLE//token+/="},
		{"https://bedrock-runtime.eu-west-3.amazonaws.com/model/us.amazon.nova-pro-v1:0/converse-stream?trace=ENABLED&a=b%20c", ""},
	} {
		body := []byte(`{"messages":[{"role":"user","content":[{"text":"Grüß Gott"}]}]}`)
		r := &Request{Method: "POST", URL: c.url, Body: body,
			Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/vnd.amazon.eventstream"}, "X-Custom": {"  a   b "}},
			Auth:   &Auth{Type: "sigv4", AccessKey: testAKID, SecretKey: testSecret, SessionToken: c.token, Region: "us-east-1", Service: "bedrock"}}
		req, err := r.build(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		cred, signed, sig, ok := parseAuthorization(req.Header.Get("Authorization"))
		if !ok || !strings.HasPrefix(cred, testAKID+"/") || !strings.HasSuffix(cred, "/us-east-1/bedrock/aws4_request") {
			t.Fatalf("%s: Authorization %q", c.url, req.Header.Get("Authorization"))
		}
		wantSigned := "accept;accept-encoding;content-length;content-type;host;x-amz-date;x-custom"
		if c.token != "" {
			wantSigned = "accept;accept-encoding;content-length;content-type;host;x-amz-date;x-amz-security-token;x-custom"
			if req.Header.Get("X-Amz-Security-Token") != c.token {
				t.Errorf("token header %q", req.Header.Get("X-Amz-Security-Token"))
			}
		}
		if strings.Join(signed, ";") != wantSigned {
			t.Errorf("%s: signed headers %v", c.url, signed)
		}
		h := req.Header.Clone()
		h.Set("Host", req.URL.Host)
		h.Set("Content-Length", fmt.Sprint(len(body)))
		canonical, want := recompute("POST", req.URL.EscapedPath(), req.URL.RawQuery, h, signed, body, testSecret, req.Header.Get("X-Amz-Date"), "us-east-1", "bedrock")
		if sig != want {
			t.Errorf("%s: signature %s, recomputed %s over\n%s", c.url, sig, want, canonical)
		}
		if !strings.Contains(canonical, "%253A0") && !strings.Contains(canonical, "v1%3A0") {
			t.Errorf("%s: canonical path not encoded as a service expects:\n%s", c.url, canonical)
		}
	}
}

// End to end: each attempt (a retried 429, a same-origin redirect hop) is
// signed afresh and verifies; a redirect to another origin gets neither
// the Authorization nor the session token; the timeline shows neither.
func TestSigV4Sending(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || r.Header.Get("X-Amz-Security-Token") != "" {
			http.Error(w, "credentials leaked", http.StatusTeapot)
			return
		}
		w.Write([]byte("other origin"))
	}))
	t.Cleanup(other.Close)
	calls := 0
	srv := verifier(t, testSecret, func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch r.URL.Path {
		case "/busy":
			if calls == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
		case "/moved":
			http.Redirect(w, r, "/model/m:1/converse", http.StatusTemporaryRedirect)
			return
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
			return
		}
		w.Write([]byte("ok " + r.URL.Path))
	})
	auth := &Auth{Type: "sigv4", AccessKey: testAKID, SecretKey: testSecret, SessionToken: "session-token-value", Region: "us-west-2", Service: "bedrock"}
	for _, c := range []struct {
		path, body string
		attempts   int
	}{{"/model/m:1/converse", "ok /model/m:1/converse", 1}, {"/busy", "ok /busy", 2}, {"/moved", "ok /model/m:1/converse", 1}, {"/away", "other origin", 1}} {
		sink, got := collect()
		calls = 0
		res := Do(context.Background(), &Request{Method: "POST", URL: srv.URL + c.path, Body: []byte(`{"a":1}`), Auth: auth,
			Retry: Retry{Enabled: true, MaxAttempts: 2, Fallback: time.Millisecond}}, sink)
		if res.Status != 200 || string(res.Body) != c.body || res.Attempts != c.attempts {
			t.Fatalf("%s: status %d body %q attempts %d (%s)", c.path, res.Status, res.Body, res.Attempts, res.Message)
		}
		for _, r := range kinds(got(), KindRequestSent) {
			h := r.Request.Header
			if h.Get("Authorization") != "AWS4-HMAC-SHA256 [redacted]" || h.Get("X-Amz-Security-Token") != "[redacted]" || h.Get("X-Amz-Date") == "" {
				t.Errorf("%s: request record headers %v", c.path, h)
			}
		}
	}
	// A wrong secret is refused by the verifier (the check can fail), also
	// right after the right one was used with the same access key: the
	// SDK signer's key cache ignores the secret, so each request gets its own.
	bad := *auth
	bad.SecretKey = "not-the-secret"
	res := Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/model/m:1/converse", Body: []byte(`{}`), Auth: &bad}, nil)
	if res.Status != http.StatusForbidden {
		t.Fatalf("wrong secret: status %d", res.Status)
	}
}

func TestSigV4Errors(t *testing.T) {
	t.Parallel()
	for _, a := range []*Auth{
		{Type: "sigv4", SecretKey: "s", Region: "r", Service: "bedrock"},
		{Type: "sigv4", AccessKey: "a", Region: "r", Service: "bedrock"},
		{Type: "sigv4", AccessKey: "a", SecretKey: "s", Service: "bedrock"},
		{Type: "SigV4", AccessKey: "a", SecretKey: "s", Region: "r"},
	} {
		_, err := (&Request{URL: "https://example.com/", Auth: a}).build(context.Background(), "")
		if err == nil || !strings.HasPrefix(err.Error(), "sigv4 auth needs") {
			t.Errorf("%+v: %v", a, err)
		}
	}
	// An Authorization header the user wrote wins: nothing is signed.
	req, err := (&Request{URL: "https://example.com/", Header: http.Header{"Authorization": {"Bearer x"}},
		Auth: &Auth{Type: "sigv4", AccessKey: "a", SecretKey: "s", Region: "r", Service: "s"}}).build(context.Background(), "")
	if err != nil || req.Header.Get("Authorization") != "Bearer x" || req.Header.Get("X-Amz-Date") != "" {
		t.Errorf("user Authorization: %v %v", err, req.Header)
	}
	// S3 signs the path once and sends the payload hash.
	req, err = (&Request{Method: "PUT", URL: "https://b.s3.amazonaws.com/a%20b.txt", Body: []byte("x"),
		Auth: &Auth{Type: "sigv4", AccessKey: "a", SecretKey: "s", Region: "us-east-1", Service: "s3"}}).build(context.Background(), "")
	if err != nil || req.Header.Get("X-Amz-Content-Sha256") != "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" {
		t.Errorf("s3: %v %v", err, req.Header)
	}
}
