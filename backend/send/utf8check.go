package send

import "unicode/utf8"

// utf8Check finds the first invalid UTF-8 sequence of a stream fed in
// chunks that may split sequences anywhere.
type utf8Check struct {
	tail [utf8.UTFMax]byte // a sequence started at the end of the last chunk
	n    int
	off  int64 // body offset of the next fed byte
	done bool  // one report is enough
}

// seqLen is the length a sequence starting with lead claims (1 for bytes
// that cannot start one: those are caught by utf8.Valid).
func seqLen(lead byte) int {
	switch {
	case lead >= 0xF0 && lead <= 0xF4:
		return 4
	case lead >= 0xE0 && lead <= 0xEF:
		return 3
	case lead >= 0xC2 && lead <= 0xDF:
		return 2
	}
	return 1
}

// feed checks b and returns the body offset of the first invalid byte the
// first time one is seen.
func (c *utf8Check) feed(b []byte) (int64, bool) {
	base := c.off
	c.off += int64(len(b))
	if c.done {
		return 0, false
	}
	if c.n > 0 {
		start := base - int64(c.n)
		need := seqLen(c.tail[0])
		for c.n < need && len(b) > 0 && b[0]&0xC0 == 0x80 {
			c.tail[c.n] = b[0]
			c.n++
			b = b[1:]
			base++
		}
		if c.n < need && len(b) == 0 {
			return 0, false // still incomplete
		}
		if !utf8.Valid(c.tail[:c.n]) {
			c.done = true
			return start, true
		}
		c.n = 0
	}
	// Hold back a sequence cut by the end of b.
	cut := len(b)
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if b[i]&0xC0 != 0x80 {
			if b[i] >= 0xC0 && len(b)-i < seqLen(b[i]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		c.done = true
		for i := 0; i < cut; {
			r, size := utf8.DecodeRune(b[i:cut])
			if r == utf8.RuneError && size <= 1 {
				return base + int64(i), true
			}
			i += size
		}
	}
	c.n = copy(c.tail[:], b[cut:])
	return 0, false
}
