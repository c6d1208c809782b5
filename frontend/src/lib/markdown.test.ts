// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { closeStreamingMarkdown } from './markdown'

describe('closeStreamingMarkdown', () => {
  it.each([
    ['plain text stays', 'Hello **world**', 'Hello **world**'],
    ['closed fence stays', '```js\nx()\n```\nafter', '```js\nx()\n```\nafter'],
    ['open fence is closed', '```js\nconst a = 1', '```js\nconst a = 1\n```\n'],
    ['open fence ending in newline', '```\nline\n', '```\nline\n```\n'],
    ['longer fence needs as long a closer', '````\n```\ninner', '````\n```\ninner\n````\n'],
    ['tilde fence', '~~~\ncode', '~~~\ncode\n~~~\n'],
    ['inline backticks are no fence', 'use `a` and ``` inline', 'use `a` and ``` inline'],
    ['fence just opened', 'text\n```', 'text\n```\n```\n'],
    ['two fences, second open', '```\na\n```\n\n```py\nb', '```\na\n```\n\n```py\nb\n```\n'],
  ])('%s', (_name, input, want) => {
    expect(closeStreamingMarkdown(input)).toBe(want)
  })

  it('holds back a table header until its delimiter row is complete', () => {
    expect(closeStreamingMarkdown('Intro\n\n| a | b |\n| --')).toBe('Intro\n\n| a | b |\n')
    expect(closeStreamingMarkdown('| a | b |\n| --- | -')).toBe('| a | b |\n')
    const full = '| a | b |\n| --- | --- |'
    expect(closeStreamingMarkdown(full)).toBe(full)
    const rows = '| a | b |\n| --- | --- |\n| 1 | 2'
    expect(closeStreamingMarkdown(rows)).toBe(rows)
  })

  it('never throws on any prefix of a mixed document', () => {
    const doc = 'Title\n\n```ts\nconst x = `a`\n```\n\n| h1 | h2 |\n|:--|--:|\n| 1 | 2 |\n\n~~~\nz\n~~~\n'
    for (let i = 0; i <= doc.length; i++) {
      const out = closeStreamingMarkdown(doc.slice(0, i))
      // Every prefix ends with all fences closed: an even number of fence lines.
      const fences = out.split('\n').filter((l) => /^ {0,3}(```|~~~)/.test(l)).length
      expect(fences % 2).toBe(0)
    }
  })
})
