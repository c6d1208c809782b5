// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { TimelineRecord } from '../api/types'
import { IncrementalFilter, defaultFilter, eventPreview, gapBefore, isProblem, preview, typeLabel } from './timeline'

const ev = (seq: number, t: number, type: string, data: string): TimelineRecord => ({ seq, kind: 'event', time_ms: t, attempt: 1, event: { index: seq, type, data, id: '' } })
const recs: TimelineRecord[] = [
  { seq: 1, kind: 'request_sent', time_ms: 0, attempt: 1, request: { method: 'POST', url: 'http://x/v1', headers: null, body_size: 10 } },
  { seq: 2, kind: 'chunk', time_ms: 5, attempt: 1, chunk: { offset: 0, size: 12, preview: 'data: {}\n\n' } },
  ev(3, 10, 'message', '{"choices":[{"delta":{"content":"Hello"}}]}'),
  { seq: 4, kind: 'comment', time_ms: 11, attempt: 1, text: 'keep-alive' },
  ev(5, 50, 'content_block_delta', '{"delta":{"text":" world"}}'),
  { seq: 6, kind: 'error', time_ms: 60, attempt: 1, error: { code: 'truncated', message: 'closed mid-event' } },
  { seq: 7, kind: 'end', time_ms: 61, attempt: 1, end: { reason: 'truncated', code: 'truncated', events: 2, bytes: 90, wire_bytes: 90, attempts: 1, timing: { dns_ms: 0, connect_ms: 0, tls_ms: 0, reused: false, ttfb_ms: 1, first_event_ms: 10, duration_ms: 61 } } },
]

describe('typeLabel and preview', () => {
  it('labels and previews every kind on one line', () => {
    expect(recs.map(typeLabel)).toEqual(['request', 'chunk', 'message', 'comment', 'content_block_delta', 'error', 'end'])
    expect(preview(recs[0])).toBe('POST http://x/v1')
    expect(preview(recs[3])).toBe(': keep-alive')
    expect(preview(recs[5])).toBe('truncated: closed mid-event')
    expect(preview(recs[6])).toContain('truncated (truncated)')
    for (const r of recs) expect(preview(r)).not.toContain('\n')
  })

  it('previews a redirect with what stayed behind', () => {
    const rd = (redirect: TimelineRecord['redirect']): TimelineRecord => ({ seq: 2, kind: 'redirect', time_ms: 1, attempt: 1, redirect })
    const base = { status: 302, from: 'http://a/x', to: 'http://b/y', method: 'GET', cross_origin: true }
    expect(typeLabel(rd({ ...base, followed: true }))).toBe('redirect')
    expect(preview(rd({ ...base, followed: true, dropped: ['Authorization', 'X-Api-Key'], body: 'dropped' }))).toBe(
      '302 → GET http://b/y (another origin); not sent there: Authorization, X-Api-Key; body dropped',
    )
    expect(preview(rd({ ...base, status: 307, method: 'POST', followed: false, reason: 'following redirects is off' }))).toBe(
      '307 → http://b/y, not followed: following redirects is off',
    )
  })
})

describe('IncrementalFilter', () => {
  it('hides chunks by default, filters by type and text', () => {
    const f = new IncrementalFilter()
    expect(f.update(recs, defaultFilter)).toEqual([0, 2, 3, 4, 5, 6])
    expect(new IncrementalFilter().update(recs, { ...defaultFilter, type: 'message' })).toEqual([2])
    expect(new IncrementalFilter().update(recs, { ...defaultFilter, text: 'WORLD' })).toEqual([4])
    expect(new IncrementalFilter().update(recs, { ...defaultFilter, type: '!problems' })).toEqual([5, 6])
    expect(new IncrementalFilter().update(recs, { ...defaultFilter, chunks: true })).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('scans only new records while the list grows, and restarts on a new filter', () => {
    const list: TimelineRecord[] = recs.slice(0, 3)
    const f = new IncrementalFilter()
    expect(f.update(list, defaultFilter)).toEqual([0, 2])
    list.push(...recs.slice(3))
    expect(f.update(list, defaultFilter)).toEqual([0, 2, 3, 4, 5, 6])
    expect(f.update(list, { ...defaultFilter, text: 'hello' })).toEqual([2])
  })

  it('keeps up with 100,000 appended records', () => {
    const list: TimelineRecord[] = []
    const f = new IncrementalFilter()
    let n = 0
    for (let b = 0; b < 400; b++) {
      for (let i = 0; i < 250; i++) {
        n++
        list.push(ev(n, n, n % 2 ? 'a' : 'b', `d${n}`))
      }
      f.update(list, { ...defaultFilter, type: 'a' })
    }
    expect(f.indexes.length).toBe(50_000)
  })
})

describe('gapBefore and isProblem', () => {
  it('measures the gap from the previous event and flags errors', () => {
    expect(gapBefore(recs, 2)).toBe(-1)
    expect(gapBefore(recs, 4)).toBe(40)
    expect(gapBefore(recs, 3)).toBe(-1)
    expect(recs.map(isProblem)).toEqual([false, false, false, false, false, true, true])
  })
})

describe('eventPreview', () => {
  it.each([
    ['{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}', 'delta.content: "Hi"'],
    ['{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}', 'choices.finish_reason: "stop"'],
    ['{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Yo"}}', 'type: "content_block_delta" · delta.type: "text_delta" · delta.text: "Yo"'],
    ['{"type":"ping"}', 'type: "ping"'],
    ['{"id":"only"}', '{"id":"only"}'],
    ['[DONE]', '[DONE]'],
    ['{"broken', '{"broken'],
    ['line1\nline2', 'line1 line2'],
    ['{"a":"x\\ny"}', 'a: "x\\ny"'],
  ])('%s', (data, want) => {
    expect(eventPreview(data)).toBe(want)
  })
})
