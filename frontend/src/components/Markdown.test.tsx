import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import Markdown from './Markdown'

describe('Markdown while streaming', () => {
  it('keeps text after an unclosed code fence inside the code block', () => {
    const { container } = render(<Markdown text={'Intro\n\n```js\nconst a = 1'} streaming />)
    expect(container.querySelector('pre code')?.textContent).toBe('const a = 1\n')
    expect(container.querySelector('p')?.textContent).toBe('Intro')
  })

  it('renders a complete table and holds back a half-arrived one', () => {
    const full = render(<Markdown text={'| a | b |\n| --- | --- |\n| 1 | 2 |'} streaming />)
    expect(full.container.querySelectorAll('td')).toHaveLength(2)
    const half = render(<Markdown text={'Table:\n\n| a | b |\n| --'} streaming />)
    expect(half.container.querySelector('table')).toBeNull()
    expect(half.container.textContent).not.toContain('--')
  })

  it('renders every prefix of a reply without throwing', () => {
    const doc = '# Title\n\nSome **bold** text.\n\n```py\nprint("x")\n```\n\n| h | i |\n|---|---|\n| 1 | 2 |\n\n- a\n- b\n'
    for (let i = 0; i <= doc.length; i += 3) {
      const { unmount } = render(<Markdown text={doc.slice(0, i)} streaming />)
      unmount()
    }
  })

  it('keeps the rendered blocks before the last as the reply grows', () => {
    const { container, rerender } = render(<Markdown text={'# Title\n\nFirst paragraph.\n\nSecond'} streaming />)
    const h1 = container.querySelector('h1')
    const p1 = container.querySelectorAll('p')[0]
    rerender(<Markdown text={'# Title\n\nFirst paragraph.\n\nSecond paragraph, longer.\n\n- item'} streaming />)
    expect(container.querySelector('h1')).toBe(h1)
    expect(container.querySelectorAll('p')[0]).toBe(p1)
    expect(container.querySelectorAll('p')[1].textContent).toBe('Second paragraph, longer.')
    expect(container.querySelector('li')?.textContent).toBe('item')
  })

  it('shows a very long last block as plain text while it streams, as Markdown once done', () => {
    const long = '**' + 'x'.repeat(31_000) + '**'
    const streamingView = render(<Markdown text={long} streaming />)
    expect(streamingView.container.querySelector('strong')).toBeNull()
    expect(streamingView.container.querySelector('pre.md-plain')?.textContent).toBe(long)
    const done = render(<Markdown text={long} streaming={false} />)
    expect(done.container.querySelector('strong')?.textContent).toHaveLength(31_000)
  })
})
