package mockllm

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Token-carrying events are not encoded one by one when the plan is built:
// each kind of delta is encoded once with sentinel strings in place of the
// values that change from event to event (the token text, a sequence
// number, a count), cut at the sentinels into a template, and rendered when
// the event is written. The template comes from the same encoding as a
// whole event, so the bytes are the same; a plan of a million tokens then
// holds a million small frames instead of a million encoded events.

// Sentinel values: where one is encoded, the template has a hole.
const (
	holeText    = "\x00mockllm:text\x00"    // frame.text, a JSON string
	holeAux     = "\x00mockllm:aux\x00"     // frame.aux, a JSON string
	holeIndex   = "\x00mockllm:index\x00"   // the frame's index in the plan
	holeNum     = "\x00mockllm:num\x00"     // frame.n
	holeNumPlus = "\x00mockllm:numplus\x00" // frame.n + tmpl.plus
	holeAt      = "\x00mockllm:at\x00"      // tmpl.at(index), a JSON string
)

var holeNames = []string{holeText, holeAux, holeIndex, holeNum, holeNumPlus, holeAt}

// encodedHoles are the sentinels as they appear in encoded JSON.
var encodedHoles = func() [][]byte {
	out := make([][]byte, len(holeNames))
	for i, h := range holeNames {
		out[i] = mustJSON(h)
	}
	return out
}()

// tmpl is an encoded event cut at its holes: parts[0] hole[0] parts[1] ...
type tmpl struct {
	parts [][]byte
	holes []int // indexes into holeNames
	plus  int
	at    func(index int) string
}

// newTmpl cuts an event encoded with sentinel values into a template.
func newTmpl(b []byte) *tmpl {
	t := &tmpl{}
	for {
		first, kind := -1, -1
		for k, enc := range encodedHoles {
			if i := bytes.Index(b, enc); i >= 0 && (first < 0 || i < first) {
				first, kind = i, k
			}
		}
		if first < 0 {
			t.parts = append(t.parts, b)
			return t
		}
		t.parts = append(t.parts, b[:first])
		t.holes = append(t.holes, kind)
		b = b[first+len(encodedHoles[kind]):]
	}
}

// render appends the event of frame f, the index-th of its plan, to dst.
func (t *tmpl) render(dst []byte, index int, f *frame) []byte {
	dst = append(dst, t.parts[0]...)
	for k, h := range t.holes {
		switch holeNames[h] {
		case holeText:
			dst = appendJSONString(dst, f.text)
		case holeAux:
			dst = appendJSONString(dst, f.aux)
		case holeIndex:
			dst = strconv.AppendInt(dst, int64(index), 10)
		case holeNum:
			dst = strconv.AppendInt(dst, int64(f.n), 10)
		case holeNumPlus:
			dst = strconv.AppendInt(dst, int64(f.n)+int64(t.plus), 10)
		case holeAt:
			dst = appendJSONString(dst, t.at(index))
		}
		dst = append(dst, t.parts[k+1]...)
	}
	return dst
}

// appendJSONString appends s encoded exactly as marshal encodes a string:
// as it is between quotes when nothing needs escaping, else by marshal.
func appendJSONString(dst []byte, s string) []byte {
	if plainJSON(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	b, err := marshal(s) // a string always encodes
	if err != nil {
		panic("mockllm: " + err.Error())
	}
	return append(dst, b...)
}

// plainJSON reports whether s encodes as itself between quotes: valid
// UTF-8 without control characters, quotes, backslashes, U+2028 (E2 80 A8)
// or U+2029 (E2 80 A9).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == '"' || c == '\\':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return false
		}
	}
	return utf8.ValidString(s)
}

// frameAt returns the bytes of frame i of p, rendered into buf if templated.
func (p *plan) frameAt(buf []byte, i int) []byte {
	f := &p.frames[i]
	if f.t == nil {
		return f.b
	}
	return f.t.render(buf[:0], i, f)
}
