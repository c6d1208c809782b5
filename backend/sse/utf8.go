package sse

import "unicode/utf8"

// appendDecoded appends src to dst as UTF-8, replacing every ill-formed
// sequence by U+FFFD exactly as the WHATWG Encoding Standard's UTF-8 decoder
// does ("maximal subpart" replacement): a lead byte followed by fewer
// continuation bytes than it needs gives one U+FFFD for the lead and the
// valid continuations seen so far, and the byte that broke the sequence is
// then decoded afresh. An incomplete sequence at the end of src gives one
// U+FFFD, as at the end of a stream. src must not contain an incomplete
// sequence that continues in a later buffer: callers decode whole lines, and
// line terminators are ASCII, which always ends a sequence.
func appendDecoded(dst, src []byte) []byte {
	if utf8.Valid(src) {
		return append(dst, src...)
	}
	const repl = "\uFFFD"
	i := 0
	for i < len(src) {
		// Copy the longest valid run in one go.
		start := i
		for i < len(src) {
			c := src[i]
			if c < utf8.RuneSelf {
				i++
				continue
			}
			n := validSeqLen(src[i:])
			if n == 0 {
				break
			}
			i += n
		}
		dst = append(dst, src[start:i]...)
		if i >= len(src) {
			break
		}
		// src[i] starts an ill-formed sequence: consume the maximal subpart.
		dst = append(dst, repl...)
		i += maximalSubpart(src[i:])
	}
	return dst
}

// validSeqLen returns the length of the well-formed multi-byte UTF-8
// sequence at the start of b, or 0 when it is ill-formed or incomplete.
func validSeqLen(b []byte) int {
	r, n := utf8.DecodeRune(b)
	if r == utf8.RuneError && n <= 1 {
		return 0
	}
	return n
}

// maximalSubpart returns how many bytes at the start of b (which does not
// start a well-formed sequence) the WHATWG decoder turns into one U+FFFD:
// always at least 1, more when a valid lead byte is followed by some valid
// continuation bytes before the sequence breaks or the input ends.
func maximalSubpart(b []byte) int {
	lead := b[0]
	var need int
	lower, upper := byte(0x80), byte(0xBF)
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		need = 1
	case lead >= 0xE0 && lead <= 0xEF:
		need = 2
		if lead == 0xE0 {
			lower = 0xA0
		} else if lead == 0xED {
			upper = 0x9F
		}
	case lead >= 0xF0 && lead <= 0xF4:
		need = 3
		if lead == 0xF0 {
			lower = 0x90
		} else if lead == 0xF4 {
			upper = 0x8F
		}
	default:
		return 1 // not a lead byte at all
	}
	n := 1
	for ; n <= need && n < len(b); n++ {
		c := b[n]
		if c < lower || c > upper {
			return n
		}
		lower, upper = 0x80, 0xBF
	}
	return n
}
