// Where a referee is known to disagree with `streamscope merge`, and why.
//
// Each entry names the clients and cases (`where`, matched against
// "CLIENT SOURCE FAULT") and the fields that differ there. Those fields
// are reported and must still differ: an entry that no longer holds fails
// the step (the SDK was fixed, or the fixture: delete or narrow the entry).
// Every other field of the case is compared as usual. `side` says whose
// the fault is:
//   sdk      the SDK misreads the stream (`sdk` is the version it was seen
//            with; another installed version fails the step until the
//            entry is checked again);
//   design   the SDK represents it differently on purpose;
//   fixture  the stream is one of our compositions that leaves out what
//            every real stream of the provider carries: the SDK is right
//            to refuse it (backend/merge/testdata is for the merge's
//            helpers to fix);
//   mock     the mock server writes what the real provider never sends;
//            `transient` entries are being fixed elsewhere right now:
//            when one no longer holds the step says so without failing.

const OPENAI = 'openai@6.49.0';
const ANTHROPIC = '@anthropic-ai/sdk@1.17.0';
const GENAI = '@google/genai@2.32.0';
const OLLAMA = 'ollama@0.6.4';
const AI = 'ai@6.0.333';
const AI_OPENAI = '@ai-sdk/openai@3.0.141';
const AI_COMPAT = '@ai-sdk/openai-compatible@2.0.92';
const AI_ANTHROPIC = '@ai-sdk/anthropic@3.0.140';
const AI_GOOGLE = '@ai-sdk/google@3.0.143';

export const KNOWN = [
  // ---- openai (Chat Completions: ChatCompletionStream) -------------------
  {
    id: 'openai-reasoning-content-assigned',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / mock\/reasoning |\/(deepseek_reasoning_tool_call|ollama_openai_compat_thinking_tool_call|openai_chat_openrouter_extras|openai_chat_vllm_quirks|openai_chat_sglang_abort)\.sse /,
    fields: ['reasoning'],
    why: 'ChatCompletionStream Object.assign()s delta fields it does not know (DeepSeek / Ollama reasoning_content, ' +
      'OpenRouter reasoning) onto the message instead of appending them: the reasoning is its last fragment; ' +
      'OpenRouter reasoning_details it does not read at all',
  },
  {
    id: 'openai-reasoning-content-assigned-n2',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / testdata\/openai_chat_n2_reasoning\.sse /,
    fields: ['reasoning', 'choices'],
    why: 'as openai-reasoning-content-assigned, in choice 0 of two (its choices differ only there)',
  },
  {
    id: 'openai-tool-index-hole',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / shared\/openai_compat_tool_index_starts_at_1\.sse /,
    fields: ['tool_calls', 'complete'],
    why: 'tool calls are stored at tool_calls[index]: a first index of 1 (Anthropic\'s OpenAI-compatible API) leaves a ' +
      'hole at 0 and finalChatCompletion() crashes on it: "Cannot read properties of undefined (reading \'type\')"',
  },
  {
    id: 'openai-tool-without-index',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / shared\/mistral_tool_call\.sse /,
    fields: ['tool_calls'],
    why: 'a tool call delta without `index` (Mistral sends none) is stored as tool_calls["undefined"], a property ' +
      'and no element: the call is dropped without an error',
  },
  {
    id: 'openai-typed-content-parts',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / shared\/mistral_reasoning\.sse /,
    fields: ['content', 'reasoning'],
    why: 'Mistral\'s typed content parts (content as [{type:"thinking"|"text"}]) are appended as strings: ' +
      '"[object Object]"; the thinking parts are lost',
  },
  {
    id: 'openai-custom-tool-call',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / testdata\/openai_chat_openrouter_extras\.sse /,
    fields: ['tool_calls', 'complete'],
    why: 'a streamed custom tool call ({type:"custom", custom:{name, input}}) is not accumulated: ' +
      'finalChatCompletion() fails with "missing choices[0].tool_calls[0].function.name"',
  },
  {
    id: 'openai-bare-error-event',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / testdata\/openai_chat_event_error\.sse /,
    fields: ['error'],
    why: 'an SSE event named `error` whose data is a bare {message, code} (no `error` member) is taken for a ' +
      'chunk: "chunk.choices is not iterable" instead of the provider\'s message',
  },
  {
    id: 'openai-invalid-json-event',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / testdata\/openai_chat_refusal\.sse /,
    fields: ['content', 'reasoning', 'finish_reason', 'complete', 'warnings'],
    why: 'one event that is not JSON ("data: this is not JSON") ends the stream with a SyntaxError (and two ' +
      'console lines) where the merge counts it in invalid_events and goes on; before it the typed content ' +
      'part was appended as "[object Object]" (see openai-typed-content-parts)',
  },

  // ---- openai (Responses: ResponseStream) --------------------------------
  {
    id: 'openai-responses-stops-at-error-event',
    side: 'sdk', sdk: OPENAI, clients: ['openai-responses'],
    where: / (mock\/\w+ error|shared\/openai_responses_error\.sse none)$/,
    fields: ['finish_reason'],
    why: 'the `error` event (its data has an `error` member) throws at once, so the response.failed after it is ' +
      'never read: no status, where the merge reports "failed" (the error message is the same)',
  },
  {
    id: 'fixture-responses-no-output-item',
    side: 'fixture', clients: ['openai-responses', 'ai-openai-responses'],
    where: / testdata\/responses_incomplete\.sse /,
    fields: { 'openai-responses': ['content', 'finish_reason', 'complete'], 'ai-openai-responses': ['complete'] },
    why: 'the composition sends output_text.delta with no output_item.added / content_part.added before it, ' +
      'which every real Responses stream sends: openai throws "missing output at index 0", the AI SDK ' +
      '"text part msg_1 not found"',
  },
  {
    id: 'fixture-responses-no-part-added',
    side: 'fixture', clients: ['openai-responses', 'ai-openai-responses'],
    where: / testdata\/responses_reasoning_tool\.sse /,
    fields: {
      'openai-responses': ['content', 'reasoning', 'tool_calls', 'finish_reason', 'complete'],
      'ai-openai-responses': ['reasoning', 'tool_calls', 'complete'],
    },
    why: 'the composition streams summary part 1 without reasoning_summary_part.added and the message text ' +
      'without content_part.added: openai throws "missing content at index 1", the AI SDK "reasoning part ' +
      'rs_1:1 not found" (it joins the parts it has without the blank line)',
  },
  {
    id: 'fixture-responses-response-without-output',
    side: 'fixture', clients: ['openai-responses', 'ai-openai-responses'],
    where: / testdata\/responses_refusal_filtered\.sse /,
    fields: { 'openai-responses': ['finish_reason', 'complete'], 'ai-openai-responses': ['content', 'finish_reason', 'complete'] },
    why: 'the composition\'s response objects lack fields every real one has (response.incomplete without ' +
      '`output`, response.created without created_at): openai throws "rsp.output is not iterable", the AI SDK ' +
      'fails its schema (and would stream the refusal as text, see ai-refusal-as-text)',
  },
  {
    id: 'fixture-responses-queued-first',
    side: 'fixture', clients: ['openai-responses'],
    where: / testdata\/responses_server_tools\.sse /,
    fields: ['content', 'tool_calls', 'finish_reason', 'complete'],
    why: 'the composition starts with response.queued; openai\'s accumulator requires response.created first ' +
      '("When snapshot hasn\'t been set yet, expected \'response.created\' event, got response.queued"): ' +
      'the composition\'s order is to be checked against a real background stream',
  },

  // ---- @anthropic-ai/sdk -------------------------------------------------
  {
    id: 'anthropic-partial-json-input',
    side: 'design', sdk: ANTHROPIC, clients: ['anthropic'],
    where: / testdata\/anthropic_error_in_tool\.sse /,
    fields: ['tool_calls'],
    why: 'after an error inside a tool_use block the snapshot\'s input is what its partial-JSON parser makes ' +
      'of the cut arguments ({"cmd":["ls"]} from `{"cmd": ["ls",`); the merge keeps the text as sent',
  },

  // ---- @google/genai -----------------------------------------------------
  {
    id: 'genai-cut-after-finish',
    side: 'design', sdk: GENAI, clients: ['genai'],
    where: / mock\/tools drop$/,
    fields: ['complete'],
    why: 'the mock\'s tool answer is one chunk with finishReason STOP, so the drop fault cuts the connection ' +
      'after it: the SDK fails the call ("terminated"); by the contract the stream ended (its finish arrived) ' +
      'and is complete, `send` reports the cut as a warning',
  },
  {
    id: 'genai-streamed-args',
    side: 'sdk', sdk: GENAI, clients: ['genai'],
    where: / shared\/gemini_vertex_thought_streamed_args\.sse /,
    fields: ['tool_calls'],
    why: 'the SDK has no merger: Vertex\'s streamed function-call arguments (partialArgs, willContinue) come ' +
      'out as one functionCall part per piece, most without a name or args',
  },

  // ---- ollama ------------------------------------------------------------
  {
    id: 'fixture-ollama-crlf-blank-line',
    side: 'fixture', clients: ['ollama'],
    where: / testdata\/ollama_error\.ndjson /,
    fields: ['warnings'],
    why: 'the composition ends its lines with CRLF and has a blank line: ollama-js splits on \\n only and warns ' +
      '"invalid json" on the lone \\r (a real Ollama writes \\n and no blank lines); the rest agrees',
  },

  // ---- OpenAI-compatible servers' quirks (backend/merge/testdata) ------------
  {
    id: 'abort-is-not-an-error',
    side: 'design', clients: ['openai-chat', 'ai-openai-chat', 'ai-openai-compatible'],
    where: / testdata\/openai_chat_sglang_abort\.sse /,
    fields: ['complete', 'error'],
    why: 'SGLang and vLLM end an aborted request with finish_reason "abort" (or "error"): the SDKs take any ' +
      'finish_reason as a normal end, streamscope reports the request as failed',
  },
  {
    id: 'openai-error-object-chunk',
    side: 'sdk', sdk: OPENAI, clients: ['openai-chat'],
    where: / testdata\/openai_chat_vllm_error_object\.sse /,
    fields: ['error'],
    why: 'older vLLM sends an error object as a chunk without choices before [DONE]: ChatCompletionStream throws ' +
      '"chunk.choices is not iterable" instead of reporting the server\'s message',
  },
  {
    id: 'lmstudio-v0-not-openai-wire',
    side: 'design', clients: ['openai-chat', 'ai-openai-compatible'],
    where: / testdata\/openai_chat_lmstudio_v0_stats\.ndjson /,
    fields: ['content', 'finish_reason', 'complete'],
    why: 'LM Studio\'s v0 REST API answers NDJSON, not OpenAI\'s SSE: an OpenAI SDK reads no chunk of it ' +
      '(it is here for the merge, which reads both)',
  },
  {
    id: 'lmstudio-v0-not-openai-wire-ai',
    side: 'design', clients: ['ai-openai-chat'],
    where: / testdata\/openai_chat_lmstudio_v0_stats\.ndjson /,
    fields: ['content', 'finish_reason'],
    why: 'as lmstudio-v0-not-openai-wire; @ai-sdk/openai calls the empty stream complete',
  },

  // ---- ai (Vercel AI SDK) --------------------------------------------------
  {
    id: 'ai-openai-chat-no-reasoning-content',
    side: 'sdk', sdk: AI_OPENAI, clients: ['ai-openai-chat'],
    where: / mock\/reasoning |\/(deepseek_reasoning_tool_call|ollama_openai_compat_thinking_tool_call|openai_chat_groq_executed_tools|openai_chat_llamacpp_timings|openai_chat_lmstudio_tools|openai_chat_localai|openai_chat_sglang_abort|openai_chat_vllm_quirks|openai_chat_vllm_tool_legacy)\.sse /,
    fields: ['reasoning'],
    why: 'the OpenAI chat provider reads no reasoning_content / reasoning deltas (DeepSeek, Ollama /v1, Groq ' +
      'send them; @ai-sdk/deepseek and @ai-sdk/openai-compatible read them): the reasoning is lost',
  },
  {
    id: 'ai-openai-chat-first-choice-of-chunk',
    side: 'sdk', sdk: AI_OPENAI, clients: ['ai-openai-chat', 'ai-openai-compatible'],
    where: / (testdata\/openai_chat_n2_reasoning|shared\/openai_chat_n3_interleaved_choices)\.sse /,
    fields: ['content', 'choices'],
    why: 'it reads choices[0] of every chunk whatever its index: the texts of n > 1 interleaved choices are ' +
      'mixed into one (and there are no choices); @ai-sdk/openai-compatible (' + AI_COMPAT + ') does the same',
  },
  {
    id: 'ai-openai-chat-first-choice-of-chunk-reasoning',
    side: 'sdk', sdk: AI_OPENAI, clients: ['ai-openai-chat'],
    where: / testdata\/openai_chat_n2_reasoning\.sse /,
    fields: ['reasoning'],
    why: 'and its reasoning is lost (ai-openai-chat-no-reasoning-content)',
  },
  {
    id: 'ai-openai-chat-no-end-check',
    side: 'sdk', sdk: AI_OPENAI, clients: ['ai-openai-chat'],
    where: / testdata\/openai_chat_cut_off\.sse /,
    fields: ['complete'],
    why: 'a body that ends with neither a finish_reason nor [DONE] finishes without an error and without a ' +
      'finish reason (the cut tool call is reported, its input unparsed): a cut-off answer passes for a whole one',
  },
  {
    id: 'ai-openai-chat-schema',
    side: 'sdk', sdk: AI_OPENAI, clients: ['ai-openai-chat'],
    where: / (shared\/mistral_reasoning|shared\/mistral_tool_call|testdata\/openai_chat_openrouter_extras|testdata\/openai_chat_refusal)\.sse /,
    fields: ['complete'],
    why: 'its chunk schema rejects what OpenAI-compatible servers send (Mistral typed content parts, a tool ' +
      'call without `index` as Mistral sends it, OpenRouter custom tool calls): "Type validation failed"; ' +
      'the chunk is lost and the stream ends as an error',
  },
  {
    id: 'ai-openai-chat-schema-mistral-reasoning',
    side: 'sdk', sdk: AI_OPENAI, clients: ['ai-openai-chat'],
    where: / shared\/mistral_reasoning\.sse /,
    fields: ['content', 'reasoning'],
    why: 'every chunk has typed content parts, so all text and thinking is lost (ai-openai-chat-schema)',
  },
  {
    id: 'ai-openai-chat-schema-tool-call',
    side: 'sdk', sdk: AI_OPENAI, clients: ['ai-openai-chat'],
    where: / (shared\/mistral_tool_call|testdata\/openai_chat_openrouter_extras)\.sse /,
    fields: ['tool_calls', 'finish_reason'],
    why: 'the rejected chunk held the tool call, and an error replaces the finish reason (ai-openai-chat-schema)',
  },
  {
    id: 'ai-openai-chat-schema-openrouter-reasoning',
    side: 'sdk', sdk: AI_OPENAI, clients: ['ai-openai-chat'],
    where: / testdata\/openai_chat_openrouter_extras\.sse /,
    fields: ['reasoning'],
    why: 'OpenRouter reasoning_details are not read (ai-openai-chat-no-reasoning-content)',
  },
  {
    id: 'ai-refusal-as-text',
    side: 'design', sdk: AI_OPENAI, clients: ['ai-openai-chat'],
    where: / testdata\/openai_chat_refusal\.sse /,
    fields: ['content', 'reasoning'],
    why: 'a refusal is streamed as text (finish "content-filter"): content is the refusal, which the merge ' +
      'keeps in `refusal`; the first chunk\'s typed thinking part fails the schema (ai-openai-chat-schema)',
  },
  {
    id: 'ai-compat-custom-tool-call',
    side: 'sdk', sdk: AI_COMPAT, clients: ['ai-openai-compatible'],
    where: / testdata\/openai_chat_openrouter_extras\.sse /,
    fields: ['reasoning', 'tool_calls', 'finish_reason', 'complete'],
    why: 'its chunk schema rejects a custom tool call ({type:"custom", custom:{name, input}}): "Type validation ' +
      'failed"; the rejected chunk\'s reasoning and the call are lost, the error replaces the finish reason',
  },
  {
    id: 'ai-compat-invalid-json-event',
    side: 'design', sdk: AI_COMPAT, clients: ['ai-openai-compatible'],
    where: / testdata\/openai_chat_refusal\.sse /,
    fields: ['content', 'complete'],
    why: 'an event that is not JSON is an error of the stream ("JSON parsing failed"), where the merge counts it ' +
      'in invalid_events; and the refusal is streamed as text (see ai-refusal-as-text)',
  },
  {
    id: 'ai-drops-unfinished-tool-call',
    side: 'design', sdk: AI, clients: ['ai-openai-chat', 'ai-openai-compatible', 'ai-openai-responses', 'ai-anthropic'],
    // The chat providers report a call cut by an error event (their flush
    // emits it, the input not parsed: compared as raw text), not one cut
    // by a drop; the mock's Anthropic tool call is finished before either
    // fault.
    where: /^(ai-openai-(chat|compatible) mock\/tools drop|ai-openai-responses mock\/tools (drop|error)|ai-anthropic testdata\/anthropic_error_in_tool\.sse none)$/,
    fields: ['tool_calls'],
    why: 'a tool call the stream cut or errored inside is not reported (only finished calls become tool-call ' +
      'parts); the merge keeps its id, name and the arguments received',
  },
  {
    id: 'ai-openai-responses-computer-call',
    side: 'design', sdk: AI_OPENAI, clients: ['ai-openai-responses'],
    where: / testdata\/responses_server_tools\.sse /,
    fields: ['tool_calls'],
    why: 'a computer_call is a provider-executed "computer_use" tool to the AI SDK (item id, no action input); ' +
      'to the merge it is a call the client answers (call_id call_cu1, the action as arguments)',
  },
  {
    id: 'ai-openai-responses-error-first',
    side: 'design', sdk: AI_OPENAI, clients: ['ai-openai-responses'],
    where: / shared\/openai_responses_error\.sse /,
    fields: ['finish_reason'],
    why: 'an error event before any output becomes a failed call (APICallError, status 429 from the ' +
      'insufficient_quota code) with no finish reason; the merge reads the response.failed after it',
  },
  {
    id: 'ai-error-replaces-finish',
    side: 'design', sdk: AI_GOOGLE, clients: ['ai-google'],
    where: / mock\/tools (error|drop)$/,
    fields: ['finish_reason'],
    why: 'the mock\'s tool answer is one chunk with finishReason STOP, so its error / drop fault comes after the ' +
      'finish: an error after the finish replaces the finish reason (unified "error", no raw value)',
  },
  {
    id: 'ai-google-cut-after-finish',
    side: 'design', sdk: AI_GOOGLE, clients: ['ai-google'],
    where: / mock\/tools drop$/,
    fields: ['complete'],
    why: 'as genai-cut-after-finish: a cut after the last chunk fails the stream',
  },
  {
    id: 'ai-anthropic-error-after-finish',
    side: 'design', sdk: AI_ANTHROPIC, clients: ['ai-anthropic'],
    where: / testdata\/anthropic_refusal_error_after_finish\.sse /,
    fields: ['content', 'finish_reason'],
    why: 'the error after message_delta replaces the stop reason "refusal"; and the text of content_block_start ' +
      '("I can") is not read, only text_delta events are (real streams start text blocks empty: a liberty of ' +
      'the composition the Anthropic SDK and the merge accept)',
  },
  {
    id: 'ai-ui-no-reset-step',
    side: 'sdk', sdk: AI, clients: ['ai-ui'],
    where: / testdata\/vercel_ui_provider_tools\.sse /,
    fields: ['content', 'tool_calls', 'finish_reason', 'complete'],
    why: 'its UI message chunk schema has no `reset-step` (the composition follows a later vercel/ai, ' +
      'ed857f50): "Type validation failed" ends the stream there, with the text and call of the step the ' +
      'reset drops still in the message',
  },
  {
    id: 'ai-google-first-candidate-of-chunk',
    side: 'sdk', sdk: AI_GOOGLE, clients: ['ai-google'],
    where: / testdata\/gemini_two_candidates\.sse /,
    fields: ['content', 'finish_reason', 'choices'],
    why: 'it reads candidates[0] of every chunk whatever its index: two candidates streamed in turn are mixed ' +
      'into one text with the last finish reason',
  },
];
