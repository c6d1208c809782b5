package merge

import "strings"

// Cohere v2 chat stream: message-start, content-start/-delta/-end (text or
// thinking), tool-plan-delta, tool-call-start/-delta/-end keyed by the
// event's index, citation-start (one citation per cited source),
// message-end with finish_reason and usage (the end marker).

func (m *Merger) cohere(d *jdoc, evType string) {
	typ := d.text(d.get(0, "type"))
	if typ == "" {
		typ = evType
	}
	ch := m.main()
	msg := d.path(0, "delta", "message")
	switch typ {
	case "content-delta", "content-start":
		c := d.get(msg, "content")
		m.put(&ch.content, d, d.get(c, "text"))
		m.put(&ch.reasoning, d, d.get(c, "thinking"))
	case "tool-plan-delta":
		s := d.text(d.get(msg, "tool_plan"))
		m.toolPlan.WriteString(s)
		m.grown += int64(len(s))
	case "tool-call-start", "tool-call-delta":
		tc := d.get(msg, "tool_calls")
		if d.kind(tc) == jArray { // tolerate an array of one call
			tc = d.first(tc)
		}
		var t *tool
		if idx, ok := d.intv(d.get(0, "index")); ok {
			t = ch.toolByKey(idx)
		} else {
			t = ch.unkeyedTool(d.text(d.get(tc, "id")), d.text(d.path(tc, "function", "name")))
		}
		t.setID(d.text(d.get(tc, "id")))
		fn := d.get(tc, "function")
		t.setName(d.text(d.get(fn, "name")))
		m.toolArgs(d, t, d.get(fn, "arguments"))
	case "citation-start":
		c := d.get(msg, "citations")
		if d.kind(c) == jArray { // tolerate an array
			c = d.first(c)
		}
		if d.kind(c) != jObject {
			break
		}
		base := Citation{Type: strings.Clone(d.text(d.get(c, "type"))), Text: strings.Clone(d.text(d.get(c, "text"))),
			Start: intPtr(d, d.get(c, "start")), End: intPtr(d, d.get(c, "end"))}
		if base.Type == "" {
			base.Type = "citation"
		}
		srcs := d.get(c, "sources")
		if d.first(srcs) < 0 {
			m.addCitation(base)
		}
		for e := d.first(srcs); e >= 0; e = d.nextElem(srcs, e) {
			cit := base
			doc := d.get(e, "document")
			cit.ID = strings.Clone(firstText(d, e, "id"))
			cit.URL = strings.Clone(firstText(d, doc, "url", "uri"))
			cit.Title = strings.Clone(firstText(d, doc, "title"))
			m.addCitation(cit)
		}
	case "message-start":
		m.setID(d, d.get(0, "id"))
	case "message-end":
		delta := d.get(0, "delta")
		if s := d.text(d.get(delta, "finish_reason")); s != "" {
			ch.setFinish(s)
		}
		m.mergeUsage(d, d.get(delta, "usage"))
		if e := d.get(delta, "error"); !d.isNull(e) {
			if se := errorObject(d, e); se != nil {
				m.setError(se)
			}
		}
		switch s := d.text(d.get(delta, "finish_reason")); s {
		case "ERROR", "TIMEOUT": // the generation failed, said only by the stop reason
			m.setError(&StreamError{Message: "the stream finished with " + s, Type: s})
		}
		m.sawEnd = true
	default:
		m.genericError(d, 0, evType)
	}
}
