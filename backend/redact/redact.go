package redact

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/streamscope/streamscope/backend/text"
)

// Mark replaces every secret value (in any of its forms) in what is shown.
const Mark = "[secret]"

// Redactor masks a fixed set of secret values. A nil *Redactor masks
// nothing, so callers need no check; New returns nil when there is nothing
// to mask. A Redactor is safe for concurrent use (Stream, Writer and
// Chunks are not: each belongs to one stream).
type Redactor struct {
	a *automaton
	// hold is the shortest pattern prefix at the end of a chunk that
	// Chunks masks before the chunk that completes it arrives.
	hold     int
	shortest int
	patterns []string
}

// New returns a Redactor for the secret values (empty ones are ignored;
// every other one is masked whatever its length, a one-character secret
// too), or nil when none is left.
func New(secrets ...string) *Redactor {
	var pats []string
	seen := map[string]bool{}
	for _, s := range secrets {
		for _, v := range Variants(s) {
			if !seen[v] {
				seen[v] = true
				pats = append(pats, v)
			}
		}
	}
	if len(pats) == 0 {
		return nil
	}
	slices.Sort(pats)
	protect := ""
	shortest := len(pats[0])
	for _, p := range pats {
		if strings.Contains(Mark, p) {
			protect = Mark
		}
		shortest = min(shortest, len(p))
	}
	return &Redactor{a: newAutomaton(pats, protect), hold: max(1, min(4, shortest-1)), shortest: shortest, patterns: pats}
}

// Growth is the most masking can lengthen a text, as a factor: a form
// shorter than Mark becomes Mark (1 for a nil Redactor or forms at least
// as long as Mark).
func (r *Redactor) Growth() int {
	if r == nil {
		return 1
	}
	return (len(Mark) + r.shortest - 1) / r.shortest
}

// Patterns returns the forms that are masked, sorted.
func (r *Redactor) Patterns() []string {
	if r == nil {
		return nil
	}
	return slices.Clone(r.patterns)
}

// Context is the number of bytes on each side of a piece of text that a
// secret overlapping the piece can reach: the longest form's length less
// one (0 for a nil Redactor).
func (r *Redactor) Context() int {
	if r == nil {
		return 0
	}
	return r.a.maxLen - 1
}

// String returns s with every secret masked (s itself when none is in it).
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	runs := findIn(r.a, s)
	if len(runs) == 0 {
		return s
	}
	return string(appendMasked(make([]byte, 0, len(s)), s, 0, len(s), runs))
}

// Bytes returns b with every secret masked (b itself when none is in it).
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil {
		return b
	}
	runs := findIn(r.a, b)
	if len(runs) == 0 {
		return b
	}
	return appendMasked(make([]byte, 0, len(b)), b, 0, len(b), runs)
}

// Strings masks every string of ss in place.
func (r *Redactor) Strings(ss []string) {
	for i := range ss {
		ss[i] = r.String(ss[i])
	}
}

// Window returns b[from:to] masked, seeing the bytes of b around it: a
// secret that b[from:to] only partly holds is masked too (b should reach
// Context bytes beyond each end of the window where it can).
func (r *Redactor) Window(b []byte, from, to int) []byte {
	if r == nil {
		return b[from:to]
	}
	runs := findIn(r.a, b)
	for _, s := range runs {
		if int(s.end) > from && int(s.start) < to {
			return appendMasked(make([]byte, 0, to-from), b, from, to, runs)
		}
	}
	return b[from:to]
}

// JSON masks the secrets in the string values (and keys) of a JSON text,
// leaving its structure, numbers and other literals as they are, so the
// result is valid JSON wherever the input was; a secret written escaped
// inside a string is found through its decoded value. doc is returned
// itself when no secret is in it.
func (r *Redactor) JSON(doc []byte) []byte {
	out, _ := r.json(doc)
	return out
}

func (r *Redactor) json(doc []byte) ([]byte, bool) {
	if r == nil || len(findIn(r.a, doc)) == 0 {
		return doc, false
	}
	var out []byte
	last := 0
	for i := 0; i < len(doc); i++ {
		if doc[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(doc) && doc[j] != '"' {
			if doc[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(doc) {
			break // not a JSON text: the rest stays as it is
		}
		var s string
		if json.Unmarshal(doc[i:j+1], &s) == nil {
			if red := r.String(s); red != s {
				if out == nil {
					out = make([]byte, 0, len(doc))
				}
				out = text.AppendJSONString(append(out, doc[last:i]...), red)
				last = j + 1
			}
		}
		i = j
	}
	if out == nil {
		return doc, false
	}
	return append(out, doc[last:]...), true
}

// Value returns v with every secret masked in its strings: v goes through
// its JSON form (encoding/json), masked with JSON, and back, so only what
// JSON keeps survives (fields tagged "-" are lost; use it for plain data
// types). v itself is returned when no secret is in it, and the zero
// value when v has no JSON form (nothing unmasked gets out).
func Value[T any](r *Redactor, v T) T {
	if r == nil {
		return v
	}
	var zero T
	b, err := json.Marshal(v)
	if err != nil {
		return zero
	}
	red, changed := r.json(b)
	if !changed {
		return v
	}
	var out T
	if err := json.Unmarshal(red, &out); err != nil {
		return zero
	}
	return out
}
