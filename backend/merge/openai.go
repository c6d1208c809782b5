package merge

// OpenAI Chat Completions chunks and every compatible server (DeepSeek
// reasoning_content, Ollama /v1 and OpenRouter reasoning, Mistral typed
// content parts, Groq, xAI, vLLM). A non-streamed chat.completion object is
// merged too (message instead of delta) and counts as its own end marker.

func (m *Merger) openAIChat(d *jdoc) {
	for k := d.first(0); k >= 0; k = d.nextKey(0, k) {
		v := k + 1
		switch d.strAt(k) {
		case "choices":
			for e := d.first(v); e >= 0; e = d.nextElem(v, e) {
				if d.kind(e) == jObject {
					m.openAIChoice(d, e)
				}
			}
		case "usage":
			m.mergeUsage(d, v)
		case "error":
			if !d.isNull(v) {
				if e := errorObject(d, v); e != nil {
					m.setError(e)
				}
			}
		case "id":
			m.setID(d, v)
		case "model":
			m.setModel(d, v)
		case "object":
			switch d.text(v) {
			case "chat.completion":
				m.sawEnd = true
			case "error": // vLLM's ErrorResponse sent as a chunk
				m.setError(errorObject(d, 0))
			}
		case "x_groq": // Groq's usage on the last chunk
			m.mergeUsage(d, d.get(v, "usage"))
		}
	}
}

func (m *Merger) openAIChoice(d *jdoc, c int) {
	idx, delta, finish := 0, -1, -1
	for k := d.first(c); k >= 0; k = d.nextKey(c, k) {
		switch d.strAt(k) {
		case "index":
			if i, ok := d.intv(k + 1); ok {
				idx = i
			}
		case "delta", "message":
			delta = k + 1
		case "finish_reason":
			finish = k + 1
		}
	}
	ch := m.choice(idx)
	if d.kind(delta) == jObject {
		reasoningContent := false
		for k := d.first(delta); k >= 0; k = d.nextKey(delta, k) {
			v := k + 1
			switch d.strAt(k) {
			case "content":
				switch d.kind(v) {
				case jString:
					m.put(&ch.content, d, v)
				case jArray:
					m.contentParts(d, ch, v)
				}
			case "reasoning_content":
				if m.put(&ch.reasoning, d, v) > 0 {
					reasoningContent = true
				}
			case "refusal":
				m.put(&ch.refusal, d, v)
			case "tool_calls":
				for e := d.first(v); e >= 0; e = d.nextElem(v, e) {
					if d.kind(e) == jObject {
						m.openAITool(d, ch, e)
					}
				}
			case "function_call": // legacy single function call
				if d.kind(v) == jObject {
					t := ch.toolByKey(0)
					t.setName(d.text(d.get(v, "name")))
					m.toolArgs(d, t, d.get(v, "arguments"))
				}
			}
		}
		// Servers that send both fields carry the same text in each; only
		// one is taken (reasoning_content when it has text).
		if !reasoningContent {
			m.put(&ch.reasoning, d, d.get(delta, "reasoning"))
		}
	}
	if s, ok := d.str(finish); ok && s != "" {
		ch.setFinish(s)
	}
}

// contentParts reads typed content parts (Mistral): {type:"text",text} and
// {type:"thinking",thinking:[{type:"text",text}] | "..."}.
func (m *Merger) contentParts(d *jdoc, ch *choice, arr int) {
	for p := d.first(arr); p >= 0; p = d.nextElem(arr, p) {
		switch d.kind(p) {
		case jString:
			m.addContent(ch, d.strAt(p))
		case jObject:
			switch d.text(d.get(p, "type")) {
			case "thinking", "reasoning":
				th := d.get(p, "thinking")
				switch d.kind(th) {
				case jString:
					m.addReasoning(ch, d.strAt(th))
				case jArray:
					for e := d.first(th); e >= 0; e = d.nextElem(th, e) {
						if s, ok := d.str(e); ok {
							m.addReasoning(ch, s)
						} else if s, ok := d.str(d.get(e, "text")); ok {
							m.addReasoning(ch, s)
						}
					}
				}
			case "refusal":
				m.addRefusal(ch, d.text(d.get(p, "refusal")))
			default:
				if s, ok := d.str(d.get(p, "text")); ok {
					m.addContent(ch, s)
				}
			}
		}
	}
}

func (m *Merger) openAITool(d *jdoc, ch *choice, e int) {
	fn := d.get(e, "function")
	id := d.text(d.get(e, "id"))
	name := d.text(d.get(fn, "name"))
	var t *tool
	if idx, ok := d.intv(d.get(e, "index")); ok {
		t = ch.toolByKey(idx)
	} else {
		t = ch.unkeyedTool(id, name)
	}
	t.setID(id)
	t.setName(name)
	m.toolArgs(d, t, d.get(fn, "arguments"))
}

// toolArgs appends an arguments fragment: a string is appended as sent, an
// object (some servers) is appended as compact JSON text.
func (m *Merger) toolArgs(d *jdoc, t *tool, v int) {
	switch d.kind(v) {
	case jString:
		m.put(&t.args, d, v)
	case jObject, jArray:
		m.addArgs(t, d.compact(v))
	}
}
