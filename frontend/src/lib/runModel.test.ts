// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { MergeDelta, RunBatch } from '../api/app'
import type { TimelineRecord } from '../api/types'
import { BatchAssembler } from './batches'
import { applyBatches, applyMergeDelta, applyText, emptyMerge, keepRecords, newRunData, pageOut, pageOutStep } from './runModel'

function delta(over: Partial<MergeDelta>): MergeDelta {
  return {
    format: 'openai',
    finishReason: null,
    usage: null,
    error: null,
    verdict: 'streaming',
    complete: false,
    events: 0,
    model: '',
    id: '',
    warnings: null,
    pending: false,
    ...over,
  }
}

function ev(seq: number, t: number, data: string, type = 'message'): TimelineRecord {
  return { seq, kind: 'event', time_ms: t, attempt: 1, event: { index: seq, type, data, id: '' } }
}

describe('applyText', () => {
  it('appends, resets and ignores a missing delta', () => {
    expect(applyText('ab', { append: 'c', reset: false, total: 3 })).toBe('abc')
    expect(applyText('ab', { append: 'x', reset: true, total: 1 })).toBe('x')
    expect(applyText('ab', undefined)).toBe('ab')
  })
})

describe('applyMergeDelta', () => {
  it('accumulates texts and replaces small fields', () => {
    let m = emptyMerge()
    m = applyMergeDelta(m, delta({ content: { append: 'Hel', reset: false, total: 3 }, events: 1 }))
    m = applyMergeDelta(m, delta({ content: { append: 'lo', reset: false, total: 5 }, reasoning: { append: 'hmm', reset: false, total: 3 }, events: 2 }))
    m = applyMergeDelta(m, delta({ finishReason: 'stop', verdict: 'complete', complete: true, events: 3, usage: { total_tokens: 9 } }))
    expect(m.content).toBe('Hello')
    expect(m.reasoning).toBe('hmm')
    expect(m.finishReason).toBe('stop')
    expect(m.verdict).toBe('complete')
    expect(m.usage).toEqual({ total_tokens: 9 })
    expect(m.events).toBe(3)
  })

  it('keeps tool calls unless the delta carries a new list', () => {
    const tc = [{ index: 0, id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}', argumentsError: '', argumentsTruncated: false, argumentsSize: 16 }]
    let m = applyMergeDelta(emptyMerge(), delta({ toolCalls: tc }))
    m = applyMergeDelta(m, delta({ content: { append: 'x', reset: false, total: 1 } }))
    expect(m.toolCalls).toEqual(tc)
  })

  it('applies per-choice deltas for n > 1, in index order', () => {
    let m = applyMergeDelta(emptyMerge(), delta({ choices: [{ index: 1, content: { append: 'B', reset: false, total: 1 }, finishReason: null }] }))
    m = applyMergeDelta(m, delta({ choices: [{ index: 0, content: { append: 'A', reset: false, total: 1 }, finishReason: null }, { index: 1, content: { append: 'b', reset: false, total: 2 }, finishReason: 'stop' }] }))
    expect(m.choices.map((c) => [c.index, c.content, c.finishReason])).toEqual([
      [0, 'A', null],
      [1, 'Bb', 'stop'],
    ])
  })
})

describe('applyBatches', () => {
  it('appends records, counts kinds and keeps one version per call', () => {
    const b1: RunBatch = {
      runId: '1',
      seq: 1,
      records: [
        { seq: 1, kind: 'request_sent', time_ms: 0, attempt: 1, request: { method: 'POST', url: 'u', headers: null, body_size: 2 } },
        { seq: 2, kind: 'comment', time_ms: 1, attempt: 1, text: 'ping' },
        ev(3, 10, '{"a":1}', 'delta'),
      ],
      merge: delta({ content: { append: 'a', reset: false, total: 1 } }),
    }
    const b2: RunBatch = { runId: '1', seq: 2, records: [ev(4, 400, 'x'), { seq: 5, kind: 'warning', time_ms: 401, attempt: 1, warning: { code: 'c', message: 'm' } }] }
    const r0 = newRunData()
    const r1 = applyBatches(r0, [b1, b2])
    expect(r1.version).toBe(1)
    expect(r1.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5])
    expect(r1.counts).toMatchObject({ events: 2, comments: 1, warnings: 1 })
    expect(r1.request?.method).toBe('POST')
    expect(r1.types).toEqual(['delta', 'message'])
    expect(r1.merge.content).toBe('a')
    // Rate buckets of 10 ms: event at 10 ms in bucket 1, at 400 ms in bucket 40 with a 390 ms gap.
    expect(r1.rate.bucketMs).toBe(10)
    expect(r1.rate.events.length).toBe(41)
    expect([r1.rate.events[1], r1.rate.events[40], r1.rate.events.reduce((a, b) => a + b)]).toEqual([1, 1, 2])
    expect(r1.rate.maxGap[40]).toBe(390)
  })

  it('widens the rate buckets as the run grows, keeping every event and the longest gaps', () => {
    // One event every 7 ms for 20 s, and one 900 ms pause at 10 s.
    const recs: TimelineRecord[] = []
    let t = 0
    for (let seq = 1; t < 20_000; seq++) {
      t += seq === 1400 ? 900 : 7
      recs.push(ev(seq, t, 'x'))
    }
    const r = applyBatches(newRunData(), [{ runId: '1', seq: 1, records: recs }])
    expect(r.rate.events.reduce((a, b) => a + b)).toBe(recs.length)
    expect(r.rate.events.length).toBeLessThanOrEqual(150)
    expect(r.rate.events.length).toBeGreaterThan(75)
    expect(r.rate.bucketMs).toBe(160) // 10 · 2⁴: 150 buckets of 160 ms cover 24 s
    expect(Math.max(...r.rate.maxGap)).toBe(900)
  })

  it('orders records exactly by seq whatever order batches and records arrive in', () => {
    const total = 1000
    const batches: RunBatch[] = []
    for (let i = 0; i < total / 10; i++) {
      const recs = Array.from({ length: 10 }, (_, k) => ev(i * 10 + k + 1, i * 10 + k, `d${i * 10 + k + 1}`))
      recs.reverse() // records inside a batch out of order too
      batches.push({ runId: '1', seq: i + 1, records: recs, merge: delta({ content: { append: `${i},`, reset: false, total: 0 } }) })
    }
    // Deliver in a scrambled order: odd batches first, then even.
    const order = [...batches.filter((b) => b.seq % 2 === 1), ...batches.filter((b) => b.seq % 2 === 0)]
    const asm = new BatchAssembler<RunBatch>()
    let run = newRunData()
    for (const b of order) run = applyBatches(run, asm.push(b))
    expect(run.records.length).toBe(total)
    expect(run.records.every((r, i) => r.seq === i + 1)).toBe(true)
    expect(run.merge.content).toBe(Array.from({ length: 100 }, (_, i) => `${i},`).join(''))
    expect(run.counts.events).toBe(total)
  })

  it('records done, logs and tests', () => {
    const r = applyBatches(newRunData(), [
      {
        runId: '1',
        seq: 1,
        records: null,
        logs: [{ level: 'log', message: 'hi', eventSeq: 0 }],
        tests: [{ name: 't', passed: false, message: 'no', eventSeq: 2 }],
        done: { status: 200, reason: 'complete', code: '', message: '', durationMs: 5, events: 0, bytes: 0, wireBytes: 0, attempts: 1, verdict: 'complete', complete: true, streamKind: 'sse', contentType: '', testsPassed: 0, testsFailed: 1, scriptError: '', replay: false },
      },
    ])
    expect(r.logs).toHaveLength(1)
    expect(r.tests[0].passed).toBe(false)
    expect(r.done?.reason).toBe('complete')
  })

  it('returns the same object for no batches', () => {
    const r = newRunData()
    expect(applyBatches(r, [])).toBe(r)
  })
})

describe('pageOut', () => {
  it('keeps the newest keepRecords records once a step more have come, and counts the rest', () => {
    const recs: TimelineRecord[] = Array.from({ length: keepRecords + pageOutStep - 1 }, (_, i) => ev(i + 1, i, 'x'))
    expect(pageOut(recs)).toBe(recs) // less than a step beyond the limit: nothing yet
    let d = newRunData()
    d = applyBatches(d, [{ runId: '1', seq: 1, records: recs } as RunBatch])
    expect(d.records).toHaveLength(recs.length)
    expect(d.pagedOut).toBe(0)
    d = applyBatches(d, [{ runId: '1', seq: 2, records: [ev(recs.length + 1, recs.length, 'y')] } as RunBatch])
    expect(d.records).toHaveLength(keepRecords)
    expect(d.pagedOut).toBe(pageOutStep)
    expect(d.records[0].seq).toBe(pageOutStep + 1)
    expect(d.records[keepRecords - 1].event?.data).toBe('y')
    expect(d.counts.events).toBe(keepRecords + pageOutStep)
    expect(d.lastSeq).toBe(keepRecords + pageOutStep)
  })
})
