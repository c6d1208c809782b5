package mockllm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Default pacing: fast enough for tests, slow enough to see a stream arrive.
const (
	DefaultTokensPerSecond  = 250
	DefaultTimeToFirstToken = 10 * time.Millisecond
)

// Realistic is a pacing close to a hosted model's (about 60 tokens per
// second after 350 ms), for demos where the stream should be seen arriving.
var Realistic = Options{TokensPerSecond: 60, TimeToFirstToken: 350 * time.Millisecond}

// Request headers that override the server's pacing for one request.
const (
	HeaderFault = "X-Mock-Fault"   // comma-separated fault names
	HeaderTPS   = "X-Mock-TPS"     // tokens per second, > 0; 0 = no pacing
	HeaderTTFT  = "X-Mock-TTFT-Ms" // time to first token in milliseconds, >= 0
	// HeaderTokens makes the answer's text exactly N tokens long
	// (1 <= N <= MaxAnswerTokens): several paragraphs of generated Markdown.
	HeaderTokens = "X-Mock-Tokens"
	// HeaderStamp ("1" or "true") gives every SSE event an `id:` line with
	// the Unix time in microseconds at which the mock wrote it.
	HeaderStamp = "X-Mock-Stamp"
)

// maxBody is the largest request body the mock reads.
const maxBody = 8 << 20

// Options configures a Server. The zero value is ready to use.
type Options struct {
	// TokensPerSecond is the generation rate; 0 means DefaultTokensPerSecond.
	TokensPerSecond float64
	// TimeToFirstToken is the pause before the first generated token; 0
	// means DefaultTimeToFirstToken.
	TimeToFirstToken time.Duration
	// Unpaced sends everything without pauses (the header overrides still
	// apply).
	Unpaced bool
	// Logf, when set, receives one line per request.
	Logf func(format string, args ...any)
}

// Server is the mock LLM server, an http.Handler.
type Server struct {
	opts   Options
	active atomic.Int64 // requests being served
	conns  atomic.Int64 // open TCP connections (through ConnState)
}

// New returns a mock server with the given options.
func New(opts Options) *Server {
	if opts.TokensPerSecond == 0 {
		opts.TokensPerSecond = DefaultTokensPerSecond
	}
	if opts.TimeToFirstToken == 0 {
		opts.TimeToFirstToken = DefaultTimeToFirstToken
	}
	return &Server{opts: opts}
}

// ActiveRequests is the number of requests being served right now; a stream
// the client abandoned stops counting within a token interval.
func (s *Server) ActiveRequests() int { return int(s.active.Load()) }

// OpenConnections is the number of open client connections. It is counted
// for servers made by Start, or when ConnState is installed as an
// http.Server's ConnState hook.
func (s *Server) OpenConnections() int { return int(s.conns.Load()) }

// ConnState counts connections; install it as http.Server.ConnState.
func (s *Server) ConnState(_ net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateHijacked, http.StateClosed:
		s.conns.Add(-1)
	}
}

// Start listens on addr ("" means 127.0.0.1:0, a free loopback port) and
// serves in the background until ctx ends or stop is called. stop ends
// running streams and waits for the server to close.
func (s *Server) Start(ctx context.Context, addr string) (baseURL string, stop func(), err error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("mock server: listen on %s: %w", addr, err)
	}
	base, cancel := context.WithCancel(context.Background())
	srv := &http.Server{
		Handler:           s,
		ConnState:         s.ConnState,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	var once atomic.Bool
	stop = func() {
		if !once.CompareAndSwap(false, true) {
			<-done
			return
		}
		cancel() // ends running streams
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close()
		}
		<-done
	}
	go func() {
		select {
		case <-ctx.Done():
			stop()
		case <-done:
		}
	}()
	return "http://" + ln.Addr().String(), stop, nil
}

// Endpoints lists the routes the mock serves, for help texts.
var Endpoints = []string{
	"POST /v1/chat/completions  (OpenAI Chat Completions)",
	"POST /v1/responses  (OpenAI Responses)",
	"POST /v1/messages  (Anthropic Messages)",
	"POST /v1beta/models/{model}:streamGenerateContent?alt=sse  (Gemini; also :generateContent)",
	"POST /api/chat  (Ollama NDJSON)",
	"POST /model/{modelId}/converse-stream  (Amazon Bedrock ConverseStream, AWS event stream; also /converse)",
	"POST /model/{modelId}/invoke-with-response-stream  (Bedrock InvokeModel, Anthropic models; also /invoke)",
	"POST /generate_stream  (Hugging Face TGI; also /generate)",
	"POST /completion  (llama.cpp server)",
	"POST /v1/chat  (Cohere v1 NDJSON)",
}

// ServeHTTP routes a request to its provider.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.active.Add(1)
	defer s.active.Add(-1)
	p, model, method, ok := route(r.URL.Path)
	if !ok {
		if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			writeBody(w, http.StatusOK, "text/plain; charset=utf-8", []byte(indexText()))
			return
		}
		writeBody(w, http.StatusNotFound, "application/json", mustJSON(o("error", o(
			"message", fmt.Sprintf("mock LLM server: no endpoint %s %s; endpoints: %s", r.Method, r.URL.Path, strings.Join(Endpoints, "; ")),
			"type", "invalid_request_error", "param", nil, "code", "unknown_url"))))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeBody(w, http.StatusMethodNotAllowed, p.jsonType, p.errorBody(http.StatusMethodNotAllowed,
			fmt.Sprintf("method %s not allowed on %s, use POST", r.Method, r.URL.Path)))
		return
	}
	s.handle(w, r, p, model, method)
}

// Headers lists the request headers the mock understands, for help texts.
var Headers = []string{
	HeaderFault + ": " + strings.Join(faultNames, ",") + "  (comma-separated faults)",
	HeaderTPS + ": N  (tokens per second; 0 = no pacing)",
	HeaderTTFT + ": MS  (time to first token in milliseconds)",
	HeaderTokens + ": N  (answer text of exactly N tokens, 1 to " + strconv.Itoa(MaxAnswerTokens) + ")",
	HeaderStamp + ": 1  (every SSE event gets an id: line with its write time in Unix microseconds)",
}

func indexText() string {
	var b strings.Builder
	b.WriteString("Streamscope mock LLM server\n\nEndpoints:\n")
	for _, e := range Endpoints {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString("\nRequest headers:\n")
	for _, h := range Headers {
		b.WriteString("  " + h + "\n")
	}
	return b.String()
}

// route finds the provider of a path; for Gemini it also returns the model
// and the method (generateContent or streamGenerateContent).
func route(path string) (p *provider, model, method string, ok bool) {
	switch path {
	case "/v1/chat/completions":
		return openAIChat, "", "", true
	case "/v1/responses":
		return openAIResponses, "", "", true
	case "/v1/messages":
		return anthropic, "", "", true
	case "/api/chat":
		return ollama, "", "", true
	case "/generate_stream", "/generate":
		return tgi, "", "", true
	case "/completion":
		return llamaCpp, "", "", true
	case "/v1/chat":
		return cohereV1, "", "", true
	}
	if p, model, method, ok := bedrockRoute(path); ok {
		return p, model, method, true
	}
	for _, prefix := range []string{"/v1beta/models/", "/v1/models/"} {
		rest, found := strings.CutPrefix(path, prefix)
		if !found {
			continue
		}
		model, method, found = strings.Cut(rest, ":")
		if found && model != "" && !strings.Contains(model, "/") &&
			(method == "streamGenerateContent" || method == "generateContent") {
			return gemini, model, method, true
		}
	}
	return nil, "", "", false
}

// provider is one wire format.
type provider struct {
	format string
	// parse reads a decoded request body; errors are *badRequest.
	parse func(body map[string]any, r *http.Request, model string) (*request, error)
	// finish maps an outcome ("stop", "tool", "length") to the finish value.
	finish func(outcome string) string
	// adjust, when set, changes the generated answer to what the request
	// makes the provider send (e.g. no finish reason without TGI details).
	adjust func(a *Answer, req *request)
	// idPrefix and idLen shape the response id (idLen 0: no id).
	idPrefix string
	idLen    int
	// stream builds the streamed response.
	stream func(a *Answer, req *request, x *ids, r *http.Request) *plan
	// body builds the non-streaming JSON response.
	body func(a *Answer, req *request, x *ids) []byte
	// errorBody is a provider-shaped error body for an HTTP status.
	errorBody func(status int, msg string) []byte
	// jsonType is the Content-Type of the provider's JSON bodies.
	jsonType string
	// errorType, when set, names the error of a status in the
	// X-Amzn-ErrorType header (Bedrock).
	errorType func(status int) string
	// check, when set, vets a request once its body is read (Bedrock's
	// SigV4 verification): a status other than 0 refuses it with that
	// error type (X-Amzn-ErrorType) and message.
	check func(r *http.Request, body []byte, f faults) (status int, errType, msg string)
}

// ids gives the deterministic identifiers and timestamps of one response.
type ids struct {
	seed    uint64
	rng     *rand.Rand
	id      string
	created int64 // Unix seconds
}

func newIDs(seed uint64, prefix string, n int) *ids {
	x := &ids{seed: seed, rng: rand.New(rand.NewPCG(seed, 0x1d5))}
	// A fixed day in 2026 plus up to a year, derived from the request.
	x.created = 1767225600 + int64(seed%31536000)
	if n > 0 {
		x.id = prefix + x.token(n)
	}
	return x
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// token returns n deterministic alphanumeric characters.
func (x *ids) token(n int) string {
	return string(x.appendToken(make([]byte, 0, n), n))
}

// appendToken appends what token(n) returns to b.
func (x *ids) appendToken(b []byte, n int) []byte {
	for range n {
		b = append(b, alnum[x.rng.IntN(len(alnum))])
	}
	return b
}

// answerFor parses a body and generates the answer; tokens is the
// X-Mock-Tokens value (0: none).
func answerFor(p *provider, body []byte, r *http.Request, model string, tokens int) (*request, *Answer, *ids, error) {
	m, err := decodeObject(body)
	if err != nil {
		return nil, nil, nil, err
	}
	req, err := p.parse(m, r, model)
	if err != nil {
		return nil, nil, nil, err
	}
	req.tokens = tokens
	sd := seed(p.format, req.model, string(body))
	x := newIDs(sd, p.idPrefix, p.idLen)
	a := generate(p.format, req, x.id, p.finish)
	if p.adjust != nil {
		p.adjust(a, req)
	}
	for ci := range a.Choices {
		for ti := range a.Choices[ci].ToolCalls {
			a.Choices[ci].ToolCalls[ti].ID = toolCallID(p.format, a.Choices[ci].ToolCalls[ti].ID)
		}
	}
	return req, a, x, nil
}

// toolCallID shapes a hex seed into the provider's tool call id style.
func toolCallID(format, hex string) string {
	switch format {
	case "anthropic":
		return "toolu_01" + hex
	case "gemini":
		return ""
	case "ollama":
		return "call_" + hex[:8]
	case "bedrock-converse":
		return "tooluse_" + hex
	case "cohere-v1":
		return "" // v1 tool calls have no ids
	}
	return "call_" + hex
}

// Predict returns the answer the mock generates for a POST of body to path
// (a path such as "/v1/messages" or "/v1beta/models/m:streamGenerateContent"),
// or the error the mock would answer with HTTP 400.
func Predict(path string, body []byte) (*Answer, error) {
	return PredictWith(path, nil, body)
}

// PredictWith is Predict for a request with headers: of the mock's own
// headers, X-Mock-Tokens changes the answer (the others change only the
// timing or the bytes on the wire).
func PredictWith(path string, header http.Header, body []byte) (*Answer, error) {
	p, model, _, ok := route(path)
	if !ok {
		return nil, fmt.Errorf("mock LLM server: no endpoint %s", path)
	}
	tokens, err := parseTokens(header)
	if err != nil {
		return nil, err
	}
	r, _ := http.NewRequest(http.MethodPost, "http://mock"+path, nil)
	_, a, _, err := answerFor(p, body, r, model, tokens)
	return a, err
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, p *provider, model, method string) {
	start := time.Now()
	status := http.StatusOK
	defer func() {
		if s.opts.Logf != nil {
			s.opts.Logf("%s %s %s -> %d in %s", r.Method, r.URL.RequestURI(), r.Header.Get(HeaderFault), status, time.Since(start).Round(time.Millisecond))
		}
	}()
	fail := func(code int, msg string) {
		status = code
		if p.errorType != nil && w.Header().Get("X-Amzn-Errortype") == "" {
			w.Header().Set("X-Amzn-Errortype", p.errorType(code))
		}
		writeBody(w, code, p.jsonType, p.errorBody(code, msg))
	}
	f, err := parseFaults(r.Header.Values(HeaderFault))
	if err != nil {
		fail(http.StatusBadRequest, err.Error())
		return
	}
	pace, err := s.pacing(r.Header)
	if err != nil {
		fail(http.StatusBadRequest, err.Error())
		return
	}
	tokens, err := parseTokens(r.Header)
	if err != nil {
		fail(http.StatusBadRequest, err.Error())
		return
	}
	stamp, err := parseStamp(r.Header)
	if err != nil {
		fail(http.StatusBadRequest, err.Error())
		return
	}
	if f.rateLimit {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("X-Ratelimit-Remaining-Requests", "0")
		fail(http.StatusTooManyRequests, "Rate limit reached (mock fault 429). Please retry after 1 second.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		fail(http.StatusBadRequest, "request body: "+err.Error())
		return
	}
	if len(body) > maxBody {
		fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("request body: larger than %d bytes", maxBody))
		return
	}
	if p.check != nil {
		if code, errType, msg := p.check(r, body, f); code != 0 {
			w.Header().Set("X-Amzn-Errortype", errType)
			fail(code, msg)
			return
		}
	}
	req, a, x, err := answerFor(p, body, r, model, tokens)
	if err != nil {
		var br *badRequest
		if errors.As(err, &br) {
			fail(http.StatusBadRequest, br.msg)
		} else {
			fail(http.StatusInternalServerError, err.Error())
		}
		return
	}
	if p == gemini {
		req.stream = method == "streamGenerateContent"
	}
	if stamp {
		if msg := stampUnsupported(p, req, r); msg != "" {
			fail(http.StatusBadRequest, fmt.Sprintf("header %s: %s", HeaderStamp, msg))
			return
		}
	}
	w.Header().Set("X-Request-Id", "req_"+x.token(20))
	if !req.stream {
		if f.err {
			status = http.StatusInternalServerError
			respondJSON(w, r, status, p.jsonType, p.errorBody(status, internalErrorMessage), f, pace, 0, x.seed)
			return
		}
		respondJSON(w, r, http.StatusOK, p.jsonType, p.body(a, req, x), f, pace, a.CompletionTokens, x.seed)
		return
	}
	pl := p.stream(a, req, x, r)
	pl.setCut()
	pl.stamp = stamp
	stream(w, r, pl, f, pace, x.seed)
}

// internalErrorMessage is the text of the error fault's error.
const internalErrorMessage = "The server had an error while processing your request (mock fault: error)."

// pacing applies the per-request overrides to the server's options.
func (s *Server) pacing(h http.Header) (pacing, error) {
	var p pacing
	if !s.opts.Unpaced {
		p = pacing{ttft: s.opts.TimeToFirstToken, perToken: perToken(s.opts.TokensPerSecond)}
	}
	if v := h.Get(HeaderTPS); v != "" {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return pacing{}, fmt.Errorf("header %s: %q is not a number >= 0 (tokens per second; 0 = no pacing)", HeaderTPS, v)
		}
		p.perToken = perToken(f)
	}
	if v := h.Get(HeaderTTFT); v != "" {
		ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || ms < 0 || ms > 600000 {
			return pacing{}, fmt.Errorf("header %s: %q is not a whole number of milliseconds from 0 to 600000", HeaderTTFT, v)
		}
		p.ttft = time.Duration(ms) * time.Millisecond
	}
	return p, nil
}

// parseStamp reads X-Mock-Stamp: "1" or "true" turn stamps on.
func parseStamp(h http.Header) (bool, error) {
	v, ok := h[http.CanonicalHeaderKey(HeaderStamp)]
	if !ok {
		return false, nil
	}
	s := strings.TrimSpace(strings.Join(v, ","))
	if s == "1" || strings.EqualFold(s, "true") {
		return true, nil
	}
	return false, fmt.Errorf("header %s: %q is not 1 or true (the only values; leave the header out for no stamps)", HeaderStamp, s)
}

// stampUnsupported says why a request cannot carry X-Mock-Stamp ("" when
// it can): stamps are SSE `id:` lines, so the response must be an SSE stream.
func stampUnsupported(p *provider, req *request, r *http.Request) string {
	switch {
	case !req.stream:
		return "the request is not streamed (a plain JSON response has no events to stamp); stamps need an SSE stream"
	case p == ollama:
		return "Ollama's /api/chat streams NDJSON, which has no event ids; stamps need an SSE stream"
	case p == bedrockConverse || p == bedrockInvoke:
		return "Bedrock streams AWS event-stream frames, which have no SSE event ids; stamps need an SSE stream"
	case p == cohereV1:
		return "Cohere's /v1/chat streams NDJSON, which has no event ids; stamps need an SSE stream"
	case p == gemini && r.URL.Query().Get("alt") != "sse":
		return "without ?alt=sse Gemini streams one JSON array, which has no event ids; add alt=sse for an SSE stream"
	}
	return ""
}

// parseTokens reads X-Mock-Tokens (0 when absent).
func parseTokens(h http.Header) (int, error) {
	v := h.Get(HeaderTokens)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > MaxAnswerTokens {
		return 0, fmt.Errorf("header %s: %q is not a whole number of tokens from 1 to %d", HeaderTokens, v, MaxAnswerTokens)
	}
	return n, nil
}

// perToken is the pause between tokens at tps tokens per second (0: none).
func perToken(tps float64) time.Duration {
	if tps <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / tps)
}

// faults are the failure modes chosen with X-Mock-Fault.
type faults struct {
	split, slowFirst, heartbeat, drop, err, gzip, rateLimit bool
}

var faultNames = []string{"split", "slow-first", "heartbeat", "drop", "error", "gzip", "429"}

func parseFaults(values []string) (faults, error) {
	var f faults
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			switch name {
			case "":
			case "split":
				f.split = true
			case "slow-first":
				f.slowFirst = true
			case "heartbeat":
				f.heartbeat = true
			case "drop":
				f.drop = true
			case "error":
				f.err = true
			case "gzip":
				f.gzip = true
			case "429":
				f.rateLimit = true
			default:
				known := append([]string(nil), faultNames...)
				sort.Strings(known)
				return f, fmt.Errorf("header %s: unknown fault %q (known: %s)", HeaderFault, name, strings.Join(known, ", "))
			}
		}
	}
	return f, nil
}
