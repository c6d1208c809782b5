package mockllm

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Long answers (header X-Mock-Tokens): Markdown text of an exact number of
// tokens, assembled from the phrase lists below by a generator seeded from
// the request, so the same request gives the same text.

// MaxAnswerTokens is the largest X-Mock-Tokens value.
const MaxAnswerTokens = 2_000_000

var (
	longSubjects = []string{
		"The client", "Each chunk", "The parser", "A careful reader", "The mock model", "Every delta",
		"The merge step", "Our café’s résumé", "The naïve approach", "The 東京 office", "A streaming UI",
		"The server", "This answer", "Each token", "The timeline", "A proxy in between",
	}
	longVerbs = []string{
		"keeps", "carries", "splits", "merges", "delivers", "buffers", "checks", "reorders",
		"flushes", "counts", "decodes", "renders", "quotes", "revisits", "validates", "streams",
	}
	longObjects = []string{
		"multi-byte characters like é, ß and 東京", "the usage totals", "partial UTF-8 sequences",
		"every JSON delta", "the `finish_reason` field", "a friendly 👋", "the last event ID",
		"long paragraphs of Markdown", "the “quoted” prompt", "numbers such as 42 and 3.14",
		"the heartbeat comments", "half-written events", "the Größe of each frame",
		"the déjà-vu moments", "a **bold** claim or two", "the `data:` lines",
	}
	longTails = []string{
		"", "", ", so the timeline stays readable", " — without dropping a byte",
		" while the UI batches its updates", ", and ✓ marks the end", " in the same order every time",
		" even when the network cuts inside a character", " (as the spec says)",
		", which is exactly the point 🙂", " before the next heartbeat", " at 20,000 tokens per second",
	}
	longEnds     = []string{".", ".", ".", ".", "!", "…"}
	longHeadings = []string{
		"Overview", "How the stream is framed", "Größe und Maß: sizes", "Edge cases — and why they matter",
		"Notes from 東京", "Step by step", "A worked example ✓", "Trade-offs", "What can go wrong",
		"Summary 🚀", "Déjà vu: retries", "Reading the timeline",
	}
	longTerms = []string{"Framing", "Latency", "Ordering", "Encoding", "Backpressure", "Résumé", "Usage", "Merging"}
)

// longText returns Markdown that starts with opening (may be "") and is
// exactly n tokens long by tokenize; h seeds the generator.
func longText(opening string, n int, h uint64) string {
	rng := rand.New(rand.NewPCG(h, 0x107e))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	var b strings.Builder
	b.Grow(n * 6)
	count := 0
	// add appends a piece and counts its tokens. Pieces after the first
	// start with a space or a line break and none ends with one, so the
	// text's tokens are the pieces' tokens put together.
	add := func(piece string) {
		b.WriteString(piece)
		for i := 0; i < len(piece); i = tokenEnd(piece, i) {
			count++
		}
	}
	sentence := func(lead string) string {
		return lead + pick(longSubjects) + " " + pick(longVerbs) + " " + pick(longObjects) + pick(longTails) + pick(longEnds)
	}
	if opening != "" {
		add(opening)
	}
	section := 1
	for count < n {
		lead := "\n\n"
		if b.Len() == 0 {
			lead = ""
		}
		switch k := rng.IntN(10); {
		case k == 0:
			add(lead + "## " + strconv.Itoa(section) + ". " + pick(longHeadings))
			section++
		case k == 1:
			add(lead + "In short, " + strings.ToLower(pick(longTerms)) + " comes down to three things:")
			for range 3 + rng.IntN(3) {
				add(sentence("\n- **" + pick(longTerms) + "**: "))
			}
		default:
			add(sentence(lead))
			for range 2 + rng.IntN(4) {
				add(sentence(" "))
			}
		}
	}
	s := b.String()
	if count == n {
		return s
	}
	end := 0
	for range n {
		end = tokenEnd(s, end)
	}
	return s[:end]
}
