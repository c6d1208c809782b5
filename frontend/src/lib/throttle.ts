// Figures that a fast stream changes every frame (counts, rates, timings)
// are shown a few times a second: each change repaints its place on the
// screen, and WebKitGTK repaints the whole box around all the places that
// changed in a frame, so a counter far from the Timeline's rows made every
// frame repaint most of the window.
import { useEffect, useReducer, useRef } from 'react'

/** How long past its due time a held-back value waits for a render to show it, before it gets a render of its own. */
const trailingSlackMs = 40

/**
 * The value as of at most ms ago: a fast stream changes it every frame, and
 * the figures it feeds need not repaint that often. The first value, and a
 * change of key, come through at once; same says when two values show the
 * same (identity by default).
 *
 * A newer value is taken up by a render that happens anyway once ms have
 * passed (while a stream flows, the render of the frame that applies its
 * batches), so that the figures change in the same render and frame as the
 * rows, not in a render and a paint of their own; only when no such render
 * comes (the stream paused) does a timer render it.
 */
export function useThrottled<T>(value: T, ms: number, key: unknown, same: (a: T, b: T) => boolean = Object.is): T {
  const shown = useRef<{ value: T; key: unknown; at: number } | null>(null)
  const [, rerender] = useReducer((n: number) => n + 1, 0)
  const now = performance.now()
  let s = shown.current
  if (!s || !Object.is(s.key, key) || (now - s.at >= ms && !same(s.value, value))) {
    s = { value, key, at: now }
    shown.current = s
  }
  const held = !same(s.value, value)
  const due = s.at + ms
  useEffect(() => {
    if (!held) return
    const t = setTimeout(rerender, Math.max(0, due - performance.now()) + trailingSlackMs)
    return () => clearTimeout(t)
  })
  return s.value
}

/** Whether two objects have the same own values (one level deep). */
export function shallowEqual<T extends object>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true
  const ka = Object.keys(a) as (keyof T)[]
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => Object.is(a[k], b[k]))
}
