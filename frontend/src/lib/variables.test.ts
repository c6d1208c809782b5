// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { segments, substitute, unresolved } from './variables'

const known = new Set(['mockBaseUrl', 'model'])

describe('segments', () => {
  it('splits plain text and references, marking unknown ones', () => {
    expect(segments('{{mockBaseUrl}}/v1/{{ missing }}?m={{model}}', known)).toEqual([
      { text: '{{mockBaseUrl}}', variable: 'mockBaseUrl', resolved: true },
      { text: '/v1/' },
      { text: '{{ missing }}', variable: 'missing', resolved: false },
      { text: '?m=' },
      { text: '{{model}}', variable: 'model', resolved: true },
    ])
  })

  it.each([
    ['', []],
    ['no refs', [{ text: 'no refs' }]],
    ['{{ unclosed', [{ text: '{{ unclosed' }]],
    ['{{}}', [{ text: '{{}}' }]],
    ['{{1bad}}', [{ text: '{{1bad}}' }]],
  ])('%j', (input, want) => {
    expect(segments(input, known)).toEqual(want)
  })

  it('joins back to the input', () => {
    const s = 'a{{x}}b{{ y }}c{{'
    expect(segments(s, known).map((p) => p.text).join('')).toBe(s)
  })
})

describe('unresolved', () => {
  it('lists unknown names once, in order, across fields', () => {
    expect(unresolved(['{{b}} {{a}}', undefined, '{{b}} {{model}} {{c}}'], known)).toEqual(['b', 'a', 'c'])
  })
})

describe('substitute', () => {
  it('replaces known names and keeps unknown ones', () => {
    expect(substitute('{{ mockBaseUrl }}/x/{{nope}}', new Map([['mockBaseUrl', 'http://127.0.0.1:1']]))).toBe(
      'http://127.0.0.1:1/x/{{nope}}',
    )
  })
})
