package merge

import "strings"

// Cohere v1 chat stream (POST /v1/chat, NDJSON, one object per line with
// "is_finished" and "event_type"): stream-start (generation_id),
// text-generation (text), search-queries-generation, search-results (the
// connectors' searches: server tools), citation-generation (citations with
// document_ids), tool-calls-chunk (tool_call_delta {index, name,
// parameters fragment, text} or a "text" piece of the plan the model
// writes before calling tools), tool-calls-generation (the complete calls,
// parameters as an object, and the plan as "text"), debug, and stream-end
// (finish_reason, and the whole response: text, tool_calls, citations,
// documents, meta with billed_units and tokens), the end marker. v1 has no
// separate tool plan: the text streamed with tool calls is the reply's
// text (response.text), so it is content. Tool calls have no ids.

type cohereV1State struct {
	textSeen  bool // content came from text-generation or tool-calls-chunk
	citations bool // citation-generation events arrived
	docs      map[string][2]string
}

func (m *Merger) cohereV1(d *jdoc) {
	ch := m.main()
	st := &m.c1
	switch d.text(d.get(0, "event_type")) {
	case "stream-start":
		m.setID(d, d.get(0, "generation_id"))
	case "text-generation":
		if m.put(&ch.content, d, d.get(0, "text")) > 0 {
			st.textSeen = true
		}
	case "tool-calls-chunk":
		if m.put(&ch.content, d, d.get(0, "text")) > 0 {
			st.textSeen = true
		}
		delta := d.get(0, "tool_call_delta")
		if d.kind(delta) != jObject {
			break
		}
		if m.put(&ch.content, d, d.get(delta, "text")) > 0 {
			st.textSeen = true
		}
		name, params := d.get(delta, "name"), d.get(delta, "parameters")
		var t *tool
		if idx, ok := d.intv(d.get(delta, "index")); ok {
			t = ch.toolByKey(idx)
		} else if d.kind(name) == jString || d.kind(params) == jString {
			t = ch.unkeyedTool("", d.text(name))
		} else {
			break
		}
		t.setName(d.text(name))
		m.put(&t.args, d, params)
	case "tool-calls-generation":
		if !st.textSeen {
			m.put(&ch.content, d, d.get(0, "text"))
		}
		m.cohereV1Calls(d, ch, d.get(0, "tool_calls"))
	case "search-results":
		m.cohereV1Docs(d, d.get(0, "documents"))
		res := d.get(0, "search_results")
		for e := d.first(res); e >= 0; e = d.nextElem(res, e) {
			s := m.addServerTool("search-results", "", d.text(d.path(e, "connector", "id")))
			if q := d.get(e, "search_query"); !d.isNull(q) {
				s.input = compactValue(d, q)
			}
			s.output = d.value(e)
		}
	case "citation-generation":
		st.citations = true
		m.cohereV1Citations(d, d.get(0, "citations"))
	case "stream-end":
		m.sawEnd = true
		resp := d.get(0, "response")
		finish := d.text(d.get(0, "finish_reason"))
		if finish == "" {
			finish = d.text(d.get(resp, "finish_reason"))
		}
		m.cohereV1Response(d, ch, resp, finish)
	case "":
		// A non-streamed response (NonStreamedChatResponse) is its own end.
		if d.get(0, "generation_id") >= 0 && d.kind(d.get(0, "text")) == jString {
			m.sawEnd = true
			m.cohereV1Response(d, ch, 0, d.text(d.get(0, "finish_reason")))
		}
	}
}

// cohereV1Response merges the whole response at resp (the stream-end's, or
// a non-streamed one) with its finish reason: what the events before it did
// not bring.
func (m *Merger) cohereV1Response(d *jdoc, ch *choice, resp int, finish string) {
	if finish != "" {
		ch.setFinish(finish)
	}
	switch finish {
	case "ERROR", "TIMEOUT", "USER_CANCEL": // the generation failed, said only by the stop reason
		m.setError(&StreamError{Message: "the stream finished with " + finish, Type: finish})
	}
	m.setID(d, d.get(resp, "generation_id"))
	if meta := d.get(resp, "meta"); d.kind(meta) == jObject {
		for _, k := range []string{"billed_units", "tokens"} {
			if v := d.get(meta, k); d.kind(v) == jObject {
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
	if ch.content.Len() == 0 && len(ch.tools) == 0 {
		m.put(&ch.content, d, d.get(resp, "text"))
	}
	if len(ch.tools) == 0 {
		m.cohereV1Calls(d, ch, d.get(resp, "tool_calls"))
	}
	m.cohereV1Docs(d, d.get(resp, "documents"))
	if !m.c1.citations {
		m.cohereV1Citations(d, d.get(resp, "citations"))
	}
}

// cohereV1Calls merges complete tool calls {name, parameters (object)}:
// the call at each position keeps streamed parameters and takes the
// object when none were streamed.
func (m *Merger) cohereV1Calls(d *jdoc, ch *choice, arr int) {
	i := 0
	for e := d.first(arr); e >= 0; e = d.nextElem(arr, e) {
		t := ch.toolByKey(i)
		i++
		t.setName(d.text(d.get(e, "name")))
		if p := d.get(e, "parameters"); t.args.Len() == 0 && t.fallback == "" {
			switch d.kind(p) {
			case jObject, jArray:
				t.fallback = d.compact(p)
			case jString:
				t.fallback = strings.Clone(d.strAt(p))
			}
		}
	}
}

// cohereV1Docs remembers the url and title of documents by id, for the
// citations that name them.
func (m *Merger) cohereV1Docs(d *jdoc, arr int) {
	for e := d.first(arr); e >= 0; e = d.nextElem(arr, e) {
		id := d.text(d.get(e, "id"))
		if id == "" {
			continue
		}
		if m.c1.docs == nil {
			m.c1.docs = map[string][2]string{}
		}
		if _, ok := m.c1.docs[id]; ok || len(m.c1.docs) >= maxCohereDocs {
			continue
		}
		m.c1.docs[strings.Clone(id)] = [2]string{strings.Clone(d.text(d.get(e, "url"))), strings.Clone(d.text(d.get(e, "title")))}
	}
}

// maxCohereDocs bounds the documents remembered for citations.
const maxCohereDocs = 4096

// cohereV1Citations adds one citation per cited document of each v1
// citation {start, end, text, document_ids, type}.
func (m *Merger) cohereV1Citations(d *jdoc, arr int) {
	for c := d.first(arr); c >= 0; c = d.nextElem(arr, c) {
		if d.kind(c) != jObject {
			continue
		}
		base := Citation{Type: strings.Clone(d.text(d.get(c, "type"))), Text: strings.Clone(d.text(d.get(c, "text"))),
			Start: intPtr(d, d.get(c, "start")), End: intPtr(d, d.get(c, "end"))}
		if base.Type == "" {
			base.Type = "citation"
		}
		ids := d.get(c, "document_ids")
		if d.first(ids) < 0 {
			m.addCitation(base)
		}
		for e := d.first(ids); e >= 0; e = d.nextElem(ids, e) {
			cit := base
			cit.ID = strings.Clone(d.text(e))
			if doc, ok := m.c1.docs[cit.ID]; ok {
				cit.URL, cit.Title = doc[0], doc[1]
			}
			m.addCitation(cit)
		}
	}
}

// cohereV1Events are the event_type values of Cohere v1 chat streams.
var cohereV1Events = map[string]bool{
	"stream-start": true, "text-generation": true, "search-queries-generation": true,
	"search-results": true, "citation-generation": true, "tool-calls-chunk": true,
	"tool-calls-generation": true, "stream-end": true, "debug": true,
}
