package merge

import "strings"

// OpenAI Responses API: typed events (the JSON "type" equals the SSE event
// name). The stream ends with response.completed, response.incomplete or
// response.failed; finish_reason is response.status. Output items are
// client calls (function_call, custom_tool_call, computer_call,
// local_shell_call, apply_patch_call, mcp_approval_request, and
// shell_call / tool_search_call when the client runs them) or tools the
// API ran (web_search_call, file_search_call, code_interpreter_call,
// image_generation_call, mcp_call, mcp_list_tools, program, hosted
// shell_call and tool_search_call) with their output items.

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
	// encItems and encrypted are the reasoning items' encrypted_content
	// (the latest value of each item), in item order.
	encItems  []string
	encrypted map[string]string
	// annotated marks the message items whose annotations came as
	// annotation.added events (the finished item repeats them).
	annotated map[string]bool
	// lastSearch is the last hosted tool_search_call, whose output item
	// (without a call_id) follows it.
	lastSearch *serverTool
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
	case "response.mcp_call_arguments.delta", "response.code_interpreter_call_code.delta":
		if st := m.serverTool(d.text(d.get(0, "item_id"))); st != nil {
			m.put(&st.inputText, d, d.get(0, "delta"))
		}
	case "response.output_text.annotation.added":
		if a := d.get(0, "annotation"); d.kind(a) == jObject {
			m.addCitation(citationFrom(d, a))
			if m.resp.annotated == nil {
				m.resp.annotated = map[string]bool{}
			}
			m.resp.annotated[strings.Clone(d.text(d.get(0, "item_id")))] = true
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
	typ := d.text(d.get(item, "type"))
	id := d.text(d.get(item, "id"))
	switch typ {
	case "function_call", "custom_tool_call":
		t := ch.toolByStr(id, true)
		t.setID(d.text(d.get(item, "call_id")))
		if done {
			t.resetID(d.text(d.get(item, "call_id")))
		}
		t.setName(d.text(d.get(item, "name")))
		args := d.get(item, "arguments")
		if d.kind(args) != jString {
			args = d.get(item, "input")
		}
		if s := d.text(args); s != "" {
			t.fallback = strings.Clone(s)
		}
		if typ == "custom_tool_call" {
			t.typ, t.freeform = typ, true
		}
	case "computer_call", "local_shell_call", "apply_patch_call", "mcp_approval_request":
		m.responsesClientCall(d, ch, item, typ, id, done)
	case "shell_call":
		env := d.text(d.path(item, "environment", "type"))
		if env == "" || env == "local" {
			m.responsesClientCall(d, ch, item, typ, id, done)
		} else {
			m.responsesServerItem(d, item, typ, id, done)
		}
	case "tool_search_call":
		if d.text(d.get(item, "execution")) == "client" {
			m.responsesClientCall(d, ch, item, typ, id, done)
		} else {
			m.resp.lastSearch = m.responsesServerItem(d, item, typ, id, done)
		}
	case "web_search_call", "file_search_call", "code_interpreter_call", "image_generation_call",
		"mcp_call", "mcp_list_tools", "program":
		m.responsesServerItem(d, item, typ, id, done)
	case "shell_call_output", "program_output", "tool_search_output":
		// The output of a tool the API ran, as its own item.
		if !done {
			return
		}
		st := m.serverTool("call:" + d.text(d.get(item, "call_id")))
		if st == nil && typ == "tool_search_output" {
			st = m.resp.lastSearch
		}
		if st == nil {
			st = m.addServerTool(typ, id, "")
		}
		st.output = d.value(item)
	case "reasoning":
		if s := d.text(d.get(item, "encrypted_content")); s != "" {
			st := &m.resp
			if old, ok := st.encrypted[id]; ok && old == s {
				break
			}
			if st.encrypted == nil {
				st.encrypted = map[string]string{}
			}
			if _, ok := st.encrypted[id]; !ok {
				st.encItems = append(st.encItems, strings.Clone(id))
			}
			st.encrypted[id] = strings.Clone(s) // done replaces added
			m.encrypted = ""
			for _, it := range st.encItems {
				joinOpaque(&m.encrypted, st.encrypted[it])
			}
		}
	case "message":
		if done {
			c := d.get(item, "content")
			// A refusal item carries its text only here when no delta came.
			if ch.refusal.Len() == 0 {
				for p := d.first(c); p >= 0; p = d.nextElem(c, p) {
					if d.text(d.get(p, "type")) == "refusal" {
						m.addRefusal(ch, d.text(d.get(p, "refusal")))
					}
				}
			}
			// Annotations, when no annotation.added event brought them.
			for p := d.first(c); p >= 0 && !m.resp.annotated[id]; p = d.nextElem(c, p) {
				an := d.get(p, "annotations")
				for a := d.first(an); a >= 0; a = d.nextElem(an, a) {
					if d.kind(a) == jObject {
						m.addCitation(citationFrom(d, a))
					}
				}
			}
		}
	}
}

// responsesInputs are, per item type, the member holding what the call was
// made with (the client's arguments, or a server tool's input).
var responsesInputs = map[string][]string{
	"computer_call": {"action", "actions"}, "local_shell_call": {"action"}, "shell_call": {"action"},
	"apply_patch_call": {"operation"}, "mcp_approval_request": {"arguments"}, "tool_search_call": {"arguments"},
	"web_search_call": {"action"}, "file_search_call": {"queries"}, "code_interpreter_call": {"code"},
	"mcp_call": {"arguments"}, "program": {"code"},
}

func responsesInput(d *jdoc, item int, typ string) int {
	for _, k := range responsesInputs[typ] {
		if v := d.get(item, k); !d.isNull(v) {
			return v
		}
	}
	return -1
}

// toolName is an item's name, or its type without the _call suffix.
func toolName(d *jdoc, item int, typ string) string {
	if s := d.text(d.get(item, "name")); s != "" {
		return s
	}
	return strings.TrimSuffix(typ, "_call")
}

// responsesClientCall records an output item the client must answer: its
// arguments are the item's input member as JSON text.
func (m *Merger) responsesClientCall(d *jdoc, ch *choice, item int, typ, id string, done bool) {
	t := ch.toolByStr(id, true)
	cid := d.text(d.get(item, "call_id"))
	if cid == "" {
		cid = id // mcp_approval_request: answered by its own id
	}
	t.setID(cid)
	if done { // the finished item's call_id wins (tool_search_call changes it)
		t.resetID(cid)
	}
	t.setName(toolName(d, item, typ))
	t.typ = typ
	if v := responsesInput(d, item, typ); v >= 0 {
		if d.kind(v) == jString {
			t.fallback = strings.Clone(d.strAt(v))
		} else {
			t.fallback = d.compact(v)
		}
	}
}

// responsesServerItem records (output_item.added) or completes
// (output_item.done) a tool the API ran: its output is the finished item.
func (m *Merger) responsesServerItem(d *jdoc, item int, typ, id string, done bool) *serverTool {
	st := m.serverTool(id)
	if st == nil {
		st = m.addServerTool(typ, id, toolName(d, item, typ))
		st.inputJSON = typ == "mcp_call"
		if cid := d.text(d.get(item, "call_id")); cid != "" {
			m.indexServerToolAs("call:"+cid, st)
		}
	}
	if s := d.text(d.get(item, "server_label")); s != "" {
		st.server = strings.Clone(s)
	}
	if v := responsesInput(d, item, typ); v >= 0 {
		st.inputText.Reset()
		if typ == "mcp_call" && d.kind(v) == jString {
			st.input = jsonTextValue(d.strAt(v))
		} else {
			st.input = d.value(v)
		}
	}
	if done {
		st.output = d.value(item)
	}
	return st
}
