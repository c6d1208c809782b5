package merge

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Amazon Bedrock. ConverseStream ("bedrock-converse") sends one event per
// AWS event-stream frame, its type the frame's :event-type and its data the
// payload: messageStart, contentBlockStart (toolUse; toolResult of a tool
// the service ran), contentBlockDelta (text, reasoningContent text /
// signature / redactedContent, toolUse input fragments, citation,
// toolResult), contentBlockStop, messageStop (stopReason: the end marker)
// and metadata (usage and metrics, after messageStop). Payloads carry a
// padding member "p", ignored.
//
// InvokeModelWithResponseStream sends "chunk" events whose payload is
// {"bytes": base64 of one event of the model's own format}: the bytes are
// decoded and merged as that event, so Anthropic on Bedrock is format
// "anthropic" (its message_stop's amazon-bedrock-invocationMetrics join the
// usage), and any other model's JSON is recognised as usual.
//
// Exceptions (throttlingException, modelStreamErrorException,
// internalServerException, validationException, serviceUnavailableException,
// modelTimeoutException: any event type ending in "Exception") are errors
// in every format. The SDKs' JSON form of the same events, one object with
// the event type as its only member ({"contentBlockDelta": {...}}), is
// merged too.

// converseEvents are the ConverseStream event types.
var converseEvents = map[string]bool{
	"messageStart": true, "contentBlockStart": true, "contentBlockDelta": true,
	"contentBlockStop": true, "messageStop": true, "metadata": true,
}

type converseState struct {
	blocks map[int]*converseBlock
	last   *converseBlock
	// sigAt and redAt are the blocks whose signature / redacted content
	// was appended last (fragments of one block join without a line break).
	sigAt, redAt *converseBlock
	// metaAfterEnd: the metadata event that follows messageStop was not
	// counted as arriving after the end marker.
	metaAfterEnd bool
	inner        jdoc   // an unwrapped or base64-decoded event
	raw          []byte // base64 decoding buffer
}

type converseBlock struct {
	index  int
	tool   *tool
	server *serverTool
	// result is the server tool a toolResult block answers; its output is
	// the text and JSON parts streamed for it.
	result *serverTool
	status string
	text   strings.Builder
	parts  []any
}

func (s *converseState) block(idx int, create bool) *converseBlock {
	if s.last != nil && s.last.index == idx {
		return s.last
	}
	b := s.blocks[idx]
	if b == nil && create {
		b = &converseBlock{index: idx}
		if s.blocks == nil {
			s.blocks = map[int]*converseBlock{}
		}
		s.blocks[idx] = b
	}
	if b != nil {
		s.last = b
	}
	return b
}

// isAWSException reports whether an event type names an AWS exception
// (throttlingException, ModelStreamErrorException, ...).
func isAWSException(t string) bool {
	if len(t) <= len("Exception") || !strings.HasSuffix(t, "Exception") {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// errorEventType is the StreamError type of an error event of type t
// whose data is not a JSON object.
func errorEventType(t string) string {
	if isAWSException(t) {
		return t
	}
	return "error"
}

// bedrockEvent handles what comes before the format's own merge: an
// exception (merged here: done), an InvokeModel chunk (its decoded bytes
// are returned as the event to merge, typed "message"), and the SDKs'
// wrapped JSON ({"contentBlockDelta": {...}}: the member is returned with
// its type). Any other event comes back as it is.
func (m *Merger) bedrockEvent(d *jdoc, evType string) (*jdoc, string, bool) {
	root := 0
	if evType == "message" {
		if k := d.first(0); k >= 0 && d.nextKey(0, k) < 0 && d.kind(k+1) == jObject {
			if key := d.strAt(k); (converseEvents[key] && (m.format == "" || m.format == FormatBedrockConverse)) ||
				key == "chunk" || isAWSException(key) {
				evType, root = key, k+1
			}
		}
	}
	switch {
	case isAWSException(evType):
		e := &StreamError{Type: strings.Clone(evType), Message: strings.Clone(d.text(d.get(root, "message")))}
		if e.Message == "" {
			e.Message = d.compact(root)
		}
		if om := d.text(d.get(root, "originalMessage")); om != "" {
			e.Message += " (" + om + ")"
		}
		e.Code = strings.Clone(d.scalarText(d.get(root, "originalStatusCode")))
		m.setError(e)
		return d, evType, true
	case evType == "chunk":
		b := d.get(root, "bytes")
		if d.kind(b) != jString {
			break
		}
		s := &m.conv
		enc := d.text(b)
		s.raw = s.raw[:0]
		if n := base64.StdEncoding.DecodedLen(len(enc)); cap(s.raw) < n {
			s.raw = make([]byte, 0, n)
		}
		raw, err := base64.StdEncoding.AppendDecode(s.raw, []byte(enc))
		if err != nil || !s.inner.parse(string(raw)) || s.inner.kind(0) != jObject {
			m.invalid++
			m.warnOnce("a chunk's bytes are not base64 of a JSON object")
			return d, evType, true
		}
		s.raw = raw
		if v := s.inner.get(0, "amazon-bedrock-invocationMetrics"); v >= 0 {
			m.mergeUsage(&s.inner, v)
		}
		return &s.inner, "message", false
	}
	if root != 0 {
		if !m.conv.inner.parse(d.raw(root)) {
			return d, evType, true // cannot happen: the member parsed as part of d
		}
		return &m.conv.inner, evType, false
	}
	return d, evType, false
}

// converse merges one ConverseStream event (root object at 0).
func (m *Merger) converse(d *jdoc, evType string) {
	ch := m.main()
	s := &m.conv
	switch evType {
	case "contentBlockStart":
		idx, _ := d.intv(d.get(0, "contentBlockIndex"))
		st := d.get(0, "start")
		b := s.block(idx, true)
		if tu := d.get(st, "toolUse"); d.kind(tu) == jObject {
			id, name := d.text(d.get(tu, "toolUseId")), d.text(d.get(tu, "name"))
			if typ := d.text(d.get(tu, "type")); typ == "server_tool_use" {
				b.server = m.addServerTool(typ, id, name)
				b.server.inputJSON = true
			} else {
				b.tool = ch.newTool()
				b.tool.setID(id)
				b.tool.setName(name)
			}
		} else if tr := d.get(st, "toolResult"); d.kind(tr) == jObject {
			id := d.text(d.get(tr, "toolUseId"))
			b.result = m.serverTool(id)
			if b.result == nil {
				typ := d.text(d.get(tr, "type"))
				if typ == "" {
					typ = "tool_result"
				}
				b.result = m.addServerTool(typ, id, "")
			}
			b.status = strings.Clone(d.text(d.get(tr, "status")))
		}
	case "contentBlockDelta":
		idx, _ := d.intv(d.get(0, "contentBlockIndex"))
		delta := d.get(0, "delta")
		m.put(&ch.content, d, d.get(delta, "text"))
		if rc := d.get(delta, "reasoningContent"); d.kind(rc) == jObject {
			m.put(&ch.reasoning, d, d.get(rc, "text"))
			b := s.block(idx, true)
			s.sigAt = appendFragment(&m.signature, s.sigAt, b, d.text(d.get(rc, "signature")))
			s.redAt = appendFragment(&m.encrypted, s.redAt, b, d.text(d.get(rc, "redactedContent")))
		}
		if tu := d.get(delta, "toolUse"); d.kind(tu) == jObject {
			b := s.block(idx, true)
			if b.tool == nil && b.server == nil {
				b.tool = ch.newTool() // input for a block that never started: keep it as a call
			}
			if b.server != nil {
				m.put(&b.server.inputText, d, d.get(tu, "input"))
			} else {
				m.put(&b.tool.args, d, d.get(tu, "input"))
			}
		}
		if c := d.get(delta, "citation"); d.kind(c) == jObject {
			m.addCitation(converseCitation(d, c))
		}
		if tr := d.get(delta, "toolResult"); d.kind(tr) == jArray {
			if b := s.block(idx, true); b.result != nil {
				for e := d.first(tr); e >= 0; e = d.nextElem(tr, e) {
					if t := d.get(e, "text"); d.kind(t) == jString {
						d.writeStr(&b.text, t)
					} else if j := d.get(e, "json"); j >= 0 {
						b.parts = append(b.parts, d.value(j))
					}
				}
				b.result.output = b.output()
			}
		}
	case "messageStop":
		if r := d.text(d.get(0, "stopReason")); r != "" {
			ch.setFinish(r)
		}
		m.sawEnd = true
	case "metadata":
		if m.sawEnd && !s.metaAfterEnd {
			// metadata follows messageStop in every stream: it is not an
			// event after the end marker.
			m.afterEnd--
			s.metaAfterEnd = true
		}
		m.mergeUsage(d, d.get(0, "usage"))
		m.mergeUsage(d, d.get(0, "metrics"))
	case "messageStart", "contentBlockStop":
	default:
		if d.get(0, "output") >= 0 && d.get(0, "stopReason") >= 0 {
			m.converseResponse(d)
			return
		}
		m.genericError(d, 0, evType)
	}
}

// converseResponse merges a Converse (non-streaming) response:
// output.message.content blocks (text, reasoningContent, toolUse),
// stopReason, usage and metrics.
func (m *Merger) converseResponse(d *jdoc) {
	ch := m.main()
	cont := d.path(0, "output", "message", "content")
	for e := d.first(cont); e >= 0; e = d.nextElem(cont, e) {
		m.put(&ch.content, d, d.get(e, "text"))
		if rc := d.get(e, "reasoningContent"); d.kind(rc) == jObject {
			rt := d.get(rc, "reasoningText")
			m.put(&ch.reasoning, d, d.get(rt, "text"))
			joinOpaque(&m.signature, d.text(d.get(rt, "signature")))
			joinOpaque(&m.encrypted, d.text(d.get(rc, "redactedContent")))
		}
		if tu := d.get(e, "toolUse"); d.kind(tu) == jObject {
			t := ch.newTool()
			t.setID(d.text(d.get(tu, "toolUseId")))
			t.setName(d.text(d.get(tu, "name")))
			if in := d.get(tu, "input"); in >= 0 {
				t.fallback = d.compact(in)
			}
		}
		if cc := d.get(e, "citationsContent"); d.kind(cc) == jObject {
			list := d.get(cc, "citations")
			for c := d.first(list); c >= 0; c = d.nextElem(list, c) {
				m.addCitation(converseCitation(d, c))
			}
			parts := d.get(cc, "content")
			for p := d.first(parts); p >= 0; p = d.nextElem(parts, p) {
				m.put(&ch.content, d, d.get(p, "text"))
			}
		}
	}
	if r := d.text(d.get(0, "stopReason")); r != "" {
		ch.setFinish(r)
	}
	m.mergeUsage(d, d.get(0, "usage"))
	m.mergeUsage(d, d.get(0, "metrics"))
	m.sawEnd = true
}

// output is a toolResult block's output: its status, text and JSON parts.
func (b *converseBlock) output() any {
	o := map[string]any{}
	if b.status != "" {
		o["status"] = b.status
	}
	if b.text.Len() > 0 {
		o["text"] = b.text.String()
	}
	if len(b.parts) > 0 {
		o["json"] = append([]any(nil), b.parts...)
	}
	return o
}

// appendFragment appends s to the opaque list: on the same line as the
// previous fragment of block b, on a new line for another block. It returns
// the block the list ends with.
func appendFragment(list *string, at, b *converseBlock, s string) *converseBlock {
	if s == "" {
		return at
	}
	if at == b {
		*list += s
	} else {
		joinOpaque(list, s)
	}
	return b
}

// converseCitation reads a ConverseStream CitationsDelta: title, source,
// sourceContent texts and a location ({documentChar|documentPage|
// documentChunk|searchResultLocation|web: {...}}), whose member name is the
// citation's type.
func converseCitation(d *jdoc, c int) Citation {
	cit := Citation{Type: "citation", Title: strings.Clone(d.text(d.get(c, "title"))), URL: strings.Clone(d.text(d.get(c, "source")))}
	var text strings.Builder
	sc := d.get(c, "sourceContent")
	for e := d.first(sc); e >= 0; e = d.nextElem(sc, e) {
		d.writeStr(&text, d.get(e, "text"))
	}
	cit.Text = text.String()
	loc := d.get(c, "location")
	if k := d.first(loc); k >= 0 && d.kind(loc) == jObject {
		cit.Type = strings.Clone(d.strAt(k))
		v := k + 1
		if u := d.text(d.get(v, "url")); u != "" {
			cit.URL = strings.Clone(u)
		}
		for _, key := range []string{"documentIndex", "searchResultIndex"} {
			if n, ok := d.intv(d.get(v, key)); ok {
				cit.ID = strconv.Itoa(n)
			}
		}
		cit.Start, cit.End = intPtr(d, d.get(v, "start")), intPtr(d, d.get(v, "end"))
	}
	return cit
}
