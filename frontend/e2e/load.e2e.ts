// A fast stream through the whole app: a local SSE server in the test sends
// 20,000 events per second for 5 s (OpenAI Chat chunks, one character
// each); the UI must show every event, merge the exact text, and never
// block the main thread for long.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, writeFileSync } from 'node:fs'
import { launch, openApp } from './harness'
import { makeProject } from './fixture'

// STREAMSCOPE_LOAD_SECONDS runs it longer (the goal is 60 s).
const perSecond = 20_000
const seconds = Number(process.env.STREAMSCOPE_LOAD_SECONDS ?? 5)
const total = perSecond * seconds
const tickMs = 10
const perTick = (perSecond * tickMs) / 1000

let browser: Browser
let server: Server
let url = ''

function textOf(i: number): string {
  return String.fromCharCode(97 + (i % 26))
}

beforeAll(async () => {
  browser = await launch()
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
    let sent = 0
    const started = Date.now()
    const timer = setInterval(() => {
      // Catch up with the wall clock so timer jitter does not lower the rate.
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * perSecond) + perTick)
      let out = ''
      while (sent < due) {
        out += `data: {"choices":[{"index":0,"delta":{"content":"${textOf(sent)}"}}]}\n\n`
        sent++
      }
      if (sent >= total) {
        out += `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`
        clearInterval(timer)
        res.end(out)
        return
      }
      res.write(out)
    }, tickMs)
    req.on('close', () => clearInterval(timer))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`
})

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => server?.close(r))
})

describe('load', () => {
  it(`shows all ${total} events of a ${perSecond}/s stream and merges them exactly`, async () => {
    const fx = makeProject()
    writeFileSync(
      `${fx.dir}/fast.endpoint.yaml`,
      `schema: 2\nname: Fast\nseq: 9\nmethod: POST\nurl: '${url}'\nbody:\n  type: json\n  text: '{"stream": true}'\n`,
    )
    const { page, errors } = await openApp(browser)
    await page.waitForFunction(() => !!(window as unknown as { go?: unknown }).go, undefined, { timeout: 30_000 })
    await page.evaluate((d) => (window as unknown as { go: { app: { ProjectService: { Open: (d: string) => Promise<unknown> } } } }).go.app.ProjectService.Open(d), fx.dir)
    await page.getByTestId('tree-endpoint').filter({ hasText: 'Fast' }).click({ timeout: 15_000 }).catch(async (e) => {
      await page.screenshot({ path: '../test-results/ui-load-fail.png' })
      throw e
    })
    await page.getByTestId('send').waitFor()
    // Record main-thread stalls (long tasks) while the stream runs.
    await page.evaluate(() => {
      const w = window as unknown as { __longest: number; __stalls: number }
      w.__longest = 0
      w.__stalls = 0
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          w.__longest = Math.max(w.__longest, e.duration)
          if (e.duration > 100) w.__stalls++
        }
      }).observe({ type: 'longtask', buffered: false })
    })
    // STREAMSCOPE_PROFILE=1 writes a CPU profile of the UI during the stream.
    const cdp = process.env.STREAMSCOPE_PROFILE ? await page.context().newCDPSession(page) : null
    if (cdp) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
    }
    await page.getByTestId('send').click()
    // Scrolling up while it streams stops the auto-scroll; "Follow" resumes it.
    await expect.poll(async () => Number(await page.getByTestId('event-count').getAttribute('data-count')), { timeout: 20_000 }).toBeGreaterThan(10_000)
    const list = page.getByTestId('timeline-list')
    await list.hover()
    await page.mouse.wheel(0, -3000)
    await page.getByTestId('follow').waitFor({ timeout: 5_000 })
    const held = await list.evaluate((el) => el.scrollTop)
    await page.waitForTimeout(500)
    expect(Math.abs((await list.evaluate((el) => el.scrollTop)) - held)).toBeLessThan(2)
    await page.getByTestId('follow').click()
    await page.getByTestId('end-pill').waitFor({ timeout: 60_000 + seconds * 2_000 })
    // Following again: the list ends at the last record.
    await expect.poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(30)
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop')
      writeFileSync('../test-results/ui-load.cpuprofile', JSON.stringify(profile))
    }
    expect(await page.getByTestId('end-pill').getAttribute('data-reason')).toBe('complete')
    // Every event reached the UI: total content events + the finish event + [DONE].
    expect(Number(await page.getByTestId('event-count').getAttribute('data-count'))).toBe(total + 2)
    const stalls = await page.evaluate(() => {
      const w = window as unknown as { __longest: number; __stalls: number }
      return { longest: w.__longest, over100: w.__stalls }
    })
    await page.getByTestId('resp-tab-merge').click()
    const merged = (await page.getByTestId('merged-content').textContent()) ?? ''
    let want = ''
    for (let i = 0; i < total; i++) want += textOf(i)
    expect(merged.replace(/\s/g, '')).toBe(want)
    await page.getByTestId('resp-tab-timeline').click()
    // Only the newest records stay in memory; the earlier ones page in from disk.
    await page.getByTestId('tl-pager').waitFor()
    expect(await page.getByTestId('tl-pager-text').textContent()).toMatch(/earlier ones are on disk/)
    await page.getByTestId('tl-page-first').click()
    await expect.poll(() => page.getByTestId('tl-row').first().getAttribute('data-seq')).toBe('1')
    expect(await page.getByTestId('tl-pager-text').textContent()).toMatch(/^Records 1–5,000 of /)
    await page.getByTestId('tl-page-later').click()
    await expect.poll(() => page.getByTestId('tl-pager-text').textContent()).toMatch(/^Records 5,001–10,000 of /)
    await page.getByTestId('tl-page-latest').click()
    await expect.poll(() => page.getByTestId('tl-pager-text').textContent()).toMatch(/earlier ones are on disk/)
    await expect.poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(30)
    mkdirSync('../test-results', { recursive: true })
    await page.screenshot({ path: '../test-results/ui-load.png' })
    writeFileSync('../test-results/ui-load.json', JSON.stringify({ events: total, perSecond, longestTaskMs: stalls.longest, tasksOver100ms: stalls.over100 }, null, 2))
    console.log(`load: ${total} events at ${perSecond}/s; longest main-thread task ${stalls.longest.toFixed(0)} ms, ${stalls.over100} over 100 ms`)
    expect(errors).toEqual([])
    await page.close()
  }, 120_000 + seconds * 3_000)
})
