package script

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Text a script makes that is shown as one line (an error message, a
// console message, a test name or failure message, a ctx.fail message, a
// finish reason, a tool call's name) is cut at Limits.MaxMessage (issue 17,
// item 21). Before, an 8 MB error message became an 8 MB error line.
func TestScriptLinesAreCapped(t *testing.T) {
	t.Parallel()
	const big = "var big = 'é'.repeat(1 << 17);\n" // 256 KiB of UTF-8
	lim := Limits{}.withDefaults().MaxMessage
	check := func(t *testing.T, what, s string) {
		t.Helper()
		if len(s) > lim || len(s) < lim-100 || !utf8.ValidString(s) || !strings.HasSuffix(s, " bytes in all]") {
			t.Errorf("%s: %d bytes, valid UTF-8 %v, ends %q", what, len(s), utf8.ValidString(s), s[max(0, len(s)-40):])
		}
	}
	t.Run("uncaught error", func(t *testing.T) {
		t.Parallel()
		_, _, err := runScript(t, big+"function onEnd(ctx) { throw new Error(big) }", RunOptions{})
		e := scriptErr(t, err)
		check(t, "error message", e.Message)
		if !strings.HasPrefix(e.Message, "Error: éé") || len(e.Error()) > lim+100 {
			t.Errorf("error line %d bytes: %.40q", len(e.Error()), e.Error())
		}
	})
	t.Run("the API", func(t *testing.T) {
		t.Parallel()
		src := big + `function onEnd(ctx) {
	console.log(big);
	pm.test(big, function () { throw new Error(big) });
	ctx.setFinishReason(big);
	ctx.addToolCall({ id: big, name: big, arguments: "{}" });
	ctx.fail(big);
}`
		run, res, err := runScript(t, src, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		logs, tests := run.Logs(), run.Tests()
		if len(logs) != 1 || len(tests) != 1 || res.Error == nil || res.FinishReason == nil || len(res.ToolCalls) != 1 {
			t.Fatalf("logs %d tests %d result %+v", len(logs), len(tests), res)
		}
		check(t, "console message", logs[0].Message)
		check(t, "test name", tests[0].Name)
		check(t, "test message", tests[0].Message)
		check(t, "ctx.fail message", res.Error.Message)
		check(t, "finish reason", *res.FinishReason)
		check(t, "tool call id", res.ToolCalls[0].ID)
		check(t, "tool call name", res.ToolCalls[0].Name)
	})
	t.Run("short text is kept as it is", func(t *testing.T) {
		t.Parallel()
		run, res, err := runScript(t, "function onEnd(ctx) { console.log('é'.repeat(100)); ctx.fail('no') }", RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if run.Logs()[0].Message != strings.Repeat("é", 100) || res.Error.Message != "no" {
			t.Errorf("logs %+v error %+v", run.Logs(), res.Error)
		}
	})
}

// Tool call arguments count toward MaxOutput like appended text.
func TestToolCallsCountTowardTheOutputLimit(t *testing.T) {
	t.Parallel()
	_, res, err := runScript(t, "function onEnd(ctx) { for (;;) ctx.addToolCall({ name: 'f', arguments: 'x'.repeat(1000) }) }", RunOptions{Limits: Limits{MaxOutput: 10000}})
	if e := scriptErr(t, err); e.Message != "RangeError: ctx.addToolCall: output limit of 10000 bytes reached" {
		t.Errorf("error = %#v", e)
	}
	if len(res.ToolCalls) != 9 {
		t.Errorf("%d tool calls kept", len(res.ToolCalls))
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{strings.Repeat("a", 100), 40, strings.Repeat("a", 13) + "… [cut: 100 bytes in all]"},
		{strings.Repeat("é", 50), 40, strings.Repeat("é", 6) + "… [cut: 100 bytes in all]"},
		{strings.Repeat("a", 100), 5, "… [cut: 100 bytes in all]"},
	} {
		if got := clip(c.in, c.max); got != c.want {
			t.Errorf("clip(%d bytes, %d) = %q, want %q", len(c.in), c.max, got, c.want)
		}
	}
}
