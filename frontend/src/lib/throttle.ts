// Figures that a fast stream changes every frame (counts, rates, timings)
// are shown a few times a second: each change repaints its place on the
// screen, and WebKitGTK repaints the whole box around all the places that
// changed in a frame, so a counter far from the Timeline's rows made every
// frame repaint most of the window.
import { useEffect, useRef, useState } from 'react'

/**
 * The value as of at most ms ago: a fast stream changes it every frame, and
 * the figures it feeds need not repaint that often. The first value, and a
 * change of key, come through at once; same says when two values show the
 * same (identity by default).
 */
export function useThrottled<T>(value: T, ms: number, key: unknown, same: (a: T, b: T) => boolean = Object.is): T {
  const [shown, setShown] = useState({ value, key, at: 0 })
  const latest = useRef(value)
  latest.current = value
  const keyChanged = !Object.is(shown.key, key)
  const stale = keyChanged || !same(shown.value, value)
  useEffect(() => {
    if (!stale) return
    const wait = keyChanged ? 0 : Math.max(0, shown.at + ms - performance.now())
    const t = setTimeout(() => setShown({ value: latest.current, key, at: performance.now() }), wait)
    return () => clearTimeout(t)
  }, [stale, keyChanged, shown, ms, key])
  return keyChanged ? value : shown.value
}

/** Whether two objects have the same own values (one level deep). */
export function shallowEqual<T extends object>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true
  const ka = Object.keys(a) as (keyof T)[]
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => Object.is(a[k], b[k]))
}
