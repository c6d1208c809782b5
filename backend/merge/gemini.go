package merge

import (
	"strconv"
	"strings"
)

// Google Gemini streamGenerateContent?alt=sse: candidates with content
// parts (text, thought text, functionCall with an args object or Vertex
// streamed partialArgs), finishReason per candidate, cumulative
// usageMetadata. There is no sentinel event: the stream counts as ended
// once every candidate has a finishReason (Gemini sends it in the last
// chunk), so that a connection dropped mid-answer is reported cut off.
// Code execution (executableCode / codeExecutionResult parts) and
// server-side toolCall / toolResponse parts are server tools; grounding,
// citation and URL context metadata (the last one of each candidate),
// safetyRatings and promptFeedback are kept too.

func (m *Merger) gemini(d *jdoc) {
	for k := d.first(0); k >= 0; k = d.nextKey(0, k) {
		v := k + 1
		switch d.strAt(k) {
		case "candidates":
			for c := d.first(v); c >= 0; c = d.nextElem(v, c) {
				m.geminiCandidate(d, c)
			}
			m.sawEnd = m.allFinished()
		case "usageMetadata":
			m.mergeUsage(d, v)
		case "modelVersion":
			m.setModel(d, v)
		case "responseId":
			m.setID(d, v)
		case "promptFeedback":
			m.safetyRatings(d, d.get(v, "safetyRatings"), "prompt", 0)
			if s := d.text(d.get(v, "blockReason")); s != "" {
				ch := m.main()
				if !ch.hasFinish {
					ch.setFinish(s)
				}
				if m.blockReason == "" {
					m.blockReason = strings.Clone(s)
				}
				if msg := d.text(d.get(v, "blockReasonMessage")); msg != "" {
					m.warnOnce("prompt blocked (" + s + "): " + msg)
				}
				m.sawEnd = true // a blocked prompt gets no candidates
			}
		case "error":
			if e := errorObject(d, v); e != nil {
				m.setError(e)
			}
		}
	}
}

func (m *Merger) geminiCandidate(d *jdoc, c int) {
	if d.kind(c) != jObject {
		return
	}
	idx, _ := d.intv(d.get(c, "index"))
	ch := m.choice(idx)
	parts := d.path(c, "content", "parts")
	for p := d.first(parts); p >= 0; p = d.nextElem(parts, p) {
		if txt := d.get(p, "text"); txt >= 0 {
			if d.boolv(d.get(p, "thought")) {
				m.put(&ch.reasoning, d, txt)
			} else {
				m.put(&ch.content, d, txt)
			}
		}
		if s := d.text(d.get(p, "thoughtSignature")); s != "" {
			m.addSignature(s)
		}
		if fc := d.get(p, "functionCall"); d.kind(fc) == jObject {
			m.geminiCall(d, ch, fc)
		}
		if x := d.get(p, "executableCode"); d.kind(x) == jObject {
			st := m.addServerTool("executableCode", d.text(d.get(x, "id")), "code_execution")
			st.input = d.value(x)
		}
		if x := d.get(p, "codeExecutionResult"); d.kind(x) == jObject {
			m.geminiResult(d, x, "executableCode", "codeExecutionResult", d.value(x))
		}
		if x := d.get(p, "toolCall"); d.kind(x) == jObject {
			st := m.addServerTool("toolCall", d.text(d.get(x, "id")), d.text(d.get(x, "toolType")))
			st.input = compactValue(d, d.get(x, "args"))
		}
		if x := d.get(p, "toolResponse"); d.kind(x) == jObject {
			m.geminiResult(d, x, "toolCall", "toolResponse", compactValue(d, d.get(x, "response")))
		}
	}
	key := ":" + strconv.Itoa(idx)
	for k := d.first(c); k >= 0; k = d.nextKey(c, k) {
		v := k + 1
		switch d.strAt(k) {
		case "finishReason":
			if s := d.text(v); s != "" {
				ch.setFinish(s)
			}
		case "finishMessage":
			if s := d.text(v); s != "" {
				m.warnOnce("candidate " + strconv.Itoa(idx) + " finish message: " + s)
			}
		case "safetyRatings":
			m.safetyRatings(d, v, "output", idx)
		case "groundingMetadata":
			m.setSnapshot(snapGrounding+key, d, v)
		case "citationMetadata":
			m.setSnapshot(snapCitationMeta+key, d, v)
		case "urlContextMetadata", "url_context_metadata":
			m.setSnapshot(snapURLContextMeta+key, d, v)
		}
	}
}

// geminiResult attaches a result part (codeExecutionResult, toolResponse)
// to its call: the one with the same id, else the last call of that kind
// still without a result.
func (m *Merger) geminiResult(d *jdoc, x int, callType, resultType string, out any) {
	st := m.serverTool(d.text(d.get(x, "id")))
	if st == nil {
		for i := len(m.servers) - 1; i >= 0; i-- {
			if s := m.servers[i]; s.typ == callType && s.output == nil {
				st = s
				break
			}
		}
	}
	if st == nil {
		st = m.addServerTool(resultType, d.text(d.get(x, "id")), "")
	}
	st.output = out
}

// geminiCall handles one functionCall part. A call with a name and an args
// object (or neither args nor willContinue) is complete. A call with
// willContinue opens a streamed call whose partialArgs follow in later
// parts; an empty functionCall {} closes it.
func (m *Merger) geminiCall(d *jdoc, ch *choice, fc int) {
	name := d.text(d.get(fc, "name"))
	args := d.get(fc, "args")
	partial := d.get(fc, "partialArgs")
	cont := d.boolv(d.get(fc, "willContinue"))
	open := ch.openGeminiCall()
	if name != "" {
		if open != nil {
			open.closeGemini()
		}
		t := ch.newTool()
		t.setID(d.text(d.get(fc, "id")))
		t.setName(name)
		if d.kind(args) == jObject {
			m.addArgs(t, d.compact(args))
			return
		}
		t.fallback = "{}"
		if cont || partial >= 0 {
			t.partial = &partialArgs{}
			m.applyPartial(d, t, partial)
		}
		return
	}
	if open == nil {
		if d.kind(args) == jObject || partial >= 0 {
			// Arguments without an opening name: keep them as an unnamed call.
			t := ch.newTool()
			t.fallback = "{}"
			if d.kind(args) == jObject {
				m.addArgs(t, d.compact(args))
				return
			}
			t.partial = &partialArgs{}
			open = t
		} else {
			return
		}
	}
	if d.kind(args) == jObject && open.partial.root == nil {
		m.addArgs(open, d.compact(args))
	}
	m.applyPartial(d, open, partial)
	if !cont {
		open.closeGemini()
	}
}

func (c *choice) openGeminiCall() *tool {
	if c.last != nil && c.last.partial != nil {
		return c.last
	}
	return nil
}

func (m *Merger) applyPartial(d *jdoc, t *tool, partial int) {
	for e := d.first(partial); e >= 0; e = d.nextElem(partial, e) {
		path := d.text(d.get(e, "jsonPath"))
		var raw string
		str, isStr := "", false
		switch {
		case d.get(e, "stringValue") >= 0:
			str, isStr = d.text(d.get(e, "stringValue")), true
		case d.get(e, "numberValue") >= 0:
			raw = d.raw(d.get(e, "numberValue"))
		case d.get(e, "boolValue") >= 0:
			raw = d.raw(d.get(e, "boolValue"))
		default:
			raw = "null"
		}
		n := t.partial.at(path)
		if n == nil {
			m.warnOnce("gemini partialArgs: unsupported jsonPath " + strconv.Quote(path))
			continue
		}
		if isStr {
			if !n.isStr {
				n.isStr, n.raw = true, ""
			}
			n.str.WriteString(str)
			m.grown += int64(len(str))
		} else {
			n.isStr, n.raw = false, strings.Clone(raw)
		}
	}
}

// closeGemini renders a streamed call's collected arguments.
func (t *tool) closeGemini() {
	p := t.partial
	t.partial = nil
	if p == nil || p.root == nil || t.args.Len() > 0 {
		return
	}
	var b strings.Builder
	p.root.render(&b)
	t.args.WriteString(b.String())
}

func (m *Merger) closeGeminiCalls() {
	for _, c := range m.sortedChoices() {
		for _, t := range c.tools {
			if t.partial != nil {
				t.closeGemini()
			}
		}
	}
}

// partialArgs rebuilds a JSON value from (jsonPath, value) pieces in order.
type partialArgs struct{ root *pnode }

type pnode struct {
	obj   bool
	keys  []string
	kids  map[string]*pnode
	arr   []*pnode
	isArr bool
	isStr bool
	str   strings.Builder
	raw   string
}

// at returns the node for a path like $.a.b[2]['c'], creating it; nil when
// the path is not understood.
func (p *partialArgs) at(path string) *pnode {
	if !strings.HasPrefix(path, "$") {
		return nil
	}
	if p.root == nil {
		p.root = &pnode{}
	}
	n := p.root
	rest := path[1:]
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				return nil
			}
			n = n.child(rest[:end])
			rest = rest[end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil
			}
			sel := rest[1:end]
			rest = rest[end+1:]
			if len(sel) >= 2 && (sel[0] == '\'' || sel[0] == '"') && sel[len(sel)-1] == sel[0] {
				n = n.child(sel[1 : len(sel)-1])
				continue
			}
			i, err := strconv.Atoi(sel)
			if err != nil || i < 0 || i > 1<<16 {
				return nil
			}
			n = n.elem(i)
		default:
			return nil
		}
	}
	return n
}

func (n *pnode) child(key string) *pnode {
	if !n.obj {
		*n = pnode{obj: true, kids: map[string]*pnode{}}
	}
	c, ok := n.kids[key]
	if !ok {
		c = &pnode{}
		key = strings.Clone(key)
		n.kids[key] = c
		n.keys = append(n.keys, key)
	}
	return c
}

func (n *pnode) elem(i int) *pnode {
	if !n.isArr {
		*n = pnode{isArr: true}
	}
	for len(n.arr) <= i {
		n.arr = append(n.arr, &pnode{})
	}
	return n.arr[i]
}

func (n *pnode) render(b *strings.Builder) {
	switch {
	case n.obj:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			n.kids[k].render(b)
		}
		b.WriteByte('}')
	case n.isArr:
		b.WriteByte('[')
		for i, e := range n.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			e.render(b)
		}
		b.WriteByte(']')
	case n.isStr:
		writeJSONString(b, n.str.String())
	case n.raw != "":
		b.WriteString(n.raw)
	default:
		b.WriteString("null")
	}
}

// writeJSONString writes s as a JSON string literal.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
