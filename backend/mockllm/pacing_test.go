package mockllm

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamscope/streamscope/backend/sse"
)

// timedStream posts a streaming request and returns the events with the
// time each was received, measured from just before the request was sent.
func timedStream(t *testing.T, url, body string, headers ...string) (evs []sse.Event, at []time.Duration) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	begin := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	p := sse.NewParser(sse.Options{})
	buf := make([]byte, 64<<10)
	for {
		n, rerr := resp.Body.Read(buf)
		now := time.Since(begin)
		if err := p.Feed(buf[:n], func(e sse.Event) { evs, at = append(evs, e), append(at, now) }); err != nil {
			t.Fatal(err)
		}
		if rerr != nil {
			break
		}
	}
	return evs, at
}

// TestPacingFollowsTheSchedule checks over HTTP that a stream takes the
// time its token rate says: not much less (the rate is not exceeded), and
// not much more (timer granularity and write costs do not add up; with one
// timer sleep per token, 20,000 tokens/s delivered under 1,000 events/s,
// i.e. over 2 s for these 2,000 tokens). The upper bounds are loose: the
// client parsing in the same process is the slow side under -race.
func TestPacingFollowsTheSchedule(t *testing.T) {
	t.Parallel()
	_, base := newTestServer(t, Options{Unpaced: true})
	body := `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"pace me"}]}`
	for _, tc := range []struct {
		tps, tokens int
		slack       time.Duration
	}{
		{20000, 2000, 700 * time.Millisecond},
		{1000, 300, 400 * time.Millisecond},
	} {
		t.Run(strconv.Itoa(tc.tps), func(t *testing.T) {
			t.Parallel()
			evs, at := timedStream(t, base+"/v1/chat/completions", body,
				HeaderTPS, strconv.Itoa(tc.tps), HeaderTTFT, "0", HeaderTokens, strconv.Itoa(tc.tokens))
			// Every chunk but the role and finish chunks carries one token;
			// the first token is due at once, each later one 1/tps after.
			tokens := 0
			last := time.Duration(0)
			for i, e := range evs {
				if strings.Contains(e.Data, `"delta":{"content":"`) {
					tokens++
					last = at[i]
				}
			}
			if tokens != tc.tokens {
				t.Fatalf("%d token events, want %d", tokens, tc.tokens)
			}
			want := time.Duration(tokens-1) * time.Second / time.Duration(tc.tps)
			lo, hi := want*9/10, want*3/2+tc.slack
			t.Logf("%d token events at %d/s: last after %s (schedule %s): %.0f events/s", tokens, tc.tps, last, want, float64(tokens)/last.Seconds())
			if last < lo || last > hi {
				t.Fatalf("%d tokens at %d/s took %s, want %s to %s", tokens, tc.tps, last, lo, hi)
			}
		})
	}
}

// stampWriter is a flushable ResponseWriter that records when each write
// happened and what it carried.
type stampWriter struct {
	h      http.Header
	at     []time.Time
	writes [][]byte
}

func (w *stampWriter) Header() http.Header { return w.h }
func (w *stampWriter) WriteHeader(int)     {}
func (w *stampWriter) Flush()              {}
func (w *stampWriter) Write(b []byte) (int, error) {
	w.at = append(w.at, time.Now())
	w.writes = append(w.writes, bytes.Clone(b))
	return len(b), nil
}

// TestStreamSchedule drives stream() with a plan of one-token frames into a
// writer that records write times: frame k (from 0) must not go out before
// ttft + k/tps minus the slack, and the whole stream must take about its
// schedule, at high rates (where one timer sleep per token fell far
// behind) as at low ones (where every frame is waited for).
func TestStreamSchedule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		frames int
		pace   pacing
		// extra is the time allowed beyond 1.5 times the schedule.
		extra time.Duration
	}{
		{"20000/s", 4000, pacing{perToken: perToken(20000)}, 100 * time.Millisecond},
		{"1000/s", 200, pacing{ttft: 5 * time.Millisecond, perToken: perToken(1000)}, 100 * time.Millisecond},
		{"60/s", 6, pacing{ttft: 20 * time.Millisecond, perToken: perToken(60)}, 50 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := &plan{contentType: "text/event-stream"}
			p.frames = append(p.frames, frame{b: []byte("data: start\n\n")})
			for k := range tc.frames {
				p.frames = append(p.frames, frame{b: []byte("data: " + strconv.Itoa(k) + "\n\n"), tokens: 1})
			}
			p.frames = append(p.frames, frame{b: []byte("data: end\n\n")})
			w := &stampWriter{h: http.Header{}}
			r, _ := http.NewRequest(http.MethodPost, "http://mock/", nil)
			t0 := time.Now()
			stream(w, r, p, faults{}, tc.pace, 1)
			if len(w.at) != tc.frames+2 {
				t.Fatalf("%d writes, want %d", len(w.at), tc.frames+2)
			}
			slack := min(maxSlack, tc.pace.perToken/2)
			for k := range tc.frames {
				due := tc.pace.ttft + time.Duration(k)*tc.pace.perToken
				if got := w.at[k+1].Sub(t0); got < due-slack {
					t.Fatalf("frame %d written after %s, before its due time %s", k, got, due)
				}
			}
			schedule := tc.pace.ttft + time.Duration(tc.frames-1)*tc.pace.perToken
			took := w.at[len(w.at)-1].Sub(t0)
			t.Logf("%d frames: %s (schedule %s), %.0f frames/s", tc.frames, took, schedule, float64(tc.frames-1)/(took-tc.pace.ttft).Seconds())
			if took > schedule*3/2+tc.extra {
				t.Fatalf("%d frames took %s, schedule %s", tc.frames, took, schedule)
			}
		})
	}
}
