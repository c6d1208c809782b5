package script

import (
	"net/http"
	"strings"
	"testing"
)

func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// JSON that enters a script is bounded at the merge's depth, 512, with an
// error saying so (issue 17, item 1). Before, 8 million levels overflowed
// goja's recursive JSON.parse: a fatal Go stack overflow that no recover
// can catch, ending the CLI and the app.
func TestDeepJSONIsRefused(t *testing.T) {
	t.Parallel()
	deep := nested(8_000_000)
	deepObj := strings.Repeat(`{"a":`, MaxJSONDepth+1) + "1" + strings.Repeat("}", MaxJSONDepth+1)
	cases := []struct {
		name, src string
		ev        Event
		body      string
		want      string
	}{
		{name: "event.json", src: "function onEvent(e, ctx) {\n  e.json\n}", ev: msg(deep),
			want: "RangeError: event.json: event 1's data nests deeper than 512 levels (the sandbox limit, the same as the merge's); event.data has the text"},
		{name: "JSON.parse of the data", src: "function onEvent(e, ctx) {\n  JSON.parse(e.data)\n}", ev: msg(deep),
			want: "SyntaxError: JSON.parse: the text nests deeper than 512 levels (the sandbox limit, the same as the merge's)"},
		{name: "JSON.parse of objects", src: "function onEvent(e, ctx) {\n  JSON.parse(e.data)\n}", ev: msg(deepObj),
			want: "SyntaxError: JSON.parse: the text nests deeper than 512 levels"},
		{name: "JSON.parse of a built string", src: "function onEvent(e, ctx) {\n  JSON.parse('['.repeat(600))\n}", ev: msg("x"),
			want: "SyntaxError: JSON.parse: the text nests deeper than 512 levels"},
		{name: "JSON.parse with a reviver", src: "function onEvent(e, ctx) {\n  JSON.parse(e.data, function (k, v) { return v })\n}", ev: msg(nested(513)),
			want: "SyntaxError: JSON.parse: the text nests deeper than 512 levels"},
		{name: "pm.response.json()", src: "function onEvent(e, ctx) {\n  pm.response.json()\n}", ev: msg("x"), body: deep,
			want: "SyntaxError: JSON.parse: the text nests deeper than 512 levels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			body := c.body
			_, _, err := runScript(t, c.src, RunOptions{Response: ResponseInfo{Code: 200, Headers: http.Header{}, Body: func() string { return body }}}, c.ev)
			if e := scriptErr(t, err); e.Kind != KindThrown || e.Line != 2 || !strings.HasPrefix(e.Message, c.want) {
				t.Errorf("error = %#v, want %q", e, c.want)
			}
		})
	}
}

// Up to the limit, and brackets inside strings, JSON parses as before; a
// too-deep event is simply not JSON to `in` and Object.keys.
func TestJSONUpToTheLimit(t *testing.T) {
	t.Parallel()
	src := `function onEvent(e, ctx) {
	if (e.seq === 1) {
		var v = e.json, n = 0;
		while (Array.isArray(v)) { v = v[0]; n++; }
		ctx.append(n + "|" + JSON.parse(e.data, function (k, v) { return v }).length + "|");
	}
	if (e.seq === 2) ctx.append(("json" in e) + "|" + Object.keys(e).join(",") + "|");
	if (e.seq === 3) ctx.append(e.json[0].length + "|" + JSON.parse(e.data)[1].a + "|" + pm.response.json().ok);
}`
	_, res, err := runScript(t, src, RunOptions{Response: ResponseInfo{Body: func() string { return `{"ok":true}` }}},
		msg(nested(MaxJSONDepth)), msg(nested(MaxJSONDepth+1)), msg(`["`+strings.Repeat("[{", 5000)+`",{"a":"]]}}"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "512|1|false|seq,type,data,id,time|10000|]]}}|true"; res.Content != want {
		t.Errorf("content = %q, want %q", res.Content, want)
	}
}

func TestJSONTooDeep(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		want bool
	}{
		{nested(3), false},
		{nested(4), true},
		{`[[["[[[[[["]]]`, false},
		{`[[["\"[[[[[["]]]`, false},
		{`[[[ "\\" [ ]]]`, true},
		{`]][[[[[[`, false}, // not JSON: the parser stops at the first ]
		{`{"a":{"b":{"c":{}}}}`, true},
		{`"unterminated [[[[`, false},
	} {
		if got := jsonTooDeep(c.s, 3); got != c.want {
			t.Errorf("jsonTooDeep(%q, 3) = %v, want %v", c.s, got, c.want)
		}
	}
}
