// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { formatBytes, formatCount, formatMs, formatOffset, oneLine, prettyJSON, visibleBytes } from './format'

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

describe('formatOffset', () => {
  it.each([
    [0, '0.000s'],
    [1234.5, '1.234s'],
    [Number.POSITIVE_INFINITY, '–'],
  ])('%s -> %s', (ms, want) => {
    expect(formatOffset(ms)).toBe(want)
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [3 * 1024 * 1024, '3.0 MB'],
    [-1, '–'],
  ])('%s -> %s', (n, want) => {
    expect(formatBytes(n)).toBe(want)
  })
})

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(20000)).toBe('20,000')
    expect(formatCount(Number.NaN)).toBe('–')
  })
})

describe('oneLine', () => {
  it('flattens whitespace and cuts long text', () => {
    expect(oneLine('a\n  b\tc')).toBe('a b c')
    expect(oneLine('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`)
  })
})

describe('prettyJSON', () => {
  it.each([
    ['{"a":1}', '{\n  "a": 1\n}'],
    ['[1]', '[\n  1\n]'],
    ['[DONE]', null],
    ['plain', null],
    ['{"a":', null],
    ['', null],
  ])('%j', (input, want) => {
    expect(prettyJSON(input)).toBe(want)
  })
})

describe('visibleBytes', () => {
  it('marks CR, LF and tabs', () => {
    expect(visibleBytes('a\r\n\tb')).toBe('a\\r↵\n→b')
  })
})
