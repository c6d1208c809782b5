package cli

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/streamscope/streamscope/backend/sse"
	"github.com/streamscope/streamscope/backend/text"
)

func init() {
	Register(Command{
		Name:    "parse",
		Usage:   "[--ndjson] [--chunk N] [--count]",
		Summary: "parse a raw SSE (or NDJSON) body from stdin and print one JSON object per event, then a summary",
		Run:     runParse,
	})
}

func runParse(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "parse", "[--ndjson] [--chunk N] [--count]")
	ndjson := fs.Bool("ndjson", false, "treat every non-empty line as one event of type message")
	chunk := fs.Int("chunk", 0, "feed the parser `N` bytes at a time (N >= 1)")
	count := fs.Bool("count", false, "print only the summary line")
	fs.Usage = func() {} // a bad flag is reported as the one error line only
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) > 0 {
		return ExitUsage, UsageError("unexpected argument %q: parse reads the body from stdin", pos[0])
	}
	chunkSet := false
	fs.Visit(func(f *flag.Flag) { chunkSet = chunkSet || f.Name == "chunk" })
	if chunkSet && *chunk < 1 {
		return ExitUsage, UsageError("--chunk must be at least 1, got %d", *chunk)
	}

	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	p := sse.NewParser(sse.Options{NDJSON: *ndjson})
	events := 0
	var line []byte
	emit := func(e sse.Event) {
		events++
		if *count {
			return
		}
		line = append(line[:0], `{"type":`...)
		line = text.AppendJSONString(line, e.Type)
		line = append(line, `,"data":`...)
		line = text.AppendJSONString(line, e.Data)
		line = append(line, `,"id":`...)
		line = text.AppendJSONString(line, e.ID)
		line = append(line, "}\n"...)
		out.Write(line) // errors surface at Flush
	}
	warned := false
	feed := func(b []byte) {
		if err := p.Feed(b, emit); err != nil && !warned {
			// The oversized event is dropped and parsing goes on; the input
			// was readable, so this is a warning, not a failure.
			warned = true
			fmt.Fprintf(env.Stderr, "streamscope parse: warning: %v\n", err)
		}
	}

	buf := make([]byte, 256<<10)
	for {
		n, rerr := env.Stdin.Read(buf)
		for b := buf[:n]; len(b) > 0; {
			k := len(b)
			if *chunk > 0 && *chunk < k {
				k = *chunk
			}
			feed(b[:k])
			b = b[k:]
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return ExitUsage, fmt.Errorf("reading stdin: %w", rerr)
		}
	}
	p.End(emit)

	line = append(line[:0], `{"summary":{"events":`...)
	line = strconv.AppendInt(line, int64(events), 10)
	line = append(line, `,"last_event_id":`...)
	line = text.AppendJSONString(line, p.LastEventID())
	line = append(line, `,"retry":`...)
	if ms, ok := p.Retry(); ok {
		line = strconv.AppendInt(line, int64(ms), 10)
	} else {
		line = append(line, "null"...)
	}
	line = append(line, "}}\n"...)
	out.Write(line)
	if err := out.Flush(); err != nil {
		return ExitUsage, fmt.Errorf("writing stdout: %w", err)
	}
	return ExitOK, nil
}
