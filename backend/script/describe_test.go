package script

import (
	"strings"
	"testing"
	"time"
)

// withSafetyNet runs f and fails the test if it does not return within a
// generous bound (the bug this guards against hangs forever).
func withSafetyNet(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("still running after 60 s")
	}
}

// Describing an uncaught exception runs the script's code (a message
// getter, toString, a Proxy trap): it runs inside the call, under the
// call's limits, so a loop there is interrupted like any other (issue 17,
// item 2). Before, it ran after the watchdog had ended and never returned.
func TestDescribingAThrownValueIsUnderTheLimit(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"message getter": "throw { get message() { for (;;) {} } }",
		"name getter":    "throw { message: 'm', get name() { for (;;) {} } }",
		"toString":       "throw { toString: function () { for (;;) {} } }",
		"message object": "throw { message: { toString: function () { for (;;) {} } } }",
		"Proxy trap":     "throw new Proxy({}, { get: function () { for (;;) {} } })",
		"Error subclass": "class E extends Error { get message() { for (;;) {} } }; throw new E()",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			withSafetyNet(t, func() {
				_, _, err := runScript(t, "function onEvent(e, ctx) {\n"+src+"\n}", RunOptions{Timeout: 50 * time.Millisecond, Limits: Limits{Grace: 30 * time.Second}}, msg("x"))
				e := scriptErr(t, err)
				if e.Kind != KindTimeout || e.Phase != "onEvent" || e.Seq != 1 || e.Line != 2 ||
					!strings.Contains(e.Message, "uncaught exception whose message could not be read: interrupted: the call ran longer than its limit of 50ms") {
					t.Errorf("error = %#v", e)
				}
			})
		})
	}
}

// A thrown value whose message cannot be read at all is still a clear error.
func TestDescribingAThrownValueThatThrows(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		src  string
		kind ErrorKind
		want string
	}{
		"getter throws":    {"throw { get message() { throw new Error('again') } }", KindThrown, "uncaught exception whose message could not be read: reading it threw another exception"},
		"getter recursion": {"var o = { get message() { return this.message } }; throw o", KindStack, "could not be read: RangeError: maximum call stack size (1000) exceeded"},
		"plain error":      {"throw new TypeError('bad ' + e.data)", KindThrown, "TypeError: bad x"},
		"a string":         {"throw 'just a string'", KindThrown, "just a string"},
		"named object":     {"throw { name: 'Custom', message: 'went wrong' }", KindThrown, "Custom: went wrong"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runScript(t, "function onEvent(e, ctx) {\n"+c.src+"\n}", RunOptions{}, msg("x"))
			if e := scriptErr(t, err); e.Kind != c.kind || e.Message != c.want && !strings.Contains(e.Message, c.want) || e.Line != 2 {
				t.Errorf("error = %#v, want %s %q", e, c.kind, c.want)
			}
		})
	}
}

// The same holds for every other place that describes a script's value:
// a failed pm.test and console.log of an error.
func TestDescribingInsideTheAPIIsUnderTheLimit(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"pm.test failure": "pm.test('t', function () { throw { get message() { for (;;) {} } } })",
		"console.log":     "var err = new Error('x'); Object.defineProperty(err, 'message', { get: function () { for (;;) {} } }); console.log(err)",
		"pm.test name":    "pm.test({ toString: function () { for (;;) {} } }, function () {})",
		"ctx.fail":        "ctx.fail({ toString: function () { for (;;) {} } })",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			withSafetyNet(t, func() {
				_, _, err := runScript(t, "function onEnd(ctx) {\n"+src+"\n}", RunOptions{Timeout: 50 * time.Millisecond, Limits: Limits{Grace: 30 * time.Second}})
				if e := scriptErr(t, err); e.Kind != KindTimeout || e.Phase != "onEnd" || e.Line != 2 {
					t.Errorf("error = %#v", e)
				}
			})
		})
	}
}
