package script

import (
	"strings"
	"testing"
	"time"
)

// Code compiled in the sandbox is bounded in size, which bounds its
// nesting: goja's parser, compiler and regular-expression parsers recurse
// on the Go stack, and a million levels was a fatal stack overflow of the
// whole process (issue 17, item 1, "anything else": eval, new Function,
// new RegExp with text from the stream). Each case crashed the test binary
// before.
func TestDeeplyNestedCodeIsRefused(t *testing.T) {
	t.Parallel()
	cases := []struct{ src, want string }{
		{"eval('['.repeat(1e6))", "RangeError: eval: the code has more than 65536 tokens, the sandbox limit"},
		{"eval('!'.repeat(8e6) + '1')", "RangeError: eval: the code has more than 65536 tokens"},
		{"new Function('return ' + '('.repeat(1e6))", "RangeError: Function: the code has more than 65536 tokens"},
		{"Function('a', '('.repeat(4e4), '['.repeat(4e4))", "RangeError: Function: the code has more than 65536 tokens"},
		{"(function () {}).constructor('{'.repeat(1e6))", "RangeError: Function: the code has more than 65536 tokens"},
		{"Object.getPrototypeOf(function* () {}).constructor('{'.repeat(1e6))", "RangeError: GeneratorFunction: the code has more than 65536 tokens"},
		{"(async function () {}).constructor('{'.repeat(1e6))", "RangeError: AsyncFunction: the code has more than 65536 tokens"},
		{"Object.getPrototypeOf((function* () {}).constructor)('{'.repeat(1e6))", "RangeError: Function: the code has more than 65536 tokens"},
		{"Reflect.construct(Function, ['['.repeat(1e6)])", "RangeError: Function: the code has more than 65536 tokens"},
		{"new RegExp('('.repeat(1e6) + ')'.repeat(1e6))", "RangeError: RegExp: pattern length: 2000000 exceeds the sandbox limit of 65536"},
		{"RegExp('(?='.repeat(1e5))", "RangeError: RegExp: pattern length: 300000 exceeds the sandbox limit of 65536"},
		{"/x/.constructor('('.repeat(1e5))", "RangeError: RegExp: pattern length"},
		{"new RegExp({ [Symbol.match]: true, source: '('.repeat(1e5), flags: '' })", "RangeError: RegExp: pattern length"},
		{"class R extends RegExp {}; new R('('.repeat(1e5))", "RangeError: RegExp: pattern length"},
		{"/x/.compile('('.repeat(1e5))", "RangeError: RegExp.prototype.compile: pattern length"},
		{"'x'.match('('.repeat(1e5))", "RangeError: RegExp: pattern length"},
		{"'x'.matchAll('('.repeat(1e5))", "RangeError: RegExp: pattern length"},
		{"'x'.search({ toString: function () { return '('.repeat(1e5) } })", "RangeError: RegExp: pattern length"},
		{"'x'.match({ [Symbol.match]: 1 })", "TypeError: String.prototype.match: the argument's Symbol.match is not a function"},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			t.Parallel()
			_, _, err := runScript(t, "function onEnd(ctx) {\n"+c.src+"\n}", RunOptions{Timeout: 30 * time.Second})
			if e := scriptErr(t, err); e.Kind != KindThrown || e.Line != 2 || !strings.HasPrefix(e.Message, c.want) {
				t.Errorf("error = %#v, want %q", e, c.want)
			}
		})
	}
}

// The wrapped eval, Function constructors, RegExp and string methods
// behave as before for ordinary use (eval is indirect: global scope).
func TestCompiledCodeStillWorks(t *testing.T) {
	t.Parallel()
	src := `
var g = 7;
function onEnd(ctx) {
	var local = 1, out = [];
	var re = /b(.)/g;
	function* gen() { yield 1 }
	out.push(eval("1 + 1"), eval("typeof local"), eval("g"), eval(5),
		Function("a", "b", "return a + b")(1, 2), new Function("return 3")(),
		Function.length, Function.name, (function () {}) instanceof Function, Function.prototype.constructor === Function,
		(function () {}).constructor === Function, Object.getPrototypeOf(gen).constructor("yield 4")().next().value,
		Object.getPrototypeOf(Object.getPrototypeOf(gen).constructor) === Function,
		RegExp(re) === re, new RegExp(re) !== re, new RegExp(re, "i").flags, RegExp("a+", "g").test("caa"),
		/a/ instanceof RegExp, /a/.constructor === RegExp, RegExp.prototype.constructor === RegExp, RegExp.length, RegExp.name,
		RegExp[Symbol.species] === RegExp, "a.b.c".split(/\./).length, "abc".match("b")[0], "abc".search("c"),
		[..."a1b2".matchAll("\\d")].length, "abcbd".replace(re, "[$1]"), /x/.compile("y", "g").test("y"),
		"ABC".match({ [Symbol.match]: function (s) { return s.toLowerCase() } }),
		(class R extends RegExp { hi() { return "hi" } }).prototype.hi.call(null), new (class R extends RegExp {})("q").test("q"),
		"x".match(undefined)[0] === "", "a".search() === 0);
	ctx.append(out.join("|"));
}`
	_, res, err := runScript(t, src, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "2|undefined|7|5|3|3|1|Function|true|true|true|4|true|true|true|i|true|true|true|true|2|RegExp|true|3|b|2|2|a[c][d]|true|abc|hi|true|true|true"
	if res.Content != want {
		t.Errorf("got  %s\nwant %s", res.Content, want)
	}
}

// A script file has the same bound, checked before goja parses it.
func TestCompileRefusesHugeScripts(t *testing.T) {
	t.Parallel()
	for _, src := range []string{strings.Repeat("(", 8_000_000), "var x = " + strings.Repeat("[", 70000)} {
		_, err := Compile("big.js", src)
		if e := scriptErr(t, err); e.Kind != KindSyntax || e.Phase != "compile" || !strings.Contains(e.Message, "more than 65536 tokens, the sandbox limit") {
			t.Errorf("error = %#v", e)
		}
	}
	// Just under the limit, deeply nested code compiles (or fails as a
	// plain syntax error) without harm.
	if _, err := Compile("ok.js", "var x = "+strings.Repeat("[", 30000)+strings.Repeat("]", 30000)); err != nil {
		t.Errorf("30,000 nested arrays: %v", err)
	}
}

func TestCodeUnits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{"   \n\t", 0},
		{"a", 1},
		{"typeof typeof x", 3},
		{"typeof(typeof(x))", 7},
		{"x=>x=>1", 7},
		{"1e5 0x1F 12ab", 7},   // 1 e5, 0 x1 F, 12 ab: more than the tokens is fine
		{"'é€😀'", 5},           // each non-ASCII character counts
		{"a\u00a0b\u2028c", 5}, // non-ASCII white space never joins tokens
		{"f(a, b) // hi", 9},   // comments count as code
		{"`${`${x}`}`", 11},    // ` $ { ` $ { x } ` } `
		{strings.Repeat("(", 100), 100},
	} {
		if got := codeUnits(c.s, 1000); got != c.want {
			t.Errorf("codeUnits(%q) = %d, want %d", c.s, got, c.want)
		}
	}
	if got := codeUnits(strings.Repeat("(", 100), 10); got != 11 {
		t.Errorf("past max: %d, want 11", got)
	}
}

// Go's regexp, which goja uses for the patterns it accepts, has no time
// limit and an interrupt cannot stop a match: a match costed (string
// length × compiled program × capture slots) past MaxRegexpCost is refused
// before it starts. Before, this one ran for more than 100 s in a call
// that was abandoned after 2 s, keeping a CPU busy.
func TestCostlyRegexpIsRefused(t *testing.T) {
	t.Parallel()
	src := "function onEnd(ctx) {\n  var re = new RegExp('(?:' + '(a)|'.repeat(2000) + '(b))*c');\n  re.test('a'.repeat(1e5));\n}"
	_, _, err := runScript(t, src, RunOptions{})
	if e := scriptErr(t, err); e.Kind != KindThrown || e.Line != 3 ||
		!strings.HasPrefix(e.Message, "RangeError: regular expression /(?:(a)|(a)|") || !strings.Contains(e.Message, "matching it against 100000 characters is too costly for the sandbox") {
		t.Errorf("error = %#v", e)
	}
	// Ordinary patterns over long strings, and regexp2 ones (backreferences,
	// lookarounds: bounded by RegexpMatchTimeout), are not refused.
	ok := "function onEnd(ctx) {\n  var s = 'ab '.repeat(2e3), long = 'xy'.repeat(5e5) + 'ab ';\n" +
		"  ctx.append([/(a)(b) /g.test(long), /(x|y)+a/.test(long), s.replace(/a(?=b)/g, 'x').length, /(\\w)\\1/.test(s), s.split(/\\s+/).length, (s.match(/b/g) || []).length].join())\n}"
	_, res, err := runScript(t, ok, RunOptions{})
	if err != nil || res.Content != "true,true,6000,false,2001,2000" {
		t.Errorf("content %q, error %v", res.Content, err)
	}
	if k := regexpCostFactor("(a)(b)", ""); k <= 0 {
		t.Errorf("cost factor of (a)(b) = %d", k)
	}
	if k := regexpCostFactor("(a)\\1", ""); k != 0 {
		t.Errorf("cost factor of a regexp2 pattern = %d, want 0", k)
	}
}
