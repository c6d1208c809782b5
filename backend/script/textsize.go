package script

import (
	"regexp/syntax"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The sandbox prelude (assets/guard.js) asks these how long a built-in's
// result would be before calling it, for built-ins whose result can be
// several times longer than their input, in one native step: case mapping
// (up to 3x: "ß" is "SS"), normalization (up to 18x: U+FDFA), URI escaping
// (up to 9x), escape (6x) and JSON string quoting (6x). Each returns a
// length in UTF-16 code units, as JavaScript counts, computed as goja
// computes the result, without building it.

// utf16Counter counts the UTF-16 code units of the UTF-8 written to it.
type utf16Counter struct{ n int }

func (c *utf16Counter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b&0xC0 != 0x80 { // not a continuation byte: a new character
			c.n++
			if b >= 0xF0 { // four bytes: a surrogate pair
				c.n++
			}
		}
	}
	return len(p), nil
}

// transformedLen feeds s to t as UTF-8, 32 KB at a time (no copy of the
// whole string), and counts what comes out.
func transformedLen(t transform.Transformer, s goja.String) int {
	var c utf16Counter
	w := transform.NewWriter(&c, t)
	buf := make([]byte, 0, 32<<10)
	rd := s.Reader()
	for {
		r, _, err := rd.ReadRune()
		if err != nil {
			break
		}
		buf = utf8.AppendRune(buf, r)
		if len(buf) >= cap(buf)-utf8.UTFMax {
			_, _ = w.Write(buf)
			buf = buf[:0]
		}
	}
	_, _ = w.Write(buf)
	_ = w.Close()
	return c.n
}

// caseLen is the length of toUpperCase / toLowerCase of s (goja maps case
// with golang.org/x/text/cases for the undetermined language).
func caseLen(s goja.String, upper bool) int {
	if upper {
		return transformedLen(cases.Upper(language.Und), s)
	}
	return transformedLen(cases.Lower(language.Und), s)
}

// normLen is the length of s.normalize(form); 0 for an unknown form (the
// built-in throws then).
func normLen(s goja.String, form string) int {
	var f norm.Form
	switch form {
	case "NFC":
		f = norm.NFC
	case "NFD":
		f = norm.NFD
	case "NFKC":
		f = norm.NFKC
	case "NFKD":
		f = norm.NFKD
	default:
		return 0
	}
	return transformedLen(f, s)
}

// uriLen is the length of encodeURI (component false) or
// encodeURIComponent (component true) of s: three characters for every
// byte of UTF-8 not left as it is.
func uriLen(s goja.String, component bool) int {
	n := 0
	rd := s.Reader()
	for {
		r, _, err := rd.ReadRune()
		if err != nil {
			return n
		}
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError // a lone surrogate: the built-in throws
		}
		switch {
		case r >= 0x80:
			n += 3 * len(string(r))
		case uriUnescaped(byte(r), component):
			n++
		default:
			n += 3
		}
	}
}

func uriUnescaped(c byte, component bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '_', '.', '!', '~', '*', '\'', '(', ')':
		return true
	case ';', '/', '?', ':', '@', '&', '=', '+', '$', ',', '#':
		return !component
	}
	return false
}

// escapeLen is the length of escape(s): 1, 3 (%XX) or 6 (%uXXXX) a code
// unit.
func escapeLen(s goja.String) int {
	n := 0
	for i, l := 0, s.Length(); i < l; i++ {
		c := s.CharAt(i)
		switch {
		case c < 0x80 && (uriUnescaped(byte(c), true) && c != '!' && c != '~' && c != '\'' && c != '(' && c != ')' ||
			c == '@' || c == '+' || c == '/'):
			n++
		case c <= 0xff:
			n += 3
		default:
			n += 6
		}
	}
	return n
}

// quotedLen is the length of JSON.stringify(s) for a string s: the quotes,
// two characters for " \ and \b \t \n \f \r, six for other control
// characters and lone surrogates.
func quotedLen(s goja.String) int {
	n := 2
	for i, l := 0, s.Length(); i < l; i++ {
		c := s.CharAt(i)
		switch {
		case c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r':
			n += 2
		case c < 0x20:
			n += 6
		case utf16.IsSurrogate(rune(c)):
			if c < 0xDC00 && i+1 < l && s.CharAt(i+1) >= 0xDC00 && s.CharAt(i+1) <= 0xDFFF {
				n += 2 // a pair, written as it is
				i++
			} else {
				n += 6
			}
		default:
			n++
		}
	}
	return n
}

// sizeHelpers is the object of these helpers given to the prelude.
func (r *Run) sizeHelpers() *goja.Object {
	rt := r.rt
	str := func(v goja.Value) goja.String {
		if s, ok := v.(goja.String); ok {
			return s
		}
		return v.ToString().(goja.String)
	}
	o := r.methods(map[string]fn{
		"caseLen": func(c goja.FunctionCall) goja.Value {
			return rt.ToValue(caseLen(str(c.Argument(0)), c.Argument(1).ToBoolean()))
		},
		"normLen": func(c goja.FunctionCall) goja.Value {
			return rt.ToValue(normLen(str(c.Argument(0)), c.Argument(1).String()))
		},
		"uriLen": func(c goja.FunctionCall) goja.Value {
			return rt.ToValue(uriLen(str(c.Argument(0)), c.Argument(1).ToBoolean()))
		},
		"escapeLen": func(c goja.FunctionCall) goja.Value { return rt.ToValue(escapeLen(str(c.Argument(0)))) },
		"quotedLen": func(c goja.FunctionCall) goja.Value { return rt.ToValue(quotedLen(str(c.Argument(0)))) },
		// A String object, which JSON.stringify writes as its string.
		"isStringObject": func(c goja.FunctionCall) goja.Value {
			o, ok := c.Argument(0).(*goja.Object)
			return rt.ToValue(ok && o.ClassName() == "String")
		},
	})
	_ = o.Set("regexpCost", func(c goja.FunctionCall) goja.Value {
		return rt.ToValue(r.regexpCost(c.Argument(0).String(), c.Argument(1).String()))
	})
	_ = o.Set("maxRegexpCost", MaxRegexpCost)
	return o
}

// regexpCostFactor is, for a pattern goja runs with Go's regexp, the cost
// of matching it a character of input: the compiled program's length
// times its capture slots plus one (Go's NFA may step every instruction a
// character, copying the captures). It is 0 for patterns goja leaves to
// regexp2, which has its own time limit (RegexpMatchTimeout). goja's
// conversion of UTF-16 escapes before TransformRegExp is left out: it does
// not change the program's size much.
func regexpCostFactor(source, flags string) int64 {
	dotAll, unicode := strings.Contains(flags, "s"), strings.Contains(flags, "u")
	re2, err := parser.TransformRegExp(source, dotAll, unicode)
	if err != nil {
		return 0
	}
	var f string
	for _, c := range "msi" {
		if strings.ContainsRune(flags, c) {
			f += string(c)
		}
	}
	if f != "" {
		re2 = "(?" + f + ":" + re2 + ")"
	}
	sre, err := syntax.Parse(re2, syntax.Perl)
	if err != nil {
		return 0 // goja falls back to regexp2, or the pattern was refused
	}
	prog, err := syntax.Compile(sre.Simplify())
	if err != nil {
		return 0
	}
	return int64(len(prog.Inst)) * int64(prog.NumCap+1)
}

// regexpCost is regexpCostFactor, remembered for the run.
func (r *Run) regexpCost(source, flags string) int64 {
	key := flags + "/" + source
	if k, ok := r.rxCosts[key]; ok {
		return k
	}
	k := regexpCostFactor(source, flags)
	if len(r.rxCosts) < 1024 {
		r.rxCosts[key] = k
	}
	return k
}
