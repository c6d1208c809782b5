import { act, cleanup, render } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { shallowEqual, useThrottled } from './throttle'

function Shown({ v, k, same }: { v: { n: number }; k: string; same?: boolean }) {
  const s = useThrottled(v, 100, k, same ? shallowEqual : undefined)
  return <span data-testid="n">{s.n}</span>
}

describe('useThrottled', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] }))
  afterEach(() => {
    cleanup()
    vi.useRealTimers()
  })

  it('shows the first value at once, then the latest at most every ms, in renders that happen anyway', () => {
    let renders = 0
    function Counted({ v }: { v: { n: number } }) {
      renders++
      return <span data-testid="n">{useThrottled(v, 100, 'k').n}</span>
    }
    const { getByTestId, rerender } = render(<Counted v={{ n: 1 }} />)
    expect(getByTestId('n').textContent).toBe('1')
    act(() => vi.advanceTimersByTime(16))
    rerender(<Counted v={{ n: 2 }} />)
    act(() => vi.advanceTimersByTime(16))
    rerender(<Counted v={{ n: 3 }} />)
    expect(getByTestId('n').textContent).toBe('1')
    // The stream goes on: the render 100 ms after the first shows the
    // latest value itself, and no render of the hook's own was needed.
    for (let n = 4; n <= 7; n++) {
      act(() => vi.advanceTimersByTime(16))
      rerender(<Counted v={{ n }} />)
    }
    expect(getByTestId('n').textContent).toBe('1')
    act(() => vi.advanceTimersByTime(16))
    const before = renders
    rerender(<Counted v={{ n: 8 }} />)
    expect(renders).toBe(before + 1)
    expect(getByTestId('n').textContent).toBe('8')
  })

  it('shows a held-back value by itself when no render comes to show it', () => {
    const { getByTestId, rerender } = render(<Shown v={{ n: 1 }} k="a" />)
    act(() => vi.advanceTimersByTime(1))
    rerender(<Shown v={{ n: 2 }} k="a" />)
    rerender(<Shown v={{ n: 3 }} k="a" />)
    expect(getByTestId('n').textContent).toBe('1')
    act(() => vi.advanceTimersByTime(100))
    expect(getByTestId('n').textContent).toBe('1') // a render may still come
    act(() => vi.advanceTimersByTime(50))
    expect(getByTestId('n').textContent).toBe('3')
    rerender(<Shown v={{ n: 4 }} k="a" />)
    act(() => vi.advanceTimersByTime(50))
    expect(getByTestId('n').textContent).toBe('3')
    act(() => vi.advanceTimersByTime(100))
    expect(getByTestId('n').textContent).toBe('4')
  })

  it('lets a change of key through at once', () => {
    const { getByTestId, rerender } = render(<Shown v={{ n: 1 }} k="a" />)
    act(() => vi.advanceTimersByTime(1))
    rerender(<Shown v={{ n: 2 }} k="a" />)
    rerender(<Shown v={{ n: 5 }} k="b" />)
    expect(getByTestId('n').textContent).toBe('5')
  })

  it('settles: equal values schedule nothing more', () => {
    const { rerender } = render(<Shown v={{ n: 1 }} k="a" same />)
    act(() => vi.advanceTimersByTime(200))
    rerender(<Shown v={{ n: 1 }} k="a" same />)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('compares one level deep', () => {
    expect(shallowEqual({ a: 1, b: 'x' }, { a: 1, b: 'x' })).toBe(true)
    expect(shallowEqual({ a: 1, b: 'x' }, { a: 1, b: 'y' })).toBe(false)
    expect(shallowEqual({ a: 1 } as Record<string, number>, { a: 1, b: 2 })).toBe(false)
  })
})
