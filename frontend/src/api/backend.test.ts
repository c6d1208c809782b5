// The run-event plumbing against a stand-in for the Wails runtime: events
// of a run that arrive before its listener are handed over, in order, and
// nothing is delivered twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keepEarlyRunEvents, runs } from './backend'

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
