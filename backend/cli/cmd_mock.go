package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/streamscope/streamscope/backend/mockllm"
)

func init() {
	Register(Command{
		Name:    "mock",
		Usage:   "[--addr HOST:PORT] [--tps N] [--ttft-ms MS] [--log]",
		Summary: "run the built-in mock LLM server (OpenAI, Responses, Anthropic, Gemini, Ollama) until interrupted",
		Run: func(env *Env, args []string) (int, error) {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runMock(ctx, env, args)
		},
	})
}

// runMock serves until ctx ends (a signal, or a test's cancel).
func runMock(ctx context.Context, env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "mock", "[--addr HOST:PORT] [--tps N] [--ttft-ms MS] [--log]")
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback by default; port 0 picks a free port)")
	tps := fs.Float64("tps", mockllm.DefaultTokensPerSecond, "tokens per second (0 = no pacing); header X-Mock-TPS overrides per request")
	ttft := fs.Int("ttft-ms", int(mockllm.DefaultTimeToFirstToken/time.Millisecond), "time to first token in ms; header X-Mock-TTFT-Ms overrides per request")
	logReq := fs.Bool("log", false, "log one line per request on stderr")
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) > 0 {
		return ExitUsage, UsageError("unexpected argument %q (usage: streamscope mock [--addr HOST:PORT] [--tps N] [--ttft-ms MS] [--log])", pos[0])
	}
	if *tps < 0 {
		return ExitUsage, UsageError("--tps: must be >= 0, got %g", *tps)
	}
	if *ttft < 0 {
		return ExitUsage, UsageError("--ttft-ms: must be >= 0, got %d", *ttft)
	}
	opts := mockllm.Options{TokensPerSecond: *tps, TimeToFirstToken: time.Duration(*ttft) * time.Millisecond}
	if *tps == 0 {
		opts.Unpaced = true
	} else if *ttft == 0 {
		opts.TimeToFirstToken = time.Nanosecond // "0" means immediately, not the default
	}
	if *logReq {
		opts.Logf = func(format string, a ...any) { fmt.Fprintf(env.Stderr, format+"\n", a...) }
	}
	srv := mockllm.New(opts)
	url, stop, err := srv.Start(ctx, *addr)
	if err != nil {
		return ExitUsage, UsageError("--addr: %v", err)
	}
	defer stop()
	// The base URL is the first line of stdout; an *os.File is unbuffered,
	// anything with Flush or Sync is flushed.
	fmt.Fprintln(env.Stdout, url)
	switch w := env.Stdout.(type) {
	case interface{ Flush() error }:
		_ = w.Flush()
	case interface{ Sync() error }:
		_ = w.Sync()
	}
	fmt.Fprintf(env.Stderr, "streamscope mock: serving on %s (Ctrl-C to stop)\n", url)
	for _, e := range mockllm.Endpoints {
		fmt.Fprintf(env.Stderr, "  %s\n", e)
	}
	fmt.Fprintln(env.Stderr, "request headers:")
	for _, h := range mockllm.Headers {
		fmt.Fprintf(env.Stderr, "  %s\n", h)
	}
	<-ctx.Done()
	return ExitOK, nil
}
