package merge

import "strings"

// Vercel AI SDK UI message stream v1 (header x-vercel-ai-ui-message-stream:
// v1): typed parts (text-*, reasoning-*, tool-input-*, tool-output-*,
// finish, error) ending with data: [DONE].

func (m *Merger) vercel(d *jdoc, evType string) {
	typ := d.text(d.get(0, "type"))
	ch := m.main()
	switch typ {
	case "text-delta":
		m.put(&ch.content, d, d.get(0, "delta"))
	case "reasoning-delta":
		m.put(&ch.reasoning, d, d.get(0, "delta"))
	case "tool-input-start", "tool-input-delta", "tool-input-available", "tool-input-error",
		"tool-output-available", "tool-output-error":
		t := ch.toolByStr(d.text(d.get(0, "toolCallId")), true)
		t.setID(d.text(d.get(0, "toolCallId")))
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
		}
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
