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
  // backend.ts keeps its pull socket for the page's life: a fresh copy per test.
  async function fresh() {
    vi.resetModules()
    return import('./backend')
  }

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

  it('without a pull socket, sends a pull to the asset server and resolves with its text, or null when it fails', async () => {
    const { runs } = await fresh()
    ;(window as unknown as Record<string, unknown>).go = { app: {} }
    const urls: string[] = []
    let answer: () => Promise<Response> = async () => new Response('{"runs":{}}', { status: 200 })
    vi.stubGlobal('fetch', (url: string) => {
      urls.push(url)
      if (url === '/_streamscope/pull-socket') return Promise.resolve(new Response('no', { status: 404 }))
      return answer()
    })
    expect(await runs.pullLater(['1', 'a/b'])).toBe('{"runs":{}}')
    expect(urls).toEqual(['/_streamscope/pull-socket', '/_streamscope/pull?runs=1,a%2Fb'])
    answer = async () => new Response('pull: use GET', { status: 405 })
    expect(await runs.pullLater(['1'])).toBeNull()
    answer = () => Promise.reject(new TypeError('Load failed'))
    expect(await runs.pullLater(['1'])).toBeNull()
    expect(await runs.pullLater([])).toBeNull()
    expect(urls).toHaveLength(4) // the socket's address was asked for once
  })

  it('sends pulls through the pull socket, answers in order, and goes back to the asset server when it closes', async () => {
    const { runs } = await fresh()
    ;(window as unknown as Record<string, unknown>).go = { app: {} }
    const sockets: FakeSocket[] = []
    class FakeSocket {
      onopen: (() => void) | null = null
      onerror: (() => void) | null = null
      onclose: (() => void) | null = null
      onmessage: ((e: { data: unknown }) => void) | null = null
      sent: string[] = []
      constructor(public url: string) {
        sockets.push(this)
        setTimeout(() => this.onopen?.(), 0)
      }
      send(m: string) {
        this.sent.push(m)
      }
      answer(data: string) {
        this.onmessage?.({ data })
      }
    }
    vi.stubGlobal('WebSocket', FakeSocket)
    const urls: string[] = []
    vi.stubGlobal('fetch', (url: string) => {
      urls.push(url)
      if (url === '/_streamscope/pull-socket') return Promise.resolve(new Response('{"url":"ws://127.0.0.1:4321/pull?token=ab"}', { status: 200 }))
      return Promise.resolve(new Response('{"runs":{"fetched":[]}}', { status: 200 }))
    })
    const first = runs.pullLater(['1'])
    await vi.waitFor(() => expect(sockets[0]?.sent).toEqual(['1']))
    const second = runs.pullLater(['1', '2'])
    await vi.waitFor(() => expect(sockets[0].sent).toEqual(['1', '1,2']))
    expect(sockets[0].url).toBe('ws://127.0.0.1:4321/pull?token=ab')
    sockets[0].answer('{"runs":{"a":[]}}')
    sockets[0].answer('{"runs":{"b":[]}}')
    expect(await first).toBe('{"runs":{"a":[]}}')
    expect(await second).toBe('{"runs":{"b":[]}}')
    // A pull waiting when the socket closes goes to the asset server, and so do the next ones.
    const third = runs.pullLater(['3'])
    await vi.waitFor(() => expect(sockets[0].sent).toHaveLength(3))
    sockets[0].onclose?.()
    expect(await third).toBe('{"runs":{"fetched":[]}}')
    expect(await runs.pullLater(['4'])).toBe('{"runs":{"fetched":[]}}')
    expect(sockets).toHaveLength(1)
    expect(urls).toEqual(['/_streamscope/pull-socket', '/_streamscope/pull?runs=3', '/_streamscope/pull?runs=4'])
  })

  it('does not pull without the Go side', async () => {
    const { runs } = await fresh()
    const f = vi.fn()
    vi.stubGlobal('fetch', f)
    expect(await runs.pullLater(['1'])).toBeNull()
    expect(runs.pull(['1'])).toBeNull()
    expect(f).not.toHaveBeenCalled()
  })
})
