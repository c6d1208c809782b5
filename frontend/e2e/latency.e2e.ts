// Latency from an event leaving a local SSE server to the UI showing it
// (the event count in the response header changes), at 1,000 events/s for
// 5 s. Both clocks are this machine's Date.now(). Written to
// test-results/ui-latency.json; the goal (issue 8) is p99 under 50 ms in
// the production app, this runs against `wails dev`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, writeFileSync } from 'node:fs'
import { launch, openApp } from './harness'
import { makeProject } from './fixture'

const perSecond = 1_000
const total = 5_000

let browser: Browser
let server: Server
let url = ''
const sentAt: number[] = []

beforeAll(async () => {
  browser = await launch()
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
    let sent = 0
    const started = Date.now()
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * perSecond))
      let out = ''
      while (sent < due) {
        sentAt[sent] = Date.now()
        out += `data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n`
        sent++
      }
      if (out) res.write(out)
      if (sent >= total) {
        clearInterval(timer)
        res.end('data: [DONE]\n\n')
      }
    }, 1)
    req.on('close', () => clearInterval(timer))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`
})

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => server?.close(r))
})

describe('latency', () => {
  it('measures byte-to-screen latency at 1,000 events/s', async () => {
    const fx = makeProject()
    writeFileSync(`${fx.dir}/steady.endpoint.yaml`, `schema: 2\nname: Steady\nseq: 9\nmethod: POST\nurl: '${url}'\nbody:\n  type: json\n  text: '{"stream": true}'\n`)
    const { page, errors } = await openApp(browser)
    await page.waitForFunction(() => !!(window as unknown as { go?: unknown }).go, undefined, { timeout: 30_000 })
    await page.evaluate((d) => (window as unknown as { go: { app: { ProjectService: { Open: (d: string) => Promise<unknown> } } } }).go.app.ProjectService.Open(d), fx.dir)
    await page.getByTestId('tree-endpoint').filter({ hasText: 'Steady' }).click()
    await page.getByTestId('send').click()
    await page.getByTestId('event-count').waitFor()
    // Each time the shown count changes, note it and the time it was painted.
    await page.evaluate(() => {
      const w = window as unknown as { __shown: [number, number][] }
      w.__shown = []
      const el = document.querySelector('[data-testid=event-count]')!
      new MutationObserver(() => {
        const n = Number(el.getAttribute('data-count'))
        requestAnimationFrame(() => w.__shown.push([n, Date.now()]))
      }).observe(el, { attributes: true, attributeFilter: ['data-count'] })
    })
    await page.getByTestId('end-pill').waitFor({ timeout: 60_000 })
    const shown = await page.evaluate(() => (window as unknown as { __shown: [number, number][] }).__shown)
    const lat: number[] = []
    let j = 0
    // Skip the first second (connection set-up and the observer attaching).
    for (let i = perSecond; i < total; i++) {
      while (j < shown.length && shown[j][0] < i + 1) j++
      if (j < shown.length) lat.push(shown[j][1] - sentAt[i])
    }
    lat.sort((a, b) => a - b)
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]
    const result = { events: total, perSecond, measured: lat.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: lat[lat.length - 1] }
    mkdirSync('../test-results', { recursive: true })
    writeFileSync('../test-results/ui-latency.json', JSON.stringify(result, null, 2))
    console.log(`latency at ${perSecond}/s: p50 ${result.p50} ms, p90 ${result.p90} ms, p99 ${result.p99} ms, max ${result.max} ms (${lat.length} events)`)
    expect(lat.length).toBeGreaterThan(total / 2)
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)
})
