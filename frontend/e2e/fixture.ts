// A small project written to a temporary folder for the end-to-end tests:
// endpoints against the app's in-process mock server ({{mockBaseUrl}}).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Opts {
  headers?: [string, string][]
  model?: string
  merge?: string
  script?: string
  extra?: Record<string, unknown>
}

function endpoint(name: string, seq: number, opts: Opts = {}): string {
  const headers = [['Content-Type', 'application/json'], ...(opts.headers ?? [])]
  const body = JSON.stringify({ model: opts.model ?? 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `Tell me about ${name}` }], ...opts.extra })
  return [
    'schema: 2',
    `name: ${name}`,
    `seq: ${seq}`,
    'method: POST',
    "url: '{{mockBaseUrl}}/v1/chat/completions'",
    'headers:',
    ...headers.flatMap(([k, v]) => [`  - name: ${k}`, `    value: '${v}'`]),
    'body:',
    '  type: json',
    `  text: '${body}'`,
    ...(opts.merge ? [opts.merge] : []),
    ...(opts.script ? [`script: ${opts.script}`] : []),
    '',
  ].join('\n')
}

export interface Fixture {
  dir: string
}

export function makeProject(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'streamscope-e2e-'))
  writeFileSync(join(dir, 'streamscope.yaml'), `schema: 2\nname: E2E project\nid: e2e-${Date.now()}\n`)
  mkdirSync(join(dir, 'environments'))
  writeFileSync(join(dir, 'environments', 'local.yaml'), 'schema: 2\nvariables:\n  - name: model\n    value: gpt-4o-mini\n')
  writeFileSync(join(dir, 'chat.endpoint.yaml'), endpoint('Chat', 1, { model: 'deepseek-reasoner', headers: [['X-Mock-TPS', '400']] }))
  writeFileSync(join(dir, 'slow.endpoint.yaml'), endpoint('Slow', 2, { headers: [['X-Mock-TPS', '4']] }))
  writeFileSync(join(dir, 'cutoff.endpoint.yaml'), endpoint('Cut off', 3, { headers: [['X-Mock-TPS', '400'], ['X-Mock-Fault', 'drop']] }))
  writeFileSync(join(dir, 'midstream-error.endpoint.yaml'), endpoint('Mid-stream error', 4, { headers: [['X-Mock-TPS', '400'], ['X-Mock-Fault', 'error']] }))
  writeFileSync(
    join(dir, 'rules.endpoint.yaml'),
    endpoint('Rules', 5, { headers: [['X-Mock-TPS', '400']], merge: 'merge:\n  format: jsonpath\n  content: $.choices[0].delta.content\n  stop: $.choices[0].finish_reason' }),
  )
  writeFileSync(join(dir, 'tested.endpoint.yaml'), endpoint('Tested', 6, { headers: [['X-Mock-TPS', '400']], script: 'tested.js' }))
  writeFileSync(join(dir, 'tested.js'), "function onEnd(ctx) {\n  pm.test('the reply is long', function () { pm.expect(ctx.result.content.length).to.be.above(1000000) })\n  pm.test('the reply is not empty', function () { pm.expect(ctx.result.content).to.not.equal('') })\n}\n")
  const fast: [string, string][] = [['X-Mock-TPS', '400']]
  writeFileSync(join(dir, 'choices.endpoint.yaml'), endpoint('Two choices', 7, { headers: fast, extra: { n: 2 } }))
  writeFileSync(
    join(dir, 'tools.endpoint.yaml'),
    endpoint('Tool call', 8, {
      headers: fast,
      extra: { tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } } } } }] },
    }),
  )
  writeFileSync(join(dir, 'plain.endpoint.yaml'), endpoint('Not streamed', 9, { headers: fast, extra: { stream: false } }))
  const fn = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' }, when: { type: 'string' } } } } })
  writeFileSync(
    join(dir, 'two-tools.endpoint.yaml'),
    endpoint('Two tools', 10, {
      headers: fast,
      extra: { messages: [{ role: 'user', content: 'Call get_weather and get_time for Paris' }], tools: [fn('get_weather'), fn('get_time')], stream_options: { include_usage: true } },
    }),
  )
  return { dir }
}
