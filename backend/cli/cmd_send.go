package cli

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/streamscope/streamscope/backend/run"
	"github.com/streamscope/streamscope/backend/send"
)

const sendUsage = "URL [-X METHOD] [-H 'Name: value']... [-d BODY|@FILE] [--sse|--ndjson] [--json] " + mergeFlagsUsage +
	" " + scriptFlagsUsage + " [--header-timeout D] [--idle-timeout D] [--compressed] [--retry N] [--no-follow]"

func init() {
	Register(Command{
		Name:    "send",
		Usage:   sendUsage,
		Summary: "send one request like curl -N: live timeline on stderr, merged result on stdout",
		Run: func(env *Env, args []string) (int, error) {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runSend(ctx, env, args)
		},
	})
}

// headerList collects repeated -H flags.
type headerList []string

func (h *headerList) String() string     { return strings.Join(*h, ", ") }
func (h *headerList) Set(v string) error { *h = append(*h, v); return nil }

func runSend(ctx context.Context, env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "send", sendUsage)
	method := fs.String("X", "", "request `METHOD` (default GET, or POST with -d)")
	var headers headerList
	fs.Var(&headers, "H", "request header `'Name: value'` (repeatable)")
	data := fs.String("d", "", "request body `BODY`, or @FILE to read it from a file (@- for stdin)")
	forceSSE := fs.Bool("sse", false, "read the response as Server-Sent Events whatever its Content-Type")
	asJSON := fs.Bool("json", false, "print the merge object with status, timing and tests as JSON")
	headerTimeout := fs.Duration("header-timeout", send.DefaultHeaderTimeout, "give up when no response headers came after `D`")
	idleTimeout := fs.Duration("idle-timeout", send.DefaultIdleTimeout, "give up when no body bytes came for `D`")
	compressed := fs.Bool("compressed", false, "ask for a gzip or br compressed response (decoded as it arrives)")
	retries := fs.Int("retry", 0, "retry a 429 or 503 answer up to `N` times, honouring Retry-After")
	noFollow := fs.Bool("no-follow", false, "do not follow redirects: a 3xx answer is the result")
	mf := AddMergeFlags(fs)
	sf := AddScriptFlags(fs)
	fs.Usage = func() {}
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) != 1 {
		if len(pos) == 0 {
			return ExitUsage, UsageError("missing URL (usage: streamscope send %s)", sendUsage)
		}
		return ExitUsage, UsageError("unexpected argument %q: send takes one URL", pos[1])
	}
	if *forceSSE && mf.NDJSON {
		return ExitUsage, UsageError("--sse and --ndjson exclude each other")
	}
	if *headerTimeout <= 0 || *idleTimeout <= 0 {
		return ExitUsage, UsageError("--header-timeout and --idle-timeout must be positive durations (e.g. 10s)")
	}
	if *retries < 0 {
		return ExitUsage, UsageError("--retry: must be >= 0, got %d", *retries)
	}
	req := send.Request{
		Method:        *method,
		URL:           pos[0],
		Header:        http.Header{},
		StreamMode:    send.StreamAuto,
		HeaderTimeout: *headerTimeout,
		IdleTimeout:   *idleTimeout,
		Compression:   *compressed,
		NoFollow:      *noFollow,
		Retry:         send.Retry{Enabled: *retries > 0, MaxAttempts: *retries, MaxWait: time.Minute},
	}
	switch {
	case *forceSSE:
		req.StreamMode = send.StreamSSE
	case mf.NDJSON:
		req.StreamMode = send.StreamNDJSON
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") {
			return ExitUsage, UsageError("-H %q: want 'Name: value'", h)
		}
		req.Header.Add(name, strings.TrimSpace(value))
	}
	dataSet := false
	fs.Visit(func(f *flag.Flag) { dataSet = dataSet || f.Name == "d" })
	if dataSet {
		body, err := readBodyArg(env, *data)
		if err != nil {
			return ExitUsage, err
		}
		req.Body = body
		if req.Header.Get("Content-Type") == "" && json.Valid(body) {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	sc, err := sf.Script() // compiled before anything is sent
	if err != nil {
		return ExitUsage, err
	}
	plan := &run.Plan{Request: req, Merge: sf.MergeOptions(mf.Options()), Script: sc}
	_, err = RunStream(ctx, env, StreamOptions{Command: "send", Plan: plan, JSON: *asJSON, ScriptWarnings: true})
	return ExitOK, err
}

// readBodyArg reads -d: a literal body, @FILE, or @- for stdin.
func readBodyArg(env *Env, v string) ([]byte, error) {
	if !strings.HasPrefix(v, "@") {
		return []byte(v), nil
	}
	name := v[1:]
	if name == "-" {
		b, err := io.ReadAll(env.Stdin)
		if err != nil {
			return nil, UsageError("-d @-: reading stdin: %v", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, UsageError("-d @%s: %v", name, err)
	}
	return b, nil
}
