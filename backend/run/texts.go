package run

import "github.com/streamscope/streamscope/backend/redact"

// Texts tracks what a view (the app's UI) was sent of a run's merged
// texts, by key ("content", "reasoning", a choice's, ...), so that each
// batch carries only what changed, within a byte budget. With secrets,
// each text goes out through its own redact.Stream, which holds back an
// end that could start a secret until more of the text (or its end) shows
// that it is not: a secret that arrives in pieces is masked whole.
type Texts struct {
	red    *redact.Redactor
	sent   map[string]string // the raw text consumed so far, by key
	masked map[string]*maskedText
}

// maskedText is what went out of one text's stream.
type maskedText struct {
	s     *redact.Stream
	shown []byte
}

// NewTexts tracks texts masked with red (nil: none to mask).
func NewTexts(red *redact.Redactor) *Texts {
	return &Texts{red: red, sent: map[string]string{}, masked: map[string]*maskedText{}}
}

// TextDelta changes one text as the view has it: Reset replaces the text
// with Append (a script rewrote it), otherwise Append is added at its end;
// Total is the text's length in bytes once applied.
type TextDelta struct {
	Append string
	Reset  bool
	Total  int
}

// Delta returns the change of text key (now full) since it was last sent,
// taking at most *budget bytes (estimated as JSON) of it; more says some
// is left for the next call, nil the view has it all. ended says the run
// ended: what a stream held back goes out.
func (t *Texts) Delta(key, full string, budget *int, ended bool) (d *TextDelta, more bool) {
	if t.red != nil {
		return t.maskedDelta(key, full, budget, ended)
	}
	have := t.sent[key]
	if have == full {
		return nil, false
	}
	reset := len(full) < len(have) || full[:len(have)] != have
	start := len(have)
	if reset {
		start = 0
	}
	rest := full[start:]
	n := CutJSON(rest, *budget)
	*budget -= n
	more = n < len(rest)
	// a substring of full, not a copy: the next prefix check is then
	// mostly a pointer comparison
	t.sent[key] = full[:start+n]
	if n == 0 && !reset {
		return nil, more
	}
	return &TextDelta{Append: rest[:n], Reset: reset, Total: len(t.sent[key])}, more
}

func (t *Texts) maskedDelta(key, full string, budget *int, ended bool) (d *TextDelta, more bool) {
	have := t.sent[key]
	mt := t.masked[key]
	if mt == nil {
		mt = &maskedText{s: t.red.NewStream()}
		t.masked[key] = mt
	}
	if have == full && (!ended || mt.s.Held() == 0) {
		return nil, false
	}
	reset := len(full) < len(have) || full[:len(have)] != have
	start := len(have)
	if reset {
		start = 0
		mt.s, mt.shown = t.red.NewStream(), mt.shown[:0]
	}
	rest := full[start:]
	// what is let out can be longer than what went in (a short secret
	// becomes the longer mark; the bytes held back before come too)
	n := CutJSON(rest, max(0, *budget-t.red.Context())/t.red.Growth())
	more = n < len(rest)
	t.sent[key] = full[:start+n]
	before := len(mt.shown)
	mt.shown = mt.s.WriteString(mt.shown, rest[:n])
	if ended && !more {
		mt.shown = mt.s.Flush(mt.shown)
	}
	piece := string(mt.shown[before:])
	*budget -= JSONWidth(piece)
	if piece == "" && !reset {
		return nil, more
	}
	return &TextDelta{Append: piece, Reset: reset, Total: len(mt.shown)}, more
}

// Shown is the text key as the view has it now (masked).
func (t *Texts) Shown(key string) string {
	if t.red == nil {
		return t.sent[key]
	}
	if mt := t.masked[key]; mt != nil {
		return string(mt.shown)
	}
	return ""
}

// jsonRuneWidth is an estimate of the bytes c takes in JSON: escaped
// characters count 6.
func jsonRuneWidth(c rune) int {
	if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == 0xfffd || c == 0x2028 || c == 0x2029 {
		return 6
	}
	return len(string(c))
}

// CutJSON returns how many bytes of s fit in budget bytes of JSON, not
// splitting a UTF-8 sequence.
func CutJSON(s string, budget int) int {
	n := 0
	for i, c := range s {
		w := jsonRuneWidth(c)
		if n+w > budget {
			return i
		}
		n += w
	}
	return len(s)
}

// JSONWidth is the estimate of CutJSON for the whole of s.
func JSONWidth(s string) int {
	n := 0
	for _, c := range s {
		n += jsonRuneWidth(c)
	}
	return n
}
