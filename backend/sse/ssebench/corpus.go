package ssebench

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Corpus is one named benchmark input.
type Corpus struct {
	Name string
	Desc string
	Data []byte
}

// DefaultSize is the size of each corpus used by the benchmarks.
const DefaultSize = 4 << 20

// All returns the three parser corpora of about size bytes each: an OpenAI
// chat completion stream, the same stream with CRLF line endings, and 64 KiB
// events of many data lines.
func All(size int) []Corpus {
	chat, large := OpenAIChat(size), LargeEvents(size)
	return []Corpus{
		{"openai-chat", fmt.Sprintf("OpenAI chat.completion.chunk stream, LF (%.1f%% non-ASCII bytes)", 100*NonASCII(chat)), chat},
		{"openai-chat-crlf", "the same stream with CRLF line endings", CRLF(chat)},
		{"multiline-64k", fmt.Sprintf("64 KiB events (event, id, 128-byte data lines of text; %.1f%% non-ASCII bytes)", 100*NonASCII(large)), large},
	}
}

// words is a small vocabulary of mostly English text with some multi-byte
// UTF-8 and characters that JSON escapes, so the data is not plain ASCII.
var words = []string{
	"the", " model", " streams", " tokens", ",", " and", " each", " chunk", " carries", " a",
	" small", " delta", ".", " to", " of", " in", " is", " that", " it", " for",
	" on", " with", " as", " this", " by", " from", " at", " be", " are", " we",
	" response", " server", " client", " event", " data", " field", " line", " value", " parser", " text",
	" answer", " question", " because", " however", " example", " function", " result", " should", " would", " could",
	" Über", " naïve", " café", " 日本語", " данные", " 🚀", " 42", `\n`, `\"quoted\"`, "—",
}

// NonASCII returns the share of bytes >= 0x80 in b.
func NonASCII(b []byte) float64 {
	n := 0
	for _, c := range b {
		if c >= 0x80 {
			n++
		}
	}
	return float64(n) / float64(max(len(b), 1))
}

// OpenAIChat returns an OpenAI-style chat completion stream of about size
// bytes: a role chunk, content chunks of one or two tokens, a finish chunk, a
// usage chunk and the [DONE] sentinel, each as "data: <json>\n\n".
func OpenAIChat(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.Grow(size + 1024)
	const head = `{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":`
	b.WriteString("data: " + head + `{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n")
	n := 0
	for b.Len() < size-600 {
		tok := words[rng.IntN(len(words))]
		if rng.IntN(3) == 0 {
			tok += words[rng.IntN(len(words))]
		}
		b.WriteString("data: " + head + `{"content":"` + tok + `"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n")
		n++
	}
	b.WriteString("data: " + head + `{},"logprobs":null,"finish_reason":"stop"}],"usage":null}` + "\n\n")
	b.WriteString(`data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":` + strconv.Itoa(n) + `,"total_tokens":` + strconv.Itoa(n+12) + "}}\n\n")
	b.WriteString("data: [DONE]\n\n")
	return b.Bytes()
}

// CRLF returns b with every LF replaced by CRLF.
func CRLF(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

// LargeEvents returns about size bytes of 64 KiB events, each with an event
// type, an id and 128-byte data lines of text.
func LargeEvents(size int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	b.Grow(size + 70<<10)
	var line strings.Builder
	for id := 1; b.Len() < size; id++ {
		fmt.Fprintf(&b, "event: document\nid: doc-%d\n", id)
		start := b.Len()
		for b.Len()-start < 64<<10 {
			line.Reset()
			for {
				w := words[rng.IntN(len(words))]
				if line.Len()+len(w) > 128-6 {
					break
				}
				line.WriteString(w)
			}
			b.WriteString("data: ")
			b.WriteString(line.String())
			b.WriteString(strings.Repeat(".", 128-6-line.Len()))
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// NDJSON returns about size bytes of Ollama-style /api/chat NDJSON lines.
func NDJSON(size int) []byte {
	rng := rand.New(rand.NewPCG(5, 6))
	var b bytes.Buffer
	b.Grow(size + 1024)
	for b.Len() < size-300 {
		tok := words[rng.IntN(len(words))]
		b.WriteString(`{"model":"llama3.2","created_at":"2025-01-01T00:00:00.000000Z","message":{"role":"assistant","content":"` + tok + `"},"done":false}` + "\n")
	}
	b.WriteString(`{"model":"llama3.2","created_at":"2025-01-01T00:00:01.000000Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":4883583458,"eval_count":282}` + "\n")
	return b.Bytes()
}

// Chunks splits b into pieces of at most n bytes, as network reads would
// deliver them.
func Chunks(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		k := min(n, len(b))
		out = append(out, b[:k])
		b = b[k:]
	}
	return out
}
