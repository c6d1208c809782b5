package send

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// seen is what a test server got: one line per request, "METHOD path
// body=… header=value …" for the headers of interest.
type seen struct {
	mu   sync.Mutex
	reqs []string
}

var watched = []string{"Authorization", "Cookie", "X-Api-Key", "X-Goog-Api-Key", "Api-Key", "X-Custom", "X-Trace", "Referer"}

func (s *seen) record(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	line := fmt.Sprintf("%s %s body=%q", r.Method, r.URL.Path, body)
	for _, h := range watched {
		if v := r.Header.Get(h); v != "" {
			line += " " + h + "=" + v
		}
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, line)
	s.mu.Unlock()
}

func (s *seen) get() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

// redirector serves /to-PATH?status=N as a redirect (status N) to
// target+PATH, and anything else as a small SSE stream, noting every
// request in got.
func redirector(got *seen, target func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got.record(r)
		if rest, ok := strings.CutPrefix(r.URL.Path, "/to-"); ok {
			status := 302
			fmt.Sscan(r.URL.Query().Get("status"), &status)
			w.Header().Set("Location", target()+"/"+rest)
			w.WriteHeader(status)
			io.WriteString(w, "moved")
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: here\n\n")
	}
}

// credentialed is a POST carrying every kind of credential.
func credentialed(u string) *Request {
	return &Request{
		Method: "POST", URL: u, Body: []byte(`{"q":1}`),
		Header: http.Header{
			"X-Api-Key": {"k1"}, "X-Goog-Api-Key": {"k2"}, "Api-Key": {"k3"}, "Cookie": {"c=1"},
			"X-Custom": {"k4"}, "X-Trace": {"t"},
		},
		Auth:        &Auth{Type: "bearer", Token: "tok"},
		Credentials: []string{"x-custom"},
	}
}

const allCreds = " Authorization=Bearer tok Cookie=c=1 X-Api-Key=k1 X-Goog-Api-Key=k2 Api-Key=k3 X-Custom=k4 X-Trace=t"

// Redirects between two listeners (two origins: another port is another
// origin, as another host or scheme is). Item 10 of issue 17: x-api-key,
// x-goog-api-key, api-key and the POST body followed a redirect to another
// host (Go drops only Authorization and Cookie, and only for another
// domain), and redirects were not on the timeline.
func TestRedirects(t *testing.T) {
	t.Parallel()
	var gotA, gotB seen
	var a, b *httptest.Server
	a = httptest.NewServer(redirector(&gotA, func() string { return b.URL }))
	b = httptest.NewServer(redirector(&gotB, func() string { return a.URL }))
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	var gotSelf seen
	var self *httptest.Server
	self = httptest.NewServer(redirector(&gotSelf, func() string { return self.URL }))
	t.Cleanup(self.Close)

	cases := []struct {
		name     string
		req      *Request
		status   int
		a, b     []string // what each server got
		redirect []string // the redirect records, "status to method cross dropped body followed reason"
	}{
		{"302 to another origin: no credentials, no body, no Referer",
			credentialed(a.URL + "/to-end?status=302&key=secret-in-query"), 200,
			[]string{`POST /to-end body="{\"q\":1}"` + allCreds},
			[]string{`GET /end body="" X-Trace=t`},
			[]string{"302 B/end GET cross [Api-Key Authorization Cookie Referer X-Api-Key X-Custom X-Goog-Api-Key] dropped followed"}},
		{"307 to another origin with a body: not followed",
			credentialed(a.URL + "/to-end?status=307"), 307,
			[]string{`POST /to-end body="{\"q\":1}"` + allCreds}, nil,
			[]string{"307 B/end POST cross [] - not followed: a 307 redirect to another origin would send the request body there"}},
		{"308 to another origin without a body: followed, no credentials",
			&Request{URL: a.URL + "/to-end?status=308", Header: http.Header{"X-Api-Key": {"k1"}, "X-Trace": {"t"}}}, 200,
			[]string{`GET /to-end body="" X-Api-Key=k1 X-Trace=t`},
			[]string{`GET /end body="" X-Trace=t`},
			[]string{"308 B/end GET cross [Referer X-Api-Key] - followed"}},
		{"307 on the same origin keeps body and credentials",
			credentialed(self.URL + "/to-end?status=307"), 200, nil, nil,
			[]string{"307 S/end POST same [] kept followed"}},
		{"there and back again: credentials stay dropped",
			credentialed(a.URL + "/to-to-end?status=303"), 200,
			[]string{`POST /to-to-end body="{\"q\":1}"` + allCreds, `GET /end body="" X-Trace=t`},
			[]string{`GET /to-end body="" X-Trace=t`},
			[]string{"303 B/to-end GET cross [Api-Key Authorization Cookie Referer X-Api-Key X-Custom X-Goog-Api-Key] dropped followed",
				"302 A/end GET cross [Api-Key Authorization Cookie Referer X-Api-Key X-Custom X-Goog-Api-Key] dropped followed"}},
		{"following off",
			func() *Request { r := credentialed(a.URL + "/to-end"); r.NoFollow = true; return r }(), 302,
			[]string{`POST /to-end body="{\"q\":1}"` + allCreds}, nil,
			[]string{"302 B/end GET cross [] - not followed: following redirects is off"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gotA.reqs, gotB.reqs, gotSelf.reqs = nil, nil, nil
			sink, all := collect()
			res := Do(context.Background(), tc.req, sink)
			recs := all()
			checkSeq(t, recs)
			if res.Status != tc.status {
				t.Fatalf("status %d (%s), want %d", res.Status, res.Message, tc.status)
			}
			if strings.HasPrefix(tc.req.URL, self.URL) {
				got := gotSelf.get()
				if len(got) != 2 || !strings.HasPrefix(got[1], `POST /end body="{\"q\":1}"`+allCreds+" Referer=") {
					t.Fatalf("same origin got %q", got)
				}
			} else if fmt.Sprint(gotA.get()) != fmt.Sprint(tc.a) || fmt.Sprint(gotB.get()) != fmt.Sprint(tc.b) {
				t.Fatalf("A got %q\nwant %q\nB got %q\nwant %q", gotA.get(), tc.a, gotB.get(), tc.b)
			}
			var rd []string
			for _, r := range kinds(recs, KindRedirect) {
				x := r.Redirect
				to := strings.NewReplacer(a.URL, "A", b.URL, "B", self.URL, "S").Replace(x.To)
				cross := "same"
				if x.CrossOrigin {
					cross = "cross"
				}
				body := x.Body
				if body == "" {
					body = "-"
				}
				line := fmt.Sprintf("%d %s %s %s %v %s", x.Status, to, x.Method, cross, fmt.Sprint(x.Dropped), body)
				if x.Followed {
					line += " followed"
				} else {
					line += " not followed: " + x.Reason
				}
				rd = append(rd, line)
			}
			if fmt.Sprint(rd) != fmt.Sprint(tc.redirect) {
				t.Fatalf("redirect records\n%q\nwant\n%q", rd, tc.redirect)
			}
			// The timeline reads: request sent, each redirect, response.
			if recs[0].Kind != KindRequestSent || recs[1].Kind != KindRedirect || recs[len(tc.redirect)+1].Kind != KindResponseHeaders {
				t.Fatalf("order %s %s %s", recs[0].Kind, recs[1].Kind, recs[len(tc.redirect)+1].Kind)
			}
		})
	}
}

// Ten redirects are followed at most, then the request fails.
func TestRedirectLoop(t *testing.T) {
	t.Parallel()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+"/again", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	sink, all := collect()
	res := Do(context.Background(), &Request{URL: srv.URL}, sink)
	rd := kinds(all(), KindRedirect)
	if res.Reason != EndError || !strings.Contains(res.Message, "stopped after 10 redirects") || len(rd) != 10 || rd[9].Redirect.Followed {
		t.Fatalf("reason %s %q, %d redirect records", res.Reason, res.Message, len(rd))
	}
}

// https -> http on the same host name is another origin: the credentials
// stay behind (a downgrade would send them in the clear).
func TestRedirectDowngrade(t *testing.T) {
	t.Parallel()
	var got seen
	plain := httptest.NewServer(redirector(&got, nil))
	t.Cleanup(plain.Close)
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/end", http.StatusFound)
	}))
	t.Cleanup(secure.Close)
	sink, all := collect()
	res := (&Sender{Client: secure.Client()}).Do(context.Background(), &Request{URL: secure.URL, Header: http.Header{"X-Api-Key": {"k1"}}, Auth: &Auth{Type: "bearer", Token: "tok"}}, sink)
	if res.Status != 200 || fmt.Sprint(got.get()) != `[GET /end body=""]` {
		t.Fatalf("status %d (%s), plain server got %q", res.Status, res.Message, got.get())
	}
	rd := kinds(all(), KindRedirect)
	if len(rd) != 1 || !rd[0].Redirect.CrossOrigin || fmt.Sprint(rd[0].Redirect.Dropped) != "[Authorization X-Api-Key]" {
		t.Fatalf("redirect records %+v", rd)
	}
}

func TestOrigin(t *testing.T) {
	t.Parallel()
	same := [][2]string{
		{"http://h/x", "http://h:80/y"},
		{"https://H/x", "https://h:443/"},
		{"http://[::1]:8080/", "http://[::1]:8080/a"},
	}
	other := [][2]string{
		{"https://h/", "http://h/"},
		{"http://h/", "http://h:8080/"},
		{"http://h/", "http://sub.h/"},
		{"http://h:443/", "https://h/"},
	}
	for _, p := range same {
		if origin(mustURL(t, p[0])) != origin(mustURL(t, p[1])) {
			t.Errorf("%s and %s: want the same origin", p[0], p[1])
		}
	}
	for _, p := range other {
		if origin(mustURL(t, p[0])) == origin(mustURL(t, p[1])) {
			t.Errorf("%s and %s: want other origins", p[0], p[1])
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
