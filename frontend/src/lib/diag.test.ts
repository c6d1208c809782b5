import { describe, expect, it } from 'vitest'
import { Series, stampMs, summariseFrames, summariseLatency } from './diag'

const parts = (pullMs: number, applyMs: number, totalMs: number, modelMs = 0, layoutMs = 0) => ({ pullMs, applyMs, modelMs, layoutMs, totalMs })

describe('diagnostics', () => {
  it('reads a microsecond Unix stamp from an event id and nothing else', () => {
    expect(stampMs('1763751234567890')).toBe(1763751234567.89)
    for (const id of [undefined, '', 'evt_1', '176375123456789', '17637512345678901', '1763751234567890x']) expect(stampMs(id)).toBeNull()
  })

  it('takes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(summariseLatency(v.reverse(), 3)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, skipped: 3, p99BySecond: [] })
    expect(summariseLatency([], 0)).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0, skipped: 0, p99BySecond: [] })
    expect(summariseLatency([7], 0).p99).toBe(7)
  })

  it('gives the p99 of each second of the run', () => {
    // stamps in ms: three in the first second, none in the second, two in the third
    const s = summariseLatency([10, 90, 20, 30, 5], 0, [5000, 5999, 5500, 7100, 7900])
    expect(s.p99BySecond).toEqual([90, 0, 30])
    expect(s.max).toBe(90)
  })

  it('keeps a series of numbers across its blocks, in order', () => {
    const s = new Series()
    expect(s.length).toBe(0)
    expect(s.values()).toEqual([])
    const n = Series.block * 2 + 3
    for (let i = 0; i < n; i++) s.push(i * 0.5)
    expect(s.length).toBe(n)
    const v = s.values()
    expect(v).toHaveLength(n)
    expect(v[0]).toBe(0)
    expect(v[Series.block]).toBe(Series.block * 0.5)
    expect(v[n - 1]).toBe((n - 1) * 0.5)
    expect(v.every((x, i) => x === i * 0.5)).toBe(true)
  })

  it('counts only the slow frames inside the run', () => {
    const gaps = [
      { at: 5, gap: 400, busy: 400, before: parts(1, 2, 3) },
      { at: 20, gap: 60, busy: 6.04, before: parts(0, 5.56, 20.04) },
      { at: 30, gap: 150, busy: 149.96, before: parts(3, 140, 149, 2.04, 7.96) },
      { at: 40, gap: 101, busy: 12, before: parts(0, 0, -1) },
      { at: 90, gap: 900, busy: 5, before: parts(1, 1, 1) },
    ]
    expect(summariseFrames(gaps, 500, 10, 50)).toEqual({
      count: 500,
      maxGapMs: 150,
      over50: 3,
      over100: 2,
      worst: [150, 101, 60],
      worstAtMs: [20, 30, 10],
      worstBusyMs: [150, 12, 6],
      worstBefore: [parts(3, 140, 149, 2, 8), parts(0, 0, -1), parts(0, 5.6, 20)],
    })
  })
})
