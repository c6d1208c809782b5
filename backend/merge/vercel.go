package merge

import "strings"

// Vercel AI SDK UI message stream v1 (header x-vercel-ai-ui-message-stream:
// v1): typed parts (text-*, reasoning-*, tool-input-*, tool-output-*,
// source-url / source-document, finish, error) ending with data: [DONE].
// Tools with providerExecuted are server tools; reset-step drops what the
// current step (since start-step) brought.

type vercelState struct {
	server map[string]*serverTool // provider-executed tools by toolCallId
	step   vercelStep
}

// vercelStep is how much the merge held at the last start-step.
type vercelStep struct {
	content, reasoning, tools, servers, citations int
}

func (m *Merger) vercel(d *jdoc, evType string) {
	typ := d.text(d.get(0, "type"))
	ch := m.main()
	switch typ {
	case "text-delta":
		m.put(&ch.content, d, d.get(0, "delta"))
	case "reasoning-delta":
		m.put(&ch.reasoning, d, d.get(0, "delta"))
	case "tool-input-start", "tool-input-delta", "tool-input-available", "tool-input-error",
		"tool-output-available", "tool-output-error", "tool-output-denied":
		id := d.text(d.get(0, "toolCallId"))
		if st := m.vercelServer(d, ch, id); st != nil {
			m.vercelServerPart(d, st, typ)
			return
		}
		t := ch.toolByStr(id, true)
		t.setID(id)
		t.setName(d.text(d.get(0, "toolName")))
		switch typ {
		case "tool-input-delta":
			m.put(&t.args, d, d.get(0, "inputTextDelta"))
		case "tool-input-available":
			if in := d.get(0, "input"); in >= 0 {
				t.fallback = d.compact(in)
			}
		case "tool-output-available":
			if out := d.get(0, "output"); out >= 0 {
				t.output = d.value(out)
			}
		case "tool-input-error", "tool-output-error":
			m.warnOnce("tool call " + t.id + ": " + d.text(d.get(0, "errorText")))
		case "tool-output-denied":
			m.warnOnce("tool call " + t.id + ": the user denied it")
		}
	case "source-url":
		m.addCitation(Citation{Type: typ, URL: strings.Clone(d.text(d.get(0, "url"))),
			Title: strings.Clone(d.text(d.get(0, "title"))), ID: strings.Clone(d.text(d.get(0, "sourceId")))})
	case "source-document":
		m.addCitation(Citation{Type: typ, Title: strings.Clone(firstText(d, 0, "title", "filename")),
			ID: strings.Clone(d.text(d.get(0, "sourceId")))})
	case "start-step":
		m.vstate.step = vercelStep{content: ch.content.Len(), reasoning: ch.reasoning.Len(), tools: len(ch.tools),
			servers: len(m.servers), citations: len(m.citations)}
	case "reset-step":
		m.vercelResetStep(ch)
	case "start":
		m.setID(d, d.get(0, "messageId"))
	case "finish":
		if s := d.text(d.get(0, "finishReason")); s != "" {
			ch.setFinish(s)
		}
	case "abort":
		m.setError(&StreamError{Message: "stream aborted", Type: "abort"})
	case "error":
		m.genericError(d, 0, evType)
	default:
		if strings.HasPrefix(typ, "data-") || typ == "" {
			m.genericError(d, 0, evType)
		}
	}
}

// vercelServer returns the server tool of toolCallId id, creating it when
// the part says providerExecuted (a call first seen without the flag is
// moved from the client calls).
func (m *Merger) vercelServer(d *jdoc, ch *choice, id string) *serverTool {
	if st := m.vstate.server[id]; st != nil {
		return st
	}
	if !d.boolv(d.get(0, "providerExecuted")) {
		return nil
	}
	st := m.addServerTool("provider-executed", id, d.text(d.get(0, "toolName")))
	st.inputJSON = true
	if t := ch.toolByStr(id, false); t != nil {
		st.name = t.name
		st.inputText.WriteString(t.args.String())
		ch.removeTools(func(x *tool) bool { return x == t })
	}
	if m.vstate.server == nil {
		m.vstate.server = map[string]*serverTool{}
	}
	m.vstate.server[st.id] = st
	return st
}

func (m *Merger) vercelServerPart(d *jdoc, st *serverTool, typ string) {
	if st.name == "" {
		st.name = strings.Clone(d.text(d.get(0, "toolName")))
	}
	switch typ {
	case "tool-input-delta":
		m.put(&st.inputText, d, d.get(0, "inputTextDelta"))
	case "tool-input-available":
		if in := d.get(0, "input"); in >= 0 {
			st.inputText.Reset()
			st.input = d.value(in)
		}
	case "tool-output-available":
		st.output = compactValue(d, d.get(0, "output"))
	case "tool-input-error", "tool-output-error":
		st.output = map[string]any{"errorText": strings.Clone(d.text(d.get(0, "errorText")))}
	}
}

// vercelResetStep drops the text, tool calls, server tools and citations
// that arrived since the last start-step (the step is being retried).
func (m *Merger) vercelResetStep(ch *choice) {
	s := m.vstate.step
	truncate(&ch.content, s.content)
	truncate(&ch.reasoning, s.reasoning)
	if len(ch.tools) > s.tools {
		keep := map[*tool]bool{}
		for _, t := range ch.tools[:s.tools] {
			keep[t] = true
		}
		ch.removeTools(func(t *tool) bool { return !keep[t] })
	}
	if len(m.servers) > s.servers {
		for _, st := range m.servers[s.servers:] {
			delete(m.vstate.server, st.id)
			if m.serverByID[st.id] == st {
				delete(m.serverByID, st.id)
			}
		}
		m.servers = m.servers[:s.servers]
	}
	if len(m.citations) > s.citations {
		m.citations = m.citations[:s.citations]
	}
}

// truncate cuts b to its first n bytes.
func truncate(b *strings.Builder, n int) {
	if b.Len() <= n {
		return
	}
	s := b.String()[:n]
	b.Reset()
	b.WriteString(s)
}

// removeTools drops the tool calls for which drop is true.
func (c *choice) removeTools(drop func(*tool) bool) {
	kept := c.tools[:0]
	for _, t := range c.tools {
		if !drop(t) {
			kept = append(kept, t)
		}
	}
	for i := len(kept); i < len(c.tools); i++ {
		c.tools[i] = nil
	}
	c.tools = kept
	for k, t := range c.byKey {
		if drop(t) {
			delete(c.byKey, k)
		}
	}
	for k, t := range c.byStr {
		if drop(t) {
			delete(c.byStr, k)
		}
	}
	for k, t := range c.byID {
		if drop(t) {
			delete(c.byID, k)
		}
	}
	c.last = nil
}
