package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestParseCommand(t *testing.T) {
	t.Parallel()
	body := "\ufeff: hi\nretry: 2500\nid: 42\ndata: hello\ndata: world\n\n" +
		"event: delta\ndata: {\"a\":\"<&>\"}\r\n\r\n" +
		"id\ndata: x\rdata:  y\r\r" +
		"data: tail never ends"
	tests := []struct {
		name string
		in   string
		args []string
		want string
	}{
		{"contract example", "data: hello\ndata: world\nid: 42\n\n", nil,
			`{"type":"message","data":"hello\nworld","id":"42"}` + "\n" +
				`{"summary":{"events":1,"last_event_id":"42","retry":null}}` + "\n"},
		{"mixed stream", body, nil,
			`{"type":"message","data":"hello\nworld","id":"42"}` + "\n" +
				`{"type":"delta","data":"{\"a\":\"<&>\"}","id":"42"}` + "\n" +
				`{"type":"message","data":"x\n y","id":""}` + "\n" +
				`{"summary":{"events":3,"last_event_id":"","retry":2500}}` + "\n"},
		{"count only", body, []string{"--count"},
			`{"summary":{"events":3,"last_event_id":"","retry":2500}}` + "\n"},
		{"empty input", "", nil,
			`{"summary":{"events":0,"last_event_id":"","retry":null}}` + "\n"},
		{"ndjson", "{\"a\":1}\r\n\n{\"b\":\"\\u00e9\"}", []string{"--ndjson"},
			`{"type":"message","data":"{\"a\":1}","id":""}` + "\n" +
				`{"type":"message","data":"{\"b\":\"\\u00e9\"}","id":""}` + "\n" +
				`{"summary":{"events":2,"last_event_id":"","retry":null}}` + "\n"},
		{"escapes", "data: \x01\t\"\\\u2028\xff\n\n", nil,
			`{"type":"message","data":"\u0001\t\"\\` + "\u2028\ufffd" + `","id":""}` + "\n" +
				`{"summary":{"events":1,"last_event_id":"","retry":null}}` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, chunk := range []string{"", "1", "2", "7", "100000"} {
				args := append([]string{"parse"}, tc.args...)
				if chunk != "" {
					args = append(args, "--chunk", chunk)
				}
				code, out, errOut := runIn(t, tc.in, args...)
				if code != ExitOK || errOut != "" {
					t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
				}
				if out != tc.want {
					t.Fatalf("%v: stdout\n%s\nwant\n%s", args, out, tc.want)
				}
			}
		})
	}
}

func TestParseOutputIsJSON(t *testing.T) {
	t.Parallel()
	// Every line decodes with encoding/json to exactly the parsed values,
	// with keys in contract order.
	in := "event: é\ndata: \x00\x1f\x7f\"\\/<>&\u2029😀\nid: \ufffd\n\n"
	code, out, _ := runIn(t, in, "parse")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", out)
	}
	var ev struct{ Type, Data, ID string }
	if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "é" || ev.Data != "\x00\x1f\x7f\"\\/<>&\u2029😀" || ev.ID != "\ufffd" {
		t.Fatalf("decoded %+v", ev)
	}
	if !strings.HasPrefix(lines[0], `{"type":`) || !strings.Contains(lines[0], `,"data":`) || !strings.Contains(lines[0], `,"id":`) {
		t.Fatalf("key order: %s", lines[0])
	}
	var sum struct {
		Summary struct {
			Events      int    `json:"events"`
			LastEventID string `json:"last_event_id"`
			Retry       *int   `json:"retry"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &sum); err != nil || sum.Summary.Events != 1 || sum.Summary.LastEventID != "\ufffd" || sum.Summary.Retry != nil {
		t.Fatalf("summary %s: %+v %v", lines[1], sum, err)
	}
}

func TestParseUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		mention string
	}{
		{[]string{"parse", "--chunk", "0"}, "--chunk"},
		{[]string{"parse", "--chunk", "-3"}, "--chunk"},
		{[]string{"parse", "--chunk", "x"}, "chunk"},
		{[]string{"parse", "--bogus"}, "bogus"},
		{[]string{"parse", "file.sse"}, "file.sse"},
	}
	for _, tc := range tests {
		code, out, errOut := runIn(t, "data: x\n\n", tc.args...)
		if code != ExitUsage || out != "" {
			t.Errorf("%v: exit %d, stdout %q", tc.args, code, out)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.mention) {
			t.Errorf("%v: stderr %q should be one line naming %q", tc.args, errOut, tc.mention)
		}
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		r.n++
		return copy(p, "data: x\n\n"), nil
	}
	return 0, errTest
}

var errTest = &json.SyntaxError{}

func TestParseReadError(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	code := Main([]string{"parse"}, &Env{Stdin: &failingReader{}, Stdout: &out, Stderr: &errb})
	if code != ExitUsage || !strings.Contains(errb.String(), "stdin") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

func TestParseOversizedEventWarns(t *testing.T) {
	t.Parallel()
	in := "data: " + strings.Repeat("x", 17<<20) + "\n\ndata: ok\n\n"
	code, out, errOut := runIn(t, in, "parse")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errOut, "16777216") || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("stderr %q should be one warning naming the limit", errOut)
	}
	want := `{"type":"message","data":"ok","id":""}` + "\n" + `{"summary":{"events":1,"last_event_id":"","retry":null}}` + "\n"
	if out != want {
		t.Fatalf("stdout %q", out)
	}
}
