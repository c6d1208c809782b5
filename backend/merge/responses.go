package merge

import "strings"

// OpenAI Responses API: typed events (the JSON "type" equals the SSE event
// name). The stream ends with response.completed, response.incomplete or
// response.failed; finish_reason is response.status.

type responsesState struct {
	// lastPart identifies the reasoning part the previous reasoning delta
	// belonged to (item id + summary/content index), so that parts are
	// joined with a blank line.
	lastItem string
	lastPart int
	hasPart  bool
	// incompleteReason is incomplete_details.reason of the final response
	// (max_output_tokens, content_filter, ...).
	incompleteReason string
}

func (m *Merger) responses(d *jdoc, evType string) {
	typ := d.text(d.get(0, "type"))
	if typ == "" {
		typ = evType
	}
	ch := m.main()
	switch typ {
	case "response.output_text.delta":
		m.put(&ch.content, d, d.get(0, "delta"))
	case "response.refusal.delta":
		m.put(&ch.refusal, d, d.get(0, "delta"))
	case "response.reasoning_summary_text.delta":
		m.reasoningPart(d, ch, "summary_index")
	case "response.reasoning_text.delta":
		m.reasoningPart(d, ch, "content_index")
	case "response.output_item.added", "response.output_item.done":
		m.responsesItem(d, ch, d.get(0, "item"), typ == "response.output_item.done")
	case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta":
		if t := ch.toolByStr(d.text(d.get(0, "item_id")), true); t != nil {
			m.put(&t.args, d, d.get(0, "delta"))
		}
	case "response.function_call_arguments.done":
		if t := ch.toolByStr(d.text(d.get(0, "item_id")), true); t != nil {
			t.fallback = strings.Clone(d.text(d.get(0, "arguments")))
		}
	case "response.created", "response.in_progress", "response.queued":
		m.responsesHeader(d, d.get(0, "response"))
	case "response.completed", "response.incomplete", "response.failed":
		r := d.get(0, "response")
		m.responsesHeader(d, r)
		if s := d.text(d.get(r, "status")); s != "" {
			ch.setFinish(s)
		} else {
			ch.setFinish(strings.TrimPrefix(typ, "response."))
		}
		m.mergeUsage(d, d.get(r, "usage"))
		m.resp.incompleteReason = strings.Clone(d.text(d.path(r, "incomplete_details", "reason")))
		if e := d.get(r, "error"); !d.isNull(e) {
			if se := errorObject(d, e); se != nil {
				if se.Type == "" {
					se.Type = se.Code
				}
				m.setError(se)
			}
		}
		if typ == "response.failed" && m.err == nil {
			m.setError(&StreamError{Message: "response failed", Type: "response.failed"})
		}
		m.sawEnd = true
	case "error":
		m.genericError(d, 0, evType)
	}
}

func (m *Merger) responsesHeader(d *jdoc, r int) {
	if r < 0 {
		return
	}
	m.setID(d, d.get(r, "id"))
	m.setModel(d, d.get(r, "model"))
}

func (m *Merger) reasoningPart(d *jdoc, ch *choice, indexKey string) {
	item := d.text(d.get(0, "item_id"))
	part, _ := d.intv(d.get(0, indexKey))
	st := &m.resp
	if st.hasPart && (st.lastItem != item || st.lastPart != part) && ch.reasoning.Len() > 0 {
		m.addReasoning(ch, "\n\n")
	}
	if !st.hasPart || st.lastItem != item {
		st.lastItem = strings.Clone(item)
	}
	st.lastPart = part
	st.hasPart = true
	m.put(&ch.reasoning, d, d.get(0, "delta"))
}

func (m *Merger) responsesItem(d *jdoc, ch *choice, item int, done bool) {
	switch d.text(d.get(item, "type")) {
	case "function_call", "custom_tool_call":
		t := ch.toolByStr(d.text(d.get(item, "id")), true)
		t.setID(d.text(d.get(item, "call_id")))
		t.setName(d.text(d.get(item, "name")))
		args := d.get(item, "arguments")
		if d.kind(args) != jString {
			args = d.get(item, "input")
		}
		if s := d.text(args); s != "" {
			t.fallback = strings.Clone(s)
		}
	case "reasoning":
		if s := d.text(d.get(item, "encrypted_content")); s != "" {
			m.encrypted = strings.Clone(s)
		}
	case "message":
		if done {
			// A refusal item carries its text only here when no delta came.
			if c := d.get(item, "content"); ch.refusal.Len() == 0 {
				for p := d.first(c); p >= 0; p = d.nextElem(c, p) {
					if d.text(d.get(p, "type")) == "refusal" {
						m.addRefusal(ch, d.text(d.get(p, "refusal")))
					}
				}
			}
		}
	}
}
