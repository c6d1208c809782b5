// The referees: one adapter per official client. Each sends one streaming
// request to `base` (the loopback server of referees.mjs, which answers from
// the mock server or from a fixture) and reduces what the SDK made of the
// stream to the fields `streamscope merge` prints:
//
//   {content, reasoning, tool_calls: [{id, name, arguments | input}],
//    finish_reason, complete, error, choices?}
//
// content / reasoning / tool_calls / finish_reason come from the SDK's own
// final message where it builds one (openai, @anthropic-ai/sdk, ai); where
// it only yields parsed chunks (@google/genai, ollama) the adapter joins the
// chunks' fields in order, as the SDKs' documentation tells users to.
// `arguments` is the raw string where the SDK keeps one, `input` the parsed
// object where it only gives that. complete is false when the SDK threw or
// reported an error; error is the message it gave, and the fields are then
// the SDK's snapshot at the failure. No adapter repairs what the SDK did;
// where the merge contract settles what an SDK leaves open, the adapter
// follows the contract and says so at the spot (Responses reasoning parts
// joined with a blank line, the AI SDK's Responses finish reason mapped back
// to the status, tools the provider ran itself left out of tool_calls).

import OpenAI from 'openai';
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { Ollama } from 'ollama';
import { streamText, jsonSchema, tool, DefaultChatTransport, readUIMessageStream } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';

const KEY = 'referee-test-key';
const TIMEOUT_MS = 20000;

// The one tool of the mock scenarios; fixtures name their own (toolNames).
const WEATHER = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const ANY_OBJECT = { type: 'object', additionalProperties: true };

// What each mock scenario asks for; fixtures answer whatever is asked.
// limit: a max-tokens cut (the provider's "length" stop); choices: n = 2
// interleaved choices, which only the openai client can ask for. `faults`
// narrows the faults a scenario runs with (default: all).
export const SCENARIOS = {
  text: { prompt: 'Say hello to Paris in two sentences.' },
  reasoning: { prompt: 'Why is the sky blue over Paris?', reasoning: true },
  tools: { prompt: 'What is the weather in Paris? Use get_weather.', tools: true },
  limit: { prompt: 'Tell me a long story about Paris.', limit: 5, faults: ['none', 'split'] },
  choices: { prompt: 'Name a colour of Paris.', n: 2, only: ['openai-chat'] },
};

function toolDefs(req) {
  if (req.toolNames) return req.toolNames.map((name) => ({ name, description: name, parameters: ANY_OBJECT }));
  return req.tools ? [WEATHER] : [];
}

const errorMessage = (e) => String(e?.message ?? e);
const str = (v) => (typeof v === 'string' ? v : '');

function result(fields, error) {
  return {
    content: fields.content ?? '',
    reasoning: fields.reasoning ?? '',
    tool_calls: fields.tool_calls ?? [],
    finish_reason: fields.finish_reason ?? null,
    complete: !error,
    error: error ? errorMessage(error) : null,
    ...(fields.choices ? { choices: fields.choices } : {}),
  };
}

// ---- openai: Chat Completions (client.chat.completions.stream) ----------

function chatChoice(c) {
  const m = c?.message ?? {};
  // The SDK has no reasoning field: DeepSeek's reasoning_content (and
  // OpenRouter's reasoning) land on the message by Object.assign.
  return {
    content: str(m.content),
    reasoning: str(m.reasoning_content) || str(m.reasoning),
    // Array.from turns holes (a tool index never sent) into undefined, kept.
    tool_calls: Array.from(m.tool_calls ?? [], (t) =>
      t === undefined ? undefined : { id: t.id ?? '', name: t.function?.name ?? '', arguments: t.function?.arguments ?? '' }),
    finish_reason: c?.finish_reason ?? null,
  };
}

function fromChat(completion, error) {
  const choices = Array.from(completion?.choices ?? [], chatChoice);
  const c0 = choices[0] ?? {};
  return result({ ...c0, ...(choices.length > 1 ? { choices: choices.map((c) => c && result(c)) } : {}) }, error);
}

async function openaiChat(base, req) {
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0, timeout: TIMEOUT_MS });
  const tools = toolDefs(req).map((t) => ({ type: 'function', function: t }));
  const stream = client.chat.completions.stream({
    model: req.reasoning ? 'deepseek-reasoner' : 'gpt-4o-mini',
    messages: [{ role: 'user', content: req.prompt }],
    ...(tools.length ? { tools } : {}),
    ...(req.limit ? { max_completion_tokens: req.limit } : {}),
    ...(req.n ? { n: req.n } : {}),
  });
  // The snapshot as of the last chunk: the SDK drops its own before it
  // checks the end (e.g. "missing finish_reason"), so keep it from events.
  let snapshot;
  stream.on('chunk', (_chunk, s) => { snapshot = s; });
  try {
    return fromChat(await stream.finalChatCompletion());
  } catch (e) {
    return fromChat(snapshot, e);
  }
}

// ---- openai: Responses (client.responses.stream) ------------------------

function fromResponse(resp, error) {
  let content = '';
  const reasoning = [];
  const tool_calls = [];
  for (const item of resp?.output ?? []) {
    if (item.type === 'message') {
      for (const part of item.content ?? []) if (part.type === 'output_text') content += part.text;
    } else if (item.type === 'reasoning') {
      // Summary parts, joined with a blank line as the merge contract says.
      for (const s of item.summary ?? []) reasoning.push(s.text);
      for (const s of item.content ?? []) if (s.type === 'reasoning_text') reasoning.push(s.text);
    } else if (item.type === 'function_call') {
      tool_calls.push({ id: item.call_id ?? '', name: item.name ?? '', arguments: item.arguments ?? '' });
    }
  }
  return result({ content, reasoning: reasoning.join('\n\n'), tool_calls, finish_reason: resp?.status ?? null }, error);
}

async function openaiResponses(base, req) {
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0, timeout: TIMEOUT_MS });
  const tools = toolDefs(req).map((t) => ({ type: 'function', strict: false, ...t }));
  const stream = client.responses.stream({
    model: req.reasoning ? 'o4-mini' : 'gpt-4o-mini',
    input: req.prompt,
    ...(req.reasoning ? { reasoning: { effort: 'low', summary: 'auto' } } : {}),
    ...(tools.length ? { tools } : {}),
    ...(req.limit ? { max_output_tokens: req.limit } : {}),
  });
  // The stream keeps no public snapshot: at a failure, the partial answer
  // is the SDK's own accumulator (the one the stream uses) over the
  // events it emitted.
  let snapshot;
  let failed = null;
  stream.on('event', (ev) => {
    if (ev.type === 'error') failed = ev;
    try { snapshot = accumulateResponse(ev, snapshot); } catch { /* the stream reports it */ }
  });
  try {
    const final = await stream.finalResponse();
    // An error event the stream let through (it throws at one whose data
    // has an `error` member) still fails the answer.
    const err = failed ?? final.error;
    return fromResponse(final, err ? new Error(err.message ?? JSON.stringify(err)) : null);
  } catch (e) {
    // A response still queued or in progress has no finish reason yet.
    const open = ['queued', 'in_progress'].includes(snapshot?.status);
    return fromResponse(snapshot && { ...snapshot, status: open ? null : snapshot.status }, e);
  }
}

// ---- @anthropic-ai/sdk: client.messages.stream().finalMessage() ---------

function fromMessage(msg, error) {
  let content = '';
  let reasoning = '';
  const tool_calls = [];
  for (const b of msg?.content ?? []) {
    if (b.type === 'text') content += b.text;
    else if (b.type === 'thinking') reasoning += b.thinking;
    else if (b.type === 'tool_use') tool_calls.push({ id: b.id, name: b.name, input: b.input });
  }
  return result({ content, reasoning, tool_calls, finish_reason: msg?.stop_reason ?? null }, error);
}

async function anthropic(base, req) {
  const client = new Anthropic({ baseURL: base, apiKey: KEY, maxRetries: 0, timeout: TIMEOUT_MS });
  const tools = toolDefs(req).map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
  const stream = client.messages.stream({
    model: 'claude-sonnet-4-5',
    max_tokens: req.limit ?? 2048,
    messages: [{ role: 'user', content: req.prompt }],
    ...(req.reasoning ? { thinking: { type: 'enabled', budget_tokens: 1024 } } : {}),
    ...(tools.length ? { tools } : {}),
  });
  try {
    return fromMessage(await stream.finalMessage());
  } catch (e) {
    return fromMessage(stream.currentMessage, e);
  }
}

// ---- @google/genai: ai.models.generateContentStream ---------------------

async function genai(base, req) {
  const client = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: base, timeout: TIMEOUT_MS } });
  const tools = toolDefs(req);
  // The SDK yields each chunk parsed and merges nothing: the answer is each
  // candidate's parts in order, by the candidate's `index` (its own `text`
  // getter reads candidates[0] of a chunk and leaves thought parts out).
  const byIndex = new Map();
  let blocked = null;
  const cand = (i) => {
    if (!byIndex.has(i)) byIndex.set(i, { content: '', reasoning: '', tool_calls: [], finish_reason: null });
    return byIndex.get(i);
  };
  const fields = () => {
    const all = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    const c0 = all[0] ?? { finish_reason: null };
    // A blocked prompt has no candidate: its block reason is the stop.
    if (!all.length && blocked) c0.finish_reason = blocked;
    return { ...c0, ...(all.length > 1 ? { choices: all.map((c) => result(c)) } : {}) };
  };
  try {
    const stream = await client.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: req.prompt,
      config: {
        ...(req.reasoning ? { thinkingConfig: { includeThoughts: true } } : {}),
        ...(tools.length ? { tools: [{ functionDeclarations: tools }] } : {}),
        ...(req.limit ? { maxOutputTokens: req.limit } : {}),
        httpOptions: { retryOptions: { attempts: 1 } },
      },
    });
    for await (const chunk of stream) {
      blocked = chunk.promptFeedback?.blockReason ?? blocked;
      for (const [pos, c] of (chunk.candidates ?? []).entries()) {
        const acc = cand(c.index ?? pos);
        for (const part of c.content?.parts ?? []) {
          if (typeof part.text === 'string') {
            if (part.thought) acc.reasoning += part.text;
            else acc.content += part.text;
          }
          if (part.functionCall) {
            acc.tool_calls.push({ id: part.functionCall.id ?? '', name: part.functionCall.name ?? '', input: part.functionCall.args ?? {} });
          }
        }
        if (c.finishReason) acc.finish_reason = c.finishReason;
      }
    }
    return result(fields());
  } catch (e) {
    return result(fields(), e);
  }
}

// ---- ollama: ollama.chat({stream: true}) --------------------------------

async function ollama(base, req) {
  const client = new Ollama({ host: base });
  const tools = toolDefs(req).map((t) => ({ type: 'function', function: t }));
  const acc = { content: '', reasoning: '', tool_calls: [], finish_reason: null };
  try {
    const stream = await client.chat({
      model: 'qwen3',
      messages: [{ role: 'user', content: req.prompt }],
      stream: true,
      ...(req.reasoning ? { think: true } : {}),
      ...(tools.length ? { tools } : {}),
      ...(req.limit ? { options: { num_predict: req.limit } } : {}),
    });
    for await (const part of stream) {
      acc.content += part.message?.content ?? '';
      acc.reasoning += part.message?.thinking ?? '';
      for (const t of part.message?.tool_calls ?? []) {
        acc.tool_calls.push({ id: t.id ?? '', name: t.function?.name ?? '', input: t.function?.arguments ?? {} });
      }
      if (part.done) acc.finish_reason = part.done_reason ?? null;
    }
    return result(acc);
  } catch (e) {
    return result(acc, e);
  }
}

// ---- ai (Vercel AI SDK): streamText with a provider ---------------------

// finish maps the AI SDK's finish reason ({unified, raw}) to the value the
// merge reports: the provider's raw stop value, which the chat, Anthropic
// and Google providers pass on as raw.
const rawFinish = (f) => f.raw ?? null;

async function vercel(model, req, { providerOptions = null, reasoningJoin = '', finish = rawFinish } = {}) {
  const tools = Object.fromEntries(toolDefs(req).map((t) =>
    [t.name, tool({ description: t.description, inputSchema: jsonSchema(t.parameters) })]));
  const errors = [];
  const res = streamText({
    model,
    prompt: req.prompt,
    maxRetries: 0,
    ...(req.limit ? { maxOutputTokens: req.limit } : {}),
    ...(Object.keys(tools).length ? { tools } : {}),
    ...(providerOptions ? { providerOptions } : {}),
    onError: ({ error }) => errors.push(error),
  });
  // Drain the stream; the final-message promises resolve once it ended.
  // A stream's errors arrive as `error` parts (and onError); a cut
  // connection makes the iteration throw.
  const text = [];
  const reasoning = [];
  const calls = [];
  let last = { unified: null, raw: undefined };
  try {
    for await (const p of res.fullStream) {
      if (p.type === 'text-delta') text.push(p.text);
      else if (p.type === 'reasoning-start') reasoning.push('');
      else if (p.type === 'reasoning-delta') reasoning[reasoning.length - 1] = (reasoning.at(-1) ?? '') + p.text;
      // Tools the provider ran itself (providerExecuted: Anthropic server
      // tools, Responses hosted tools, Gemini code execution) are the
      // merge's server_tools, not tool_calls; they are not compared here.
      else if (p.type === 'tool-call' && !p.providerExecuted) calls.push(p);
      else if (p.type === 'error' && !errors.includes(p.error)) errors.push(p.error);
      else if (p.type === 'finish-step') last = { unified: p.finishReason, raw: p.rawFinishReason };
    }
  } catch (e) {
    if (!errors.includes(e)) errors.push(e);
  }
  // A call whose input did not parse is kept with the raw text as input.
  const fromCall = (c) => (c.invalid && typeof c.input === 'string'
    ? { id: c.toolCallId ?? '', name: c.toolName, arguments: c.input }
    : { id: c.toolCallId ?? '', name: c.toolName, input: c.input });
  if (errors.length) {
    // After an error the promises reject or hold nothing: report the
    // parts the SDK streamed before it.
    return result({ content: text.join(''), reasoning: reasoning.join(reasoningJoin), tool_calls: calls.map(fromCall), finish_reason: last.unified ? finish(last) : null }, errors[0]);
  }
  const parts = await res.reasoning;
  return result({
    content: await res.text,
    // The SDK's own reasoningText joins parts with ""; Responses summary
    // parts are joined with a blank line by the merge contract.
    reasoning: parts.map((p) => p.text).join(reasoningJoin),
    tool_calls: (await res.toolCalls).filter((c) => !c.providerExecuted).map(fromCall),
    finish_reason: finish({ unified: await res.finishReason, raw: await res.rawFinishReason }),
  });
}

// The AI SDK's Responses provider gives as raw finish reason only
// incomplete_details.reason, not the response status the merge reports;
// its unified reason comes from both (mapOpenAIResponseFinishReason). Map
// back what that mapping lets through; anything else stays visible as
// "unified/raw" and differs.
function responsesFinish(f) {
  if (f.unified === 'error') return 'failed';
  if (f.raw === undefined && (f.unified === 'stop' || f.unified === 'tool-calls')) return 'completed';
  if (f.raw !== undefined && ['length', 'content-filter', 'other', 'tool-calls'].includes(f.unified)) return 'incomplete';
  return `${f.unified}/${f.raw}`;
}

// ---- ai: a UI message stream read as useChat reads it ---------------------

// DefaultChatTransport parses the stream into chunks (its own schema),
// readUIMessageStream builds the assistant message from them; the finish
// reason is in the `finish` chunk, which the message does not keep.
async function vercelUI(base, req) {
  const transport = new DefaultChatTransport({ api: `${base}/api/chat` });
  const acc = { content: '', reasoning: '', tool_calls: [], finish_reason: null };
  const errors = [];
  let message;
  try {
    const chunks = await transport.sendMessages({
      trigger: 'submit-message', chatId: 'referee', messageId: undefined, abortSignal: undefined,
      messages: [{ id: 'user-1', role: 'user', parts: [{ type: 'text', text: req.prompt }] }],
    });
    const [forMessage, forFinish] = chunks.tee();
    const watch = (async () => {
      for await (const ch of forFinish) if (ch.type === 'finish' && ch.finishReason) acc.finish_reason = ch.finishReason;
    })();
    for await (const m of readUIMessageStream({ stream: forMessage, onError: (e) => errors.push(e) })) message = m;
    await watch;
  } catch (e) {
    errors.push(e);
  }
  for (const part of message?.parts ?? []) {
    if (part.type === 'text') acc.content += part.text;
    else if (part.type === 'reasoning') acc.reasoning += part.text;
    else if ((part.type.startsWith('tool-') || part.type === 'dynamic-tool') && !part.providerExecuted) {
      // A tool the provider ran is a server tool to the merge (see vercel()).
      acc.tool_calls.push({ id: part.toolCallId, name: part.toolName ?? part.type.slice('tool-'.length), input: part.input });
    }
  }
  return result(acc, errors[0]);
}

const vercelOpenAI = (base) => createOpenAI({ baseURL: `${base}/v1`, apiKey: KEY });

// ---- the table --------------------------------------------------------------

// name: the adapter; pkgs: the npm packages it exercises (for the version
// report); formats: the merge formats it referees (fixtures are given to
// every adapter of their format); mock: false for a format the mock server
// does not serve.
export const CLIENTS = [
  { name: 'openai-chat', pkgs: ['openai'], formats: ['openai-chat'], run: openaiChat },
  { name: 'openai-responses', pkgs: ['openai'], formats: ['openai-responses'], run: openaiResponses },
  { name: 'anthropic', pkgs: ['@anthropic-ai/sdk'], formats: ['anthropic'], run: anthropic },
  { name: 'genai', pkgs: ['@google/genai'], formats: ['gemini'], run: genai },
  { name: 'ollama', pkgs: ['ollama'], formats: ['ollama'], run: ollama },
  {
    name: 'ai-openai-chat', pkgs: ['ai', '@ai-sdk/openai'], formats: ['openai-chat'],
    run: (base, req) => vercel(vercelOpenAI(base).chat(req.reasoning ? 'deepseek-reasoner' : 'gpt-4o-mini'), req),
  },
  {
    // The AI SDK's provider for OpenAI-compatible servers (DeepSeek, vLLM,
    // LM Studio, Ollama /v1 ...), which reads reasoning_content.
    name: 'ai-openai-compatible', pkgs: ['ai', '@ai-sdk/openai-compatible'], formats: ['openai-chat'],
    run: (base, req) => vercel(createOpenAICompatible({ name: 'compat', baseURL: `${base}/v1`, apiKey: KEY })
      .chatModel(req.reasoning ? 'deepseek-reasoner' : 'gpt-4o-mini'), req),
  },
  {
    name: 'ai-openai-responses', pkgs: ['ai', '@ai-sdk/openai'], formats: ['openai-responses'],
    run: (base, req) => vercel(vercelOpenAI(base).responses(req.reasoning ? 'o4-mini' : 'gpt-4o-mini'), req, {
      providerOptions: req.reasoning ? { openai: { reasoningEffort: 'low', reasoningSummary: 'auto' } } : null,
      reasoningJoin: '\n\n',
      finish: responsesFinish,
    }),
  },
  {
    name: 'ai-anthropic', pkgs: ['ai', '@ai-sdk/anthropic'], formats: ['anthropic'],
    run: (base, req) => vercel(createAnthropic({ baseURL: `${base}/v1`, apiKey: KEY })('claude-sonnet-4-5'), req, {
      providerOptions: req.reasoning ? { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } } : null,
    }),
  },
  { name: 'ai-ui', pkgs: ['ai'], formats: ['vercel-ui'], mock: false, run: vercelUI },
  {
    name: 'ai-google', pkgs: ['ai', '@ai-sdk/google'], formats: ['gemini'],
    run: (base, req) => vercel(createGoogleGenerativeAI({ baseURL: `${base}/v1beta`, apiKey: KEY })('gemini-2.5-flash'), req, {
      providerOptions: req.reasoning ? { google: { thinkingConfig: { includeThoughts: true } } } : null,
    }),
  },
];
