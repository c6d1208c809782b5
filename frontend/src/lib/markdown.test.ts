// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { closeStreamingMarkdown, splitBlocks } from './markdown'

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

describe('splitBlocks', () => {
  it.each([
    ['one paragraph', 'a b c', ['a b c']],
    ['paragraphs at blank lines', 'one\n\ntwo\n\nthree', ['one\n\n', 'two\n\n', 'three']],
    ['no split inside a code fence', 'x\n\n```\na\n\nb\n```\n\ny', ['x\n\n', '```\na\n\nb\n```\n\n', 'y']],
    ['no split inside an unclosed fence', 'x\n\n~~~\na\n\nb', ['x\n\n', '~~~\na\n\nb']],
    ['an indented line continues the block', '1. item\n\n   more of it\n\nnext', ['1. item\n\n   more of it\n\n', 'next']],
    ['a table stays whole', '| a | b |\n|---|---|\n| 1 | 2 |\n\nafter', ['| a | b |\n|---|---|\n| 1 | 2 |\n\n', 'after']],
    ['CRLF blank lines', 'one\r\n\r\ntwo', ['one\r\n\r\n', 'two']],
    ['several blank lines', 'one\n\n\n\ntwo', ['one\n\n\n\n', 'two']],
    ['empty', '', ['']],
  ])('%s', (_name, text, blocks) => {
    const s = splitBlocks(text)
    expect(s.blocks).toEqual(blocks)
    expect(s.blocks.join('')).toBe(text)
  })

  it('splits a growing text the same incrementally as at once', () => {
    const full = '# Title\n\nIntro text.\n\n```py\nx = 1\n\ny = 2\n```\n\n- a\n- b\n\n| h |\n|---|\n| c |\n\nEnd.'
    let prev = null
    for (let n = 0; n <= full.length; n += 3) {
      prev = splitBlocks(full.slice(0, n), prev)
      expect(prev.blocks).toEqual(splitBlocks(full.slice(0, n)).blocks)
    }
    expect(splitBlocks(full, prev).blocks).toEqual(splitBlocks(full).blocks)
  })

  it('starts over when the text is not an extension of the previous one', () => {
    const a = splitBlocks('one\n\ntwo')
    expect(splitBlocks('new\n\ntext\n\nhere', a).blocks).toEqual(['new\n\n', 'text\n\n', 'here'])
  })
})
