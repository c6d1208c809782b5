package curl

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/project"
)

// Provider examples, written after the providers' API references (streaming
// requests as their docs show them, with the key taken from the shell).
var providerExamples = []struct {
	name string
	cmd  string
	want project.Endpoint
}{
	{
		name: "OpenAI chat completions",
		cmd: `curl https://api.openai.com/v1/chat/completions \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $OPENAI_API_KEY" \
  -d '{
    "model": "gpt-4.1",
    "messages": [
      {"role": "developer", "content": "You are a helpful assistant."},
      {"role": "user", "content": "Hello!"}
    ],
    "stream": true
  }'`,
		want: project.Endpoint{Method: "POST", URL: "https://api.openai.com/v1/chat/completions",
			Auth: &project.Auth{Type: "bearer", Token: "{{OPENAI_API_KEY}}"},
			Body: &project.Body{Type: "json", Text: `{
    "model": "gpt-4.1",
    "messages": [
      {"role": "developer", "content": "You are a helpful assistant."},
      {"role": "user", "content": "Hello!"}
    ],
    "stream": true
  }`}},
	},
	{
		name: "OpenAI responses with --json",
		cmd:  "curl -N --json '{\"model\": \"gpt-4.1\", \"input\": \"Say hi\", \"stream\": true}' \\\n  -H \"Authorization: Bearer ${OPENAI_API_KEY}\" \\\n  -H 'Accept: text/event-stream' \\\n  https://api.openai.com/v1/responses",
		want: project.Endpoint{Method: "POST", URL: "https://api.openai.com/v1/responses",
			Headers: []project.KV{{Name: "Accept", Value: "text/event-stream"}},
			Auth:    &project.Auth{Type: "bearer", Token: "{{OPENAI_API_KEY}}"},
			Body:    &project.Body{Type: "json", Text: `{"model": "gpt-4.1", "input": "Say hi", "stream": true}`}},
	},
	{
		name: "Anthropic messages",
		cmd: `curl https://api.anthropic.com/v1/messages \
     --header "anthropic-version: 2023-06-01" \
     --header "content-type: application/json" \
     --header "x-api-key: $ANTHROPIC_API_KEY" \
     --data \
'{
  "model": "claude-sonnet-4-5",
  "messages": [{"role": "user", "content": "Hello"}],
  "max_tokens": 256,
  "stream": true
}'`,
		want: project.Endpoint{Method: "POST", URL: "https://api.anthropic.com/v1/messages",
			Headers: []project.KV{{Name: "anthropic-version", Value: "2023-06-01"}, {Name: "x-api-key", Value: "{{ANTHROPIC_API_KEY}}"}},
			Body: &project.Body{Type: "json", Text: `{
  "model": "claude-sonnet-4-5",
  "messages": [{"role": "user", "content": "Hello"}],
  "max_tokens": 256,
  "stream": true
}`}},
	},
	{
		name: "Gemini streamGenerateContent, key in the query",
		cmd: `curl "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${GEMINI_API_KEY}" \
        -H 'Content-Type: application/json' \
        --no-buffer \
        -d '{ "contents":[{"parts":[{"text": "Write a story about a magic backpack."}]}]}'`,
		want: project.Endpoint{Method: "POST", URL: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent",
			Query: []project.KV{{Name: "alt", Value: "sse"}, {Name: "key", Value: "{{GEMINI_API_KEY}}"}},
			Body:  &project.Body{Type: "json", Text: `{ "contents":[{"parts":[{"text": "Write a story about a magic backpack."}]}]}`}},
	},
	{
		name: "Gemini, key in a header",
		cmd: `curl "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" \
  -H "x-goog-api-key: $GEMINI_API_KEY" \
  -H 'Content-Type: application/json' \
  -X POST \
  -d '{"contents": [{"parts": [{"text": "Explain how AI works"}]}]}'`,
		want: project.Endpoint{Method: "POST", URL: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent",
			Query:   []project.KV{{Name: "alt", Value: "sse"}},
			Headers: []project.KV{{Name: "x-goog-api-key", Value: "{{GEMINI_API_KEY}}"}},
			Body:    &project.Body{Type: "json", Text: `{"contents": [{"parts": [{"text": "Explain how AI works"}]}]}`}},
	},
	{
		name: "Ollama chat (NDJSON)",
		cmd: `curl http://localhost:11434/api/chat -d '{
  "model": "llama3.2",
  "messages": [
    {
      "role": "user",
      "content": "why is the sky blue?"
    }
  ]
}'`,
		want: project.Endpoint{Method: "POST", URL: "http://localhost:11434/api/chat",
			Body: &project.Body{Type: "json", Text: `{
  "model": "llama3.2",
  "messages": [
    {
      "role": "user",
      "content": "why is the sky blue?"
    }
  ]
}`}},
	},
	{
		// curl's own SigV4 signing (--aws-sigv4, curl 7.75+), as AWS's
		// Bedrock examples use it with temporary credentials.
		name: "Amazon Bedrock ConverseStream (SigV4)",
		cmd: `curl -X POST "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/converse-stream" \
  --aws-sigv4 "aws:amz:us-east-1:bedrock" \
  --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H "x-amz-security-token: $AWS_SESSION_TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}'`,
		want: project.Endpoint{Method: "POST", URL: "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/converse-stream",
			Auth: &project.Auth{Type: "sigv4", AccessKey: "{{AWS_ACCESS_KEY_ID}}", SecretKey: "{{AWS_SECRET_ACCESS_KEY}}",
				SessionToken: "{{AWS_SESSION_TOKEN}}", Region: "us-east-1", Service: "bedrock"},
			Body: &project.Body{Type: "json", Text: `{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}`}},
	},
}

func TestImportProviderExamplesAndRoundTrip(t *testing.T) {
	t.Parallel()
	for _, ex := range providerExamples {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			res, err := Import(ex.cmd, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
			if !reflect.DeepEqual(*res.Endpoint, ex.want) {
				t.Fatalf("import:\n got %+v\nwant %+v", *res.Endpoint, ex.want)
			}
			out := Export(res.Endpoint)
			if strings.Contains(out, "$") {
				t.Errorf("export has a shell expansion:\n%s", out)
			}
			again, err := Import(out, Options{})
			if err != nil {
				t.Fatalf("re-import of\n%s\n: %v", out, err)
			}
			if !reflect.DeepEqual(again.Endpoint, res.Endpoint) {
				t.Fatalf("round trip through\n%s\n got %+v\nwant %+v", out, *again.Endpoint, *res.Endpoint)
			}
			if out2 := Export(again.Endpoint); out2 != out {
				t.Fatalf("export not stable:\n%s\nvs\n%s", out, out2)
			}
		})
	}
}

func TestExportShape(t *testing.T) {
	t.Parallel()
	res, err := Import(providerExamples[0].cmd, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := Export(res.Endpoint)
	want := `curl -N https://api.openai.com/v1/chat/completions \
  -H 'Authorization: Bearer {{OPENAI_API_KEY}}' \
  -H 'Content-Type: application/json' \
  --data-raw '{
    "model": "gpt-4.1",
    "messages": [
      {"role": "developer", "content": "You are a helpful assistant."},
      {"role": "user", "content": "Hello!"}
    ],
    "stream": true
  }'
`
	if got != want {
		t.Fatalf("export:\n%s\nwant\n%s", got, want)
	}
}

func TestSplitWords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
		err  string
	}{
		{in: `curl a 'b c' "d e"`, want: []string{"curl", "a", "b c", "d e"}},
		{in: "curl \\\n  -H x \\\r\n  y", want: []string{"curl", "-H", "x", "y"}},
		{in: `curl "a\"b\\c\$d \n"`, want: []string{"curl", `a"b\c$d \n`}},
		{in: `curl a\ b`, want: []string{"curl", "a b"}},
		{in: `curl "$KEY" '$KEY' ${KEY}x $`, want: []string{"curl", "{{KEY}}", "$KEY", "{{KEY}}x", "$"}},
		{in: `curl $'a\nb\'c'`, want: []string{"curl", "a\nb'c"}},
		{in: `curl http://x | jq .`, want: []string{"curl", "http://x"}},
		{in: "curl x # a comment\n", want: []string{"curl", "x"}},
		{in: `curl a#b`, want: []string{"curl", "a#b"}},
		{in: `curl ''`, want: []string{"curl", ""}},
		{in: `curl 'open`, err: "unterminated single quote"},
		{in: `curl "open`, err: "unterminated double quote"},
		{in: `curl "$(cat key)"`, err: "command substitution"},
		{in: "curl `cat key`", err: "command substitution"},
		{in: `curl ${KEY:-x}`, err: "only plain ${NAME}"},
	}
	for _, c := range cases {
		got, err := splitWords(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %q %v, want %q", c.in, got, err, c.want)
		}
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", "it's", "a b", "{{x}}", "$HOME", "`x`", "a\nb", `back\slash`, "'", "!event"} {
		words, err := splitWords("curl " + Quote(s))
		if err != nil || len(words) != 2 || words[1] != s {
			t.Errorf("Quote(%q) = %s does not read back: %q %v", s, Quote(s), words, err)
		}
	}
}

func TestImportOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.json"), []byte("{\"a\":\n1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "note.txt"), []byte("from file"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{Dir: dir, AllowFiles: true}
	cases := []struct {
		name string
		cmd  string
		want project.Endpoint
		warn string
	}{
		{name: "combined short flags and attached value", cmd: `curl -sNXPUT -H'X-A: 1' http://h/x`,
			want: project.Endpoint{Method: "PUT", URL: "http://h/x", Headers: []project.KV{{Name: "X-A", Value: "1"}}}},
		{name: "basic auth", cmd: `curl -u "$USER:$PASS" http://h/x`,
			want: project.Endpoint{Method: "GET", URL: "http://h/x", Auth: &project.Auth{Type: "basic", Username: "{{USER}}", Password: "{{PASS}}"}}},
		{name: "oauth2 bearer", cmd: `curl --oauth2-bearer tok http://h/x`,
			want: project.Endpoint{Method: "GET", URL: "http://h/x", Auth: &project.Auth{Type: "bearer", Token: "tok"}}},
		{name: "data binary from file keeps newlines", cmd: `curl --data-binary @body.json -H 'Content-Type: application/json' http://h/x`,
			want: project.Endpoint{Method: "POST", URL: "http://h/x", Body: &project.Body{Type: "json", Text: "{\"a\":\n1}\n"}},
			warn: "copied the"},
		{name: "data from file drops newlines", cmd: `curl -d @body.json http://h/x`,
			want: project.Endpoint{Method: "POST", URL: "http://h/x", Body: &project.Body{Type: "json", Text: `{"a":1}`}},
			warn: "copied the"},
		{name: "json with a variable as a number", cmd: `curl -d '{"n": {{n}}}' http://h/x`,
			want: project.Endpoint{Method: "POST", URL: "http://h/x", Body: &project.Body{Type: "json", Text: `{"n": {{n}}}`}}},
		{name: "form data", cmd: `curl -d 'a=1&b=x+y' -d c=3 http://h/x`,
			want: project.Endpoint{Method: "POST", URL: "http://h/x", Body: &project.Body{Type: "urlencoded", Fields: []project.FormField{{Name: "a", Value: "1"}, {Name: "b", Value: "x y"}, {Name: "c", Value: "3"}}}}},
		{name: "form data that does not re-encode exactly stays raw", cmd: `curl -d 'a=1 2' http://h/x`,
			want: project.Endpoint{Method: "POST", URL: "http://h/x", Body: &project.Body{Type: "raw", Text: "a=1 2", ContentType: "application/x-www-form-urlencoded"}}},
		{name: "data-urlencode", cmd: `curl --data-urlencode 'q=a b&c' --data-urlencode 'n@note.txt' http://h/x`,
			want: project.Endpoint{Method: "POST", URL: "http://h/x", Body: &project.Body{Type: "urlencoded", Fields: []project.FormField{{Name: "q", Value: "a b&c"}, {Name: "n", Value: "from file"}}}},
			warn: "copied the"},
		{name: "raw text with its content type", cmd: `curl -H 'Content-Type: text/csv' --data-raw 'a,b' http://h/x`,
			want: project.Endpoint{Method: "POST", URL: "http://h/x", Body: &project.Body{Type: "raw", Text: "a,b", ContentType: "text/csv"}}},
		{name: "multipart", cmd: `curl -F 'file=@img.png;type=image/png' -F 'text=<note.txt' -F purpose=test --form-string 'at=@literal' http://h/x`,
			want: project.Endpoint{Method: "POST", URL: "http://h/x", Body: &project.Body{Type: "form", Fields: []project.FormField{{Name: "file", File: "img.png"}, {Name: "text", Value: "from file"}, {Name: "purpose", Value: "test"}, {Name: "at", Value: "@literal"}}}},
			warn: "type="},
		{name: "-G puts data in the query", cmd: `curl -G -d q=hello -d n=2 http://h/search`,
			want: project.Endpoint{Method: "GET", URL: "http://h/search", Query: []project.KV{{Name: "q", Value: "hello"}, {Name: "n", Value: "2"}}}},
		{name: "head", cmd: `curl -I http://h/x`, want: project.Endpoint{Method: "HEAD", URL: "http://h/x"}},
		{name: "user agent, referer, cookie, compressed, retry", cmd: `curl -A ua -e ref -b 'a=1' --compressed --retry 3 http://h/x`,
			want: project.Endpoint{Method: "GET", URL: "http://h/x", Compressed: true, Retry: &project.Retry{Enabled: true, MaxAttempts: 3},
				Headers: []project.KV{{Name: "User-Agent", Value: "ua"}, {Name: "Referer", Value: "ref"}, {Name: "Cookie", Value: "a=1"}}}},
		{name: "insecure warns", cmd: `curl -k https://h/x`, want: project.Endpoint{Method: "GET", URL: "https://h/x"}, warn: "verifies TLS"},
		{name: "output ignored", cmd: `curl -o out.txt --max-time 5 https://h/x`, want: project.Endpoint{Method: "GET", URL: "https://h/x"}, warn: "--output out.txt ignored"},
		{name: "no scheme", cmd: `curl localhost:8080/x`, want: project.Endpoint{Method: "GET", URL: "http://localhost:8080/x"}},
		{name: "query kept whole when not exact", cmd: `curl 'http://h/x?flag&a=b'`, want: project.Endpoint{Method: "GET", URL: "http://h/x?flag&a=b"}},
		{name: "empty header value", cmd: `curl -H 'X-Empty;' -H 'Accept:' http://h/x`,
			want: project.Endpoint{Method: "GET", URL: "http://h/x", Headers: []project.KV{{Name: "X-Empty"}}}, warn: "remove a default header"},
		{name: "browser copy as cURL (bash)", cmd: "curl 'https://chat.example.com/api' \\\n  -H 'accept: text/event-stream' \\\n  -H 'content-type: application/json' \\\n  -b 'session=abc; theme=dark' \\\n  -H 'sec-ch-ua: \"Chromium\";v=\"131\"' \\\n  --data-raw $'{\"text\":\"it\\'s \\\\u00e9\"}' \\\n  --compressed",
			want: project.Endpoint{Method: "POST", URL: "https://chat.example.com/api", Compressed: true,
				Headers: []project.KV{{Name: "accept", Value: "text/event-stream"}, {Name: "Cookie", Value: "session=abc; theme=dark"}, {Name: "sec-ch-ua", Value: `"Chromium";v="131"`}},
				Body:    &project.Body{Type: "json", Text: `{"text":"it's \u00e9"}`}}},
		{name: "leading prompt and --url", cmd: `$ curl --url http://h/x`, want: project.Endpoint{Method: "GET", URL: "http://h/x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res, err := Import(c.cmd, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*res.Endpoint, c.want) {
				t.Fatalf("got  %+v\nwant %+v", *res.Endpoint, c.want)
			}
			joined := strings.Join(res.Warnings, "\n")
			if (c.warn == "") != (joined == "") || !strings.Contains(joined, c.warn) {
				t.Fatalf("warnings %q, want %q", joined, c.warn)
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ cmd, err string }{
		{"", "empty command"},
		{"wget http://x", "expected a curl command"},
		{"curl -X", "option -X needs a value"},
		{"curl --frobnicate http://x", "unknown curl option --frobnicate"},
		{"curl -Q http://x", "unknown curl option -Q"},
		{"curl http://a http://b", "more than one URL"},
		{"curl -H 'novalue' http://x", "a header is \"Name: value\""},
		{"curl -d @missing.json http://x", "missing.json"},
		{"curl -d @- http://x", "stdin"},
		{"curl -T file http://x", "not supported"},
		{"curl -sS", "no URL"},
		{"curl --data=x http://x", "does not accept --option=value"},
		{"curl -F a=b -d c http://x", "cannot be combined"},
		{"curl -X 'BAD METHOD' http://x", "not an HTTP method"},
		{"curl --aws-sigv4 aws:amz -u a:b https://x", "give provider1:provider2:region:service"},
		{"curl --aws-sigv4 aws:amz:us-east-1:bedrock https://x", "--aws-sigv4 needs --user"},
	}
	for _, c := range cases {
		_, err := Import(c.cmd, Options{Dir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: error %v, want %q", c.cmd, err, c.err)
		}
	}
}

// sent is what a resolved request puts on the wire, for comparing two
// endpoints that are written differently but send the same thing.
type sent struct {
	Method, URL string
	Header      http.Header
	Body        string
}

func resolve(t *testing.T, p *project.Project, ep *project.Endpoint, vars map[string]string) sent {
	t.Helper()
	r, err := p.Resolve(ep, &project.Scope{Overrides: vars})
	if err != nil {
		t.Fatal(err)
	}
	s := sent{Method: r.Method, URL: r.URL, Header: r.Header(), Body: string(r.Body)}
	if mt, params, err := mime.ParseMediaType(s.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		// The boundary is random: compare the parts instead.
		mr := multipart.NewReader(strings.NewReader(s.Body), params["boundary"])
		var parts []string
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(part)
			parts = append(parts, part.FormName()+"|"+part.FileName()+"|"+string(b))
		}
		s.Body = strings.Join(parts, "\n")
		s.Header.Set("Content-Type", "multipart/form-data")
	}
	return s
}

// Every endpoint shape exported to curl and imported back sends the same request.
func TestEndpointCurlEndpointSendsTheSame(t *testing.T) {
	t.Parallel()
	p, err := project.Create(filepath.Join(t.TempDir(), "p"), "p")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.Dir, "up.bin"), []byte("bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"host": "http://h", "key": "K'ey \"$x", "model": "m", "user": "u", "pw": "p w"}
	endpoints := []project.Endpoint{
		{Method: "POST", URL: "{{host}}/v1/chat", Query: []project.KV{{Name: "a b", Value: "{{model}}&c"}, {Name: "off", Value: "1", Disabled: true}},
			Headers: []project.KV{{Name: "Accept", Value: "text/event-stream"}, {Name: "X-Dup", Value: "1"}, {Name: "X-Dup", Value: "2"}},
			Auth:    &project.Auth{Type: "bearer", Token: "{{key}}"}, Body: &project.Body{Type: "json", Text: "{\"model\": \"{{model}}\",\n \"q\": \"it's\"}"}},
		{Method: "GET", URL: "{{host}}/x?fixed=1", Auth: &project.Auth{Type: "apikey", Key: "key", Value: "{{key}}", In: "query"}},
		{Method: "GET", URL: "{{host}}/x", Auth: &project.Auth{Type: "apikey", Key: "X-Api-Key", Value: "{{key}}", In: "header"}, Compressed: true},
		{Method: "DELETE", URL: "{{host}}/x", Auth: &project.Auth{Type: "basic", Username: "{{user}}", Password: "{{pw}}"}},
		{Method: "PUT", URL: "{{host}}/x", Body: &project.Body{Type: "raw", Text: "line 1\nline '2'\n"}},
		{Method: "POST", URL: "{{host}}/x", Body: &project.Body{Type: "raw", Text: "<a/>", ContentType: "application/xml"}},
		{Method: "POST", URL: "{{host}}/x", Body: &project.Body{Type: "json", Text: "not json after all"}},
		{Method: "PATCH", URL: "{{host}}/x", Body: &project.Body{Type: "urlencoded", Fields: []project.FormField{{Name: "a", Value: "1 2"}, {Name: "k", Value: "{{key}}"}, {Name: "no", Value: "x", Disabled: true}}}},
		{Method: "POST", URL: "{{host}}/x", Body: &project.Body{Type: "form", Fields: []project.FormField{{Name: "f", File: "up.bin"}, {Name: "t", Value: "@not-a-file"}, {Name: "m", Value: "{{model}}"}}}},
		{Method: "GET", URL: "{{host}}/x", Body: &project.Body{Type: "json", Text: "{}"}},
		{Method: "HEAD", URL: "{{host}}/x"},
		{Method: "POST", URL: "{{host}}/model/m:1/converse-stream", Body: &project.Body{Type: "json", Text: "{}"},
			Auth: &project.Auth{Type: "sigv4", AccessKey: "{{user}}", SecretKey: "{{key}}", SessionToken: "{{pw}}", Region: "us-west-2", Service: "bedrock"}},
	}
	for i := range endpoints {
		ep := &endpoints[i]
		ep.Name = "e"
		if err := ep.Validate(); err != nil {
			t.Fatal(err)
		}
		out := Export(ep)
		for _, v := range []string{"K'ey", "p w"} {
			if strings.Contains(out, v) {
				t.Errorf("export printed a variable's value %q:\n%s", v, out)
			}
		}
		res, err := Import(out, Options{Dir: p.Dir})
		if err != nil {
			t.Fatalf("endpoint %d: import of\n%s: %v", i, out, err)
		}
		res.Endpoint.Name = "e"
		want, got := resolve(t, p, ep, vars), resolve(t, p, res.Endpoint, vars)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("endpoint %d through\n%s\n sent %+v\n want %+v", i, out, got, want)
		}
	}
}

// Issue 17, item 14: a pasted command does not copy a local file into the
// project unless the caller allows it, and then only a regular file small
// enough for an endpoint file.
func TestImportLocalFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secret := filepath.Join(dir, "shadow")
	if err := os.WriteFile(secret, []byte("root:SECRETMARK"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{
		"curl -d @" + secret + " http://h/",
		"curl --data-binary @" + secret + " http://h/",
		"curl --data-ascii @" + secret + " http://h/",
		"curl --json @" + secret + " http://h/",
		"curl --data-urlencode n@" + secret + " http://h/",
		"curl --data-urlencode @" + secret + " http://h/",
		"curl -F 'f=<" + secret + "' http://h/",
	} {
		res, err := Import(cmd, Options{})
		if !errors.Is(err, ErrLocalFile) || !strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "SECRETMARK") {
			t.Errorf("%s: %v", cmd, err)
		}
		if res != nil {
			t.Errorf("%s: imported %+v", cmd, res.Endpoint)
		}
		res, err = Import(cmd, Options{AllowFiles: true})
		if err != nil {
			t.Fatalf("%s with AllowFiles: %v", cmd, err)
		}
		if w := strings.Join(res.Warnings, "\n"); !strings.Contains(w, "copied the 15 bytes of "+secret) {
			t.Errorf("%s: warnings %q", cmd, w)
		}
	}
	// -F f=@FILE keeps a reference (inside the project) and reads nothing.
	if _, err := Import("curl -F f=@"+secret+" http://h/", Options{}); err == nil || !strings.Contains(err.Error(), "relative path inside the project") {
		t.Errorf("-F f=@/abs: %v", err)
	}
	// Allowed, a device or an oversized file is still refused.
	if _, err := Import("curl -d @/dev/zero http://h/", Options{AllowFiles: true}); !errors.Is(err, project.ErrNotRegular) {
		t.Errorf("/dev/zero: %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, project.MaxYAMLFile+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Import("curl --data-binary @big http://h/", Options{AllowFiles: true, Dir: dir}); !errors.Is(err, project.ErrTooLarge) {
		t.Errorf("big file: %v", err)
	}
}

// Issue 17, item 20: import refuses URLs that could forge output lines or
// are not http(s).
func TestImportRefusesBadURLs(t *testing.T) {
	t.Parallel()
	for cmd, want := range map[string]string{
		`curl $'http://x/\nforged\tGET\thttp://evil/'`: "url: cannot contain a line break",
		"curl 'http://x/\x1b]0;t\x07'":                 "url: cannot contain a control character (U+001B)",
		"curl file:///etc/passwd":                      `url: the scheme "file" is not allowed`,
		"curl gopher://x/":                             `url: the scheme "gopher" is not allowed`,
		"curl -H 'X: a\x1bb' http://x/":                "headers.0.value",
	} {
		if _, err := Import(cmd, Options{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", cmd, err, want)
		}
	}
	if _, err := Import("curl '{{base_url}}/v1/chat'", Options{}); err != nil {
		t.Fatal(err)
	}
}

// Issue 17, item 26: literal credentials are found (never the ones that
// are variables), and each can be replaced by a variable.
func TestImportFindsLiteralCredentials(t *testing.T) {
	t.Parallel()
	cmd := `curl 'https://u:p%40ss@h/v1?key=AIzaLIT&model=x&token={{tok}}' -H 'Authorization: Bearer sk-LIT' -H 'x-api-key: kLIT' -H "x-goog-api-key: $GOOG" -H 'Idempotency-Key: abc' -H 'anthropic-version: 1' -u bob:hunter2`
	res, err := Import(cmd, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Credentials {
		got = append(got, c.Field+" "+c.What+" "+c.Var)
	}
	want := []string{
		"auth.password basic auth password password",
		`headers.0.value header "Authorization" api_key`,
		`headers.1.value header "x-api-key" x_api_key`,
		`query.0.value query parameter "key" key`,
		"url password in the URL password",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("credentials\n got %q\nwant %q", got, want)
	}
	ep := res.Endpoint
	values := map[string]string{}
	for _, c := range res.Credentials {
		v, err := ep.ReplaceCredential(c, "{{"+c.Var+"}}")
		if err != nil {
			t.Fatal(err)
		}
		values[c.Field] = v
	}
	if !reflect.DeepEqual(values, map[string]string{"auth.password": "hunter2", "headers.0.value": "sk-LIT", "headers.1.value": "kLIT", "query.0.value": "AIzaLIT", "url": "p%40ss"}) {
		t.Fatalf("values %q", values)
	}
	if len(ep.Credentials()) != 0 {
		t.Fatalf("left: %+v", ep.Credentials())
	}
	out := Export(ep)
	for _, lit := range []string{"hunter2", "sk-LIT", "kLIT", "AIzaLIT", "p%40ss"} {
		if strings.Contains(out, lit) {
			t.Fatalf("export still has %s:\n%s", lit, out)
		}
	}
	for _, s := range []string{"https://u:{{password}}@h/v1?key={{key}}", "Authorization: Bearer {{api_key}}", "x-api-key: {{x_api_key}}", "-u 'bob:{{password}}'"} {
		if !strings.Contains(out, s) {
			t.Fatalf("export lacks %q:\n%s", s, out)
		}
	}
	// A bearer token given as --oauth2-bearer or as an Authorization header
	// with one bearer token becomes bearer auth: still found.
	res, err = Import("curl -H 'Authorization: Bearer sk-x' http://h/", Options{})
	if err != nil || len(res.Credentials) != 1 || res.Credentials[0].Field != "auth.token" {
		t.Fatalf("bearer: %v %+v", err, res)
	}
}
