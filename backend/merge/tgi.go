package merge

import "strings"

// Hugging Face text-generation-inference native streaming (POST
// /generate_stream): one `data:{json}` event per token (TGI 1.x and 2.x
// write no space after the colon, newer routers do; both are the same SSE
// field), {"index", "token":{"id","text","logprob","special"},
// "generated_text", "details"}. Special tokens (an end-of-sequence token
// such as "</s>") are not part of the text, as in TGI's own chat route.
// The last event carries generated_text, the whole output (with the prompt
// in front when the request asked for return_full_text), which is the end
// marker (a /generate response, {"generated_text", "details"}, is merged as
// its text); details (only when the request asked for them) carries
// finish_reason ("length", "eos_token", "stop_sequence"), generated_tokens
// and input_length. Errors are {"error":"...","error_type":"..."}. The
// event's "index" counts tokens, not choices: TGI streams one sequence.

func (m *Merger) tgi(d *jdoc) {
	if e := d.get(0, "error"); !d.isNull(e) {
		se := errorObject(d, e)
		if t := d.text(d.get(0, "error_type")); t != "" && se != nil {
			se.Type = strings.Clone(t)
		}
		m.setError(se)
	}
	ch := m.main()
	tok := d.get(0, "token")
	if d.kind(tok) == jObject && !d.boolv(d.get(tok, "special")) {
		m.put(&ch.content, d, d.get(tok, "text"))
	}
	if g := d.get(0, "generated_text"); d.kind(g) == jString {
		m.sawEnd = true
		if tok < 0 && ch.content.Len() == 0 { // a /generate response: the text in one piece
			m.put(&ch.content, d, g)
		}
	}
	if det := d.get(0, "details"); d.kind(det) == jObject {
		if s := d.text(d.get(det, "finish_reason")); s != "" {
			ch.setFinish(s)
		}
		for _, k := range tgiUsageKeys {
			if v := d.get(det, k); d.kind(v) == jNumber {
				if m.usage == nil {
					m.usage = map[string]any{}
				}
				m.usage[k] = d.value(v)
			}
		}
	}
}

// tgiUsageKeys are the counters of TGI's stream details reported as usage.
var tgiUsageKeys = []string{"generated_tokens", "input_length"}

// isTGI reports whether the root object at 0 is a TGI stream event (a
// token object with its text), a /generate response (generated_text
// alone, with its details), or TGI's error shape.
func isTGI(d *jdoc) bool {
	if tok := d.get(0, "token"); d.kind(tok) == jObject && d.kind(d.get(tok, "text")) == jString {
		return true
	}
	if d.kind(d.get(0, "generated_text")) == jString {
		n := 0
		for k := d.first(0); k >= 0; k = d.nextKey(0, k) {
			n++
		}
		if n == 1 || (n == 2 && d.get(0, "details") >= 0) {
			return true
		}
	}
	return d.kind(d.get(0, "error")) == jString && d.kind(d.get(0, "error_type")) == jString
}
