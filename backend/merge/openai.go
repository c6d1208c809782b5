package merge

import "strings"

// OpenAI Chat Completions chunks and every compatible server (DeepSeek
// reasoning_content, Ollama /v1 and OpenRouter reasoning and
// reasoning_details, Mistral typed content parts, Groq executed_tools and
// x_groq, xAI and Perplexity citations, Azure content filter results).
// Servers people run themselves, checked against their sources and docs:
// vLLM (reasoning_content, renamed reasoning in newer releases; usage on
// every chunk with continuous_usage_stats; stop_reason beside
// finish_reason, the stop string or token id; finish_reason abort and
// error), SGLang (reasoning_content, matched_stop, finish_reason abort,
// an error chunk followed by [DONE]), LM Studio (reasoning_content,
// numeric tool call ids, the v0 API's stats, model_info and runtime),
// LocalAI (reasoning, a usage object on every chunk in older releases,
// reasoning sent after the content), the llama.cpp server's OpenAI routes
// (timings on the last chunk) and TGI's (object text_completion, no
// [DONE] in 2.x). stop_reason and matched_stop leave finish_reason alone;
// stats and timings are kept in usage under their own names. A
// non-streamed chat.completion object is merged too (message instead of
// delta) and counts as its own end marker.

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
		case "timings", "stats": // llama.cpp server timings, LM Studio v0 stats
			if d.kind(v) == jObject {
				if m.usage == nil {
					m.usage = map[string]any{}
				}
				sub, _ := m.usage[d.strAt(k)].(map[string]any)
				if sub == nil {
					sub = map[string]any{}
					m.usage[strings.Clone(d.strAt(k))] = sub
				}
				mergeTape(sub, d, v)
			}
		case "x_groq": // Groq's usage on the last chunk; why a stream stopped early
			m.mergeUsage(d, d.get(v, "usage"))
			if e := d.text(d.get(v, "error")); e != "" {
				m.setError(&StreamError{Message: strings.Clone(e), Type: "x_groq"})
			}
		case "prompt_filter_results", "prompt_annotations": // Azure OpenAI
			for e := d.first(v); e >= 0; e = d.nextElem(v, e) {
				idx, _ := d.intv(d.get(e, "prompt_index"))
				m.filterObject(d, d.get(e, "content_filter_results"), "prompt", idx)
			}
		case "moderation":
			m.moderation(d, v)
		case "citations": // Perplexity, xAI: the whole list in every chunk
			if d.kind(v) == jArray {
				m.setSnapshot(snapCitationURLs, d, v)
			}
		case "search_results": // Perplexity
			if d.kind(v) == jArray {
				m.setSnapshot(snapSearchResults, d, v)
			}
		}
	}
}

func (m *Merger) openAIChoice(d *jdoc, c int) {
	idx, delta, finish, filters := 0, -1, -1, -1
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
		case "content_filter_results": // Azure OpenAI, on every chunk
			filters = k + 1
		}
	}
	ch := m.choice(idx)
	if d.kind(filters) == jObject {
		m.filterObject(d, filters, "output", idx)
	}
	if d.kind(delta) == jObject {
		reasoningContent := false
		details := -1
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
			case "annotations": // url_citation (OpenAI, OpenRouter), Groq citations
				for e := d.first(v); e >= 0; e = d.nextElem(v, e) {
					if d.kind(e) == jObject && d.text(d.get(e, "type")) != "file" {
						m.addCitation(citationFrom(d, e))
					}
				}
			case "executed_tools": // Groq compound: tools the server ran
				for e := d.first(v); e >= 0; e = d.nextElem(v, e) {
					m.executedTool(d, idx, e)
				}
			case "reasoning_details": // OpenRouter
				details = v
			}
		}
		// Servers that send both fields carry the same text in each; only
		// one is taken (reasoning_content when it has text, then reasoning,
		// then the text of OpenRouter's reasoning_details).
		took := reasoningContent
		if !took {
			took = m.put(&ch.reasoning, d, d.get(delta, "reasoning")) > 0
		}
		if details >= 0 {
			m.reasoningDetails(d, ch, details, !took)
		}
	}
	if s, ok := d.str(finish); ok && s != "" {
		ch.setFinish(s)
		switch s {
		case "abort", "error": // vLLM, SGLang: the request was aborted or failed
			m.setError(&StreamError{Message: "the stream finished with finish_reason " + s, Type: ch.finish})
		}
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
	args := d.get(fn, "arguments")
	custom := d.get(e, "custom") // a custom tool: free-text input
	if custom >= 0 {
		fn, args = custom, d.get(custom, "input")
	}
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
	if custom >= 0 {
		t.typ, t.freeform = "custom", true
	}
	m.toolArgs(d, t, args)
}

// reasoningDetails reads OpenRouter's reasoning_details: reasoning.text
// (text, signature), reasoning.summary and reasoning.encrypted (data).
// takeText is false where the delta's reasoning field carried the text.
func (m *Merger) reasoningDetails(d *jdoc, ch *choice, arr int, takeText bool) {
	for e := d.first(arr); e >= 0; e = d.nextElem(arr, e) {
		switch d.text(d.get(e, "type")) {
		case "reasoning.text":
			if takeText {
				m.put(&ch.reasoning, d, d.get(e, "text"))
			}
			m.addSignature(d.text(d.get(e, "signature")))
		case "reasoning.summary":
			if takeText {
				m.put(&ch.reasoning, d, d.get(e, "summary"))
			}
		case "reasoning.encrypted":
			joinOpaque(&m.encrypted, d.text(d.get(e, "data")))
		}
	}
}

// executedTool merges one of Groq's executed_tools entries: the same index
// comes again with the output once the tool ran.
func (m *Merger) executedTool(d *jdoc, choice, e int) {
	if d.kind(e) != jObject {
		return
	}
	idx, _ := d.intv(d.get(e, "index"))
	key := [2]int{choice, idx}
	s := m.execTools[key]
	if s == nil {
		s = m.addServerTool(d.text(d.get(e, "type")), "", d.text(d.get(e, "type")))
		if m.execTools == nil {
			m.execTools = map[[2]int]*serverTool{}
		}
		m.execTools[key] = s
	}
	if a := d.get(e, "arguments"); d.kind(a) == jString && d.strAt(a) != "" {
		s.input = jsonTextValue(d.strAt(a))
	} else if d.kind(a) == jObject {
		s.input = d.value(a)
	}
	// The result fields present, added to those of earlier entries (in a
	// new map: stored values are never changed).
	var next map[string]any
	for _, k := range []string{"output", "search_results", "code_results", "browser_results"} {
		if v := d.get(e, k); !d.isNull(v) {
			if next == nil {
				old, _ := s.output.(map[string]any)
				next = make(map[string]any, len(old)+1)
				for k2, v2 := range old {
					next[k2] = v2
				}
			}
			next[k] = d.value(v)
		}
	}
	if next != nil {
		s.output = next
	}
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
