package cli

import (
	"io"
	"sync"
	"unicode/utf8"
)

// What the CLI prints comes from streams, projects and scripts that may be
// hostile: an ESC in an event type or an error body would be an OSC 52
// clipboard write, a window title or a cursor move in the terminal. So
// everything printed is made visible here, in one place:
//
//   - Main wraps stdout and stderr in a visibleWriter: whatever a command
//     writes reaches the terminal with control characters escaped, except
//     LF and tab;
//   - Visible (and the timeline, through appendVisible) escapes a field
//     that must stay on its line: LF and tab too.
//
// The escapes are \n, \t, \r and \xNN for the other C0 controls and for
// bytes that are not UTF-8, and \uNNNN for DEL, the C1 controls (U+0080 to
// U+009F, U+009B being CSI) and the bidirectional embeddings, overrides
// and isolates (U+202A to U+202E, U+2066 to U+2069), which reorder what
// the terminal shows. These \u escapes are JSON too, and raw C0 bytes never
// appear in JSON output (encoders escape them), so JSON output stays valid
// and decodes to the same values.

// Visible returns s escaped to stay on one line.
func Visible(s string) string {
	if clean(s, true) {
		return s
	}
	return string(appendVisible(nil, s, true))
}

// clean reports whether s needs no escape.
func clean[T string | []byte](s T, oneLine bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := decodeRune(s[i:])
			if escaped(r, n) {
				return false
			}
			i += n - 1
			continue
		}
		if oneLine || (c != '\n' && c != '\t') {
			return false
		}
	}
	return true
}

// escaped reports whether the rune r (n bytes long, as decoded) at or
// above U+0080 is escaped.
func escaped(r rune, n int) bool {
	return (r == utf8.RuneError && n == 1) || r <= 0x9f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// decodeRune is utf8.DecodeRune for either type (a short conversion that
// does not escape costs no allocation).
func decodeRune[T string | []byte](s T) (rune, int) {
	return utf8.DecodeRuneInString(string(s[:min(len(s), utf8.UTFMax)]))
}

// appendVisible appends s to b escaped; oneLine escapes LF and tab too.
func appendVisible[T string | []byte](b []byte, s T, oneLine bool) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f || (!oneLine && (c == '\n' || c == '\t')) {
			i++
			continue
		}
		n := 1
		if c >= utf8.RuneSelf {
			var r rune
			r, n = decodeRune(s[i:])
			if !escaped(r, n) {
				i += n
				continue
			}
			b = append(b, s[start:i]...)
			if n == 1 {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
			}
			i += n
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		case 0x7f:
			b = append(b, `\u007f`...)
		default:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	return append(b, s[start:]...)
}

// visibleWriter escapes what is written to w (keeping LF and tab). A
// UTF-8 sequence cut between two writes is held until the next one, so
// that it is judged whole; Close writes out what is held.
type visibleWriter struct {
	mu   sync.Mutex
	w    io.Writer
	held []byte
	buf  []byte
}

func newVisibleWriter(w io.Writer) *visibleWriter { return &visibleWriter{w: w} }

func (v *visibleWriter) Write(p []byte) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	data := p
	if len(v.held) > 0 {
		data = append(v.held, p...)
		v.held = nil
	}
	end := len(data) - partialRune(data)
	if end < len(data) {
		v.held = append([]byte(nil), data[end:]...)
	}
	if end == 0 {
		return len(p), nil
	}
	if clean(data[:end], false) {
		if _, err := v.w.Write(data[:end]); err != nil {
			return 0, err
		}
	} else {
		v.buf = appendVisible(v.buf[:0], data[:end], false)
		if _, err := v.w.Write(v.buf); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// partialRune is the length of the start of a UTF-8 sequence that ends b
// without its last bytes (0 when b ends with a whole rune or an invalid
// byte).
func partialRune(b []byte) int {
	for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < utf8.RuneSelf {
			return 0
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}

// Close writes out a held partial sequence (escaped: it stayed invalid).
func (v *visibleWriter) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.held) == 0 {
		return nil
	}
	v.buf = appendVisible(v.buf[:0], v.held, false)
	v.held = nil
	_, err := v.w.Write(v.buf)
	return err
}
