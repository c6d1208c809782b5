// Package mockllm is Streamscope's built-in mock LLM server: an http.Handler
// that answers the five major streaming chat APIs, three servers people
// run themselves and Amazon Bedrock with their real wire formats, byte for byte, offline and deterministically, and that
// produces on request every fault real networks and providers produce. The
// desktop app starts it in-process on a free loopback port for the demo
// project; `streamscope mock` runs it standalone; tests use it as a bench.
//
// # Starting it
//
//	srv := mockllm.New(mockllm.Options{})            // zero value: default pacing
//	baseURL, stop, err := srv.Start(ctx, "")          // "" = 127.0.0.1:0, a free loopback port
//	defer stop()
//
// or mount srv (an http.Handler) anywhere, e.g. httptest.NewServer(srv); to
// count connections there, set the http.Server's ConnState to
// srv.ConnState. srv.OpenConnections() reports open TCP connections and
// srv.ActiveRequests() the requests being served; a stream whose client went
// away stops within one token interval. Predict(path, body) returns the
// Answer the server will generate for a request, i.e. exactly what a correct
// merge of its stream yields.
//
// # Endpoints (all POST)
//
//   - /v1/chat/completions: OpenAI Chat Completions. Streams `data: {json}`
//     chunks ending with `data: [DONE]`; text as `delta.content`; with
//     `tools`, a tool call whose `function.arguments` arrive in fragments
//     (finish_reason "tool_calls"); `stream_options.include_usage` adds
//     `"usage":null` to every chunk and a usage chunk with empty `choices`
//     after the finish chunk; a model whose name contains "reasoner" streams
//     `reasoning_content` deltas first (DeepSeek style); `n` > 1 (up to 16)
//     interleaves the choices' chunks by `index`. `max_tokens` /
//     `max_completion_tokens` cut the answer with finish_reason "length".
//   - /v1/responses: OpenAI Responses. `event: <type>` + `data: {json}` with
//     sequence numbers: response.created, response.in_progress,
//     output_item.added, content_part.added, output_text.delta …,
//     output_text.done, content_part.done, output_item.done,
//     response.completed (with usage). A `reasoning` object with a `summary`
//     (or a "reasoner" model) adds a reasoning item with
//     reasoning_summary_part / reasoning_summary_text events first; with
//     `tools`, a function_call item with function_call_arguments.delta
//     events. `max_output_tokens` ends with response.incomplete.
//   - /v1/messages: Anthropic Messages. message_start, content_block_start,
//     ping, content_block_delta (text_delta), content_block_stop,
//     message_delta (stop_reason + usage), message_stop. `thinking`
//     {"type":"enabled"} adds a thinking block (thinking_delta, then a
//     signature_delta); with `tools`, a short text block and a tool_use block
//     with input_json_delta fragments (stop_reason "tool_use"); `max_tokens`
//     smaller than the answer gives stop_reason "max_tokens".
//   - /v1beta/models/{model}:streamGenerateContent?alt=sse: Gemini, framed
//     `data: {json}\r\n\r\n` (CRLF) with no end marker, a few tokens per
//     chunk, cumulative usageMetadata, finishReason "STOP" on the last chunk.
//     `generationConfig.thinkingConfig.includeThoughts` adds `"thought":true`
//     parts first; `tools[].functionDeclarations` gives a functionCall part
//     with an `args` object; `maxOutputTokens` gives "MAX_TOKENS". Without
//     alt=sse the same responses stream as one JSON array; :generateContent
//     answers one JSON response. /v1/models/... is accepted too.
//   - /api/chat: Ollama, NDJSON (application/x-ndjson), one JSON object per
//     line with message.content, message.thinking (with `"think": true` or
//     "low"/"medium"/"high"), message.tool_calls with object arguments, and
//     a final `"done":true` line with done_reason and counts. Ollama streams
//     unless `"stream": false`. `options.num_predict` gives done_reason
//     "length".
//   - /generate_stream: Hugging Face text-generation-inference, SSE framed
//     `data:{json}` with no space after the colon (TGI's router, axum), no
//     end marker: one event per token {"index","token":{"id","text",
//     "logprob","special"},"generated_text":null,"details":null}, then a
//     special "</s>" token with generated_text (the prompt in front with
//     `parameters.return_full_text`) and, with `parameters.details`,
//     details {finish_reason "eos_token", generated_tokens (the "</s>"
//     included), seed, input_length}; without details no finish reason is
//     sent. `parameters.max_new_tokens` ends on a normal token with
//     finish_reason "length". Takes {"inputs", "parameters"}; tools are not
//     part of TGI's native API. /generate answers {"generated_text"} (and
//     details) in one piece. Heartbeats are axum's empty `:` comments.
//   - /completion: the llama.cpp server's native completion. With
//     `"stream": true` (it answers in one piece by default) `data: {json}`
//     partial results {"index","content","tokens","stop":false,"id_slot",
//     "tokens_predicted","tokens_evaluated"}, then the final result with
//     "stop":true, an empty content, stop_type "eos" (or "limit" for
//     `n_predict`), generation_settings, prompt, tokens_cached and timings;
//     no [DONE] (llama.cpp sends it only on its OpenAI routes). Takes
//     {"prompt", "n_predict", "stream", "temperature"}.
//   - /v1/chat: Cohere v1 chat, NDJSON (application/x-ndjson): stream-start
//     (generation_id), text-generation events, stream-end with the whole
//     response (text, chat_history, meta.billed_units / tokens) and
//     finish_reason "COMPLETE" ("MAX_TOKENS" for `max_tokens`). With
//     `tools` (name, parameter_definitions) the plan sentence streams as
//     tool-calls-chunk text, then tool_call_delta {index, name} and
//     parameters fragments, then tool-calls-generation with the calls
//     (parameters as objects, no ids); `tool_results` answers with text.
//     Takes {"message", "model", "chat_history", "tools", "tool_results",
//     "max_tokens", "stream"}.
//   - /model/{modelId}/converse-stream: Amazon Bedrock ConverseStream in the
//     binary AWS event stream (application/vnd.amazon.eventstream), one
//     frame per event with :event-type, :content-type and :message-type
//     headers: messageStart, contentBlockDelta (text, reasoningContent text
//     then signature with additionalModelRequestFields.thinking), toolUse
//     blocks (contentBlockStart, input fragments) for toolConfig.tools,
//     contentBlockStop, messageStop (stopReason end_turn, tool_use,
//     max_tokens for inferenceConfig.maxTokens), metadata (usage, metrics);
//     every payload has Bedrock's "p" padding. /converse answers the
//     Converse JSON.
//   - /model/{modelId}/invoke-with-response-stream: Bedrock InvokeModel with
//     an Anthropic model (the id contains "anthropic."; body: Anthropic
//     Messages with anthropic_version, no model): Anthropic's events, each
//     base64 in a "chunk" frame's {"bytes","p"}, message_stop with
//     amazon-bedrock-invocationMetrics. /invoke answers Anthropic's JSON.
//     The model id may be written with %3A for ':'.
//     Bedrock errors are {"message"} with the exception in X-Amzn-ErrorType.
//     A request signed with AWS Signature Version 4 is verified as AWS
//     does, with the mock's MockAccessKeyID / MockSecretAccessKey (another
//     key: 403 UnrecognizedClientException; a wrong signature or a date 15
//     minutes off: 403 InvalidSignatureException); an unsigned request is
//     served.
//
// Every endpoint answers `"stream": false` (Gemini: :generateContent, TGI:
// /generate; llama.cpp and Cohere v1 without `"stream": true`) with the
// provider's non-streaming JSON. GET / lists the endpoints and the
// request headers (also exported as Endpoints and Headers).
//
// # Answers
//
// The answer is derived from the request alone, so the same request gives
// the same bytes (ids, timestamps and signatures are derived from a hash of
// the request too). It quotes the start of the last user message and always
// contains multi-byte UTF-8 (“ ” — é ß 東京 emoji) so split streams cut
// inside characters. Tools: the model calls every tool whose name appears
// in the prompt, else the first tool (a forced tool_choice wins; "none"
// disables calls); arguments fill the tool's JSON Schema properties in
// sorted order: strings get the prompt's last capitalised word (else its
// longest word, else "Paris"), enums their first value, numbers a small
// number. When the last turn is a tool result, the model answers with text
// about it, so agent loops end.
//
// Long answers: the request header `X-Mock-Tokens: N` (1 <= N <= 2,000,000)
// makes every choice's text content exactly N tokens long (as counted by
// the mock's tokenizer, the unit of pacing and of the usage counts): the
// usual answer, then generated Markdown (numbered `##` headings, paragraphs,
// bullet lists with bold terms, inline code, multi-byte characters of two
// to four bytes), cut at exactly N tokens and derived from the request like
// everything else. Reasoning stays as it is. With tool calls, the calls stay
// and the N-token text comes before them, opening with "I’ll use <tool> to
// answer that."; after a tool result, the text about the result is the
// opening. Usage counts include the N tokens; max_tokens and its
// equivalents still cut the text (finish "length" and the like). Predict
// ignores headers; PredictWith(path, header, body) applies X-Mock-Tokens.
// Token-carrying events are rendered from per-kind templates when they are
// written, so the plan of a 1,200,000-token answer is built in 0.2 to 0.4 s
// and keeps 30 to 130 MB (BenchmarkLongAnswerPlan, on a 2-core box).
//
// # Pacing
//
// Options.TokensPerSecond (default 250) and Options.TimeToFirstToken
// (default 10 ms) pace generated tokens; structural events (starts, stops,
// usage) go out without delay. Options.Unpaced turns pacing off; the
// Realistic options (60 tokens/s after 350 ms) suit demos. Per
// request, the header `X-Mock-TPS: N` (tokens per second, 0 = no pacing)
// and `X-Mock-TTFT-Ms: MS` override them. Non-streaming answers wait the
// time the stream would take.
//
// Pacing follows a schedule, not a sleep per token: the first token frame
// is due TTFT after the stream starts, every later one when its own tokens
// have been generated (start + TTFT + tokens since the first frame / rate).
// A frame due more than min(1 ms, half a token interval) ahead is waited
// for (heartbeats and client cancellation work during the wait); one due
// sooner, or overdue, is written at once. Timer granularity and write costs
// therefore do not add up: the average rate is the requested one at 20,000
// tokens/s as at 5, a stream is never ahead of its schedule by more than
// that slack, and at high rates frames go out in small bursts (about one
// per millisecond).
//
// # Timestamps
//
// For latency measurements, the request header `X-Mock-Stamp: 1` (or
// "true"; any other value is refused) puts an `id:` line first in every SSE
// event, holding the Unix time in microseconds at which the mock wrote the
// event to the connection, e.g. `id: 1763751234567890` (CRLF-terminated in
// Gemini's CRLF framing). The time is taken when the event is written, not
// when the response is planned; it is the wall clock at the start of the
// stream plus the monotonic time since, so the ids of one stream never
// decrease. A client's SSE parser then reports it as the event's last
// event ID, and now minus the id is the delivery latency. Every event gets
// its own line (also the two events of the Responses error fault, and the
// OpenAI `[DONE]`); heartbeat comments do not. The stamp is inserted before
// the split fault cuts the bytes; with gzip it is the time the event was
// compressed. Only SSE streams have ids: an Ollama or Cohere v1 (NDJSON) stream, a
// Gemini stream without alt=sse, or a non-streaming request with the header
// is answered with HTTP 400 naming the header and the reason.
//
// # Faults
//
// The header `X-Mock-Fault` takes a comma-separated list (several headers
// are merged; names are case-insensitive):
//
//   - split: the bytes are cut at random points (seeded by the request, so
//     reproducible), mostly inside a multi-byte UTF-8 sequence; the tail of
//     an event is held back until after the next token pause, so the client
//     really receives half events.
//   - slow-first: the first token comes after 2 s.
//   - heartbeat: an SSE comment line `: ping` (`\r\n` inside Gemini's JSON
//     array) before the stream, between events and every 250 ms of a long
//     pause. NDJSON streams (Ollama, Cohere v1) get nothing: NDJSON has no
//     comment, a real Ollama or Cohere sends no bytes while the model is
//     busy, and a blank line would be an empty event (ollama-js warns on
//     each); the fault is accepted there and changes nothing.
//   - drop: after about half the generated tokens the connection is closed
//     abruptly, with no end marker and no terminating HTTP chunk (the client
//     sees an unexpected EOF), like a network failure. (The handler panics
//     with http.ErrAbortHandler, which net/http turns into that close.)
//   - error: after about half the generated tokens a provider-shaped error
//     arrives and the stream ends without its end marker: OpenAI Chat
//     `data: {"error":{...}}`; Responses `event: error` then
//     `event: response.failed`; Anthropic `event: error` with an
//     overloaded_error; Gemini `data: {"error":{"code":500,...}}`; Ollama a
//     `{"error":"..."}` line; TGI `data:{"error","error_type":"generation"}`;
//     llama.cpp `data: {"error":{"code":500,"message","type":"server_error"}}`;
//     Cohere v1 a stream-end with finish_reason "ERROR" (all that v1 says);
//     Bedrock an exception frame (internalServerException for Converse,
//     modelStreamErrorException for InvokeModel). For a non-streaming
//     request: HTTP 500 with the provider's error body.
//   - gzip: `Content-Encoding: gzip`; the body is compressed and held back
//     until the end, so all events arrive in one burst.
//   - 429: HTTP 429 with `Retry-After: 1` and the provider's rate-limit
//     error body (OpenAI rate_limit_exceeded, Anthropic rate_limit_error,
//     Gemini RESOURCE_EXHAUSTED, Ollama {"error":…}, TGI error_type
//     "overloaded", llama.cpp unavailable_error, Cohere {"message"}, Bedrock
//     ThrottlingException); takes precedence over the others.
//
// The Bedrock routes refuse the heartbeat fault and X-Mock-Stamp (HTTP 400):
// an AWS event stream has no heartbeat frames and no SSE event ids. The
// split, drop and gzip faults cut and compress the binary frames as they do
// text.
//
// An unknown fault name, an invalid override header, a body that is not a
// JSON object or misses a required field is answered with HTTP 400 and a
// provider-shaped error whose message names the header, fault, field
// (e.g. `messages[2].role`) or JSON position at fault. Other methods get 405,
// other paths 404.
package mockllm
