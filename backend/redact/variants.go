package redact

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// minEncoded is the shortest base64 piece that is masked: a shorter one
// would match ordinary text too often.
const minEncoded = 4

// Variants returns the forms of secret that are masked, the value itself
// first:
//   - percent-encoded as a query (space as +) and as a path (space as
//     %20), as JavaScript's encodeURIComponent does, and with every byte
//     outside RFC 3986's unreserved set escaped; with upper- and lower-case
//     hex digits;
//   - base64 (standard and URL alphabets): the characters that depend on
//     the secret's bytes only, for each of the three alignments it can
//     have inside a longer encoded text ("user:secret" in a Basic
//     Authorization header), where those are at least 4;
//   - JSON-escaped, each of the above (with and without HTML escaping,
//     with non-ASCII as \u escapes in either case, with \/), and the value
//     escaped twice (a JSON text inside a JSON string);
//   - as chai (the scripts' pm.expect) quotes it in an assertion message,
//     and cut: the value or that quoted form shortened to a prefix of 4
//     bytes or more followed by "…", as chai shortens a value over 40
//     characters and as Streamscope cuts long lines.
//
// An empty secret has no forms.
func Variants(secret string) []string {
	if secret == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	add(secret)
	for _, v := range percentForms(secret) {
		add(v)
	}
	for _, v := range base64Pieces(secret) {
		add(v)
	}
	for _, v := range append([]string(nil), out...) {
		for _, j := range jsonForms(v) {
			add(j)
		}
	}
	for _, j := range jsonForms(secret) {
		for _, jj := range jsonForms(j) {
			add(jj)
		}
	}
	quoted := chaiQuoted(secret)
	add(quoted)
	for _, f := range []string{secret, quoted} {
		for i := range f {
			if i >= minCut {
				add(f[:i] + "…")
			}
		}
	}
	return out
}

// minCut is the shortest prefix of a cut secret that is masked.
const minCut = 4

// chaiQuoted escapes s as chai's inspect does inside its quotes (loupe's
// inspectString): ', \ and the C0 controls by name or as \u escapes, and
// DEL, C1, soft hyphen, some format characters and the line separators as
// \u escapes.
func chaiQuoted(s string) string {
	named := map[rune]string{'\b': `\b`, '\t': `\t`, '\n': `\n`, '\f': `\f`, '\r': `\r`, '\'': `\'`, '\\': `\\`}
	escaped := func(r rune) bool {
		return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0xad || (r >= 0x600 && r <= 0x604) || r == 0x70f || r == 0x17b4 || r == 0x17b5 ||
			(r >= 0x200c && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) || (r >= 0x2060 && r <= 0x206f) || r == 0xfeff || (r >= 0xfff0 && r <= 0xffff)
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case named[r] != "":
			b.WriteString(named[r])
		case escaped(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func percentForms(s string) []string {
	unreserved := func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
	}
	component := func(c byte) bool { // encodeURIComponent keeps these too
		return unreserved(c) || strings.IndexByte("!*'()", c) >= 0
	}
	forms := []string{url.QueryEscape(s), url.PathEscape(s), escapeAll(s, unreserved), escapeAll(s, component)}
	for _, f := range forms[:4] {
		forms = append(forms, lowerHex(f))
	}
	return forms
}

// escapeAll percent-encodes every byte of s that keep does not keep.
func escapeAll(s string, keep func(byte) bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; keep(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	return b.String()
}

// lowerHex writes the hex digits of s's percent escapes in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = toLower(b[i+1]), toLower(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func toLower(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// base64Pieces returns, for each alphabet and each of the three positions
// modulo 3 the secret can start at in an encoded text, the characters
// that only its bytes decide.
func base64Pieces(s string) []string {
	var out []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for k := 0; k < 3; k++ {
			buf := make([]byte, k+len(s))
			copy(buf[k:], s)
			e := enc.EncodeToString(buf)
			// character i covers bits [6i, 6i+6) of the text; the secret
			// has bits [8k, 8(k+n)).
			first, last := (8*k+5)/6, 8*(k+len(s))/6
			if last-first >= minEncoded {
				out = append(out, e[first:last])
			}
		}
	}
	return out
}

// jsonForms returns s as it appears inside a JSON string, in the ways
// encoders write it.
func jsonForms(s string) []string {
	html, _ := json.Marshal(s)
	var plain strings.Builder
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	p := strings.TrimSuffix(plain.String(), "\n")
	p = p[1 : len(p)-1]
	return []string{
		string(html[1 : len(html)-1]), p, asciiJSON(s, false), asciiJSON(s, true), strings.ReplaceAll(p, "/", `\/`),
	}
}

// asciiJSON escapes s as JSON with every non-ASCII character as \u
// escapes (Python's json.dumps, Java's encoders), in upper or lower case.
func asciiJSON(s string, upper bool) string {
	hex := "0123456789abcdef"
	if upper {
		hex = "0123456789ABCDEF"
	}
	u := func(b *strings.Builder, r rune) {
		b.WriteString(`\u`)
		for sh := 12; sh >= 0; sh -= 4 {
			b.WriteByte(hex[(r>>sh)&0xf])
		}
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == utf8.RuneError:
			u(&b, r)
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			u(&b, r1)
			u(&b, r2)
		default:
			u(&b, r)
		}
	}
	return b.String()
}
