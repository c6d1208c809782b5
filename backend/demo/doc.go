// Package demo is Streamscope's demo project, shipped inside the binary so
// that a first launch (or `streamscope demo`) has something that streams,
// offline and with no API key.
//
// The project lives in project/ (embedded with embed.FS, readable as FS)
// and is an ordinary project folder (see package project):
//
//   - providers/: one streaming endpoint per wire format: OpenAI Chat
//     Completions, OpenAI Responses, Anthropic Messages, Gemini
//     streamGenerateContent (SSE), Ollama /api/chat (NDJSON), Amazon
//     Bedrock ConverseStream and InvokeModelWithResponseStream with an
//     Anthropic model (the binary AWS event stream), both with sigv4 auth
//     (AWS Signature Version 4).
//   - reasoning/: deepseek-reasoner (reasoning_content), Anthropic extended
//     thinking, a Responses reasoning summary, Gemini thoughts, Ollama
//     thinking.
//   - tools/: a get_weather tool call in the OpenAI, Anthropic, Gemini,
//     Ollama and Cohere v1 formats.
//   - faults/: the mock server's X-Mock-Fault showcase: split packets,
//     heartbeat comments, a mid-stream error, a cut-off stream, a slow
//     first token, a gzip-compressed stream and a 429 with one retry.
//   - rules/: JSONPath merge rules, on a custom JSON format (a recording)
//     and on a live Ollama stream.
//   - scripts/: the post-processor examples of package script (plain-text
//     tokens and a custom delimiter, both recorded; <think> tags; TTFT and
//     stop-reason tests, passing and failing).
//   - self-hosted/: the native streams of servers people run themselves:
//     Hugging Face TGI /generate_stream, llama.cpp /completion, Cohere v1
//     /v1/chat (NDJSON).
//   - environments/demo.yaml sends every provider to {{mockBaseUrl}}, the
//     built-in mock server (the app fills the variable in; on the command
//     line pass --var mockBaseUrl=URL); environments/real.yaml points the
//     same endpoints at api.openai.com, api.anthropic.com,
//     generativelanguage.googleapis.com, api.deepseek.com, api.cohere.com,
//     bedrock-runtime.{{awsRegion}}.amazonaws.com, localhost:11434
//     (Ollama), localhost:3000 (TGI's launcher default) and localhost:8080
//     (llama-server's default), with the API keys and the AWS access keys
//     as secret variables (names only). The demo environment signs the
//     Bedrock endpoints with the mock server's published test key pair
//     (mockllm.MockAccessKeyID), which the mock verifies.
//   - recordings/: hand-written example streams the mock cannot produce
//     (plain text, a custom delimiter, a custom JSON format), replayed with
//     `streamscope run DIR ENDPOINT --replay NAME`.
//
// Every endpoint has notes saying what it shows. With --env demo,
// `streamscope run` exits 0 for each, except the mid-stream error and the
// cut-off stream (3, incomplete), the 429 (2, HTTP error, after one retry)
// and the TTFT test on a slow first token (1, a test failed); their notes
// say so. The recorded endpoints run with --replay (sent live, they stop
// at the unresolved {{customServerUrl}}, before anything goes out).
//
// # Installing
//
// Install (and Write, which also counts the files) materialises the
// project into a folder once: a folder that already holds the demo project
// is left exactly as it is, so a user's edits, additions and deletions are
// never overwritten. Files are written atomically with streamscope.yaml
// last, so an interrupted install is not yet a project and the next
// Install completes it. Dir installs it under the user's configuration
// directory, where the app keeps it (<config>/demo).
package demo
