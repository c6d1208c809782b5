import { describe, expect, it } from 'vitest'
import type { RawView } from './app'
import { eventRaw, rawViewText, reconstructEvent } from './raw'
import type { EventInfo } from './types'

function view(v: Partial<RawView>): RawView {
  return { offset: 0, size: 0, available: true, reason: '', text: '', base64: '', isText: true, shortened: false, ...v }
}

const ev: EventInfo = { index: 3, type: 'delta', data: '{"a":1}\nmore', id: '7', raw_offset: 120, raw_size: 40 }

describe('rawViewText', () => {
  it('gives text as is and decodes base64 as UTF-8, ill-formed bytes as U+FFFD', () => {
    expect(rawViewText(view({ text: 'data:x\r\n\r\n' }))).toBe('data:x\r\n\r\n')
    expect(rawViewText(view({ isText: false, base64: btoa('data: \xc3\xa9\xff\n\n') }))).toBe('data: é\uFFFD\n\n')
  })
})

describe('reconstructEvent', () => {
  it('writes one data line per line, event and id when set', () => {
    expect(reconstructEvent(ev, ev.data)).toBe('event: delta\nid: 7\ndata: {"a":1}\ndata: more\n\n')
    expect(reconstructEvent({ type: 'message', id: '' }, 'x')).toBe('data: x\n\n')
  })
})

describe('eventRaw', () => {
  it('waits for the bytes of an event that has a span', () => {
    expect(eventRaw(ev, ev.data, null)).toMatchObject({ source: 'loading', text: '' })
  })
  it('shows the bytes as received, saying where they are and when they were shortened', () => {
    const got = eventRaw(ev, ev.data, { view: view({ offset: 120, size: 41, text: 'id:7\r\nevent:delta\r\ndata:{"a":1}\r\ndata:more\r\n\r\n' }), error: null })
    expect(got).toEqual({ source: 'received', text: 'id:7\r\nevent:delta\r\ndata:{"a":1}\r\ndata:more\r\n\r\n', note: 'as received: bytes 120–161 of the body' })
    const big = eventRaw({ ...ev, raw_size: 2_000_000 }, ev.data, { view: view({ offset: 0, size: 1_048_576, shortened: true, text: 'x' }), error: null })
    expect(big.note).toBe('as received: bytes 0–1,048,576 of the body, the first 1,048,576 of 2,000,000')
  })
  it('falls back to a labelled reconstruction, saying why', () => {
    const gone = eventRaw(ev, ev.data, { view: view({ available: false, reason: 'the body of run 4 is gone' }), error: null })
    expect(gone.source).toBe('reconstructed')
    expect(gone.text).toBe('event: delta\nid: 7\ndata: {"a":1}\ndata: more\n\n')
    expect(gone.note).toContain('not the bytes received: the body of run 4 is gone')
    expect(eventRaw(ev, ev.data, { view: null, error: 'run 4 not found' }).note).toContain('run 4 not found')
    const replayed = eventRaw({ index: 1, type: 'message', data: 'x', id: '' }, 'x', null)
    expect(replayed).toMatchObject({ source: 'reconstructed', text: 'data: x\n\n' })
    expect(replayed.note).toContain('replayed recording')
  })
})
