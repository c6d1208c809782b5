package merge

import "strings"

// Anthropic Messages: content blocks (text, thinking + signature,
// redacted_thinking, tool_use with input_json_delta) keyed by block index;
// usage snapshots in message_start and message_delta; message_stop ends the
// stream; `event: error` carries an error mid-stream.

type anthropicState struct {
	blocks map[int]*anthropicBlock
	last   *anthropicBlock
}

type anthropicBlock struct {
	index int
	typ   string
	tool  *tool
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
		case "input_json_delta":
			b := m.anth.block(idx)
			if b == nil || b.tool == nil {
				// A delta for a block that never started: keep it as a call.
				b = m.anthropicStart(ch, idx, "tool_use")
			}
			m.put(&b.tool.args, d, d.get(delta, "partial_json"))
		}
	case "content_block_start":
		idx, _ := d.intv(d.get(0, "index"))
		cb := d.get(0, "content_block")
		btype := d.text(d.get(cb, "type"))
		b := m.anthropicStart(ch, idx, btype)
		switch btype {
		case "text":
			m.put(&ch.content, d, d.get(cb, "text"))
		case "thinking":
			m.put(&ch.reasoning, d, d.get(cb, "thinking"))
			m.addSignature(d.text(d.get(cb, "signature")))
		case "redacted_thinking":
			if s := d.text(d.get(cb, "data")); s != "" {
				m.encrypted = strings.Clone(s)
			}
		default:
			if b.tool != nil {
				b.tool.setID(d.text(d.get(cb, "id")))
				b.tool.setName(d.text(d.get(cb, "name")))
				if in := d.get(cb, "input"); d.kind(in) == jObject {
					b.tool.fallback = d.compact(in)
				}
			}
		}
	case "message_start":
		msg := d.get(0, "message")
		m.setID(d, d.get(msg, "id"))
		m.setModel(d, d.get(msg, "model"))
		m.mergeUsage(d, d.get(msg, "usage"))
		if s := d.text(d.get(msg, "stop_reason")); s != "" {
			ch.setFinish(s)
		}
	case "message_delta":
		if s := d.text(d.path(0, "delta", "stop_reason")); s != "" {
			ch.setFinish(s)
		}
		m.mergeUsage(d, d.get(0, "usage"))
	case "message_stop":
		m.sawEnd = true
	case "error":
		m.genericError(d, 0, evType)
	}
}

// anthropicStart records a content block; tool-like blocks open a tool call.
func (m *Merger) anthropicStart(ch *choice, idx int, btype string) *anthropicBlock {
	b := &anthropicBlock{index: idx, typ: strings.Clone(btype)}
	switch btype {
	case "text", "thinking", "redacted_thinking":
	default:
		if strings.HasSuffix(btype, "tool_use") {
			b.tool = ch.newTool()
		}
	}
	if m.anth.blocks == nil {
		m.anth.blocks = map[int]*anthropicBlock{}
	}
	m.anth.blocks[idx] = b
	m.anth.last = b
	return b
}

// addSignature keeps opaque reasoning signatures, one per line.
func (m *Merger) addSignature(s string) {
	if s == "" {
		return
	}
	if m.signature != "" {
		m.signature += "\n"
	}
	m.signature += s
}
