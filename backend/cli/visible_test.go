package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/project"
)

// hostile holds what a server or a project file can use to drive a
// terminal: an OSC 52 clipboard write, an OSC 0 window title, CSI
// sequences (ESC [ and the C1 CSI U+009B), NEL, CR to overwrite a line, a
// bidi override, DEL and a byte that is not UTF-8.
const hostile = "\x1b]52;c;ZXZpbA==\a\x1b]0;pwned\x07\x1b[2J\u009b31m\u0085\rfake\u202eevil\u2066\x7f\xff"

// rawControl returns the first character of out that a terminal would act
// on (LF and tab aside), or "".
func rawControl(out string) string {
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return fmt.Sprintf("byte %#x at %d", out[i], i)
		case r < 0x20 && r != '\n' && r != '\t', r >= 0x7f && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return fmt.Sprintf("%U at %d", r, i)
		}
		i += n
	}
	return ""
}

func TestVisible(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, line, text string }{
		{"plain é 😀 \u2028", "plain é 😀 \u2028", "plain é 😀 \u2028"},
		{"a\nb\tc", `a\nb\tc`, "a\nb\tc"},
		{"\x1b]0;t\a", `\x1b]0;t\x07`, `\x1b]0;t\x07`},
		{"\r\x00\x7f", `\r\x00\u007f`, `\r\x00\u007f`},
		{"\u009b2J\u0080\u009f", `\u009b2J\u0080\u009f`, `\u009b2J\u0080\u009f`},
		{"\u202a\u202e\u2066\u2069\u2067", `\u202a\u202e\u2066\u2069\u2067`, `\u202a\u202e\u2066\u2069\u2067`},
		{"\xff\xc2", `\xff\xc2`, `\xff\xc2`},
	}
	for _, c := range cases {
		if got := Visible(c.in); got != c.line {
			t.Errorf("Visible(%q) = %q, want %q", c.in, got, c.line)
		}
		var b bytes.Buffer
		w := newVisibleWriter(&b)
		w.Write([]byte(c.in))
		w.Close()
		if b.String() != c.text {
			t.Errorf("writer(%q) = %q, want %q", c.in, b.String(), c.text)
		}
	}
}

func TestVisibleWriterJudgesSplitSequencesWhole(t *testing.T) {
	t.Parallel()
	in := "x\u009by é😀\u202e" + hostile
	var want bytes.Buffer
	w := newVisibleWriter(&want)
	w.Write([]byte(in))
	w.Close()
	for i := 0; i <= len(in); i++ {
		var b bytes.Buffer
		w := newVisibleWriter(&b)
		w.Write([]byte(in[:i]))
		w.Write([]byte(in[i:]))
		w.Close()
		if b.String() != want.String() || rawControl(b.String()) != "" {
			t.Fatalf("split at %d: %q, want %q", i, b.String(), want.String())
		}
	}
}

func TestJSONThroughTheWriterDecodesTheSame(t *testing.T) {
	t.Parallel()
	v := map[string]string{"k" + hostile: "v" + hostile + "é\u2028"}
	var raw bytes.Buffer
	if err := writeJSON(&raw, v); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := newVisibleWriter(&out)
	w.Write(raw.Bytes())
	w.Close()
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || rawControl(out.String()) != "" {
		t.Fatalf("%v %q", err, out.String())
	}
	for k, val := range back {
		if k != "k"+strings.ToValidUTF8(hostile, "\ufffd") || val != "v"+strings.ToValidUTF8(hostile, "\ufffd")+"é\u2028" {
			t.Fatalf("decoded %q: %q", k, val)
		}
	}
}

// TestServerTextCannotDriveTheTerminal sends hostile text in every place
// a stream, a server or a project puts text that is printed.
func TestServerTextCannotDriveTheTerminal(t *testing.T) {
	t.Parallel()
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	stream := "event: " + hostile + "\nid: " + hostile + "\ndata: " + `{"choices":[{"index":0,"delta":{"content":` + q("text "+hostile) + `}}]}` + "\n\n" +
		": " + hostile + "\n\n" +
		"data: " + `{"choices":[{"index":0,"delta":{},"finish_reason":` + q(hostile) + `}]}` + "\n\n" +
		"data: " + `{"error":{"message":` + q(hostile) + `,"type":` + q(hostile) + `}}` + "\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "upstream said "+hostile)
			return
		}
		if r.URL.Path == "/plain" {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "plain "+hostile)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, stream)
	}))
	t.Cleanup(srv.Close)

	dir := filepath.Join(t.TempDir(), "p")
	p, err := project.Create(dir, "Hostile")
	if err != nil {
		t.Fatal(err)
	}
	ep := &project.Endpoint{Name: "Scripted", Method: "GET", URL: srv.URL + "/sse"}
	src := `console.log(` + q(hostile) + ` + "\n" + "FAIL  forged");
function onEnd(ctx) { pm.test(` + q(hostile) + `, function () { pm.expect(1).to.eql(` + q(hostile) + `); }); }
`
	if err := p.SaveScript(ep, src); err != nil {
		t.Fatal(err)
	}
	// An endpoint whose name (in its file) holds escapes (tabs and newlines
	// are refused by the loader).
	evil := "schema: 2\nname: \"evil\\e]0;title\\a\\u009b\\u202e\"\nmethod: GET\nurl: http://x/\n"
	if err := os.WriteFile(filepath.Join(dir, "evil.endpoint.yaml"), []byte(evil), 0o644); err != nil {
		t.Fatal(err)
	}

	script := filepath.Join(t.TempDir(), "s.js")
	os.WriteFile(script, []byte(src), 0o644)
	var out, errb bytes.Buffer
	runs := []struct {
		args  []string
		stdin string
	}{
		{[]string{"merge"}, stream},
		{[]string{"merge", "--script", script}, stream},
		{[]string{"parse"}, stream},
		{[]string{"send", srv.URL + "/sse"}, ""},
		{[]string{"send", srv.URL + "/sse", "--json"}, ""},
		{[]string{"send", srv.URL + "/plain"}, ""},
		{[]string{"send", srv.URL + "/fail"}, ""},
		{[]string{"run", dir, "Scripted"}, ""},
		{[]string{"ls", dir}, ""},
	}
	for _, r := range runs {
		out.Reset()
		errb.Reset()
		code := Main(r.args, &Env{Stdin: strings.NewReader(r.stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		for name, s := range map[string]string{"stdout": out.String(), "stderr": errb.String()} {
			if c := rawControl(s); c != "" {
				t.Errorf("%v (exit %d): %s has %s:\n%q", r.args, code, name, c, s)
			}
			if strings.Contains(s, "\nFAIL  forged") {
				t.Errorf("%v: a line was forged in %s:\n%s", r.args, name, s)
			}
		}
		// The loader refuses control characters in names (item 20): ls
		// names the file as a problem instead of listing it, either way
		// with nothing raw.
		if r.args[0] == "ls" && !strings.Contains(out.String(), `evil\x1b]0;title\x07\u009b\u202e`+"\tGET\thttp://x/\n") && !strings.Contains(errb.String(), "evil.endpoint.yaml") {
			t.Errorf("ls:\n%q\n%q", out.String(), errb.String())
		}
		if (r.args[0] == "merge" || strings.Contains(strings.Join(r.args, " "), "--json")) && !json.Valid(out.Bytes()) {
			t.Errorf("%v: stdout is not JSON:\n%s", r.args, out.String())
		}
	}
}
