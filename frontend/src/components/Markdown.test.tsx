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
})
