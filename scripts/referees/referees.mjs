// Official SDKs as referees of `streamscope merge` (issue 18).
//
// Every official client in clients.mjs is pointed at streams it reads like
// any other answer, and what it makes of a stream must equal what
// `streamscope merge` makes of the same bytes: content, reasoning, tool
// calls (id, name, arguments), stop reason, whether the stream completed,
// and the error message. The streams:
//
//   - mock: `streamscope mock`, started here, for each client's route with
//     the requests of clients.mjs SCENARIOS (text, reasoning, a tool call,
//     a max-tokens cut, n = 2 choices), each without a fault and with
//     X-Mock-Fault split, heartbeat, drop and error;
//   - fixture: every stream fixture of the project (backend/merge/testdata)
//     and of the team (../shared/fixtures/llm_streams, where it exists),
//     read from there at run time and given to every client of its format
//     (the format `streamscope merge` detects; a format no client reads,
//     Cohere, is listed as such).
//
// The SDKs talk to a loopback server started here. It answers a fixture
// case from the file, and forwards a mock case to the mock server with the
// case's fault, chunk by chunk, recording the bytes (a connection the mock
// cuts is cut here too). The recorded bytes are what `streamscope merge`
// reads, so both sides always see the same bytes.
//
// Where an SDK is known to be wrong, known.mjs says so with the SDK's
// version and the fields it gets wrong; those fields are reported and must
// still differ (a fixed SDK fails the step until the note goes), every other
// field is compared. Any other difference fails the step.
//
// Usage: node referees.mjs --streamscope BIN [--only REGEX] [--verbose] [--jobs N] [--dump DIR]
// (--only runs the cases whose name matches, e.g. 'ollama mock/text';
// --dump writes each case's bytes and both results into DIR).

import { spawn } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, request as httpRequest } from 'node:http';
import { readFileSync, readdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { CLIENTS, SCENARIOS } from './clients.mjs';
import { KNOWN } from './known.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const FAULTS = ['none', 'split', 'heartbeat', 'drop', 'error'];
const CASE_TIMEOUT_MS = 30000;
const FIELDS = ['content', 'reasoning', 'tool_calls', 'finish_reason', 'complete', 'error', 'choices', 'warnings'];

// ---- options ------------------------------------------------------------

function parseArgs(argv) {
  const o = { jobs: 4, verbose: false, only: null, bin: null, dump: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--streamscope') o.bin = val();
    else if (a === '--only') o.only = new RegExp(val());
    else if (a === '--jobs') o.jobs = Math.max(1, Number(val()) || 1);
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--dump') o.dump = val();
    else usage(`unknown argument ${a}`);
  }
  if (!o.bin) usage('--streamscope BIN is required');
  return o;
}

function usage(msg) {
  console.error(`referees: ${msg}\nusage: node referees.mjs --streamscope BIN [--only REGEX] [--verbose] [--jobs N] [--dump DIR]`);
  process.exit(2);
}

// ---- SDK versions -------------------------------------------------------

const require = createRequire(import.meta.url);
function installedVersion(pkg) {
  // Not every package exports its package.json: find it beside the entry.
  let dir = path.dirname(require.resolve(pkg));
  while (!existsSync(path.join(dir, 'package.json')) || JSON.parse(readFileSync(path.join(dir, 'package.json'))).name !== pkg) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json of ${pkg} not found`);
    dir = up;
  }
  return JSON.parse(readFileSync(path.join(dir, 'package.json'))).version;
}

// ---- the streamscope CLI ------------------------------------------------

function startMock(bin) {
  return new Promise((resolve, reject) => {
    // Paced (1,000 tokens/s) so that split and heartbeat faults really
    // arrive in pieces, yet each answer takes well under a second.
    const child = spawn(bin, ['mock', '--tps', '1000', '--ttft-ms', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errOut = '';
    const fail = (e) => reject(new Error(`streamscope mock: ${e}`));
    child.stderr.on('data', (d) => { errOut += d; });
    child.on('error', fail);
    child.on('exit', (code) => fail(`exited with ${code} before printing its URL: ${errOut.trim()}`));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.removeAllListeners('exit');
        resolve({ url: new URL(out.slice(0, nl).trim()), stop: () => child.kill() });
      }
    });
  });
}

function merge(bin, bytes) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['merge'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      // 0 complete, 3 incomplete: both print the result; 2 is a failure.
      if (code !== 0 && code !== 3) return reject(new Error(`streamscope merge exited ${code}: ${Buffer.concat(err)}`));
      try { resolve(JSON.parse(Buffer.concat(out))); } catch (e) { reject(new Error(`streamscope merge printed no JSON: ${e.message}`)); }
    });
    child.stdin.on('error', () => {}); // EPIPE when it exits early: reported by close
    child.stdin.end(bytes);
  });
}

// ---- the loopback server -----------------------------------------------

// Cases by id; a request to /c/<id>/<rest> belongs to case <id>.
const cases = [];

function startLoopback(mockURL) {
  const server = createServer((req, res) => {
    const m = /^\/c\/(\d+)(\/.*)$/.exec(req.url);
    const c = m && cases[Number(m[1])];
    if (!c) { res.writeHead(404).end('no such case'); return; }
    c.requests.push(`${req.method} ${m[2]}`);
    const body = [];
    req.on('data', (d) => body.push(d));
    req.on('end', () => {
      if (c.source.kind === 'fixture') {
        c.bytes = c.source.bytes;
        res.writeHead(200, { 'content-type': c.source.contentType });
        res.end(c.bytes);
        return;
      }
      const headers = { 'content-type': req.headers['content-type'] ?? 'application/json' };
      if (c.fault !== 'none') headers['x-mock-fault'] = c.fault;
      const up = httpRequest({ host: mockURL.hostname, port: mockURL.port, method: req.method, path: m[2], headers }, (ur) => {
        const got = [];
        res.writeHead(ur.statusCode, { 'content-type': ur.headers['content-type'] ?? 'application/octet-stream' });
        res.flushHeaders();
        ur.on('data', (d) => { got.push(d); res.write(d); });
        const finish = () => {
          c.bytes = Buffer.concat(got);
          // The mock's drop fault closes the connection with no last
          // chunk: do the same to the SDK, after the bytes sent so far.
          if (ur.complete) res.end();
          else {
            const sock = res.socket;
            sock.end();
            sock.once('finish', () => sock.destroy());
          }
        };
        ur.on('end', finish);
        ur.on('aborted', () => {});
        ur.on('error', () => {});
        ur.on('close', () => { if (c.bytes === null) finish(); });
      });
      up.on('error', (e) => { c.proxyError = e.message; res.destroy(); });
      up.end(Buffer.concat(body));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, server })));
}

// ---- fixtures -----------------------------------------------------------

function sharedFixtures() {
  if (process.env.STREAMSCOPE_SHARED_FIXTURES) return process.env.STREAMSCOPE_SHARED_FIXTURES;
  // The team's shared folder sits beside the main checkout, or beside the
  // folder of worktrees; a user's clone has none.
  for (const up of ['..', '../..']) {
    const dir = path.resolve(ROOT, up, 'shared/fixtures/llm_streams');
    if (existsSync(dir)) return dir;
  }
  return null;
}

function fixtureFiles() {
  const dirs = [[path.join(ROOT, 'backend/merge/testdata'), 'testdata']];
  const shared = sharedFixtures();
  if (shared) dirs.push([shared, 'shared']);
  else console.log('referees: ../shared/fixtures/llm_streams not found (only in the team checkout): its recordings are left out');
  const out = [];
  for (const [dir, label] of dirs) {
    for (const f of readdirSync(dir).sort()) {
      if (!/\.(sse|ndjson)$/.test(f)) continue;
      out.push({ label: `${label}/${f}`, file: path.join(dir, f) });
    }
  }
  return out;
}

// ---- comparison -----------------------------------------------------------

function fromMerge(m) {
  const choice = (c) => ({
    content: c.content ?? '',
    reasoning: c.reasoning ?? '',
    tool_calls: (c.tool_calls ?? []).map((t) => ({ id: t.id ?? '', name: t.name ?? '', arguments: t.arguments ?? '' })),
    finish_reason: c.finish_reason ?? null,
  });
  return {
    ...choice(m),
    complete: m.complete === true,
    error: m.error?.message ?? null,
    ...(m.choices ? { choices: m.choices.map(choice) } : {}),
    warnings: [],
  };
}

function parseArgsJSON(s) {
  // A call sent without arguments has the arguments {} (the SDKs pass {}).
  if (s === '') return {};
  try { return JSON.parse(s); } catch { return undefined; }
}

// sameCall: names equal; ids equal where the stream carried one (an SDK
// that makes up an id for a call that had none, as openai's
// finalizeChatCompletion and the AI SDK's Gemini provider do, is not
// wrong); arguments equal as sent where the SDK keeps the raw string, as
// JSON values where it only keeps the parsed object.
function sameCall(sdk, ref) {
  if (!sdk || sdk.name !== ref.name) return false;
  if (ref.id !== '' && sdk.id !== ref.id) return false;
  if (sdk.invalid) return false;
  if (typeof sdk.arguments === 'string') return sdk.arguments === ref.arguments;
  const want = parseArgsJSON(ref.arguments);
  return want !== undefined && isDeepStrictEqual(sdk.input, want);
}

function sameChoice(sdk, ref) {
  const d = [];
  if (sdk.content !== ref.content) d.push('content');
  if (sdk.reasoning !== ref.reasoning) d.push('reasoning');
  if (sdk.tool_calls.length !== ref.tool_calls.length || !ref.tool_calls.every((t, i) => sameCall(sdk.tool_calls[i], t))) d.push('tool_calls');
  if (sdk.finish_reason !== ref.finish_reason) d.push('finish_reason');
  return d;
}

// differences lists the fields in which the SDK's result differs from the
// merge. An error matches when the SDK's message contains the stream's
// error message (SDKs wrap it: "400 ...", "got status: ...", JSON of the
// whole event); the SDK's own failures (a cut connection, its checks of
// the end) have no counterpart in the merge but complete=false.
function differences(sdk, ref) {
  const d = sameChoice(sdk, ref);
  if (sdk.complete !== ref.complete) d.push('complete');
  if (ref.error !== null && !(sdk.error ?? '').includes(ref.error)) d.push('error');
  if (ref.choices) {
    const sc = sdk.choices ?? [];
    if (sc.length !== ref.choices.length || ref.choices.some((c, i) => !sc[i] || sameChoice(sc[i], c).length)) d.push('choices');
  }
  if (sdk.warnings.length) d.push('warnings');
  return d;
}

// knownFor lists the known.mjs entries for case c, each with the fields
// it expects to differ for c's client.
function knownFor(c) {
  const hits = [];
  for (const k of KNOWN) {
    if (!k.clients.includes(c.client.name) || !k.where.test(c.name)) continue;
    const fields = Array.isArray(k.fields) ? k.fields : k.fields[c.client.name];
    if (!fields) throw new Error(`known.mjs ${k.id} names no fields for ${c.client.name}`);
    hits.push({ ...k, fields });
  }
  return hits;
}

// ---- running --------------------------------------------------------------

// Warnings the SDKs print go to the case whose code printed them.
const current = new AsyncLocalStorage();
for (const level of ['warn', 'error', 'log', 'info']) {
  const orig = console[level].bind(console);
  console[level] = (...args) => {
    const c = current.getStore();
    if (c) c.warnings.push(args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' '));
    else orig(...args);
  };
}
// The AI SDK prints notes about request settings (not about the stream).
globalThis.AI_SDK_LOG_WARNINGS = false;

function dump(dir, c) {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, c.name.replace(/[^A-Za-z0-9._-]+/g, '_'));
  if (c.bytes) writeFileSync(`${base}.bytes`, c.bytes);
  writeFileSync(`${base}.json`, JSON.stringify({ name: c.name, status: c.status, problem: c.problem, diffs: c.diffs, sdk: c.sdk, merge: c.merge, warnings: c.warnings }, null, 1));
}

async function runCase(c, loopURL, bin, opts) {
  await runCaseInner(c, loopURL, bin);
  if (opts.dump) dump(opts.dump, c);
}

async function runCaseInner(c, loopURL, bin) {
  const base = `${loopURL}/c/${c.id}`;
  let timer;
  const sdk = await current.run(c, () => Promise.race([
    c.client.run(base, c.request).catch((e) => ({ crashed: String(e?.stack ?? e) })),
    new Promise((resolve) => { timer = setTimeout(() => resolve({ crashed: `no answer within ${CASE_TIMEOUT_MS} ms` }), CASE_TIMEOUT_MS); }),
  ]));
  clearTimeout(timer);
  // A cut connection can reach the SDK before the proxy saw the close.
  for (let i = 0; i < 100 && c.bytes === null && !c.proxyError; i++) await new Promise((r) => setTimeout(r, 10));
  c.sdk = sdk.crashed ? null : { ...sdk, warnings: c.warnings };
  if (sdk.crashed) { c.status = 'fail'; c.problem = `the adapter threw: ${sdk.crashed}`; return; }
  if (c.requests.length !== 1 || c.bytes === null) {
    c.status = 'fail';
    c.problem = `expected one request with an answer, got ${c.requests.length} (${c.requests.join(', ')})${c.proxyError ? `; proxy: ${c.proxyError}` : ''}`;
    return;
  }
  try {
    c.merge = fromMerge(await merge(bin, c.bytes));
  } catch (e) {
    c.status = 'fail';
    c.problem = e.message;
    return;
  }
  c.diffs = differences(c.sdk, c.merge);
  const known = c.known;
  const expected = new Set(known.flatMap((k) => k.fields));
  const unexpected = c.diffs.filter((f) => !expected.has(f));
  const vanished = known.filter((k) => !k.transient && k.fields.some((f) => !c.diffs.includes(f)));
  c.gone = known.filter((k) => k.transient && k.fields.some((f) => !c.diffs.includes(f)));
  if (unexpected.length) { c.status = 'fail'; c.problem = `differs in ${unexpected.join(', ')}`; }
  else if (vanished.length) {
    c.status = 'fail';
    c.problem = `known difference no longer seen (${vanished.map((k) => `${k.id}: ${k.fields.filter((f) => !c.diffs.includes(f)).join(', ')}`).join('; ')}): update known.mjs`;
  } else c.status = c.diffs.length ? 'known' : 'equal';
}

async function pool(items, jobs, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function short(v) {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
}

function explain(c) {
  const lines = [];
  if (c.sdk?.error && !c.diffs?.includes('error')) lines.push(`      (sdk error: ${short(c.sdk.error)})`);
  for (const f of c.diffs ?? []) {
    lines.push(`      ${f}: sdk ${short(c.sdk[f])}`);
    lines.push(`      ${' '.repeat(f.length)}  merge ${short(c.merge[f])}`);
  }
  return lines.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const versions = {};
  for (const c of CLIENTS) for (const p of c.pkgs) versions[p] ??= installedVersion(p);
  // A note names the version it was seen with: another version must be
  // looked at again.
  const stale = KNOWN.filter((k) => k.sdk && versions[k.sdk.split('@').slice(0, -1).join('@')] !== k.sdk.split('@').at(-1));
  if (stale.length) {
    for (const k of stale) console.error(`referees: known.mjs note ${k.id} was seen with ${k.sdk}, installed is ${versions[k.sdk.split('@').slice(0, -1).join('@')]}: check it again`);
    process.exit(1);
  }
  console.log(`referees: ${Object.entries(versions).map(([p, v]) => `${p}@${v}`).join(' ')} (node ${process.version})`);

  const mock = await startMock(opts.bin);
  // A timeout or Ctrl-C must not leave the mock server running.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { mock.stop(); process.exit(1); });
  const loop = await startLoopback(mock.url);
  try {
    const add = (client, sourceName, source, fault, request) => {
      const name = `${client.name} ${sourceName} ${fault}`;
      if (opts.only && !opts.only.test(name)) return;
      const c = { id: cases.length, name, client, source, fault, request, requests: [], bytes: null, warnings: [] };
      c.known = knownFor(c);
      cases.push(c);
    };
    for (const client of CLIENTS.filter((c) => c.mock !== false)) {
      for (const [scenario, request] of Object.entries(SCENARIOS)) {
        if (request.only && !request.only.includes(client.name)) continue;
        for (const fault of request.faults ?? FAULTS) add(client, `mock/${scenario}`, { kind: 'mock' }, fault, request);
      }
    }
    const noReferee = [];
    for (const fx of fixtureFiles()) {
      const bytes = readFileSync(fx.file);
      const ref = await merge(opts.bin, bytes);
      const clients = CLIENTS.filter((c) => c.formats.includes(ref.format));
      if (!clients.length) { noReferee.push(`${fx.label} (${ref.format})`); continue; }
      const contentType = fx.file.endsWith('.ndjson') ? 'application/x-ndjson' : 'text/event-stream';
      // Declare the stream's tools: the AI SDK refuses a call to a tool
      // the request did not offer.
      const toolNames = [...new Set([...(ref.tool_calls ?? []), ...(ref.choices ?? []).flatMap((ch) => ch.tool_calls ?? [])].map((t) => t.name).filter(Boolean))];
      for (const client of clients) {
        add(client, fx.label, { kind: 'fixture', bytes, contentType }, 'none', { prompt: 'Answer as recorded.', toolNames });
      }
    }
    await pool(cases, opts.jobs, (c) => runCase(c, loop.url, opts.bin, opts));
    report(cases, noReferee, opts, versions);
    const failed = cases.filter((c) => c.status === 'fail');
    console.log(`referees: ${cases.length} cases, ${cases.filter((c) => c.status === 'equal').length} equal, ` +
      `${cases.filter((c) => c.status === 'known').length} with known differences, ${failed.length} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    process.exitCode = failed.length ? 1 : 0;
  } finally {
    mock.stop();
    loop.server.close();
    loop.server.closeAllConnections();
  }
}

function caseLine(c, opts) {
  const what = c.status === 'equal' ? 'equal'
    : c.status === 'known' ? `known: ${c.known.map((k) => `${k.id} [${k.fields.join(', ')}]`).join('; ')}`
      : `FAIL: ${c.problem}`;
  console.log(`  ${c.status === 'fail' ? '✗' : '✓'} ${c.name.slice(c.client.name.length + 1).padEnd(58)} ${what}`);
  if (c.status === 'fail' || (opts.verbose && c.diffs?.length)) { const e = explain(c); if (e) console.log(e); }
  if (opts.verbose && c.warnings.length) console.log(`      sdk printed: ${short(c.warnings.join(' | '))}`);
  for (const k of c.gone ?? []) console.log(`      note: ${k.id} is no longer seen here: remove it from known.mjs once its fix is merged`);
}

// report prints, per client, the matrix of the mock cases (scenario x
// fault: = equal, k known difference, X failed) and then every case that
// is not equal (with --verbose every case).
function report(all, noReferee, opts, versions) {
  const mark = { equal: '=', known: 'k', fail: 'X' };
  for (const client of CLIENTS) {
    const mine = all.filter((c) => c.client === client);
    if (!mine.length) continue;
    const n = (st) => mine.filter((c) => c.status === st).length;
    console.log(`\n${client.name} (${client.pkgs.map((p) => `${p} ${versions[p]}`).join(', ')}): ` +
      `${n('equal')} equal, ${n('known')} known, ${n('fail')} failed`);
    const mock = mine.filter((c) => c.source.kind === 'mock');
    if (mock.length) {
      console.log(`  ${'mock'.padEnd(10)} ${FAULTS.map((f) => f.padEnd(9)).join(' ')}`.trimEnd());
      for (const scenario of Object.keys(SCENARIOS)) {
        const row = mock.filter((c) => c.name.includes(` mock/${scenario} `));
        if (!row.length) continue;
        const cell = (f) => { const c = row.find((x) => x.fault === f); return (c ? mark[c.status] : '-').padEnd(9); };
        console.log(`  ${scenario.padEnd(10)} ${FAULTS.map(cell).join(' ')}`.trimEnd());
      }
    }
    const fx = mine.filter((c) => c.source.kind === 'fixture');
    if (fx.length) console.log(`  fixtures: ${fx.filter((c) => c.status === 'equal').length} of ${fx.length} equal`);
    for (const c of mine) if (opts.verbose || c.status !== 'equal') caseLine(c, opts);
  }
  if (noReferee.length) console.log(`\nno referee among these SDKs for: ${noReferee.join(', ')}`);
  const used = new Set(all.flatMap((c) => c.known.map((k) => k.id)));
  const unused = KNOWN.filter((k) => !used.has(k.id));
  if (unused.length && !opts.only) console.log(`\nnotes in known.mjs that matched no case: ${unused.map((k) => k.id).join(', ')}`);
}

main().catch((e) => { console.error(`referees: ${e?.stack ?? e}`); process.exit(1); });
