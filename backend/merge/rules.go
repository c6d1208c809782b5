package merge

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ohler55/ojg/jp"
	"github.com/ohler55/ojg/oj"

	"github.com/streamscope/streamscope/backend/sse"
)

// JSONPath rules (format "jsonpath"): each event's data is parsed as JSON
// and every match of the content / reasoning path is appended, in order, to
// content / reasoning; the last match of the stop path becomes the finish
// reason. A rule that panics inside ojg is reported, never a crash.

type rule struct {
	name    string // "content", "reasoning", "stop"
	src     string
	expr    jp.Expr
	matched int    // events in which the rule matched
	err     string // first evaluation failure
}

type rules struct {
	content, reasoning, stop rule
}

func compileRules(content, reasoning, stop string) (*rules, error) {
	r := &rules{}
	for _, x := range []struct {
		r         *rule
		name, src string
	}{{&r.content, "content", content}, {&r.reasoning, "reasoning", reasoning}, {&r.stop, "stop", stop}} {
		x.r.name, x.r.src = x.name, x.src
		if x.src == "" {
			continue
		}
		expr, err := parsePath(x.src)
		if err != nil {
			return nil, fmt.Errorf("%s path %q does not parse: %v", x.name, x.src, err)
		}
		x.r.expr = expr
	}
	return r, nil
}

// ValidatePath reports whether a JSONPath rule parses (for editors that
// check a rule before saving it).
func ValidatePath(path string) error {
	_, err := parsePath(path)
	return err
}

func parsePath(src string) (x jp.Expr, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	x, err = jp.ParseString(src)
	if err == nil && len(x) == 0 {
		err = fmt.Errorf("empty expression")
	}
	return x, err
}

// get evaluates the rule, turning a panic inside ojg into an error.
func (r *rule) get(v any) (res []any, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return r.expr.Get(v), nil
}

func (r *rules) errors() []string {
	var out []string
	for _, x := range []*rule{&r.content, &r.reasoning, &r.stop} {
		if x.err != "" {
			out = append(out, x.err)
		}
	}
	return out
}

// matchText renders one match: strings as they are, everything else as JSON.
func matchText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case json.Number:
		return string(x), true
	}
	return oj.JSON(v), true
}

func (m *Merger) addJSONPath(ev sse.Event) {
	if isBlank(ev.Data) {
		return
	}
	if !m.d.parse(ev.Data) {
		m.invalid++
		if ev.Type == "error" {
			m.setError(&StreamError{Message: ev.Data, Type: "error"})
		}
		return
	}
	v := m.d.generic(0)
	if obj, ok := v.(map[string]any); ok {
		if e, ok := obj["error"]; ok && e != nil {
			se := &StreamError{Type: "error"}
			switch x := e.(type) {
			case string:
				se.Message = x
			case map[string]any:
				se.Message, _ = x["message"].(string)
				if t, ok := x["type"].(string); ok {
					se.Type = t
				}
				if se.Message == "" {
					se.Message = oj.JSON(x)
				}
			default:
				se.Message = oj.JSON(x)
			}
			se.Message, se.Type = strings.Clone(se.Message), strings.Clone(se.Type)
			m.setError(se)
		}
	}
	ch := m.main()
	r := m.rules
	for _, x := range []*rule{&r.content, &r.reasoning, &r.stop} {
		if x.expr == nil {
			continue
		}
		res, err := x.get(v)
		if err != nil {
			if x.err == "" {
				x.err = fmt.Sprintf("%s path %q failed on event %d: %v", x.name, x.src, m.events, err)
			}
			continue
		}
		hit := false
		for _, mv := range res {
			s, ok := matchText(mv)
			if !ok {
				continue
			}
			hit = true
			switch x {
			case &r.content:
				m.addContent(ch, s)
			case &r.reasoning:
				m.addReasoning(ch, s)
			default:
				ch.setFinish(strings.Clone(s))
			}
		}
		if hit {
			x.matched++
		}
	}
}
