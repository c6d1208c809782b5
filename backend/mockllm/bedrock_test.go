package mockllm

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/send"
)

const (
	converseModel = "anthropic.claude-3-5-sonnet-20240620-v1:0"
	converseBody  = `{"messages":[{"role":"user","content":[{"text":"What is the weather in Paris?"}]}],"inferenceConfig":{"maxTokens":500}}`
	converseTools = `{"messages":[{"role":"user","content":[{"text":"Use get_weather for Paris"}]}],` +
		`"additionalModelRequestFields":{"thinking":{"type":"enabled","budget_tokens":1024}},` +
		`"toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}}]}}`
	invokeBody = `{"anthropic_version":"bedrock-2023-05-31","max_tokens":400,"thinking":{"type":"enabled","budget_tokens":1024},` +
		`"messages":[{"role":"user","content":"Use get_weather for Paris"}],"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}`
)

// decodeFrames decodes an event-stream body in 5-byte pieces.
func decodeFrames(t *testing.T, body []byte) (frames []eventstream.Frame, errs []*eventstream.Error, truncated bool) {
	t.Helper()
	d := eventstream.NewDecoder(eventstream.Options{})
	for b := body; len(b) > 0; {
		n := min(len(b), 5)
		d.Feed(b[:n], func(f *eventstream.Frame) {
			c := *f
			c.Payload = append([]byte(nil), f.Payload...)
			frames = append(frames, c)
		}, func(e *eventstream.Error) { errs = append(errs, e) })
		b = b[n:]
	}
	return frames, errs, d.End() != nil
}

func mergeFrameList(t *testing.T, frames []eventstream.Frame) merge.Result {
	t.Helper()
	m, _ := merge.New(merge.Options{})
	for i := range frames {
		m.Add(frames[i].Event())
	}
	return m.EndClean()
}

// Both Bedrock streaming routes answer in real event-stream frames that
// merge to the predicted answer: text, reasoning with its signature, tool
// calls; every payload carries the "p" padding.
func TestBedrockStreamsMergeToPredictedAnswer(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, c := range []struct {
		name, path, body, format string
		reasoning, tools         bool
	}{
		{"converse text", "/model/" + converseModel + "/converse-stream", converseBody, "bedrock-converse", false, false},
		{"converse thinking+tool", "/model/" + converseModel + "/converse-stream", converseTools, "bedrock-converse", true, true},
		{"converse model id escaped", "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream", converseBody, "bedrock-converse", false, false},
		{"invoke thinking+tool", "/model/us." + converseModel + "/invoke-with-response-stream", invokeBody, "anthropic", true, true},
	} {
		resp, body, err := post(t, base+c.path, c.body)
		if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != eventstream.ContentType {
			t.Fatalf("%s: %v %d %q %s", c.name, err, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		frames, errs, truncated := decodeFrames(t, body)
		if len(errs) != 0 || truncated || len(frames) < 4 {
			t.Fatalf("%s: %d frames, errors %v, truncated %v", c.name, len(frames), errs, truncated)
		}
		for i, f := range frames {
			var payload map[string]any
			if err := json.Unmarshal(f.Payload, &payload); err != nil || payload["p"] == nil || f.Header(":message-type") != "event" || f.Header(":content-type") != "application/json" {
				t.Fatalf("%s: frame %d: headers %v payload %s", c.name, i, f.Headers, f.Payload)
			}
		}
		res := mergeFrameList(t, frames)
		path := strings.ReplaceAll(c.path, "%3A", ":")
		a, err := Predict(path, []byte(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != c.format || !res.Complete || (res.Reasoning != "") != c.reasoning || (len(res.ToolCalls) > 0) != c.tools {
			t.Fatalf("%s: format %s complete %v reasoning %q tools %v", c.name, res.Format, res.Complete, res.Reasoning, res.ToolCalls)
		}
		sameAsAnswer(t, res, a)
		if c.reasoning && res.ReasoningSignature == "" {
			t.Errorf("%s: no reasoning signature", c.name)
		}
		if c.format == "anthropic" && res.Usage["invocationLatency"] == nil {
			t.Errorf("%s: no invocation metrics in usage %v", c.name, res.Usage)
		}
		if c.format == "bedrock-converse" && (res.Usage["latencyMs"] == nil || res.Usage["totalTokens"] == nil) {
			t.Errorf("%s: usage %v", c.name, res.Usage)
		}
		if c.tools && !strings.HasPrefix(res.ToolCalls[0].ID, map[string]string{"bedrock-converse": "tooluse_", "anthropic": "toolu_"}[c.format]) {
			t.Errorf("%s: tool call id %q", c.name, res.ToolCalls[0].ID)
		}
	}
}

// The faults, in the binary framing: split bytes still decode, a drop
// cuts a frame, the error fault is an exception frame, gzip works, 429 is
// a ThrottlingException; the heartbeat fault and stamps are refused.
func TestBedrockFaults(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	url := base + "/model/" + converseModel + "/converse-stream"
	a, _ := Predict("/model/"+converseModel+"/converse-stream", []byte(converseBody))

	_, body, _ := post(t, url, converseBody, HeaderFault, "split")
	frames, errs, truncated := decodeFrames(t, body)
	if r := mergeFrameList(t, frames); len(errs) != 0 || truncated || r.Content != a.Choices[0].Content || !r.Complete {
		t.Errorf("split: errors %v, content %q", errs, r.Content)
	}

	_, body, err := post(t, url, converseBody, HeaderFault, "drop")
	frames, _, _ = decodeFrames(t, body)
	if r := mergeFrameList(t, frames); err == nil || r.Complete || r.Verdict != merge.VerdictCutOff {
		t.Errorf("drop: read error %v, verdict %s", err, r.Verdict)
	}

	for path, typ := range map[string]string{"/converse-stream": "internalServerException", "/invoke-with-response-stream": "modelStreamErrorException"} {
		b := converseBody
		if strings.HasPrefix(path, "/invoke") {
			b = invokeBody
		}
		_, body, _ = post(t, base+"/model/"+converseModel+path, b, HeaderFault, "error")
		frames, errs, truncated = decodeFrames(t, body)
		last := frames[len(frames)-1]
		r := mergeFrameList(t, frames)
		if len(errs) != 0 || truncated || last.Header(":message-type") != "exception" || last.Header(":exception-type") != typ ||
			r.Error == nil || r.Error.Type != typ || r.Complete {
			t.Errorf("error fault %s: last frame %v, error %+v", path, last.Headers, r.Error)
		}
	}

	resp, body, _ := post(t, url, converseBody, HeaderFault, "gzip")
	frames, errs, _ = decodeFrames(t, gunzip(t, body))
	if resp.Header.Get("Content-Encoding") != "gzip" || len(errs) != 0 || !mergeFrameList(t, frames).Complete {
		t.Errorf("gzip: %v %v", resp.Header, errs)
	}

	resp, body, _ = post(t, url, converseBody, HeaderFault, "429")
	if resp.StatusCode != 429 || resp.Header.Get("X-Amzn-Errortype") != "ThrottlingException" || resp.Header.Get("Retry-After") != "1" ||
		!strings.HasPrefix(string(body), `{"message":"Rate limit reached`) {
		t.Errorf("429: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	for _, h := range [][2]string{{HeaderFault, "heartbeat"}, {HeaderStamp, "1"}} {
		resp, body, _ = post(t, url, converseBody, h[0], h[1])
		if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "ValidationException" || !strings.Contains(string(body), "AWS event") {
			t.Errorf("%s: %d %s", h[1], resp.StatusCode, body)
		}
	}
}

// Converse and InvokeModel without streaming answer JSON.
func TestBedrockNonStreaming(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	resp, body, _ := post(t, base+"/model/"+converseModel+"/converse", converseTools)
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil || resp.StatusCode != 200 {
		t.Fatalf("converse: %d %s", resp.StatusCode, body)
	}
	if dig(v, "stopReason") != "tool_use" || dig(v, "output", "message", "role") != "assistant" || dig(v, "usage", "totalTokens") == nil {
		t.Errorf("converse body %s", body)
	}
	a, _ := Predict("/model/"+converseModel+"/converse", []byte(converseTools))
	sameAsAnswer(t, merge.Body(merge.Options{}, body, true), a)
	resp, body, _ = post(t, base+"/model/"+converseModel+"/invoke", invokeBody)
	if err := json.Unmarshal(body, &v); err != nil || resp.StatusCode != 200 || dig(v, "type") != "message" || dig(v, "stop_reason") != "tool_use" {
		t.Errorf("invoke: %d %s", resp.StatusCode, body)
	}
}

func TestBedrockBadRequests(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	for _, c := range []struct{ path, body, want string }{
		{"/model/m/converse-stream", `{"messages":[]}`, "messages: must contain at least one message"},
		{"/model/m/converse-stream", `{"messages":[{"role":"user","content":"hi"}]}`, "messages[0].content: expected an array, got string"},
		{"/model/meta.llama3-8b-instruct-v1:0/invoke-with-response-stream", invokeBody, "Anthropic Claude models"},
		{"/model/anthropic.claude-v2/invoke", `{"max_tokens":1,"messages":[{"role":"user","content":"x"}]}`, "anthropic_version"},
	} {
		resp, body, _ := post(t, base+c.path, c.body)
		if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "ValidationException" || !strings.Contains(string(body), c.want) {
			t.Errorf("%s %s: %d %s", c.path, c.body, resp.StatusCode, body)
		}
	}
	resp, _, _ := post(t, base+"/model//converse-stream", converseBody)
	if resp.StatusCode != 404 {
		t.Errorf("empty model id: %d", resp.StatusCode)
	}
}

// Signed requests are verified: the mock's key signs, a wrong secret, an
// unknown key, another service and a stale date are refused with AWS's
// exception names; an unsigned request is served.
func TestBedrockSigV4(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	url := base + "/model/" + converseModel + "/converse-stream"
	do := func(a *send.Auth, header http.Header) *send.Result {
		return send.Do(context.Background(), &send.Request{Method: "POST", URL: url, Body: []byte(converseBody), Auth: a, Header: header}, nil)
	}
	good := &send.Auth{Type: "sigv4", AccessKey: MockAccessKeyID, SecretKey: MockSecretAccessKey, Region: "us-east-1", Service: "bedrock"}
	if res := do(good, nil); res.Status != 200 || res.Events == 0 || res.Reason != send.EndComplete {
		t.Fatalf("signed: %d %s %d events", res.Status, res.Message, res.Events)
	}
	withToken := *good
	withToken.SessionToken = "FwoGZXIvYXdzEXAMPLE"
	if res := do(&withToken, nil); res.Status != 200 {
		t.Fatalf("with a session token: %d %s", res.Status, res.Body)
	}
	if res := do(nil, nil); res.Status != 200 {
		t.Fatalf("unsigned: %d", res.Status)
	}
	for name, c := range map[string]struct {
		mutate  func(a *send.Auth)
		header  http.Header
		errType string
	}{
		"wrong secret":  {func(a *send.Auth) { a.SecretKey = "wrong" }, nil, "InvalidSignatureException"},
		"unknown key":   {func(a *send.Auth) { a.AccessKey = "AKIDEXAMPLE" }, nil, "UnrecognizedClientException"},
		"other service": {func(a *send.Auth) { a.Service = "s3" }, nil, "InvalidSignatureException"},
		"bearer":        {nil, http.Header{"Authorization": {"Bearer x"}}, "IncompleteSignatureException"},
	} {
		a := *good
		if c.mutate != nil {
			c.mutate(&a)
		}
		res := do(&a, c.header)
		if res.Status != 403 || res.Header.Get("X-Amzn-Errortype") != c.errType {
			t.Errorf("%s: %d %s %s", name, res.Status, res.Header.Get("X-Amzn-Errortype"), res.Body)
		}
	}
	// A request signed 20 minutes ago is stale.
	req, _ := http.NewRequest("POST", url, strings.NewReader(converseBody))
	status, errType, _ := func() (int, string, string) {
		req.Header.Set("X-Amz-Date", time.Now().Add(-20*time.Minute).UTC().Format("20060102T150405Z"))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+MockAccessKeyID+"/"+time.Now().Add(-20*time.Minute).UTC().Format("20060102")+
			"/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
		req.Host = req.URL.Host
		return verifySigV4(req, []byte(converseBody))
	}()
	if status != 403 || errType != "InvalidSignatureException" {
		t.Errorf("stale: %d %s", status, errType)
	}
}
