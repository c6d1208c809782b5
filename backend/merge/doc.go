// Package merge turns the events of an LLM stream into the complete reply:
// content, reasoning, tool calls, stop reason, usage, errors and a verdict,
// for every major provider format (recognised from the events' content) and
// for user JSONPath rules.
//
// Formats (Formats, Options.Format): OpenAI Chat Completions and the
// compatible servers (DeepSeek reasoning_content, Ollama /v1 and OpenRouter
// reasoning and reasoning_details, Mistral typed content parts, Groq, xAI,
// Perplexity, Azure OpenAI, vLLM, SGLang, LM Studio, LocalAI), the OpenAI
// Responses API, Anthropic Messages, Google Gemini, Ollama's native NDJSON,
// Cohere v2 ("cohere") and v1 ("cohere-v1", NDJSON), Hugging Face
// text-generation-inference generate_stream ("tgi"), the llama.cpp
// server's native /completion stream ("llama-cpp"), the Vercel AI SDK UI
// message stream, Amazon Bedrock ConverseStream ("bedrock-converse", one
// event per AWS event-stream frame, bedrock.go; InvokeModel's base64
// "chunk" events are merged as the model's own format, Anthropic on
// Bedrock as "anthropic"), JSONPath rules ("jsonpath", evaluated with ojg)
// and "script" (no built-in merge: a post-processor script fills the
// result). With Options.Format empty the first decisive event picks the
// format from its event type and JSON shape, never from a URL: a TGI token
// object, a llama.cpp content string beside a boolean stop, a Cohere v1
// event_type, a ConverseStream event type.
//
// Result.ToolCalls holds only the calls the client must answer (functions,
// custom tools, and the Responses computer, local shell, apply_patch, MCP
// approval and client tool-search calls, told apart by ToolCall.Type).
// Tools the provider ran itself are Result.ServerTools (extras.go):
// Anthropic server_tool_use / mcp_tool_use blocks with their *_tool_result
// blocks, Responses web_search_call, file_search_call,
// code_interpreter_call, image_generation_call, mcp_call, mcp_list_tools,
// program and hosted shell / tool-search calls with their output items,
// Gemini code execution, server-side toolCall parts, grounding searches and
// URL context, Groq executed_tools, Vercel tools with providerExecuted.
// Result.Citations gathers every format's citations and sources,
// Result.Filters the content-filter and safety results (Azure, OpenAI
// moderation, Gemini safety ratings and blocks, filtered stop reasons),
// Result.Refusal the model's refusal text. An SSE event named error is an
// error in every format, and so is an event whose type ends in "Exception"
// (Bedrock's throttlingException, modelStreamErrorException, ...) and a
// stop reason that says the generation failed (OpenAI-compatible abort /
// error, Cohere ERROR / TIMEOUT / USER_CANCEL). Usage is the provider's
// usage object; where a format has none it holds the counters the stream
// sends (Ollama's, TGI details, llama.cpp tokens_* and timings, Bedrock's
// metrics and invocation metrics), and LM Studio's stats and the llama.cpp
// server's timings on its OpenAI route are kept in it under those names.
//
// Use: New, then Add (or AddTimed, for Metrics) for each event as it
// arrives, Result for a snapshot at any time, and at the end of the input
// EndClean when it ended cleanly (end of a file or stdin, an HTTP body that
// arrived whole) or End when it may have been cut off.
// Add costs the same whatever the number of events before it: event data is
// read with a small validating JSON reader that records one tape of nodes
// per event (json.go), reused between events, so an OpenAI chunk is merged
// without allocating.
//
// A stream is complete when its format's end marker arrived ([DONE],
// message_stop, response.completed, message-end, "done":true, a
// finishReason on every Gemini candidate, TGI's generated_text, Cohere v1
// stream-end, a "stop":true event for every llama.cpp index, Bedrock's
// messageStop (its metadata event follows); for JSONPath rules the end of
// input) and no error event came. An OpenAI-style stream without [DONE]
// (some compatible servers never send it) is complete when every choice
// sent a finish_reason and the input ended cleanly (EndClean). The verdict
// then says whether a token limit stopped it. Data that never reached the
// merge (MarkLost: an event over the parser's size limit, a body over what
// was kept) makes a result incomplete with the verdict data_lost and
// Result.Lost saying what. Events that are not JSON where JSON was expected are
// counted in Result.InvalidEvents and skipped; the merge goes on.
//
// LooksLikeNDJSON tells NDJSON from Server-Sent Events by a body's first
// bytes; WireSniffer holds a body read piece by piece back until it can
// tell, in linear time and bounded memory however much blank input leads.
package merge
