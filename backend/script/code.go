package script

import "unicode/utf8"

// MaxCodeTokens bounds the size of code compiled in the sandbox: a script
// (Compile), and code compiled while it runs (eval, new Function and the
// other function constructors). goja's parser and compiler recurse on the
// Go stack once per level of nesting, up to about 2.5 KB a level, and a
// stack overflow ends the whole process; nesting is at most one level a
// token, so 65,536 tokens (roughly 150-250 KB of code) stay under about
// 160 MB of stack.
const MaxCodeTokens = 1 << 16

// MaxRegexpLength bounds, in UTF-16 code units, a regular-expression
// pattern compiled while a script runs (RegExp, RegExp.prototype.compile,
// match, matchAll and search with a string). Compiling a pattern is one
// native step that costs up to about 0.5 KB of memory a character and
// recurses once per group.
const MaxRegexpLength = 1 << 16

// codeUnits counts an upper bound of the tokens in JavaScript source s,
// without tokenizing it (regular expressions, strings and comments are
// counted as if they were code): one for each run of ASCII letters, digits,
// _ and $ (and again where a letter follows a digit), and one for every
// other character that is not ASCII white space. It stops counting past
// max.
func codeUnits(s string, max int) int {
	n := 0
	prev := byte(' ') // class of the previous byte: ' ' space, 'd' digit, 'w' word, 'p' other
	for i := 0; i < len(s); i++ {
		c := s[i]
		var cls byte
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			cls = ' '
		case '0' <= c && c <= '9':
			cls = 'd'
		case c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			cls = 'w'
		case c >= utf8.RuneSelf && !utf8.RuneStart(c):
			continue // inside a character counted at its first byte
		default:
			cls = 'p'
		}
		switch {
		case cls == ' ':
		case cls == 'p':
			n++
		case cls == 'd' && prev != 'd' && prev != 'w':
			n++
		case cls == 'w' && prev != 'w':
			n++ // a word, or letters after digits
		}
		prev = cls
		if n > max {
			return n
		}
	}
	return n
}

// MaxRegexpCost bounds one regular-expression match: the string's length
// times the pattern's times its number of groups plus one. goja runs the
// patterns Go's regexp accepts with it, which has no time limit (unlike
// regexp2, see RegexpMatchTimeout) and takes time in proportion to about
// that product (~0.3 ns a unit here: 2^36 is some 20 s), in one native step
// that an interrupt cannot stop; an abandoned call would keep a CPU busy
// that long.
const MaxRegexpCost = 1 << 36
