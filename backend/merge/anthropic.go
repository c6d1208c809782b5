package merge

import "strings"

// Anthropic Messages: content blocks (text with citations, thinking +
// signature, redacted_thinking, tool_use with input_json_delta) keyed by
// block index; usage snapshots in message_start and message_delta;
// message_stop ends the stream; `event: error` carries an error
// mid-stream. Blocks of tools Anthropic runs itself (server_tool_use,
// mcp_tool_use) and their result blocks (web_search_tool_result,
// code_execution_tool_result, mcp_tool_result, ...) are server tools, not
// tool calls.

type anthropicState struct {
	blocks map[int]*anthropicBlock
	last   *anthropicBlock
	msgID  string // the open message (message_start without message_stop)
	// spliced is set once a second message started inside the open one:
	// what follows is not merged into it.
	spliced bool
}

type anthropicBlock struct {
	index  int
	typ    string
	tool   *tool
	server *serverTool
}

func (s *anthropicState) block(idx int) *anthropicBlock {
	if s.last != nil && s.last.index == idx {
		return s.last
	}
	b := s.blocks[idx]
	if b != nil {
		s.last = b
	}
	return b
}

func (m *Merger) anthropic(d *jdoc, evType string) {
	typ := d.text(d.get(0, "type"))
	if typ == "" {
		typ = evType
	}
	if m.anth.spliced {
		return
	}
	ch := m.main()
	switch typ {
	case "content_block_delta":
		idx, _ := d.intv(d.get(0, "index"))
		delta := d.get(0, "delta")
		switch d.text(d.get(delta, "type")) {
		case "text_delta":
			m.put(&ch.content, d, d.get(delta, "text"))
		case "thinking_delta":
			m.put(&ch.reasoning, d, d.get(delta, "thinking"))
		case "signature_delta":
			m.addSignature(d.text(d.get(delta, "signature")))
		case "citations_delta":
			if c := d.get(delta, "citation"); d.kind(c) == jObject {
				m.addCitation(citationFrom(d, c))
			}
		case "input_json_delta":
			b := m.anth.block(idx)
			if b == nil || (b.tool == nil && b.server == nil) {
				// A delta for a block that never started: keep it as a call.
				b = m.anthropicStart(ch, idx, "tool_use")
			}
			if b.server != nil {
				m.put(&b.server.inputText, d, d.get(delta, "partial_json"))
			} else {
				m.put(&b.tool.args, d, d.get(delta, "partial_json"))
			}
		}
	case "content_block_start":
		idx, _ := d.intv(d.get(0, "index"))
		cb := d.get(0, "content_block")
		btype := d.text(d.get(cb, "type"))
		b := m.anthropicStart(ch, idx, btype)
		switch btype {
		case "text":
			m.put(&ch.content, d, d.get(cb, "text"))
			cites := d.get(cb, "citations")
			for c := d.first(cites); c >= 0; c = d.nextElem(cites, c) {
				m.addCitation(citationFrom(d, c))
			}
		case "thinking":
			m.put(&ch.reasoning, d, d.get(cb, "thinking"))
			m.addSignature(d.text(d.get(cb, "signature")))
		case "redacted_thinking":
			joinOpaque(&m.encrypted, d.text(d.get(cb, "data")))
		case "fallback": // the request was served by another model
			m.warnOnce("model fallback: " + d.text(d.path(cb, "from", "model")) + " to " + d.text(d.path(cb, "to", "model")))
		default:
			switch {
			case b.tool != nil:
				b.tool.setID(d.text(d.get(cb, "id")))
				b.tool.setName(d.text(d.get(cb, "name")))
				if in := d.get(cb, "input"); d.kind(in) == jObject {
					b.tool.fallback = d.compact(in)
				}
			case b.server != nil:
				s := b.server
				s.id, s.name = strings.Clone(d.text(d.get(cb, "id"))), strings.Clone(d.text(d.get(cb, "name")))
				s.server = strings.Clone(d.text(d.get(cb, "server_name")))
				if in := d.get(cb, "input"); in >= 0 {
					s.input = d.value(in)
				}
				m.indexServerTool(s)
			case isToolResult(btype):
				// A provider-run tool's result: the block as sent.
				id := d.text(d.get(cb, "tool_use_id"))
				s := m.serverTool(id)
				if s == nil {
					s = m.addServerTool(btype, id, "")
				}
				s.output = d.value(cb)
			}
		}
	case "message_start":
		msg := d.get(0, "message")
		id := d.text(d.get(msg, "id"))
		if m.anth.msgID != "" && id != "" && id != m.anth.msgID && !m.sawEnd {
			m.setError(&StreamError{Message: "message " + id + " started before message " + m.anth.msgID +
				" ended", Type: "invalid_stream"})
			m.anth.spliced = true
			return
		}
		if m.anth.msgID == "" {
			m.anth.msgID = strings.Clone(id)
		}
		m.setID(d, d.get(msg, "id"))
		m.setModel(d, d.get(msg, "model"))
		m.mergeUsage(d, d.get(msg, "usage"))
		if s := d.text(d.get(msg, "stop_reason")); s != "" {
			ch.setFinish(s)
		}
	case "message_delta":
		delta := d.get(0, "delta")
		if s := d.text(d.get(delta, "stop_reason")); s != "" {
			ch.setFinish(s)
			if s == "pause_turn" {
				m.warnOnce("the turn paused (pause_turn) in a long-running server tool: send the reply back to let it continue")
			}
		}
		if sd := d.get(delta, "stop_details"); d.text(d.get(sd, "type")) == "refusal" && ch.refusal.Len() == 0 {
			m.put(&ch.refusal, d, d.get(sd, "explanation"))
		}
		m.mergeUsage(d, d.get(0, "usage"))
	case "message_stop":
		m.sawEnd = true
	case "error":
		m.genericError(d, 0, evType)
	}
}

// isToolResult reports whether an Anthropic block type is the result of a
// provider-run tool (web_search_tool_result, mcp_tool_result, ...).
func isToolResult(btype string) bool {
	return strings.HasSuffix(btype, "_tool_result") || btype == "mcp_tool_result"
}

// anthropicStart records a content block: tool_use opens a client tool
// call, server_tool_use / mcp_tool_use (any other *tool_use) a server tool.
func (m *Merger) anthropicStart(ch *choice, idx int, btype string) *anthropicBlock {
	b := &anthropicBlock{index: idx, typ: strings.Clone(btype)}
	switch {
	case btype == "tool_use":
		b.tool = ch.newTool()
	case strings.HasSuffix(btype, "tool_use"):
		b.server = m.addServerTool(btype, "", "")
		b.server.inputJSON = true
	}
	if m.anth.blocks == nil {
		m.anth.blocks = map[int]*anthropicBlock{}
	}
	m.anth.blocks[idx] = b
	m.anth.last = b
	return b
}

// indexServerTool makes a server tool whose id became known findable by it.
func (m *Merger) indexServerTool(s *serverTool) {
	if s.id != "" {
		m.indexServerToolAs(s.id, s)
	}
}

// indexServerToolAs makes a server tool findable by key.
func (m *Merger) indexServerToolAs(key string, s *serverTool) {
	if m.serverByID == nil {
		m.serverByID = map[string]*serverTool{}
	}
	m.serverByID[strings.Clone(key)] = s
}

// addSignature keeps opaque reasoning signatures, one per line.
func (m *Merger) addSignature(s string) {
	joinOpaque(&m.signature, s)
}
