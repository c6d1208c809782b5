package run

import (
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/redact"
)

// view applies deltas of one text the way the UI does.
type view struct {
	t    *testing.T
	tx   *Texts
	ui   string
	max  int // the largest delta's JSON width
	sent int // deltas
}

func (v *view) apply(full string, ended bool, budget int) {
	v.t.Helper()
	for {
		b := budget
		d, more := v.tx.Delta("content", full, &b, ended)
		if d != nil {
			v.sent++
			if d.Reset {
				v.ui = d.Append
			} else {
				v.ui += d.Append
			}
			if d.Total != len(v.ui) {
				v.t.Fatalf("total %d, the view has %d", d.Total, len(v.ui))
			}
			v.max = max(v.max, JSONWidth(d.Append))
		}
		if !more {
			return
		}
	}
}

func TestTextDeltas(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		texts  []string // successive states of the text
		budget int
		want   string
		sent   int // deltas sent in all
	}{
		{"appends", []string{"he", "hello", "hello world"}, 100, "hello world", 3},
		{"unchanged: no delta", []string{"abc", "abc", "abc"}, 100, "abc", 1},
		{"a rewrite resets", []string{"hello", "bye"}, 100, "bye", 2},
		{"cut to the budget", []string{strings.Repeat("a", 25)}, 10, strings.Repeat("a", 25), 3},
		{"never inside a UTF-8 sequence", []string{"éééé"}, 3, "éééé", 4},
		{"escapes count 6", []string{"\"\"\"\""}, 12, "\"\"\"\"", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			v := &view{t: t, tx: NewTexts(nil)}
			for _, s := range c.texts {
				v.apply(s, false, c.budget)
			}
			if v.ui != c.want || v.sent != c.sent || v.max > c.budget {
				t.Fatalf("view %q after %d deltas (largest %d), want %q after %d", v.ui, v.sent, v.max, c.want, c.sent)
			}
			if got := v.tx.Shown("content"); got != c.want {
				t.Fatalf("Shown %q", got)
			}
		})
	}
}

// A secret that arrives in pieces is masked whole: its start is held back
// until the text shows what it is, and the batches stay in their budget.
func TestMaskedTextDeltas(t *testing.T) {
	t.Parallel()
	const key = "sk-Split-1234567890"
	v := &view{t: t, tx: NewTexts(redact.New(key))}
	step := func(full string, ended bool, want string) {
		t.Helper()
		v.apply(full, ended, 16000)
		if strings.Contains(v.ui, "sk-") && !ended {
			t.Fatalf("after %q the view has %q", full, v.ui)
		}
		if want != "" && v.ui != want {
			t.Fatalf("after %q the view has %q, want %q", full, v.ui, want)
		}
	}
	step("split sk-Spl", false, "")
	step("split sk-Split-12345", false, "")
	step("split sk-Split-1234567890 done", false, "split [secret] done")
	// a script rewrote the text: it is sent again, masked
	step("rewritten "+key+" sk-Sp", false, "rewritten [secret] ")
	// at the end what was held back goes out: it was not a secret
	step("rewritten "+key+" sk-Sp", true, "rewritten [secret] sk-Sp")
	if got := v.tx.Shown("content"); got != v.ui {
		t.Fatalf("Shown %q, the view %q", got, v.ui)
	}

	// a one-character secret makes the text longer: deltas stay in budget
	w := &view{t: t, tx: NewTexts(redact.New("x"))}
	w.apply(strings.Repeat("x", 30000), false, 16000)
	if w.ui != strings.Repeat(redact.Mark, 30000) || w.max > 16000 {
		t.Fatalf("view has %d bytes, largest delta %d", len(w.ui), w.max)
	}
}

func TestCutJSON(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s      string
		budget int
		want   int
	}{{"abc", 2, 2}, {"é", 1, 0}, {"é", 2, 2}, {"<a>", 6, 1}, {"", 5, 0}, {"ab\n", 7, 2}, {"ab\n", 8, 3}} {
		if got := CutJSON(c.s, c.budget); got != c.want {
			t.Errorf("CutJSON(%q, %d) = %d, want %d", c.s, c.budget, got, c.want)
		}
	}
}
