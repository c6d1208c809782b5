package curl

import (
	"fmt"
	"strings"
)

// splitWords splits a shell command line the way a POSIX shell would for
// a pasted curl command: whitespace separates words; backslash-newline
// continues the line; 'single quotes' are literal; "double quotes" and
// bare words honour backslash escapes; $'…' understands C escapes. A
// reference to a shell variable ($NAME or ${NAME}) outside single quotes
// becomes a Streamscope variable {{NAME}}. An unquoted |, ;, &, > or <
// ends the command (so `curl … | jq .` works); a # starting a word starts a
// comment. Command substitution ($(…) or `…`) is refused: its value is not
// known here.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	i := 0
	n := len(s)
	for i < n {
		c := s[i]
		switch {
		case c == '\\' && i+1 < n && s[i+1] == '\n':
			i += 2
		case c == '\\' && i+2 < n && s[i+1] == '\r' && s[i+2] == '\n':
			i += 3
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			flush()
			i++
		case c == '#' && !inWord:
			for i < n && s[i] != '\n' {
				i++
			}
		case c == '|' || c == ';' || c == '&' || c == '>' || c == '<':
			flush()
			return words, nil
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated single quote at offset %d", i)
			}
			cur.WriteString(s[i+1 : i+1+end])
			inWord = true
			i += end + 2
		case c == '"':
			j, err := doubleQuoted(s, i+1, &cur)
			if err != nil {
				return nil, err
			}
			inWord = true
			i = j
		case c == '`':
			return nil, fmt.Errorf("command substitution `…` at offset %d is not supported: paste the value, or write a {{variable}}", i)
		case c == '$' && i+1 < n && s[i+1] == '\'':
			j, err := ansiQuoted(s, i+2, &cur)
			if err != nil {
				return nil, err
			}
			inWord = true
			i = j
		case c == '$':
			j, err := dollar(s, i, &cur)
			if err != nil {
				return nil, err
			}
			inWord = true
			i = j
		case c == '\\':
			if i+1 < n {
				cur.WriteByte(s[i+1])
				i += 2
			} else {
				i++
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
			i++
		}
	}
	flush()
	return words, nil
}

// doubleQuoted reads a "…" string starting after the opening quote and
// returns the index after the closing quote.
func doubleQuoted(s string, i int, cur *strings.Builder) (int, error) {
	start := i - 1
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\' && i+1 < len(s):
			switch s[i+1] {
			case '\n':
				i += 2
			case '\\', '"', '$', '`':
				cur.WriteByte(s[i+1])
				i += 2
			case '\r':
				if i+2 < len(s) && s[i+2] == '\n' {
					i += 3
				} else {
					cur.WriteByte('\\')
					i++
				}
			default:
				cur.WriteByte('\\')
				i++
			}
		case c == '`':
			return 0, fmt.Errorf("command substitution `…` at offset %d is not supported: paste the value, or write a {{variable}}", i)
		case c == '$':
			j, err := dollar(s, i, cur)
			if err != nil {
				return 0, err
			}
			i = j
		default:
			cur.WriteByte(c)
			i++
		}
	}
	return 0, fmt.Errorf("unterminated double quote at offset %d", start)
}

// ansiQuoted reads a $'…' string starting after the opening quote.
func ansiQuoted(s string, i int, cur *strings.Builder) (int, error) {
	start := i - 2
	for i < len(s) {
		c := s[i]
		if c == '\'' {
			return i + 1, nil
		}
		if c == '\\' && i+1 < len(s) {
			switch e := s[i+1]; e {
			case 'n':
				cur.WriteByte('\n')
			case 't':
				cur.WriteByte('\t')
			case 'r':
				cur.WriteByte('\r')
			case '\\', '\'', '"', '?':
				cur.WriteByte(e)
			default:
				cur.WriteByte('\\')
				cur.WriteByte(e)
			}
			i += 2
			continue
		}
		cur.WriteByte(c)
		i++
	}
	return 0, fmt.Errorf("unterminated $'…' quote at offset %d", start)
}

// dollar handles a $ at s[i]: $NAME and ${NAME} become {{NAME}}, $(…) is
// refused, anything else is a literal $.
func dollar(s string, i int, cur *strings.Builder) (int, error) {
	j := i + 1
	if j < len(s) && s[j] == '(' {
		return 0, fmt.Errorf("command substitution $(…) at offset %d is not supported: paste the value, or write a {{variable}}", i)
	}
	if j < len(s) && s[j] == '{' {
		end := strings.IndexByte(s[j:], '}')
		if end > 1 && isName(s[j+1:j+end]) {
			cur.WriteString("{{" + s[j+1:j+end] + "}}")
			return j + end + 1, nil
		}
		if end < 0 {
			return 0, fmt.Errorf("unterminated ${ at offset %d", i)
		}
		return 0, fmt.Errorf("${%s} at offset %d: only plain ${NAME} references are supported", s[j+1:j+end], i)
	}
	k := j
	for k < len(s) && (s[k] == '_' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= 'a' && s[k] <= 'z' || k > j && s[k] >= '0' && s[k] <= '9') {
		k++
	}
	if k == j {
		cur.WriteByte('$')
		return j, nil
	}
	cur.WriteString("{{" + s[j:k] + "}}")
	return k, nil
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Quote returns s as one POSIX shell word: unchanged when it holds only
// characters no shell treats specially, else in single quotes (a single
// quote inside written as '\”).
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./:=@%+,", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
