package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/script"
)

// The secrets of the echo project: a plain API key, a password with every
// character that an encoding changes, and a secret shorter than 4.
const (
	echoKey   = "sk-Qv7x_9f8e7d6c5b4a"
	echoPass  = `p@ss w/rd+"é<&>`
	echoShort = "Zq9"
	// echoLong is longer than the 40 characters past which chai cuts a
	// value in an assertion message.
	echoLong = "sk-proj-Tq3vLm8XzP0aW5rB7nY2kD4fH6jS9cE1gU3iO5pA7sZ9xV2bN4mQ6wR8"
	// echoPEM has newlines: a line escaped for the terminal holds it as \n.
	echoPEM = "-----BEGIN KEY-----\nMIIEq7Zx0s9w\n-----END KEY-----"
)

// secretForms are the ways a secret can be written, computed here apart
// from package redact: none of them may reach any output or file.
func secretForms(s string) []string {
	j, _ := json.Marshal(s)
	forms := []string{s, url.QueryEscape(s), url.PathEscape(s), string(j[1 : len(j)-1])}
	if len(s) >= 8 {
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte("user:"+s)), base64.StdEncoding.EncodeToString([]byte(s)))
	}
	return forms
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	if strings.Contains(text, echoLong[:12]) {
		t.Errorf("%s holds the start of a long secret:\n%s", where, text)
	}
	// A piece of the key split in two (chunks) shows 3 bytes at most.
	for i := 3; i+5 <= len(echoKey); i++ {
		if strings.Contains(text, echoKey[i:i+5]) {
			t.Errorf("%s holds %q of the secret:\n%s", where, echoKey[i:i+5], text)
			return
		}
	}
	for _, s := range []string{echoKey, echoPass, echoShort, echoPEM, echoLong} {
		for _, f := range secretForms(s) {
			if strings.Contains(text, f) {
				t.Errorf("%s holds the secret %q as %q:\n%s", where, s, f, text)
			}
		}
	}
}

// newEchoProject is a project whose server echoes every secret it gets, in
// every form, in every place a stream can carry text.
func newEchoProject(t *testing.T) (dir string, run func(args ...string) (int, string, string)) {
	t.Helper()
	jsonStr := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(strings.Builder)
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			body.Write(buf[:n])
			if err != nil {
				break
			}
		}
		flush := func() { w.(http.Flusher).Flush() }
		switch r.URL.Path {
		case "/plain":
			// The key split between two chunks of a plain body.
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "your key: "+echoKey[:9])
			flush()
			time.Sleep(30 * time.Millisecond)
			fmt.Fprint(w, echoKey[9:]+" and pass "+url.PathEscape(echoPass)+"\n")
			return
		case "/denied":
			http.Error(w, "invalid key "+r.Header.Get("X-Trace")+" for "+r.Header.Get("Authorization"), http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		ev := func(typ, id, data string) {
			if typ != "" {
				fmt.Fprintf(w, "event: %s\n", typ)
			}
			if id != "" {
				fmt.Fprintf(w, "id: %s\n", id)
			}
			fmt.Fprintf(w, "data: %s\n\n", data)
			flush()
		}
		ev("", "", `{"choices":[{"index":0,"delta":{"content":`+jsonStr("the key is "+echoKey+", the pass "+echoPass+", short "+echoShort)+`}}]}`)
		ev("", "", `{"echo":{"auth":`+jsonStr(r.Header.Get("Authorization"))+`,"trace":`+jsonStr(r.Header.Get("X-Trace"))+
			`,"query":`+jsonStr(r.URL.RawQuery)+`,"path":`+jsonStr(url.PathEscape(echoPass))+`}}`)
		ev("", "", strings.ReplaceAll(body.String(), "\n", " "))
		ev(echoKey, echoKey, "a type and an id")
		if r.URL.Path == "/error" {
			ev("", "", `{"error":{"message":`+jsonStr("bad key "+echoKey+" "+strings.Repeat("x", 300)+echoPass)+`,"type":"auth"}}`)
			return
		}
		ev("", "", `{"choices":[{"index":0,"delta":{},"finish_reason":`+jsonStr("stop "+echoKey)+`}]}`)
		ev("", "", "[DONE]")
	}))
	t.Cleanup(srv.Close)

	dir = filepath.Join(t.TempDir(), "echo")
	p, err := project.Create(dir, "Echo")
	if err != nil {
		t.Fatal(err)
	}
	script := `console.log("console sees " + pm.environment.get("api_key") + " and " + pm.environment.get("pem"));
function onEnd(ctx) {
  pm.test("named " + pm.environment.get("api_key"), function () { pm.expect(pm.environment.get("pass")).to.eql("nope"); });
  pm.test("long", function () { pm.expect(pm.environment.get("long")).to.eql("nope"); });
  ctx.append(" appended " + pm.environment.get("pass"));
}
`
	for _, path := range []string{"/stream", "/plain", "/denied", "/error"} {
		ep := &project.Endpoint{Name: "Echo " + path[1:], Method: "POST", URL: "{{base_url}}" + path,
			Query:   []project.KV{{Name: "t", Value: "{{pass}}"}, {Name: "s", Value: "{{short}}"}},
			Headers: []project.KV{{Name: "X-Trace", Value: "{{api_key}}"}},
			Auth:    &project.Auth{Type: project.AuthBasic, Username: "user", Password: "{{pass}}"},
			Body:    &project.Body{Type: project.BodyJSON, Text: `{"key": "{{api_key}}", "pass": "{{pass}}"}`}}
		if path == "/stream" || path == "/error" {
			if err := p.SaveScript(ep, script); err != nil {
				t.Fatal(err)
			}
		} else if err := p.SaveEndpoint(ep); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "STREAMSCOPE_SECRETS": "file", "COLUMNS": "100"}
	for _, args := range [][]string{
		{"env", "set", dir, "local", "base_url", srv.URL},
		{"env", "set", dir, "local", "api_key", echoKey, "--secret"},
		{"env", "set", dir, "local", "pass", echoPass, "--secret"},
		{"env", "set", dir, "local", "short", echoShort, "--secret"},
		{"env", "set", dir, "local", "long", echoLong, "--secret"},
	} {
		if code, _, errs := cliRun(t, vars, "", args...); code != ExitOK {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	if code, _, errs := cliRun(t, vars, echoPEM, "env", "set", dir, "local", "pem", "-", "--secret"); code != ExitOK {
		t.Fatalf("pem: %s", errs)
	}
	return dir, func(args ...string) (int, string, string) {
		return cliRun(t, vars, "", append([]string{"run", dir}, args...)...)
	}
}

func TestRunKeepsEchoedSecretsOutOfEveryOutput(t *testing.T) {
	t.Parallel()
	dir, run := newEchoProject(t)
	reports := t.TempDir()
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"json, junit, recording", []string{"Echo stream", "--env", "local", "--json", "--junit", filepath.Join(reports, "stream.xml"), "--record", "stream"}, ExitFailed},
		{"plain text", []string{"Echo stream", "--env", "local"}, ExitFailed},
		{"split in a plain body", []string{"Echo plain", "--env", "local", "--record", "plain"}, ExitOK},
		{"HTTP error body", []string{"Echo denied", "--env", "local"}, ExitUsage},
		{"error event", []string{"Echo error", "--env", "local", "--junit", filepath.Join(reports, "error.xml")}, ExitIncomplete},
		{"error event, json", []string{"Echo error", "--env", "local", "--json"}, ExitIncomplete},
		{"a secret given with --var", []string{"Echo stream", "--env", "local", "--var", "api_key=" + echoKey}, ExitFailed},
	}
	for _, c := range cases {
		code, stdout, stderr := run(c.args...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s", c.name, code, c.code, stderr)
		}
		assertNoSecret(t, c.name+": stdout", stdout)
		assertNoSecret(t, c.name+": stderr", stderr)
		if !strings.Contains(stdout+stderr, "[secret]") {
			t.Errorf("%s: no [secret] mark in\n%s\n%s", c.name, stdout, stderr)
		}
		if strings.Contains(c.name, "json") && !json.Valid([]byte(stdout)) {
			t.Errorf("%s: stdout is not JSON:\n%s", c.name, stdout)
		}
	}
	// The files the runs wrote: the JUnit reports and the recordings.
	for _, d := range []string{reports, dir} {
		filepath.Walk(d, func(path string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(path)
				assertNoSecret(t, path, string(b))
			}
			return nil
		})
	}
	junit, _ := os.ReadFile(filepath.Join(reports, "stream.xml"))
	if !strings.Contains(string(junit), `name="named [secret]"`) || !strings.Contains(string(junit), "[secret]") {
		t.Errorf("junit:\n%s", junit)
	}
	rec, _ := os.ReadFile(filepath.Join(dir, "recordings", "stream.jsonl"))
	if !strings.Contains(string(rec), `"type":"[secret]"`) {
		t.Errorf("recording:\n%s", rec)
	}
}

// A console or test line is masked before it is escaped to one line: a
// secret with a control character in it is not found once escaped.
func TestScriptLinesAreMaskedBeforeTheyAreEscaped(t *testing.T) {
	t.Parallel()
	secret := "tok\x1b\x7f-" + echoKey
	src := `console.log("k=" + pm.variables.get("k"));
function onEnd(ctx) { pm.test(ctx.vars.get("k"), function () { pm.expect(ctx.vars.get("k")).to.eql("x"); }); }`
	prog, err := script.Compile("s.js", src)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sess := prog.NewSession(map[string]string{"k": secret}, time.Second)
	out := &scriptLog{w: &log, s: sess, red: redact.New(secret)}
	sess.Start(200, http.Header{})
	out.flush()
	res := merge.Result{}
	_ = sess.End(&res, nil)
	out.end(sess.Tests())
	if strings.Contains(log.String(), "tok") || strings.Count(log.String(), "[secret]") != 3 {
		t.Fatalf("%q", log.String())
	}
}
