package merge

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/streamscope/streamscope/backend/sse"
)

// Format names.
const (
	FormatOpenAIChat      = "openai-chat"
	FormatOpenAIResponses = "openai-responses"
	FormatAnthropic       = "anthropic"
	FormatGemini          = "gemini"
	FormatOllama          = "ollama"
	FormatVercelUI        = "vercel-ui"
	FormatCohere          = "cohere"
	// FormatBedrockConverse is Amazon Bedrock's ConverseStream (bedrock.go).
	FormatBedrockConverse = "bedrock-converse"
	FormatCohereV1        = "cohere-v1"
	FormatTGI             = "tgi"
	FormatLlamaCpp        = "llama-cpp"
	FormatJSONPath        = "jsonpath"
	FormatScript          = "script"
	// FormatUnknown is reported when no event revealed the format.
	FormatUnknown = "unknown"
)

// Formats lists the format names accepted by Options.Format.
var Formats = []string{
	FormatOpenAIChat, FormatOpenAIResponses, FormatAnthropic, FormatGemini,
	FormatOllama, FormatVercelUI, FormatCohere, FormatCohereV1, FormatTGI,
	FormatLlamaCpp, FormatBedrockConverse, FormatJSONPath, FormatScript,
}

// Options configures a Merger.
type Options struct {
	// Format is "" to detect the format from the events' content, else one
	// of Formats.
	Format string
	// ContentPath, ReasoningPath and StopPath are JSONPath rules (ojg
	// syntax) applied to every event's data. Setting any of them selects
	// format "jsonpath"; ContentPath is then required.
	ContentPath   string
	ReasoningPath string
	StopPath      string
}

// Merger merges the events of one stream, one event at a time. The cost of
// Add does not grow with the number of events already merged. A Merger is
// not safe for concurrent use.
type Merger struct {
	format string // forced or detected; "" while undetected
	rules  *rules

	events    int
	invalid   int
	afterEnd  int
	sawEnd    bool
	ended     bool
	clean     bool  // the last End was EndClean
	grown     int64 // bytes of text appended so far (metrics)
	d         jdoc
	err       *StreamError
	usage     map[string]any
	id, model string
	signature string
	encrypted string
	toolPlan  strings.Builder
	warnings  []string
	lost      []string // data dropped before it reached the merger (MarkLost)

	servers     []*serverTool
	serverByID  map[string]*serverTool
	execTools   map[[2]int]*serverTool // Groq executed_tools by choice and index
	citations   []Citation
	filters     []Filter
	filterAt    map[filterKey]int
	blockReason string // Gemini promptFeedback.blockReason
	// snapshots are values a provider repeats whole (Perplexity citations,
	// Gemini groundingMetadata per candidate): the last one counts.
	snapshots map[string]any
	snapKeys  []string // in the order first seen

	c0      *choice
	choices []*choice // by choice index, for index < maxDenseChoice
	sparse  map[int]*choice
	nChoice int

	anth   anthropicState
	resp   responsesState
	vstate vercelState
	conv   converseState
	c1     cohereV1State
	// llamaUsageIdx is the llama.cpp index whose counters usage holds.
	llamaUsageIdx int
	timing        timing
}

const maxDenseChoice = 1024

// New returns a Merger for o. It fails on an unknown format name or a
// JSONPath rule that does not parse.
func New(o Options) (*Merger, error) {
	m := &Merger{}
	if o.Format != "" && !isFormat(o.Format) {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", o.Format, strings.Join(Formats, ", "))
	}
	m.format = o.Format
	if o.ContentPath != "" || o.ReasoningPath != "" || o.StopPath != "" {
		if o.Format != "" && o.Format != FormatJSONPath {
			return nil, fmt.Errorf("JSONPath rules need format %q, not %q", FormatJSONPath, o.Format)
		}
		m.format = FormatJSONPath
	}
	if m.format == FormatJSONPath {
		if o.ContentPath == "" {
			return nil, fmt.Errorf("format %q needs a content path", FormatJSONPath)
		}
		r, err := compileRules(o.ContentPath, o.ReasoningPath, o.StopPath)
		if err != nil {
			return nil, err
		}
		m.rules = r
	}
	return m, nil
}

func isFormat(f string) bool {
	for _, n := range Formats {
		if n == f {
			return true
		}
	}
	return false
}

// Format returns the forced or detected format, "" while not yet known.
func (m *Merger) Format() string { return m.format }

// RuleMatches returns how many events each JSONPath rule matched (all zero
// outside format "jsonpath").
func (m *Merger) RuleMatches() (content, reasoning, stop int) {
	if m.rules == nil {
		return 0, 0, 0
	}
	return m.rules.content.matched, m.rules.reasoning.matched, m.rules.stop.matched
}

// RuleErrors returns, per JSONPath rule, the first failure evaluating it
// (ojg panics on some filters, e.g. comparing arrays), "" when none. The
// same messages appear in Result.Warnings.
func (m *Merger) RuleErrors() (content, reasoning, stop string) {
	if m.rules == nil {
		return "", "", ""
	}
	return m.rules.content.err, m.rules.reasoning.err, m.rules.stop.err
}

// Add merges one dispatched event.
func (m *Merger) Add(ev sse.Event) {
	m.events++
	if m.sawEnd {
		m.afterEnd++
	}
	data := ev.Data
	if m.format == FormatScript {
		return
	}
	if isDone(data) {
		m.done()
		return
	}
	if m.format == FormatJSONPath {
		m.addJSONPath(ev)
		return
	}
	if isBlank(data) {
		if ev.Type == "error" || isAWSException(ev.Type) {
			m.setError(&StreamError{Message: "error event without data", Type: errorEventType(ev.Type)})
		}
		return
	}
	d := &m.d
	if !d.parse(data) {
		m.invalid++
		if ev.Type == "error" || isAWSException(ev.Type) {
			m.setError(&StreamError{Message: data, Type: errorEventType(ev.Type)})
		}
		return
	}
	if d.kind(0) != jObject {
		m.invalid++ // JSON, but not the object every format sends
		return
	}
	// Bedrock: exceptions, InvokeModel chunks, the SDKs' wrapped JSON.
	var done bool
	if d, ev.Type, done = m.bedrockEvent(d, ev.Type); done {
		return
	}
	if m.format == "" {
		m.format = detect(d, ev.Type)
	}
	switch m.format {
	case FormatOpenAIChat:
		m.openAIChat(d)
	case FormatOpenAIResponses:
		m.responses(d, ev.Type)
	case FormatAnthropic:
		m.anthropic(d, ev.Type)
	case FormatGemini:
		m.gemini(d)
	case FormatOllama:
		m.ollama(d)
	case FormatCohere:
		m.cohere(d, ev.Type)
	case FormatCohereV1:
		m.cohereV1(d)
	case FormatTGI:
		m.tgi(d)
	case FormatLlamaCpp:
		m.llamaCpp(d)
	case FormatVercelUI:
		m.vercel(d, ev.Type)
	case FormatBedrockConverse:
		m.converse(d, ev.Type)
	default:
		m.genericError(d, 0, ev.Type)
	}
	if ev.Type == "error" && m.err == nil {
		// An event named error is an error in every format, whatever its
		// data looks like (a bare {"message"} in an OpenAI stream).
		if !m.genericError(d, 0, "error") {
			m.setError(&StreamError{Message: d.compact(0), Type: "error"})
		}
	}
}

func isDone(s string) bool {
	if len(s) < 6 || len(s) > 16 {
		return false
	}
	return strings.TrimSpace(s) == "[DONE]"
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// done handles the [DONE] sentinel.
func (m *Merger) done() {
	switch m.format {
	case "", FormatOpenAIChat, FormatVercelUI, FormatJSONPath:
		m.sawEnd = true
	default:
		m.warnOnce("a [DONE] event arrived in a " + m.format + " stream")
	}
}

// detect recognises the format from one event's JSON (root object at 0) and
// its SSE event type. It returns "" when the event is not decisive.
func detect(d *jdoc, evType string) string {
	typ := d.text(d.get(0, "type"))
	if typ == "" && evType != "message" {
		typ = evType
	}
	switch {
	case strings.HasPrefix(typ, "response."):
		return FormatOpenAIResponses
	case strings.HasPrefix(typ, "data-"):
		return FormatVercelUI
	}
	switch typ {
	case "message_start", "content_block_start", "content_block_delta", "content_block_stop",
		"message_delta", "message_stop", "ping":
		return FormatAnthropic
	case "message-start", "content-start", "content-delta", "content-end", "tool-plan-delta",
		"tool-call-start", "tool-call-delta", "tool-call-end", "citation-start", "citation-end", "message-end":
		return FormatCohere
	case "messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop":
		return FormatBedrockConverse
	case "metadata":
		if d.get(0, "usage") >= 0 || d.get(0, "metrics") >= 0 {
			return FormatBedrockConverse
		}

	case "start", "finish", "start-step", "finish-step", "text-start", "text-delta", "text-end",
		"reasoning-start", "reasoning-delta", "reasoning-end", "tool-input-start", "tool-input-delta",
		"tool-input-available", "tool-input-error", "tool-output-available", "tool-output-error",
		"source-url", "source-document", "file", "message-metadata", "abort", "reset-step",
		"tool-approval-request", "tool-approval-response", "tool-output-denied", "reasoning-file":
		return FormatVercelUI
	}
	if d.kind(d.path(0, "output", "message")) == jObject && d.get(0, "stopReason") >= 0 {
		return FormatBedrockConverse // a Converse response (not streamed)
	}
	if d.get(0, "choices") >= 0 || strings.HasPrefix(d.text(d.get(0, "object")), "chat.completion") {
		return FormatOpenAIChat
	}
	if d.get(0, "candidates") >= 0 || d.get(0, "usageMetadata") >= 0 || d.get(0, "promptFeedback") >= 0 {
		return FormatGemini
	}
	if d.get(0, "done") >= 0 && (d.get(0, "message") >= 0 || d.get(0, "response") >= 0 || d.get(0, "model") >= 0) {
		return FormatOllama
	}
	if et := d.text(d.get(0, "event_type")); cohereV1Events[et] && et != "debug" {
		return FormatCohereV1
	}
	if et := d.get(0, "event_type"); et < 0 && d.get(0, "generation_id") >= 0 && d.kind(d.get(0, "text")) == jString &&
		(d.get(0, "chat_history") >= 0 || d.get(0, "meta") >= 0) {
		return FormatCohereV1 // a non-streamed v1 response
	}
	if isTGI(d) {
		return FormatTGI
	}
	if isLlamaCpp(d) {
		return FormatLlamaCpp
	}
	return ""
}

// --- shared accumulators ------------------------------------------------------

type choice struct {
	index     int
	content   strings.Builder
	reasoning strings.Builder
	refusal   strings.Builder
	finish    string
	hasFinish bool
	tools     []*tool
	byKey     map[int]*tool
	byStr     map[string]*tool
	byID      map[string]*tool // calls without index, by id
	last      *tool
}

type tool struct {
	key      int // provider index, or position when the provider sends none
	id, name string
	args     strings.Builder
	// fallback is used as the arguments when no fragment arrived (a
	// complete object sent beside or instead of the streamed fragments).
	fallback string
	output   any
	argsErr  string
	typ      string // ToolCall.Type
	freeform bool   // arguments are free text, not JSON (custom tools)
	// partial collects Gemini streamed partialArgs while the call is open.
	partial *partialArgs
}

// choice returns the accumulator for choice index idx, creating it.
func (m *Merger) choice(idx int) *choice {
	if idx == 0 && m.c0 != nil {
		return m.c0
	}
	if idx >= 0 && idx < maxDenseChoice {
		if idx < len(m.choices) && m.choices[idx] != nil {
			return m.choices[idx]
		}
		for len(m.choices) <= idx {
			m.choices = append(m.choices, nil)
		}
		c := &choice{index: idx}
		m.choices[idx] = c
		m.nChoice++
		if idx == 0 {
			m.c0 = c
		}
		return c
	}
	if c, ok := m.sparse[idx]; ok {
		return c
	}
	if m.sparse == nil {
		m.sparse = map[int]*choice{}
	}
	c := &choice{index: idx}
	m.sparse[idx] = c
	m.nChoice++
	return c
}

// allFinished reports whether every choice (Gemini candidate) seen so far
// sent a finish reason, and at least one was seen.
func (m *Merger) allFinished() bool {
	for _, c := range m.choices {
		if c != nil && !c.hasFinish {
			return false
		}
	}
	for _, c := range m.sparse {
		if !c.hasFinish {
			return false
		}
	}
	return m.nChoice > 0
}

func (m *Merger) main() *choice { return m.choice(0) }

// put appends the string at node i of d to dst and returns its length in
// bytes, or -1 (appending nothing) when i is not a string.
func (m *Merger) put(dst *strings.Builder, d *jdoc, i int) int {
	n := d.writeStr(dst, i)
	if n > 0 {
		m.grown += int64(n)
	}
	return n
}

func (m *Merger) addContent(c *choice, s string) {
	c.content.WriteString(s)
	m.grown += int64(len(s))
}

func (m *Merger) addReasoning(c *choice, s string) {
	c.reasoning.WriteString(s)
	m.grown += int64(len(s))
}

func (m *Merger) addRefusal(c *choice, s string) {
	c.refusal.WriteString(s)
	m.grown += int64(len(s))
}

func (m *Merger) addArgs(t *tool, s string) {
	t.args.WriteString(s)
	m.grown += int64(len(s))
}

func (c *choice) setFinish(s string) {
	if c.hasFinish && c.finish == s {
		return
	}
	c.finish = strings.Clone(s)
	c.hasFinish = true
}

// toolByKey returns the tool call with provider index key, creating it.
func (c *choice) toolByKey(key int) *tool {
	if c.last != nil && c.last.key == key {
		return c.last
	}
	if t, ok := c.byKey[key]; ok {
		c.last = t
		return t
	}
	t := &tool{key: key}
	if c.byKey == nil {
		c.byKey = map[int]*tool{}
	}
	c.byKey[key] = t
	c.tools = append(c.tools, t)
	c.last = t
	return t
}

// newTool appends a tool call keyed by its position (the next free key,
// should a call have been removed).
func (c *choice) newTool() *tool {
	key := len(c.tools)
	for c.byKey[key] != nil {
		key++
	}
	return c.toolByKey(key)
}

// toolByStr returns the tool call keyed by a provider string id (Responses
// item ids, Vercel toolCallIds), creating it at the next position.
func (c *choice) toolByStr(id string, create bool) *tool {
	if t, ok := c.byStr[id]; ok {
		return t
	}
	if !create {
		return nil
	}
	t := c.newTool()
	if c.byStr == nil {
		c.byStr = map[string]*tool{}
	}
	c.byStr[strings.Clone(id)] = t
	return t
}

// unkeyedTool finds the call a fragment without index belongs to: the call
// with the same id, else a new call when an id or name is given, else the
// last call.
func (c *choice) unkeyedTool(id, name string) *tool {
	if id != "" {
		if c.last != nil && c.last.id == id {
			return c.last
		}
		if t, ok := c.byID[id]; ok {
			c.last = t
			return t
		}
		t := c.newTool()
		if c.byID == nil {
			c.byID = map[string]*tool{}
		}
		t.setID(id)
		c.byID[t.id] = t
		return t
	}
	if name != "" || c.last == nil {
		return c.newTool()
	}
	return c.last
}

func (t *tool) setID(s string) {
	if t.id == "" && s != "" {
		t.id = strings.Clone(s)
	}
}

// resetID replaces the id with a non-empty s.
func (t *tool) resetID(s string) {
	if s != "" && s != t.id {
		t.id = strings.Clone(s)
	}
}

func (t *tool) setName(s string) {
	if t.name == "" && s != "" {
		t.name = strings.Clone(s)
	}
}

// mergeUsage combines a usage object into the running usage, key-wise, the
// last value winning (nested objects merged the same way). Values equal to
// the ones already held are left alone, so that the repeated cumulative
// snapshots of Gemini cost no allocation.
func (m *Merger) mergeUsage(d *jdoc, v int) {
	if d.kind(v) != jObject {
		return
	}
	if m.usage == nil {
		m.usage = map[string]any{}
	}
	mergeTape(m.usage, d, v)
}

func mergeTape(dst map[string]any, d *jdoc, obj int) {
	for k := d.first(obj); k >= 0; k = d.nextKey(obj, k) {
		key, v := d.strAt(k), k+1
		old, ok := dst[key]
		if ok {
			if om, isMap := old.(map[string]any); isMap && d.kind(v) == jObject {
				mergeTape(om, d, v)
				continue
			}
			if equalTape(old, d, v) {
				continue
			}
		}
		dst[strings.Clone(key)] = d.value(v)
	}
}

// equalTape reports whether the Go value x (as made by jdoc.value) equals
// the JSON value at node v.
func equalTape(x any, d *jdoc, v int) bool {
	switch y := x.(type) {
	case json.Number:
		return d.kind(v) == jNumber && string(y) == d.raw(v)
	case string:
		return d.kind(v) == jString && y == d.strAt(v)
	case bool:
		return (y && d.kind(v) == jTrue) || (!y && d.kind(v) == jFalse)
	case nil:
		return d.kind(v) == jNull
	case []any:
		if d.kind(v) != jArray {
			return false
		}
		e := d.first(v)
		for _, xe := range y {
			if e < 0 || !equalTape(xe, d, e) {
				return false
			}
			e = d.nextElem(v, e)
		}
		return e < 0
	case map[string]any:
		if d.kind(v) != jObject {
			return false
		}
		n := 0
		for k := d.first(v); k >= 0; k = d.nextKey(v, k) {
			n++
			xv, ok := y[d.strAt(k)]
			if !ok || !equalTape(xv, d, k+1) {
				return false
			}
		}
		return n == len(y)
	}
	return false
}

func (m *Merger) setError(e *StreamError) {
	if m.err == nil {
		m.err = e
	}
}

// errorObject reads an error object {message, type, code, status} or an
// error string at v.
func errorObject(d *jdoc, v int) *StreamError {
	switch d.kind(v) {
	case jString:
		return &StreamError{Message: strings.Clone(d.strAt(v)), Type: "error"}
	case jObject:
		e := &StreamError{
			Message: strings.Clone(d.text(d.get(v, "message"))),
			Type:    strings.Clone(d.text(d.get(v, "type"))),
			Code:    strings.Clone(d.scalarText(d.get(v, "code"))),
		}
		if e.Type == "" {
			e.Type = strings.Clone(d.text(d.get(v, "status")))
		}
		if e.Message == "" {
			e.Message = d.compact(v)
		}
		return e
	}
	return nil
}

// genericError recognises the error shapes that several providers share:
// a top-level "error" member (OpenAI, Gemini, Ollama), and {"type":"error",
// "message"|"errorText"} (Responses, Vercel). It reports whether one matched.
func (m *Merger) genericError(d *jdoc, root int, evType string) bool {
	if v := d.get(root, "error"); v >= 0 && !d.isNull(v) {
		if e := errorObject(d, v); e != nil {
			m.setError(e)
			return true
		}
	}
	if d.text(d.get(root, "object")) == "error" { // vLLM ErrorResponse
		m.setError(errorObject(d, root))
		return true
	}
	typ := d.text(d.get(root, "type"))
	if typ == "error" || (typ == "" && evType == "error") {
		e := &StreamError{Type: "error"}
		if t := d.get(root, "errorText"); t >= 0 {
			e.Message = strings.Clone(d.text(t))
		} else {
			e.Message = strings.Clone(d.text(d.get(root, "message")))
			if c := d.scalarText(d.get(root, "code")); c != "" {
				e.Code = strings.Clone(c)
				e.Type = e.Code
			}
		}
		if e.Message == "" {
			e.Message = d.compact(root)
		}
		m.setError(e)
		return true
	}
	return false
}

// maxWarnings bounds Result.Warnings (and the cost of warnOnce).
const maxWarnings = 50

func (m *Merger) warnOnce(w string) {
	if len(m.warnings) >= maxWarnings {
		return
	}
	for _, x := range m.warnings {
		if x == w {
			return
		}
	}
	m.warnings = append(m.warnings, w)
}

func (m *Merger) setID(d *jdoc, v int) {
	if m.id == "" {
		m.id = strings.Clone(d.text(v))
	}
}

func (m *Merger) setModel(d *jdoc, v int) {
	if s := d.text(v); s != "" {
		if m.model != s {
			m.model = strings.Clone(s)
		}
	}
}
