package main

import (
	"regexp"
	"strings"
)

// Cmd is a command word found in a script.
type Cmd struct {
	Name string
	Line int
}

// builtins are bash's builtins and reserved words, which are never external.
var builtins = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`alias bg bind break builtin caller cd command compgen complete
		compopt continue declare dirs disown echo enable eval exec exit export false fc fg getopts
		hash help history jobs kill let local logout mapfile popd printf pushd pwd read readarray
		readonly return set shift shopt source suspend test times trap true type typeset ulimit
		umask unalias unset wait . : [ [[ ]] ]] if then else elif fi case esac for select while
		until do done in function time coproc ! { }`) {
		builtins[w] = true
	}
}

// reserved words after which the next word is again in command position.
var reserved = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "do": true, "while": true,
	"until": true, "!": true, "{": true, "}": true, "time": true, "fi": true, "done": true,
	"esac": true,
}

// wrappers run the command named by their first word that is not an option.
var wrappers = map[string]bool{
	"exec": true, "sudo": true, "$SUDO": true, "env": true, "setsid": true, "nohup": true,
	"nice": true, "xargs": true, "builtin": true, "timeout": true,
}

var assignRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=`)
var heredocRE = regexp.MustCompile(`<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)(['"]?)`)

type token struct {
	word string // "" for a separator
	sep  bool
	line int
}

// Commands lists the words in command position of a bash script.
func Commands(text string) []Cmd {
	toks := lex(text)
	var out []Cmd
	cmdPos := true
	skipNext := false // the next word is a redirection target
	inFor := false    // between "for"/"case"/"select" and the next separator
	wrapped := false  // after a wrapper: the next non-option word is the command
	timeoutArg := false
	afterCommand := false // after the builtin "command"
	for _, t := range toks {
		if t.sep {
			cmdPos, skipNext, inFor, wrapped, timeoutArg, afterCommand = true, false, false, false, false, false
			continue
		}
		w := t.word
		if skipNext {
			skipNext = false
			continue
		}
		if isRedirect(w) {
			if redirectNeedsTarget(w) {
				skipNext = true
			}
			continue
		}
		if inFor {
			if w == "do" {
				inFor = false
				cmdPos = true
			}
			continue
		}
		if !cmdPos {
			continue
		}
		if afterCommand {
			afterCommand = false
			if w == "-v" || w == "-V" {
				cmdPos = false // `command -v X` only asks whether X exists
				continue
			}
		}
		if wrapped {
			if strings.HasPrefix(w, "-") || timeoutArg && isDuration(w) {
				timeoutArg = false
				continue
			}
			wrapped = false
		}
		switch {
		case w == "for" || w == "case" || w == "select":
			inFor = true
			cmdPos = false
			continue
		case reserved[w]:
			continue
		case assignRE.MatchString(w):
			continue
		case w == "command":
			afterCommand = true
			continue
		case wrappers[w]:
			wrapped = true
			timeoutArg = w == "timeout"
			if w != "exec" && w != "builtin" && w != "$SUDO" {
				out = append(out, Cmd{Name: w, Line: t.line})
			}
			continue
		}
		cmdPos = false
		if strings.ContainsAny(w, "$`\"'") || w == "" {
			continue // a name computed at run time
		}
		out = append(out, Cmd{Name: w, Line: t.line})
	}
	return out
}

func isDuration(w string) bool {
	return regexp.MustCompile(`^[0-9.]+[smhd]?$`).MatchString(w)
}

func isRedirect(w string) bool {
	return regexp.MustCompile(`^[0-9&]?(>>?|<<<|<>|<|>&|<&)`).MatchString(w)
}

// redirectNeedsTarget is true for an operator written apart from its file.
func redirectNeedsTarget(w string) bool {
	return regexp.MustCompile(`^[0-9&]?(>>?|<<<|<>|<|>&|<&)$`).MatchString(w)
}

// lex splits a script into words and command separators. Quoted text stays
// in its word; $(…), <(…), >(…) and backticks open a nested command
// position (a separator) and their closing parenthesis ends it; $((…)) is
// arithmetic and kept in its word; comments and here-document bodies are
// dropped.
func lex(text string) []token {
	var toks []token
	var cur strings.Builder
	curQuoted := false
	line := 1
	var heredocs []heredoc
	lines := strings.SplitAfter(text, "\n")
	// depth of open command substitutions; each entry: inside double quotes
	// when it was opened.
	type frame struct{ inDQ bool }
	var stack []frame
	inDQ := false
	flush := func() {
		if cur.Len() > 0 || curQuoted {
			w := cur.String()
			toks = append(toks, token{word: w, line: line})
		}
		cur.Reset()
		curQuoted = false
	}
	sep := func() {
		flush()
		toks = append(toks, token{sep: true, line: line})
	}
	for li := 0; li < len(lines); li++ {
		ln := lines[li]
		line = li + 1
		for _, m := range heredocRE.FindAllStringSubmatch(ln, -1) {
			if !inDQ {
				heredocs = append(heredocs, heredoc{word: m[3], dash: m[1] == "-"})
			}
		}
		for i := 0; i < len(ln); i++ {
			c := ln[i]
			if inDQ {
				switch {
				case c == '\\' && i+1 < len(ln):
					cur.WriteByte(c)
					cur.WriteByte(ln[i+1])
					i++
				case c == '"':
					inDQ = false
					curQuoted = true
					cur.WriteByte(c)
				case c == '$' && strings.HasPrefix(ln[i:], "$(("):
					j := arithEnd(ln, i+3)
					cur.WriteString(ln[i:j])
					i = j - 1
				case c == '$' && i+1 < len(ln) && ln[i+1] == '(':
					cur.WriteString("$")
					stack = append(stack, frame{inDQ: true})
					inDQ = false
					sep()
					i++
				default:
					cur.WriteByte(c)
				}
				continue
			}
			switch {
			case c == '\\' && i+1 < len(ln):
				if ln[i+1] != '\n' {
					cur.WriteByte(c)
					cur.WriteByte(ln[i+1])
				}
				i++
			case c == '\'':
				j := strings.IndexByte(ln[i+1:], '\'')
				if j < 0 { // a quote over several lines
					cur.WriteString(ln[i:])
					for li++; li < len(lines); li++ {
						if k := strings.IndexByte(lines[li], '\''); k >= 0 {
							ln, i = lines[li], k
							break
						}
					}
					if li >= len(lines) {
						flush()
						return toks
					}
					line = li + 1
					continue
				}
				cur.WriteString(ln[i : i+j+2])
				curQuoted = true
				i += j + 1
			case c == '"':
				inDQ = true
				cur.WriteByte(c)
			case c == '#' && cur.Len() == 0 && !curQuoted:
				i = len(ln) // comment
			case c == '$' && strings.HasPrefix(ln[i:], "$(("):
				j := arithEnd(ln, i+3)
				cur.WriteString(ln[i:j])
				i = j - 1
			case c == '$' && i+1 < len(ln) && ln[i+1] == '(':
				cur.WriteString("$")
				stack = append(stack, frame{})
				sep()
				i++
			case (c == '<' || c == '>') && i+1 < len(ln) && ln[i+1] == '(':
				flush()
				stack = append(stack, frame{})
				sep()
				i++
			case c == '$' && i+1 < len(ln) && ln[i+1] == '{':
				j := strings.IndexByte(ln[i:], '}')
				if j < 0 {
					j = len(ln) - i - 1
				}
				cur.WriteString(ln[i : i+j+1])
				i += j
			case c == '`':
				sep()
			case c == ')' && len(stack) > 0:
				f := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				sep()
				if f.inDQ {
					inDQ = true
					cur.WriteString("\"")
				}
			case c == '(' && strings.HasSuffix(cur.String(), "="):
				// NAME=(a b c): an array's words, not commands.
				j := strings.IndexByte(ln[i:], ')')
				if j < 0 {
					j = len(ln) - i - 1
				}
				cur.WriteString(ln[i : i+j+1])
				i += j
			case c == ';' || c == '|' || c == '(' || c == ')' || c == '\n':
				sep()
			case c == '&':
				if cur.Len() > 0 && (strings.HasSuffix(cur.String(), ">") || strings.HasSuffix(cur.String(), "<")) {
					cur.WriteByte(c) // 2>&1
				} else if i+1 < len(ln) && ln[i+1] == '>' {
					cur.WriteByte(c) // &>file
				} else {
					sep()
				}
			case c == ' ' || c == '\t':
				flush()
			default:
				cur.WriteByte(c)
			}
		}
		if len(heredocs) > 0 && !inDQ {
			sep()
			for _, h := range heredocs {
				for li++; li < len(lines); li++ {
					body := strings.TrimRight(lines[li], "\n")
					if h.dash {
						body = strings.TrimLeft(body, "\t")
					}
					if body == h.word {
						break
					}
				}
			}
			heredocs = nil
		}
	}
	flush()
	return toks
}

type heredoc struct {
	word string
	dash bool
}

// arithEnd returns the index just past the "))" closing $(( at start.
func arithEnd(s string, start int) int {
	depth := 2
	for i := start; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}
