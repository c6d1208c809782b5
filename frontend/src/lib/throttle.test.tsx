import { act, cleanup, render } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { shallowEqual, useThrottled } from './throttle'

function Shown({ v, k, same }: { v: { n: number }; k: string; same?: boolean }) {
  const s = useThrottled(v, 100, k, same ? shallowEqual : undefined)
  return <span data-testid="n">{s.n}</span>
}

describe('useThrottled', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => {
    cleanup()
    vi.useRealTimers()
  })

  it('shows the first value at once, then the latest at most every ms', () => {
    const { getByTestId, rerender } = render(<Shown v={{ n: 1 }} k="a" />)
    expect(getByTestId('n').textContent).toBe('1')
    act(() => vi.advanceTimersByTime(1))
    rerender(<Shown v={{ n: 2 }} k="a" />)
    rerender(<Shown v={{ n: 3 }} k="a" />)
    expect(getByTestId('n').textContent).toBe('1')
    act(() => vi.advanceTimersByTime(100))
    expect(getByTestId('n').textContent).toBe('3')
    rerender(<Shown v={{ n: 4 }} k="a" />)
    act(() => vi.advanceTimersByTime(50))
    expect(getByTestId('n').textContent).toBe('3')
    act(() => vi.advanceTimersByTime(60))
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
