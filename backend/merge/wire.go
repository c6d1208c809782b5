package merge

import "bytes"

// LooksLikeNDJSON reports whether a response body that starts with prefix
// is NDJSON / JSON Lines rather than Server-Sent Events: its first
// non-blank byte is '{' and no line of the prefix is an SSE data field.
// A prefix of a few kilobytes is enough; a longer one is only scanned more.
func LooksLikeNDJSON(prefix []byte) bool {
	b := bytes.TrimLeft(prefix, " \t\r\n\ufeff")
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	for len(b) > 0 {
		if bytes.HasPrefix(b, []byte("data:")) {
			return false
		}
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			break
		}
		b = bytes.TrimLeft(b[i:], "\r\n")
	}
	return true
}

// sniffHold bounds what a WireSniffer holds of a long blank run.
const sniffHold = 64 << 10

// WireSniffer decides whether a body read piece by piece is NDJSON or
// Server-Sent Events (LooksLikeNDJSON on its first bytes with content),
// holding back what it read until then. Every byte is looked at a bounded
// number of times, so any amount of leading blank input (spaces, tabs, CR,
// LF) costs linear time, and what is held stays bounded: a blank run of up
// to 128 KiB is held as it came, a longer one as its last line terminator
// and the first 64 KiB of the spaces and tabs after it (the same whatever
// the pieces). Neither wire format loses anything by the cut: blank lines
// dispatch nothing in SSE, a line that begins with a space is an ignored
// SSE field however long, and JSON allows leading whitespace. Only
// whitespace-only NDJSON lines before the first line with content, which
// would be events of their own, go with it.
type WireSniffer struct {
	head []byte
	// cut: the blank run passed 2*sniffHold and head holds it shortened:
	// term (a CR or LF, when one came) then spaces and tabs.
	cut  bool
	term bool
	// work counts the bytes examined (tests check it grows linearly).
	work int
}

// Add takes the next piece b of the body. Until a byte other than blank
// arrives it keeps b and returns done false. Then it returns done true,
// whether the body is NDJSON, and the bytes to parse, b included (Add must
// not be called again).
func (s *WireSniffer) Add(b []byte) (held []byte, ndjson, done bool) {
	i := 0
	for i < len(b) && blankByte(b[i]) {
		i++
	}
	s.work += i
	s.addBlank(b[:i])
	if i == len(b) {
		return nil, false, false
	}
	held = append(s.head, b[i:]...)
	s.head = nil
	s.work += len(held)
	return held, LooksLikeNDJSON(held), true
}

// End returns what is held when the body ended before anything but blank
// input arrived (read as SSE: it holds no event either way).
func (s *WireSniffer) End() []byte {
	held := s.head
	s.head = nil
	return held
}

// addBlank holds the blank bytes c.
func (s *WireSniffer) addBlank(c []byte) {
	if !s.cut {
		if len(s.head)+len(c) <= 2*sniffHold {
			s.head = append(s.head, c...)
			return
		}
		s.cut = true
		old := s.head
		s.head = make([]byte, 0, 1+sniffHold)
		s.addCut(old)
	}
	s.addCut(c)
}

// addCut adds c to the shortened run: a line terminator in c restarts it.
func (s *WireSniffer) addCut(c []byte) {
	if j := bytes.LastIndexAny(c, "\r\n"); j >= 0 {
		s.work += len(c) - j
		s.head = append(s.head[:0], c[j])
		s.term = true
		c = c[j+1:]
	} else {
		s.work += len(c)
	}
	spaces := len(s.head)
	if s.term {
		spaces--
	}
	s.head = append(s.head, c[:min(len(c), sniffHold-spaces)]...)
}

func blankByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
