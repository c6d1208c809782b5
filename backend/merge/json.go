package merge

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds a small validating JSON reader built for the merge hot
// path. One pass over an event's data records every value as a node on a flat
// tape (kind, byte span, index of the node after its subtree), reusing the
// tape between events, so that reading an OpenAI chunk allocates nothing.
// Strings without escapes are returned as substrings of the event data;
// numbers are kept as their exact source text.

// JSON value kinds on the tape.
const (
	jObject byte = iota + 1
	jArray
	jString
	jNumber
	jTrue
	jFalse
	jNull
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 512

type jnode struct {
	kind  byte
	esc   bool  // string contains escape sequences
	start int32 // first byte of the value (the quote for strings)
	end   int32 // byte after the value
	next  int32 // tape index after this value's subtree
}

// jdoc is one parsed JSON document. The zero value is ready to use.
type jdoc struct {
	s string
	t []jnode
}

// strByte classifies bytes inside a JSON string: 0 plain, 1 quote or
// backslash, 2 control character (invalid).
var strByte = func() (t [256]byte) {
	for i := 0; i < 0x20; i++ {
		t[i] = 2
	}
	t['"'] = 1
	t['\\'] = 1
	return t
}()

// parse reads s as one JSON text (surrounding white space allowed). It
// reports false when s is not valid JSON; the tape is then unusable.
func (d *jdoc) parse(s string) bool {
	if len(s) > 1<<31-1 {
		return false
	}
	d.s = s
	d.t = d.t[:0]
	i, ok := d.parseValue(skipWS(s, 0), 0)
	if !ok {
		return false
	}
	return skipWS(s, i) == len(s)
}

func skipWS(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// parseValue parses the value starting at s[i] and returns the offset after it.
func (d *jdoc) parseValue(i, depth int) (int, bool) {
	s := d.s
	if i >= len(s) {
		return i, false
	}
	n := len(d.t)
	switch c := s[i]; c {
	case '{':
		if depth >= maxDepth {
			return i, false
		}
		d.t = append(d.t, jnode{kind: jObject, start: int32(i)})
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == '}' {
			i++
		} else {
			for {
				if i >= len(s) || s[i] != '"' {
					return i, false
				}
				var ok bool
				if i, ok = d.parseStr(i); !ok {
					return i, false
				}
				i = skipWS(s, i)
				if i >= len(s) || s[i] != ':' {
					return i, false
				}
				if i, ok = d.parseValue(skipWS(s, i+1), depth+1); !ok {
					return i, false
				}
				i = skipWS(s, i)
				if i >= len(s) {
					return i, false
				}
				if s[i] == ',' {
					i = skipWS(s, i+1)
					continue
				}
				if s[i] != '}' {
					return i, false
				}
				i++
				break
			}
		}
	case '[':
		if depth >= maxDepth {
			return i, false
		}
		d.t = append(d.t, jnode{kind: jArray, start: int32(i)})
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == ']' {
			i++
		} else {
			for {
				var ok bool
				if i, ok = d.parseValue(i, depth+1); !ok {
					return i, false
				}
				i = skipWS(s, i)
				if i >= len(s) {
					return i, false
				}
				if s[i] == ',' {
					i = skipWS(s, i+1)
					continue
				}
				if s[i] != ']' {
					return i, false
				}
				i++
				break
			}
		}
	case '"':
		return d.parseStr(i)
	case 't':
		return d.parseLit(i, "true", jTrue)
	case 'f':
		return d.parseLit(i, "false", jFalse)
	case 'n':
		return d.parseLit(i, "null", jNull)
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return d.parseNum(i)
		}
		return i, false
	}
	d.t[n].end = int32(i)
	d.t[n].next = int32(len(d.t))
	return i, true
}

func (d *jdoc) parseLit(i int, word string, kind byte) (int, bool) {
	if !strings.HasPrefix(d.s[i:], word) {
		return i, false
	}
	e := i + len(word)
	d.t = append(d.t, jnode{kind: kind, start: int32(i), end: int32(e), next: int32(len(d.t) + 1)})
	return e, true
}

func (d *jdoc) parseNum(i int) (int, bool) {
	s := d.s
	st := i
	if s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return i, false
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	} else {
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		d0 := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d0 {
			return i, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d0 := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d0 {
			return i, false
		}
	}
	d.t = append(d.t, jnode{kind: jNumber, start: int32(st), end: int32(i), next: int32(len(d.t) + 1)})
	return i, true
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// hasSpecial reports whether one of the 8 bytes in x is below 0x20, a quote
// or a backslash. Bytes >= 0x80 are never special, so their high bit is
// masked out of each test.
func hasSpecial(x uint64) bool {
	hasZero := func(v uint64) uint64 { return (v - lsb) & ^v & msb }
	less := (x - 0x20*lsb) & ^x & msb
	return (less | hasZero(x^('"'*lsb)) | hasZero(x^('\\'*lsb))) != 0
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// parseStr parses the string whose opening quote is at s[i].
func (d *jdoc) parseStr(i int) (int, bool) {
	s := d.s
	st := i
	esc := false
	i++
	for i < len(s) {
		rest := s[i:]
		j := 0
		// Skip 8 plain bytes at a time (no quote, backslash or control
		// character among them), then single bytes.
		for ; j+8 <= len(rest); j += 8 {
			w := rest[j : j+8]
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			if hasSpecial(x) {
				break
			}
		}
		for ; j < len(rest) && strByte[rest[j]] == 0; j++ {
		}
		i += j
		if j == len(rest) {
			break
		}
		c := s[i]
		if strByte[c] == 2 {
			return i, false
		}
		if c == '"' {
			i++
			d.t = append(d.t, jnode{kind: jString, esc: esc, start: int32(st), end: int32(i), next: int32(len(d.t) + 1)})
			return i, true
		}
		// backslash
		esc = true
		if i+1 >= len(s) {
			return i, false
		}
		switch s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+5 >= len(s) || !isHex(s[i+2]) || !isHex(s[i+3]) || !isHex(s[i+4]) || !isHex(s[i+5]) {
				return i, false
			}
			i += 6
		default:
			return i, false
		}
	}
	return i, false
}

// --- navigation -------------------------------------------------------------

func (d *jdoc) kind(i int) byte {
	if i < 0 {
		return 0
	}
	return d.t[i].kind
}

// raw returns the source text of value i.
func (d *jdoc) raw(i int) string { return d.s[d.t[i].start:d.t[i].end] }

// get returns the value of key in object obj, or -1. When a key repeats,
// the last one wins, as in encoding/json.
func (d *jdoc) get(obj int, key string) int {
	if obj < 0 || d.t[obj].kind != jObject {
		return -1
	}
	found := -1
	end := int(d.t[obj].next)
	for k := obj + 1; k < end; k = int(d.t[k+1].next) {
		n := d.t[k]
		if n.esc {
			if d.unescape(k) == key {
				found = k + 1
			}
		} else if int(n.end-n.start-2) == len(key) && d.s[n.start+1:n.end-1] == key {
			found = k + 1
		}
	}
	return found
}

// path follows nested object keys from obj.
func (d *jdoc) path(obj int, keys ...string) int {
	for _, k := range keys {
		obj = d.get(obj, k)
		if obj < 0 {
			return -1
		}
	}
	return obj
}

// first returns the first element (array) or first key (object) of c, or -1.
func (d *jdoc) first(c int) int {
	if c < 0 || (d.t[c].kind != jArray && d.t[c].kind != jObject) || int(d.t[c].next) == c+1 {
		return -1
	}
	return c + 1
}

// nextElem returns the array element after e in array arr, or -1.
func (d *jdoc) nextElem(arr, e int) int {
	n := int(d.t[e].next)
	if n >= int(d.t[arr].next) {
		return -1
	}
	return n
}

// nextKey returns the key after key k in object obj, or -1.
func (d *jdoc) nextKey(obj, k int) int {
	n := int(d.t[k+1].next)
	if n >= int(d.t[obj].next) {
		return -1
	}
	return n
}

// str returns the decoded string at i; ok is false when i is not a string.
func (d *jdoc) str(i int) (string, bool) {
	if i < 0 || d.t[i].kind != jString {
		return "", false
	}
	return d.strAt(i), true
}

func (d *jdoc) strAt(i int) string {
	if d.t[i].esc {
		return d.unescape(i)
	}
	n := d.t[i]
	return d.s[n.start+1 : n.end-1]
}

// text returns the string at i, or "" for anything else.
func (d *jdoc) text(i int) string {
	s, _ := d.str(i)
	return s
}

// unescape decodes string node i (already validated).
func (d *jdoc) unescape(i int) string {
	n := d.t[i]
	var b strings.Builder
	b.Grow(int(n.end - n.start))
	d.unescapeTo(&b, i)
	return b.String()
}

// writeStr writes the decoded string at i to b and returns its length in
// bytes; it writes nothing and returns -1 when i is not a string.
func (d *jdoc) writeStr(b *strings.Builder, i int) int {
	if i < 0 || d.t[i].kind != jString {
		return -1
	}
	n := d.t[i]
	if !n.esc {
		b.WriteString(d.s[n.start+1 : n.end-1])
		return int(n.end - n.start - 2)
	}
	l := b.Len()
	d.unescapeTo(b, i)
	return b.Len() - l
}

func (d *jdoc) unescapeTo(b *strings.Builder, i int) {
	n := d.t[i]
	s := d.s[n.start+1 : n.end-1]
	for j := 0; j < len(s); {
		c := s[j]
		if c != '\\' {
			k := strings.IndexByte(s[j:], '\\')
			if k < 0 {
				b.WriteString(s[j:])
				break
			}
			b.WriteString(s[j : j+k])
			j += k
			continue
		}
		switch s[j+1] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r := rune(hex4(s[j+2 : j+6]))
			j += 6
			if utf16.IsSurrogate(r) {
				if j+6 <= len(s) && s[j] == '\\' && s[j+1] == 'u' {
					if r2 := utf16.DecodeRune(r, rune(hex4(s[j+2:j+6]))); r2 != utf8.RuneError {
						b.WriteRune(r2)
						j += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default: // '"', '\\', '/'
			b.WriteByte(s[j+1])
		}
		j += 2
	}
}

func hex4(s string) int {
	v := 0
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		v = v<<4 | int(c)
	}
	return v
}

// intv returns the integer at i.
func (d *jdoc) intv(i int) (int, bool) {
	if i < 0 || d.t[i].kind != jNumber {
		return 0, false
	}
	v, err := strconv.Atoi(d.raw(i))
	return v, err == nil
}

// boolv reports whether i is the literal true.
func (d *jdoc) boolv(i int) bool { return i >= 0 && d.t[i].kind == jTrue }

// isNull reports whether i is absent or null.
func (d *jdoc) isNull(i int) bool { return i < 0 || d.t[i].kind == jNull }

// scalarText returns a string value decoded, a number's exact text, or
// "" for anything else (used for ids and codes that may be either).
func (d *jdoc) scalarText(i int) string {
	switch d.kind(i) {
	case jString:
		return d.strAt(i)
	case jNumber:
		return d.raw(i)
	}
	return ""
}

// value converts the subtree at i to Go values: map[string]any, []any,
// string, json.Number (exact), bool, nil.
func (d *jdoc) value(i int) any {
	switch d.t[i].kind {
	case jObject:
		m := make(map[string]any)
		for k := d.first(i); k >= 0; k = d.nextKey(i, k) {
			m[d.strAt(k)] = d.value(k + 1)
		}
		return m
	case jArray:
		a := make([]any, 0, 4)
		for e := d.first(i); e >= 0; e = d.nextElem(i, e) {
			a = append(a, d.value(e))
		}
		return a
	case jString:
		return strings.Clone(d.strAt(i))
	case jNumber:
		return json.Number(strings.Clone(d.raw(i)))
	case jTrue:
		return true
	case jFalse:
		return false
	}
	return nil
}

// generic converts the subtree at i to the values ojg's JSONPath works on:
// map[string]any, []any, string, int64, float64 (json.Number beyond their
// range), bool, nil. Strings share the event data: the values must not
// outlive the event.
func (d *jdoc) generic(i int) any {
	switch d.t[i].kind {
	case jObject:
		m := make(map[string]any, 8)
		for k := d.first(i); k >= 0; k = d.nextKey(i, k) {
			m[d.strAt(k)] = d.generic(k + 1)
		}
		return m
	case jArray:
		a := make([]any, 0, 4)
		for e := d.first(i); e >= 0; e = d.nextElem(i, e) {
			a = append(a, d.generic(e))
		}
		return a
	case jString:
		return d.strAt(i)
	case jNumber:
		raw := d.raw(i)
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(raw, 64); err == nil {
			return f
		}
		return json.Number(raw)
	case jTrue:
		return true
	case jFalse:
		return false
	}
	return nil
}

// compact returns the source text of value i without insignificant white
// space, keeping key order and number text exactly as sent.
func (d *jdoc) compact(i int) string {
	raw := d.raw(i)
	if !strings.ContainsAny(raw, " \t\r\n") {
		return strings.Clone(raw)
	}
	var b strings.Builder
	b.Grow(len(raw))
	in := false
	for j := 0; j < len(raw); j++ {
		c := raw[j]
		if in {
			b.WriteByte(c)
			switch c {
			case '\\':
				j++
				b.WriteByte(raw[j])
			case '"':
				in = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '"':
			in = true
		}
		b.WriteByte(c)
	}
	return b.String()
}
