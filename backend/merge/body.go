package merge

import (
	"encoding/json"

	"github.com/streamscope/streamscope/backend/sse"
)

// Body merges a response body that is not a stream: valid JSON is merged as
// one event (a provider's non-streamed answer, when its format is
// recognised); anything else becomes the content of a "plain" result.
// complete says whether the body arrived whole.
func Body(o Options, body []byte, complete bool) Result {
	if json.Valid(body) {
		if m, err := New(o); err == nil {
			m.Add(sse.Event{Type: "message", Data: string(body)})
			if r := m.End(); r.Format != FormatUnknown {
				return r
			}
		}
	}
	r := Result{Format: "plain", Content: string(body), ToolCalls: []ToolCall{}, Complete: complete, Verdict: VerdictComplete}
	if !complete {
		r.Verdict = VerdictCutOff
	}
	return r
}
