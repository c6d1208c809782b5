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
