package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/streamscope/streamscope/backend/eventstream"
)

// converseFrames is a composed ConverseStream body (AWS event-stream
// frames; Bedrock API reference shapes).
func converseFrames() []byte {
	var b []byte
	for _, e := range [][2]string{
		{"messageStart", `{"p":"abcdefg","role":"assistant"}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"Grüß "},"p":"abc"}`},
		{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"dich"},"p":"abcdefghijklmno"}`},
		{"contentBlockStop", `{"contentBlockIndex":0,"p":"ab"}`},
		{"messageStop", `{"p":"abcd","stopReason":"end_turn"}`},
		{"metadata", `{"metrics":{"latencyMs":70},"p":"a","usage":{"inputTokens":5,"outputTokens":2,"totalTokens":7}}`},
	} {
		b = append(b, eventstream.EventFrame(e[0], []byte(e[1]))...)
	}
	return b
}

func mergeStdin(t *testing.T, in io.Reader, args ...string) (int, map[string]json.RawMessage, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"merge"}, args...), &Env{Stdin: in, Stdout: &out, Stderr: &errb})
	var obj map[string]json.RawMessage
	if code != ExitUsage {
		if err := json.Unmarshal(out.Bytes(), &obj); err != nil {
			t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
		}
		for k, v := range obj {
			var c bytes.Buffer
			_ = json.Compact(&c, v)
			obj[k] = c.Bytes()
		}
	}
	return code, obj, errb.String()
}

// `streamscope merge` takes a raw event-stream body on stdin, detected by
// its binary prelude, in any chunking (one byte per read included).
func TestMergeEventStreamStdin(t *testing.T) {
	t.Parallel()
	body := converseFrames()
	for name, in := range map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(body) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(body)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(body)) },
	} {
		for _, args := range [][]string{nil, {"--format", "bedrock-converse"}} {
			code, obj, stderr := mergeStdin(t, in(), args...)
			if code != ExitOK || stderr != "" {
				t.Fatalf("%s %v: exit %d, stderr %q", name, args, code, stderr)
			}
			if string(obj["format"]) != `"bedrock-converse"` || string(obj["content"]) != `"Grüß dich"` ||
				string(obj["finish_reason"]) != `"end_turn"` || string(obj["events"]) != "6" || string(obj["complete"]) != "true" {
				t.Fatalf("%s %v: %v", name, args, obj)
			}
			if !strings.Contains(string(obj["usage"]), `"latencyMs":70`) {
				t.Errorf("usage %s", obj["usage"])
			}
		}
	}
}

// InvokeModelWithResponseStream with Anthropic on Bedrock merges as
// anthropic; an exception frame is an error (exit 3 naming it).
func TestMergeInvokeModelStdin(t *testing.T) {
	t.Parallel()
	chunk := func(js string) []byte {
		return eventstream.EventFrame("chunk", []byte(`{"bytes":"`+base64.StdEncoding.EncodeToString([]byte(js))+`","p":"abcdef"}`))
	}
	var body []byte
	half := 0
	for i, js := range []string{
		`{"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":3,"output_tokens":1}}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`,
		`{"type":"content_block_stop","index":0}`,
		`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}`,
		`{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":3,"outputTokenCount":2,"invocationLatency":90,"firstByteLatency":40}}`,
	} {
		body = append(body, chunk(js)...)
		if i == 2 {
			half = len(body)
		}
	}
	code, obj, stderr := mergeStdin(t, bytes.NewReader(body))
	if code != ExitOK || string(obj["format"]) != `"anthropic"` || string(obj["content"]) != `"Hi"` || !strings.Contains(string(obj["usage"]), `"invocationLatency":90`) {
		t.Fatalf("exit %d stderr %q: %v", code, stderr, obj)
	}
	cut := append(bytes.Clone(body[:half]), eventstream.ExceptionFrame("throttlingException", []byte(`{"message":"Too many requests, please wait before trying again."}`))...)
	code, obj, stderr = mergeStdin(t, bytes.NewReader(cut))
	if code != ExitIncomplete || !strings.Contains(stderr, "error event in the stream: throttlingException: Too many requests") || string(obj["verdict"]) != `"error"` {
		t.Fatalf("exception: exit %d stderr %q verdict %s", code, stderr, obj["verdict"])
	}
}

// A corrupt or cut event stream is a clear one-line error and a verdict,
// never a crash: a bad message CRC is data lost, a bad prelude loses the
// rest, a body cut inside a frame is cut off.
func TestMergeEventStreamFaults(t *testing.T) {
	t.Parallel()
	body := converseFrames()
	first := int(body[3]) // the first frame is shorter than 256 bytes
	badMsg := bytes.Clone(body)
	badMsg[first+first/2] ^= 0x20 // inside the second frame's headers or payload
	badPrelude := bytes.Clone(body)
	badPrelude[first+5] ^= 0x01 // the second frame's headers length
	for _, c := range []struct {
		name    string
		in      []byte
		stderr  string
		verdict string
	}{
		{"bad message CRC", badMsg, "stream incomplete: data lost: event-stream frame at byte " + itoa(first) + ": message CRC mismatch", `"data_lost"`},
		{"bad prelude CRC", badPrelude, "cut off before the bedrock-converse end marker (1 events); data lost: event-stream frame at byte " + itoa(first) + ": prelude CRC mismatch", `"cut_off"`},
		{"cut inside a frame before messageStop", body[:first+10], "stream incomplete: cut off before the bedrock-converse end marker (1 events)", `"cut_off"`},
	} {
		code, obj, stderr := mergeStdin(t, iotest.HalfReader(bytes.NewReader(c.in)))
		if code != ExitIncomplete || !strings.Contains(stderr, c.stderr) || strings.Count(stderr, "\n") != 1 || string(obj["verdict"]) != c.verdict {
			t.Errorf("%s: exit %d, stderr %q, verdict %s", c.name, code, stderr, obj["verdict"])
		}
	}
	// Cut inside the metadata frame after messageStop: the answer is
	// complete (as a body cut after an SSE end marker), without usage.
	code, obj, stderr := mergeStdin(t, bytes.NewReader(body[:len(body)-3]))
	if code != ExitOK || string(obj["verdict"]) != `"complete"` || string(obj["usage"]) != "null" {
		t.Errorf("cut in metadata: exit %d stderr %q verdict %s usage %s", code, stderr, obj["verdict"], obj["usage"])
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
