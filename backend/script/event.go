package script

import (
	"github.com/dop251/goja"
)

// jsEvent is the event object a script's onEvent receives: {seq, type, data,
// id, time} plus json when data parses as JSON (reading json throws when
// data nests deeper than MaxJSONDepth; "json" in event is false then). It is a goja dynamic object
// so that nothing is built for fields the script does not read, and data is
// parsed only when the script asks for json (or its presence).
type jsEvent struct {
	r      *Run
	ev     Event
	parsed bool
	deep   bool       // data nests deeper than MaxJSONDepth
	json   goja.Value // nil when data is not JSON
	extra  map[string]goja.Value
}

var eventKeys = []string{"seq", "type", "data", "id", "time"}

func (r *Run) dynamicEvent(ev Event) goja.Value {
	return r.rt.NewDynamicObject(&jsEvent{r: r, ev: ev})
}

func (e *jsEvent) parse() goja.Value {
	if !e.parsed {
		e.parsed = true
		if looksLikeJSON(e.ev.Data) {
			if jsonTooDeep(e.ev.Data, MaxJSONDepth) {
				e.deep = true
				return nil
			}
			if v, err := e.r.jsonParse(goja.Undefined(), e.r.hostString(e.ev.Data)); err == nil {
				e.json = v
			}
		}
	}
	return e.json
}

// looksLikeJSON is a cheap pre-check before JSON.parse: data that starts
// with none of the characters a JSON text may start with is not JSON.
func looksLikeJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[', '"', '-', 't', 'f', 'n':
			return true
		default:
			return c >= '0' && c <= '9'
		}
	}
	return false
}

func (e *jsEvent) Get(key string) goja.Value {
	switch key {
	case "seq":
		return e.r.rt.ToValue(e.ev.Seq)
	case "type":
		return e.r.hostString(e.ev.Type)
	case "data":
		return e.r.hostString(e.ev.Data)
	case "id":
		return e.r.hostString(e.ev.ID)
	case "time":
		return e.r.rt.ToValue(e.ev.TimeMS)
	case "json":
		if v, ok := e.extra[key]; ok {
			return v
		}
		if v := e.parse(); v != nil || !e.deep {
			return v
		}
		e.r.throwf("RangeError", "event.json: event %d's data nests deeper than %d levels (the sandbox limit, the same as the merge's); event.data has the text", e.ev.Seq, MaxJSONDepth)
	}
	return e.extra[key]
}

func (e *jsEvent) Set(key string, val goja.Value) bool {
	switch key {
	case "seq", "type", "data", "id", "time":
		return false
	}
	if e.extra == nil {
		e.extra = map[string]goja.Value{}
	}
	e.extra[key] = val
	return true
}

func (e *jsEvent) Has(key string) bool {
	switch key {
	case "seq", "type", "data", "id", "time":
		return true
	case "json":
		if _, ok := e.extra[key]; ok {
			return true
		}
		return e.parse() != nil
	}
	_, ok := e.extra[key]
	return ok
}

func (e *jsEvent) Delete(key string) bool {
	switch key {
	case "seq", "type", "data", "id", "time":
		return false
	}
	delete(e.extra, key)
	return true
}

func (e *jsEvent) Keys() []string {
	keys := append([]string(nil), eventKeys...)
	if e.Has("json") {
		keys = append(keys, "json")
	}
	for k := range e.extra {
		if k != "json" {
			keys = append(keys, k)
		}
	}
	return keys
}
