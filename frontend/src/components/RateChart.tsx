// A small uPlot chart of events per second and the longest gap per time
// bucket. Data updates at most a few times a second.
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { RateSeries } from '../lib/runModel'
import { useThrottled } from '../lib/throttle'

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'
}

export default function RateChart({ rate, theme }: { rate: RateSeries; theme: string }) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const latest = useRef(rate)
  latest.current = rate

  useEffect(() => {
    const el = box.current
    if (!el) return
    const muted = cssVar('--faint')
    const grid = cssVar('--border')
    const font = '10px ' + getComputedStyle(document.documentElement).fontFamily
    const axis = { stroke: muted, font, ticks: { show: false }, grid: { stroke: grid, width: 1 } }
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height: 68,
      legend: { show: false },
      cursor: { show: false },
      padding: [8, 8, 0, 0],
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(max, 1)] }, gap: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
      axes: [
        { ...axis, size: 16, gap: 2, values: (u, vals) => vals.map((v) => timeTick(v, u.scales.x.max ?? 0)) },
        { ...axis, size: 36, gap: 2, values: (_u, vals) => vals.map(shortNumber) },
        // The gap line has its own scale; its peak is in the legend (an
        // axis this short would show only its zero).
        { scale: 'gap', show: false },
      ],
      series: [
        {},
        { label: 'events/s', stroke: cssVar('--accent'), fill: `${cssVar('--accent')}33`, width: 1, points: { show: false }, paths: uPlot.paths.bars?.({ size: [0.9, 40] }) },
        { label: 'gap', scale: 'gap', stroke: cssVar('--warn'), width: 1.5, points: { show: false }, paths: uPlot.paths.stepped?.({ align: 1 }) },
      ],
    }
    // Created after the pane's first paint: building the chart (canvas,
    // font measurements) in the same frame as the pane's first render made
    // the first Send stall the window for ~100 ms in WebKitGTK.
    let u: uPlot | null = null
    let ro: ResizeObserver | null = null
    const t = setTimeout(() => {
      opts.width = el.clientWidth || 400
      const chart = new uPlot(opts, toData(latest.current, 1000 / latest.current.bucketMs), el)
      u = chart
      plot.current = chart
      ro = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: 68 }))
      ro.observe(el)
    }, 50)
    return () => {
      clearTimeout(t)
      ro?.disconnect()
      u?.destroy()
      plot.current = null
    }
    // Built once per theme: a change of bucket width only changes the data
    // (toData scales it); rebuilding the chart then cost a ~150 ms frame at
    // 20,000 events/s in WebKitGTK.
  }, [theme])

  // Data updates ~4 times a second, in the render of a frame that applies
  // batches anyway (the effects of the store's flushSync render run within
  // it); useThrottled renders the last data itself when no such render comes.
  const shown = useThrottled(rate, redrawMs, theme)
  useEffect(() => {
    plot.current?.setData(toData(shown, 1000 / shown.bucketMs))
  }, [shown])

  return <div ref={box} data-testid="rate-chart" />
}

/** How often the chart redraws while its data changes. */
const redrawMs = 250

function toData(rate: RateSeries, perSec: number): uPlot.AlignedData {
  const n = Math.max(rate.events.length, 2)
  const xs = new Array<number>(n)
  const ev = new Array<number>(n)
  const gap = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    xs[i] = (i * rate.bucketMs) / 1000
    ev[i] = (rate.events[i] ?? 0) * perSec
    gap[i] = rate.maxGap[i] ?? 0
  }
  return [xs, ev, gap]
}

/** 1200 → "1.2k". */
function shortNumber(v: number): string {
  if (v >= 1_000_000) return `${+(v / 1_000_000).toFixed(1)}M`
  if (v >= 1000) return `${+(v / 1000).toFixed(1)}k`
  return `${+v.toFixed(2)}`
}

/** An x tick in seconds: as milliseconds while the run is under 2 s. */
function timeTick(v: number, max: number): string {
  return max < 2 ? `${Math.round(v * 1000)}ms` : `${+v.toFixed(2)}s`
}
