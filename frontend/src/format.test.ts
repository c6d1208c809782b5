import { describe, expect, it } from 'vitest'
import { formatMs } from './format'

describe('formatMs', () => {
  it.each([
    [0.5, '0.50 ms'],
    [3.21, '3.2 ms'],
    [250, '250 ms'],
    [1234, '1.23 s'],
    [65_000, '65.0 s'],
    [Number.NaN, '–'],
  ])('%s -> %s', (ms, want) => {
    expect(formatMs(ms)).toBe(want)
  })
})
