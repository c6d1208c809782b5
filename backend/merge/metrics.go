package merge

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/streamscope/streamscope/backend/sse"
)

// GapThreshold is the pause between two events from which Metrics lists
// the gap.
const GapThreshold = time.Second

// maxGaps bounds Metrics.Gaps.
const maxGaps = 100

// Metrics describes a stream's timing, for the UI.
type Metrics struct {
	// Events is the number of timed events.
	Events int `json:"events"`
	// ContentEvents counts events that added content, reasoning, refusal,
	// tool-call or tool-plan text.
	ContentEvents int `json:"content_events"`
	// FirstEventMS and LastEventMS are the offsets of the first and last
	// event; -1 when no event arrived.
	FirstEventMS float64 `json:"first_event_ms"`
	LastEventMS  float64 `json:"last_event_ms"`
	// FirstContentMS is the offset of the first event that added text
	// (the first token); -1 when none did.
	FirstContentMS float64 `json:"first_content_ms"`
	LastContentMS  float64 `json:"last_content_ms"`
	// Tokens is the output token count the provider reported in its usage
	// when it did (TokensFromUsage), else ContentEvents (one token per
	// text-carrying event, as servers stream them).
	Tokens          int  `json:"tokens"`
	TokensFromUsage bool `json:"tokens_from_usage"`
	// TokensPerSecond is Tokens over the time from the first to the last
	// text-carrying event; 0 when that time is 0.
	TokensPerSecond float64 `json:"tokens_per_second"`
	// MaxGapMS is the longest pause between two consecutive events, and
	// MaxGapAfter the 1-based number of the event before it.
	MaxGapMS    float64 `json:"max_gap_ms"`
	MaxGapAfter int     `json:"max_gap_after"`
	// Gaps lists pauses of at least GapThreshold (the first 100).
	Gaps []Gap `json:"gaps,omitempty"`
}

// Gap is one long pause in a stream.
type Gap struct {
	AfterEvent int     `json:"after_event"` // 1-based number of the event before the pause
	MS         float64 `json:"ms"`
}

type timing struct {
	n             int
	content       int
	first, last   time.Duration
	firstC, lastC time.Duration
	maxGap        time.Duration
	maxGapAfter   int
	gaps          []Gap
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// AddTimed merges ev like Add and records that it arrived at offset at
// (time since the request was sent) for Metrics.
func (m *Merger) AddTimed(ev sse.Event, at time.Duration) {
	before := m.grown
	m.Add(ev)
	t := &m.timing
	t.n++
	if t.n == 1 {
		t.first = at
	} else if gap := at - t.last; gap > 0 {
		if gap > t.maxGap {
			t.maxGap, t.maxGapAfter = gap, t.n-1
		}
		if gap >= GapThreshold && len(t.gaps) < maxGaps {
			t.gaps = append(t.gaps, Gap{AfterEvent: t.n - 1, MS: ms(gap)})
		}
	}
	t.last = at
	if m.grown > before {
		t.content++
		if t.content == 1 {
			t.firstC = at
		}
		t.lastC = at
	}
}

// Metrics returns the timing figures of the events given to AddTimed.
func (m *Merger) Metrics() Metrics {
	t := &m.timing
	x := Metrics{
		Events: t.n, ContentEvents: t.content,
		FirstEventMS: -1, LastEventMS: -1, FirstContentMS: -1, LastContentMS: -1,
		MaxGapMS: ms(t.maxGap), MaxGapAfter: t.maxGapAfter,
		Gaps: append([]Gap(nil), t.gaps...),
	}
	if t.n > 0 {
		x.FirstEventMS, x.LastEventMS = ms(t.first), ms(t.last)
	}
	if t.content > 0 {
		x.FirstContentMS, x.LastContentMS = ms(t.firstC), ms(t.lastC)
	}
	x.Tokens = t.content
	if n, ok := outputTokens(m.usage); ok {
		x.Tokens, x.TokensFromUsage = n, true
	}
	if span := t.lastC - t.firstC; span > 0 {
		x.TokensPerSecond = float64(x.Tokens) / span.Seconds()
	}
	return x
}

// outputTokens finds the output token count in a provider usage object.
func outputTokens(u map[string]any) (int, bool) {
	if u == nil {
		return 0, false
	}
	for _, k := range []string{"completion_tokens", "output_tokens", "candidatesTokenCount", "eval_count", "outputTokens"} {
		if n, ok := toInt(u[k]); ok {
			return n, true
		}
	}
	if tk, ok := u["tokens"].(map[string]any); ok { // Cohere
		return toInt(tk["output_tokens"])
	}
	return 0, false
}

func toInt(v any) (int, bool) {
	if n, ok := v.(json.Number); ok {
		i, err := strconv.Atoi(string(n))
		return i, err == nil
	}
	return 0, false
}
