package script

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dop251/goja"

	"github.com/streamscope/streamscope/backend/merge"
)

var errAbandoned = errors.New("the script was abandoned")

// lock takes r.mu for a callback from the script; on an abandoned run it
// throws instead, so that the stuck goroutine touches nothing shared.
func (r *Run) lock() {
	r.mu.Lock()
	if r.abandoned {
		r.mu.Unlock()
		panic(r.rt.NewGoError(errAbandoned))
	}
}

func (r *Run) throwf(ctor, format string, a ...any) {
	c, _ := goja.AssertConstructor(r.rt.Get(ctor))
	if c == nil {
		panic(r.rt.NewTypeError(fmt.Sprintf(format, a...)))
	}
	o, err := c(nil, r.rt.ToValue(fmt.Sprintf(format, a...)))
	if err != nil {
		panic(err)
	}
	panic(o)
}

type fn = func(goja.FunctionCall) goja.Value

func (r *Run) methods(m map[string]fn) *goja.Object {
	o := r.rt.NewObject()
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		_ = o.Set(k, m[k])
	}
	return o
}

// installAPI defines ctx, pm and console.
func (r *Run) installAPI() {
	rt := r.rt
	vars := r.methods(map[string]fn{
		"get": func(c goja.FunctionCall) goja.Value { return r.varGet(c, false) },
		"set": func(c goja.FunctionCall) goja.Value { return r.varSet(c, false) },
		"has": func(c goja.FunctionCall) goja.Value {
			v := r.varGet(c, false)
			return rt.ToValue(!goja.IsUndefined(v))
		},
	})
	r.ctx = r.methods(map[string]fn{
		"append":          func(c goja.FunctionCall) goja.Value { r.appendText(c, false); return goja.Undefined() },
		"appendReasoning": func(c goja.FunctionCall) goja.Value { r.appendText(c, true); return goja.Undefined() },
		"setFinishReason": r.setFinishReason,
		"addToolCall":     r.addToolCall,
		"fail":            r.fail,
	})
	_ = r.ctx.Set("state", rt.NewObject())
	_ = r.ctx.Set("vars", vars)
	_ = r.ctx.DefineAccessorProperty("result", rt.ToValue(func(goja.FunctionCall) goja.Value { return r.result() }), nil, goja.FLAG_FALSE, goja.FLAG_TRUE)

	console := r.rt.NewObject()
	for _, level := range []string{"log", "info", "warn", "error", "debug"} {
		lv := level
		if lv == "debug" {
			lv = "log"
		}
		_ = console.Set(level, func(c goja.FunctionCall) goja.Value { r.log(lv, c.Arguments); return goja.Undefined() })
	}
	_ = rt.Set("console", console)

	pm := rt.NewObject()
	_ = pm.Set("test", r.pmTest)
	_ = pm.DefineAccessorProperty("expect", rt.ToValue(func(goja.FunctionCall) goja.Value { return r.chaiExpect() }), nil, goja.FLAG_FALSE, goja.FLAG_TRUE)
	_ = pm.Set("environment", vars)
	_ = pm.Set("variables", r.methods(map[string]fn{
		"get": func(c goja.FunctionCall) goja.Value { return r.varGet(c, true) },
		"set": func(c goja.FunctionCall) goja.Value { return r.varSet(c, true) },
		"has": func(c goja.FunctionCall) goja.Value {
			return rt.ToValue(!goja.IsUndefined(r.varGet(c, true)))
		},
	}))
	resp := rt.NewObject()
	_ = resp.Set("code", r.resp.Code)
	_ = resp.Set("headers", r.methods(map[string]fn{
		"get": func(c goja.FunctionCall) goja.Value {
			name := c.Argument(0).String()
			if vals := r.resp.Headers.Values(name); len(vals) > 0 {
				return rt.ToValue(strings.Join(vals, ", "))
			}
			return goja.Undefined()
		},
		"has": func(c goja.FunctionCall) goja.Value {
			return rt.ToValue(len(r.resp.Headers.Values(c.Argument(0).String())) > 0)
		},
	}))
	_ = resp.Set("text", func(goja.FunctionCall) goja.Value { return r.hostString(r.body()) })
	_ = resp.Set("json", func(goja.FunctionCall) goja.Value {
		v, err := r.jsonParse(goja.Undefined(), r.hostString(r.body()))
		if err != nil {
			panic(err)
		}
		return v
	})
	_ = pm.Set("response", resp)
	_ = rt.Set("pm", pm)
}

func (r *Run) body() string {
	r.lock()
	defer r.mu.Unlock()
	if r.resp.Body == nil {
		return ""
	}
	return r.resp.Body()
}

func (r *Run) varGet(c goja.FunctionCall, local bool) goja.Value {
	name := c.Argument(0).String()
	r.lock()
	defer r.mu.Unlock()
	if local {
		if v, ok := r.locals[name]; ok {
			return r.hostString(v)
		}
	}
	if v, ok := r.vars.Get(name); ok {
		return r.hostString(v)
	}
	return goja.Undefined()
}

func (r *Run) varSet(c goja.FunctionCall, local bool) goja.Value {
	name, value := c.Argument(0).String(), c.Argument(1).String()
	if name == "" {
		r.throwf("TypeError", "variable name must not be empty")
	}
	r.lock()
	var err error
	if local {
		r.locals[name] = value
	} else {
		err = r.vars.Set(name, value)
	}
	r.mu.Unlock()
	if err != nil {
		r.throwf("Error", "vars.set(%q): %v", name, err)
	}
	return goja.Undefined()
}

// appendText adds to the content or the reasoning, keeping one builder per
// run so that appending is amortised O(1) while nobody else changes the
// field.
func (r *Run) appendText(c goja.FunctionCall, reasoning bool) {
	v := c.Argument(0)
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return
	}
	text := v.String()
	r.lock()
	if r.outBytes+len(text) > r.lim.MaxOutput {
		r.mu.Unlock()
		what := "ctx.append"
		if reasoning {
			what = "ctx.appendReasoning"
		}
		r.throwf("RangeError", "%s: output limit of %d bytes reached", what, r.lim.MaxOutput)
	}
	defer r.mu.Unlock()
	r.outBytes += len(text)
	r.snap = nil
	field, b, last, ov := &r.res.Content, &r.contentB, &r.lastC, &r.ov.content
	if reasoning {
		field, b, last, ov = &r.res.Reasoning, &r.reasonB, &r.lastR, &r.ov.reasoning
	}
	// A builder that grows allocates a new buffer of its new capacity.
	bCap, ovCap := b.Cap(), ov.Cap()
	if *field != *last || b.Len() != len(*field) {
		b.Reset()
		b.WriteString(*field)
		r.hostAlloc.Add(int64(b.Cap()))
		bCap = b.Cap()
	}
	b.WriteString(text)
	*field = b.String()
	*last = *field
	ov.WriteString(text)
	if b.Cap() > bCap {
		r.hostAlloc.Add(int64(b.Cap()))
	}
	if ov.Cap() > ovCap {
		r.hostAlloc.Add(int64(ov.Cap()))
	}
}

func (r *Run) setFinishReason(c goja.FunctionCall) goja.Value {
	v := c.Argument(0)
	var fr *string
	if !goja.IsUndefined(v) && !goja.IsNull(v) {
		s := clip(v.String(), r.lim.MaxMessage)
		fr = &s
	}
	r.lock()
	defer r.mu.Unlock()
	r.snap = nil
	r.res.FinishReason = fr
	r.ov.finishSet, r.ov.finish = true, fr
	return goja.Undefined()
}

func (r *Run) addToolCall(c goja.FunctionCall) goja.Value {
	o, ok := c.Argument(0).(*goja.Object)
	if !ok {
		r.throwf("TypeError", "ctx.addToolCall: expected an object {id, name, arguments}, got %s", c.Argument(0).String())
	}
	str := func(k string) string {
		v := o.Get(k)
		if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
			return ""
		}
		return v.String()
	}
	tc := merge.ToolCall{ID: clip(str("id"), r.lim.MaxMessage), Name: clip(str("name"), r.lim.MaxMessage)}
	if tc.Name == "" {
		r.throwf("TypeError", "ctx.addToolCall: the tool call needs a name")
	}
	switch a := o.Get("arguments"); {
	case a == nil || goja.IsUndefined(a) || goja.IsNull(a):
		tc.Arguments = ""
	case isObject(a):
		s, err := r.stringify(goja.Undefined(), a)
		if err != nil {
			panic(err)
		}
		tc.Arguments = s.String()
	default:
		tc.Arguments = a.String()
	}
	r.lock()
	if n := len(tc.ID) + len(tc.Name) + len(tc.Arguments); r.outBytes+n > r.lim.MaxOutput {
		r.mu.Unlock()
		r.throwf("RangeError", "ctx.addToolCall: output limit of %d bytes reached", r.lim.MaxOutput)
	} else {
		r.outBytes += n
	}
	defer r.mu.Unlock()
	r.snap = nil
	tc.Index = len(r.res.ToolCalls)
	r.res.ToolCalls = append(r.res.ToolCalls, tc)
	r.ov.tools = append(r.ov.tools, tc)
	return goja.Undefined()
}

func isObject(v goja.Value) bool {
	_, ok := v.(*goja.Object)
	return ok
}

func (r *Run) fail(c goja.FunctionCall) goja.Value {
	msg := "failed by the script"
	if v := c.Argument(0); !goja.IsUndefined(v) && !goja.IsNull(v) {
		msg = clip(v.String(), r.lim.MaxMessage)
	}
	e := merge.StreamError{Message: msg, Type: "script"}
	r.lock()
	defer r.mu.Unlock()
	r.snap = nil
	markFailed(r.res, e)
	r.ov.fail = &e
	return goja.Undefined()
}

// result is ctx.result: a frozen copy of the result with the field names
// `merge` prints.
func (r *Run) result() goja.Value {
	r.lock()
	defer r.mu.Unlock()
	if r.snap == nil {
		r.snap = r.toJS(resultMap(r.res), 0)
	}
	return r.snap
}

// resultMap is res as JSON-shaped Go values (what encoding/json would print).
func resultMap(res *merge.Result) map[string]any {
	m := map[string]any{}
	b, err := json.Marshal(resultNoText{res})
	if err == nil {
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		_ = d.Decode(&m)
	}
	m["content"] = res.Content
	m["reasoning"] = res.Reasoning
	return m
}

// resultNoText marshals a result without its two big text fields, which
// resultMap sets directly (no copy through JSON).
type resultNoText struct{ r *merge.Result }

func (x resultNoText) MarshalJSON() ([]byte, error) {
	c := *x.r
	c.Content, c.Reasoning = "", ""
	if c.ToolCalls == nil {
		c.ToolCalls = []merge.ToolCall{}
	}
	return json.Marshal(c)
}

// toJS builds frozen plain JS values from JSON-shaped Go values, null
// past MaxJSONDepth (the merger's own parser stops there already).
func (r *Run) toJS(v any, depth int) goja.Value {
	if depth > MaxJSONDepth {
		return goja.Null()
	}
	switch x := v.(type) {
	case nil:
		return goja.Null()
	case string:
		return r.hostString(x)
	case bool:
		return r.rt.ToValue(x)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return r.rt.ToValue(i)
		}
		f, _ := x.Float64()
		return r.rt.ToValue(f)
	case []any:
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = r.toJS(e, depth+1)
		}
		return r.frozen(r.rt.NewArray(items...))
	case map[string]any:
		o := r.rt.NewObject()
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			_ = o.Set(k, r.toJS(x[k], depth+1))
		}
		return r.frozen(o)
	}
	return r.rt.ToValue(v)
}

func (r *Run) frozen(o *goja.Object) goja.Value {
	_, _ = r.freeze(goja.Undefined(), o)
	return o
}

func (r *Run) log(level string, args []goja.Value) {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = r.inspect(a)
	}
	msg := clip(strings.Join(parts, " "), r.lim.MaxMessage)
	r.lock()
	if r.logBytes+len(msg) > r.lim.MaxLog {
		r.mu.Unlock()
		r.throwf("RangeError", "console.%s: log limit of %d bytes reached", level, r.lim.MaxLog)
	}
	defer r.mu.Unlock()
	r.logBytes += len(msg)
	r.logs = append(r.logs, LogEntry{Level: level, Message: msg, EventSeq: r.seq})
}

// inspect formats one console argument: strings as they are, errors as
// "Name: message", other objects as JSON where possible.
func (r *Run) inspect(v goja.Value) string {
	o, ok := v.(*goja.Object)
	if !ok {
		return v.String()
	}
	if o.ClassName() == "Error" {
		s, err := r.describeValue(o)
		if err != nil {
			panic(err)
		}
		return s
	}
	if o.ClassName() == "Function" {
		return "[Function]"
	}
	s, err := r.stringify(goja.Undefined(), o)
	if err != nil {
		panic(err)
	}
	if goja.IsUndefined(s) {
		return o.String()
	}
	return s.String()
}

// pmTest runs pm.test(name, fn): an exception from fn fails the test; an
// interruption goes on up.
func (r *Run) pmTest(c goja.FunctionCall) goja.Value {
	name := clip(c.Argument(0).String(), r.lim.MaxMessage)
	f, ok := goja.AssertFunction(c.Argument(1))
	if !ok {
		r.throwf("TypeError", "pm.test(%q): the second argument must be a function", name)
	}
	tr := TestResult{Name: name, Passed: true, EventSeq: r.seq}
	if _, err := f(goja.Undefined()); err != nil {
		var ex *goja.Exception
		if !errors.As(err, &ex) || isUncatchable(err) {
			panic(err)
		}
		msg, err := r.describeValue(ex.Value())
		if err != nil {
			if isUncatchable(err) {
				panic(err)
			}
			msg = "the test threw a value whose message could not be read (reading it threw another exception)"
		}
		tr.Passed, tr.Message = false, clip(msg, r.lim.MaxMessage)
	}
	r.lock()
	defer r.mu.Unlock()
	r.tests = append(r.tests, tr)
	return goja.Undefined()
}

func isUncatchable(err error) bool {
	var ie *goja.InterruptedError
	var so *goja.StackOverflowError
	return errors.As(err, &ie) || errors.As(err, &so)
}

// chaiExpect loads chai into the runtime on first use and returns its expect.
func (r *Run) chaiExpect() goja.Value {
	if r.expect != nil {
		return r.expect
	}
	if _, err := r.rt.RunProgram(chaiProgram()); err != nil {
		panic(err)
	}
	chai := r.rt.Get("chai").ToObject(r.rt)
	r.expect = chai.Get("expect")
	_ = r.rt.GlobalObject().Delete("chai")
	return r.expect
}
