package script

import (
	"github.com/dop251/goja"
)

// MaxJSONDepth bounds how deeply JSON may nest where it enters a script
// (JSON.parse, event.json, pm.response.json()): the same limit as the
// merge's own parser (backend/merge). goja's JSON.parse recurses once per
// level on the Go stack, and a stack overflow ends the whole process.
const MaxJSONDepth = 512

// jsonTooDeep reports whether s has arrays or objects nested more than max
// levels deep, skipping string contents. It does not validate s: once the
// nesting closes more than it opened, s is no JSON text and the parser
// stops there, so the rest does not matter.
func jsonTooDeep(s string, max int) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
			if depth > max {
				return true
			}
		case ']', '}':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return false
}

// installJSONParse replaces JSON.parse with one that refuses text nested
// deeper than MaxJSONDepth with a SyntaxError saying so, and keeps it as
// r.jsonParse for event.json and pm.response.json().
func (r *Run) installJSONParse() {
	rt := r.rt
	json := rt.Get("JSON").ToObject(rt)
	orig, _ := goja.AssertFunction(json.Get("parse"))
	parse := rt.ToValue(func(c goja.FunctionCall) goja.Value {
		text := c.Argument(0).ToString() // may run the script's toString, inside the call
		if jsonTooDeep(text.String(), MaxJSONDepth) {
			r.throwf("SyntaxError", "JSON.parse: the text nests deeper than %d levels (the sandbox limit, the same as the merge's)", MaxJSONDepth)
		}
		v, err := orig(json, text, c.Argument(1))
		if err != nil {
			panic(err)
		}
		return v
	}).(*goja.Object)
	_ = parse.DefineDataProperty("name", rt.ToValue("parse"), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = parse.DefineDataProperty("length", rt.ToValue(2), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = json.DefineDataProperty("parse", parse, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	r.jsonParse, _ = goja.AssertFunction(parse)
}
