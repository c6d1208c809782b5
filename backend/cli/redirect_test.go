package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
)

// A redirect to another origin shows on the timeline with what was left
// behind, and a secret header does not follow it; --no-follow and an
// endpoint's follow_redirects: false make the redirect the answer (item 10
// of issue 17).
func TestRedirectsOnTheCommandLine(t *testing.T) {
	t.Parallel()
	const secret = "sk-redirect-secret-77"
	var mu sync.Mutex
	var atB []string
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		atB = append(atB, r.Method+" "+r.Header.Get("X-Tenant")+r.Header.Get("Authorization")+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"moved on\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(b.Close)
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b.URL+"/v1/chat", http.StatusFound)
	}))
	t.Cleanup(a.Close)

	dir := filepath.Join(t.TempDir(), "p")
	p, err := project.Create(dir, "Redirects")
	if err != nil {
		t.Fatal(err)
	}
	off := false
	for _, ep := range []*project.Endpoint{
		{Name: "Moved", Method: "POST", URL: a.URL + "/v1/chat", Headers: []project.KV{{Name: "X-Tenant", Value: "{{tenant}}"}},
			Body: &project.Body{Type: project.BodyJSON, Text: `{"q":1}`}},
		{Name: "Stay", Method: "POST", URL: a.URL + "/v1/chat", FollowRedirects: &off, Body: &project.Body{Type: project.BodyJSON, Text: `{"q":1}`}},
	} {
		if err := p.SaveEndpoint(ep); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "STREAMSCOPE_SECRETS": "file", "COLUMNS": "200"}
	if code, _, errs := cliRun(t, vars, "", "env", "set", dir, "e", "tenant", secret, "--secret"); code != ExitOK {
		t.Fatal(errs)
	}

	code, stdout, stderr := cliRun(t, vars, "", "run", dir, "Moved", "--env", "e")
	if code != ExitOK || stdout != "moved on\n" {
		t.Fatalf("run: exit %d %q\n%s", code, stdout, stderr)
	}
	if want := "redirect 302 -> " + b.URL + "/v1/chat (GET, another origin); not sent there: Referer, X-Tenant; body dropped"; !strings.Contains(stderr, want) {
		t.Fatalf("timeline lacks %q:\n%s", want, stderr)
	}
	mu.Lock()
	got := strings.Join(atB, "|")
	mu.Unlock()
	if got != "GET  " || strings.Contains(stderr, secret) {
		t.Fatalf("B got %q", got)
	}

	code, stdout, stderr = cliRun(t, vars, "", "run", dir, "Stay")
	if code != ExitOK || !strings.Contains(stderr, "redirect 302 -> "+b.URL+"/v1/chat, not followed: following redirects is off") ||
		!strings.Contains(stderr, "302 plain, complete") || stdout != "" {
		t.Fatalf("follow_redirects: false: exit %d %q\n%s", code, stdout, stderr)
	}

	code, _, stderr = cliRun(t, vars, "", "send", "--no-follow", a.URL+"/x")
	if code != ExitOK || !strings.Contains(stderr, "not followed: following redirects is off") {
		t.Fatalf("--no-follow: exit %d\n%s", code, stderr)
	}
	mu.Lock()
	n := len(atB)
	mu.Unlock()
	if n != 1 {
		t.Fatalf("B got %d requests, want 1 (only the followed one)", n)
	}
}
