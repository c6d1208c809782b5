package merge

import "strings"

// llama.cpp server native completion streaming (POST /completion with
// "stream": true; /infill alike): `data: {json}` events {"index",
// "content", "tokens", "stop":false, "id_slot", "tokens_predicted",
// "tokens_evaluated"} with the next piece of text, then one final event per
// index with "stop": true, an empty content (the text already streamed),
// stop_type ("eos", "word", "limit"; older servers sent the booleans
// stopped_eos / stopped_word / stopped_limit instead), stopping_word,
// truncated, the counters and a timings object. There is no [DONE] (the
// server sends it only on its OpenAI routes): the stream is complete when
// every index sent its final event. "index" is the prompt (or n_cmpl
// completion) the event belongs to, the choice index; usage is the final
// counters (tokens_predicted, tokens_evaluated, tokens_cached, timings) of
// the lowest index. A non-streamed response is the final event with the
// whole content. Errors are {"error":{"code","message","type"}}.

// llamaUsageKeys are the counters of the final event reported as usage.
var llamaUsageKeys = []string{"tokens_predicted", "tokens_evaluated", "tokens_cached", "timings"}

func (m *Merger) llamaCpp(d *jdoc) {
	if m.genericError(d, 0, "") {
		return
	}
	idx := 0
	if i, ok := d.intv(d.get(0, "index")); ok {
		idx = i
	}
	ch := m.choice(idx)
	m.put(&ch.content, d, d.get(0, "content"))
	if !d.boolv(d.get(0, "stop")) {
		return
	}
	m.setModel(d, d.get(0, "model"))
	ch.setFinish(llamaStopType(d))
	if d.boolv(d.get(0, "truncated")) {
		m.warnOnce("llama.cpp: the context size was exceeded (truncated)")
	}
	// Each index (prompt) sends its own counters: usage is the lowest
	// index's, index 0 when it is there.
	if m.usage != nil && idx > m.llamaUsageIdx {
		return
	}
	m.llamaUsageIdx = idx
	for _, k := range llamaUsageKeys {
		v := d.get(0, k)
		switch d.kind(v) {
		case jNumber:
			if m.usage == nil {
				m.usage = map[string]any{}
			}
			m.usage[k] = d.value(v)
		case jObject:
			if m.usage == nil {
				m.usage = map[string]any{}
			}
			sub, _ := m.usage[k].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
				m.usage[k] = sub
			}
			mergeTape(sub, d, v)
		}
	}
}

// llamaStopType is the final event's stop_type, or the one its older
// stopped_* booleans say ("stop" when neither is sent).
func llamaStopType(d *jdoc) string {
	if s := d.text(d.get(0, "stop_type")); s != "" {
		return strings.Clone(s)
	}
	switch {
	case d.boolv(d.get(0, "stopped_eos")):
		return "eos"
	case d.boolv(d.get(0, "stopped_word")):
		return "word"
	case d.boolv(d.get(0, "stopped_limit")):
		return "limit"
	}
	return "stop"
}

// isLlamaCpp reports whether the root object at 0 is a llama.cpp
// completion event: a content string beside a boolean stop.
func isLlamaCpp(d *jdoc) bool {
	if d.kind(d.get(0, "content")) != jString {
		return false
	}
	switch d.kind(d.get(0, "stop")) {
	case jTrue, jFalse:
		return true
	}
	return false
}
