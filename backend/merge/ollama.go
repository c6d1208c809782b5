package merge

// Ollama native NDJSON (/api/chat and /api/generate): message.content,
// message.thinking (or top-level response / thinking for generate),
// complete tool calls whose arguments are objects, a final line with
// "done":true, done_reason and timing counters, and {"error":"..."} lines.

// ollamaUsageKeys are the counters of the final line reported as usage.
var ollamaUsageKeys = []string{
	"prompt_eval_count", "eval_count", "total_duration", "load_duration",
	"prompt_eval_duration", "eval_duration",
}

func (m *Merger) ollama(d *jdoc) {
	ch := m.main()
	if e := d.get(0, "error"); !d.isNull(e) {
		if se := errorObject(d, e); se != nil {
			m.setError(se)
		}
	}
	m.setModel(d, d.get(0, "model"))
	if msg := d.get(0, "message"); d.kind(msg) == jObject {
		m.put(&ch.content, d, d.get(msg, "content"))
		m.put(&ch.reasoning, d, d.get(msg, "thinking"))
		tcs := d.get(msg, "tool_calls")
		for e := d.first(tcs); e >= 0; e = d.nextElem(tcs, e) {
			fn := d.get(e, "function")
			var t *tool
			if idx, ok := d.intv(d.get(fn, "index")); ok {
				t = ch.toolByKey(idx)
			} else {
				t = ch.newTool()
			}
			t.setID(d.text(d.get(e, "id")))
			t.setName(d.text(d.get(fn, "name")))
			m.toolArgs(d, t, d.get(fn, "arguments"))
		}
	} else {
		m.put(&ch.content, d, d.get(0, "response"))
		m.put(&ch.reasoning, d, d.get(0, "thinking"))
	}
	if d.boolv(d.get(0, "done")) {
		m.sawEnd = true
		if s := d.text(d.get(0, "done_reason")); s != "" {
			ch.setFinish(s)
		}
		for _, k := range ollamaUsageKeys {
			if v := d.get(0, k); d.kind(v) == jNumber {
				if m.usage == nil {
					m.usage = map[string]any{}
				}
				m.usage[k] = d.value(v)
			}
		}
	}
}
