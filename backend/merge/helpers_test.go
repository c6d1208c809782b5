package merge

import (
	"math/rand/v2"
	"testing"

	"github.com/streamscope/streamscope/backend/sse"
)

// mergeBody parses body as SSE (or NDJSON) and merges it as a body that
// ended cleanly (unless it ends mid-event). chunk > 0 feeds the parser in
// pieces of random sizes 1..chunk drawn from seed.
func mergeBody(t testing.TB, body []byte, o Options, ndjson bool, chunk int, seed uint64) Result {
	t.Helper()
	m, err := New(o)
	if err != nil {
		t.Fatalf("New(%+v): %v", o, err)
	}
	p := sse.NewParser(sse.Options{NDJSON: ndjson})
	emit := func(ev sse.Event) { m.Add(ev) }
	if chunk <= 0 {
		if err := p.Feed(body, emit); err != nil {
			t.Fatalf("Feed: %v", err)
		}
	} else {
		r := rand.New(rand.NewPCG(seed, 7))
		for b := body; len(b) > 0; {
			n := 1 + r.IntN(chunk)
			n = min(n, len(b))
			if err := p.Feed(b[:n], emit); err != nil {
				t.Fatalf("Feed: %v", err)
			}
			b = b[n:]
		}
	}
	if p.End(emit) {
		return m.End() // the body ended mid-event: cut off
	}
	return m.EndClean()
}
