// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { BatchAssembler, sortBySeq } from './batches'

const b = (seq: number) => ({ seq })
const seqs = (xs: { seq: number }[]) => xs.map((x) => x.seq)

describe('BatchAssembler', () => {
  it('passes batches in order straight through', () => {
    const a = new BatchAssembler()
    expect(seqs(a.push(b(1)))).toEqual([1])
    expect(seqs(a.push(b(2)))).toEqual([2])
    expect(a.expected).toBe(3)
  })

  it('holds early batches until the gap fills, then releases them in order', () => {
    const a = new BatchAssembler()
    expect(a.push(b(3))).toEqual([])
    expect(a.push(b(2))).toEqual([])
    expect(a.waiting).toBe(2)
    expect(seqs(a.push(b(1)))).toEqual([1, 2, 3])
    expect(a.waiting).toBe(0)
  })

  it('drops duplicates, old batches and invalid seqs', () => {
    const a = new BatchAssembler()
    a.push(b(1))
    expect(a.push(b(1))).toEqual([])
    a.push(b(3))
    expect(a.push(b(3))).toEqual([])
    expect(a.push({ seq: 2.5 })).toEqual([])
    expect(seqs(a.push(b(2)))).toEqual([2, 3])
  })

  it('reassembles any permutation exactly once', () => {
    const n = 200
    const order = Array.from({ length: n }, (_, i) => i + 1)
    let x = 7
    for (let i = n - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) % 2147483648
      const j = x % (i + 1)
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    const a = new BatchAssembler()
    const out: number[] = []
    for (const s of order) out.push(...seqs(a.push(b(s))))
    expect(out).toEqual(Array.from({ length: n }, (_, i) => i + 1))
  })

  it('skipGap gives up on a missing batch', () => {
    const a = new BatchAssembler()
    a.push(b(1))
    a.push(b(4))
    a.push(b(5))
    expect(seqs(a.skipGap())).toEqual([4, 5])
    expect(a.expected).toBe(6)
    expect(a.push(b(2))).toEqual([])
  })
})

describe('BatchAssembler.skipTo', () => {
  it('hands over the batches a snapshot covers and continues after it', () => {
    const a = new BatchAssembler()
    a.push(b(2))
    a.push(b(3))
    a.push(b(5))
    const { covered, ready } = a.skipTo(4)
    expect(seqs(covered)).toEqual([2, 3])
    expect(seqs(ready)).toEqual([5])
    expect(a.expected).toBe(6)
    expect(a.push(b(4))).toEqual([])
  })
})

describe('sortBySeq', () => {
  it('keeps a sorted array as is and sorts a shuffled one', () => {
    const sorted = [b(1), b(2), b(3)]
    expect(sortBySeq(sorted)).toBe(sorted)
    expect(seqs(sortBySeq([b(3), b(1), b(2)]))).toEqual([1, 2, 3])
  })
})
