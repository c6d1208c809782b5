// The run-event plumbing against a stand-in for the Wails runtime: events
// of a run that arrive before its listener are handed over, in order, and
// nothing is delivered twice. And the pull sent without waiting, against a
// stand-in for fetch.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { keepEarlyRunEvents, parsePull, runs } from './backend'

type Cb = (...data: unknown[]) => void
let listeners: Map<string, Cb[]>

function emit(name: string, data: unknown) {
  ;(window as unknown as { wails: { EventsNotify: (m: string) => void } }).wails.EventsNotify(JSON.stringify({ name, data: [data] }))
}

beforeEach(() => {
  listeners = new Map()
  const w = window as unknown as Record<string, unknown>
  w.runtime = {
    EventsOnMultiple: (name: string, cb: Cb) => {
      listeners.set(name, [...(listeners.get(name) ?? []), cb])
      return () => listeners.set(name, (listeners.get(name) ?? []).filter((x) => x !== cb))
    },
  }
  // Like the real runtime: dispatch to listeners, drop events nobody listens to.
  w.wails = {
    EventsNotify: (msg: string) => {
      const m = JSON.parse(msg) as { name: string; data: unknown[] }
      for (const cb of listeners.get(m.name) ?? []) cb(...m.data)
    },
  }
})

afterEach(() => {
  const w = window as unknown as Record<string, unknown>
  delete w.runtime
  delete w.wails
})

describe('run events', () => {
  it('hands over batches emitted before the listener, then live ones, once each', () => {
    keepEarlyRunEvents()
    emit('run:7', { seq: 1 })
    emit('run:7', { seq: 2 })
    emit('run:8', { seq: 1 }) // another run's, kept for its own listener
    emit('settings:changed', { theme: 'dark' }) // not a run event: not kept
    const got: number[] = []
    const off = runs.onBatch('run:7', (b) => got.push(b.seq))
    expect(got).toEqual([1, 2])
    emit('run:7', { seq: 3 })
    expect(got).toEqual([1, 2, 3])
    off()
    emit('run:7', { seq: 4 })
    expect(got).toEqual([1, 2, 3])
    const other: number[] = []
    runs.onBatch('run:8', (b) => other.push(b.seq))
    expect(other).toEqual([1])
  })
})

describe('pulls', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    delete (window as unknown as Record<string, unknown>).go
  })

  it('parses an answer, and nothing that is not one', () => {
    expect(parsePull('{"runs":{"1":[{"runId":"1","seq":4,"records":[]}]},"unknown":[]}')?.runs['1'][0].seq).toBe(4)
    expect(parsePull('{"runs":{},"unknown":["9"]}')?.unknown).toEqual(['9'])
    expect(parsePull(null)).toBeNull()
    expect(parsePull('{"runs":null}')).toBeNull()
    expect(parsePull('{"runs":')).toBeNull()
    expect(parsePull('[]')).toBeNull()
  })

  it('sends a pull without waiting and resolves with its text, or null when it fails', async () => {
    ;(window as unknown as Record<string, unknown>).go = { app: {} }
    const urls: string[] = []
    let answer: () => Promise<Response> = async () => new Response('{"runs":{}}', { status: 200 })
    vi.stubGlobal('fetch', (url: string) => {
      urls.push(url)
      return answer()
    })
    expect(await runs.pullLater(['1', 'a/b'])).toBe('{"runs":{}}')
    expect(urls).toEqual(['/_streamscope/pull?runs=1,a%2Fb'])
    answer = async () => new Response('pull: use GET', { status: 405 })
    expect(await runs.pullLater(['1'])).toBeNull()
    answer = () => Promise.reject(new TypeError('Load failed'))
    expect(await runs.pullLater(['1'])).toBeNull()
    expect(await runs.pullLater([])).toBeNull()
    expect(urls).toHaveLength(3)
  })

  it('does not pull without the Go side', async () => {
    const f = vi.fn()
    vi.stubGlobal('fetch', f)
    expect(await runs.pullLater(['1'])).toBeNull()
    expect(runs.pull(['1'])).toBeNull()
    expect(f).not.toHaveBeenCalled()
  })
})
