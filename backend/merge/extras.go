package merge

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Provider-run tools, citations and filter results: what a stream carries
// beside the answer, in one shape for every format (Result.ServerTools,
// Result.Citations, Result.Filters). Values decoded from the stream are
// stored once and never changed afterwards, so results share them.

// ServerTool is a tool the provider ran itself (web search, code
// execution, MCP calls, ...): the client does not answer it.
type ServerTool struct {
	// Type is the provider's own kind of the call: the Anthropic block type
	// (server_tool_use, mcp_tool_use), the Responses item type
	// (web_search_call, mcp_call, ...), the Gemini part (executableCode,
	// toolCall, grounding, url_context), or the executed tool's type.
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
	// Server is the MCP server's name or label, for MCP calls.
	Server string `json:"server,omitempty"`
	// Input is what the tool was called with, as decoded JSON (a string
	// where the provider streams code or text); null when none was sent.
	Input any `json:"input"`
	// Output is the provider's result as sent (decoded JSON): the Anthropic
	// result block, the completed Responses item, the Gemini result part,
	// the executed tool's result fields; null while none arrived.
	Output any `json:"output"`
}

// Citation is a source the answer cites. Start and End are the provider's
// own offsets, as sent (characters, pages or blocks, by Type), relative to
// the text part they came with.
type Citation struct {
	// Type is the provider's kind: url_citation, file_citation,
	// web_search_result_location, char_location, web (Gemini grounding),
	// citation_source, search_result, url, TEXT_CONTENT, source-url, ...
	Type  string `json:"type"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
	// Text is the cited text, where the provider says which it is.
	Text string `json:"text,omitempty"`
	// ID is the cited file's, document's or tool call's id.
	ID    string `json:"id,omitempty"`
	Start *int   `json:"start,omitempty"`
	End   *int   `json:"end,omitempty"`
}

// Filter is one content-filter or safety result: Azure OpenAI
// prompt_filter_results / content_filter_results, OpenAI moderation,
// Gemini safetyRatings and blocks, and finish reasons that say the output
// was filtered. Repeated results of one category are combined: Filtered and
// Detected once true stay true, Severity and Score keep the highest.
type Filter struct {
	// Source is "prompt" (the request) or "output" (the answer).
	Source string `json:"source"`
	// Index is the prompt index or the choice (candidate) index.
	Index    int    `json:"index"`
	Category string `json:"category"`
	Filtered bool   `json:"filtered"`
	// Severity is the provider's severity or probability label.
	Severity string      `json:"severity,omitempty"`
	Detected bool        `json:"detected,omitempty"`
	Score    json.Number `json:"score,omitempty"`
}

// serverTool accumulates one ServerTool.
type serverTool struct {
	typ, id, name, server string
	input                 any
	// inputText collects streamed input: JSON text (inputJSON) or plain
	// text such as code; it wins over input once anything arrived.
	inputText strings.Builder
	inputJSON bool
	output    any
}

func (s *serverTool) view() ServerTool {
	v := ServerTool{Type: s.typ, ID: s.id, Name: s.name, Server: s.server, Input: s.input, Output: s.output}
	if s.inputText.Len() > 0 {
		if s.inputJSON {
			v.Input = decodeJSONText(s.inputText.String())
		} else {
			v.Input = s.inputText.String()
		}
	}
	return v
}

// decodeJSONText decodes JSON text with exact numbers, or returns the text
// itself when it does not parse (a cut stream).
func decodeJSONText(s string) any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return s
	}
	return v
}

// addServerTool records a provider-run tool call.
func (m *Merger) addServerTool(typ, id, name string) *serverTool {
	s := &serverTool{typ: strings.Clone(typ), id: strings.Clone(id), name: strings.Clone(name)}
	m.servers = append(m.servers, s)
	if id != "" {
		if m.serverByID == nil {
			m.serverByID = map[string]*serverTool{}
		}
		m.serverByID[s.id] = s
	}
	return s
}

// serverTool returns the provider-run call with id, or nil.
func (m *Merger) serverTool(id string) *serverTool {
	if id == "" {
		return nil
	}
	return m.serverByID[id]
}

// serverToolsView is Result.ServerTools.
func (m *Merger) serverToolsView() []ServerTool {
	if len(m.servers) == 0 && len(m.snapKeys) == 0 {
		return nil
	}
	out := make([]ServerTool, 0, len(m.servers))
	for _, s := range m.servers {
		out = append(out, s.view())
	}
	out = append(out, m.snapshotServerTools()...)
	if len(out) == 0 {
		return nil
	}
	return out
}

// addCitation appends a citation.
func (m *Merger) addCitation(c Citation) {
	m.citations = append(m.citations, c)
}

// intPtr reads an integer at node v, nil when there is none.
func intPtr(d *jdoc, v int) *int {
	if i, ok := d.intv(v); ok {
		return &i
	}
	return nil
}

// firstText is the first of keys of object v that holds a non-empty
// string.
func firstText(d *jdoc, v int, keys ...string) string {
	for _, k := range keys {
		if s := d.text(d.get(v, k)); s != "" {
			return s
		}
	}
	return ""
}

// firstInt is the first of keys of object v that holds an integer.
func firstInt(d *jdoc, v int, keys ...string) *int {
	for _, k := range keys {
		if p := intPtr(d, d.get(v, k)); p != nil {
			return p
		}
	}
	return nil
}

// citationFrom reads a citation object of the common shapes: flat (url,
// title, cited_text, start_index, ...) or nested under its type
// ({"type":"url_citation","url_citation":{...}}, OpenAI Chat and Groq).
func citationFrom(d *jdoc, v int) Citation {
	typ := d.text(d.get(v, "type"))
	if n := d.get(v, typ); typ != "" && d.kind(n) == jObject {
		v = n
	}
	return Citation{
		Type:  strings.Clone(typ),
		URL:   strings.Clone(firstText(d, v, "url", "uri", "source")),
		Title: strings.Clone(firstText(d, v, "title", "document_title", "filename")),
		Text:  strings.Clone(firstText(d, v, "cited_text", "text", "content")),
		ID:    strings.Clone(firstText(d, v, "file_id", "document_id", "tool_call_id", "container_id")),
		Start: firstInt(d, v, "start_index", "start_char_index", "start_page_number", "start_block_index", "startIndex", "start"),
		End:   firstInt(d, v, "end_index", "end_char_index", "end_page_number", "end_block_index", "endIndex", "end"),
	}
}

// --- filters ------------------------------------------------------------------

type filterKey struct {
	source   string
	index    int
	category string
}

// addFilter records one filter result, combined with earlier results of
// the same source, index and category.
func (m *Merger) addFilter(f Filter) {
	k := filterKey{f.Source, f.Index, f.Category}
	if i, ok := m.filterAt[k]; ok {
		g := &m.filters[i]
		g.Filtered = g.Filtered || f.Filtered
		g.Detected = g.Detected || f.Detected
		if severityRank(f.Severity) >= severityRank(g.Severity) && f.Severity != "" {
			g.Severity = f.Severity
		}
		if f.Score != "" && (g.Score == "" || numberLess(g.Score, f.Score)) {
			g.Score = f.Score
		}
		return
	}
	if m.filterAt == nil {
		m.filterAt = map[filterKey]int{}
	}
	f.Source, f.Category = strings.Clone(f.Source), strings.Clone(f.Category)
	f.Severity, f.Score = strings.Clone(f.Severity), json.Number(strings.Clone(string(f.Score)))
	m.filterAt[k] = len(m.filters)
	m.filters = append(m.filters, f)
}

// severityRank orders the severity and probability labels of Azure
// (safe, low, medium, high) and Gemini (NEGLIGIBLE, LOW, MEDIUM, HIGH, also
// HARM_SEVERITY_*); -1 for anything else.
func severityRank(s string) int {
	u := strings.ToUpper(s)
	switch {
	case u == "":
		return -2
	case strings.HasSuffix(u, "NEGLIGIBLE") || u == "SAFE":
		return 0
	case strings.HasSuffix(u, "LOW"):
		return 1
	case strings.HasSuffix(u, "MEDIUM"):
		return 2
	case strings.HasSuffix(u, "HIGH"):
		return 3
	}
	return -1
}

func numberLess(a, b json.Number) bool {
	x, err1 := a.Float64()
	y, err2 := b.Float64()
	return err1 == nil && err2 == nil && x < y
}

// filterObject reads an Azure content_filter_results object: one member
// per category, {filtered, severity} or {filtered, detected}.
func (m *Merger) filterObject(d *jdoc, obj int, source string, index int) {
	for k := d.first(obj); k >= 0; k = d.nextKey(obj, k) {
		v := k + 1
		if d.kind(v) != jObject {
			continue
		}
		f := Filter{Source: source, Index: index, Category: d.strAt(k),
			Filtered: d.boolv(d.get(v, "filtered")), Detected: d.boolv(d.get(v, "detected")),
			Severity: d.text(d.get(v, "severity"))}
		if f.Category == "error" { // {"error":{"code","message"}}: the filter did not run
			m.warnOnce("content filter error: " + firstText(d, v, "message", "code"))
			continue
		}
		m.addFilter(f)
	}
}

// safetyRatings reads Gemini safetyRatings [{category, probability,
// probabilityScore, severity, severityScore, blocked}].
func (m *Merger) safetyRatings(d *jdoc, arr int, source string, index int) {
	for e := d.first(arr); e >= 0; e = d.nextElem(arr, e) {
		cat := d.text(d.get(e, "category"))
		if cat == "" {
			continue
		}
		f := Filter{Source: source, Index: index, Category: cat, Filtered: d.boolv(d.get(e, "blocked")),
			Severity: firstText(d, e, "severity", "probability")}
		if s := d.get(e, "severityScore"); d.kind(s) == jNumber {
			f.Score = json.Number(d.raw(s))
		} else if s := d.get(e, "probabilityScore"); d.kind(s) == jNumber {
			f.Score = json.Number(d.raw(s))
		}
		m.addFilter(f)
	}
}

// moderation reads an OpenAI moderation chunk {input, output}: each a
// moderation_results object ({results:[{categories, category_scores}]}) or
// an error.
func (m *Merger) moderation(d *jdoc, v int) {
	for _, part := range []struct{ key, source string }{{"input", "prompt"}, {"output", "output"}} {
		r := d.get(v, part.key)
		if d.text(d.get(r, "type")) == "error" {
			m.warnOnce("moderation of the " + part.source + " failed: " + firstText(d, r, "message", "code"))
			continue
		}
		res := d.get(r, "results")
		for e := d.first(res); e >= 0; e = d.nextElem(res, e) {
			cats, scores := d.get(e, "categories"), d.get(e, "category_scores")
			for k := d.first(cats); k >= 0; k = d.nextKey(cats, k) {
				f := Filter{Source: part.source, Category: d.strAt(k), Filtered: d.boolv(k + 1)}
				if s := d.get(scores, f.Category); d.kind(s) == jNumber {
					f.Score = json.Number(d.raw(s))
				}
				m.addFilter(f)
			}
		}
	}
}

// filteredFinish are finish reasons that say the output was filtered.
var filteredFinish = map[string]bool{
	"content_filter": true, "content-filter": true, "SAFETY": true, "RECITATION": true,
	"BLOCKLIST": true, "PROHIBITED_CONTENT": true, "SPII": true, "IMAGE_SAFETY": true,
	"IMAGE_PROHIBITED_CONTENT": true, "IMAGE_RECITATION": true,
	"guardrail_intervened": true, "content_filtered": true, // Bedrock
	"ERROR_TOXIC": true, // Cohere: the reply was deemed toxic
}

// filtersView is Result.Filters: the results recorded, plus one entry per
// choice whose finish reason says it was filtered when no result of that
// choice says so.
func (m *Merger) filtersView(chs []*choice) []Filter {
	var out []Filter
	if len(m.filters) > 0 {
		out = append(out, m.filters...)
	}
	flagged := func(source string, index int) bool {
		for _, f := range out {
			if f.Source == source && f.Index == index && f.Filtered {
				return true
			}
		}
		return false
	}
	for _, c := range chs {
		reason := c.finish
		if m.format == FormatOpenAIResponses && reason == "incomplete" {
			reason = m.resp.incompleteReason
		}
		if m.blockReason != "" && c.index == 0 && reason == m.blockReason {
			continue // the stop reason of a blocked prompt, not of an output
		}
		if c.hasFinish && filteredFinish[reason] && !flagged("output", c.index) {
			out = append(out, Filter{Source: "output", Index: c.index, Category: reason, Filtered: true})
		}
	}
	if m.blockReason != "" && !flagged("prompt", 0) {
		out = append(out, Filter{Source: "prompt", Category: m.blockReason, Filtered: true})
	}
	return out
}

// joinOpaque appends an opaque value (a signature, encrypted reasoning) to
// a newline-separated list.
func joinOpaque(list *string, s string) {
	if s == "" {
		return
	}
	if *list != "" {
		*list += "\n"
	}
	*list += s
}

// compactValue is the decoded JSON value at node v, nil when absent.
func compactValue(d *jdoc, v int) any {
	if v < 0 {
		return nil
	}
	return d.value(v)
}

// jsonTextValue decodes a JSON text held in a string (arguments), or keeps the
// string when it is not JSON.
func jsonTextValue(s string) any {
	if t := bytes.TrimSpace([]byte(s)); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return decodeJSONText(s)
	}
	if s == "" {
		return nil
	}
	return s
}

// --- snapshots ----------------------------------------------------------------

// setSnapshot keeps the value at node v under key, replacing the previous
// one (a provider that repeats a whole list in every chunk).
func (m *Merger) setSnapshot(key string, d *jdoc, v int) {
	if m.snapshots == nil {
		m.snapshots = map[string]any{}
	}
	if old, ok := m.snapshots[key]; ok {
		if equalTape(old, d, v) {
			return
		}
	} else {
		m.snapKeys = append(m.snapKeys, strings.Clone(key))
	}
	m.snapshots[key] = d.value(v)
}

// snapshot kinds (the key is kind, or kind + ":" + candidate index).
const (
	snapCitationURLs   = "citations"      // Perplexity, xAI: ["url", ...]
	snapSearchResults  = "search_results" // Perplexity: [{title, url, date}]
	snapGrounding      = "grounding"      // Gemini groundingMetadata
	snapCitationMeta   = "citationMeta"   // Gemini citationMetadata
	snapURLContextMeta = "urlContext"     // Gemini urlContextMetadata
)

func snapKind(key string) (kind string, index int) {
	kind, idx, ok := strings.Cut(key, ":")
	if ok {
		index, _ = strconv.Atoi(idx)
	}
	return kind, index
}

// citationsView is Result.Citations: those that arrived one by one, then
// those of the snapshots.
func (m *Merger) citationsView() []Citation {
	if len(m.citations) == 0 && len(m.snapKeys) == 0 {
		return nil
	}
	out := append([]Citation(nil), m.citations...)
	_, haveResults := m.snapshots[snapSearchResults]
	for _, key := range m.snapKeys {
		kind, _ := snapKind(key)
		v := m.snapshots[key]
		switch kind {
		case snapSearchResults:
			for _, e := range asList(v) {
				o := asMap(e)
				out = append(out, Citation{Type: "search_result", URL: mapText(o, "url"), Title: mapText(o, "title")})
			}
		case snapCitationURLs:
			if haveResults {
				continue // the same sources, with titles
			}
			for _, e := range asList(v) {
				if u, ok := e.(string); ok {
					out = append(out, Citation{Type: "url", URL: u})
				}
			}
		case snapGrounding:
			out = append(out, groundingCitations(asMap(v))...)
		case snapCitationMeta:
			o := asMap(v)
			list := asList(o["citationSources"])
			if list == nil {
				list = asList(o["citations"]) // Vertex AI
			}
			for _, e := range list {
				c := asMap(e)
				out = append(out, Citation{Type: "citation_source", URL: mapText(c, "uri"), Title: mapText(c, "title"),
					Start: mapInt(c, "startIndex"), End: mapInt(c, "endIndex")})
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// groundingCitations turns Gemini groundingMetadata into citations: one
// per supported segment and source it cites, then one per source no
// segment cites.
func groundingCitations(g map[string]any) []Citation {
	chunks := asList(g["groundingChunks"])
	if chunks == nil {
		chunks = asList(g["groundingAttributions"])
	}
	source := func(i int) Citation {
		if i < 0 || i >= len(chunks) {
			return Citation{Type: "grounding"}
		}
		ch := asMap(chunks[i]) // {"web": {uri, title}} or one of its kin
		for _, k := range []string{"web", "retrievedContext", "maps", "image"} {
			if o, ok := ch[k].(map[string]any); ok {
				return Citation{Type: k, URL: mapText(o, "uri"), Title: mapText(o, "title")}
			}
		}
		return Citation{Type: "grounding"}
	}
	var out []Citation
	cited := make([]bool, len(chunks))
	for _, s := range asList(g["groundingSupports"]) {
		sup := asMap(s)
		seg := asMap(sup["segment"])
		for _, ix := range asList(sup["groundingChunkIndices"]) {
			n, ok := ix.(json.Number)
			if !ok {
				continue
			}
			i, err := strconv.Atoi(string(n))
			if err != nil {
				continue
			}
			c := source(i)
			c.Text, c.Start, c.End = mapText(seg, "text"), mapInt(seg, "startIndex"), mapInt(seg, "endIndex")
			out = append(out, c)
			if i >= 0 && i < len(cited) {
				cited[i] = true
			}
		}
	}
	for i := range chunks {
		if !cited[i] {
			out = append(out, source(i))
		}
	}
	return out
}

// snapshotServerTools are the provider-run tools that Gemini reports in
// candidate metadata: grounding searches and URL context retrieval.
func (m *Merger) snapshotServerTools() []ServerTool {
	var out []ServerTool
	for _, key := range m.snapKeys {
		kind, _ := snapKind(key)
		o := asMap(m.snapshots[key])
		switch kind {
		case snapGrounding:
			for _, q := range []struct{ key, name string }{
				{"webSearchQueries", "google_search"}, {"imageSearchQueries", "google_image_search"},
				{"retrievalQueries", "retrieval"},
			} {
				if qs := asList(o[q.key]); len(qs) > 0 {
					out = append(out, ServerTool{Type: "grounding", Name: q.name,
						Input: map[string]any{"queries": qs}, Output: o["groundingChunks"]})
				}
			}
		case snapURLContextMeta:
			if md := asList(o["urlMetadata"]); len(md) > 0 {
				out = append(out, ServerTool{Type: "url_context", Name: "url_context", Output: md})
			}
		}
	}
	return out
}

func asList(v any) []any {
	a, _ := v.([]any)
	return a
}

func asMap(v any) map[string]any {
	o, _ := v.(map[string]any)
	return o
}

func mapText(o map[string]any, k string) string {
	s, _ := o[k].(string)
	return s
}

func mapInt(o map[string]any, k string) *int {
	n, ok := o[k].(json.Number)
	if !ok {
		return nil
	}
	i, err := strconv.Atoi(string(n))
	if err != nil {
		return nil
	}
	return &i
}
